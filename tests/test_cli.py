"""The command line: exit codes, one-line errors, the JSON-lines contract, non-root use."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CI, ROOT, run_cli

CONTRACT_STEP = {"step", "action", "result", "processes", "sockets", "packets", "checks"}
CONTRACT_PROCESS = {"actor", "pid", "state", "fds"}
CONTRACT_SOCKET_FD = {"fd", "kind", "proto", "local", "remote", "state", "accept_queue", "backlog"}


def test_run_builtin_lesson_transcript_exits_0() -> None:
    r = run_cli("run", "backlog", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "listen(3, 2) = 0" in r.stdout
    assert "client4 is blocked in connect()" in r.stdout
    assert "All 55 checks passed." in r.stdout
    assert r.stderr == ""


def test_run_in_korean() -> None:
    r = run_cli("run", "backlog", "--lang", "ko")
    assert r.returncode == 0, r.stderr
    assert "21단계 중 1단계" in r.stdout and "검사 55개 모두 통과했습니다." in r.stdout


def test_json_lines_follow_the_contract() -> None:
    r = run_cli("run", "backlog", "--json")
    assert r.returncode == 0, r.stderr
    steps = [json.loads(line) for line in r.stdout.splitlines()]
    assert [s["step"] for s in steps] == list(range(1, 22))
    for s in steps:
        assert CONTRACT_STEP <= set(s)
        assert all(c["ok"] for c in s["checks"]) and all({"expect", "ok"} <= set(c)
                                                         for c in s["checks"])
        for p in s["processes"]:
            assert CONTRACT_PROCESS <= set(p)
            for f in p["fds"]:
                if f["kind"] == "socket":
                    assert CONTRACT_SOCKET_FD <= set(f)
        for sock in s["sockets"]:
            assert "owner" in sock
    listen = steps[2]
    assert listen["result"] == {"ret": 0, "errno": None, "strerror": None, "value": None}
    server = next(p for p in listen["processes"] if p["actor"] == "server")
    fd3 = next(f for f in server["fds"] if f["fd"] == 3)
    assert (fd3["state"], fd3["backlog"], fd3["accept_queue"]) == ("LISTEN", 2, 0)
    queued = [x for x in steps[8]["sockets"] if x["owner"] is None and x["state"] == "ESTABLISHED"]
    assert len(queued) == 3


@pytest.mark.parametrize("args,needle", [
    (("run", "nope"), "no lesson 'nope'"),
    (("run",), "required: lesson"),
    (("frobnicate",), "invalid choice"),
    (("run", "backlog", "--lang", "fr"), "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    r = run_cli(*args)
    assert r.returncode == 2
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_list() -> None:
    r = run_cli("list", "--lang", "ko")
    assert r.returncode == 0 and r.stdout.startswith("backlog") and "백로그" in r.stdout


def test_doctor_on_this_machine() -> None:
    r = run_cli("doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[ok  ] lab sandbox" in r.stdout


def _world_usable(path: Path) -> bool:
    for p in [path, *path.parents]:
        if not p.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def _unprivileged_python() -> str:
    """A Python that an unprivileged user can run with this checkout importable."""
    exe = Path(sys.executable)
    if os.geteuid() != 0:
        return str(exe)
    if not (_world_usable(exe.resolve().parent) and _world_usable(ROOT)):
        message = (f"{exe.resolve()} or {ROOT} is not reachable by other users; "
                   "make the venv with Debian's /usr/bin/python3 in a world-readable checkout")
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    return str(exe)


def test_runs_as_a_real_unprivileged_user() -> None:
    """As a student would: not root, no capabilities, /dev/net/tun not needed."""
    python = _unprivileged_python()
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to drop to an unprivileged user"
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    r = subprocess.run([*prefix, python, "-m", "syscall_lab", "run", "backlog", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=60,
                       env={**os.environ, "HOME": "/tmp"})
    assert r.returncode == 0, r.stderr
    steps = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(steps) == 21 and all(c["ok"] for s in steps for c in s["checks"])


def test_refused_user_namespaces_give_one_line_and_the_fix() -> None:
    """On a kernel that refuses user namespaces (here, really: max_user_namespaces = 0)."""
    if os.geteuid() != 0:
        pytest.skip("making a kernel that refuses user namespaces needs root")
    python = _unprivileged_python()
    helper = ROOT / "tests" / "helpers" / "without_userns.py"
    r = subprocess.run([sys.executable, str(helper), python, "-m", "syscall_lab", "run",
                        "backlog"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                       env={**os.environ, "HOME": "/tmp"})
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "user.max_user_namespaces = 0" in lines[0]
    assert "fix: sudo sysctl -w user.max_user_namespaces=" in lines[0]
    assert r.stdout == ""


def test_core_does_not_import_textual_or_scapy() -> None:
    code = ("import sys, syscall_lab.engine.lab, syscall_lab.engine.supervisor, "
            "syscall_lab.engine.observer, syscall_lab.observe.sockdiag, syscall_lab.net.namespaces, "
            "syscall_lab.lesson.runner, syscall_lab.lesson.builtin, syscall_lab.report.transcript, "
            "syscall_lab.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'scapy')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
