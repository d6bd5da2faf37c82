"""Benchmark: load and validate every bundled lesson (YAML, shape, grammar and meaning).

Run: ``.venv/bin/python bench/bench_lessons.py`` (``--rounds N``; ``--quick``: one lesson, a few
rounds; ``--out DIR``). It prints a table and writes ``lessons.json`` to ``bench/results/`` (with
``--quick``, to a temporary directory unless ``--out`` is given). The cold cost (importing
pydantic and building the schema's validators, paid once per process) is measured apart, as the
issue asks; each lesson's time is the median of ``--rounds`` loads in a warm process, with the
time of its first two passes (YAML, shape) apart. A lesson is a ``*.yaml`` that is not a course
(``*.course.yaml``). Only the loader's public functions are timed: ``load_lesson`` is the whole
load (the YAML read once, then the shape and the meaning), ``read_source`` and
``LessonFile.model_validate`` its first two passes.

Target (issue "Lesson files"): under 20 ms a lesson, cold schema excluded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20.0


def cold_start(times: int) -> dict[str, float]:
    """Time, in a fresh interpreter (``times`` of them, the median), to import the loader
    and load the first lesson."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from syscall_lab.lesson.loader import load_lesson\n"
        "t1 = time.perf_counter()\n"
        f"load_lesson(open({str(ROOT / 'lessons' / 'backlog.yaml')!r}, 'rb').read(), 'x')\n"
        "t2 = time.perf_counter()\n"
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)\n")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(times)]
    return {"import_ms": round(statistics.median(float(r[0]) for r in runs), 2),
            "first_load_ms": round(statistics.median(float(r[1]) for r in runs), 2)}


def lesson_files(directory: Path) -> list[Path]:
    """The lessons in ``directory``: every ``*.yaml`` but the courses (``*.course.yaml``)."""
    return sorted(f for f in directory.glob("*.yaml") if not f.name.endswith(".course.yaml"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=None, help="loads per lesson (200; quick: 5)")
    ap.add_argument("--quick", action="store_true", help="one lesson, a few rounds")
    ap.add_argument("--out", type=Path, default=None,
                    help="where to write lessons.json (bench/results/; --quick: a temporary "
                         "directory)")
    args = ap.parse_args()
    rounds = args.rounds or (5 if args.quick else 200)

    cold = cold_start(2 if args.quick else 5)
    from syscall_lab.lesson.catalog import bundled_dir
    from syscall_lab.lesson.loader import load_lesson
    from syscall_lab.lesson.model import Lesson
    from syscall_lab.lesson.schema import LessonFile
    from syscall_lab.lesson.source import read_source

    files = lesson_files(bundled_dir())
    if args.quick:
        files = [f for f in files if f.name == "backlog.yaml"] or files[:1]
    rows: list[dict[str, Any]] = []
    for f in files:
        raw = f.read_bytes()
        assert isinstance(load_lesson(raw, str(f)), Lesson), f  # warm, and valid
        total, yaml_t, shape_t = [], [], []
        for _ in range(rounds):
            t0 = time.perf_counter()
            src = read_source(raw, str(f))
            t1 = time.perf_counter()
            assert not isinstance(src, list)
            LessonFile.model_validate(src.data)
            t2 = time.perf_counter()
            load_lesson(raw, str(f))  # the whole load: YAML, shape, meaning
            t3 = time.perf_counter()
            total.append(t3 - t2)
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
    slowest = max(rows, key=lambda r: float(r["ms"]))
    out_dir = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if args.quick
                           else ROOT / "bench" / "results")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "lessons.json"
    out.write_text(json.dumps({"rounds": rounds, "cold": cold, "lessons": rows,
                               "slowest_ms": slowest["ms"], "slowest": slowest["lesson"]},
                              indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
