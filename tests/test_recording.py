"""Recordings: what --record writes, what reads it back, and what a damaged one says.

The fixture ``fixtures/recordings/handshake-v1.jsonl`` was written by ``syscall-lab run
handshake --lang ko --record`` in format version 1 and is never regenerated: every later
syscall-lab must keep reading it (the test of "a recording from an older version loads").
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from syscall_lab.lesson.catalog import bundled_dir, discover
from syscall_lab.lesson.loader import compile_step
from syscall_lab.lesson.recording import (
    VERSION,
    Recorder,
    RecordingError,
    decode,
    encode,
    pcap_path,
    read_recording,
)
from syscall_lab.lesson.session import LessonSession

from .conftest import ROOT, need_tool, run_cli, wait_until

FIXTURE = Path(__file__).parent / "fixtures" / "recordings" / "handshake-v1.jsonl"


def lines() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def write(path: Path, objs: list[Any]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs),
                    encoding="utf-8")
    return path


# -- the frozen version 1 ----------------------------------------------------------------------

def test_a_version_1_recording_still_loads() -> None:
    rec = read_recording(FIXTURE)
    assert rec.version == 1 and rec.lang == "ko" and rec.made == "run"
    assert rec.lesson.id == "handshake" and len(rec.lesson.steps) == 10
    assert rec.end is not None and rec.cut is None
    assert [f.cause for f in rec.frames] == ["start"] + ["step"] * 10
    last = rec.frames[-1].state
    assert [r.index for r in last.records] == list(range(1, 11))
    assert all(r.ok for r in last.records) and sum(r.tally[0] for r in last.records) == 30
    assert rec.end["checks"] == 30 and rec.end["failed"] == 0
    # The records are the kernel's readings as they were: listen() made a LISTEN socket...
    listen = next(r for r in last.records if r.step.call == "listen")
    assert listen.outcome is not None and listen.outcome.c.startswith("listen(3, ")
    server = listen.snapshot.process("server")
    assert server is not None and server.fd(3) is not None
    assert server.fd(3).socket.state == "LISTEN"  # type: ignore[union-attr]
    # ...and the wire saw the handshake, every packet's bytes kept.
    flags = [p.flags for p in last.packets]
    assert ("SYN",) in flags and ("SYN", "ACK") in flags
    assert {n for (_, n) in rec.packet_bytes} == {p.n for p in last.packets}
    assert rec.stops == tuple(range(11))


def test_fields_a_later_version_added_have_defaults(tmp_path: Path) -> None:
    """A recording without a field added later (here: threads, cpus_allowed, irqs) loads, with
    the field's default; so older files keep loading as records grow."""
    dropped = {"threads", "cpus_allowed", "irqs"}

    def strip(o: Any) -> Any:
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k not in dropped}
        if isinstance(o, list):
            return [strip(v) for v in o]
        return o

    objs = lines()
    path = write(tmp_path / "old.jsonl", [objs[0], *(strip(o) for o in objs[1:])])
    old, new = read_recording(path), read_recording(FIXTURE)
    assert len(old.frames) == len(new.frames)
    proc = old.frames[-1].state.snapshot.processes[0]
    assert proc.threads == 1 and proc.cpus_allowed == ()
    assert [r.checks for r in old.frames[-1].state.records] == \
        [r.checks for r in new.frames[-1].state.records]


# -- clear errors -------------------------------------------------------------------------------

def _set(obj: dict[str, Any], path: str, value: Any) -> None:
    *keys, last = path.split(".")
    for k in keys:
        obj = obj[int(k)] if k.isdigit() else obj[k]  # type: ignore[index]
    if value is _DELETE:
        del obj[last]
    else:
        obj[last] = value


_DELETE = object()


def _edit(line: int, path: str, value: Any) -> Callable[[list[dict[str, Any]]], list[Any]]:
    def edit(objs: list[dict[str, Any]]) -> list[Any]:
        _set(objs[line - 1], path, value)
        return objs
    return edit


