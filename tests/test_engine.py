"""The engine on the real kernel: actors, blocking, fork, errors, observers."""

from __future__ import annotations

import pytest

from syscall_lab.engine.actor import channel_fd_floor
from syscall_lab.engine.lab import CallError, Lab
from syscall_lab.engine.protocol import Exited, Output, Returned
from syscall_lab.engine.vocabulary import CALLS, SYSCALL_NUMBERS, machine_arch

from .conftest import wait_until

pytestmark = pytest.mark.kernel  # every test here starts a lab

ADDR = "127.0.0.1:8080"


def server_listening(lab: Lab, backlog: int = 2) -> None:
    lab.spawn("server")
    lab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("server", "bind", 3, ADDR)
    lab.call("server", "listen", 3, backlog)


def test_first_socket_is_fd_3_and_channel_is_hidden(lab: Lab) -> None:
    lab.spawn("server")
    out = lab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0)
    assert out.ret == 3 and out.errno is None
    proc = out.snapshot.process("server")
    assert proc is not None
    assert [f.fd for f in proc.user_fds] == [0, 1, 2, 3]
    assert all(f.kind == "tty" and f.target.startswith("/dev/pts/") for f in proc.user_fds[:3])
    fd3 = proc.fd(3)
    assert fd3 is not None and fd3.kind == "socket" and fd3.socket is not None
    assert (fd3.socket.family, fd3.socket.type, fd3.socket.proto) == \
        ("AF_INET", "SOCK_STREAM", "tcp")
    assert fd3.socket.state == "CLOSE"
    lab_fds = [f for f in proc.fds if f.lab]
    assert len(lab_fds) == 1 and lab_fds[0].fd >= channel_fd_floor()
    assert proc.idle and proc.blocked_in is None


def test_listen_gives_listen_state_and_backlog(lab: Lab) -> None:
    server_listening(lab, backlog=2)
    snap = lab.snapshot()
    fd3 = snap.process("server").fd(3)  # type: ignore[union-attr]
    assert fd3 is not None and fd3.socket is not None
    assert fd3.socket.state == "LISTEN"
    assert fd3.socket.local == ADDR
    assert (fd3.socket.accept_queue, fd3.socket.backlog) == (0, 2)


def test_backlog_two_five_clients(lab: Lab) -> None:
    server_listening(lab, backlog=2)
    blocked = []
    for i in range(1, 6):
        name = f"client{i}"
        lab.spawn(name)
        assert lab.call(name, "socket", "AF_INET", "SOCK_STREAM", 0).ret == 3
        out = lab.call(name, "connect", 3, ADDR)
        if out.blocked:
            blocked.append(name)
        else:
            assert out.ret == 0
    snap = lab.snapshot()
    listen = snap.process("server").fd(3).socket  # type: ignore[union-attr]
    assert listen.accept_queue == 3, "the accept queue holds backlog + 1"
    assert blocked == ["client4", "client5"]
    for name in blocked:
        proc = snap.process(name)
        assert proc is not None and proc.blocked_in == "connect" and proc.state == "S"
        assert proc.syscall == "connect"
        assert proc.fd(3).socket.state == "SYN_SENT"  # type: ignore[union-attr]
    # Three connections wait in the queue, held by no fd yet.
    queued = [s for s in snap.sockets if s.socket.state == "ESTABLISHED"
              and s.socket.local == ADDR and s.owner is None]
    assert len(queued) == 3 and all(s.socket.inode == 0 for s in queued)
    # The kernel retransmits the dropped SYNs (first after about one second).
    assert wait_until(lambda: all(
        (lab.snapshot().process(n).fd(3).socket.retransmits or 0) >= 1  # type: ignore[union-attr]
        for n in blocked), timeout=4)
    snap = lab.snapshot()
    assert sum(1 for s in snap.sockets if s.socket.state == "SYN_SENT") == 2
    # One accept(): the queue drops by one and the new fd appears.
    out = lab.call("server", "accept", 3)
    assert out.ret == 4
    server = out.snapshot.process("server")
    assert server.fd(3).socket.accept_queue == 2  # type: ignore[union-attr]
    fd4 = server.fd(4)  # type: ignore[union-attr]
    assert fd4 is not None and fd4.socket.state == "ESTABLISHED"  # type: ignore[union-attr]
    assert fd4.socket.remote == f"127.0.0.1:{out.result['value']['addr'][1]}"  # type: ignore[index,union-attr]


