"""The top line: the lesson, where the student is in it, and what the lab is doing."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...shown import shown
from ..view import update

__all__ = ["TitleBar"]

BRAND_FROM = 100
"""Columns from which the line starts with the program's name."""


class TitleBar(Static):
    """``syscall-lab  Step 3 of 21 · lab ready · The listen backlog``."""

    def show(self, title: str, where: str, status: str, busy: bool = False) -> None:
        title, where, status = shown(title), shown(where), shown(status)  # a recording's words
        line = Text(no_wrap=True, overflow="ellipsis")
        if (self.size.width or 120) >= BRAND_FROM:  # a narrow terminal keeps the lesson's name
            line.append(" syscall-lab ", style="bold reverse")
        if where:  # where and status first: a narrow terminal cuts the title, not them
            line.append(f" {where}  ·")
        if status:
            line.append(f" {status}", style="italic" if busy else "dim")
            line.append("  ·")
        line.append(f" {title}", style="bold")
        update(self, line)
