"""The TCP state machine of RFC 9293 (figure 5), drawn in the terminal, with the lab's sockets.

Each TCP socket of the lab sits in the state the kernel last reported for it; the transitions
between states the lab's reads saw it in are traced. Nothing comes from the lesson: the states
are the :class:`~syscall_lab.engine.trace.SocketTrace` the session keeps from every read. When
two reads in a row show states that no single transition joins (a loopback handshake takes
microseconds, a look takes longer), the path between is drawn in another colour and the legend
says those states went by unseen.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine.trace import SocketTrace
from ...i18n import t
from ..view import View, update

__all__ = ["EDGES", "NODES", "StateDiagram", "node_of", "trace_edges"]

WIDTH = 71
HEIGHT = 13


@dataclass(frozen=True)
class Node:
    row: int
    col: int
    name: str

    @property
    def text(self) -> str:
        return f"[ {self.name} ]"


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    points: tuple[tuple[int, int], ...]
    """(row, col) corners of the line; the last one is the arrowhead."""
    head: str
    label: str
    at: tuple[int, int]


NODES = {
    "CLOSED": Node(0, 27, "CLOSED"), "LISTEN": Node(2, 14, "LISTEN"),
    "SYN-RECEIVED": Node(4, 10, "SYN-RECEIVED"), "SYN-SENT": Node(4, 45, "SYN-SENT"),
    "ESTABLISHED": Node(6, 25, "ESTABLISHED"), "FIN-WAIT-1": Node(8, 6, "FIN-WAIT-1"),
    "CLOSE-WAIT": Node(8, 46, "CLOSE-WAIT"), "FIN-WAIT-2": Node(10, 3, "FIN-WAIT-2"),
    "CLOSING": Node(10, 24, "CLOSING"), "LAST-ACK": Node(10, 48, "LAST-ACK"),
    "TIME-WAIT": Node(12, 14, "TIME-WAIT"), "CLOSED.": Node(12, 48, "CLOSED"),
}
"""RFC 9293's states at their place in the drawing; ``CLOSED.`` is CLOSED again, where a
connection ends."""

EDGES = (
    Edge("CLOSED", "LISTEN", ((1, 28), (1, 18)), "▼", "passive open", (1, 4)),
    Edge("CLOSED", "SYN-SENT", ((1, 34), (1, 50), (3, 50)), "▼", "active open/snd SYN",
         (1, 52)),
    Edge("LISTEN", "SYN-RECEIVED", ((3, 18),), "▼", "rcv SYN/snd SYN+ACK", (3, 20)),
    Edge("SYN-SENT", "SYN-RECEIVED", ((4, 44), (4, 26)), "◄", " rcv SYN ", (4, 31)),
    Edge("SYN-RECEIVED", "ESTABLISHED", ((5, 17), (5, 27)), "▼", " rcv ACK ", (5, 18)),
    Edge("SYN-SENT", "ESTABLISHED", ((5, 50), (5, 37)), "▼", "rcv SYN+ACK/snd ACK", (5, 52)),
    Edge("ESTABLISHED", "FIN-WAIT-1", ((7, 29), (7, 12)), "▼", " close/snd FIN ", (7, 13)),
    Edge("ESTABLISHED", "CLOSE-WAIT", ((7, 35), (7, 52)), "▼", "rcv FIN/snd ACK", (7, 54)),
    Edge("FIN-WAIT-1", "FIN-WAIT-2", ((9, 9),), "▼", "rcv ACK", (9, 1)),
    Edge("FIN-WAIT-1", "CLOSING", ((9, 16), (9, 29)), "▼", " rcv FIN ", (9, 18)),
    Edge("CLOSE-WAIT", "LAST-ACK", ((9, 53),), "▼", "close/snd FIN", (9, 55)),
    Edge("FIN-WAIT-2", "TIME-WAIT", ((11, 9), (11, 17)), "▼", "rcv FIN", (11, 1)),
    Edge("CLOSING", "TIME-WAIT", ((11, 29), (11, 23)), "▼", "rcv ACK", (11, 31)),
    Edge("LAST-ACK", "CLOSED.", ((11, 53),), "▼", "rcv ACK", (11, 55)),
    Edge("TIME-WAIT", "CLOSED.", ((12, 28), (12, 47)), "►", " 2 MSL ", (12, 33)),
)
"""The transitions of RFC 9293's figure 5 that Linux's sockets take (the rarer ones, such as a
LISTEN socket sending a SYN, are left out of the drawing)."""

_KERNEL = {"CLOSE": "CLOSED", "BOUND_INACTIVE": "CLOSED", "CLOSED": "CLOSED",
           "LISTEN": "LISTEN", "SYN_SENT": "SYN-SENT", "SYN_RECV": "SYN-RECEIVED",
           "NEW_SYN_RECV": "SYN-RECEIVED", "ESTABLISHED": "ESTABLISHED",
           "FIN_WAIT1": "FIN-WAIT-1", "FIN_WAIT2": "FIN-WAIT-2", "CLOSING": "CLOSING",
           "TIME_WAIT": "TIME-WAIT", "CLOSE_WAIT": "CLOSE-WAIT", "LAST_ACK": "LAST-ACK"}
_LATE = {"ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSING", "TIME-WAIT", "CLOSE-WAIT",
         "LAST-ACK"}

_DIM = Style(color="grey46")
_SEEN = Style(color="dark_cyan", bold=True)
_UNSEEN = Style(color="yellow")
_VISITED = Style(bold=True)  # the theme's own foreground: dark or light
_NOW = Style(color="black", bgcolor="bright_cyan", bold=True)
_FOCUS = Style(color="black", bgcolor="magenta", bold=True)


def node_of(state: str, after: set[str] | None = None) -> str:
    """The drawing's node for a kernel state name (CLOSED at the end of a connection is the
    lower CLOSED box)."""
    node = _KERNEL.get(state, "CLOSED")
    if node == "CLOSED" and after and after & _LATE:
        return "CLOSED."
    return node


def _path(a: str, b: str) -> list[tuple[str, str]]:
    """The transitions from ``a`` to ``b`` by the shortest way through the drawing."""
    prev: dict[str, str] = {a: a}
    queue = deque([a])
    while queue:
        here = queue.popleft()
        if here == b:
            break
        for e in EDGES:
            if e.a == here and e.b not in prev:
                prev[e.b] = here
                queue.append(e.b)
    if b not in prev:
        return []
    out, at = [], b
    while at != a:
        out.append((prev[at], at))
        at = prev[at]
    return out[::-1]


def trace_edges(tr: SocketTrace, listeners: set[str]) -> tuple[list[str], set[tuple[str, str]],
                                                                set[tuple[str, str]]]:
    """The nodes a socket was read in, the transitions seen (two reads in a row), and those it
    must have passed through unseen between two reads."""
    nodes: list[str] = []
    for s in tr.states:
        node = node_of(s.state, set(nodes))
        if not nodes or nodes[-1] != node:
            nodes.append(node)
    seen: set[tuple[str, str]] = set()
    unseen: set[tuple[str, str]] = set()
    if nodes and nodes[0] in ("SYN-RECEIVED", "ESTABLISHED") and tr.local in listeners:
        # Linux makes a new socket for each connection a LISTEN socket accepts: it was born
        # from the listener at the same address (what RFC 9293 draws as LISTEN -> SYN-RCVD)
        nodes.insert(0, "LISTEN")
        seen.add(("LISTEN", "SYN-RECEIVED"))
        if nodes[1] == "ESTABLISHED":
            unseen.add(("SYN-RECEIVED", "ESTABLISHED"))
            nodes.insert(1, "SYN-RECEIVED")
    for a, b in itertools.pairwise(nodes):
        if any(e.a == a and e.b == b for e in EDGES):
            seen.add((a, b))
        else:
            unseen.update(_path(a, b))
    return nodes, seen, unseen


class StateDiagram(VerticalScroll):
    can_focus = False

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="states-body")

    def show(self, view: View) -> None:
        lang = view.lang
        traces = view.state.traces
        listeners = {tr.local for tr in traces if tr.state == "LISTEN" and tr.local}
        listeners |= {tr.local for tr in traces if tr.local and
                      any(s.state == "LISTEN" for s in tr.states)}
        seen: set[tuple[str, str]] = set()
        unseen: set[tuple[str, str]] = set()
        visited: set[str] = set()
        now: dict[str, int] = {}
        focus_nodes: set[str] = set()
        legend: list[Text] = []
        for tr in traces:
            nodes, s, u = trace_edges(tr, listeners)
            seen |= s
            unseen |= u
            visited.update(nodes)
            if nodes:
                now[nodes[-1]] = now.get(nodes[-1], 0) + 1
            if view.focus is not None and any(x.step == view.focus for x in tr.states):
                focus_nodes.add(node_of(tr.states[-1].state, set(nodes)))
            legend.append(_legend(tr, nodes, u, view))
        grid = _draw(seen, unseen - seen, visited, now, focus_nodes)
        parts: list[Text | Group] = [grid]
        if legend:
            parts.append(Text(t("states_legend", lang), style="bold"))
            parts += legend
        else:
            parts.append(Text(t("states_none", lang), style="italic"))
        update(self.query_one("#states-body", Static), Group(*parts))


def _legend(tr: SocketTrace, nodes: list[str], unseen: set[tuple[str, str]], view: View
            ) -> Text:
    line = Text("  ")
    line.append(view.volatile.text(tr.label), style="bold")
    line.append("  ")
    for i, s in enumerate(tr.states):
        if i:
            line.append(" → ", style="dim")
        line.append(s.state, style=_SEEN if i == len(tr.states) - 1 else "")
    if unseen:
        line.append("  " + t("states_unseen", view.lang), style=_UNSEEN)
    return line


def _draw(seen: set[tuple[str, str]], unseen: set[tuple[str, str]], visited: set[str],
          now: dict[str, int], focus: set[str]) -> Text:
    chars = [[" "] * WIDTH for _ in range(HEIGHT)]
    styles: list[list[Style]] = [[_DIM] * WIDTH for _ in range(HEIGHT)]

    def put(r: int, c: int, ch: str, st: Style) -> None:
        if 0 <= r < HEIGHT and 0 <= c < WIDTH:
            chars[r][c] = ch
            styles[r][c] = st

    for e in EDGES:
        st = _SEEN if (e.a, e.b) in seen else _UNSEEN if (e.a, e.b) in unseen else _DIM
        pts = e.points
        for (r1, c1), (r2, c2) in itertools.pairwise(pts):
            if r1 == r2:
                for c in range(min(c1, c2), max(c1, c2) + 1):
                    put(r1, c, "─", st)
            else:
                for r in range(min(r1, r2), max(r1, r2) + 1):
                    put(r, c1, "│", st)
        for i, (r, c) in enumerate(pts[:-1]):  # corners
            nr, nc = pts[i + 1]
            if i == 0 and NODES[e.a].row == r:  # leaves the node sideways
                put(r, c, "─", st)
            elif i == 0:  # leaves the node above it
                put(r, c, "│" if nr != r else "└" if nc > c else "┘", st)
            elif pts[i - 1][0] == r:  # across, then down
                put(r, c, "┐" if pts[i - 1][1] < c else "┌", st)
            else:  # down, then across
                put(r, c, "└" if nc > c else "┘", st)
        put(*pts[-1], e.head, st)
        r, c = e.at
        for k, ch in enumerate(e.label):
            put(r, c + k, ch, st if st is not _DIM else Style(color="grey50"))
    for key, node in NODES.items():
        st = _FOCUS if key in focus else _NOW if key in now else \
            _VISITED if key in visited else _DIM
        text = node.text
        for k, ch in enumerate(text):
            put(node.row, node.col + k, ch, st)
        count = now.get(key, 0)
        if count > 1:
            for k, ch in enumerate(f"×{count}"):
                put(node.row, node.col + len(text) + k, ch, _NOW)
    out = Text(no_wrap=True, overflow="crop")
    for r in range(HEIGHT):
        row = Text()
        for ch, st in zip(chars[r], styles[r], strict=False):
            row.append(ch, st)
        row.rstrip()
        out.append_text(row)
        out.append("\n")
    return out
