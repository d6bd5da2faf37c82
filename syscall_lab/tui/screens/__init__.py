"""The app's screens and modals.

Loaded on first use (PEP 562): the picker comes up without importing the lesson screen's
engine and panes, which keeps them out of the time to the first frame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .error import ErrorScreen
    from .help import HelpScreen
    from .lesson import LessonScreen
    from .picker import PickerScreen
    from .replay import ReplayScreen
    from .session import SessionScreen

__all__ = ["ErrorScreen", "HelpScreen", "LessonScreen", "PickerScreen", "ReplayScreen",
           "SessionScreen"]

_HOMES = {"ErrorScreen": "error", "HelpScreen": "help", "LessonScreen": "lesson",
          "PickerScreen": "picker", "ReplayScreen": "replay", "SessionScreen": "session"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(name)
