"""Benchmark: the TUI's start, its response to a key, its idle cost, and its memory.

Run: ``.venv/bin/python bench/bench_tui.py`` (``--runs N``, ``--rounds N``). It prints a table
and writes ``bench/results/tui.json``. Everything is measured in one run, against a minimal
Textual app started the same way, and reported as ratios (this machine is shared and noisy).

- **Start to first frame**: the program is started on a pseudo-terminal (80x24, clean
  environment) and timed until its first frame is on the terminal: ``syscall-lab`` until the
  picker's title, the minimal app until its one word. Target (issue "The Textual TUI"): <= 1.5x.
- **To interactive with scapy loaded**: ``syscall-lab backlog`` until its lab is ready, and
  until the first packet, dissected by scapy, is on the screen after keys pressed at once
  (five steps: socket, bind, listen, socket, connect).
- **Keypress to all panes updated**: the real program on a pseudo-terminal (120x36), each step
  of the backlog lesson on a real lab: from the space written to the terminal to the frame
  that shows the new step number (the panes are redrawn in one batch, so that frame has them
  all). Steps that wait on purpose (``watch``, ``wait``) are left out. Target p95 <= 50 ms.
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
    return {"TERM": "xterm-256color", "LANG": "C.UTF-8", "SYSCALL_LAB_LANG": "en",
            "HOME": state, "XDG_STATE_HOME": state, "XDG_DATA_HOME": state,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


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


def start_times(runs: int) -> dict[str, object]:
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
            first.append(p.until(b"Pick a lesson"))
            p.end()
            p = Pty([str(PROGRAM), "backlog"], _env(state), size=(120, 36))
            ready.append(p.until(b"lab ready"))
            p.send(b"     ")  # five steps at once; the screen queues them
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


def idle_cpu(seconds: float = 10.0) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as state:
        p = Pty([str(PROGRAM), "backlog"], _env(state), size=(120, 36))
        p.until(b"lab ready")
        p.send(b"     ")
        p.until(b"Step 5 of 21")
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


def keypress(rounds: int) -> dict[str, float]:
    """Space pressed on a real terminal, timed until the frame that shows the step's number
    has been written (the panes are redrawn in one batch, so that frame has them all)."""
    sys.path.insert(0, str(ROOT))
    from syscall_lab.lesson.catalog import bundled_dir
    from syscall_lab.lesson.loader import load_file

    steps = load_file(str(bundled_dir() / "backlog.yaml")).steps
    times: list[float] = []
    with tempfile.TemporaryDirectory() as state:
        for _ in range(rounds):
            p = Pty([str(PROGRAM), "backlog"], _env(state), size=(120, 36))
            p.until(b"lab ready")
            time.sleep(0.3)
            for n, step in enumerate(steps, 1):
                p.drain()
                p.seen = b""
                t0 = time.perf_counter()
                p.send(b" ")
                p.until(f"Step {n} of {len(steps)}".encode())
                if step.watch is None and step.wait is None:
                    times.append(time.perf_counter() - t0)
                time.sleep(0.15)  # let its look settle, as a reader would
            p.end()
            (Path(state) / "syscall-lab" / "progress.json").unlink(missing_ok=True)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"keypress_median_ms": round(statistics.median(times) * 1000, 1),
            "keypress_p95_ms": round(p95 * 1000, 1), "keypress_steps": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="program starts per measure")
    parser.add_argument("--rounds", type=int, default=3, help="lessons played for keypresses")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle measured")
    args = parser.parse_args()
    results: dict[str, object] = {}
    results.update(start_times(args.runs))
    results.update(keypress(args.rounds))
    results.update(idle_cpu(args.idle))
    for key, value in results.items():
        print(f"{key:<26} {value}")
    out = ROOT / "bench" / "results" / "tui.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
