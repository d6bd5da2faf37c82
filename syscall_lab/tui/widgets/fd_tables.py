"""The fd tables of every actor process, one :class:`FdTable` each, in the snapshot's order."""

from __future__ import annotations

import re

from textual.containers import VerticalScroll

from ..view import View
from .fd_table import FdTable

__all__ = ["FdTables"]


def _widget_id(actor: str) -> str:
    return "fds-" + re.sub(r"[^A-Za-z0-9_-]", "_", actor)


class FdTables(VerticalScroll):
    """Adds a table when a process appears (a fork), removes it when the process is reaped."""

    can_focus = False

    def show(self, view: View) -> None:
        wanted = {p.actor: p for p in view.snapshot.processes}
        tables = {t.actor: t for t in self.query(FdTable)}
        for actor, table in tables.items():
            if actor not in wanted:
                table.remove()
        for proc in view.snapshot.processes:
            found = tables.get(proc.actor)
            if found is None:
                found = FdTable(proc.actor, id=_widget_id(proc.actor), classes="fd-table")
                self.mount(found)
            found.show(proc, view)
        touched = [c.actor for c in view.changes() if c.actor and c.what.startswith("fd_")]
        if touched and touched[-1] in tables:
            self.scroll_to_widget(tables[touched[-1]], animate=False)

    def relabel(self, lang: str) -> None:
        for table in self.query(FdTable):
            table.relabel(lang)