def test_blocked_accept_is_reported_from_the_kernel_and_returns_later(lab: Lab) -> None:
    server_listening(lab)
    out = lab.call("server", "accept", 3)
    assert out.blocked and out.result is None
    proc = out.snapshot.process("server")
    assert proc.blocked_in == "accept" and proc.syscall == "accept"  # type: ignore[union-attr]
    assert proc.syscall_nr == SYSCALL_NUMBERS[machine_arch()]["accept"]  # type: ignore[union-attr]
    assert proc.wchan  # type: ignore[union-attr]
    with pytest.raises(CallError, match="blocked in accept"):
        lab.call("server", "listen", 3, 5)
    lab.spawn("client")
    lab.call("client", "socket", "AF_INET", "SOCK_STREAM", 0)
    assert lab.call("client", "connect", 3, ADDR).ret == 0
    done = lab.wait("server", timeout=5)
    assert done.ret == 4 and not done.blocked
    assert done.snapshot.process("server").blocked_in is None  # type: ignore[union-attr]
    late = [e for e in lab.events() if isinstance(e, Returned) and e.actor == "server"]
    assert late and late[0].result["ret"] == 4 and not late[0].in_child


def test_fork_makes_an_actor_that_inherits_fds_and_is_a_zombie_until_waitpid(lab: Lab) -> None:
    server_listening(lab)
    out = lab.call("server", "fork")
    child_pid = out.ret
    assert child_pid and child_pid > 0
    assert out.result["value"]["child_actor"] == "server.1"  # type: ignore[index]
    snap = out.snapshot
    parent, child = snap.process("server"), snap.process("server.1")
    assert parent is not None and child is not None
    assert child.pid == child_pid and child.ppid == parent.pid
    # The same open sockets, at the same numbers: fork() copies the fd table.
    assert [(f.fd, f.target) for f in child.user_fds] == [(f.fd, f.target) for f in parent.user_fds]
    listen = next(s for s in snap.sockets if s.socket.state == "LISTEN")
    assert {(o.actor, o.fd) for o in listen.owners} == {("server", 3), ("server.1", 3)}
    child_ret = [e for e in lab.events() if isinstance(e, Returned) and e.actor == "server.1"]
    assert child_ret and child_ret[0].result["ret"] == 0  # the child's own fork() = 0
    assert child_ret[0].in_child
    assert lab.call("server.1", "getpid").ret == child_pid
    assert lab.call("server.1", "close", 3).ret == 0
    listen = next(s for s in lab.snapshot().sockets if s.socket.state == "LISTEN")
    assert [(o.actor, o.fd) for o in listen.owners] == [("server", 3)]
    lab.call("server.1", "exit", 0)
    zombie = lab.snapshot().process("server.1")
    assert zombie is not None and zombie.state == "Z" and zombie.fds == ()
    reaped = lab.call("server", "waitpid", -1, 0)
    assert reaped.ret == child_pid
    assert reaped.result["value"]["exited"] and reaped.result["value"]["code"] == 0  # type: ignore[index]
    assert reaped.snapshot.process("server.1") is None
    with pytest.raises(CallError, match="exited"):
        lab.call("server.1", "getpid")


def test_failed_syscalls_are_results_and_the_actor_lives_on(lab: Lab) -> None:
    lab.spawn("a")
    bad = lab.call("a", "close", 42)
    assert (bad.ret, bad.errno) == (-1, "EBADF") and "Bad file descriptor" in bad.c
    lab.call("a", "socket", "AF_INET", "SOCK_STREAM", 0)
    refused = lab.call("a", "connect", 3, "127.0.0.1:9")
    assert refused.errno == "ECONNREFUSED"
    server_listening(lab)
    lab.call("a", "socket", "AF_INET", "SOCK_STREAM", 0)
    in_use = lab.call("a", "bind", 4, ADDR)
    assert in_use.errno == "EADDRINUSE"
    # Actors hold no capabilities: a low port is refused as for any user's program.
    low = lab.call("a", "bind", 4, "127.0.0.1:80")
    assert low.errno == "EACCES"
    assert lab.call("a", "getpid").ret == lab.snapshot().process("a").pid  # type: ignore[union-attr]


