"""The long-lived heap out of the garbage collector's way.

A lesson screen holds a large, long-lived heap (Textual, Rich, scapy's layers, the lesson, the
lab's states and packets). CPython's full collection walks all of it, 25-120 ms here, paid in
the middle of whichever frame allocated past the threshold: a key press now and then took four
frames instead of one. So the collector's work is moved to moments the student is reading:
:func:`settle`, a moment after the screen has drawn, collects what is garbage and moves what
is alive into the permanent generation (``gc.freeze``), which later collections do not walk;
what a step makes afterwards is collected as before, and cheaply. :func:`freeze` only moves
(no collection: for a background thread that just imported a library). When a lab is replaced
(reset, back), :func:`renew` gives the frozen objects back to the collector first, so the old
lab's cycles are not kept forever.
"""

from __future__ import annotations

import gc

__all__ = ["SETTLE_AFTER", "freeze", "renew", "settle"]

SETTLE_AFTER = 0.4
"""Seconds after the last draw that the screen settles the heap (a reading moment)."""


def settle() -> None:
    """Collect, then leave what is alive out of every later collection."""
    gc.collect()
    gc.freeze()


def freeze() -> None:
    """Leave the objects alive now out of every later collection (no collection now)."""
    gc.freeze()


def renew() -> None:
    """Give every frozen object back to the collector (the next :func:`settle` sorts them)."""
    gc.unfreeze()
