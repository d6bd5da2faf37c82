"""``syscall-lab check`` on the real kernel: lessons pass, and a false expectation fails with
where the lesson wrote it and what the kernel showed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from syscall_lab.lesson.course import COURSE_SUFFIX

from .conftest import ROOT, run_cli
from .test_lessons import BASE

pytestmark = pytest.mark.kernel


def _guide_example(tmp_path: Path) -> Path:
    doc = (ROOT / "docs" / "authoring.md").read_text()
    block = doc.split("<!-- example: start -->", 1)[1].split("<!-- example: end -->", 1)[0]
    body = re.search(r"```yaml\n(.*?)```", block, re.S)
    assert body, "docs/authoring.md lost its worked example"
    f = tmp_path / "example.yaml"
    f.write_text(body.group(1))
    return f


def test_the_authoring_guide_example_passes_check(tmp_path: Path) -> None:
    f = _guide_example(tmp_path)
    r = run_cli("check", str(f), "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(rf"^PASS {re.escape(str(f))}  echo-once: 11 steps, 26 checks", r.stdout, re.M)
    assert r.stdout.rstrip().endswith("1 lessons: 1 passed, 0 failed, 0 invalid")


def test_the_bundled_lessons_pass_check() -> None:
    r = run_cli("check", timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS lessons/backlog.yaml  backlog: 21 steps, 55 checks" in r.stdout
    assert "PASS lessons/handshake.yaml  handshake: 10 steps, 30 checks" in r.stdout


def test_the_bundled_lessons_hold_at_a_students_pace() -> None:
    """A student reads between steps, and the kernel's timers go on meanwhile: a SYN/ACK held
    for seconds is retransmitted, a client waiting on a full queue retries and takes a place
    an accept() freed. 1.5 s is past the first retransmission timeout (1 s), so every check
    that held only because the steps followed at once would fail here. The lessons run side
    by side to keep the test short."""
    paths = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "lessons").glob("*.yaml")
                   if not p.name.endswith(COURSE_SUFFIX))
    assert len(paths) >= 10
    runs = [subprocess.Popen([sys.executable, "-m", "syscall_lab", "check", "--pace", "1.5s",
                              "--lang", "en", path], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for path in paths]
    for path, run in zip(paths, runs, strict=True):
        out, _ = run.communicate(timeout=240)
        assert run.returncode == 0, out
        assert re.search(rf"^PASS {re.escape(path)} ", out, re.M), out


def test_a_false_expectation_fails_check_with_its_line_and_the_kernels_answer(
        tmp_path: Path) -> None:
    f = tmp_path / "wrong.yaml"
    f.write_text(BASE.replace("lsock == 3", "lsock == 4"))  # the first socket is fd 3
    r = run_cli("check", str(f), "--lang", "en")
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{f}:11:14: step 1: check 'lsock == 4' failed: the kernel shows 3" in r.stdout
    assert "FAIL" in r.stdout and "tiny: 1 of 3 checks failed" in r.stdout
    r = run_cli("check", str(f), "--lang", "ko")
    assert r.returncode == 1 and "1단계: 검사 'lsock == 4' 실패: 커널 값 3" in r.stdout
    r = run_cli("run", str(f), "--json")
    assert r.returncode == 1
    first = json.loads(r.stdout.splitlines()[0])
    assert first["checks"][0] == {"expect": "lsock == 4", "ok": False, "actual": 3}


def test_names_follow_the_kernel_not_the_lesson(tmp_path: Path) -> None:
    """A name is whatever the kernel returned: with fds 3 and 4 taken first, lsock is 5 and
    every later use of it (listen, the checks) goes to fd 5."""
    text = BASE.replace(
        "  - say: {en: Make a socket., ko: 소켓을 만듭니다.}\n",
        "  - say: {en: Take two fds., ko: fd 두 개.}\n    do: server.pipe()\n    as: [r, w]\n"
        "  - say: {en: Make a socket., ko: 소켓을 만듭니다.}\n"
    ).replace("lsock == 3", "lsock == 5")
    f = tmp_path / "names.yaml"
    f.write_text(text)
    r = run_cli("run", str(f), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    steps = [json.loads(line) for line in r.stdout.splitlines()]
    assert steps[2]["c"] == "listen(5, 2) = 0"


def test_a_blocked_call_binds_its_name_when_it_returns(tmp_path: Path) -> None:
    f = _guide_example(tmp_path)
    r = run_cli("run", str(f), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    steps = [json.loads(line) for line in r.stdout.splitlines()]
    assert steps[3]["blocked"] is True  # accept() with an empty queue, named conn
    assert steps[8]["c"].startswith("recv(4, ")  # conn is the fd accept() returned later
    assert {"expect": "data == \"hello\\n\"", "ok": True, "actual": "hello\n"} in steps[8]["checks"]
