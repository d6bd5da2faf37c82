"""Every benchmark in bench/ runs and reports, so none can rot unnoticed.

Each one is run as the README says, in its ``--quick`` form (the same measurements, small),
with its results written under the test's own directory (``--out``), never over the real ones
in ``bench/results/``. What is checked is that it exits 0 and that its results file holds every
figure it must report, each a number. No timing is judged here: figures are for the benches
(read as ratios, on one machine), not for pass or fail.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, need_tool

BENCH_TIMEOUT = 240
"""Seconds a quick bench may take (each takes well under a minute)."""


def run_bench(name: str, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python bench/<name>.py --quick --out OUT``, from the repository's root."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), "--quick",
                           "--out", str(out), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=BENCH_TIMEOUT)
    assert done.returncode == 0, (
        f"bench/{name}.py --quick exited {done.returncode}\n"
        f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
    return done


def results(out: Path, filename: str) -> Any:
    path = out / filename
    assert path.is_file(), f"the bench wrote no {filename} in {out}: {sorted(out.iterdir())}"
    return json.loads(path.read_text())


def numbers(where: str, record: dict[str, Any], *keys: str) -> None:
    """Each of ``keys`` is in ``record`` and is a number (not None, not a bool, finite)."""
    for key in keys:
        assert key in record, f"{where}: no {key!r} in {sorted(record)}"
        value = record[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), \
            f"{where}: {key} = {value!r}, not a number"
        assert math.isfinite(value), f"{where}: {key} = {value!r}"


@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_lessons(tmp_path: Path) -> None:
    run_bench("bench_lessons", tmp_path)
    got = results(tmp_path, "lessons.json")
    numbers("cold", got["cold"], "import_ms", "first_load_ms")
    assert got["lessons"], "no lesson timed"
    for row in got["lessons"]:
        assert not row["lesson"].endswith(".course.yaml"), row  # a course is not a lesson
        numbers(row["lesson"], row, "bytes", "ms", "yaml_ms", "shape_ms", "target_ratio")
    numbers("lessons.json", got, "slowest_ms")


@pytest.mark.kernel
@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_engine(tmp_path: Path) -> None:
    need_tool("ss")  # the snapshot is compared with one run of ss -tani
    run_bench("bench_engine", tmp_path)
    got = results(tmp_path, "engine.json")
    # 2 and 50 sockets, host idle or loaded; and an epoll server with 100 connections
    assert len(got["cases"]) == 5, sorted(got["cases"])
    for name, case in got["cases"].items():
        for key in ("snapshot_kernel_ms", "snapshot_request_ms", "step_round_trip_ms",
                    "ss_tani_host_ms"):
            if key == "ss_tani_host_ms" and name.startswith("epoll"):
                continue  # measured against the lab with 50 sockets instead
            assert case[key] is not None, f"{name}: {key} not measured"
            numbers(f"{name}: {key}", case[key], "median", "p95", "n")
    assert len(got["ratios"]) == 10, sorted(got["ratios"])
    numbers("ratios", got["ratios"], *got["ratios"])


@pytest.mark.kernel
@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_wire(tmp_path: Path) -> None:
    need_tool("nsenter")  # the transfers run inside the lab's hosts
    run_bench("bench_wire", tmp_path)
    written = sorted(tmp_path.glob("wire-*.json"))
    assert len(written) == 1, written
    got = results(tmp_path, written[0].name)
    numbers("throughput", got["throughput"], "wire_pps_best", "wire_MBps_best",
            "veth_MBps_best", "wire_over_veth_throughput")
    numbers("latency", got["latency"], "rtt_median_us_wire", "rtt_median_us_veth",
            "added_us_per_packet", "rtt_ratio")
    for where in ("loopback", "wire"):
        numbers(f"burst on {where}", got["burst_10k"][where], "sent", "recorded",
                "completeness", "kernel_dropped")
    numbers("capture import", got["capture_import"], "import_to_first_packet_ms_median")


@pytest.mark.kernel
@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_tui(tmp_path: Path) -> None:
    program = Path(sys.executable).parent / "syscall-lab"
    assert program.exists(), f"{program} is not installed (pip install -e '.[test]')"
    run_bench("bench_tui", tmp_path)
    got = results(tmp_path, "tui.json")
    numbers("tui.json", got,
            # start to first frame, against the minimal Textual app started the same way
            "minimal_first_frame_ms", "first_frame_ms", "first_frame_ratio",
            # to a ready lab, and to the first dissected packet on screen
            "lab_ready_ms", "lab_ready_ratio", "first_packet_ms", "first_packet_ratio",
            # keypress to the frame with every pane updated
            "keypress_median_ms", "keypress_p95_ms", "keypress_steps",
            "keypress_returning_p95_ms",
            # replay on a terminal: a key to the next frame, a jump
            "replay_key_median_ms", "replay_key_p95_ms", "replay_jump_median_ms",
            # an idle lesson screen, and peak memory
            "idle_seconds", "idle_cpu_app_pct", "idle_cpu_lab_pct",
            "peak_rss_app_mib", "peak_rss_minimal_mib")
    assert got["keypress_steps"] > 0


@pytest.mark.kernel
@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_ladder(tmp_path: Path) -> None:
    run_bench("bench_ladder", tmp_path)  # exits 1 when a packet is missing
    got = results(tmp_path, "ladder.json")
    numbers("ladder", got["ladder"], "rows", "redraw_p50_ms", "redraw_p95_ms",
            "scroll_p50_ms", "scroll_p95_ms")
    numbers("bulk", got["bulk"], "packets", "packets_per_s", "send_calls", "keypress_p50_ms",
            "keypress_p95_ms", "presses", "packets_tab_open_ms", "wire_numbered", "in_ladder",
            "in_packet_list", "omitted", "lost")
    assert got["bulk"]["presses"] > 0 and got["bulk"]["packets"] > 0, got["bulk"]
    assert got["bulk"]["none_missing"] is True, got["bulk"]


@pytest.mark.kernel
@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_recording(tmp_path: Path) -> None:
    run_bench("bench_recording", tmp_path)
    got = results(tmp_path, "recording.json")
    replay = ("frames", "read_ms", "replay_frame_ms", "replay_frame_ms_max",
              "replay_frame_cpu_ms", "replay_frame_cpu_ms_max", "replay_jump_ms",
              "replay_jump_cpu_ms", "kib_total")
    recorded = [name for name in got if name != "frozen handshake-v1"]
    assert recorded, sorted(got)
    for name in recorded:
        numbers(name, got[name], *replay, "steps", "step_ms_without", "step_ms_with",
                "recorder_ms_per_frame", "recorder_ms_max", "kib_per_step")
    assert "frozen handshake-v1" in got, sorted(got)  # the frozen recording is drawn too
    numbers("frozen handshake-v1", got["frozen handshake-v1"], *replay)


@pytest.mark.kernel
@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_work(tmp_path: Path) -> None:
    run_bench("bench_work", tmp_path)
    got = results(tmp_path, "work.json")
    assert set(got["results"]) == {"work alone", "2 processes, 1 CPU", "2 processes, 2 CPUs",
                                   "2 C threads, 2 CPUs", "2 Python threads, 2 CPUs"}, \
        sorted(got["results"])
    for name, row in got["results"].items():
        numbers(name, row, "cores_median", "cores_min", "cores_max", "wall_median_s",
                "switches_median")
        assert len(row["rounds"]) == got["rounds"] == 1, row


@pytest.mark.kernel
@pytest.mark.timeout(BENCH_TIMEOUT + 60)
def test_bench_pace(tmp_path: Path) -> None:
    run_bench("bench_pace", tmp_path)
    got = results(tmp_path, "pace.json")
    for kind in ("plain", "until"):
        numbers(f"watch {kind}", got["watch"][kind], "wall_s", "runner_cpu_pct", "lab_cpu_pct")
    numbers("watch", got["watch"], "until_minus_plain_cpu_pct")
    numbers("event", got["event"], "rounds", "event_to_end_ms_median", "event_to_end_ms_max",
            "before_reading_ms_median", "plain_step_ms_median", "before_over_step")

