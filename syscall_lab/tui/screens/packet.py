"""One packet in detail (enter on the ladder or the packet list): every layer scapy decodes,
with its fields, the lab's own analysis (fate and its history, marks), and the bytes in hex."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...i18n import packet_word, t
from ...net.packets import PacketRecord, describe
from ...shown import shown
from ..view import Volatile

__all__ = ["PacketScreen"]


class PacketScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "dismiss", show=False)]

    def __init__(self, record: PacketRecord, data: bytes | None, lang: str,
                 volatile: Volatile) -> None:
        super().__init__()
        self.record = record
        self.data = data
        self.lang = lang
        self.volatile = volatile

    def compose(self) -> ComposeResult:
        p, lang = self.record, self.lang
        with VerticalScroll(id="packet-box"):
            title = Text(f"#{p.n}  ", style="bold")
            title.append(shown(self.volatile.text(p.summary())))
            yield Static(title, classes="modal-title")
            fates = "  →  ".join(f"{packet_word(f, lang)} {self.volatile.time(at).strip()} s"
                                 for f, at in p.fates) or packet_word(p.fate, lang)
            facts = Text(t("packet_fate", lang, fates=fates))
            if p.marks:
                facts.append("\n" + t("packet_marks", lang,
                                      marks=", ".join(packet_word(m, lang) for m in p.marks)))
            if p.seq_abs is not None:
                facts.append("\n" + t("packet_relative", lang, seq=p.seq, seq_abs=p.seq_abs))
            yield Static(facts)
            if self.data is None:
                yield Static(Text(t("packet_no_bytes", lang), style="yellow"))
            else:
                # Dissected from bytes that may come from a recording: every text shown safe.
                layers, hexdump = describe(self.data)
                for name, fields in layers:
                    table = Table.grid(padding=(0, 2))
                    table.add_column(style="cyan", no_wrap=True)
                    table.add_column()
                    for field, value in fields:
                        table.add_row(Text(shown(field)), Text(shown(
                            self.volatile.text(value) if field in ("sport", "dport", "src",
                                                                   "dst") else value)))
                    yield Static(Text(shown(name), style="bold"), classes="packet-layer")
                    yield Static(table)
                yield Static(Text(t("packet_bytes", lang, n=len(self.data)), style="bold"),
                             classes="packet-layer")
                yield Static(Text(shown(hexdump, multiline=True)))
            yield Static(Text(t("help_close", lang), style="dim"), classes="modal-note")

    def on_click(self) -> None:
        self.dismiss()
