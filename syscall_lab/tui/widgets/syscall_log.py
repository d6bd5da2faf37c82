"""Every syscall the lesson made, as strace prints it, with the syscall's number here."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import RichLog

from ...engine.vocabulary import CALLS, syscall_for
from ...i18n import t
from ..view import View

__all__ = ["SyscallLog", "log_line"]


def log_line(actor: str, c: str, call: str, nr: int | None, view: View,
             late: bool = False, failed: bool = False, blocked: bool = False) -> Text:
    """``[ 50] server   listen(3, 2) = 0``."""
    line = Text()
    line.append(f"[{nr:>3}] " if nr is not None else "[  ?] ", style="dim")
    line.append(f"{actor:<8} ", style="bold")
    line.append(view.volatile.text(c), style="red" if failed else "yellow" if blocked else "")
    if late:
        line.append("  ← " + t("returned_from", view.lang, call=call), style="magenta")
    return line


class SyscallLog(RichLog):
    """Appends the calls of each new step; starts over when the lab does (reset, replay)."""

    can_focus = False

    def __init__(self, **kw: Any) -> None:
        super().__init__(wrap=True, min_width=20, markup=False, highlight=False, auto_scroll=True,
                         **kw)
        self._shown = (-1, 0, "")
        self._logged: set[tuple[str, int]] = set()
        """(actor, seq) of the calls already logged: a call that returned during one step
        and is then waited for in the next is one call."""

    def show(self, view: View) -> None:
        state = view.state
        generation, count, lang = self._shown
        if generation != state.generation or count > state.done or lang != view.lang:
            self.clear()
            self._logged = set()
            count = 0
        for r in state.records[count:]:
            o = r.outcome
            if o is not None and not (o.seq is not None and not o.blocked
                                      and (o.actor, o.seq) in self._logged):
                self.write(log_line(o.actor, o.c, o.call, o.syscall.get("nr"), view,
                                    failed=bool(o.errno), blocked=o.blocked))
            for e in r.events:
                if e.get("event") == "result" and e.get("c"):
                    self.write(_late(e, view))
                    seq = (e.get("result") or {}).get("seq")
                    if seq is not None:
                        self._logged.add((str(e.get("actor")), int(seq)))
        self._shown = (state.generation, state.done, view.lang)


def _late(e: dict[str, Any], view: View) -> Text:
    call = str(e.get("call", ""))
    nr = syscall_for(CALLS[call])[1] if call in CALLS else None
    failed = bool((e.get("result") or {}).get("errno"))
    return log_line(str(e.get("actor")), str(e["c"]), call, nr, view, late=call != "fork",
                    failed=failed)
