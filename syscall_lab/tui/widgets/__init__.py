"""The lesson screen's panes: each draws itself from a :class:`~syscall_lab.tui.view.View`.

Loaded on first use (PEP 562), as the screens are: the picker's key bar comes up without
importing the ladder, the markdown renderer and the rest of the lesson screen's panes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .consoles import Consoles
    from .fd_table import FdTable
    from .fd_tables import FdTables
    from .kernel_panes import KernelPanes
    from .key_bar import KeyBar
    from .ladder import Ladder, LadderPane
    from .lesson_pane import LessonPane
    from .packet_list import PacketList
    from .queues import QueuesPane
    from .sandbox import SandboxPrompt
    from .state_diagram import StateDiagram
    from .syscall_log import SyscallLog
    from .title_bar import TitleBar
    from .wire_pane import HeldTable, WirePane

__all__ = ["Consoles", "FdTable", "FdTables", "HeldTable", "KernelPanes", "KeyBar", "Ladder",
           "LadderPane", "LessonPane", "PacketList", "QueuesPane", "SandboxPrompt", "StateDiagram",
           "SyscallLog", "TitleBar", "WirePane"]

_HOMES = {"Consoles": "consoles", "FdTable": "fd_table", "FdTables": "fd_tables",
          "HeldTable": "wire_pane", "KernelPanes": "kernel_panes", "KeyBar": "key_bar",
          "Ladder": "ladder", "LadderPane": "ladder", "LessonPane": "lesson_pane",
          "PacketList": "packet_list", "QueuesPane": "queues", "SandboxPrompt": "sandbox",
          "StateDiagram": "state_diagram", "SyscallLog": "syscall_log", "TitleBar": "title_bar",
          "WirePane": "wire_pane"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(name)
