"""Build a :class:`Snapshot` from the kernel, inside the supervisor, next to the kernel objects.

It joins three readings taken back to back: each actor's ``/proc`` entries (process state and
fd table), one sock_diag dump of the lab's network namespace (states, queues, SYN_RECV and
sockets no fd holds), and, for the rare TCP socket that is in no kernel hash table yet (made by
``socket()`` and not yet bound), the socket's own answer to ``getsockopt``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..net.hosts import inside
from ..observe.procfs import ProcFS, ProcRecord, online_cpus, signal_numbers
from ..observe.sockdiag import TCP_STATES, DiagRecord, SockDiag
from ..observe.sockopt import ask_socket
from .snapshot import EpollWatch, FdEntry, KernelSocket, Owner, ProcessState, Snapshot, SocketState
from .vocabulary import CALLS, epoll_events, machine_arch, syscall_for, syscall_name_by_number
from .vocabulary.perform import signal_name

__all__ = ["ActorView", "Observer"]

# Syscalls an idle actor sleeps in while it waits on its control channel for the next request.
_CHANNEL_WAITS = frozenset({"read", "recvfrom", "recvmsg"})


@dataclass(frozen=True)
class ActorView:
    """What the supervisor tells the observer about one actor."""

    name: str
    host_pid: int
    lab_inodes: frozenset[int]
    """Inodes of the lab's own channel sockets (hidden from the student)."""
    pending: str | None = None
    """The call the actor was asked to make and has not answered yet."""
    host: str | None = None
    """The wire host it runs on; None on loopback."""
    thread_of: str | None = None
    """A thread of this actor's process (pthread_create()); host_pid is its thread id."""


def _socket_from_diag(r: DiagRecord, inode: int, host: str | None) -> SocketState:
    # inet_diag's two queue numbers mean different things by protocol and state
    # (net/ipv4/tcp_diag.c, udp_diag.c): accept queue and backlog for LISTEN, bytes for other
    # TCP sockets, memory (not bytes) for UDP.
    tcp, listen = r.proto == "tcp", r.state == "LISTEN"
    return SocketState(
        inode=inode, family=r.family,
        type="SOCK_STREAM" if tcp else "SOCK_DGRAM", proto=r.proto,
        local=r.local if not r.local.endswith(":0") else None,
        remote=None if r.remote.endswith(":0") else r.remote,
        state=r.state,
        recv_q=r.rqueue if tcp and not listen else None,
        send_q=r.wqueue if tcp and not listen else None,
        accept_queue=r.rqueue if listen else None, backlog=r.wqueue if listen else None,
        retransmits=r.retransmits,
        rto=None if r.rto_us is None or not tcp else r.rto_us / 1e6,
        rtt=None if r.rtt_us is None or not tcp else r.rtt_us / 1e6,
        cwnd=r.cwnd if tcp else None, ssthresh=r.ssthresh if tcp else None,
        recv_mem=None if tcp else r.rqueue, send_mem=None if tcp else r.wqueue,
        host=host, source="netlink sock_diag",
    )


@functools.lru_cache(maxsize=256)
def _signal_names(mask: int) -> tuple[str, ...]:
    """The signals of a /proc/PID/status mask, by name (the same few masks come back on every
    snapshot, so each is named once)."""
    return tuple(sorted(signal_name(n) for n in signal_numbers(mask)))


