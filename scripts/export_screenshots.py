"""Regenerate ``screenshots/*.svg`` from real runs (``python scripts/export_screenshots.py``).

``demo-*.svg``: the lesson screen at 120x36, saved by ``syscall-lab demo --screenshots`` run in
a real terminal (tmux); every value on them is the kernel's, pids and ports included.
``tui-picker.*.svg``: the picker, driven by Textual's Pilot and saved with
``App.save_screenshot``.
``run-*.svg``: the headless runner's transcript, recorded by Rich at a fixed width. Every fd,
state and queue depth in them was read from the kernel.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
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
# The lesson screen as `syscall-lab demo --screenshots` saved it, after the step numbered (or
# with the question of that step): backlog after client1's connect() (a connection waits in
# the accept queue) and with the queue full, two clients in SYN_SENT; handshake asking about
# the held SYN/ACK.
DEMO_SHOTS = {"backlog": ["05", "14"], "handshake": ["08-ask"]}
WIDTH = 100
# The steps worth a picture. backlog: the queue full with two clients blocked, and the first
# accept(). handshake: connect() with the SYN/ACK held on the wire, and its delivery.
PICK = {"backlog": {14, 15, 16}, "handshake": {8, 10}}


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


async def _picker(lang: str) -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.tui_support import app_for

    with tempfile.TemporaryDirectory() as tmp:
        app = app_for(Path(tmp), lang=lang)
        async with app.run_test(size=TUI_SIZE) as pilot:
            await pilot.pause(0.3)
            path = Path(app.save_screenshot(f"tui-picker.{lang}.svg", str(OUT)))
    return path


def demo_shots(lesson_id: str, steps: list[str], lang: str) -> list[Path]:
    """``syscall-lab demo LESSON --screenshots DIR`` in a real terminal (tmux), then the
    pictures the README shows copied under their own names."""
    with tempfile.TemporaryDirectory() as tmp:
        done = Path(tmp) / "done"
        cols, rows = TUI_SIZE
        session = f"shots-{lesson_id}-{lang}"
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(cols + 2), "-y",
                        str(rows + 2), f"{sys.executable} -m syscall_lab demo {lesson_id} "
                        f"--lang {lang} --pace 0.5s "
                        f"--theme default --size {cols}x{rows} --screenshots {tmp}; "
                        f"echo $? > {done}"], check=True, env={**os.environ, "TERM":
                                                               "xterm-256color"})
        deadline = time.monotonic() + 180
        while not done.exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"the demo of {lesson_id} did not finish in 180 s")
            time.sleep(0.2)
        if done.read_text().strip() != "0":
            raise SystemExit(f"the demo of {lesson_id} failed: exit {done.read_text().strip()}")
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)
        out = []
        for name in steps:
            target = OUT / f"demo-{lesson_id}-{name}.{lang}.svg"
            shutil.copy(Path(tmp) / f"{lesson_id}-{name}.{lang}.svg", target)
            out.append(target)
    return out


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for lang in ("en", "ko"):
        print(asyncio.run(_picker(lang)))
        for lesson_id, names in DEMO_SHOTS.items():
            print(*demo_shots(lesson_id, names, lang), sep="\n")
    lessons = discover().lessons
    for lesson_id in PICK:
        for lang in ("en", "ko"):
            print(export(lessons[lesson_id], lang))
