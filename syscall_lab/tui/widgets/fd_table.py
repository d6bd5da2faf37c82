"""One process's fd table: a line for the process, a row for each fd, updated in place."""

from __future__ import annotations

import os
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from ...engine.snapshot import FdEntry, ProcessState
from ...i18n import t
from ...observe.procfs import EVENTPOLL, cpu_ranges
from ..view import View, fit_address, update

__all__ = ["FdTable", "fd_cells"]

COLUMNS = ("mark", "fd", "kind", "target", "state", "queues")
WIDTHS = {"mark": 1, "fd": 3, "kind": 6, "target": 32, "state": 11, "queues": 5}
"""Fixed but the target's, which takes the width there is (between :data:`TARGET_MIN` and
its width here): a table that changed its columns at every step would make the screen jump."""
TARGET_MIN = 16
PADDING = 2
"""Cells a column takes besides its width (DataTable's padding, one each side)."""

_MACHINE_CPUS = set(os.sched_getaffinity(0))
"""The CPUs a process may use unless it chose fewer: a process's CPUs are shown when not these."""
_MARK = {"fd_opened": ("+", "bold green"), "fd_changed": ("~", "bold yellow"),
         "fd_closed": ("-", "dim strike")}


def fd_cells(f: FdEntry, view: View) -> dict[str, str]:
    """The text of each column for one fd, as read from the kernel."""
    s = f.socket
    vol = view.volatile
    if f.target == EVENTPOLL:  # an epoll instance: the fds it watches
        watches = ", ".join(str(w).replace("EPOLL", "") for w in f.epoll) or "-"
        return {"fd": str(f.fd), "kind": "epoll", "target": f"watches {watches}", "state": "",
                "queues": ""}
    if s is None:
        return {"fd": str(f.fd), "kind": f.kind, "target": vol.text(f.target), "state": "",
                "queues": ""}
    where = vol.text(s.local) if s.local else s.proto
    if s.remote and not s.remote.endswith(":0"):
        where += f" → {vol.text(s.remote)}"
    elif s.local:
        where = f"{s.proto} {where}"
    if "O_NONBLOCK" in f.flags:  # what makes its calls return EAGAIN instead of blocking
        where += " O_NONBLOCK"
    if s.accept_queue is not None:  # as the queues pane's gauge: waiting, of what is admitted
        queues = f"{s.accept_queue}/{(s.backlog or 0) + 1}"
    elif s.recv_q is not None:
        queues = f"{s.recv_q} {s.send_q}" if s.recv_q or s.send_q else ""
    elif s.recv_mem is not None:
        queues = f"{s.recv_mem}B"
    else:
        queues = ""
    return {"fd": str(f.fd), "kind": f.kind, "target": where, "state": s.state or "",
            "queues": queues}


