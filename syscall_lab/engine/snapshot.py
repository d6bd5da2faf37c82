"""What the kernel held at one moment: immutable records that print, diff and become JSON.

A :class:`Snapshot` is made by the supervisor (:mod:`syscall_lab.engine.observer`) right after
a step, travels to the UI process as JSON, and is rebuilt here with :meth:`Snapshot.from_json`.
:func:`diff` says what changed between two of them. Every record carries ``source``: where in the
kernel its facts were read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..observe.procfs import EVENTPOLL, cpu_ranges

__all__ = ["Change", "FdEntry", "KernelSocket", "ProcessState", "Snapshot", "SocketState", "diff"]


@dataclass(frozen=True)
class SocketState:
    """A socket as the kernel reports it."""

    inode: int
    """The socket's inode (``socket:[inode]``); 0 for sockets no fd holds."""
    family: str
    """AF_INET, AF_INET6, AF_UNIX."""
    type: str
    """SOCK_STREAM, SOCK_DGRAM..."""
    proto: str
    """tcp, udp, unix."""
    local: str | None = None
    """Local ``address:port``; None before bind/connect gives it one."""
    remote: str | None = None
    """Peer ``address:port``; None when not connected."""
    state: str | None = None
    """The kernel's state name: LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED, CLOSE..."""
    recv_q: int | None = None
    """TCP: bytes received and not yet read (not for LISTEN)."""
    send_q: int | None = None
    """TCP: bytes sent and not yet acknowledged (not for LISTEN)."""
    accept_queue: int | None = None
    """LISTEN only: connections that finished the handshake and wait for accept()."""
    backlog: int | None = None
    """LISTEN only: the accept queue's limit, as listen() set it (capped by somaxconn)."""
    retransmits: int | None = None
    """TCP: segments retransmitted so far (tcp_info)."""
    rto: float | None = None
    """TCP: its retransmission timeout now, in seconds (tcp_info's ``tcpi_rto``; ``ss -ti``
    shows it in ms)."""
    rtt: float | None = None
    """TCP: its smoothed round-trip time, in seconds (``tcpi_rtt``)."""
    cwnd: int | None = None
    """TCP: its congestion window, in segments (``tcpi_snd_cwnd``; ``ss -ti``'s ``cwnd:``)."""
    ssthresh: int | None = None
    """TCP: its slow-start threshold (``tcpi_snd_ssthresh``), None until a loss sets one."""
    recv_mem: int | None = None
    """UDP: memory the datagrams waiting to be read take (sk_rmem_alloc, what ss shows as
    Recv-Q for UDP): more than their bytes, for the kernel's bookkeeping."""
    send_mem: int | None = None
    """UDP: memory of datagrams not yet sent (sk_wmem_alloc)."""
    host: str | None = None
    """The lab host whose kernel holds it (client or server in a wire lab; None on loopback)."""
    source: str = ""
    """Where these facts were read."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EpollWatch:
    """One fd on an epoll instance's interest list, and the events it is watched for."""

    fd: int
    events: tuple[str, ...]
    """``EPOLLIN``, ``EPOLLOUT``, ``EPOLLET``... (fdinfo's mask, named)."""

    def __str__(self) -> str:
        return f"{self.fd} ({'|'.join(self.events) or '0'})"


@dataclass(frozen=True)
class FdEntry:
    """One row of a process's fd table."""

    fd: int
    kind: str
    """tty, file, device, socket, pipe, anon_inode, other; ``lab`` for the lab's own channel."""
    target: str
    """The ``/proc/PID/fd`` link text."""
    flags: tuple[str, ...] = ()
    """Open-file status flags from fdinfo."""
    pos: int | None = None
    """File offset from fdinfo."""
    socket: SocketState | None = None
    """For sockets: what the kernel says of the socket."""
    source: str = "/proc/PID/fd, /proc/PID/fdinfo"
    epoll: tuple[EpollWatch, ...] = ()
    """For an epoll instance: its interest list (fdinfo's ``tfd:`` lines)."""

    @property
    def lab(self) -> bool:
        """The lab's own control channel: hidden from the student by default."""
        return self.kind == "lab"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fd": self.fd, "kind": self.kind, "target": self.target,
                               "flags": list(self.flags), "pos": self.pos, "source": self.source}
        if self.socket is not None:
            sock = self.socket.to_json()
            sock["socket_source"] = sock.pop("source")
            out.update(sock)
        if self.epoll:
            out["epoll"] = [{"fd": w.fd, "events": list(w.events)} for w in self.epoll]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FdEntry:
        sock = None
        if "proto" in d:
            names = {f.name for f in fields(SocketState)} - {"source"}
            kw: dict[str, Any] = {k: d[k] for k in names if k in d}
            sock = SocketState(**kw, source=d.get("socket_source", ""))
        epoll = tuple(EpollWatch(int(w["fd"]), tuple(w["events"])) for w in d.get("epoll", ()))
        return cls(fd=d["fd"], kind=d["kind"], target=d["target"], flags=tuple(d["flags"]),
                   pos=d.get("pos"), socket=sock, source=d.get("source", ""), epoll=epoll)


