"""Regenerate ``screenshots/*.svg`` from real runs (``python scripts/export_screenshots.py``).

``tui-*.svg``: the TUI at 120x36, driven by Textual's Pilot on a real lab and saved with
``App.save_screenshot``; values that differ from run to run (host pids, inodes, ephemeral
ports, pty numbers, times) are printed as dots so the files only change when the screen does.
``run-*.svg``: the headless runner's transcript, recorded by Rich at a fixed width. Every fd,
state and queue depth in them was read from the kernel.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from syscall_lab.engine.lab import Lab
from syscall_lab.lesson.catalog import discover
from syscall_lab.lesson.model import Lesson
from syscall_lab.lesson.runner import run_lesson
from syscall_lab.report.transcript import Transcript

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
TUI_SIZE = (120, 36)
# TUI pictures: (lesson, steps pressed, name). The picker; backlog after client1's connect()
# (a connection waits in the accept queue); the queue full with two clients in SYN_SENT.
TUI_SHOTS = [(None, 0, "picker"), ("backlog", 5, "lesson-backlog-connect"),
             ("backlog", 13, "lesson-backlog-full")]
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


async def _tui(lesson_id: str | None, steps: int, name: str, lang: str) -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.tui_support import app_for, press_steps

    with tempfile.TemporaryDirectory() as tmp:
        app = app_for(Path(tmp), lang=lang, lesson=lesson_id)
        async with app.run_test(size=TUI_SIZE) as pilot:
            await pilot.pause(0.3)
            if lesson_id is not None:
                await press_steps(pilot, app, steps)
            path = Path(app.save_screenshot(f"tui-{name}.{lang}.svg", str(OUT)))
        app.close_labs()
    return path


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for lesson_id, steps, name in TUI_SHOTS:
        for lang in ("en", "ko"):
            print(asyncio.run(_tui(lesson_id, steps, name, lang)))
    lessons = discover().lessons
    for lesson_id in PICK:
        for lang in ("en", "ko"):
            print(export(lessons[lesson_id], lang))