def test_unknown_calls_and_bad_arguments_are_clear_errors(lab: Lab) -> None:
    lab.spawn("a")
    with pytest.raises(CallError, match="did you mean 'listen'"):
        lab.call("a", "lisen", 3, 2)
    with pytest.raises(CallError, match=r"listen\(\) takes 2 arguments"):
        lab.call("a", "listen", 3)
    with pytest.raises(CallError, match=r"unknown .*AF_INTE.*did you mean 'AF_INET'"):
        lab.call("a", "socket", "AF_INTE", "SOCK_STREAM", 0)
    with pytest.raises(CallError, match="no actor named 'b'"):
        lab.call("b", "getpid")
    assert lab.call("a", "socket", "AF_INET", "SOCK_STREAM", 0).ret == 3


def test_nonblocking_connect_and_data(lab: Lab) -> None:
    server_listening(lab)
    lab.spawn("c")
    lab.call("c", "socket", "AF_INET", "SOCK_STREAM|SOCK_NONBLOCK", 0)
    snap = lab.snapshot()
    assert "O_NONBLOCK" in snap.process("c").fd(3).flags  # type: ignore[union-attr]
    out = lab.call("c", "connect", 3, ADDR)
    assert out.errno == "EINPROGRESS" and not out.blocked
    # The way a non-blocking connect() finishes: writable, then SO_ERROR says how it went.
    ready = lab.call("c", "poll", [3], 1000, "POLLOUT")
    assert ready.ret == 1 and ready.result["value"]["ready"] == [3]  # type: ignore[index]
    assert ready.c == "poll([{fd=3, events=POLLOUT}], 1, 1000) = 1 ([{fd=3, revents=POLLOUT}])"
    err = lab.call("c", "getsockopt", 3, "SOL_SOCKET", "SO_ERROR")
    assert err.result["value"]["optval"] == 0  # type: ignore[index]
    assert lab.call("server", "accept", 3).ret == 4
    sent = lab.call("c", "send", 3, "hello", 0)
    assert sent.ret == 5
    fd4 = lab.snapshot().process("server").fd(4)  # type: ignore[union-attr]
    assert fd4.socket.recv_q == 5  # type: ignore[union-attr]
    got = lab.call("server", "recv", 4, 100, 0)
    assert got.ret == 5 and got.result["value"]["text"] == "hello"  # type: ignore[index]
    assert 'recvfrom(4, "hello", 100, 0, NULL, NULL) = 5' == got.c
    assert lab.call("server", "getpeername", 4).result["value"]["addr"][0] == "127.0.0.1"  # type: ignore[index]
    assert lab.call("c", "shutdown", 3, "SHUT_WR").ret == 0
    assert lab.call("server", "recv", 4, 100, 0).ret == 0  # EOF after the peer's FIN
    assert lab.call("server", "close", 4).ret == 0


def test_socket_options(lab: Lab) -> None:
    lab.spawn("a")
    lab.call("a", "socket", "AF_INET", "SOCK_STREAM", 0)
    assert lab.call("a", "setsockopt", 3, "SOL_SOCKET", "SO_REUSEADDR", 1).ret == 0
    assert lab.call("a", "getsockopt", 3, "SOL_SOCKET", "SO_REUSEADDR").result["value"]["optval"] == 1  # type: ignore[index]
    lab.call("a", "setsockopt", 3, "SOL_SOCKET", "SO_RCVBUF", 65536)
    # The kernel doubles SO_RCVBUF for its own bookkeeping (socket(7)): we show what it says.
    assert lab.call("a", "getsockopt", 3, "SOL_SOCKET", "SO_RCVBUF").result["value"]["optval"] == 131072  # type: ignore[index]
    lab.call("a", "setsockopt", 3, "IPPROTO_TCP", "TCP_NODELAY", 1)
    assert lab.call("a", "getsockopt", 3, "IPPROTO_TCP", "TCP_NODELAY").result["value"]["optval"] == 1  # type: ignore[index]
    out = lab.call("a", "setsockopt", 3, "SOL_SOCKET", "SO_LINGER", [1, 5])
    assert out.ret == 0 and "{l_onoff=1, l_linger=5}" in out.c
    assert lab.call("a", "getsockopt", 3, "SOL_SOCKET", "SO_LINGER").result["value"]["optval"] == [1, 5]  # type: ignore[index]
    lab.call("a", "bind", 3, "127.0.0.1:0")
    name = lab.call("a", "getsockname", 3).result["value"]["addr"]  # type: ignore[index]
    assert name[0] == "127.0.0.1" and name[1] > 0


