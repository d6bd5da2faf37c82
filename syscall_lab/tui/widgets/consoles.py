"""What each actor wrote to its fds 1 and 2 (its terminal), actor by actor."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine.protocol import Output
from ...i18n import t
from ..view import View, update

__all__ = ["Consoles"]

KEEP_LINES = 20
"""Lines kept per actor (the newest)."""


class Consoles(VerticalScroll):
    can_focus = False

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="console-body")

    def show(self, view: View) -> None:
        written: dict[str, list[str]] = {}
        events = [e for r in view.state.records for e in r.events]
        events += view.state.pending_events
        for e in events:
            if isinstance(e, Output):
                written.setdefault(e.actor, []).append(e.data)
        parts: list[RenderableType] = []
        for actor, chunks in written.items():
            lines = "".join(chunks).splitlines()[-KEEP_LINES:]
            parts.append(Text(f"{actor} ▸ fd 1, 2", style="bold"))
            parts += [Text("  " + view.volatile.text(line)) for line in lines]
        if not parts:
            parts.append(Text(t("no_output", view.lang), style="dim"))
        update(self.query_one("#console-body", Static), Group(*parts))
        self.scroll_end(animate=False)
