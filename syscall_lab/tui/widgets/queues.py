"""Sockets and queues: each listening socket's accept queue as a gauge, the half-open
connections (SYN_RECV), and the connections the kernel holds that no fd holds yet."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine.snapshot import KernelSocket
from ...i18n import t
from ..view import View

__all__ = ["QueuesPane", "gauge"]

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
        parts: list[RenderableType] = []
        sockets = view.snapshot.sockets
        listening = [k for k in sockets if k.socket.state == "LISTEN"]
        for k in listening:
            s = k.socket
            depth, backlog = s.accept_queue or 0, s.backlog or 0
            line = Text()
            line.append(_owner(k), style="bold")
            line.append(f"  {vol.text(s.local)}  LISTEN\n  ")
            line.append_text(gauge(depth, backlog + 1))
            line.append(" " + t("accept_queue_line", lang, depth=depth, cap=backlog + 1,
                                 backlog=backlog))
            parts.append(line)
        if not listening:
            parts.append(Text(t("no_listen", lang), style="dim"))
        half_open = [k for k in sockets if k.socket.state == "SYN_RECV"]
        if half_open:
            parts.append(Text(t("syn_recv_title", lang), style="bold yellow"))
            parts += [Text(f"  {vol.text(k.socket.local)} ← {vol.text(k.socket.remote)}")
                      for k in half_open]
        orphans = [k for k in sockets if k.owner is None
                   and k.socket.state not in ("LISTEN", "SYN_RECV")]
        if orphans:
            parts.append(Text(t("orphans_title", lang), style="bold"))
            for k in orphans:
                s = k.socket
                why = (t("orphan_queue", lang) if s.state == "ESTABLISHED"
                       else t("orphan_timewait", lang) if s.state == "TIME_WAIT" else "")
                parts.append(Text(f"  {s.proto} {vol.text(s.local)} ← {vol.text(s.remote)}  "
                                  f"{s.state}  {why}".rstrip()))
        self.query_one("#queues-body", Static).update(Group(*parts))


def _owner(k: KernelSocket) -> str:
    return ", ".join(f"{o.actor} fd {o.fd}" for o in k.owners) or "-"
