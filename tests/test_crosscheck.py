"""Every observer agrees with an independent tool looking at the same sockets and processes."""

from __future__ import annotations

import re
import signal
import subprocess
import time

import pytest

from syscall_lab.engine.lab import Lab
from syscall_lab.engine.snapshot import ProcessState
from syscall_lab.observe.procfs import cpu_list

from .conftest import need_tool, nsenter_cmd, wait_until

pytestmark = pytest.mark.kernel  # every test here starts a lab

ADDR = "127.0.0.1:8080"


def busy_lab(lab: Lab) -> None:
    """A LISTEN socket with a full accept queue, established pairs and SYN_SENT clients."""
    lab.spawn("server")
    lab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("server", "bind", 3, ADDR)
    lab.call("server", "listen", 3, 2)
    for i in range(1, 6):
        lab.spawn(f"c{i}")
        lab.call(f"c{i}", "socket", "AF_INET", "SOCK_STREAM", 0)
        lab.call(f"c{i}", "connect", 3, ADDR)
    lab.call("server", "accept", 3)
    lab.call("c1", "send", 3, "x" * 100, 0)  # unread bytes: a Recv-Q on the server's fd 4


def test_sockets_agree_with_ss(lab: Lab) -> None:
    need_tool("ss")
    busy_lab(lab)
    snap = lab.snapshot()
    out = subprocess.run([*nsenter_cmd(lab), need_tool("ss"), "-tanie"], capture_output=True,
                         text=True, check=True).stdout
    rows = {}
    for line in out.splitlines()[1:]:
        if line[:1].isspace():  # -i puts tcp_info on an indented continuation line
            continue
        f = line.split()
        state, recvq, sendq, local, peer = f[0], int(f[1]), int(f[2]), f[3], f[4]
        ino = re.search(r"ino:(\d+)", line)
        rows[(local, peer)] = (state, recvq, sendq, int(ino.group(1)) if ino else 0)
    ss_names = {"LISTEN": "LISTEN", "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT",
                "SYN-RECV": "SYN_RECV", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT"}
    ours = {}
    for s in snap.sockets:
        k = s.socket
        peer = k.remote or "0.0.0.0:*"
        ours[(k.local, peer)] = (k.state, k.accept_queue if k.state == "LISTEN" else k.recv_q,
                                 k.backlog if k.state == "LISTEN" else k.send_q, k.inode)
    # 1 LISTEN, 3 clients ESTABLISHED with their 3 server ends (1 accepted, 2 queued), 2 SYN_SENT
    assert len(rows) == len(ours) == 9, (sorted(rows), sorted(ours))
    for key, (state, recvq, sendq, ino) in rows.items():
        assert key in ours, f"ss sees {key}, we do not"
        our_state, our_r, our_s, our_ino = ours[key]
        assert ss_names[state] == our_state, key
        assert (recvq, sendq) == (our_r, our_s), f"{key}: ss {recvq}/{sendq}, ours {our_r}/{our_s}"
        assert ino == our_ino, key
    listen = rows[(ADDR, "0.0.0.0:*")]
    assert (listen[1], listen[2]) == (2, 2), "Recv-Q = accept queue, Send-Q = backlog"


def test_tcp_info_agrees_with_ss(lab: Lab) -> None:
    """sock.rto, rtt, cwnd and ssthresh (tcp_info) against ss -ti's rto:, rtt:, cwnd: and
    ssthresh: of the same sockets (ss prints no ssthresh while it is still infinite)."""
    busy_lab(lab)
    snap = lab.snapshot()
    out = subprocess.run([*nsenter_cmd(lab), need_tool("ss"), "-tni", "state", "established"],
                         capture_output=True, text=True, check=True).stdout
    theirs: dict[tuple[str, str], tuple[int, float, int, int | None]] = {}
    key: tuple[str, str] | None = None
    for line in out.splitlines()[1:]:
        if not line[:1].isspace():
            f = line.split()
            key = (f[2], f[3])  # with a state filter ss leaves the State column out
            continue
        rto, rtt = re.search(r"\brto:(\d+)", line), re.search(r"\brtt:([\d.]+)/", line)
        cwnd, ssthresh = re.search(r"\bcwnd:(\d+)", line), re.search(r"\bssthresh:(\d+)", line)
        assert key and rto and rtt and cwnd, line
        theirs[key] = (int(rto.group(1)), float(rtt.group(1)), int(cwnd.group(1)),
                       int(ssthresh.group(1)) if ssthresh else None)
    ours = {(s.socket.local, s.socket.remote): s.socket for s in snap.sockets
            if s.socket.state == "ESTABLISHED"}
    assert len(theirs) == len(ours) == 6, (sorted(theirs), sorted(ours))
    for k, (rto_ms, rtt_ms, cwnd, ssthresh) in theirs.items():
        sock = ours[k]
        assert sock.rto is not None and sock.rtt is not None, k
        assert round(sock.rto * 1000) == rto_ms, f"{k}: ss rto {rto_ms} ms, ours {sock.rto} s"
        assert abs(sock.rtt * 1000 - rtt_ms) < 0.0015, f"{k}: ss rtt {rtt_ms} ms, ours {sock.rtt}"
        assert sock.rto >= 0.2, "Linux's minimum retransmission timeout is 200 ms"
        assert (sock.cwnd, sock.ssthresh) == (cwnd, ssthresh), k
        assert sock.cwnd >= 1


def test_fd_tables_agree_with_lsof(lab: Lab) -> None:
    lsof = need_tool("lsof")
    busy_lab(lab)
    lab.call("server", "open", "/proc/version", "O_RDONLY")
    lab.call("server", "pipe")
    snap = lab.snapshot()
    for proc in snap.processes:
        out = subprocess.run([lsof, "-n", "-P", "-w", "-p", str(proc.host_pid), "-F", "fti"],
                             capture_output=True, text=True).stdout
        theirs: dict[int, tuple[str, str]] = {}
        fd = None
        fields: dict[str, str] = {}
        for line in out.splitlines():
            tag, value = line[0], line[1:]
            if tag == "f":
                if fd is not None:
                    theirs[fd] = (fields.get("t", ""), fields.get("i", ""))
                fd, fields = (int(value) if value.isdigit() else None), {}
            elif tag in "ti":
                fields[tag] = value
        if fd is not None:
            theirs[fd] = (fields.get("t", ""), fields.get("i", ""))
        assert set(theirs) == {f.fd for f in proc.fds}, proc.actor
        for f in proc.fds:
            ltype, inode = theirs[f.fd]
            if f.kind in ("socket", "lab"):
                assert ltype in ("IPv4", "IPv6", "sock", "unix"), (proc.actor, f.fd, ltype)
                assert inode == f.target[8:-1], (proc.actor, f.fd)
            elif f.kind == "pipe":
                assert ltype == "FIFO" and inode == f.target[6:-1]
            elif f.kind in ("tty", "device"):
                assert ltype == "CHR"
            elif f.kind == "file":
                assert ltype == "REG"


def test_epoll_interest_lists_and_fd_flags_agree_with_lsof(lab: Lab) -> None:
    """An epoll instance's interest list and each fd's O_NONBLOCK and close-on-exec, as lsof
    reads them ([eventpoll:3,4]; ND and CX among the file flags)."""
    lsof = need_tool("lsof")
    lab.spawn("loop")
    lab.call("loop", "socket", "AF_INET", "SOCK_STREAM|SOCK_NONBLOCK", 0)
    lab.call("loop", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("loop", "fcntl", 4, "F_SETFD", "FD_CLOEXEC")
    lab.call("loop", "epoll_create1", "EPOLL_CLOEXEC")
    lab.call("loop", "epoll_ctl", 5, "EPOLL_CTL_ADD", 3, "EPOLLIN")
    lab.call("loop", "epoll_ctl", 5, "EPOLL_CTL_ADD", 4, "EPOLLOUT|EPOLLET")
    proc = lab.snapshot().process("loop")
    assert proc is not None
    out = subprocess.run([lsof, "+fg", "-n", "-P", "-w", "-a", "-p", str(proc.host_pid), "-d",
                          "3-5"], capture_output=True, text=True).stdout.splitlines()[1:]
    theirs = {int(re.match(r"\d+", line.split()[3]).group()): line  # type: ignore[union-attr]
              for line in out}
    assert sorted(theirs) == [3, 4, 5], out
    epoll = proc.fd(5)
    assert epoll is not None
    listed = re.search(r"\[eventpoll:([\d,]*)\]", theirs[5])
    assert listed and sorted(int(x) for x in listed.group(1).split(",")) == \
        sorted(w.fd for w in epoll.epoll) == [3, 4]
    assert {w.fd: w.events for w in epoll.epoll}[4][-1] == "EPOLLET"
    for fd in (3, 4, 5):
        entry = proc.fd(fd)
        assert entry is not None
        file_flags = theirs[fd].split()[5].split(",")
        assert ("ND" in file_flags) == ("O_NONBLOCK" in entry.flags), theirs[fd]
        assert ("CX" in file_flags) == ("O_CLOEXEC" in entry.flags), theirs[fd]
    assert [("O_NONBLOCK" in e.flags, "O_CLOEXEC" in e.flags) for e in
            (proc.fd(3), proc.fd(4), proc.fd(5)) if e] == [(True, False), (False, True),
                                                          (False, True)]


def test_signal_dispositions_agree_with_ps(lab: Lab) -> None:
    """The signals a process ignores, catches, blocks and has pending, as ps prints their masks;
    and what signal(SIGCHLD, SIG_IGN) does to a child that exits (no zombie to reap)."""
    ps = need_tool("ps")
    lab.spawn("srv")
    lab.call("srv", "signal", "SIGPIPE", "SIG_IGN")
    lab.call("srv", "signal", "SIGCHLD", "SIG_IGN")

    def agree() -> None:
        proc = lab.snapshot().process("srv")
        assert proc is not None
        out = subprocess.run([ps, "-o", "pending=,blocked=,ignored=,caught=", "-p",
                              str(proc.host_pid)], capture_output=True, text=True).stdout.split()
        masks = [int(x, 16) for x in out]
        for mask, names in zip(masks, (proc.sig_pending, proc.sig_blocked, proc.sig_ignored,
                                      proc.sig_caught), strict=True):
            assert mask == sum(1 << (signal.Signals[n] - 1) for n in names), (out, proc)

    agree()
    assert {"SIGPIPE", "SIGCHLD"} <= set(lab.snapshot().process("srv").sig_ignored)  # type: ignore[union-attr]
    child = lab.call("srv", "fork").result["value"]["child_actor"]  # type: ignore[index]
    lab.call(child, "exit", 0)
    assert wait_until(lambda: lab.snapshot().process(child) is None), "no zombie: it was reaped"
    out = lab.call("srv", "waitpid", -1, 0)
    assert out.errno == "ECHILD", out.c  # nothing left to wait for
    lab.call("srv", "signal", "SIGCHLD", "SIG_DFL")
    agree()
    lab.call("srv", "kill", 0, "SIGPIPE")  # ignored: nothing happens to it
    agree()
    assert lab.snapshot().process("srv") is not None


def test_process_states_agree_with_ps(lab: Lab) -> None:
    ps = need_tool("ps")
    busy_lab(lab)
    lab.call("server", "fork")
    lab.call("server.1", "exit", 0)
    time.sleep(0.05)
    snap = lab.snapshot()
    states = {p.actor: p for p in snap.processes}
    assert states["server.1"].state == "Z" and states["c4"].blocked_in == "connect"
    for proc in snap.processes:
        out = subprocess.run([ps, "-o", "stat=,ppid=,comm=", "-p", str(proc.host_pid)],
                             capture_output=True, text=True).stdout.split()
        assert out, f"ps does not see {proc.actor}"
        assert out[0][0] == proc.state, proc.actor
        assert out[2] == proc.actor[:15] or (proc.actor == "server.1" and out[2] == "server")


def test_socket_options_print_as_strace_prints_them(lab: Lab) -> None:
    """Each socket option of the vocabulary, set and read on the real kernel: the line we show
    is the line strace shows for the same call."""
    strace = need_tool("strace")
    lab.spawn("server")
    pid = lab.snapshot().process("server").host_pid  # type: ignore[union-attr]
    log = subprocess.Popen([strace, "-qq", "-p", str(pid), "-e",
                            "trace=setsockopt,getsockopt"], stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # strace attaches
        lab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0)
        ours = [lab.call("server", "setsockopt", 3, level, name, value).c for level, name, value in (
            ("IPPROTO_TCP", "TCP_NODELAY", 1), ("IPPROTO_TCP", "TCP_CORK", 1),
            ("IPPROTO_TCP", "TCP_QUICKACK", 1), ("IPPROTO_TCP", "TCP_DEFER_ACCEPT", 5),
            ("IPPROTO_TCP", "TCP_MAXSEG", 1000), ("SOL_SOCKET", "SO_RCVLOWAT", 1),
            ("SOL_SOCKET", "SO_REUSEADDR", 1), ("SOL_SOCKET", "SO_LINGER", [1, 0]))]
        ours += [lab.call("server", "getsockopt", 3, level, name).c for level, name in (
            ("IPPROTO_TCP", "TCP_NODELAY"), ("SOL_SOCKET", "SO_REUSEADDR"),
            ("IPPROTO_TCP", "TCP_CORK"))]
        time.sleep(0.2)
    finally:
        log.terminate()
        _, err = log.communicate(timeout=10)
    theirs = [line.strip() for line in err.splitlines() if "sockopt(" in line]
    assert ours == theirs


def test_cpus_and_threads_agree_with_taskset_and_ps(lab: Lab) -> None:
    """The CPUs a process may use, the CPU it last ran on and its thread count, as taskset and
    ps read them; and work split among threads keeps to the CPUs the process chose."""
    taskset, ps = need_tool("taskset"), need_tool("ps")
    lab.spawn("app")

    def agree() -> ProcessState:
        proc = lab.snapshot().process("app")
        assert proc is not None
        got = subprocess.run([taskset, "-pc", str(proc.host_pid)], capture_output=True,
                             text=True, check=True).stdout  # "pid 7's current affinity list: 0"
        assert cpu_list(got.rpartition(":")[2]) == proc.cpus_allowed, got
        psr, nlwp = subprocess.run([ps, "-o", "psr=,nlwp=", "-p", str(proc.host_pid)],
                                   capture_output=True, text=True).stdout.split()
        assert int(nlwp) == proc.threads
        if proc.cpus == 1:
            assert int(psr) == proc.cpu == proc.cpus_allowed[0]
        return proc

    assert lab.call("app", "sched_setaffinity", 0, [0]).ret == 0
    assert agree().cpus_allowed == (0,)
    out = lab.call("app", "threads", 2, 0.5)
    assert out.blocked
    assert agree().threads == 3
    done = lab.wait("app", 10.0)
    value = done.result["value"] if done.result else {}
    assert done.ret == 2 and value["cpus_used"] == [0]
    assert [e["cpus"] for e in value["each"]] == [[0], [0]]
    assert value["cores"] <= 1.05  # two threads on one CPU: at most one CPU's worth
    assert agree().threads == 1


def test_our_sock_diag_reader_agrees_with_pyroute2(lab: Lab) -> None:
    """Our struct-level inet_diag decoding against pyroute2's, on the same namespace."""
    busy_lab(lab)
    # Wait for the SYN retransmissions, so tcpi_total_retrans is compared at non-zero values.
    assert wait_until(lambda: all((s.socket.retransmits or 0) >= 1 for s in lab.snapshot().sockets
                                  if s.socket.state == "SYN_SENT"), timeout=4)
    code = (
        "import json, socket\n"
        "from pyroute2.netlink.diag import DiagSocket\n"
        "from syscall_lab.observe.sockdiag import ALL_STATES, SockDiag\n"
        "ours = sorted((r.state, r.local, r.remote, r.inode, r.rqueue, r.wqueue, r.retransmits)"
        " for r in SockDiag().dump() if r.proto == 'tcp' and r.family == 'AF_INET')\n"
        "ds = DiagSocket(); ds.bind()\n"
        "names = {1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 7: 'CLOSE', 10: 'LISTEN'}\n"
        "theirs = sorted((names[m['idiag_state']], f\"{m['idiag_src']}:{m['idiag_sport']}\","
        " f\"{m['idiag_dst']}:{m['idiag_dport']}\", m['idiag_inode'], m['idiag_rqueue'],"
        " m['idiag_wqueue'], m.get_attr('INET_DIAG_INFO')['tcpi_total_retrans'])"
        " for m in ds.get_sock_stats(family=socket.AF_INET, states=ALL_STATES, extensions=2))\n"
        "print(json.dumps([ours, theirs]))\n")
    import json
    import sys

    from .conftest import ROOT
    out = subprocess.run([*nsenter_cmd(lab), sys.executable, "-c", code], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    ours, theirs = json.loads(out.stdout)
    # (a retransmitted SYN may have found room meanwhile: 9 or 10 sockets, all compared)
    assert len(ours) >= 9 and ours == theirs
    assert max(r[6] for r in ours) >= 1, "compare retransmit counts at non-zero values"