class FdTable(Vertical):
    """``server  pid 2 (host 4242) · S sleeping · blocked in accept()`` and its fds."""

    can_focus = False

    def __init__(self, actor: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.actor = actor
        self._latest: tuple[ProcessState, View, tuple[ProcessState, ...]] | None = None
        self._width = WIDTHS["target"]

    def compose(self) -> ComposeResult:
        yield Static(classes="proc-line")
        yield Static(classes="thread-line")
        table: DataTable[Text] = DataTable(cursor_type="none", zebra_stripes=False,
                                           show_cursor=False)
        table.can_focus = False
        yield table

    def on_mount(self) -> None:
        self._columns(self._latest[1].lang if self._latest else "en")
        if self._latest is not None:
            self._apply(*self._latest)

    def _target_width(self) -> int:
        others = sum(w for k, w in WIDTHS.items() if k != "target") + PADDING * len(WIDTHS)
        room = (self.size.width or 80) - others - 1
        return max(TARGET_MIN, min(WIDTHS["target"], room))

    def _columns(self, lang: str) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._width = self._target_width()
        for key in COLUMNS:
            label = "" if key == "mark" else t(f"col_{key}", lang)
            table.add_column(label, width=self._width if key == "target" else WIDTHS[key],
                             key=key)

    def on_resize(self) -> None:
        if self.is_mounted and self._target_width() != self._width and self._latest:
            self._columns(self._latest[1].lang)
            self._apply(*self._latest)

    def relabel(self, lang: str) -> None:
        """Column headings in ``lang``; the rows come back from the next :meth:`show`."""
        if self.is_mounted:
            self._columns(lang)

    def show(self, proc: ProcessState, view: View,
             threads: tuple[ProcessState, ...] = ()) -> None:
        """``proc``'s fd table; ``threads``, the lab's threads of it, share that table."""
        self._latest = (proc, view, threads)
        if self.is_mounted:
            self._apply(proc, view, threads)

    def _apply(self, proc: ProcessState, view: View,
               threads: tuple[ProcessState, ...] = ()) -> None:
        lang = view.lang
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(proc.actor, style="bold")
        if proc.blocked_in:  # first: what a narrow pane must not cut off
            line.append("  " + t("blocked_short", lang, call=proc.blocked_in),
                        style="bold yellow")
            line.append("  ·")
        line.append("  " + t("proc_line", lang, pid=proc.pid,
                             host_pid=view.volatile.pid(proc.host_pid),
                             state=f"{proc.state} {proc.state_name}"),
                    style="red" if proc.state == "Z" else "")
        if proc.cpus_allowed and set(proc.cpus_allowed) != _MACHINE_CPUS:
            line.append("  · " + t("proc_cpus", lang, cpus=cpu_ranges(proc.cpus_allowed)),
                        style="cyan")
        if proc.threads > 1:
            line.append("  · " + t("proc_threads", lang, n=proc.threads), style="cyan")
        update(self.query_one(".proc-line", Static), line)
        tline = Text(no_wrap=True, overflow="ellipsis")
        for th in threads:  # the threads that share this table, and what each is doing
            tline.append(("  " if tline else "") + "└ ", style="dim")
            tline.append(th.actor, style="bold")
            tline.append(" " + t("thread_line", lang, tid=th.pid, state=th.state))
            if th.blocked_in:
                tline.append(" " + t("blocked_short", lang, call=th.blocked_in),
                             style="bold yellow")
        thread_line = self.query_one(".thread-line", Static)
        thread_line.display = bool(threads)
        update(thread_line, tline)

        changes = {c.fd: c for c in view.changes() if c.actor == proc.actor and c.fd is not None}
        table = self.query_one(DataTable)
        rows: dict[int, tuple[dict[str, str], str | None]] = {}
        for f in proc.user_fds:
            change = changes.get(f.fd)
            rows[f.fd] = (fd_cells(f, view), change.what if change else None)
        for fd, c in changes.items():
            if c.what == "fd_closed" and fd not in rows and not c.before.get("kind") == "lab":
                rows[fd] = ({"fd": str(fd), "kind": str(c.before.get("kind", "")),
                             "target": view.volatile.text(c.before.get("target")),
                             "state": t("fd_closed_mark", lang), "queues": ""}, "fd_closed")
        present = {int(k.value) for k in table.rows if k.value is not None}
        for gone in present - rows.keys():
            table.remove_row(str(gone))
        added = False
        for fd, (cells, what) in rows.items():
            mark, style = _MARK.get(what or "", ("", ""))
            cells = {**cells, "target": fit_address(cells["target"], self._width)}
            values = {"mark": Text(mark, style=style),
                      **{k: Text(v, style=style) for k, v in cells.items()}}
            if fd in present:
                for key, value in values.items():
                    old = table.get_cell(str(fd), key)
                    if (old.plain, old.style) != (value.plain, value.style):
                        table.update_cell(str(fd), key, value)
            else:
                table.add_row(*(values[k] for k in COLUMNS), key=str(fd))
                added = True
        if added:
            table.sort("fd", key=lambda cell: int(cell.plain))
