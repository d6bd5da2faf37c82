"""The ptrace tracer (the start of tracing a student's own program): each process's syscalls,
names and return values, as strace -f sees the same program; a crash as it happened; and the
syscall table as the kernel's headers give it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from syscall_lab.engine.syscall_table import SYSCALLS
from syscall_lab.engine.tracer import Syscall, Tracer, syscall_name
from syscall_lab.engine.vocabulary import SYSCALL_NUMBERS

from .conftest import CI, ROOT, need_tool

SCRIPT = "/bin/true; echo traced > /dev/null; exit 3"
"""A shell that forks a child and execs a program in it: two processes, deterministic."""
PIDS = {"set_tid_address", "clone", "clone3", "fork", "vfork", "wait4", "getpid", "gettid",
        "getppid", "getpgrp", "rt_sigreturn"}
"""Syscalls that return a process or thread id, a new one each run (rt_sigreturn returns what
the call a signal interrupted returns: here a wait4's pid)."""
_LINE = re.compile(r"^(\w+)\(.*\)\s+= (0x[0-9a-f]+|-?\d+|\?)")


def _shown(ret: int | None, error: bool) -> str:
    """A return value as the comparison reads it: small numbers as they are, errors as -1,
    addresses as 'addr' (where a mapping lies differs from run to run)."""
    if ret is None:
        return "?"
    if error:
        return "-1"
    return str(ret) if -4096 < ret < 65536 else "addr"


def _strace(argv: list[str], out: Path) -> dict[int, list[tuple[str, str]]]:
    """strace -ff's lines, one file a process (so no call is split across lines by another)."""
    subprocess.run([need_tool("strace"), "-ff", "-qq", "-o", str(out / "st"), *argv],
                   check=False, stdout=subprocess.DEVNULL)
    by_pid: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for path in out.glob("st.*"):
        pid = int(path.suffix[1:])
        for line in path.read_text().splitlines():
            m = _LINE.match(line)
            if m:
                ret = m.group(2)
                shown = ret if ret == "?" else "addr" if ret.startswith("0x") or \
                    not -4096 < int(ret) < 65536 else ret
                name = m.group(1)
                by_pid[pid].append((name, "pid" if name in PIDS and shown != "-1" else shown))
    return by_pid


def test_each_process_makes_the_syscalls_strace_sees(tmp_path: Path) -> None:
    argv = ["/bin/sh", "-c", SCRIPT]
    tracer = Tracer(argv)
    ours: dict[int, list[tuple[str, str]]] = defaultdict(list)
    calls: list[Syscall] = list(tracer.syscalls())
    for c in calls:
        ours[c.tid].append((c.name, "pid" if c.name in PIDS and not c.error
                            else _shown(c.ret, c.error)))
    theirs = _strace(argv, tmp_path)
    assert len(ours) == len(theirs) == 2, "the shell and the child it forked"
    assert sorted(ours.values()) == sorted(theirs.values())
    assert calls[0].name == "execve" and calls[0].ret == 0
    assert calls[-1].name == "exit_group" and calls[-1].ret is None  # it never returns
    assert tracer.exit_status is not None and os.WEXITSTATUS(tracer.exit_status) == 3
    for c in calls:  # the names are this architecture's, and agree with our vocabulary's
        assert c.name == syscall_name(c.nr)
        known = SYSCALL_NUMBERS.get(os.uname().machine, {})
        if c.name in known:
            assert known[c.name] == c.nr, c


def test_a_program_that_crashes_is_seen_ending_by_its_signal() -> None:
    tracer = Tracer([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), "
                     "signal.SIGSEGV)"])
    calls = list(tracer.syscalls())
    assert any(c.name == "kill" for c in calls)
    status = tracer.exit_status
    assert status is not None and os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGSEGV  # delivered to it, not swallowed by us


def test_the_syscall_table_is_the_kernels_headers() -> None:
    header = Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")
    if not header.exists():
        message = "the kernel's uapi headers are not installed (Debian: linux-libc-dev)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_syscall_table.py"),
                        "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    x86 = SYSCALLS["x86_64"]
    assert (x86[0], x86[41], x86[257], x86[435]) == ("read", "socket", "openat", "clone3")
    arm = SYSCALLS["aarch64"]
    assert (arm[63], arm[198], arm[222], arm[25]) == ("read", "socket", "mmap", "fcntl")
    assert syscall_name(99999, "x86_64") == "syscall_0x1869f"  # as strace names an unknown one
