"""The packet ladder: client and server as two columns, each packet an arrow between them.

The textbook picture of a TCP exchange, drawn from what the lab read: every packet the wire (or
``lo``) saw, with its flags, relative seq/ack and length; a held packet stops in flight on the
wire, a dropped one ends in a cross; retransmissions and duplicate ACKs are marked; and beside
each column, the state each socket was *read* in, at the moment of the read (a state the
kernel passed through between two reads is not drawn: it was not seen).

The ladder is a line-API :class:`~textual.scroll_view.ScrollView`: it renders only the lines on
screen, so a bulk transfer of thousands of packets scrolls and redraws as fast as a handshake.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Set
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from ...engine.trace import SocketTrace
from ...i18n import packet_word, t
from ...net.packets import PacketRecord
from ..view import View, fit_address, update

__all__ = ["Ladder", "LadderPane", "LadderRow", "ladder_rows", "toward_server"]

NUM = 5
"""Columns for the packet number."""
SIDE = 12
"""Columns beside each host's line for a socket's state (ESTABLISHED is 11)."""

_IN_FLIGHT = {"held": "⧗", "dropped": "✗", "lost": "✗"}
_STYLE = {
    "passed": Style(color="green"), "delivered": Style(color="cyan"),
    "held": Style(color="yellow", bold=True), "dropped": Style(color="red", bold=True),
    "lost": Style(color="red", bold=True), "duplicated": Style(color="magenta"),
    "delayed": Style(color="blue"), "reordered": Style(color="magenta"),
}
_MARKED = Style(color="bright_red", bold=True)
_LINE = Style(color="grey50")  # readable on a dark and on a light background
_STATE = Style(bold=True)  # the theme's own foreground
_DIM = Style(dim=True)
_FOCUS = Style(bgcolor="grey23")
_FOCUS_LIGHT = Style(bgcolor="grey85")
_CURSOR = Style(reverse=True)


@dataclass(frozen=True)
class LadderRow:
    """A packet's arrow, or a socket's newly read state."""

    t: float
    packet: PacketRecord | None = None
    to_server: bool = True
    trace: SocketTrace | None = None
    state: str = ""
    step: int | None = None
    """For a state: how many steps had run when it was read."""


def toward_server(p: PacketRecord, server_ports: Set[str]) -> bool:
    """Whether a packet goes from the client's column to the server's: by the wire host that
    sent it, or on loopback by whether its destination port is one a server listens on."""
    if p.source is not None:
        return p.source == "client"
    dport = p.dst.rsplit(":", 1)[-1]
    sport = p.src.rsplit(":", 1)[-1]
    if dport in server_ports or sport in server_ports:
        return dport in server_ports
    return dport.isdigit() and sport.isdigit() and int(dport) < int(sport)


def listening_ports(traces: tuple[SocketTrace, ...]) -> frozenset[str]:
    """The ports the server's sockets were read listening on."""
    return frozenset((tr.local or "").rsplit(":", 1)[-1] for tr in traces
                     if tr.side == "server" and any(s.state == "LISTEN" for s in tr.states))


def ladder_rows(view: View, known: dict[int, LadderRow] | None = None) -> list[LadderRow]:
    """Every packet and every state read, in time order (a state read after a packet's
    arrival comes after its arrow). ``known``: the rows made last time, by packet number,
    reused while their packet record is the same (a bulk transfer adds a few hundred packets
    to thousands between two draws); it is updated in place."""
    traces = view.state.traces
    server_ports = listening_ports(traces)
    known = {} if known is None else known
    rows = []
    for p in view.state.packets:
        row = known.get(p.n)
        if row is None or row.packet is not p:
            row = known[p.n] = LadderRow(p.t, p, toward_server(p, server_ports))
        rows.append(row)
    states = [LadderRow(s.t, trace=tr, state=s.state, step=s.step, to_server=tr.side == "server")
              for tr in traces for s in tr.states if s.state != "CLOSE" or len(tr.states) == 1]
    if not states:
        return rows
    states.sort(key=lambda r: (r.t, r.trace.id if r.trace else 0))
    times = [r.t for r in rows]
    out: list[LadderRow] = []
    at = 0
    for s in states:  # merge: each state after every packet seen before its read
        cut = bisect_right(times, s.t, lo=at)
        out += rows[at:cut]
        out.append(s)
        at = cut
    out += rows[at:]
    return out


def _label(p: PacketRecord, lang: str, short: int = 0) -> str:
    """``SYN,ACK seq=0 ack=1 len=0``; ``short`` 1 leaves out a zero length, 2 the ack, 3 the
    seq too (the packet list and the packet's own screen have them all)."""
    if p.proto != "TCP":
        return f"{p.proto} len={p.length}"
    text = ",".join(p.flags)
    if short < 3:
        text += f" seq={p.seq}"
    if p.ack is not None and short < 2:
        text += f" ack={p.ack}"
    if p.length or short < 1:
        text += f" len={p.length}"
    return text


