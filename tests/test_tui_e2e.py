"""End to end, like a person: the installed ``syscall-lab`` in a real terminal (tmux), keys
pressed, the screen read back as text. Then quit three ways and find nothing left behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from syscall_lab.lesson.catalog import bundled_dir, discover
from syscall_lab.lesson.loader import load_file

from .conftest import alive, assert_nothing_left, wait_until
from .terminal import PROGRAM, Terminal, _descendants, _terminal

pytestmark = pytest.mark.kernel

@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = _terminal(tmp_path)
    yield term
    term.close()


def test_a_student_holds_the_syn_ack_and_reads_the_states_then_delivers_it(
        tmp_path: Path) -> None:
    """In ``syscall-lab sandbox``, typed like a person: hold the server's SYN/ACK on the wire,
    connect, read SYN_SENT (client) and SYN_RECV (server) off the screen, deliver, read
    ESTABLISHED."""
    term = _terminal(tmp_path, "sandbox")
    try:
        term.wait_for(r"Sandbox")
        term.wait_for(r"Press : and type a step")
        term.keys(":")
        term.wait_for(r"A step as a lesson writes it")  # the prompt is open
        for n, line in enumerate(("lsock = server.socket(AF_INET, SOCK_STREAM, 0)",
                                  "server.bind(lsock, 10.0.0.2:8080)", "server.listen(lsock, 2)",
                                  "wire.hold(from=server, flags=SYN+ACK)",
                                  "c = client.socket(AF_INET, SOCK_STREAM, 0)",
                                  "client.connect(c, 10.0.0.2:8080)"), 1):
            term.keys("-l", line)
            term.keys("Enter")
            term.wait_for(rf"{n} typed steps?\b")
        screen = term.wait_for(r"SYN_RECV")
        # beside the ladder's columns, the states the kernel reported: the client's fd 3, and
        # the server's new (half-open) socket; the SYN/ACK held in flight between them
        assert re.search(r"SYN_SENT │ client fd 3 10\.0\.0\.1:\d+ → 10\.0\.0\.2:8080", screen), \
            screen
        assert re.search(r"10\.0\.0\.2:8080 → 10\.0\.0\.1:\d+ │ SYN_RECV", screen), screen
        assert re.search(r"HELD │\s+⧗─+ SYN,ACK", screen), screen
        assert "Half-open (SYN_RECV)" in screen and "blocked in connect()" in screen, screen
        term.keys("-l", "wire.deliver(all)")
        term.keys("Enter")
        screen = term.wait_for(r"ESTABLISHED │ client fd 3")
        screen = term.wait_for(r"│ ESTABLISHED")
        assert re.search(r"(?i)delivered │.*SYN,ACK", screen), screen
        assert "connect(3, " in term.wait_for(r"returned just now")
        app = term.pid()
        lab = _descendants(app)
        term.keys("Escape")  # closes the prompt (and must not run into the q as alt+q)
        deadline = time.monotonic() + 10
        while "A step as a lesson writes it" in term.screen() and time.monotonic() < deadline:
            time.sleep(0.05)
        term.keys("q")
        assert wait_until(lambda: not alive(app), timeout=10), "the app did not end"
        assert wait_until(lambda: not any(alive(p) for p in lab), timeout=10)
    finally:
        term.close()


@pytest.mark.parametrize("how", ["q", "ctrl-c", "sigkill"])
def test_a_student_opens_a_lesson_from_the_picker_and_quits(terminal: Terminal, how: str) -> None:
    size = subprocess.run([terminal.tmux, "display", "-p", "-t", terminal.name,
                           "#{window_width}x#{window_height}"], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert size == "160x48", size
    terminal.wait_for(r"Pick a lesson")
    terminal.wait_for(r"The listen backlog")
    order = discover([str(bundled_dir())], search=False).courses[0].order()
    terminal.keys(*["Down"] * order.index("backlog"), "Enter")  # down the course to backlog
    terminal.wait_for(r"lab ready")
    backlog = load_file(bundled_dir() / "backlog.yaml")
    for n in range(1, 6):  # socket(), bind(), listen(), client socket(), connect()
        terminal.keys("Space")
        ask = backlog.steps[n - 1].ask
        if ask is not None:  # predict, then run: the question comes first
            terminal.wait_for(r"Press 1-\d to answer")
            terminal.keys(str(ask.answer))
        terminal.wait_for(rf"Step {n} of 22")
    screen = terminal.wait_for(r"1/3 in the accept queue")
    assert re.search(r"\b3\s+socket\s+tcp 127\.0\.0\.1:8080\s+LISTEN\s+1/3", screen), screen
    assert re.search(r"client\d\s+pid \d+ \(host \d+\)", screen), screen
    assert re.search(r"\bSYN\b", screen) and re.search(r"SYN,ACK", screen), screen
    assert "connect(3, " in screen and "= 0" in screen

    app = terminal.pid()
    lab = _descendants(app)
    supervisor = next(p for p in lab
                      if "syscall_lab.engine.boot" in Path(f"/proc/{p}/cmdline").read_bytes()
                      .decode(errors="replace"))
    netns = os.stat(f"/proc/{supervisor}/ns/net").st_ino
    assert len(lab) >= 8  # the supervisor, the lab's init and six actors
    if how == "q":
        terminal.keys("q")
    elif how == "ctrl-c":
        terminal.keys("C-c")
    else:
        os.kill(app, signal.SIGKILL)
    assert wait_until(lambda: not alive(app), timeout=10), f"{how}: the app did not end"
    assert_nothing_left(lab | {app}, netns)


# -- demos and replays ---------------------------------------------------------------------------

def _shell(tmp_path: Path, script: str) -> Terminal:
    return _terminal(tmp_path, shell=script, size=(130, 40))


def test_a_demo_plays_the_handshake_by_itself_and_exits_0(tmp_path: Path) -> None:
    """No key is pressed: the demo runs every step (answering both questions), saves a
    screenshot of each, records the session, and exits 0 on its own."""
    from syscall_lab.lesson.recording import read_recording

    shots, rec, status = tmp_path / "shots", tmp_path / "demo.jsonl", tmp_path / "status"
    term = _shell(tmp_path, f"{PROGRAM} demo handshake --pace 0.3s --size 120x36 "
                            f"--screenshots {shots} --record {rec}; echo $? > {status}; "
                            "sleep 60")
    try:
        screen = term.wait_for(r"playing · Space: pause")
        assert len(screen.splitlines()[0]) <= 120 or screen.splitlines()[0][120:].strip() == ""
        assert wait_until(status.exists, timeout=90), term.screen()
        assert status.read_text().strip() == "0"
    finally:
        term.close()
    names = sorted(p.name for p in shots.iterdir())
    assert names == sorted([*(f"handshake-{n:02d}.en.svg" for n in range(13)),
                            "handshake-08-ask.en.svg", "handshake-10-ask.en.svg"])
    assert "Think first" in (shots / "handshake-08-ask.en.svg").read_text(encoding="utf-8") \
        .replace("&#160;", " ")
    recording = read_recording(rec)
    last = recording.frames[-1].state
    assert recording.made == "demo" and last.done == 12 and all(r.ok for r in last.records)
    lesson = recording.lesson
    assert recording.frames[-1].answers == {n: s.ask.answer for n, s in
                                            enumerate(lesson.steps, 1) if s.ask is not None}
    assert not (tmp_path / "state" / "syscall-lab" / "progress.json").exists()


def test_space_pauses_a_demo_and_the_arrow_steps_it(tmp_path: Path) -> None:
    term = _shell(tmp_path, f"{PROGRAM} demo handshake --pace 30s")
    try:
        term.wait_for(r"playing · Space: pause")
        term.keys("Space")
        term.wait_for(r"paused · Space: play")
        term.keys("Right")
        term.wait_for(r"Step 1 of 12 · socket\(AF_INET, SOCK_STREAM")
        term.keys("Right")
        term.wait_for(r"Step 2 of 12 · bind\(3")
        term.keys("q")
        assert wait_until(lambda: not term.running(), timeout=10)
    finally:
        term.close()


def test_a_recording_replays_in_a_terminal(tmp_path: Path) -> None:
    """The frozen recording, replayed: marked as one, stepped with the arrows, End and Home."""
    fixture = Path(__file__).parent / "fixtures" / "recordings" / "handshake-v1.jsonl"
    term = _shell(tmp_path, f"{PROGRAM} replay {fixture} --lang en")
    try:
        screen = term.wait_for(r"RECORDING 2026-")
        assert "Before step 1" in screen and "1/11" in screen
        term.keys("Right", "Right", "Right")
        screen = term.wait_for(r"Step 3 of 10")
        assert "4/11" in screen and "listen(3, 5) = 0" in screen
        term.keys("End")
        term.wait_for(r"Step 10 of 10")
        term.keys("Left")
        term.wait_for(r"Step 9 of 10")
        term.keys("Home")
        term.wait_for(r"Before step 1")
        term.keys("q")
        assert wait_until(lambda: not term.running(), timeout=10)
    finally:
        term.close()
