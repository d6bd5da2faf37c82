"""Benchmark: the packet ladder with thousands of packets, and the UI under a bulk transfer.

Run: ``.venv/bin/python bench/bench_ladder.py`` (``--seconds N``, ``--rate N``, ``--frames N``;
``--quick``: 2 s of traffic and 20 frames; ``--out DIR``). It prints a table and writes
``ladder.json`` to ``bench/results/`` (with ``--quick``, to a temporary directory unless
``--out`` is given); it exits 1 when a packet is missing. Targets (issue "The TUI, part two").

- **Ladder, 2,000 packets: redraw and scroll per frame.** The app in-process (Textual's
  headless driver, 120x36) with the ladder tab showing a session of 2,000 packets and the
  states read between them. *Redraw*: a new state handed to the ladder and every visible line
  rendered again. *Scroll*: one row down (the cursor moves, the view follows) and the visible
  lines rendered. p95 of each over 300 frames; target < 30 ms.
- **Bulk transfer, about 1,000 packets/s for 10 s.** The app in-process on a real wire lab
  (``syscall-lab sandbox``'s lab). A client streams data to a server over TCP through the wire
  while a driver thread paces ``send()`` and ``recv()`` calls; meanwhile ``h`` is pressed every
  100 ms and timed from the key event posted to the first frame written after the screen
  handled it. Target: keypress p95 < 100 ms. At the end the Packets tab is opened
  (``KernelPanes.open``; it is drawn when opened) and timed to its first full frame; every
  packet the wire numbered is in the ladder and in the packet list (none missing, none omitted
  from a report, none lost by the kernel).

Why not ``pilot.press``: Textual's pilot waits for the *process* to go idle (up to 1 s, twice
per key) and the driver thread keeps the process busy, so it measured the pilot's own wait
(about 2 s), not the UI. Frames are timestamped by the terminal driver the app runs on
(:func:`clocked_app`): Textual's headless driver, but saying it is not headless, so the app
renders each frame to terminal text as it would for a real terminal and hands it to the
driver, which notes the time of each and writes nothing.

Only public attributes are read: the screen's ``settled`` (the lab has answered everything),
``drawn`` (states drawn), ``state`` and ``session``; the names the typed steps bound (``c`` and
``conn``) are the values their calls returned, read from the state's step records.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.drivers.headless_driver import HeadlessDriver  # noqa: E402

from syscall_lab.engine.snapshot import Snapshot  # noqa: E402
from syscall_lab.engine.trace import Seen, SocketTrace  # noqa: E402
from syscall_lab.lesson.loader import sandbox_lesson  # noqa: E402
from syscall_lab.lesson.session import SessionState  # noqa: E402
from syscall_lab.net.packets import PacketRecord  # noqa: E402
from syscall_lab.tui import make_app  # noqa: E402
from syscall_lab.tui.messages import KernelStirred  # noqa: E402
from syscall_lab.tui.screens import LessonScreen  # noqa: E402
from syscall_lab.tui.view import View  # noqa: E402
from syscall_lab.tui.widgets import KernelPanes, Ladder, LadderPane, PacketList  # noqa: E402

SIZE = (120, 36)


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1] if len(xs) >= 20 else max(xs)


def synthetic(n: int) -> SessionState:
    """A wire lab's session with ``n`` packets of a data transfer, and socket states read
    every 100 packets (what a long exchange looks like to the ladder)."""
    packets = []
    for i in range(1, n + 1):
        to_server = i % 3 != 0
        packets.append(PacketRecord(
            n=i, t=i * 0.001, source="client" if to_server else "server",
            src="10.0.0.1:40000" if to_server else "10.0.0.2:8080",
            dst="10.0.0.2:8080" if to_server else "10.0.0.1:40000", proto="TCP",
            length=1448 if to_server else 0, fate="dropped" if i % 97 == 0 else "passed",
            flags=("ACK",) if not to_server else ("PSH", "ACK"), seq=i * 1448, ack=1,
            marks=("retransmission",) if i % 97 == 1 and i > 1 else ()))
    states = tuple(Seen(k * 0.1, "ESTABLISHED" if k % 2 else "CLOSE_WAIT", k)
                   for k in range(n // 100))
    traces = (SocketTrace(0, "10.0.0.1:40000", "10.0.0.2:8080", "client", "client fd 3",
                          "client", states),)
    empty = Snapshot(t=0.0)
    return SessionState(snapshot=empty, initial=empty, records=(), packets=tuple(packets),
                        traces=traces)


async def ladder_frames(frames: int) -> dict[str, float]:
    app = make_app(lesson=sandbox_lesson(), lang="en", mask_volatile=True,
                   progress_path=Path(tempfile.mkdtemp()) / "p.json")
    redraw: list[float] = []
    scroll: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        while not isinstance(screen, LessonScreen) or not screen.settled:
            await pilot.pause(0.05)
            screen = app.screen
        pane = screen.query_one(LadderPane)
        ladder = screen.query_one(Ladder)
        state = synthetic(2000)
        view = View(screen.lesson, state, "en")
        pane.show(view)
        await pilot.pause()
        height = ladder.scrollable_content_region.height

        def render_visible() -> None:
            for y in range(height):
                ladder.render_line(y)

        for _ in range(frames):
            start = time.perf_counter()
            pane.show(View(screen.lesson, state, "en"))
            render_visible()
            redraw.append((time.perf_counter() - start) * 1000)
        ladder.action_edge(0)
        for _ in range(frames):
            start = time.perf_counter()
            ladder.action_move(1)
            render_visible()
            scroll.append((time.perf_counter() - start) * 1000)
        rows = len(ladder.rows)
    return {"rows": rows, "redraw_p50_ms": statistics.median(redraw),
            "redraw_p95_ms": p95(redraw), "scroll_p50_ms": statistics.median(scroll),
            "scroll_p95_ms": p95(scroll)}


def clocked_app(**kw: Any) -> tuple[Any, list[float]]:
    """The app as ``syscall-lab`` makes it (``make_app(**kw)``), on a terminal driver that
    writes nothing and notes when each frame was handed to it; and the list of those times.
    Run it with ``run_test(headless=False)``.

    The driver is Textual's headless one, but not headless to the app: so the app renders
    every frame to the text a terminal would get and flushes it, once a frame, as it does on
    a real terminal."""
    frames: list[float] = []

    class FrameClock(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False

        def flush(self) -> None:
            frames.append(time.perf_counter())

    app = make_app(**kw)
    app.driver_class = FrameClock
    return app, frames


async def keypress_to_frame(app: Any, screen: LessonScreen, frames: list[float]) -> float:
    """Milliseconds from a key event arriving (as the terminal driver posts it) to the first
    frame displayed after the screen drew it. Not Pilot.press: it waits until the whole process
    is idle, up to a second twice, and a bulk transfer keeps the process busy on purpose."""
    drawn = screen.drawn
    start = time.perf_counter()
    app.post_message(events.Key("h", "h"))
    while screen.drawn == drawn:
        await asyncio.sleep(0.001)
        if app.screen is not screen or time.perf_counter() - start > 10:
            error = getattr(app.screen, "error", None)
            raise SystemExit("bench: the key was not drawn: " + (
                "".join(traceback.format_exception(error)) if error
                else f"the screen is {app.screen!r}"))
    after = time.perf_counter()
    while not frames or frames[-1] < after:
        await asyncio.sleep(0.001)
    return (frames[-1] - start) * 1000


def returned(screen: LessonScreen, name: str) -> int:
    """What the call of the step that gave ``name`` returned: the fd the name is bound to."""
    assert screen.state is not None
    ret = next((r.outcome.ret for r in screen.state.records
                if name in r.step.names and r.outcome is not None), None)
    assert isinstance(ret, int) and ret >= 0, (name, ret)
    return ret


async def bulk(seconds: float, rate: int) -> dict[str, float | int | bool]:
    lesson = sandbox_lesson()
    app, frames = clocked_app(lesson=lesson, lang="en",
                              progress_path=Path(tempfile.mkdtemp()) / "p.json")
    presses: list[float] = []
    async with app.run_test(size=SIZE, headless=False) as pilot:
        screen = app.screen
        while not isinstance(screen, LessonScreen) or not screen.settled:
            await pilot.pause(0.05)
            screen = app.screen
        for line in ("lsock = server.socket(AF_INET, SOCK_STREAM, 0)",
                     "server.bind(lsock, 10.0.0.2:8080)", "server.listen(lsock, 8)",
                     "c = client.socket(AF_INET, SOCK_STREAM, 0)",
                     "client.connect(c, 10.0.0.2:8080)", "conn = server.accept(lsock)"):
            assert screen.state is not None
            count = len(screen.state.records)
            assert screen.perform_typed(line), line
            while not screen.settled or len(screen.state.records) == count:
                await pilot.pause(0.02)
        session = screen.session
        assert session is not None and session.lab is not None
        lab = session.lab
        c, conn = returned(screen, "c"), returned(screen, "conn")
        stop = threading.Event()
        sent = {"calls": 0}

        def call(actor: str, *args: Any) -> int:
            """One call; when it blocks (a full send buffer, no data yet), wait for it."""
            outcome = lab.call(actor, *args)
            if outcome.blocked:
                outcome = lab.wait(actor, 5.0)
            return outcome.ret or 0

        def drive() -> None:
            # each send of 16 KiB is ~12 segments of 1448 bytes and their ACKs on the wire;
            # the server reads all of it before the next send, so neither side blocks long
            per_call = 18
            interval = per_call / rate
            chunk = "x" * 16384
            next_at = time.monotonic()
            while not stop.is_set():
                pending = call("client", "send", c, chunk)
                while pending > 0:
                    pending -= call("server", "recv", conn, 65536)
                sent["calls"] += 1
                next_at += interval
                time.sleep(max(0.0, next_at - time.monotonic()))

        driver = threading.Thread(target=drive, daemon=True)
        first = max((p.n for p in lab.packets), default=0)
        driver.start()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            presses.append(await keypress_to_frame(app, screen, frames))
            await asyncio.sleep(0.1)
        stop.set()
        driver.join(timeout=10)
        await pilot.pause(1.0)  # the last packets' cue, and the look it brings
        screen.post_message(KernelStirred())
        await pilot.pause(1.0)
        while not screen.settled:
            await pilot.pause(0.05)
        wire_total = max(p.n for p in lab.packets)
        ladder_packets = {r.packet.n for r in screen.query_one(Ladder).rows if r.packet}
        # The packet list is drawn when its tab opens: the first opening after the transfer
        # adds every row at once.
        start = time.perf_counter()
        screen.query_one(KernelPanes).open("packets")
        packet_list = screen.query_one(PacketList)
        while packet_list.row_count < wire_total:
            await asyncio.sleep(0.001)
            if time.perf_counter() - start > 30:
                raise SystemExit(f"bench: the packet list has {packet_list.row_count} of "
                                 f"{wire_total} packets 30 s after its tab opened")
        filled = time.perf_counter()
        while not frames or frames[-1] < filled:
            await asyncio.sleep(0.001)
        opened_ms = (frames[-1] - start) * 1000
        listed = {p.n for p in packet_list.packets}
        omitted, lost = lab.packets.omitted, dict(lab.packets.lost)
    moved = wire_total - first
    return {"seconds": seconds, "packets": moved, "packets_per_s": moved / seconds,
            "send_calls": sent["calls"], "keypress_p50_ms": statistics.median(presses),
            "keypress_p95_ms": p95(presses), "presses": len(presses),
            "wire_numbered": wire_total, "in_ladder": len(ladder_packets),
            "in_packet_list": len(listed), "packets_tab_open_ms": opened_ms,
            "omitted": omitted, "lost": sum(lost.values()),
            "none_missing": ladder_packets == listed == set(range(1, wire_total + 1))
            and not omitted and not lost}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=None,
                    help="seconds of bulk transfer (10; quick: 2)")
    ap.add_argument("--rate", type=int, default=1000, help="packets per second to aim for")
    ap.add_argument("--frames", type=int, default=None,
                    help="frames of ladder redraw and of scroll (300; quick: 20)")
    ap.add_argument("--quick", action="store_true", help="2 s of traffic, 20 frames")
    ap.add_argument("--out", type=Path, default=None,
                    help="where to write ladder.json (bench/results/; --quick: a temporary "
                         "directory)")
    args = ap.parse_args()
    seconds = args.seconds or (2.0 if args.quick else 10.0)
    ladder = asyncio.run(ladder_frames(args.frames or (20 if args.quick else 300)))
    load = asyncio.run(bulk(seconds, args.rate))
    print(f"ladder, {ladder['rows']} rows (2,000 packets): redraw p50 "
          f"{ladder['redraw_p50_ms']:.2f} ms p95 {ladder['redraw_p95_ms']:.2f} ms "
          f"({ladder['redraw_p95_ms'] / 30:.2f}x of 30 ms); scroll p50 "
          f"{ladder['scroll_p50_ms']:.2f} ms p95 {ladder['scroll_p95_ms']:.2f} ms "
          f"({ladder['scroll_p95_ms'] / 30:.2f}x of 30 ms)")
    print(f"bulk: {load['packets']} packets in {load['seconds']:.0f} s "
          f"({load['packets_per_s']:.0f}/s); keypress p50 {load['keypress_p50_ms']:.1f} ms "
          f"p95 {load['keypress_p95_ms']:.1f} ms ({load['keypress_p95_ms'] / 100:.2f}x of "
          f"100 ms) over {load['presses']} presses; wire numbered {load['wire_numbered']}, "
          f"ladder {load['in_ladder']}, list {load['in_packet_list']}, omitted "
          f"{load['omitted']}, lost {load['lost']}: "
          f"{'none missing' if load['none_missing'] else 'MISSING PACKETS'}; opening the "
          f"packets tab then: {load['packets_tab_open_ms']:.0f} ms")
    out_dir = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if args.quick
                           else ROOT / "bench" / "results")
    out_dir.mkdir(parents=True, exist_ok=True)  # bench/results/ is not in git
    out = out_dir / "ladder.json"
    out.write_text(json.dumps({"ladder": ladder, "bulk": load}, indent=1) + "\n")
    print(f"wrote {out}")
    return 0 if load["none_missing"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
