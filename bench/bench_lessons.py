"""Benchmark: load and validate every bundled lesson (YAML, shape, grammar and meaning).

Run: ``.venv/bin/python bench/bench_lessons.py`` (``--rounds N``). It prints a table and writes
``bench/results/lessons.json``. The cold cost (importing pydantic and building the schema's
validators, paid once per process) is measured apart, as the issue asks; each lesson's time is
the median of ``--rounds`` loads in a warm process, split into its three passes.

Target (issue "Lesson files"): under 20 ms a lesson, cold schema excluded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20.0


def cold_start() -> dict[str, float]:
    """Time, in a fresh interpreter, to import the loader and load the first lesson."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from syscall_lab.lesson.loader import load_lesson\n"
        "t1 = time.perf_counter()\n"
        f"load_lesson(open({str(ROOT / 'lessons' / 'backlog.yaml')!r}, 'rb').read(), 'x')\n"
        "t2 = time.perf_counter()\n"
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)\n")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(5)]
    return {"import_ms": round(statistics.median(float(r[0]) for r in runs), 2),
            "first_load_ms": round(statistics.median(float(r[1]) for r in runs), 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args()

    cold = cold_start()
    from syscall_lab.lesson.catalog import bundled_dir
    from syscall_lab.lesson.loader import _Loader, load_lesson
    from syscall_lab.lesson.model import Lesson
    from syscall_lab.lesson.schema import LessonFile
    from syscall_lab.lesson.source import read_source

    files = sorted(bundled_dir().glob("*.yaml"))
    rows = []
    for f in files:
        raw = f.read_bytes()
        assert isinstance(load_lesson(raw, str(f)), Lesson), f  # warm, and valid
        total, yaml_t, shape_t = [], [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            src = read_source(raw, str(f))
            t1 = time.perf_counter()
            assert not isinstance(src, list)
            LessonFile.model_validate(src.data)
            t2 = time.perf_counter()
            _Loader(src).run()  # validates the shape again, then the meaning
            t3 = time.perf_counter()
            total.append((t1 - t0) + (t3 - t2))  # YAML + (shape + meaning)
            yaml_t.append(t1 - t0)
            shape_t.append(t2 - t1)
        med = statistics.median(total) * 1000
        rows.append({"lesson": f.name, "bytes": len(raw),
                     "ms": round(med, 3), "yaml_ms": round(statistics.median(yaml_t) * 1000, 3),
                     "shape_ms": round(statistics.median(shape_t) * 1000, 3),
                     "target_ratio": round(med / TARGET_MS, 3)})
    print(f"cold: import the loader {cold['import_ms']:.1f} ms, first lesson "
          f"{cold['first_load_ms']:.1f} ms (builds the validators; excluded below)")
    print(f"{'lesson':<18} {'bytes':>7} {'load ms':>8} {'yaml':>7} {'shape':>7}  of 20 ms")
    for r in rows:
        print(f"{r['lesson']:<18} {r['bytes']:>7} {r['ms']:>8.2f} {r['yaml_ms']:>7.2f} "
              f"{r['shape_ms']:>7.2f}  {r['target_ratio']:.2f}x")
    out = ROOT / "bench" / "results" / "lessons.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"cold": cold, "lessons": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
