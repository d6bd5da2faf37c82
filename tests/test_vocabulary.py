"""Every entry of the vocabulary, performed on the real kernel under strace: the syscall we say
it enters (name and number) is the one strace sees, and the line we print is strace's line."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from syscall_lab.engine.actor import channel_fd_floor
from syscall_lab.engine.lab import Lab, StepOutcome
from syscall_lab.engine.vocabulary import CALLS, syscall_name_by_number

from .conftest import need_tool

pytestmark = pytest.mark.kernel  # every test here starts a lab

ADDR = "127.0.0.1:8080"
UDP = "127.0.0.1:9000"
ACTORS = ["a", "b", "e", "f"]
POINTER = re.compile(r"0x[0-9a-f]{6,}")
"""An address in the actor's memory: where a buffer lies differs from run to run."""


def _script(lab: Lab) -> list[StepOutcome]:
    """Each call of the vocabulary at least once, in an order where each one succeeds (and a
    few that fail, so an errno line is compared too)."""
    c: Callable[..., StepOutcome] = lab.call
    out = [c("a", "socket", "AF_INET", "SOCK_STREAM", 0),
           c("a", "setsockopt", 3, "SOL_SOCKET", "SO_REUSEADDR", 1),
           c("a", "getsockopt", 3, "SOL_SOCKET", "SO_REUSEADDR"),
           c("a", "bind", 3, ADDR),
           c("a", "listen", 3, 2),
           c("a", "getsockname", 3),
           c("b", "socket", "AF_INET", "SOCK_STREAM", 0),
           c("b", "connect", 3, ADDR),
           c("b", "getpeername", 3),
           c("b", "send", 3, "hello\n", 0),
           c("b", "shutdown", 3, "SHUT_WR"),
           c("a", "accept", 3),
           c("a", "recv", 4, 64, 0),
           c("a", "read", 4, 64),
           c("a", "close", 4),
           c("a", "accept", 4),  # EBADF: the failed call's line, with the buffer it passed
           c("a", "socket", "AF_INET", "SOCK_DGRAM", 0),
           c("a", "bind", 4, UDP),
           c("b", "socket", "AF_INET", "SOCK_DGRAM", 0),
           c("b", "sendto", 4, "datagram", 0, UDP),
           c("a", "recvfrom", 4, 64, 0),
           c("a", "open", "/etc/hostname", "O_RDONLY"),
           c("a", "pipe"),
           c("a", "write", 7, "x"),
           c("a", "dup", 6),
           c("a", "dup2", 6, 20),
           c("a", "socketpair", "AF_UNIX", "SOCK_STREAM", 0),
           c("a", "getpid"),
           c("a", "sleep", 0),
           c("a", "sched_setaffinity", 0, [0]),
           c("a", "fork")]
    out.append(c("a.1", "exit", 3))
    out.append(c("a", "waitpid", -1, 0))
    out.append(c("a", "signal", "SIGCHLD", "SIG_IGN"))
    out.append(c("a", "signal", "SIGCHLD", "SIG_DFL"))
    out.append(c("a", "signal", "SIGUSR1", "SIG_IGN"))  # never set before: glibc's old action
    out.append(c("a", "kill", 0, "SIGUSR1"))  # ignored: nothing happens
    out.append(c("a", "pthread_create"))
    out.append(c("a.t1", "getpid"))  # a thread of a: the same process
    # an event loop's calls: a non-blocking listener, epoll, poll and select
    out += [c("e", "socket", "AF_INET", "SOCK_STREAM", 0),
            c("e", "bind", 3, "127.0.0.1:8081"),
            c("e", "listen", 3, 4),
            c("e", "fcntl", 3, "F_GETFL"),
            c("e", "fcntl", 3, "F_SETFL", "O_RDWR|O_NONBLOCK"),
            c("e", "fcntl", 3, "F_GETFL"),
            c("e", "fcntl", 3, "F_SETFD", "FD_CLOEXEC"),
            c("e", "fcntl", 3, "F_GETFD"),
            c("e", "accept4", 3, "SOCK_NONBLOCK"),  # EAGAIN: nobody has connected
            c("e", "epoll_create1", 0),
            c("e", "epoll_ctl", 4, "EPOLL_CTL_ADD", 3, "EPOLLIN"),
            c("e", "epoll_wait", 4, 8, 0),  # nothing ready yet
            c("f", "socket", "AF_INET", "SOCK_STREAM", 0),
            c("f", "connect", 3, "127.0.0.1:8081"),
            c("e", "epoll_wait", 4, 8, 1000),
            c("e", "accept4", 3, "SOCK_NONBLOCK|SOCK_CLOEXEC"),
            c("f", "send", 3, "ping", 0),
            c("e", "poll", [3, 5], 1000),
            c("e", "select", [3, 5], [5], 1000),
            c("e", "select", [5], [], -1),
            c("e", "recv", 5, 64, 0),
            c("e", "poll", [5], 0),
            c("e", "epoll_create1", "EPOLL_CLOEXEC")]
    return out


