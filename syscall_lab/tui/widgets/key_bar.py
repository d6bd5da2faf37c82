"""The bottom line: the screen's keys in the student's language, as many as fit, most needed
first (help and quit always). A click on a key does what pressing it does."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget

from ..keys import GAP, Key, footer_keys

__all__ = ["KeyBar"]


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { height: 1; background: $panel; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: tuple[Key, ...] = ()
        self.lang = "en"
        self._spans: list[tuple[int, int, str]] = []

    def show(self, keys: tuple[Key, ...], lang: str) -> None:
        self.keys, self.lang = keys, lang
        self.refresh()

    def render(self) -> Text:
        from ...i18n import t

        line = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for k in footer_keys(self.keys, self.lang, self.size.width or 80):
            start = line.cell_len
            line.append(f"{k.display or k.keys.split(',')[0]}", style="bold reverse")
            line.append(f" {t(k.label, self.lang)}")
            self._spans.append((start, line.cell_len, k.action))
            line.append(" " * GAP)
        return line

    def on_resize(self) -> None:
        self.refresh()

    async def on_click(self, event: events.Click) -> None:
        for start, end, action in self._spans:
            if start <= event.x < end:
                await self.app.run_action(action, self.screen)
                return
