"""Key bindings whose footer labels follow the student's language.

Textual reads ``BINDINGS`` once per class; our labels change when the student presses ``l``.
So each screen declares its keys as :class:`Key` specs and :func:`install` builds the node's
bindings map from them in the current language (and again on every switch).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from ..i18n import t

__all__ = ["Key", "install"]


@dataclass(frozen=True)
class Key:
    keys: str
    """Comma-separated keys: ``space,enter,n``."""
    action: str
    label: str
    """A message id in :mod:`syscall_lab.i18n`."""
    show: bool = True
    display: str | None = None
    priority: bool = False


def install(node: DOMNode, keys: tuple[Key, ...], lang: str) -> None:
    """Make ``keys`` the bindings of ``node``, labelled in ``lang``."""
    # BindingsMap is Textual's public type; assigning the node's map is the one way to relabel.
    node._bindings = BindingsMap(
        Binding(k.keys, k.action, t(k.label, lang), show=k.show, key_display=k.display,
                priority=k.priority)
        for k in keys)
    node.refresh_bindings()