DAMAGE = {
    "a wrong type": (_edit(3, "records.0.snapshot.t", "soon"),
                     ":3: frame 1: records[0].snapshot.t: should be a number, not text "
                     "('soon')"),
    "a missing field": (_edit(2, "initial", _DELETE), ":2: frame 0: initial: is missing"),
    "a step the lesson lacks": (_edit(3, "records.0.index", 40),
                                ":3: frame 1: records[0].index: step 40, and the lesson has 10"),
    "an unknown cause": (_edit(4, "cause", "dance"),
                         ":4: frame 2: cause: should be one of start, resume, step"),
    "a list for an object": (_edit(5, "records.0.snapshot", [1]),
                             ":5: frame 3: records[0].snapshot: should be an object, not a list"),
    "bad packet bytes": (_edit(2, "bytes", {"1": "%%%"}), ":2: frame 0: bytes.1: not base64"),
    "bytes not an object": (_edit(2, "bytes", 5), ":2: frame 0: bytes: should be an object"),
    "packets not a list": (_edit(2, "packets", 5), ":2: frame 0: packets: should be a list"),
    "an unknown notice": (_edit(3, "notice", "x"), ":3: frame 1: notice: should be one of"),
    "an answer no question has": (_edit(3, "answers", {"6": 9}),
                                  ":3: frame 1: answers.6: 9 is no choice of step 6's question"),
    "an answer to a step without a question": (_edit(3, "answers", {"1": 1}),
                                               ":3: frame 1: answers.1: 1 is no choice"),
    "an unknown language": (_edit(1, "lang", "xx"), ":1: the language 'xx' is not one of en"),
    "a newer format": (_edit(1, "version", VERSION + 1),
                       f":1: recorded by syscall-lab 0.1.0 in format version {VERSION + 1}; "
                       f"this syscall-lab"),
    "a version never written": (_edit(1, "version", 0), ":1: the format version 0 is not"),
    "another format": (_edit(1, "format", "pcap"), ":1: not a syscall-lab recording"),
    "a lesson that no longer loads": (_edit(1, "lesson.source", "id: x\nsteps: 7\n"),
                                      ":1: the lesson recorded in it no longer loads here"),
    "two sessions joined": (lambda objs: [*objs, objs[1]], ":14: there is more after the end"),
    "no frame": (lambda objs: objs[:1], ":2: the recording has no frame"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_recording_says_where_it_broke(tmp_path: Path, case: str) -> None:
    edit, expected = DAMAGE[case]
    path = write(tmp_path / "r.jsonl", edit(lines()))
    with pytest.raises(RecordingError) as err:
        read_recording(path)
    assert f"{path}{expected}" in str(err.value), str(err.value)


def test_broken_json_is_located_by_line_and_column(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    comma = text[4].index(',"', 200)
    text[4] = text[4][:comma] + text[4][comma + 1:]  # a comma lost in the middle of frame 3
    path = tmp_path / "r.jsonl"
    path.write_text("".join(text), encoding="utf-8")
    with pytest.raises(RecordingError) as err:
        read_recording(path)
    assert str(err.value).startswith(f"{path}:5:"), str(err.value)
    assert "the file is damaged here" in str(err.value)
    assert err.value.col == comma + 1


@pytest.mark.parametrize(("content", "expected"), [
    (b"", ":1: the file is empty, not a recording"),
    (b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00\n", ":1:1: not UTF-8 text"),
    (b"[1, 2]\n", ":1: a line of a recording is a JSON object, not"),
    (json.dumps({"step": 1, "action": "server.socket()"}).encode() + b"\n",
     ":1: this is 'syscall-lab run --json' output, not a recording"),
])
def test_files_that_are_not_recordings(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(content)
    with pytest.raises(RecordingError) as err:
        read_recording(path)
    assert f"{path}{expected}" in str(err.value), str(err.value)


def test_a_recording_cut_off_mid_line_loads_what_it_has(tmp_path: Path) -> None:
    raw = FIXTURE.read_bytes().split(b"\n")
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\n".join(raw[:6]) + b"\n" + raw[6][:100])  # killed while writing
    rec = read_recording(path)
    assert len(rec.frames) == 5 and rec.end is None and rec.cut == 7


def test_the_command_line_gives_one_line_and_a_fix(tmp_path: Path) -> None:
    objs = lines()
    objs[0]["version"] = VERSION + 1
    path = write(tmp_path / "new.jsonl", objs)
    for command in ("replay", "export"):
        r = run_cli(command, str(path))
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert f"{path}:1: recorded by syscall-lab" in r.stderr
        assert "pip install -U syscall-lab" in r.stderr
    r = run_cli("replay", str(tmp_path / "missing.jsonl"))
    assert r.returncode == 2 and "cannot read it: No such file or directory" in r.stderr


# -- the codec ----------------------------------------------------------------------------------

def test_the_codec_refuses_what_it_cannot_write_back() -> None:
    with pytest.raises(TypeError, match="cannot record a set"):
        encode({"x": {1, 2}})
    assert decode(bytes, encode(b"\x00\xff")) == b"\x00\xff"
    assert decode(tuple[int, ...], [1, 2]) == (1, 2)
    assert decode(dict[int, int], {"3": 1}) == {3: 1}


def test_a_recording_path_is_not_its_own_pcap(tmp_path: Path) -> None:
    assert pcap_path("a/s.jsonl") == Path("a/s.pcap")
    assert pcap_path("a/s") == Path("a/s.pcap")
    lesson = discover([str(bundled_dir())], search=False).lessons["handshake"]
    with pytest.raises(ValueError, match=r"name the recording \.jsonl"):
        Recorder(tmp_path / "s.pcap", lesson, "en", "run")
    own = tmp_path / "mine.yaml"  # --record pointed at the lesson's own file: refused, intact
    own.write_bytes(Path(lesson.path or "").read_bytes())
    mine = dataclasses.replace(lesson, path=str(own))
    with pytest.raises(ValueError, match="is the lesson's own file"):
        Recorder(own, mine, "en", "run")
    assert own.read_bytes() == Path(lesson.path or "").read_bytes()


# -- on a real lab --------------------------------------------------------------------------------

@pytest.mark.kernel
def test_recorded_states_are_the_live_ones(tmp_path: Path) -> None:
    """A session with steps, a typed step, and back (which replays on a fresh lab): read back,
    every frame's state equals the one the session gave, field for field."""
    lesson = discover([str(bundled_dir())], search=False).lessons["backlog"]
    session = LessonSession(lesson)
    recorder = Recorder(tmp_path / "s.jsonl", lesson, "en", "tui")
    states = []
    try:
        def keep(state: Any, cause: str) -> None:
            states.append(state)
            lab = session.lab
            recorder.frame(state, cause, packet=session.packet_bytes,
                           t0_wall=float(lab.info["t0_wall"]) if lab else 0.0)

        keep(session.start(), "start")
        for _ in range(6):
            keep(session.step(), "step")
        typed = compile_step(lesson, [r.step for r in states[-1].records],
                             "extra = client5.socket(AF_INET, SOCK_STREAM, 0)")
        assert not isinstance(typed, list)
        keep(session.perform(typed), "typed")
        keep(session.look(), "look")
        keep(session.back(), "back")
        keep(session.step(), "step")
    finally:
        session.close()
        recorder.close()
    rec = read_recording(tmp_path / "s.jsonl")
    assert [f.state for f in rec.frames] == states
    assert rec.frames[-2].state.generation == states[-1].generation != states[0].generation
    assert rec.stops == (0, 1, 2, 3, 4, 5, 6, 8, 9, 10)  # the look folds into the typed step


@pytest.mark.kernel
def test_run_record_writes_the_packets_tshark_reads(tmp_path: Path) -> None:
    tshark = need_tool("tshark")
    path = tmp_path / "run.jsonl"
    r = run_cli("run", "handshake", "--record", str(path))
    assert r.returncode == 0, r.stderr
    rec = read_recording(path)
    packets = rec.frames[-1].state.packets
    out = subprocess.run([tshark, "-r", str(pcap_path(path)), "-T", "fields", "-e",
                          "tcp.flags.str", "-e", "tcp.srcport"], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert len(out) == len(packets)
    for line, p in zip(out, packets, strict=True):
        shown = line.split("\t")[0]
        assert ("S" in shown) == ("SYN" in p.flags) and ("A" in shown) == ("ACK" in p.flags)
        assert line.split("\t")[1] == p.src.rsplit(":", 1)[1]


@pytest.mark.kernel
def test_a_killed_run_keeps_every_frame_before_it(tmp_path: Path) -> None:
    path = tmp_path / "killed.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "syscall_lab", "run", "reliability",
                             "--record", str(path)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: path.exists() and path.read_bytes().count(b"\n") >= 4,
                          timeout=30)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    rec = read_recording(path)
    assert len(rec.frames) >= 3 and rec.end is None
    assert [f.cause for f in rec.frames][:2] == ["start", "step"]
