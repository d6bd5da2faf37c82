"""The wire's controls: the packets it holds (deliver one or all, drop one) and its rules.

Each control is a step in the lesson grammar (``wire.deliver(5)``), performed exactly as if the
student had typed it at the sandbox prompt: it is in the syscall log's history, and going back
undoes it by replay like any other step.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from ...i18n import t
from ...lesson.recording import RULE_STATE
from ...net.rules import Rule
from ..view import View, update
from .packet_list import packet_cells

__all__ = ["HeldTable", "WirePane"]


class HeldTable(DataTable[Text]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "act('deliver')", show=False), Binding("D", "act('deliver_all')",
                                                            show=False),
        Binding("x", "act('drop')", show=False)]

    class Act(Message):
        """A wire step to perform: ``wire.deliver(5)``."""

        def __init__(self, do: str) -> None:
            super().__init__()
            self.do = do

    def __init__(self, **kw: Any) -> None:
        super().__init__(cursor_type="row", cell_padding=0, **kw)

    def action_act(self, what: str) -> None:
        if what == "deliver_all":
            if self.row_count:
                self.post_message(self.Act("wire.deliver(all)"))
            return
        if not self.row_count:
            return
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self.post_message(self.Act(f"wire.{'deliver' if what == 'deliver' else 'drop'}({key})"))


class WirePane(Vertical):
    can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="wire-help")
        yield HeldTable(id="held")
        yield Static(id="wire-rules")

    def show(self, view: View) -> None:
        lang = view.lang
        held_now = set(view.state.wire_held)
        table = self.query_one(HeldTable)
        wanted = [p for p in view.state.packets if p.n in held_now]
        if [str(p.n) for p in wanted] != [str(k.value) for k in table.rows] or \
                (table.columns and str(next(iter(table.columns)).value) != lang):
            table.clear(columns=True)
            if wanted:
                table.add_column(" #", width=5, key=lang)
                table.add_column(" " + t("col_path", lang), width=28)
                table.add_column(" " + t("col_flags", lang), width=10)
                table.add_column(" " + t("col_seq", lang), width=6)
                table.add_column(" " + t("col_ack", lang), width=6)
                for p in wanted:
                    cells = packet_cells(p, view)
                    table.add_row(cells["no"], cells["path"], cells["flags"], cells["seq"],
                                  cells["ack"], key=str(p.n))
        if view.lesson.mode != "wire":
            help_text = Text(t("wire_loopback", lang), style="italic")
        elif wanted:
            help_text = Text(t("wire_held", lang, n=len(wanted)), style="bold yellow")
            help_text.append("\n" + t("wire_keys", lang), style="dim")
        else:
            help_text = Text(t("wire_none_held", lang), style="dim")
        update(self.query_one("#wire-help", Static), help_text)
        rules = view.state.wire_rules
        lines = Text()
        if rules:
            lines.append(t("wire_rules", lang), style="bold")
            for r in rules:
                rule = Rule.from_json({k: v for k, v in r.items() if k not in RULE_STATE})
                lines.append(f"\n  {rule.describe()}  ")
                lines.append(t("wire_matched", lang, n=r.get("matched", 0)), style="dim")
        update(self.query_one("#wire-rules", Static), lines)
