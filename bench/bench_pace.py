"""Benchmark: what holding a lesson at any pace costs (``watch N until CHECK``, ``before.``).

Run: ``.venv/bin/python bench/bench_pace.py`` (``--seconds S``, ``--rounds N``; ``--quick``:
2 s, one round; ``--out DIR``). In one wire lab it measures, and writes ``pace.json`` to
``bench/results/`` (with ``--quick``, to a temporary directory unless ``--out`` is given):

- the CPU a watch that looks every 0.1 s for a check that never holds takes, in this process
  (the runner) and in the lab (supervisor and wire), against a plain ``watch`` of as long: the
  price of ending on the event instead of on a time (an idle screen should stay near 0 %);
- how long after its event a watch ends: a held SYN/ACK is retransmitted by the kernel and the
  watch that waits for it ends (the lab's clock for both; the 0.1 s slice after the event, so
  what answers it is seen, is part of it by design);
- what ``before.`` adds to a step: one more reading of the kernel (``LessonRun.look``).
Figures are for comparing within one run on one machine, not for pass or fail.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from syscall_lab.engine.lab import Lab  # noqa: E402
from syscall_lab.lesson.loader import load_lesson  # noqa: E402
from syscall_lab.lesson.model import Lesson  # noqa: E402
from syscall_lab.lesson.runner import LessonRun  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")

HEAD = """\
schema: 1
id: pace-bench
title: Pace
summary: Pace
network: wire
actors: {server: {host: server}, client: {host: client}}
steps:
"""


def lesson(steps: str) -> Lesson:
    got = load_lesson(HEAD + steps, "pace-bench.yaml")
    assert isinstance(got, Lesson), [p.render("en") for p in got]
    return got


def _lab_cpu(lab: Lab) -> float:
    """CPU seconds of the lab's processes so far (the supervisor, its wire threads, init)."""
    total = 0
    for pid in {lab.supervisor_pid, int(lab.info["init_pid"])}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (all threads)
        except (OSError, IndexError):
            continue
    return total / CLK_TCK


def watch_cpu(seconds: float) -> dict[str, Any]:
    """CPU % of the runner and of the lab during a plain watch and a watch until (never)."""
    out: dict[str, Any] = {}
    for kind, do in (("plain", f"watch {seconds}s"),
                     ("until", f"watch {seconds}s until count(LISTEN) == 1")):
        watch = lesson(f"  - say: watch\n    do: {do}\n")
        lab = Lab(network="wire")
        try:
            run = LessonRun(watch, lab)
            me0, lab0, t0 = time.process_time(), _lab_cpu(lab), time.perf_counter()
            run.perform(watch.steps[0])
            wall = time.perf_counter() - t0
            me1, lab1 = time.process_time(), _lab_cpu(lab)
        finally:
            lab.close()
        out[kind] = {"wall_s": round(wall, 3),
                     "runner_cpu_pct": round(100 * (me1 - me0) / wall, 2),
                     "lab_cpu_pct": round(100 * (lab1 - lab0) / wall, 2)}
    plain, until = out["plain"], out["until"]
    out["until_minus_plain_cpu_pct"] = round(
        until["runner_cpu_pct"] + until["lab_cpu_pct"]
        - plain["runner_cpu_pct"] - plain["lab_cpu_pct"], 2)
    return out


EVENT = """\
  - say: s
    do: server.socket(AF_INET, SOCK_STREAM, 0)
    as: lsock
  - say: b
    do: server.bind(lsock, 10.0.0.2:8080)
  - say: l
    do: server.listen(lsock, 5)
  - say: h
    do: wire.hold(from=server, flags=SYN+ACK)
  - say: c
    do: client.socket(AF_INET, SOCK_STREAM, 0)
    as: sock
  - say: c
    do: client.connect(sock, 10.0.0.2:8080)
  - say: w
    do: watch 30s until packets(from=server, flags=SYN+ACK, mark=retransmission) >= 1
    expect:
      - before.sock.state == SYN_SENT
"""


def _times_ms(do: Callable[[], object], n: int) -> list[float]:
    """How long ``do()`` takes, ``n`` times, in milliseconds."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        do()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def event_latency(rounds: int) -> dict[str, Any]:
    """From the retransmitted SYN/ACK (the event) to the end of the watch that waits for it;
    and the cost of the ``before.`` reading."""
    ends, looks, steps_ms = [], [], []
    for _ in range(rounds):
        lab = Lab(network="wire")
        try:
            run = LessonRun(lesson(EVENT), lab)
            record = None
            while (r := run.next_step()) is not None:
                record = r
            assert record is not None and all(c.ok for c in record.checks), record
            event = min(p.t for p in record.wire.packets
                        if "retransmission" in p.marks and p.source == "server")
            ends.append(record.snapshot.t - event)
            looks += _times_ms(run.look, 10)
            plain = lesson("  - say: x\n    do: server.getpid()\n").steps[0]
            steps_ms += _times_ms(functools.partial(run.perform, plain), 10)  # for scale
        finally:
            lab.close()
    look = statistics.median(looks)
    step = statistics.median(steps_ms)
    return {"rounds": rounds,
            "event_to_end_ms_median": round(1000 * statistics.median(ends), 1),
            "event_to_end_ms_max": round(1000 * max(ends), 1),
            "before_reading_ms_median": round(look, 2),
            "plain_step_ms_median": round(step, 2),
            "before_over_step": round(look / step, 2) if step else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=None, help="each watch (10; quick: 2)")
    ap.add_argument("--rounds", type=int, default=None, help="event rounds (3; quick: 1)")
    ap.add_argument("--quick", action="store_true", help="short watches, one round")
    ap.add_argument("--out", type=Path, default=None,
                    help="where to write pace.json (bench/results/; --quick: a temporary "
                         "directory)")
    opts = ap.parse_args()
    seconds = opts.seconds or (2.0 if opts.quick else 10.0)
    rounds = opts.rounds or (1 if opts.quick else 3)
    results = {"watch": watch_cpu(seconds), "event": event_latency(rounds)}
    out_dir = opts.out or (Path(tempfile.mkdtemp(prefix="bench-")) if opts.quick
                           else ROOT / "bench" / "results")
    out_dir.mkdir(parents=True, exist_ok=True)  # bench/results/ is not in git
    (out_dir / "pace.json").write_text(json.dumps(results, indent=2) + "\n")
    w, e = results["watch"], results["event"]
    print(f"watch {seconds} s, CPU % (runner + lab): plain "
          f"{w['plain']['runner_cpu_pct']} + {w['plain']['lab_cpu_pct']}, until "
          f"{w['until']['runner_cpu_pct']} + {w['until']['lab_cpu_pct']} "
          f"(+{w['until_minus_plain_cpu_pct']} points)")
    print(f"event to the watch's end: median {e['event_to_end_ms_median']} ms, max "
          f"{e['event_to_end_ms_max']} ms; before. reading {e['before_reading_ms_median']} ms "
          f"= {e['before_over_step']}x a plain step ({e['plain_step_ms_median']} ms)")
    print(f"wrote {out_dir / 'pace.json'}")


if __name__ == "__main__":
    main()