def test_udp_sendto_recvfrom(lab: Lab) -> None:
    lab.spawn("a")
    lab.spawn("b")
    lab.call("a", "socket", "AF_INET", "SOCK_DGRAM", 0)
    lab.call("a", "bind", 3, "127.0.0.1:9000")
    lab.call("b", "socket", "AF_INET", "SOCK_DGRAM", 0)
    assert lab.call("b", "sendto", 3, "ping", 0, "127.0.0.1:9000").ret == 4
    got = lab.call("a", "recvfrom", 3, 64, 0)
    assert got.result["value"]["text"] == "ping"  # type: ignore[index]
    udp = lab.snapshot().process("a").fd(3).socket  # type: ignore[union-attr]
    assert udp.proto == "udp" and udp.type == "SOCK_DGRAM" and udp.local == "127.0.0.1:9000"


def test_files_pipes_dup_and_output(lab: Lab) -> None:
    lab.spawn("a")
    out = lab.call("a", "open", "/proc/version", "O_RDONLY")
    assert out.ret == 3
    fd3 = out.snapshot.process("a").fd(3)  # type: ignore[union-attr]
    assert fd3.kind == "file" and fd3.target == "/proc/version"  # type: ignore[union-attr]
    assert lab.call("a", "read", 3, 5).result["value"]["text"] == "Linux"  # type: ignore[index]
    assert lab.snapshot().process("a").fd(3).pos == 5  # type: ignore[union-attr]
    assert lab.call("a", "pipe").result["value"]["fds"] == [4, 5]  # type: ignore[index]
    assert lab.call("a", "write", 5, "through the pipe").ret == 16
    assert lab.call("a", "read", 4, 100).result["value"]["text"] == "through the pipe"  # type: ignore[index]
    assert lab.call("a", "dup", 3).ret == 6
    assert lab.call("a", "close", 3).ret == 0
    assert lab.call("a", "dup", 4).ret == 3, "the lowest free number is reused"
    assert lab.call("a", "dup2", 5, 1).ret == 1
    snap = lab.snapshot().process("a")
    assert snap.fd(1).kind == "pipe" and snap.fd(1).target == snap.fd(5).target  # type: ignore[union-attr]
    assert lab.call("a", "write", 2, "to the terminal\n").ret == 16
    assert wait_until(lambda: any(isinstance(e, Output) and "to the terminal" in e.data
                                  for e in lab.events()), timeout=2)
    with pytest.raises(CallError, match="for writing only at /dev/null"):
        lab.call("a", "open", "/etc/passwd", "O_WRONLY")


def test_sleep_blocks_in_clock_nanosleep(lab: Lab) -> None:
    lab.spawn("a")
    out = lab.call("a", "sleep", 1)
    assert out.blocked
    proc = out.snapshot.process("a")
    assert proc.blocked_in == "sleep" and proc.syscall == "clock_nanosleep"  # type: ignore[union-attr]
    assert lab.wait("a", timeout=5).ret == 0


def test_every_call_has_a_signature_and_a_syscall_number_on_both_architectures() -> None:
    for call in CALLS.values():
        assert call.signature.endswith(");") and call.name in call.signature
        for arch in ("x86_64", "aarch64"):
            _, nr = call.syscall(arch)
            assert isinstance(nr, int), f"{call.name} on {arch}"


