"""The command line: exit codes, one-line errors, the JSON-lines contract, non-root use."""

from __future__ import annotations

import json
import os
import shutil
import site
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from syscall_lab.lesson.catalog import bundled_dir, discover

from .conftest import CI, ROOT, alive, need_tool, run_cli, wait_until

CONTRACT_STEP = {"step", "action", "result", "processes", "sockets", "packets", "checks"}
CONTRACT_PROCESS = {"actor", "pid", "state", "fds"}
CONTRACT_SOCKET_FD = {"fd", "kind", "proto", "local", "remote", "state", "accept_queue", "backlog"}


@pytest.mark.kernel
def test_run_builtin_lesson_transcript_exits_0() -> None:
    r = run_cli("run", "backlog", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "listen(3, 2) = 0" in r.stdout
    assert "client4 is blocked in connect()" in r.stdout
    assert "All 61 checks passed." in r.stdout
    assert r.stderr == ""


@pytest.mark.kernel
def test_run_in_korean() -> None:
    r = run_cli("run", "backlog", "--lang", "ko")
    assert r.returncode == 0, r.stderr
    assert "22단계 중 1단계" in r.stdout and "검사 61개 모두 통과했습니다." in r.stdout
    assert "client4: connect()에서 블록됨" in r.stdout and "상태 CLOSE -> LISTEN" in r.stdout
    assert "blocked in" not in r.stdout and "returned from" not in r.stdout


@pytest.mark.kernel
def test_json_lines_follow_the_contract() -> None:
    r = run_cli("run", "backlog", "--json")
    assert r.returncode == 0, r.stderr
    steps = [json.loads(line) for line in r.stdout.splitlines()]
    assert [s["step"] for s in steps] == list(range(1, 23))
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
    assert listen["signature"] == "int listen(int sockfd, int backlog);"
    assert listen["syscall"]["name"] == "listen" and isinstance(listen["syscall"]["nr"], int)
    assert listen["result"] == {"ret": 0, "errno": None, "strerror": None, "value": None}
    server = next(p for p in listen["processes"] if p["actor"] == "server")
    fd3 = next(f for f in server["fds"] if f["fd"] == 3)
    assert (fd3["state"], fd3["backlog"], fd3["accept_queue"]) == ("LISTEN", 2, 0)
    queued = [x for x in steps[8]["sockets"] if x["owner"] is None and x["state"] == "ESTABLISHED"]
    assert len(queued) == 3


@pytest.mark.parametrize("args,needle", [
    (("run", "nope"), "no lesson 'nope'"),
    (("run",), "required: lesson"),
    (("frobnicate",), "no lesson 'frobnicate'"),  # not a command: the TUI's lesson
    (("--theme", "loud"), "invalid choice"),
    (("--lang", "ko", "list", "--lang", "xx"), "invalid choice"),  # 'list' is the command
    (("backlog",), "needs a terminal"),  # the TUI, not on a terminal: one line, exit 2
    (("run", "backlog", "--lang", "fr"), "invalid choice"),
    (("check", "--pace", "2x"), "'2x' is not a duration: write it like 2s or 500ms"),
    (("check", "--pace", "4000s"), "is not a duration"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    r = run_cli(*args)
    assert r.returncode == 2
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_list() -> None:
    r = run_cli("list", "--lang", "ko")
    assert r.returncode == 0 and r.stdout.startswith("files") and "백로그" in r.stdout  # the course order


@pytest.mark.kernel
def test_doctor_on_this_machine() -> None:
    r = run_cli("doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[ok  ] lab sandbox" in r.stdout
    assert "[ok  ] Python package scapy" in r.stdout
    assert "[ok  ] capture on lo: connect() to a closed port: SYN, RST/ACK seen" in r.stdout
    assert "[ok  ] wire between two hosts" in r.stdout


@pytest.mark.kernel
def test_doctor_as_a_real_unprivileged_user(
        unprivileged: tuple[list[str], dict[str, str]]) -> None:
    """/dev/net/tun is 0600 here: not a failure, the doctor says the wire uses veth and how to
    open TUN; the wire itself works."""
    prefix, env = unprivileged
    r = subprocess.run([*prefix, "-m", "syscall_lab", "doctor"], capture_output=True,
                       text=True, cwd="/", timeout=60, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    if os.geteuid() == 0 and not os.stat("/dev/net/tun").st_mode & 0o006:
        assert "[info] /dev/net/tun: Permission denied; the wire uses veth ports" in r.stdout
        assert "sudo chmod 0666 /dev/net/tun" in r.stdout
        assert "[ok  ] wire between two hosts (veth)" in r.stdout


def _world_usable(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


@pytest.fixture(scope="module")
def unprivileged() -> Iterator[tuple[list[str], dict[str, str]]]:
    """(command prefix, env) that run ``python -m syscall_lab`` as uid/gid 65534.

    The checkout and its venv may sit where other users cannot read (CI's clone, a home
    directory), so the package and the venv's site-packages are copied to a world-readable
    temporary directory and run with the interpreter itself, which must be world-executable.
    """
    if os.geteuid() != 0:
        yield [sys.executable], dict(os.environ)
        return
    python = Path(sys.executable).resolve()
    if not _world_usable(python.parent):
        message = (f"{python} cannot be run by other users; make the venv with Debian's "
                   "/usr/bin/python3 (as the README does)")
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to drop to an unprivileged user"
    root = Path(tempfile.mkdtemp(prefix="syscall-lab-nobody-"))
    try:
        root.chmod(0o755)
        shutil.copytree(ROOT / "syscall_lab", root / "pkg" / "syscall_lab")
        shutil.copytree(ROOT / "lessons", root / "pkg" / "syscall_lab" / "lessons")  # as a wheel has it
        for sp in {Path(p) for p in site.getsitepackages()}:
            if sp.is_dir():
                shutil.copytree(sp, root / "site" / sp.name.replace(".", "_"), symlinks=True,
                                dirs_exist_ok=True, ignore=shutil.ignore_patterns("syscall_lab*"))
        paths = [str(root / "pkg")] + [str(p) for p in sorted((root / "site").iterdir())]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
        env.update(HOME="/tmp", PYTHONPATH=os.pathsep.join(paths), PYTHONDONTWRITEBYTECODE="1")
        yield [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", str(python)], env
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.kernel
def test_runs_as_a_real_unprivileged_user(unprivileged: tuple[list[str], dict[str, str]]) -> None:
    """As a student would: not root, no capabilities, /dev/net/tun not needed."""
    prefix, env = unprivileged
    r = subprocess.run([*prefix, "-m", "syscall_lab", "run", "backlog", "--json"],
                       capture_output=True, text=True, cwd="/", timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    steps = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(steps) == 22 and all(c["ok"] for s in steps for c in s["checks"])
    if os.geteuid() == 0:
        pids = {p["host_pid"] for s in steps for p in s["processes"]}
        assert wait_until(lambda: not any(alive(p) for p in pids)), "lab processes outlived the run"


@pytest.mark.kernel
def test_an_author_checks_lessons_as_a_real_unprivileged_user(
        unprivileged: tuple[list[str], dict[str, str]]) -> None:
    """`check` as a student or instructor runs it: the installed lessons (one on loopback, one
    on the wire) and a lesson file of their own, found through SYSCALL_LAB_LESSONS."""
    prefix, env = unprivileged
    own = Path(tempfile.mkdtemp(prefix="syscall-lab-own-"))
    try:
        own.chmod(0o755)
        mine = own / "mine.yaml"
        mine.write_text((ROOT / "lessons" / "backlog.yaml").read_text()
                        .replace("id: backlog", "id: mine").replace("lsock == 3", "lsock == 4"))
        mine.chmod(0o644)
        r = subprocess.run([*prefix, "-m", "syscall_lab", "check", "--lang", "en"],
                           capture_output=True, text=True, cwd="/", timeout=120,
                           env={**env, "SYSCALL_LAB_LESSONS": str(own)})
        assert r.returncode == 1, r.stdout + r.stderr  # mine expects fd 4: the kernel gives 3
        assert "backlog: 22 steps, 61 checks" in r.stdout and "handshake: 12 steps" in r.stdout
        assert f"{mine}:" in r.stdout and "check 'lsock == 4' failed: the kernel shows 3" \
            in r.stdout
        n = len(discover([str(bundled_dir())], search=False).lessons)  # the course, and mine
        assert r.stdout.rstrip().endswith(f"{n + 1} lessons: {n} passed, 1 failed, 0 invalid")
    finally:
        shutil.rmtree(own, ignore_errors=True)


@pytest.mark.kernel
def test_wire_lesson_runs_as_a_real_unprivileged_user(
        unprivileged: tuple[list[str], dict[str, str]], tmp_path: Path) -> None:
    """The wire without root: /dev/net/tun is 0600 here, so the lab falls back to veth ports."""
    prefix, env = unprivileged
    out_dir = Path(tempfile.mkdtemp(prefix="syscall-lab-pcap-"))
    out_dir.chmod(0o777)
    pcap = out_dir / "handshake.pcap"
    try:
        r = subprocess.run([*prefix, "-m", "syscall_lab", "run", "handshake", "--json",
                            "--pcap", str(pcap)], capture_output=True, text=True, cwd="/",
                           timeout=60, env=env)
        assert r.returncode == 0, r.stderr
        steps = [json.loads(line) for line in r.stdout.splitlines()]
        assert all(c["ok"] for s in steps for c in s["checks"])
        held = next(s for s in steps if s["wire"]["held"])
        assert [(p["flags"], p["fate"]) for p in held["packets"]] == \
            [(["SYN"], "passed"), (["SYN", "ACK"], "held")]
        assert any(s["state"] == "SYN_RECV" and s["host"] == "server" for s in held["sockets"])
        assert pcap.stat().st_size > 24 and pcap.read_bytes()[:4] == b"\xd4\xc3\xb2\xa1"
        tshark = need_tool("tshark")
        listed = subprocess.run([tshark, "-r", str(pcap)], capture_output=True, text=True,
                                check=True).stdout
        assert "[SYN]" in listed and "[SYN, ACK]" in listed
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


@pytest.mark.kernel
def test_refused_user_namespaces_give_one_line_and_the_fix(
        unprivileged: tuple[list[str], dict[str, str]]) -> None:
    """On a kernel that refuses user namespaces (here, really: max_user_namespaces = 0)."""
    if os.geteuid() != 0:
        pytest.skip("making a kernel that refuses user namespaces needs root")
    prefix, env = unprivileged
    helper = ROOT / "tests" / "helpers" / "without_userns.py"
    # the helper drops to 65534 itself, inside its own user namespace
    r = subprocess.run([sys.executable, str(helper), prefix[-1], "-m", "syscall_lab", "run",
                        "backlog"], capture_output=True, text=True, cwd="/", timeout=60, env=env)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "user.max_user_namespaces = 0" in lines[0]
    assert "fix: sudo sysctl -w user.max_user_namespaces=" in lines[0]
    assert r.stdout == ""


@pytest.mark.kernel
def test_where_no_lab_can_run_a_recording_still_exports_and_none_is_left(
        unprivileged: tuple[list[str], dict[str, str]], tmp_path: Path) -> None:
    """A machine that cannot run a lab: --record leaves no empty file behind, and a recording
    made elsewhere still exports (replay draws it without a lab: test_replay.py)."""
    if os.geteuid() != 0:
        pytest.skip("making a kernel that refuses user namespaces needs root")
    prefix, env = unprivileged
    helper = ROOT / "tests" / "helpers" / "without_userns.py"
    out = Path(tempfile.mkdtemp(prefix="syscall-lab-rec-"))
    out.chmod(0o777)
    try:
        fixture = out / "fixture.jsonl"  # where uid 65534 may read it
        shutil.copy(ROOT / "tests" / "fixtures" / "recordings" / "handshake-v1.jsonl", fixture)
        fixture.chmod(0o644)
        for args, status in ((["run", "handshake", "--record", str(out / "r.jsonl")], 2),
                             (["export", str(fixture), "--lang", "en"], 0)):
            r = subprocess.run([sys.executable, str(helper), prefix[-1], "-m", "syscall_lab",
                                *args], capture_output=True, text=True, cwd="/", timeout=60,
                               env=env)
            assert r.returncode == status, r.stdout + r.stderr
        assert sorted(p.name for p in out.iterdir()) == ["fixture.jsonl"]
        assert "listen(3, 5) = 0" in r.stdout and "SYN" in r.stdout
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.mark.kernel
def test_doctor_exits_2_with_the_fix_where_no_lab_can_run(
        unprivileged: tuple[list[str], dict[str, str]]) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a kernel that refuses user namespaces needs root")
    prefix, env = unprivileged
    helper = ROOT / "tests" / "helpers" / "without_userns.py"
    r = subprocess.run([sys.executable, str(helper), prefix[-1], "-m", "syscall_lab", "doctor"],
                       capture_output=True, text=True, cwd="/", timeout=60, env=env)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "[FAIL] lab sandbox: user namespaces are switched off here" in r.stdout
    assert "fix: sudo sysctl -w user.max_user_namespaces=15000" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_core_does_not_import_textual_or_scapy() -> None:
    code = ("import sys, syscall_lab.engine.lab, syscall_lab.engine.boot, "
            "syscall_lab.engine.observer, syscall_lab.observe.sockdiag, syscall_lab.net.namespaces, "
            "syscall_lab.lesson.runner, syscall_lab.lesson.catalog, syscall_lab.lesson.loader, "
            "syscall_lab.report.transcript, syscall_lab.report.check, "
            "syscall_lab.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'scapy')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
