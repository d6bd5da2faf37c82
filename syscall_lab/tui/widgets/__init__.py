"""The lesson screen's panes: each draws itself from a :class:`~syscall_lab.tui.view.View`."""

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