def test_an_actor_killed_in_a_call_is_reported_as_strace_would(lab: Lab) -> None:
    """Actors keep C's default signal actions: writing to a reset connection kills with SIGPIPE."""
    server_listening(lab, backlog=1)
    lab.spawn("c")
    lab.call("c", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("c", "connect", 3, ADDR)
    lab.call("server", "accept", 3)
    lab.call("server", "close", 4)  # the peer's next segment is answered with RST
    first = lab.call("c", "send", 3, "hi", 0)
    assert first.ret == 2
    second = lab.call("c", "send", 3, "hi", 0)
    assert second.result == {"seq": second.seq, "ret": None, "killed_by": "SIGPIPE"}
    assert second.c.endswith("= ?  +++ killed by SIGPIPE +++")
    assert wait_until(lambda: any(isinstance(e, Exited) and e.signal == "SIGPIPE"
                                  for e in lab.events()))
    assert lab.snapshot().process("c") is None


def test_time_wait_sockets_are_held_by_no_fd(lab: Lab) -> None:
    server_listening(lab)
    lab.spawn("c")
    lab.call("c", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("c", "connect", 3, ADDR)
    lab.call("server", "accept", 3)
    lab.call("c", "close", 3)  # the active closer ends in TIME_WAIT
    lab.call("server", "close", 4)
    assert wait_until(lambda: any(s.socket.state == "TIME_WAIT" for s in lab.snapshot().sockets))
    snap = lab.snapshot()
    tw = [s for s in snap.sockets if s.socket.state == "TIME_WAIT"]
    assert len(tw) == 1 and tw[0].owner is None and tw[0].socket.inode == 0
    assert tw[0].socket.remote == ADDR
    assert "TIME_WAIT" in str(snap) and "no fd" in str(snap)


def test_threads_share_one_fd_table_and_end_with_their_process(lab: Lab) -> None:
    """A thread made by pthread_create() is an actor of its own in the same process: the fd its
    accept() returns is in the one table every thread sees; a fork() child has one thread and
    none of the threads' channels; when the process exits, a thread's blocked call ends with it."""
    lab.spawn("s")
    lab.call("s", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("s", "bind", 3, "127.0.0.1:8080")
    lab.call("s", "listen", 3, 4)
    made = lab.call("s", "pthread_create")
    assert made.ret == 0 and made.c.startswith("clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|")
    worker = made.result["value"]["child_actor"]  # type: ignore[index]
    assert worker == "s.t1"
    assert lab.call("s", "getpid").ret == lab.call(worker, "getpid").ret  # one process
    assert lab.call(worker, "accept", 3).blocked
    snap = lab.snapshot()
    proc, thread = snap.process("s"), snap.process(worker)
    assert proc is not None and thread is not None
    assert (proc.threads, thread.thread_of, thread.blocked_in) == (2, "s", "accept")
    assert proc.thread_actors == ("s.t1",) and thread.thread_actors == ()
    assert thread.pid == made.result["value"]["tid"] != proc.pid  # type: ignore[index]
    lab.spawn("c")
    lab.call("c", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("c", "connect", 3, "127.0.0.1:8080")
    got = lab.wait(worker, 5.0)
    assert got.ret == 4
    table = lab.snapshot().process("s")
    assert table is not None and table.fd(4) is not None  # the worker's fd, in s's table
    assert table.fd(4).socket.state == "ESTABLISHED"  # type: ignore[union-attr]
    child = lab.call("s", "fork").result["value"]["child_actor"]  # type: ignore[index]
    kid = lab.snapshot().process(child)
    assert kid is not None and kid.threads == 1 and kid.fd(4) is not None
    assert len([f for f in kid.fds if f.lab]) == 1, "only its own channel"
    lab.call(child, "exit", 0)
    lab.call("s", "waitpid", -1, 0)
    assert lab.call(worker, "recv", 4, 100).blocked
    assert lab.call("s", "exit", 3).c == "exit_group(3) = ?"
    assert wait_until(lambda: lab.snapshot().process(worker) is None)
    ended = [e for e in lab.events() if isinstance(e, Returned) and e.actor == worker]
    assert ended and ended[-1].c == "recvfrom(4, ...) = ?  +++ exited with 3 +++", ended