@dataclass(frozen=True)
class ProcessState:
    """An actor process."""

    actor: str
    """The lab's name for it: ``server``, ``client2``, ``server.1`` (a fork() child)."""
    pid: int
    """Its pid as it sees itself (getpid()), inside the lab's pid namespace."""
    host_pid: int
    """Its pid on the host, as ``ps`` outside the lab shows it."""
    ppid: int
    """What getppid() returns inside the lab (0: the parent is outside the lab)."""
    state: str
    """R, S, D, Z... from /proc/PID/stat."""
    state_name: str
    """running, sleeping, zombie..."""
    syscall: str | None = None
    """The syscall the process sleeps in, from /proc/PID/syscall (None: not in one)."""
    syscall_nr: int | None = None
    wchan: str | None = None
    """The kernel function it waits in, from /proc/PID/wchan."""
    blocked_in: str | None = None
    """The call a student asked for that is blocked in the kernel now (``accept``)."""
    idle: bool = False
    """Waiting for the lab's next request (sleeping on its control channel)."""
    host: str | None = None
    """The lab host it runs on (client or server in a wire lab; None on loopback)."""
    cpu: int | None = None
    """The CPU it last ran on (``ps -o psr``)."""
    cpus_allowed: tuple[int, ...] = ()
    """The CPUs it may run on, its affinity (``taskset -p``)."""
    threads: int = 1
    """How many threads it has (``ps -o nlwp``)."""
    sig_pending: tuple[str, ...] = ()
    """Signals sent and not yet delivered (``SigPnd`` and ``ShdPnd`` of /proc/PID/status)."""
    sig_blocked: tuple[str, ...] = ()
    """Signals it blocks (``SigBlk``): they stay pending until unblocked."""
    sig_ignored: tuple[str, ...] = ()
    """Signals whose disposition is SIG_IGN (``SigIgn``)."""
    sig_caught: tuple[str, ...] = ()
    """Signals it has a handler for (``SigCgt``)."""
    thread_actors: tuple[str, ...] = ()
    """For a process: the lab's threads of it (``server.t1``...), each also in the snapshot's
    processes with ``thread_of`` naming this one."""
    thread_of: str | None = None
    """Set for a thread pthread_create() made: the actor whose process it is part of. Its
    ``pid`` is its thread id (gettid()); its ``fds`` are that process's one table."""
    fds: tuple[FdEntry, ...] = ()
    source: str = "/proc/PID/stat, status, syscall, wchan"

    @property
    def cpus(self) -> int:
        """How many CPUs it may run on."""
        return len(self.cpus_allowed)

    def fd(self, number: int) -> FdEntry | None:
        return next((f for f in self.fds if f.fd == number), None)

    @property
    def user_fds(self) -> tuple[FdEntry, ...]:
        """The fds a student's program has: without the lab's own channel."""
        return tuple(f for f in self.fds if not f.lab)

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "fds"}
        out["fds"] = [f.to_json() for f in self.fds]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ProcessState:
        kw = {k: v for k, v in d.items() if k != "fds" and k in {f.name for f in fields(cls)}}
        for key in ("cpus_allowed", "sig_pending", "sig_blocked", "sig_ignored", "sig_caught",
                    "thread_actors"):
            if key in kw:
                kw[key] = tuple(kw[key])
        return cls(**kw, fds=tuple(FdEntry.from_json(f) for f in d.get("fds", [])))


@dataclass(frozen=True)
class Owner:
    actor: str
    fd: int