_SHORT = {"en": {"retransmission": "retrans", "fast_retransmission": "fast retrans",
                 "dup_ack": "dup ACK", "zero_window": "zero win"},
          "ko": {"retransmission": "재전송", "fast_retransmission": "빠른 재전송",
                 "dup_ack": "중복 ACK", "zero_window": "윈도우 0"}}
"""The analysis marks, short enough to ride on an arrow."""


def _marks(p: PacketRecord, lang: str) -> str:
    words = []
    for m in p.marks:
        word = _SHORT.get(lang, _SHORT["en"]).get(m, m)
        words.append(f"{word} #{p.dup_ack}" if m == "dup_ack" and p.dup_ack else word)
    return " ".join(f"[{w}]" for w in words)


def _arrow(p: PacketRecord, to_server: bool, width: int, lang: str) -> list[Segment]:
    """The space between the two columns: the packet's arrow, labelled near its sender; one
    the wire holds or dropped stops halfway, at ⧗ or ✗."""
    style = _STYLE.get(p.fate, _STYLE["passed"])
    marks = _marks(p, lang)
    for short in range(4):  # shorter until the arrow has room (a narrow pane, a long mark)
        label = f" {_label(p, lang, short)} "
        parts = [Segment(label, style + Style(bold=True))]
        if marks:
            parts = [Segment(label.rstrip() + " ", style + Style(bold=True)),
                     Segment(marks + " ", _MARKED)]
        used = sum(cell_len(s.text) for s in parts)
        if used + 3 <= width:
            break
        if short == 2:
            marks = ""
    body = max(0, width - 1 - used)
    lead = min(2, body)
    stop = _IN_FLIGHT.get(p.fate)
    rest = body - lead
    if stop is None:
        tail = [Segment("─" * rest, style)]
        head = Segment("►" if to_server else "◄", style)
    else:  # in flight: the line goes half the rest of the way and stops there
        half = rest // 2
        tail = [Segment("─" * half, style), Segment(stop, style + Style(bold=True)),
                Segment(" " * (rest - half))]
        head = Segment("")
    start = Segment("─" * lead, style)
    if to_server:
        return [start, *parts, *tail, head]
    return [head, *[Segment(x.text[::-1], x.style) for x in reversed(tail)], *parts, start]


def _cells(text: str, width: int, right: bool = False) -> str:
    """``text`` cut or padded to ``width`` terminal cells (Korean letters take two)."""
    text = set_cell_size(text, min(cell_len(text), width))
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


