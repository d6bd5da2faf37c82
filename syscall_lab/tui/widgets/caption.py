"""The demo's bottom line, for people watching a recording: the key just pressed, what the
step did, and whether the demo plays or waits."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

__all__ = ["Caption"]

KEY_SHOWN = 1.0
"""Seconds a pressed key stays on screen."""


class Caption(Static):
    """``[ Space ] Next   connect(3, {AF_INET, 10.0.0.2:8080}, 16) = 0      ▶ Space: pause``."""

    DEFAULT_CSS = """
    Caption { height: 1; background: $panel; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.key: tuple[str, str] | None = None
        self.text = ""
        self.state = ""
        self._clear: Timer | None = None

    def pressed(self, key: str, label: str) -> None:
        """Show ``key`` (and what it does) for a moment, as a viewer would see it typed."""
        self.key = (key, label)
        if self._clear is not None:
            self._clear.stop()
        self._clear = self.set_timer(KEY_SHOWN, self._key_gone)
        self._paint()

    def show(self, text: str, state: str) -> None:
        self.text, self.state = text, state
        self._paint()

    def _key_gone(self) -> None:
        self.key = None
        self._clear = None
        self._paint()

    def _paint(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        if self.key is not None:
            key, label = self.key
            line.append(f" {key} ", style="bold reverse")
            line.append(f" {label}  ", style="bold")
        line.append(self.text)
        right = Text(f"  {self.state} ", style="italic")
        width = self.size.width or 80
        room = max(0, width - right.cell_len)
        line.truncate(room, overflow="ellipsis", pad=True)
        self.update(line + right)

    def on_resize(self) -> None:
        self._paint()
