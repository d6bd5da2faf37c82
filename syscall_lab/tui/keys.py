"""Keys: bound once per screen, labelled in the student's language, fitted to the terminal.

Each screen declares its keys as :class:`Key` specs. :func:`bindings` turns them into the
screen's ``BINDINGS`` (Textual reads those once per class, so they carry no words), and the
:class:`~.widgets.key_bar.KeyBar` at the bottom shows them in the language of the moment: as
many as fit, most needed first, so help and quit are there on an 80-column terminal too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.binding import Binding, BindingType

from ..i18n import t

__all__ = ["Key", "bindings", "footer_keys"]


@dataclass(frozen=True)
class Key:
    keys: str
    """Comma-separated keys: ``space,enter,n``."""
    action: str
    label: str
    """A message id in :mod:`syscall_lab.i18n`."""
    show: bool = True
    """In the key bar (when there is room for it)."""
    display: str | None = None
    """How the key bar and the help write the key (``space``, ``1-8``)."""
    priority: bool = False
    rank: int = 50
    """How much the key bar needs it: lower first; the bar leaves out the highest when short."""
    help: bool = True
    """Listed in the help screen (``2``...``8`` are one line there, ``1-8``)."""

    @property
    def shown_keys(self) -> str:
        """The keys as a person reads them: ``space / enter / n``, ``?``, ``:``, ``1-8``."""
        if self.display and ("-" in self.display or len(self.display) == 1):
            return self.display
        names = {"question_mark": "?", "colon": ":", "escape": "esc"}
        return " / ".join(names.get(k, k) for k in self.keys.split(","))

    def cells(self, lang: str) -> int:
        """The key bar's width for this key: ``key label`` and the gap after it."""
        return cell_len(self.display or self.keys.split(",")[0]) + 1 + \
            cell_len(t(self.label, lang)) + GAP


GAP = 2
"""Cells between two keys in the key bar."""


def bindings(keys: tuple[Key, ...]) -> list[BindingType]:
    """A screen's ``BINDINGS`` for ``keys`` (the key bar shows them; Textual's footer not)."""
    return [Binding(k.keys, k.action, k.label, show=False, priority=k.priority) for k in keys]


def footer_keys(keys: tuple[Key, ...], lang: str, width: int) -> list[Key]:
    """The keys the bar shows at ``width`` columns, in their own order: by rank while they
    fit."""
    fitting: set[int] = set()
    used = 0
    shown = [i for i, k in enumerate(keys) if k.show]
    for i in sorted(shown, key=lambda i: keys[i].rank):
        cells = keys[i].cells(lang)
        if used + cells <= width:
            fitting.add(i)
            used += cells
    return [k for i, k in enumerate(keys) if i in fitting]