def _signals(masks: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """/proc/PID/status's signal masks as ProcessState's fields, by name."""
    names = _signal_names
    return {"pending": names(masks.get("SigPnd", 0) | masks.get("ShdPnd", 0)),
            "blocked": names(masks.get("SigBlk", 0)),
            "ignored": names(masks.get("SigIgn", 0)),
            "caught": names(masks.get("SigCgt", 0))}


class Observer:
    """Reads the kernel for the supervisor. One instance per lab (it keeps a netlink socket)."""

    def __init__(self, procfs: ProcFS | None = None, init_host_pid: int | None = None,
                 t0: float | None = None, hosts: dict[str, int] | None = None) -> None:
        """``hosts``: the wire hosts' network namespaces (fds); None: one namespace, ours."""
        self.procfs = procfs or ProcFS()
        self.diags: list[tuple[str | None, SockDiag]] = []
        for name, netns in (hosts or {}).items():
            with inside(netns):  # sock_diag answers for the namespace its socket was made in
                self.diags.append((name, SockDiag()))
        if not hosts:
            self.diags.append((None, SockDiag()))
        self.arch = machine_arch()
        self.init_host_pid = init_host_pid
        self.t0 = time.monotonic() if t0 is None else t0

    def close(self) -> None:
        for _, diag in self.diags:
            diag.close()

    def snapshot(self, actors: Iterable[ActorView]) -> Snapshot:
        start = time.perf_counter()
        diag = [(host, r) for host, d in self.diags for r in d.dump()]
        by_inode = {r.inode: (host, r) for host, r in diag if r.inode}
        procs: list[tuple[ActorView, ProcRecord]] = []
        for a in actors:
            rec = self.procfs.process(a.host_pid)
            if rec is not None:
                procs.append((a, rec))
        ns_pid = {rec.pid: rec.nspid[-1] for _, rec in procs}
        if self.init_host_pid:
            ns_pid[self.init_host_pid] = 1
        online = online_cpus()
        processes: list[ProcessState] = []
        owners: dict[int, list[Owner]] = {}
        extra: dict[int, SocketState] = {}
        for a, rec in procs:
            fds = self._fds(a, rec, by_inode, extra)
            for f in fds:
                if f.socket is not None and a.thread_of is None:  # a thread's are its process's
                    owners.setdefault(f.socket.inode, []).append(Owner(a.name, f.fd))
            processes.append(self._process(a, rec, fds, ns_pid, online))
        threads: dict[str, list[str]] = {}
        for p in processes:
            if p.thread_of is not None:
                threads.setdefault(p.thread_of, []).append(p.actor)
        if threads:
            processes = [replace(p, thread_actors=tuple(threads.get(p.actor, ())))
                         for p in processes]
        sockets = [KernelSocket(_socket_from_diag(r, r.inode, host),
                                tuple(owners.get(r.inode, ())) if r.inode else ())
                   for host, r in diag]
        sockets += [KernelSocket(s, tuple(owners.get(i, ()))) for i, s in extra.items()]
        cost = (time.perf_counter() - start) * 1000
        return Snapshot(t=time.monotonic() - self.t0, processes=tuple(processes),
                        sockets=tuple(sockets), cost_ms=cost)

    def _fds(self, a: ActorView, rec: ProcRecord,
             by_inode: dict[int, tuple[str | None, DiagRecord]],
             extra: dict[int, SocketState]) -> tuple[FdEntry, ...]:
        out: list[FdEntry] = []
        for f in self.procfs.fds(rec.pid):
            if f.kind == "socket" and f.inode in a.lab_inodes:
                out.append(FdEntry(f.fd, "lab", f.target, f.flags, f.pos))
                continue
            sock = None
            if f.kind == "socket" and f.inode is not None:
                found = by_inode.get(f.inode)
                if found is not None:
                    sock = _socket_from_diag(found[1], f.inode, found[0])
                elif f.inode in extra:
                    sock = extra[f.inode]
                else:
                    sock = self._ask(rec.pid, f.fd, f.inode, a.host)
                    if sock is not None:
                        extra[f.inode] = sock
            out.append(FdEntry(f.fd, f.kind, f.target, f.flags, f.pos, sock,
                               epoll=tuple(EpollWatch(fd, epoll_events(mask))
                                           for fd, mask in sorted(f.epoll))))
        return tuple(out)

    def _ask(self, pid: int, fd: int, inode: int, host: str | None) -> SocketState | None:
        got = ask_socket(pid, fd)
        if got is None:
            return None
        state = TCP_STATES.get(got.tcp_state) if got.tcp_state is not None else None
        return SocketState(inode=inode, family=got.family, type=got.type, proto=got.proto,
                           local=got.local, state=state, host=host,
                           source="getsockopt(SO_DOMAIN, SO_TYPE, SO_PROTOCOL, TCP_INFO) "
                                  "on a pidfd_getfd() copy: the socket is in no hash table (not "
                                  "bound or connected yet, or its connection is over)")

    def _process(self, a: ActorView, rec: ProcRecord, fds: tuple[FdEntry, ...],
                 ns_pid: dict[int, int], online: frozenset[int] | None = None) -> ProcessState:
        sc = rec.syscall
        name = syscall_name_by_number(sc.nr, self.arch) if sc and sc.nr is not None else None
        if sc and sc.nr is not None and name is None:
            name = f"syscall {sc.nr}"
        lab_fds = {f.fd for f in fds if f.lab}
        idle = bool(sc and name in _CHANNEL_WAITS and sc.args and sc.args[0] in lab_fds)
        blocked_in = None
        if rec.state in "SD" and name and not idle:
            blocked_in = name
            if a.pending and a.pending in CALLS:
                want = syscall_for(CALLS[a.pending], self.arch)[0]
                if want == name:
                    blocked_in = a.pending  # the C function the student called
        sig = _signals(rec.signals or {})
        return ProcessState(
            actor=a.name, pid=rec.nspid[-1], host_pid=rec.pid,
            ppid=ns_pid.get(rec.ppid, 0), state=rec.state, state_name=rec.state_name,
            syscall=None if idle else name, syscall_nr=None if idle or not sc else sc.nr,
            wchan=None if idle else rec.wchan, blocked_in=blocked_in, idle=idle, host=a.host,
            cpu=rec.cpu, threads=rec.threads, fds=fds, thread_of=a.thread_of,
            sig_pending=sig["pending"], sig_blocked=sig["blocked"],
            sig_ignored=sig["ignored"], sig_caught=sig["caught"],
            # Since Linux 6.3 an unrestricted process's list keeps possible CPUs that are
            # offline: only the ones it can run on now count.
            cpus_allowed=tuple(c for c in rec.cpus_allowed if online is None or c in online))
