"""The fd tables of every actor process, one :class:`FdTable` each, in the snapshot's order."""

from __future__ import annotations

import re
from typing import Any

from textual.containers import VerticalScroll

from ...engine.snapshot import ProcessState
from ..view import View
from .fd_table import FdTable

__all__ = ["FdTables"]


def _widget_id(actor: str) -> str:
    return "fds-" + re.sub(r"[^A-Za-z0-9_-]", "_", actor)


class FdTables(VerticalScroll):
    """Adds a table when a process appears (a fork), removes it when the process is reaped."""

    can_focus = False

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._followed: tuple[int, int, int | None] | None = None

    def show(self, view: View) -> None:
        # One table a process: its threads share it and are listed with it.
        wanted = {p.actor: p for p in view.snapshot.processes if p.thread_of is None}
        threads: dict[str, list[ProcessState]] = {}
        for p in view.snapshot.processes:
            if p.thread_of is not None:
                threads.setdefault(p.thread_of, []).append(p)
        tables = {t.actor: t for t in self.query(FdTable)}
        for actor, table in tables.items():
            if actor not in wanted:
                table.remove()
        for proc in wanted.values():
            found = tables.get(proc.actor)
            if found is None:
                found = FdTable(proc.actor, id=_widget_id(proc.actor), classes="fd-table")
                self.mount(found)
            found.show(proc, view, tuple(threads.get(proc.actor, ())))
        # Follow the actor whose fds the step (or the step in focus) changed, once per step:
        # a look redrawing the same step leaves the student's own scrolling alone. After the
        # refresh, when a table that grew or appeared has its new place.
        followed = (view.state.generation, len(view.state.records), view.focus)
        owner = {p.actor: p.thread_of or p.actor for p in view.snapshot.processes}
        touched = [owner.get(c.actor, c.actor) for c in view.changes()
                   if c.actor and c.what.startswith("fd_")]
        if followed != self._followed and touched:
            self.call_after_refresh(self._follow, touched[-1])
        self._followed = followed

    def _follow(self, actor: str) -> None:
        table = next((t for t in self.query(FdTable) if t.actor == actor), None)
        if table is not None:
            self.scroll_to_widget(table, animate=False)

    def relabel(self, lang: str) -> None:
        for table in self.query(FdTable):
            table.relabel(lang)
