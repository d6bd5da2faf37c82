"""A recording's timeline, in the replay's title row: one mark per stop, to step or scrub.

``■`` a step passed, ``✗`` one whose checks failed, ``·`` the lab starting (or a reset), ``!``
a step whose recorded verdicts its recorded kernel state contradicts (an edited file), the
current stop reversed. Click a mark to go there; drag along the bar to scrub.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

__all__ = ["Timeline"]

MARK = {"ok": "■", "failed": "✗", "lab": "·", "altered": "!"}
STYLE = {"ok": "green", "failed": "bold red", "lab": "dim", "altered": "bold magenta"}


class Timeline(Widget):
    """``▕·■■■✗■□□▏ 5/9``: the stops of a recording and where the viewer is."""

    DEFAULT_CSS = """
    Timeline { width: auto; height: 1; }
    """

    class Seek(Message):
        """The viewer clicked or dragged to stop ``index``."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kinds: tuple[str, ...] = ()
        self.at = 0
        self._dragging = False

    def show(self, kinds: tuple[str, ...], at: int) -> None:
        """``kinds``: per stop, ``ok``, ``failed`` or ``lab``; ``at``: the stop shown."""
        if (kinds, at) != (self.kinds, self.at):
            resized = len(kinds) != len(self.kinds)
            self.kinds, self.at = kinds, at
            self.refresh(layout=resized)

    def _count(self) -> str:
        return f" {self.at + 1}/{len(self.kinds)} "

    def get_content_width(self, container: object, viewport: object) -> int:
        return len(self.kinds) + 2 + len(self._count())

    def render(self) -> Text:
        line = Text("▕", style="dim", no_wrap=True)
        for i, kind in enumerate(self.kinds):
            style = STYLE[kind] + (" reverse" if i == self.at else "")
            line.append(MARK[kind] if i <= self.at else "□", style=style if i <= self.at
                        else "dim")
        line.append("▏", style="dim")
        line.append(self._count(), style="bold")
        return line

    def _index(self, x: int) -> int | None:
        i = x - 1
        return i if 0 <= i < len(self.kinds) else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._dragging = True
        self.capture_mouse()
        self._seek(event.x)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self._seek(max(1, min(event.x, len(self.kinds))))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._dragging = False
        self.release_mouse()

    def _seek(self, x: int) -> None:
        i = self._index(x)
        if i is not None and i != self.at:
            self.post_message(self.Seek(i))
