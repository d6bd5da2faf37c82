"""Benchmark: what recording a session costs, and how fast a recording reads and replays.

Run: ``.venv/bin/python bench/bench_recording.py`` (``--lessons a,b``; ``--quick``: one lesson;
``--out DIR``). For each lesson it runs every step on a real lab twice in one process, first
without and then with a recorder, and reports the step round trip (median) of both, the
recorder's own time per frame, the bytes per frame and per step; then reads the recording back
(``read_recording``) and replays it in the TUI headless (Textual's Pilot at 120x36):

- ``replay_frame_ms`` (median, and ``_max``): wall time from showing a frame
  (``ReplayScreen.show_frame``) to the end of the Pilot's ``pause()`` after it. That includes
  the pilot's own wait for the process to go idle, so it is an upper bound of the draw;
- ``replay_frame_cpu_ms`` (median, and ``_max``): the CPU time the process spent over the same
  span (``time.process_time``): what drawing the frame cost, without the pilot's sleeping;
- ``replay_jump_ms`` (median, and its CPU ``replay_jump_cpu_ms``): a jump from the last frame
  back to the first (``action_first()`` after ``action_last()``), which scrolls every pane home.

The frozen version-1 recording the tests keep (``tests/fixtures/recordings/handshake-v1.jsonl``)
is read and replayed the same way, as the row ``frozen handshake-v1``. Writes
``recording.json`` to ``bench/results/`` (with ``--quick``, to a temporary directory unless
``--out`` is given).
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


async def replay(recording: Recording, jumps: int) -> dict[str, list[float]]:
    """Every frame of ``recording`` shown in turn, then ``jumps`` jumps from the last frame to
    the first: wall and CPU seconds of each."""
    from syscall_lab.tui import make_app
    from syscall_lab.tui.screens.replay import ReplayScreen

    app = make_app(lang="en", replay=recording)
    out: dict[str, list[float]] = {"wall": [], "cpu": [], "jump_wall": [], "jump_cpu": []}
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        for frame in recording.frames:
            t0, c0 = time.perf_counter(), time.process_time()
            screen.show_frame(frame)
            await pilot.pause()  # the refresh that draws it
            out["wall"].append(time.perf_counter() - t0)
            out["cpu"].append(time.process_time() - c0)
        for _ in range(jumps):
            screen.action_last()
            await pilot.pause()
            assert screen.shown == screen.stops[-1], (screen.shown, screen.stops)
            t0, c0 = time.perf_counter(), time.process_time()
            screen.action_first()
            await pilot.pause()
            out["jump_wall"].append(time.perf_counter() - t0)
            out["jump_cpu"].append(time.process_time() - c0)
            assert screen.shown == screen.stops[0], (screen.shown, screen.stops)
    return out


def ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 2)


def replay_row(path: Path, jumps: int) -> dict[str, Any]:
    """Read the recording at ``path`` and replay it: the figures of both."""
    t0 = time.perf_counter()
    recording = read_recording(path)
    read_s = time.perf_counter() - t0
    draws = asyncio.run(replay(recording, jumps))
    return {
        "frames": len(recording.frames),
        "read_ms": round(read_s * 1000, 1),
        "replay_frame_ms": ms(draws["wall"]),
        "replay_frame_ms_max": round(max(draws["wall"]) * 1000, 1),
        "replay_frame_cpu_ms": ms(draws["cpu"]),
        "replay_frame_cpu_ms_max": round(max(draws["cpu"]) * 1000, 1),
        "replay_jump_ms": ms(draws["jump_wall"]),
        "replay_jump_cpu_ms": ms(draws["jump_cpu"]),
    }


FROZEN = ROOT / "tests" / "fixtures" / "recordings" / "handshake-v1.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lessons", default=None,
                    help="lessons to record (handshake,backlog,reliability; quick: handshake)")
    ap.add_argument("--quick", action="store_true", help="one lesson, one jump")
    ap.add_argument("--out", type=Path, default=None,
                    help="where to write recording.json (bench/results/; --quick: a temporary "
                         "directory)")
    args = ap.parse_args()
    chosen = args.lessons or ("handshake" if args.quick else "handshake,backlog,reliability")
    jumps = 1 if args.quick else 5
    lessons = discover().lessons
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for lesson_id in chosen.split(","):
            lesson = lessons[lesson_id]
            path = Path(tmp) / f"{lesson_id}.jsonl"
            plain = play(lesson, None)
            recorded = play(lesson, path)
            size = path.stat().st_size
            row = {
                "steps": len(lesson.steps),
                "step_ms_without": ms(plain["steps"]),
                "step_ms_with": ms(recorded["steps"]),
                "recorder_ms_per_frame": ms(recorded["frames"]),
                "recorder_ms_max": round(max(recorded["frames"]) * 1000, 2),
                "kib_per_step": round(size / 1024 / max(1, len(lesson.steps)), 1),
                "kib_total": round(size / 1024, 1),
                **replay_row(path, jumps),
            }
            out[lesson_id] = row
            print(lesson_id, json.dumps(row))
    row = {"kib_total": round(FROZEN.stat().st_size / 1024, 1), **replay_row(FROZEN, jumps)}
    out["frozen handshake-v1"] = row
    print("frozen handshake-v1", json.dumps(row))
    results = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if args.quick
                           else ROOT / "bench" / "results")
    results.mkdir(parents=True, exist_ok=True)
    (results / "recording.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {results / 'recording.json'}")


if __name__ == "__main__":
    main()
