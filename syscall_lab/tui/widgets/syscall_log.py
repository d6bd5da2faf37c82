"""Every syscall the lesson made, as strace prints it, with the syscall's number here.

Each line belongs to the step that made the call (or during which a blocked call returned).
Selecting a line (up/down, a click) puts that step in focus: every pane then highlights what
it caused, the fd rows it changed, the packets it sent, the states it led to.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...engine.protocol import Returned
from ...engine.vocabulary import CALLS, syscall_for
from ...i18n import t
from ..view import View

__all__ = ["SyscallLog", "log_line"]


def log_line(actor: str, c: str, call: str, nr: int | None, view: View,
             late: bool = False, failed: bool = False, blocked: bool = False,
             typed: bool = False) -> Text:
    """``[ 50] server   listen(3, 2) = 0``; a typed step's line begins with ``:``."""
    line = Text()
    line.append(":" if typed else " ", style="bold magenta")
    line.append(f"[{nr:>3}] " if nr is not None else "[  ?] ", style="dim")
    line.append(f"{actor:<8} ", style="bold")
    line.append(view.volatile.text(c), style="red" if failed else "yellow" if blocked else "")
    if late:
        line.append("  ← " + t("returned_from", view.lang, call=call), style="magenta")
    return line


class SyscallLog(OptionList):
    """Appends the calls of each new step; starts over when the lab does (reset, replay)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        b for b in OptionList.BINDINGS if isinstance(b, Binding) and b.key != "enter"]
    """Enter stays the screen's (next step): selecting a line needs no confirming."""

    class StepSelected(Message):
        """The student selected a line: the step (1-based record index) it belongs to."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._shown = (-1, 0, "")
        self._logged: set[tuple[str, int]] = set()
        """(actor, seq) of the calls already logged: a call that returned during one step
        and is then waited for in the next is one call."""

    def show(self, view: View) -> None:
        state = view.state
        generation, count, lang = self._shown
        records = len(state.records)
        if generation != state.generation or count > records or lang != view.lang:
            self.clear_options()
            self._logged = set()
            count = 0
        lines: list[Option] = []
        for i, r in enumerate(state.records[count:], count + 1):
            o = r.outcome
            if o is not None and not (o.seq is not None and not o.blocked
                                      and (o.actor, o.seq) in self._logged):
                lines.append(Option(log_line(o.actor, o.c, o.call, o.syscall.get("nr"), view,
                                             failed=bool(o.errno), blocked=o.blocked,
                                             typed=r.typed), id=f"{i}.0"))
            elif o is None and r.typed:
                lines.append(Option(Text("      " + (r.step.do or ""), style="italic"),
                                    id=f"{i}.0"))
            for k, e in enumerate(r.events, 1):
                if isinstance(e, Returned) and e.c:
                    lines.append(Option(_late(e, view), id=f"{i}.{k}"))
                    seq = e.result.get("seq")
                    if seq is not None:
                        self._logged.add((e.actor, int(seq)))
        if lines:
            self.add_options(lines)
            if view.focus is None:
                self.highlighted = None  # following the newest line selects nothing
                self.scroll_end(animate=False)
        self._shown = (state.generation, records, view.lang)

    def select_step(self, step: int | None) -> None:
        """Highlight the first line of ``step`` (a packet was selected elsewhere). This is not
        the student selecting a line: no :class:`StepSelected` follows (the highlight's
        message is posted while the value is set, so it is prevented right there)."""
        with self.prevent(OptionList.OptionHighlighted):
            if step is None:
                self.highlighted = None
                return
            for index in range(self.option_count):
                option_id = self.get_option_at_index(index).id or ""
                if int(option_id.split(".")[0]) >= step:
                    self.highlighted = index
                    return

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is None:
            return
        self.post_message(self.StepSelected(int(event.option.id.split(".")[0])))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()


def _late(e: Returned, view: View) -> Text:
    nr = syscall_for(CALLS[e.call])[1] if e.call in CALLS else None
    return log_line(e.actor, e.c, e.call, nr, view, late=not e.in_child,
                    failed=bool(e.result.get("errno")))
