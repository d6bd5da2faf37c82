"""The lesson screen's panes: each draws itself from a :class:`~syscall_lab.tui.view.View`."""

from .consoles import Consoles
from .fd_table import FdTable
from .fd_tables import FdTables
from .lesson_pane import LessonPane
from .packet_list import PacketList
from .queues import QueuesPane
from .syscall_log import SyscallLog
from .title_bar import TitleBar

__all__ = ["Consoles", "FdTable", "FdTables", "LessonPane", "PacketList", "QueuesPane",
           "SyscallLog", "TitleBar"]
