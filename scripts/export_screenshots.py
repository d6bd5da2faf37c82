"""Regenerate ``screenshots/*.svg`` from real runs (``python scripts/export_screenshots.py``).

Each picture is the headless runner's transcript of a real lab on this machine, recorded by
Rich at a fixed width: the fds, states and queue depths in it were read from the kernel.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from syscall_lab.engine.lab import Lab
from syscall_lab.lesson.catalog import discover
from syscall_lab.lesson.model import Lesson
from syscall_lab.lesson.runner import run_lesson
from syscall_lab.report.transcript import Transcript

OUT = Path(__file__).resolve().parent.parent / "screenshots"
WIDTH = 100
# The steps worth a picture. backlog: the queue full with two clients blocked, and the first
# accept(). handshake: connect() with the SYN/ACK held on the wire, and its delivery.
PICK = {"backlog": {13, 14, 15}, "handshake": {6, 8}}


def export(lesson: Lesson, lang: str) -> Path:
    console = Console(record=True, width=WIDTH, file=io.StringIO(), highlight=False)
    printer = Transcript(lesson, lang, console=console)
    printer.header()
    with Lab(network=lesson.mode) as lab:
        for record in run_lesson(lesson, lab):
            if record.index in PICK[lesson.id]:
                printer.step(record)
    path = OUT / f"run-{lesson.id}.{lang}.svg"
    console.save_svg(str(path), title=f"syscall-lab run {lesson.id} --lang {lang}")
    return path


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    lessons = discover().lessons
    for lesson_id in PICK:
        for lang in ("en", "ko"):
            print(export(lessons[lesson_id], lang))