@dataclass(frozen=True)
class KernelSocket:
    """A socket in the lab's network namespace, with the fd that holds it (if any)."""

    socket: SocketState
    owners: tuple[Owner, ...] = ()
    """Every (actor, fd) that holds it; empty for accept-queue entries, SYN_RECV, TIME_WAIT."""

    @property
    def owner(self) -> Owner | None:
        return self.owners[0] if self.owners else None

    @property
    def key(self) -> str:
        s = self.socket
        if s.remote and not s.remote.endswith(":0"):
            return f"{s.proto} {s.local} {s.remote}"
        return f"{s.proto} inode {s.inode} {s.local}"

    def to_json(self) -> dict[str, Any]:
        out = self.socket.to_json()
        out["owner"] = asdict(self.owners[0]) if self.owners else None
        out["owners"] = [asdict(o) for o in self.owners]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> KernelSocket:
        names = {f.name for f in fields(SocketState)}
        listed = d.get("owners") or ([d["owner"]] if d.get("owner") else [])
        owners = tuple(Owner(**o) for o in listed)
        return cls(SocketState(**{k: v for k, v in d.items() if k in names}), owners)


@dataclass(frozen=True)
class Snapshot:
    """Everything the lab's processes and network namespace held at time ``t``."""

    t: float
    """Seconds since the lab started."""
    processes: tuple[ProcessState, ...] = ()
    sockets: tuple[KernelSocket, ...] = ()
    """Every TCP/UDP socket in the lab's network namespace (sock_diag)."""
    cost_ms: float = 0.0
    """How long the kernel took to answer (observation cost, for benchmarks)."""
    sysctls: dict[str, dict[str, int | None]] = field(default_factory=dict)
    """The lab's sysctls the lesson reads, by host (``lab`` on loopback): None where this
    kernel has no such knob."""

    def process(self, actor: str) -> ProcessState | None:
        return next((p for p in self.processes if p.actor == actor), None)

    def __str__(self) -> str:
        """A plain-text picture: each process with its fds, then the sockets no fd holds."""
        lines = [f"snapshot at {self.t:.3f} s"]
        for p in self.processes:
            blocked = f", blocked in {p.blocked_in}()" if p.blocked_in else ""
            lines.append(f"{p.actor} pid {p.pid} (host {p.host_pid}) {p.state}{blocked}")
            for f in p.user_fds:
                s = f.socket
                sock = "" if s is None else " ".join(
                    str(x) for x in (s.proto, s.state, s.local, s.remote and f"-> {s.remote}",
                                     s.accept_queue is not None
                                     and f"queue {s.accept_queue}/{s.backlog}") if x)
                lines.append(f"  fd {f.fd:<3} {f.kind:<6} {sock or f.target}")
        for k in self.sockets:
            if k.owner is None:
                s = k.socket
                lines.append(f"  (no fd) {s.proto} {s.state} {s.local} -> {s.remote}")
        return "\n".join(lines)

    def sysctl(self, name: str, host: str | None = None) -> int | None:
        """``name``'s value in ``host``'s namespace, or in every namespace of the lab when they
        agree (None where they differ, or the lab does not read it)."""
        values = {h: v.get(name) for h, v in self.sysctls.items()
                  if host is None or h == host}
        got = set(values.values())
        return got.pop() if len(got) == 1 else None

    def to_json(self) -> dict[str, Any]:
        out = {"t": round(self.t, 6), "cost_ms": round(self.cost_ms, 3),
               "processes": [p.to_json() for p in self.processes],
               "sockets": [s.to_json() for s in self.sockets]}
        if self.sysctls:
            out["sysctls"] = self.sysctls
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Snapshot:
        return cls(t=d["t"], cost_ms=d.get("cost_ms", 0.0),
                   processes=tuple(ProcessState.from_json(p) for p in d["processes"]),
                   sockets=tuple(KernelSocket.from_json(s) for s in d["sockets"]),
                   sysctls={str(h): {str(n): v for n, v in vs.items()}
                            for h, vs in (d.get("sysctls") or {}).items()})


# ---------------------------------------------------------------------------------------
# Diffs

@dataclass(frozen=True)
class Change:
    """One thing that changed between two snapshots."""

    what: str
    """fd_opened, fd_closed, fd_changed, process_started, process_exited, process_changed,
    socket_appeared, socket_gone, socket_changed."""
    actor: str | None = None
    fd: int | None = None
    key: str | None = None
    """For sockets: ``proto local remote``, or the inode for unconnected ones."""
    before: dict[str, Any] = field(default_factory=dict)
    """The fields that changed, with their old values."""
    after: dict[str, Any] = field(default_factory=dict)
    """The same fields with their new values (or the whole new record)."""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {})}


