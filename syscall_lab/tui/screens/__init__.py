"""The app's screens and modals."""

from .error import ErrorScreen
from .help import HelpScreen
from .lesson import LessonScreen
from .picker import PickerScreen

__all__ = ["ErrorScreen", "HelpScreen", "LessonScreen", "PickerScreen"]
