"""Benchmark: what recording a session costs, and how fast a recording reads and replays.

Run: ``.venv/bin/python bench/bench_recording.py`` (``--lessons a,b``). For each lesson it runs
every step on a real lab twice in one process, first without and then with a recorder, and
reports the step round trip (median) of both, the recorder's own time per frame, the bytes per
frame and per step; then reads the recording back (``read_recording``) and replays it in the
TUI headless (Textual's Pilot at 120x36): the time from showing a frame to the screen drawn with
it, per frame (median, max). Writes ``bench/results/recording.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from syscall_lab.lesson.catalog import discover  # noqa: E402
from syscall_lab.lesson.model import Lesson  # noqa: E402
from syscall_lab.lesson.recording import Recorder, Recording, read_recording  # noqa: E402
from syscall_lab.lesson.session import LessonSession  # noqa: E402


def play(lesson: Lesson, path: Path | None) -> dict[str, Any]:
    """Every step of ``lesson`` on a fresh lab; with ``path``, recorded there."""
    session = LessonSession(lesson)
    recorder = Recorder(path, lesson, "en", "run") if path else None
    steps, frames = [], []
    try:
        state = session.start()
        while True:
            if recorder is not None:
                t0 = time.perf_counter()
                lab = session.lab
                recorder.frame(state, "step", packet=session.packet_bytes,
                               t0_wall=float(lab.info["t0_wall"]) if lab else 0.0)
                frames.append(time.perf_counter() - t0)
            if state.done >= len(lesson.steps):
                break
            t0 = time.perf_counter()
            state = session.step()
            steps.append(time.perf_counter() - t0)
    finally:
        session.close()
        if recorder is not None:
            recorder.close()
    return {"steps": steps, "frames": frames}


async def replay(recording: Recording) -> list[float]:
    from syscall_lab.tui import make_app
    from syscall_lab.tui.screens.replay import ReplayScreen

    app = make_app(lang="en", replay=recording)
    times = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        for frame in recording.frames:
            t0 = time.perf_counter()
            screen.show_frame(frame)
            await pilot.pause()  # the refresh that draws it
            times.append(time.perf_counter() - t0)
    return times


def ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lessons", default="handshake,backlog,reliability")
    args = ap.parse_args()
    lessons = discover().lessons
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for lesson_id in args.lessons.split(","):
            lesson = lessons[lesson_id]
            path = Path(tmp) / f"{lesson_id}.jsonl"
            plain = play(lesson, None)
            recorded = play(lesson, path)
            size = path.stat().st_size
            t0 = time.perf_counter()
            recording = read_recording(path)
            read_s = time.perf_counter() - t0
            draws = asyncio.run(replay(recording))
            row = {
                "steps": len(lesson.steps),
                "step_ms_without": ms(plain["steps"]),
                "step_ms_with": ms(recorded["steps"]),
                "recorder_ms_per_frame": ms(recorded["frames"]),
                "recorder_ms_max": round(max(recorded["frames"]) * 1000, 2),
                "kib_per_step": round(size / 1024 / max(1, len(lesson.steps)), 1),
                "kib_total": round(size / 1024, 1),
                "read_ms": round(read_s * 1000, 1),
                "replay_frame_ms": ms(draws),
                "replay_frame_ms_max": round(max(draws) * 1000, 1),
            }
            out[lesson_id] = row
            print(lesson_id, json.dumps(row))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "recording.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
