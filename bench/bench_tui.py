"""Benchmark: the TUI's start, its response to a key, its idle cost, and its memory.

Run: ``.venv/bin/python bench/bench_tui.py`` (``--runs N``, ``--rounds N``, ``--idle S``;
``--quick``: 1 run, 1 round, 1 s idle; ``--out DIR``). It prints a table and writes ``tui.json``
to ``bench/results/`` (with ``--quick``, to a temporary directory unless ``--out`` is given).
Everything is measured in one run, against a minimal Textual app started the same way, and
reported as ratios (this machine is shared and noisy).

The keys are the backlog lesson's, read from its file: a step with a question runs only once
its answer is pressed (the digit; the card says "Press 1-3 to answer"), any other on space.

- **Start to first frame**: the program is started on a pseudo-terminal (80x24, clean
  environment) and timed until its first frame is on the terminal: ``syscall-lab`` until the
  picker's title, the minimal app until its one word. Target (issue "The Textual TUI"): <= 1.5x.
- **To interactive with scapy loaded**: ``syscall-lab backlog`` until its lab is ready, and
  until the first packet, dissected by scapy, is on the screen after keys pressed at once
  (five steps: socket, bind, listen, socket, connect; the first asks a question, so its
  answer, then four spaces).
- **Keypress to all panes updated**: the real program on a pseudo-terminal (120x36), each step
  of the backlog lesson on a real lab: from the key that makes the step run (space, or the
  answer's digit for a step with a question) written to the terminal to the frame whose title
  shows the new step number ("Step N of 21"; the panes are redrawn in one batch, so that frame
  has them all). Steps that wait on purpose (``watch``, ``wait``) are left out. Target p95 <=
  50 ms. Also the p95 of the steps whose call returns: a call that blocks is reported blocked
  only after it has slept in its syscall for the supervisor's ``SETTLE_S`` (40 ms), on purpose.
- **Replay, a key to the next frame**: ``syscall-lab replay`` of the frozen handshake
  recording (120x36): from the right arrow written to the terminal to the frame whose title
  shows the next step; and a jump to the first or the last frame (Home, End). Target median
  <= 50 ms (scrubbing keeps up).
- **Idle CPU**: the real program on a lesson screen after five steps, untouched for 10 s:
  CPU time of the app (and of the whole lab) over wall time. Target < 1% of a core.
- **Peak memory**: VmHWM of the app process and of the minimal app.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = Path(sys.executable).parent / "syscall-lab"
MINIMAL = '''
from textual.app import App
from textual.widgets import Static

class Minimal(App[None]):
    def compose(self):
        yield Static("minimal-first-frame")

Minimal().run()
'''
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Pty:
    """A program on a pseudo-terminal of a fixed size; its output read as it comes."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)):
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(argv[0], argv, env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.pid, self.fd = pid, fd
        self.seen = b""

    def until(self, marker: bytes, timeout: float = 30.0) -> float:
        """Seconds from the start until ``marker`` has been written to the terminal."""
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{marker!r} never appeared")
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    break
        return time.perf_counter() - self.t0

    def drain(self) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            try:
                self.seen += os.read(self.fd, 65536)
            except OSError:
                return

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def end(self) -> None:
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def _env(state: str) -> dict[str, str]:
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "SYSCALL_LAB_LANG": "en",
           "HOME": state, "XDG_STATE_HOME": state, "XDG_DATA_HOME": state,
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if "SYSCALL_LAB_TEST_RUN" in os.environ:  # under pytest: its labs are known as the test's
        env["SYSCALL_LAB_TEST_RUN"] = os.environ["SYSCALL_LAB_TEST_RUN"]
    return env


def said(msg_id: str, **kw: Any) -> bytes:
    """What the screen says for the message ``msg_id`` (``syscall_lab.i18n.MESSAGES``, in
    English: the programs run with ``SYSCALL_LAB_LANG=en``)."""
    sys.path.insert(0, str(ROOT))
    from syscall_lab.i18n import t

    return t(msg_id, "en", **kw).encode()


def lesson_steps() -> list[Any]:
    """The backlog lesson's steps, from its file."""
    sys.path.insert(0, str(ROOT))
    from syscall_lab.lesson.catalog import bundled_dir
    from syscall_lab.lesson.loader import load_file

    return list(load_file(bundled_dir() / "backlog.yaml").steps)


def key_for(step: Any) -> bytes:
    """The key that runs ``step``: its answer's digit when it asks a question, else space."""
    return str(step.ask.answer).encode() if step.ask is not None else b" "


def step_title(n: int, total: int) -> bytes:
    """What the title says once step ``n`` has run: "Step N of 21"."""
    return said("step", n=n, total=total)


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            continue
    return total / CLK_TCK


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def _hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def start_times(runs: int, steps: list[Any]) -> dict[str, object]:
    five = b"".join(key_for(step) for step in steps[:5])  # socket, bind, listen, socket, connect
    picker, lab_ready = said("picker_title"), said("lab_ready")  # not while a program starts
    first, minimal, ready, packet = [], [], [], []
    mem_app, mem_min = [], []
    with tempfile.TemporaryDirectory() as state:
        script = Path(state) / "minimal.py"
        script.write_text(MINIMAL)
        for _ in range(runs):
            p = Pty([sys.executable, str(script)], _env(state))
            minimal.append(p.until(b"minimal-first-frame"))
            time.sleep(0.3)
            p.drain()
            mem_min.append(_hwm_kib(p.pid))
            p.end()
            p = Pty([str(PROGRAM)], _env(state))
            first.append(p.until(picker))
            p.end()
            p = Pty([str(PROGRAM), "backlog"], _env(state), size=(120, 36))
            ready.append(p.until(lab_ready))
            # Five steps at once; the screen queues them. The first one's answer comes first
            # (a digit pressed while the lab works is not taken), the spaces wait their turn.
            p.send(five)
            packet.append(p.until(b"SYN,ACK"))
            p.drain()
            mem_app.append(_hwm_kib(p.pid))
            p.end()
            (Path(state) / "syscall-lab" / "progress.json").unlink(missing_ok=True)
    base = statistics.median(minimal)
    return {
        "minimal_first_frame_ms": round(base * 1000, 1),
        "first_frame_ms": round(statistics.median(first) * 1000, 1),
        "first_frame_ratio": round(statistics.median(first) / base, 2),
        "lab_ready_ms": round(statistics.median(ready) * 1000, 1),
        "lab_ready_ratio": round(statistics.median(ready) / base, 2),
        "first_packet_ms": round(statistics.median(packet) * 1000, 1),
        "first_packet_ratio": round(statistics.median(packet) / base, 2),
        "peak_rss_app_mib": round(statistics.median(mem_app) / 1024, 1),
        "peak_rss_minimal_mib": round(statistics.median(mem_min) / 1024, 1),
        "runs": runs,
    }


def idle_cpu(seconds: float, steps: list[Any]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as state:
        p = Pty([str(PROGRAM), "backlog"], _env(state), size=(120, 36))
        p.until(said("lab_ready"))
        p.send(b"".join(key_for(step) for step in steps[:5]))
        p.until(step_title(5, len(steps)))
        time.sleep(1.0)  # let the last look and redraw finish
        p.drain()
        lab = _descendants(p.pid)
        app0, lab0, t0 = _cpu_seconds([p.pid]), _cpu_seconds(lab), time.perf_counter()
        end = time.monotonic() + seconds
        while time.monotonic() < end:  # keep reading so the app never blocks on output
            select.select([p.fd], [], [], 0.5)
            p.drain()
        wall = time.perf_counter() - t0
        app1, lab1 = _cpu_seconds([p.pid]), _cpu_seconds(lab)
        p.end()
    return {"idle_seconds": round(wall, 2),
            "idle_cpu_app_pct": round(100 * (app1 - app0) / wall, 3),
            "idle_cpu_lab_pct": round(100 * (lab1 - lab0) / wall, 3)}


def keypress(rounds: int, steps: list[Any]) -> dict[str, Any]:
    """The key that runs each step (space, or the answer's digit for a step with a question)
    pressed on a real terminal, timed until the frame that shows the step's number has been
    written (the panes are redrawn in one batch, so that frame has them all)."""
    times: list[float] = []
    by_step: dict[int, list[float]] = {}
    resent = 0
    titles = [step_title(n, len(steps)) for n in range(1, len(steps) + 1)]
    with tempfile.TemporaryDirectory() as state:
        for _ in range(rounds):
            p = Pty([str(PROGRAM), "backlog"], _env(state), size=(120, 36))
            p.until(said("lab_ready"))
            time.sleep(0.3)
            for n, step in enumerate(steps, 1):
                p.drain()
                p.seen = b""
                t0 = time.perf_counter()
                p.send(key_for(step))
                while True:
                    try:
                        p.until(titles[n - 1], timeout=5.0 if step.ask else 30.0)
                        break
                    except TimeoutError:
                        # An answer pressed while the lab was still busy with a look is not
                        # taken (a space would wait its turn): press it again, and time that.
                        if step.ask is None or resent >= 3:
                            raise
                        resent += 1
                        t0 = time.perf_counter()
                        p.send(key_for(step))
                if step.watch is None and step.wait is None:
                    times.append(time.perf_counter() - t0)
                    by_step.setdefault(n, []).append(times[-1])
                time.sleep(0.15)  # let its look settle, as a reader would
            p.end()
            (Path(state) / "syscall-lab" / "progress.json").unlink(missing_ok=True)
    # A call that blocks is only reported blocked once it has slept in its syscall for the
    # supervisor's SETTLE_S (so a busy machine's slow handshake is not called blocked): those
    # steps are reported apart too.
    blocking = {n for n, step in enumerate(steps, 1) if _blocks(step)}
    returning = sorted(x for n, v in by_step.items() if n not in blocking for x in v)
    return {"keypress_median_ms": round(statistics.median(times) * 1000, 1),
            "keypress_p95_ms": round(_p95(times) * 1000, 1), "keypress_steps": len(times),
            "keypress_returning_p95_ms": round(_p95(returning) * 1000, 1) if returning else 0,
            "keypress_blocking_steps": sorted(blocking),
            "keypress_answers_pressed_again": resent,
            "keypress_by_step_ms": {n: round(statistics.median(v) * 1000, 1)
                                    for n, v in by_step.items()}}


def replay_keys(rounds: int) -> dict[str, Any]:
    """``syscall-lab replay`` of the frozen handshake recording on a real terminal (120x36):
    right arrow pressed, timed until the frame whose title shows the next step; then a jump
    back to the first frame (home) and to the last (end), each timed until its title."""
    fixture = ROOT / "tests" / "fixtures" / "recordings" / "handshake-v1.jsonl"
    sys.path.insert(0, str(ROOT))
    from syscall_lab.lesson.recording import read_recording

    total = len(read_recording(fixture).lesson.steps)
    frames, jumps = [], []
    with tempfile.TemporaryDirectory() as state:
        for _ in range(rounds):
            argv = [str(PROGRAM), "replay", "--lang", "en", str(fixture)]
            p = Pty(argv, _env(state), size=(120, 36))
            p.until(said("step_intro"))
            time.sleep(0.3)
            for n in range(1, total + 1):
                p.drain()
                p.seen = b""
                t0 = time.perf_counter()
                p.send(b"\x1b[C")  # right arrow
                p.until(step_title(n, total))
                frames.append(time.perf_counter() - t0)
                time.sleep(0.1)
            for key, marker in ((b"\x1b[H", said("step_intro")),
                                (b"\x1b[F", step_title(total, total))):
                p.drain()
                p.seen = b""
                t0 = time.perf_counter()
                p.send(key)
                p.until(marker)
                jumps.append(time.perf_counter() - t0)
                time.sleep(0.1)
            p.end()
    return {"replay_key_median_ms": round(statistics.median(frames) * 1000, 1),
            "replay_key_p95_ms": round(_p95(frames) * 1000, 1), "replay_key_frames": len(frames),
            "replay_jump_median_ms": round(statistics.median(jumps) * 1000, 1)}


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _blocks(step: Any) -> bool:
    """The step expects its call to block (``expect: blocked``)."""
    return any(e.subject == "result" and e.field == "blocked" and e.value is True
               for e in step.expect)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None,
                        help="program starts per measure (5; quick: 1)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="lessons played for keypresses (3; quick: 1)")
    parser.add_argument("--idle", type=float, default=None,
                        help="seconds of idle measured (10; quick: 1)")
    parser.add_argument("--quick", action="store_true", help="1 run, 1 round, 1 s idle")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write tui.json (bench/results/; --quick: a temporary "
                             "directory)")
    args = parser.parse_args()
    if not PROGRAM.exists():
        raise SystemExit(f"bench: {PROGRAM} is not installed (pip install -e .)")
    quick = args.quick
    steps = lesson_steps()
    results: dict[str, object] = {}
    results.update(start_times(args.runs or (1 if quick else 5), steps))
    results.update(keypress(args.rounds or (1 if quick else 3), steps))
    results.update(replay_keys(args.rounds or (1 if quick else 3)))
    results.update(idle_cpu(args.idle or (1.0 if quick else 10.0), steps))
    for key, value in results.items():
        print(f"{key:<26} {value}")
    out_dir = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if quick
                           else ROOT / "bench" / "results")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "tui.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
