"""Sockets and queues: each listening socket's accept queue as a gauge, the half-open
connections (SYN_RECV), and the connections the kernel holds that no fd holds yet."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine.snapshot import KernelSocket
from ...i18n import t
from ..view import View, fit_address, update

__all__ = ["QueuesPane", "accept_order", "gauge"]

GAUGE_CELLS = 12


def gauge(depth: int, capacity: int, cells: int = GAUGE_CELLS) -> Text:
    """``[████████░░░░]``: ``depth`` of ``capacity``, red when full."""
    capacity = max(capacity, 1)
    filled = min(cells, round(cells * depth / capacity))
    full = depth >= capacity
    bar = Text("[")
    bar.append("█" * filled, style="bold red" if full else "bold green")
    bar.append("░" * (cells - filled), style="dim")
    bar.append("]")
    return bar


class QueuesPane(VerticalScroll):
    can_focus = False

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="queues-body")

    def show(self, view: View) -> None:
        lang, vol = view.lang, view.volatile
        width = max(30, (self.size.width or 60) - 2)
        parts: list[RenderableType] = []
        sockets = view.snapshot.sockets
        listening = [k for k in sockets if k.socket.state == "LISTEN"]
        for k in listening:
            s = k.socket
            depth, backlog = s.accept_queue or 0, s.backlog or 0
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(_owner(k), style="bold")
            line.append(f"  {vol.text(s.local)}  LISTEN")
            parts.append(line)
            gauge_line = Text("  ", no_wrap=True, overflow="ellipsis")
            gauge_line.append_text(gauge(depth, backlog + 1))
            gauge_line.append(" " + t("accept_queue_line", lang, depth=depth, cap=backlog + 1,
                                      backlog=backlog))
            parts.append(gauge_line)
        if not listening:
            parts.append(Text(t("no_listen", lang), style="dim"))
        half_open = [k for k in sockets if k.socket.state == "SYN_RECV"]
        if half_open:
            parts.append(Text(t("syn_recv_title", lang), style="bold yellow"))
            parts += [Text("  " + fit_address(f"{vol.text(k.socket.local)} ← "
                                              f"{vol.text(k.socket.remote)}", width - 2))
                      for k in half_open]
        orphans = accept_order([k for k in sockets if k.owner is None
                                and k.socket.state not in ("LISTEN", "SYN_RECV")], view)
        if orphans:
            parts.append(Text(t("orphans_title", lang), style="bold"))
            for n, k in enumerate(orphans, 1):
                s = k.socket
                why = (t("orphan_queue", lang, n=n) if s.state == "ESTABLISHED"
                       else t("orphan_timewait", lang) if s.state == "TIME_WAIT" else "")
                tail = f"  {s.state}  {why}".rstrip()
                room = width - 2 - cell_len(tail) - len(s.proto) - 1
                pair = fit_address(f"{vol.text(s.local)} ← {vol.text(s.remote)}",
                                   max(12, room))
                parts.append(Text(f"  {s.proto} {pair}{tail}", no_wrap=True,
                                  overflow="ellipsis"))
        update(self.query_one("#queues-body", Static), Group(*parts))


def accept_order(orphans: list[KernelSocket], view: View) -> list[KernelSocket]:
    """Connections no fd holds, in the order accept() will take them: the accept queue is
    first in, first out, and a connection joins it when its handshake's last ACK arrives, so
    the order is that of those ACKs on the wire (or ``lo``); netlink lists them otherwise."""
    first_ack: dict[tuple[str, str], float] = {}
    for p in view.state.packets:
        if p.proto == "TCP" and "ACK" in p.flags and "SYN" not in p.flags:
            first_ack.setdefault((p.src, p.dst), p.t)

    def when(k: KernelSocket) -> float:
        s = k.socket
        return first_ack.get((s.remote or "", s.local or ""), float("inf"))

    return sorted(orphans, key=when)  # stable: those with no ACK seen keep netlink's order


def _owner(k: KernelSocket) -> str:
    return ", ".join(f"{o.actor} fd {o.fd}" for o in k.owners) or "-"
