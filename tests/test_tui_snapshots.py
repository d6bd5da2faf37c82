"""Screens as SVG snapshots (pytest-textual-snapshot), against a real lab.

What differs from run to run (host pids, inode numbers, ephemeral ports, timestamps) is printed
as dots by the app's own ``mask_volatile`` option; everything else on these screens is what the
kernel reported: fd numbers, states, queue depths, the handshake's flags and relative numbers.
Regenerate after a deliberate change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at the report it writes before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from syscall_lab.lesson.loader import sandbox_lesson

from .tui_support import app_for, press_steps, settled, typed

pytestmark = pytest.mark.kernel

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
# The backlog lesson: step 2 is bind() (so the screen is "before listen()"), step 3 listen(),
# step 5 client1's connect() (a connection arrives and waits in the accept queue).
MOMENTS = {"before_listen": 2, "after_listen": 3, "connection_arrived": 5}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", list(SIZES))
def test_picker(snap_compare: Any, tmp_path: Path, size: str, lang: str) -> None:
    assert snap_compare(app_for(tmp_path, lang=lang), terminal_size=SIZES[size])


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_lesson_screen(snap_compare: Any, tmp_path: Path, moment: str, size: str,
                       lang: str) -> None:
    app = app_for(tmp_path, lang=lang, lesson="backlog")

    async def run_before(pilot: Pilot[int]) -> None:
        await press_steps(pilot, app, MOMENTS[moment])
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


# -- what the lesson pane must never hide: at 80x24 and 120x36, in both languages ---------------
async def _pending_question(pilot: Pilot[int]) -> None:
    """Space pressed on step 1's question: it says to answer first."""
    app = pilot.app
    screen = await settled(pilot, app)  # type: ignore[arg-type]
    await pilot.press("space")
    await pilot.pause()
    assert screen.asking


async def _open_hint(pilot: Pilot[int]) -> None:
    await press_steps(pilot, pilot.app, 3)  # type: ignore[arg-type]
    await pilot.press("h")
    await pilot.pause()


async def _verdict(pilot: Pilot[int]) -> None:
    """Step 1's question answered (right): its verdict, the answer and the explanation."""
    await press_steps(pilot, pilot.app, 1)  # type: ignore[arg-type]


async def _long_call(pilot: Pilot[int]) -> None:
    """Step 14: client5's connect() blocks; its call as strace prints it takes lines. The
    blocked clients resend their SYNs every second from step 12 on, and how many have crossed
    by now depends on the machine's speed: the views below show the syscalls, not the packets
    (the lesson pane is what this snapshot is about)."""
    app = pilot.app
    await press_steps(pilot, app, 14)  # type: ignore[arg-type]
    screen = await settled(pilot, app)  # type: ignore[arg-type]
    if screen.size.width >= 120:
        await pilot.press("v")  # the ladder -> the syscall log
        await pilot.pause()


PANE_MOMENTS = {"pending_question": _pending_question, "open_hint": _open_hint,
                "verdict": _verdict, "long_call": _long_call}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("moment", list(PANE_MOMENTS))
def test_the_lesson_pane_shows_what_to_do_next(snap_compare: Any, tmp_path: Path, moment: str,
                                               size: str, lang: str) -> None:
    app = app_for(tmp_path, lang=lang, lesson="backlog")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=PANE_MOMENTS[moment])


# -- part two: the ladder and the state diagram, at 120x36 -----------------------------------
WIDE = (120, 36)
DROPPED_SYN = ("lsock = server.socket(AF_INET, SOCK_STREAM, 0)", "server.bind(lsock, 10.0.0.2:8080)",
               "server.listen(lsock, 2)", "wire.drop(flags=SYN, count=1)",
               "c = client.socket(AF_INET, SOCK_STREAM, 0)", "client.connect(c, 10.0.0.2:8080)",
               "watch 1.5s")
"""The client's first SYN is lost on the wire; the kernel's timer sends it again after a
second (RFC 6298's initial RTO), and the handshake completes."""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_ladder_during_a_held_handshake(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    """The handshake lesson after connect(): the SYN/ACK held on the wire, in flight; the
    client read in SYN_SENT and the server's new socket in SYN_RECV."""
    app = app_for(tmp_path, lang=lang, lesson="handshake")

    async def run_before(pilot: Pilot[int]) -> None:
        await press_steps(pilot, app, 8)  # connect(), after the two sysctl steps

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_ladder_after_a_drop_and_retransmission(snap_compare: Any, tmp_path: Path,
                                                lang: str) -> None:
    app = app_for(tmp_path, lang=lang, lesson=sandbox_lesson())

    async def run_before(pilot: Pilot[int]) -> None:
        screen = await settled(pilot, app)
        await typed(pilot, screen, *DROPPED_SYN)
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_state_diagram_after_the_handshake(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    """RFC 9293's diagram with the lab's sockets: the listener in LISTEN, the client's and the
    accepted socket in ESTABLISHED, the transitions read on the way traced."""
    app = app_for(tmp_path, lang=lang, lesson="handshake")

    async def run_before(pilot: Pilot[int]) -> None:
        await press_steps(pilot, app, 12)
        await pilot.press("v", "v", "v")  # ladder -> syscalls -> packets -> TCP states
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


# -- a recording, replayed -------------------------------------------------------------------
REPLAY_STOPS = {"before_step_1": 0, "held_syn_ack_answered": 6, "the_end": 10}
"""Stops of the frozen handshake recording: the lab started; the question about the held
SYN/ACK answered (step 6 ran); the last step."""


@pytest.mark.parametrize("stop", list(REPLAY_STOPS))
def test_replay_screen(snap_compare: Any, stop: str) -> None:
    from syscall_lab.lesson.recording import read_recording
    from syscall_lab.tui import make_app
    from syscall_lab.tui.screens.replay import ReplayScreen

    fixture = Path(__file__).parent / "fixtures" / "recordings" / "handshake-v1.jsonl"
    app = make_app(replay=read_recording(fixture), lang="ko")

    async def run_before(pilot: Pilot[int]) -> None:
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        for _ in range(REPLAY_STOPS[stop]):
            await pilot.press("right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)
