"""The packets that crossed the wire (or lo), one line each; a fate that changes (a held packet
delivered) changes its line."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...i18n import packet_word, t
from ...net.packets import PacketRecord
from ...report.transcript import FATE_STYLE
from ..view import View

__all__ = ["PacketList", "packet_cells"]

COLUMNS = ("no", "time", "path", "flags", "seq", "ack", "len", "fate")
WIDTHS = {"no": 4, "time": 7, "path": 23, "flags": 9, "seq": 5, "ack": 5, "len": 5,
          "fate": 14}
"""Each with its leading space, to fit beside the lesson at 120 columns."""


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


class PacketList(ScrollView, can_focus=False):
    """One line a packet under a fixed header, in the line API: only the lines on screen are
    rendered, so thousands of packets from a bulk transfer cost no more per frame than three
    (a DataTable re-measured every row it held). New packets follow at the bottom unless the
    student has scrolled up to read; the packets of the step in focus are highlighted, as on
    the ladder."""

    DEFAULT_CSS = """
    PacketList > .packet-list--header { text-style: bold; background: $panel; }
    PacketList > .packet-list--focus { background: $boost; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"packet-list--header", "packet-list--focus"}

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.packets: tuple[PacketRecord, ...] = ()
        self._view: View | None = None
        self._focus: frozenset[int] = frozenset()
        self._lines: dict[tuple[int, int], Strip] = {}
        """Rendered lines by (packet number, width), kept while their record is the same."""
        self._records: dict[int, PacketRecord] = {}

    @property
    def row_count(self) -> int:
        return len(self.packets)

    def cells(self, i: int) -> dict[str, Text]:
        """The ``i``-th packet's cells, by column key (what its line shows)."""
        assert self._view is not None
        return packet_cells(self.packets[i], self._view)

    def show(self, view: View) -> None:
        if self._view is None or (view.state.generation, view.lang) != (
                self._view.state.generation, self._view.lang):
            self._lines.clear()
            self._records.clear()
        grew = len(view.state.packets) != len(self.packets)
        following = self.scroll_y >= self.max_scroll_y  # a student reading higher up stays
        self._view, self.packets = view, view.state.packets
        focus = view.focused_record
        self._focus = frozenset(p.n for p in focus.wire.packets) if focus else frozenset()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.packets) + 1)
        if grew and following:
            self.scroll_end(animate=False, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0 or self._view is None:
            return self._header(width) if self._view else Strip.blank(width)
        index = y - 1 + int(self.scroll_y)
        if index >= len(self.packets):
            return Strip.blank(width, self.rich_style)
        p = self.packets[index]
        key = (p.n, width)
        line = self._lines.get(key)
        if line is None or self._records.get(p.n) is not p:
            cells = packet_cells(p, self._view)
            text = Text(no_wrap=True, overflow="crop")
            for column in COLUMNS:
                cell = cells[column]
                cell.truncate(WIDTHS[column], pad=True)
                text.append_text(cell)
            line = Strip(text.render(self.app.console), text.cell_len)
            line = self._lines[key] = line.adjust_cell_length(width, self.rich_style)
            self._records[p.n] = p
        if p.n in self._focus:
            line = line.apply_style(self.get_component_rich_style("packet-list--focus"))
        return line.apply_style(self.rich_style)

    def _header(self, width: int) -> Strip:
        assert self._view is not None
        text = Text(no_wrap=True, overflow="crop")
        for column in COLUMNS:
            text.append(set_cell_size(" " + t(f"col_{column}", self._view.lang),
                                      WIDTHS[column]))
        style = self.get_component_rich_style("packet-list--header")
        return Strip(text.render(self.app.console), text.cell_len).adjust_cell_length(
            width, style).apply_style(style)