HELPERS = (("work", 0.02), ("workers", 1, 0.02), ("threads", 1, 0.02), ("py_threads", 1, 0.02))
"""The lab's helpers for CPU-bound work: not one C call each, so strace is asked only whether
they enter the syscall we name (work() reads its thread's CPU clock in a loop, which is slow
under strace, so they run with nothing else traced)."""


def _strace_lines(err: str) -> list[str]:
    """strace -f's lines of the calls themselves: not the lab's channel (fds at the floor and
    above), not signals or exits, with ``[pid N]`` and the column padding taken off."""
    floor = channel_fd_floor()
    lines = []
    for raw in err.splitlines():
        line = re.sub(r"^(\[pid\s+\d+\]|\d+)\s+", "", raw.strip())  # -f -o: "PID  call(..."
        if line.startswith(("---", "+++", "<...")) or "(" not in line:
            continue
        first = re.match(r"\w+\((\d+)", line)
        if first and int(first.group(1)) >= floor:
            continue
        lines.append(re.sub(r"\)\s+= ", ") = ", line))
    return lines


def _under_strace(lab: Lab, tmp: Path, actors: list[str], calls: set[str],
                  script: Callable[[], list[StepOutcome]]) -> tuple[list[StepOutcome], list[str]]:
    strace = need_tool("strace")
    pids = [str(lab.snapshot().process(n).host_pid) for n in actors]  # type: ignore[union-attr]
    entered = sorted({CALLS[n].syscall()[0] for n in calls})
    out = tmp / "strace.txt"  # a file, not a pipe: a full pipe would stop strace and the actor
    log = subprocess.Popen([strace, "-f", "-qq", "-o", str(out), "-e",
                            "trace=" + ",".join(entered), *[x for p in pids for x in ("-p", p)]])
    try:
        time.sleep(0.5)  # strace attaches
        steps = script()
        time.sleep(0.2)
    finally:
        log.terminate()
        log.wait(timeout=10)
    err = out.read_text()
    for out in steps:
        assert out.result is not None and "internal_error" not in out.result, out
        name, nr = out.syscall["name"], out.syscall["nr"]
        assert syscall_name_by_number(nr) == name, (out.call, name, nr)
    return steps, _strace_lines(err)


def test_every_call_enters_the_syscall_we_name_and_prints_as_strace_prints_it(lab: Lab, tmp_path: Path) -> None:
    for actor in ACTORS:
        lab.spawn(actor)
    helpers = {h[0] for h in HELPERS}
    assert helpers == {n for n, c in CALLS.items() if c.returns == "work"}
    steps, seen = _under_strace(lab, tmp_path, ACTORS, set(CALLS) - helpers, lambda: _script(lab))
    assert {s.call for s in steps} == set(CALLS) - helpers, "every entry is performed"
    theirs = [POINTER.sub("0x...", line) for line in seen]
    wrong = []
    for out in steps:
        name = out.syscall["name"]
        ours = POINTER.sub("0x...", out.c)
        if ours not in theirs:
            like = [t for t in theirs if t.startswith(name + "(")] or ["(nothing)"]
            wrong.append(f"{out.call}: we print\n  {ours}\nstrace printed\n  " +
                         "\n  ".join(like))
    assert not wrong, "\n".join(wrong)


def test_each_helper_enters_the_syscall_we_name(lab: Lab, tmp_path: Path) -> None:
    lab.spawn("a")

    def script() -> list[StepOutcome]:
        steps = []
        for helper, *args in HELPERS:
            step = lab.call("a", helper, *args)
            end = time.monotonic() + 60
            while step.blocked and time.monotonic() < end:  # slow under strace
                step = lab.wait("a", 10.0)
            steps.append(step)
        return steps

    steps, seen = _under_strace(lab, tmp_path, ["a"], {h[0] for h in HELPERS}, script)
    for out in steps:
        name = out.syscall["name"]
        assert any(line.startswith(f"{name}(") for line in seen), (out.call, name)
