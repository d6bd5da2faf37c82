"""The help screen (``?``): every key of the screen below it, and two facts worth knowing."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...i18n import t
from ..keys import Key

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", show=False)]

    def __init__(self, keys: tuple[Key, ...], lang: str) -> None:
        super().__init__()
        self.keys = keys
        self.lang = lang

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for k in self.keys:
            if k.help:
                table.add_row(Text(k.shown_keys), Text(t(k.label, self.lang)))
        with Vertical(id="help-box"):
            yield Static(Text(t("help_title", self.lang), style="bold"), classes="modal-title")
            yield Static(table)
            yield Static(Text(t("help_back_note", self.lang)), classes="modal-note")
            yield Static(Text(t("help_truth", self.lang)), classes="modal-note")
            yield Static(Text(t("help_close", self.lang), style="dim"))

    def on_click(self) -> None:
        self.dismiss()
