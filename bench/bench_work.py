"""Benchmark: how steady the concurrency lesson's measurements are on this machine.

Run: ``.venv/bin/python bench/bench_work.py`` (``--rounds N``, ``--seconds S``; ``--quick``: one
round; ``--out DIR``). In one lab it repeats each measurement the lesson makes and prints the
spread of ``cores`` (CPU time / wall time) and wall time, writing ``work.json`` to
``bench/results/`` (with ``--quick``, to a temporary directory unless ``--out`` is given). The
lesson's checks must hold with a margin over the worst round here: pinned to one CPU,
``cores <= 1.05``; on two CPUs, ``cores >= 1.4``; Python threads, ``cores <= 1.1``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from syscall_lab.engine.lab import Lab  # noqa: E402

RUNS: list[tuple[str, list[int], str, tuple[Any, ...]]] = [
    ("work alone", [0, 1], "work", ()),
    ("2 processes, 1 CPU", [0], "workers", (2,)),
    ("2 processes, 2 CPUs", [0, 1], "workers", (2,)),
    ("2 C threads, 2 CPUs", [0, 1], "threads", (2,)),
    ("2 Python threads, 2 CPUs", [0, 1], "py_threads", (2,)),
]


def measure(lab: Lab, cpus: list[int], call: str, args: tuple[Any, ...],
            seconds: float) -> dict[str, Any]:
    lab.call("app", "sched_setaffinity", 0, cpus)
    out = lab.call("app", call, *args, seconds)
    if out.blocked:
        out = lab.wait("app", 30.0)
    value = (out.result or {})["value"]
    return {k: value[k] for k in ("cores", "wall_time", "cpu_time", "switches")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=None, help="rounds of each (7; quick: 1)")
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--quick", action="store_true", help="one round of each")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write work.json (bench/results/; --quick: a temporary "
                             "directory)")
    opts = parser.parse_args()
    opts.rounds = opts.rounds or (1 if opts.quick else 7)
    if len(os.sched_getaffinity(0)) < 2:
        print("this machine lets us use one CPU: the two-CPU rows measure one")
    results: dict[str, Any] = {}
    with Lab(network="loopback") as lab:
        lab.spawn("app")
        for name, cpus, call, args in RUNS:
            rounds = [measure(lab, cpus, call, args, opts.seconds) for _ in range(opts.rounds)]
            cores = [r["cores"] for r in rounds]
            walls = [r["wall_time"] for r in rounds]
            results[name] = {
                "cores_median": statistics.median(cores), "cores_min": min(cores),
                "cores_max": max(cores), "wall_median_s": statistics.median(walls),
                "switches_median": statistics.median(r["switches"] for r in rounds),
                "rounds": rounds}
            print(f"{name:<26} cores median {statistics.median(cores):.2f} "
                  f"(min {min(cores):.2f}, max {max(cores):.2f}), wall median "
                  f"{statistics.median(walls):.2f} s, preempted median "
                  f"{statistics.median(r['switches'] for r in rounds):.0f} times")
    out_dir = opts.out or (Path(tempfile.mkdtemp(prefix="bench-")) if opts.quick
                           else ROOT / "bench" / "results")
    out_dir.mkdir(parents=True, exist_ok=True)  # bench/results/ is not in git
    out = out_dir / "work.json"
    out.write_text(json.dumps({"seconds": opts.seconds, "rounds": opts.rounds,
                               "cpus": len(os.sched_getaffinity(0)), "results": results},
                              indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
