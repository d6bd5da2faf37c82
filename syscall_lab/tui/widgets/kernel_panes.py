"""What the kernel holds, every pane of it, in one container: the lesson screen, the demo and
the replay all compose this one.

Wide (110x30 and more): the fd tables and the sockets and queues on top, the other views as
tabs below them (ladder, syscalls, packets, TCP states, wire, console). Narrow (down to
80x24): every pane a tab, under the lesson. A pane on a tab not open is not drawn until the tab
opens (a bulk transfer would otherwise fill hidden tables at every look).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from ...i18n import t
from ..view import View
from .consoles import Consoles
from .fd_tables import FdTables
from .ladder import LadderPane
from .packet_list import PacketList
from .queues import QueuesPane
from .state_diagram import StateDiagram
from .syscall_log import SyscallLog
from .wire_pane import WirePane

__all__ = ["NARROW_TABS", "WIDE_TABS", "KernelPanes"]

Pane = (FdTables | QueuesPane | SyscallLog | PacketList | LadderPane | StateDiagram | WirePane
        | Consoles)
WIDE_TABS = ("ladder", "log", "packets", "states", "wire", "console")
"""Below the fd tables and queues, when every pane has room."""
NARROW_TABS = ("fds", "ladder", "queues", "log", "packets", "states", "wire", "console")
TITLES = {"fds": "pane_fds", "queues": "pane_queues", "log": "pane_log",
          "packets": "pane_packets", "console": "pane_console", "ladder": "pane_ladder",
          "states": "pane_states", "wire": "pane_wire"}
"""Each pane's title (a message id); a tab in a narrow terminal has a shorter label."""
SHORT = {key: f"tab_{key}" for key in TITLES}


_PANES: dict[str, tuple[type[Widget], str]] = {
    "fds": (FdTables, "fds"), "queues": (QueuesPane, "queues"), "log": (SyscallLog, "log"),
    "console": (Consoles, "console"), "ladder": (LadderPane, "ladder-pane"),
    "packets": (PacketList, "packets"), "states": (StateDiagram, "states"),
    "wire": (WirePane, "wire")}
"""Each pane's widget and its id."""


def _pane(key: str) -> Widget:
    kind, ident = _PANES[key]
    return kind(id=ident)


class KernelPanes(Vertical):
    """Every pane that shows the kernel; :meth:`show` draws them from one :class:`View`."""

    def __init__(self, wide: bool, **kw: Any) -> None:
        super().__init__(**kw)
        self.wide = wide
        self._stale: set[str] = set()
        self._view: View | None = None

    def compose(self) -> ComposeResult:
        if self.wide:
            yield _pane("fds")
            yield _pane("queues")
        with TabbedContent(id="views"):
            for key in WIDE_TABS if self.wide else NARROW_TABS:
                with TabPane(key, id=f"tab-{key}"):
                    yield _pane(key)

    def panes(self) -> dict[str, Pane]:
        return {key: self.query_one(f"#{ident}", kind)  # type: ignore[misc]
                for key, (kind, ident) in _PANES.items()}

    def relabel(self, lang: str) -> None:
        """Titles and tab labels in ``lang``."""
        tabs = self.query_one("#views", TabbedContent)
        for key in WIDE_TABS if self.wide else NARROW_TABS:
            tabs.get_tab(f"tab-{key}").label = t(TITLES[key] if self.wide else SHORT[key], lang)
        if self.wide:
            for key in ("fds", "queues"):
                self.query_one(f"#{key}").border_title = t(TITLES[key], lang)
        self.query_one(FdTables).relabel(lang)

    def show(self, view: View) -> None:
        """Draw every pane that is on screen from ``view``; the others when their tab opens."""
        self._view = view
        active = self.query_one("#views", TabbedContent).active
        for key, pane in self.panes().items():
            tab = pane.parent
            if isinstance(tab, TabPane) and tab.id != active:
                self._stale.add(key)
                continue
            self._stale.discard(key)
            pane.show(view)

    @on(TabbedContent.TabActivated)
    def _opened(self, event: TabbedContent.TabActivated) -> None:
        if self._view is None:
            return
        for key, pane in self.panes().items():
            if key in self._stale and pane.parent is event.pane:
                self._stale.discard(key)
                pane.show(self._view)

    def fresh(self, key: str) -> Pane:
        """The pane ``key``, drawn from the last view even if its tab is not open (a
        cross-link selects in it)."""
        pane = self.panes()[key]
        if key in self._stale and self._view is not None:
            self._stale.discard(key)
            pane.show(self._view)
        return pane

    def next_view(self) -> None:
        """The next tab (``v``)."""
        tabs = self.query_one("#views", TabbedContent)
        ids = [f"tab-{key}" for key in (WIDE_TABS if self.wide else NARROW_TABS)]
        at = ids.index(tabs.active) if tabs.active in ids else -1
        tabs.active = ids[(at + 1) % len(ids)]

    def open(self, key: str) -> None:
        """Bring the pane ``key`` into view (its tab, if it is on one)."""
        if key in (WIDE_TABS if self.wide else NARROW_TABS):
            self.query_one("#views", TabbedContent).active = f"tab-{key}"
