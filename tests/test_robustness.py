"""Regressions from review: nothing a lesson or the outside world does may crash the lab or put
something on screen that the kernel did not say."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket

import pytest

from syscall_lab.engine import actor
from syscall_lab.engine.lab import CallError, Lab
from syscall_lab.engine.vocabulary.perform import PREVIEW

from .conftest import wait_until

pytestmark = pytest.mark.kernel  # every test here starts a lab


def test_big_reads_are_real_but_replies_stay_bounded(lab: Lab) -> None:
    lab.spawn("a")
    assert lab.call("a", "open", "/usr/bin/env", "O_RDONLY").ret == 3
    out = lab.call("a", "read", 3, 65536)
    assert out.ret == out.result["value"]["bytes"] > PREVIEW  # type: ignore[index]
    assert out.result["value"]["truncated"] is True  # type: ignore[index]
    assert len(out.result["value"]["hex"]) == 2 * PREVIEW  # type: ignore[index]
    assert lab.snapshot().process("a").fd(3).pos == out.ret  # type: ignore[union-attr]
    with pytest.raises(CallError, match="longer than 16384 bytes"):
        lab.call("a", "write", 1, "x" * 300000)
    assert lab.call("a", "getpid").ret > 0  # the actor and the lab live on


def test_an_actor_killed_from_outside_is_an_exit_not_a_crash(lab: Lab) -> None:
    lab.spawn("a")
    lab.spawn("b")
    os.kill(lab.snapshot().process("a").host_pid, signal.SIGKILL)  # type: ignore[union-attr]
    with pytest.raises(CallError, match="'a' has exited"):
        for _ in range(50):  # until the lab has seen it die
            lab.call("a", "getpid")
    assert lab.call("b", "getpid").ret > 0


def test_realtime_signals_have_names(lab: Lab) -> None:
    lab.spawn("a")
    out = lab.call("a", "sleep", 30)
    assert out.blocked
    os.kill(out.snapshot.process("a").host_pid, signal.SIGRTMIN + 3)  # type: ignore[union-attr]
    done = lab.wait("a", timeout=5)
    assert done.result["killed_by"] == "SIGRTMIN+3"  # type: ignore[index]
    assert done.c.endswith("+++ killed by SIGRTMIN+3 +++")


def test_the_lab_channel_is_not_the_students(lab: Lab) -> None:
    lab.spawn("a")
    chan = next(f.fd for f in lab.snapshot().process("a").fds if f.lab)  # type: ignore[union-attr]
    lab.call("a", "socket", "AF_INET", "SOCK_STREAM", 0)
    for call, args in (("close", (chan,)), ("read", (chan, 10)), ("dup", (chan,)),
                       ("dup2", (3, chan))):
        with pytest.raises(CallError, match="lab's own channel"):
            lab.call("a", call, *args)
    assert lab.call("a", "getpid").ret > 0


def test_actor_names_are_checked_and_fork_children_cannot_collide(lab: Lab) -> None:
    for bad in ("server.1", "", "two words", "Server", "x" * 16):
        with pytest.raises(CallError, match="not an actor name"):
            lab.spawn(bad)
    lab.spawn("server")
    with pytest.raises(CallError, match="already an actor named"):
        lab.spawn("server")
    assert lab.call("server", "fork").result["value"]["child_actor"] == "server.1"  # type: ignore[index]


def test_wait_on_an_exited_actor_says_so(lab: Lab) -> None:
    lab.spawn("a")
    lab.call("a", "fork")
    lab.call("a.1", "exit", 3)
    with pytest.raises(CallError, match=r"'a\.1' has exited"):
        lab.wait("a.1", timeout=1)
    reaped = lab.call("a", "waitpid", -1, 0)
    assert reaped.result["value"]["code"] == 3  # type: ignore[index]


def test_socket_options_are_the_known_ones_at_their_level(lab: Lab) -> None:
    lab.spawn("a")
    lab.call("a", "socket", "AF_INET", "SOCK_STREAM", 0)
    with pytest.raises(CallError, match="not one the lab knows"):
        lab.call("a", "getsockopt", 3, "IPPROTO_TCP", 11)  # TCP_INFO, as a number
    with pytest.raises(CallError, match="not an option of level"):
        lab.call("a", "getsockopt", 3, "IPPROTO_TCP", "SO_REUSEADDR")
    with pytest.raises(CallError, match="SO_LINGER takes"):
        lab.call("a", "setsockopt", 3, "SOL_SOCKET", "SO_LINGER", 1)
    assert lab.call("a", "getsockopt", 3, "SOL_SOCKET", "SO_RCVBUF").result["value"]["optval"] > 0  # type: ignore[index]


def test_udp_queues_are_memory_not_bytes(lab: Lab) -> None:
    lab.spawn("a")
    lab.call("a", "socket", "AF_INET", "SOCK_DGRAM", 0)
    lab.call("a", "bind", 3, "127.0.0.1:9000")
    lab.call("a", "sendto", 3, "ping", 0, "127.0.0.1:9000")
    sock = lab.snapshot().process("a").fd(3).socket  # type: ignore[union-attr]
    assert sock.recv_q is None and sock.recv_mem is not None and sock.recv_mem > 4  # type: ignore[union-attr]


def test_a_failing_event_callback_does_not_stop_the_lab() -> None:
    def explode(event: dict[str, object]) -> None:
        raise RuntimeError("a bug in the UI")

    with Lab(on_event=explode) as lab:
        lab.spawn("a")
        assert lab.call("a", "write", 1, "hi\n").ret == 3
        assert wait_until(lambda: lab.call("a", "getpid").ret > 0)


def test_a_refused_fork_is_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """fork() failing (EAGAIN under RLIMIT_NPROC, which root is exempt from) returns -1."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)

    def refuse() -> int:
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))

    monkeypatch.setattr(actor.os, "fork", refuse)
    before = set(os.listdir("/proc/self/fd"))
    assert actor._fork(theirs, 7) is theirs
    msg = json.loads(ours.recv(4096))
    assert (msg["ret"], msg["errno"], msg["seq"]) == (-1, "EAGAIN", 7)
    assert set(os.listdir("/proc/self/fd")) == before, "the channel pair it made is closed again"
    ours.close()
    theirs.close()
