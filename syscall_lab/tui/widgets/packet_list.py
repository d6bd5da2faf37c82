"""The packets that crossed the wire (or lo), one keyed row each; a fate that changes (a held
packet delivered) is updated in its row."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from ...i18n import packet_word, t
from ...net.packets import PacketRecord
from ...report.transcript import FATE_STYLE
from ..view import View

__all__ = ["PacketList", "packet_cells"]

COLUMNS = ("no", "time", "path", "flags", "seq", "ack", "len", "fate")
WIDTHS = {"no": 4, "time": 7, "path": 23, "flags": 9, "seq": 5, "ack": 5, "len": 5,
          "fate": 14}
"""Each with its leading space: the table has no cell padding, to fit beside the lesson at 120
columns."""


def _end(address: str, host: str | None, view: View) -> str:
    """``:8080`` on loopback (every address is 127.0.0.1), ``client:41230`` on the wire."""
    text = view.volatile.text(address)
    if host is None:
        return text if not text.startswith("127.0.0.1:") else text[len("127.0.0.1"):]
    return host + text[text.rfind(":"):] if ":" in text else host


def packet_cells(p: PacketRecord, view: View) -> dict[str, Text]:
    lang = view.lang
    receiver = None if p.source is None else "client" if p.source == "server" else "server"
    path = f"{_end(p.src, p.source, view)} → {_end(p.dst, receiver, view)}"
    fate = [packet_word(m, lang) for m in p.marks]
    if p.fate != "passed":
        fate.append(packet_word(p.fate, lang))
    cells = {"no": Text(str(p.n)), "time": Text(view.volatile.time(p.t)), "path": Text(path),
            "flags": Text(",".join(p.flags) or p.proto, style="bold"),
            "seq": Text("" if p.seq is None else str(p.seq)),
            "ack": Text("" if p.ack is None else str(p.ack)),
            "len": Text(str(p.length)),
            "fate": Text(" ".join(fate), style=FATE_STYLE.get(p.fate, "magenta"))}
    for cell in cells.values():
        cell.pad_left(1)
    return cells


class PacketList(DataTable[Text]):
    can_focus = False

    def __init__(self, **kw: Any) -> None:
        super().__init__(cursor_type="none", show_cursor=False, cell_padding=0, **kw)
        self._shown: tuple[int, str] = (-1, "")
        self._fates: dict[int, tuple[str, tuple[str, ...]]] = {}

    def show(self, view: View) -> None:
        generation = view.state.generation
        if self._shown != (generation, view.lang):
            self.clear(columns=True)
            for key in COLUMNS:
                self.add_column(" " + t(f"col_{key}", view.lang), width=WIDTHS[key], key=key)
            self._fates = {}
            self._shown = (generation, view.lang)
        for p in view.state.packets:
            seen = self._fates.get(p.n)
            if seen == (p.fate, p.marks):
                continue
            cells = packet_cells(p, view)
            if seen is None:
                self.add_row(*(cells[k] for k in COLUMNS), key=str(p.n))
            else:
                self.update_cell(str(p.n), "fate", cells["fate"])
            self._fates[p.n] = (p.fate, p.marks)
        if view.state.packets:
            self.scroll_end(animate=False)