class Ladder(ScrollView, can_focus=True):
    """The arrows, scrolled by the student; new packets follow at the bottom unless a row is
    selected. up/down select, enter opens the selected packet's fields and bytes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-10)", show=False), Binding("pagedown", "move(10)", show=False),
        Binding("home", "edge(0)", show=False), Binding("end", "edge(1)", show=False),
        Binding("enter", "open", show=False),
    ]

    class Selected(Message):
        """A packet was selected (cursor moved onto it)."""

        def __init__(self, n: int | None) -> None:
            super().__init__()
            self.n = n

    class Opened(Message):
        """Enter on a packet: show its fields and bytes."""

        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.rows: list[LadderRow] = []
        self.cursor: int | None = None
        """The selected row; None follows the newest."""
        self._view: View | None = None
        self._focus_packets: frozenset[int] = frozenset()
        self._cache: dict[tuple[int, int], Strip] = {}
        self._known: dict[int, LadderRow] = {}
        self._ports: frozenset[str] = frozenset()
        self._generation = -1

    def show(self, view: View) -> None:
        old = self.rows
        ports = listening_ports(view.state.traces)
        if ports != self._ports or view.state.generation != self._generation:
            self._known = {}  # which column a loopback packet starts from may change
            self._ports, self._generation = ports, view.state.generation
        self.rows = ladder_rows(view, self._known)
        self._view = view
        focus = view.focused_record
        self._focus_packets = frozenset(p.n for p in focus.wire.packets) if focus else \
            frozenset()
        self._cache.clear()
        if self.cursor is not None and self.cursor >= len(self.rows):
            self.cursor = None
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        if self.cursor is None and len(self.rows) != len(old):
            self.scroll_end(animate=False, immediate=True)
        self.refresh()

    def select_packet(self, n: int) -> None:
        for i, r in enumerate(self.rows):
            if r.packet is not None and r.packet.n == n:
                self.cursor = i
                self.scroll_to(y=max(0, i - self.scrollable_content_region.height // 2),
                               animate=False)
                self._cache.clear()
                self.refresh()
                return

    def action_move(self, by: int) -> None:
        if not self.rows:
            return
        start = self.cursor if self.cursor is not None else len(self.rows)
        self._select(max(0, min(len(self.rows) - 1, start + by)))

    def action_edge(self, end: int) -> None:
        if self.rows:
            self._select(len(self.rows) - 1 if end else 0)

    def action_open(self) -> None:
        row = self.rows[self.cursor] if self.cursor is not None else None
        if row is not None and row.packet is not None:
            self.post_message(self.Opened(row.packet.n))

    def _select(self, i: int) -> None:
        self.cursor = i
        self._cache.clear()
        height = self.scrollable_content_region.height
        if i < self.scroll_y:
            self.scroll_to(y=i, animate=False, immediate=True)
        elif i >= self.scroll_y + height:
            self.scroll_to(y=i - height + 1, animate=False, immediate=True)
        self.refresh()
        row = self.rows[i]
        self.post_message(self.Selected(row.packet.n if row.packet else None))

    def on_click(self, event: Any) -> None:
        y = event.y + int(self.scroll_y)
        if 0 <= y < len(self.rows):
            self.focus()
            self._select(y)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_y)
        if index >= len(self.rows) or self._view is None:
            return Strip.blank(width, self.rich_style)
        key = (index, width)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._line(index, width)
        return cached

    def _line(self, index: int, width: int) -> Strip:
        assert self._view is not None
        row, view = self.rows[index], self._view
        lang = view.lang
        between = max(8, width - NUM - 2 * SIDE - 2)
        segs: list[Segment] = []
        focus = False
        if row.packet is not None:
            p = row.packet
            focus = p.n in self._focus_packets
            fate = "" if p.fate == "passed" else packet_word(p.fate, lang)
            fate_style = _STYLE.get(p.fate, _DIM) + Style(italic=True)
            client_side = "" if row.to_server else fate
            server_side = fate if row.to_server else ""
            segs += [Segment(f"{p.n:>{NUM - 1}} ", _DIM),
                     Segment(_cells(client_side, SIDE - 1, right=True) + " ", fate_style),
                     Segment("│", _LINE)]
            segs += _arrow(p, row.to_server, between, lang)
            segs += [Segment("│", _LINE),
                     Segment(" " + _cells(server_side, SIDE - 1), fate_style)]
        else:
            tr = row.trace
            assert tr is not None
            focus = view.focus is not None and row.step == view.focus
            who = view.volatile.text(tr.label)
            state = row.state[:SIDE]
            note = fit_address(who, between - 2)  # never cut inside an address
            segs.append(Segment(" " * NUM))
            if row.to_server:
                segs += [Segment(" " * SIDE), Segment("│", _LINE),
                         Segment(f"{note:>{between - 1}} ", _DIM),
                         Segment("│", _LINE), Segment(f" {state:<{SIDE - 1}}", _STATE)]
            else:
                segs += [Segment(f"{state:>{SIDE - 1}} ", _STATE), Segment("│", _LINE),
                         Segment(f" {note:<{between - 1}}", _DIM), Segment("│", _LINE),
                         Segment(" " * SIDE)]
        strip = Strip(segs).adjust_cell_length(width)
        if focus:
            strip = strip.apply_style(_FOCUS if self.app.current_theme.dark else _FOCUS_LIGHT)
        if index == self.cursor:
            strip = strip.apply_style(_CURSOR)
        return strip.apply_style(self.rich_style)


class LadderPane(Vertical):
    """The two hosts' names over the ladder."""

    can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="ladder-head")
        yield Ladder(id="ladder")

    def show(self, view: View) -> None:
        width = max(30, self.query_one(Ladder).scrollable_content_region.width or 60)
        between = max(8, width - NUM - 2 * SIDE - 2)
        lang = view.lang
        wire = view.lesson.mode == "wire"
        traces = view.state.traces
        talks = view.state.packets or any(
            tr.side == "server" or (tr.remote and not tr.remote.endswith(":0")) for tr in traces)
        if not talks:  # no conversation (yet): no columns to name
            update(self.query_one("#ladder-head", Static), t("ladder_empty", lang))
            self.query_one(Ladder).show(view)
            return
        half = SIDE + between // 2
        client = _column(traces, "client", t("ladder_client", lang), wire, "10.0.0.1", half)
        server = _column(traces, "server", t("ladder_server", lang), wire, "10.0.0.2", half)
        head = " " * max(0, NUM + SIDE - cell_len(client) // 2) + client
        pad = NUM + SIDE + between + 1 - cell_len(server) // 2 - cell_len(head)
        head += " " * max(1, pad) + server
        if not view.state.packets:
            head += "\n" + t("ladder_empty", lang)
        update(self.query_one("#ladder-head", Static), head)
        self.query_one(Ladder).show(view)


def _column(traces: tuple[SocketTrace, ...], side: str, word: str, wire: bool, address: str,
            width: int) -> str:
    """A column's name: the host on a wire (``client 10.0.0.1``); on loopback, the actors
    whose sockets are at that end (``client1, client2 …``), or the word when none is yet."""
    if wire:
        return f"{word} {address}"
    actors = list(dict.fromkeys(tr.owner.split(" fd ")[0] for tr in traces
                                if tr.side == side and tr.owner))
    if not actors:
        return word
    name = ", ".join(actors)
    while len(actors) > 1 and cell_len(name) > width:
        actors.pop()
        name = ", ".join(actors) + " …"
    return name
