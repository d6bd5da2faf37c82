"""Regenerate ``screenshots/*.svg`` from real runs (``python scripts/export_screenshots.py``).

Each picture is the headless runner's transcript of a real lab on this machine, recorded by
Rich at a fixed width: the fds, states and queue depths in it were read from the kernel.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from syscall_lab.engine.lab import Lab
from syscall_lab.lesson.builtin import backlog_lesson
from syscall_lab.lesson.runner import run_lesson
from syscall_lab.report.transcript import Transcript

OUT = Path(__file__).resolve().parent.parent / "screenshots"
WIDTH = 100
# The steps worth a picture: the queue full with two clients blocked, and the first accept().
PICK = {13, 14, 15}


def export(lang: str) -> Path:
    console = Console(record=True, width=WIDTH, file=io.StringIO(), highlight=False)
    lesson = backlog_lesson()
    printer = Transcript(lesson, lang, console=console)
    printer.header()
    with Lab() as lab:
        for record in run_lesson(lesson, lab):
            if record.index in PICK:
                printer.step(record)
    path = OUT / f"run-backlog.{lang}.svg"
    console.save_svg(str(path), title=f"syscall-lab run backlog --lang {lang}")
    return path


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for lang in ("en", "ko"):
        print(export(lang))