_SOCKET_FIELDS = ("state", "local", "remote", "recv_q", "send_q", "accept_queue", "backlog",
                  "retransmits", "recv_mem", "send_mem")


def _fd_view(f: FdEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": f.kind, "target": f.target, "flags": list(f.flags)}
    if f.socket is not None:
        out.update({k: getattr(f.socket, k) for k in _SOCKET_FIELDS})
    if f.target == EVENTPOLL:  # an epoll instance: its interest list
        out["watches"] = ", ".join(str(w) for w in f.epoll) or "-"
    return out


def _process_view(p: ProcessState) -> dict[str, Any]:
    return {"state": p.state, "blocked_in": p.blocked_in, "ppid": p.ppid,
            "cpus": cpu_ranges(p.cpus_allowed), "threads": p.threads,
            "sig_pending": " ".join(p.sig_pending) or None,
            "sig_ignored": " ".join(p.sig_ignored) or None}


def _changed(a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in b if a.get(k) != b.get(k)]
    return {k: a.get(k) for k in keys}, {k: b.get(k) for k in keys}


def diff(old: Snapshot | None, new: Snapshot, include_lab: bool = False) -> list[Change]:
    """What changed from ``old`` to ``new``: fds, processes and sockets, in that order."""
    out: list[Change] = []
    old_procs = {p.actor: p for p in old.processes} if old else {}
    new_procs = {p.actor: p for p in new.processes}
    for actor, p in new_procs.items():
        q = old_procs.get(actor)
        if q is None:
            out.append(Change("process_started", actor,
                              after={"pid": p.pid, "ppid": p.ppid, "state": p.state}))
        else:
            view_q, view_p = _process_view(q), _process_view(p)
            if view_p != view_q:
                before, after = _changed(view_q, view_p)
                out.append(Change("process_changed", actor, before=before, after=after))
        if p.thread_of is not None:
            continue  # its fds are its process's table: said once, for the process
        old_fds = {f.fd: f for f in (q.fds if q else ()) if include_lab or not f.lab}
        new_fds = {f.fd: f for f in p.fds if include_lab or not f.lab}
        for n, f in new_fds.items():
            g = old_fds.get(n)
            if g is None:
                out.append(Change("fd_opened", actor, n, after=_fd_view(f)))
            elif _fd_view(f) != _fd_view(g):
                before, after = _changed(_fd_view(g), _fd_view(f))
                out.append(Change("fd_changed", actor, n, before=before, after=after))
        for n, g in old_fds.items():
            if n not in new_fds and new.process(actor) is not None:
                out.append(Change("fd_closed", actor, n, before=_fd_view(g)))
    for actor, q in old_procs.items():
        if actor not in new_procs:
            out.append(Change("process_exited", actor, before={"pid": q.pid, "state": q.state}))
    old_socks = {s.key: s for s in old.sockets} if old else {}
    new_socks = {s.key: s for s in new.sockets}
    # A socket keeps its inode when it gets an address (and so a new key): the same socket.
    old_by_inode = {s.socket.inode: s for s in old_socks.values() if s.socket.inode}
    matched: set[str] = set()
    for key, s in new_socks.items():
        view = {k: getattr(s.socket, k) for k in _SOCKET_FIELDS}
        view["owner"] = asdict(s.owner) if s.owner else None
        t = old_socks.get(key)
        if t is None and s.socket.inode in old_by_inode:
            t = old_by_inode[s.socket.inode]
        if t is not None:
            matched.add(t.key)
        if t is None:
            out.append(Change("socket_appeared", key=key, after=view))
            continue
        tview = {k: getattr(t.socket, k) for k in _SOCKET_FIELDS}
        tview["owner"] = asdict(t.owner) if t.owner else None
        if view != tview:
            before, after = _changed(tview, view)
            out.append(Change("socket_changed", key=key, before=before, after=after))
    for key, t in old_socks.items():
        if key not in new_socks and key not in matched:
            out.append(Change("socket_gone", key=key,
                              before={k: getattr(t.socket, k) for k in _SOCKET_FIELDS}))
    return out
