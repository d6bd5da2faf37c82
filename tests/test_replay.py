"""Record, then replay: the replayed screens equal the live ones, frame by frame.

A real lesson runs in the TUI with a recorder; after every frame the screen is read cell by
cell (text and style, as Textual's own screenshot reads it). Then the recording is read back
and each frame is shown by the replay screen, in order, then in order again after a jump from
the last stop back to the first, and read the same way. Every row but the title row (where the replay says it is a recording, with its timeline)
and the key line must be equal: the same fds, states, queues, packets, ladder and lesson text.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot

from syscall_lab.lesson.recording import Recorder, read_recording
from syscall_lab.tui import SyscallLabApp, make_app
from syscall_lab.tui.screens.replay import ReplayScreen

from .tui_support import bundled_catalog, settled, step, typed

pytestmark = pytest.mark.kernel

SIZE = (120, 36)
_PLAIN = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def screen_rows(app: SyscallLabApp) -> list[str]:
    """The screen as it stands: one string per row, text with its styles (ANSI)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      force_terminal=True, color_system="truecolor", record=True,
                      legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=True).splitlines()


async def capture(pilot: Pilot[int], app: SyscallLabApp, recorder: Recorder,
                  seen: dict[int, list[str]]) -> None:
    """Read the screen once it shows the recorder's latest frame (a look that lands while we
    read is waited for: the frame count must not move across the read)."""
    while True:
        frames = recorder.frames
        rows = await stable_rows(pilot, app)
        if recorder.frames == frames:
            seen[frames - 1] = rows
            return


async def stable_rows(pilot: Pilot[int], app: SyscallLabApp) -> list[str]:
    """The screen once a refresh changes it no more (panes scroll to what changed after the
    refresh that placed it)."""
    await pilot.pause()
    rows = screen_rows(app)
    while True:
        await pilot.pause()
        again = screen_rows(app)
        if again == rows:
            return rows
        rows = again


def differences(live: list[str], replayed: list[str]) -> list[str]:
    body = range(1, len(live) - 1)  # not the title row, not the key line
    out = []
    for i in body:
        if live[i] != replayed[i]:
            a, b = _PLAIN.sub("", live[i]), _PLAIN.sub("", replayed[i])
            out.append(f"row {i}:\n  live   {a}\n  replay {b}" if a != b
                       else f"row {i}, styles only:\n  live   {live[i]!r}\n  replay {replayed[i]!r}")
    return out


@pytest.mark.parametrize("lesson_id", ["handshake", "reliability"])
async def test_replayed_screens_equal_the_live_ones(tmp_path: Path, lesson_id: str) -> None:
    catalog = bundled_catalog()
    lesson = catalog.lessons[lesson_id]
    path = tmp_path / "session.jsonl"
    recorder = Recorder(path, lesson, "en", "tui")
    app = make_app(lesson=lesson, lang="en", progress_path=tmp_path / "p.json", catalog=catalog,
                   recorder=recorder)
    live: dict[int, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        screen = await settled(pilot, app)
        await capture(pilot, app, recorder, live)
        for _ in range(5):
            await step(pilot, screen)
            await settled(pilot, app)
            await capture(pilot, app, recorder, live)
        await pilot.press("b")  # back: the lab replays steps 1-4 on a fresh lab
        await settled(pilot, app)
        await capture(pilot, app, recorder, live)
        await typed(pilot, screen, "watch 0.2s")
        await settled(pilot, app)
        await capture(pilot, app, recorder, live)
        while screen.state is not None and screen.state.done < len(lesson.steps):
            await step(pilot, screen)
            await settled(pilot, app)
            await capture(pilot, app, recorder, live)
    app.close_labs()
    recorder.close()

    recording = read_recording(path)
    assert len(recording.frames) == recorder.frames
    assert {"start", "step", "back", "typed"} <= {f.cause for f in recording.frames}
    replay = make_app(lang="en", progress_path=tmp_path / "p.json", catalog=catalog,
                      replay=recording)
    async with replay.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = replay.screen
        assert isinstance(screen, ReplayScreen)
        assert "RECORDING" in screen_rows(replay)[0]
        assert not hasattr(screen, "session") and screen.lab_app.sessions == set()  # no lab
        every = list(range(len(recording.frames)))
        # Played in order, every frame; then once more after a jump from the end back to the
        # start (nothing of a later frame may linger in an earlier one).
        for again, index in [*((False, i) for i in every), *((True, i) for i in every)]:
            if again and index == 0:
                screen.action_last()
                await stable_rows(pilot, replay)
            screen.show_frame(recording.frames[index])
            if index not in live:  # a look that landed between two reads of the live screen
                continue
            rows = live[index]
            problems = differences(rows, await stable_rows(pilot, replay))
            if problems and os.environ.get("REPLAY_DUMP"):
                Path(os.environ["REPLAY_DUMP"]).write_text("\n".join(
                    _PLAIN.sub("", r) for r in [*rows, "=" * 40,
                                                *await stable_rows(pilot, replay)]))
            assert not problems, (f"frame {index} ({recording.frames[index].cause}, "
                                  f"{'after the jump back' if again else 'in order'}) differs:\n"
                                  + "\n".join(problems[:6]))
