"""The TCP states each socket of a lab was seen in, read after read.

The kernel does not announce a state change; a socket's state is what ``sock_diag`` (or
``TCP_INFO``) says when the lab looks. A :class:`Tracer` is given every snapshot the lab takes
(after each step, and on each look between steps) and keeps, per socket, the states it was
*seen* in and when. Nothing is inferred: a state a socket passed through between two reads
(``SYN_SENT`` for the 0.1 ms a loopback handshake takes) is not in its trace; whoever draws
two states that no RFC 9293 transition joins must say that something went unseen between.

A socket keeps its identity as it changes: by inode while an fd holds it, by its two
addresses once connected (an accepted connection has no inode until ``accept()`` grafts it to
a file, and then it gets one).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .snapshot import KernelSocket, Snapshot

__all__ = ["GONE", "Seen", "SocketTrace", "Tracer", "side_of"]

GONE = "CLOSED"
"""The state a trace ends in when the kernel no longer lists the socket (RFC 9293's CLOSED:
"no connection state at all")."""


@dataclass(frozen=True)
class Seen:
    """One state a socket was read in."""

    t: float
    """Seconds since the lab started: the read that first showed this state."""
    state: str
    """The kernel's name (SYN_SENT, SYN_RECV, FIN_WAIT1...) or :data:`GONE`."""
    step: int
    """How many steps (records) had run when it was read."""


@dataclass(frozen=True)
class SocketTrace:
    """One TCP socket's life as the lab's reads saw it."""

    id: int
    """Its number in this lab, in the order sockets were first seen."""
    local: str | None
    remote: str | None
    host: str | None
    owner: str | None
    """``actor fd N`` while an fd holds it (the last one seen)."""
    side: str
    """``client`` or ``server``: which column of the ladder it belongs to."""
    states: tuple[Seen, ...]

    @property
    def state(self) -> str:
        return self.states[-1].state

    @property
    def label(self) -> str:
        where = self.local or "-"
        if self.remote and not self.remote.endswith(":0"):
            where += f" → {self.remote}"
        return f"{self.owner} {where}" if self.owner else where


def side_of(s: KernelSocket, listening: set[str], server_hosts: tuple[str, ...] = ("server",)
            ) -> str:
    """Which end of the conversation a socket is: the host in a wire lab; on loopback, the
    end whose port a LISTEN socket has (or an actor called server...) is the server."""
    sock = s.socket
    if sock.host:
        return "server" if sock.host in server_hosts else "client"
    if sock.state == "LISTEN":
        return "server"
    port = (sock.local or "").rsplit(":", 1)[-1]
    if port and port in listening:
        return "server"
    if sock.remote and not sock.remote.endswith(":0"):
        return "client"
    owner = s.owner.actor if s.owner else ""
    return "server" if owner.startswith("server") else "client"


@dataclass
class Tracer:
    """Feed it every snapshot, in order; :attr:`traces` are the sockets' states so far."""

    _live: set[int] = field(default_factory=set)
    _all: list[SocketTrace] = field(default_factory=list)
    _by_inode: dict[int, int] = field(default_factory=dict)
    _by_conn: dict[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def traces(self) -> tuple[SocketTrace, ...]:
        return tuple(self._all)

    def add(self, snap: Snapshot, step: int) -> None:
        tcp = [s for s in snap.sockets if s.socket.proto == "tcp"]
        listening = {(s.socket.local or "").rsplit(":", 1)[-1] for s in tcp
                     if s.socket.state == "LISTEN"}
        seen: set[int] = set()
        for s in tcp:
            sock = s.socket
            conn = (sock.proto, sock.local or "", sock.remote or "") \
                if sock.remote and not sock.remote.endswith(":0") else None
            tid = self._by_inode.get(sock.inode) if sock.inode else None
            if tid is None and conn is not None:
                tid = self._by_conn.get(conn)
            if tid is not None and tid in seen:  # two kernel sockets cannot be one trace
                tid = None
            owner = f"{s.owner.actor} fd {s.owner.fd}" if s.owner else None
            state = sock.state or "CLOSE"
            if tid is None or tid not in self._live:
                tid = len(self._all)
                self._all.append(SocketTrace(tid, sock.local, sock.remote, sock.host, owner,
                                             side_of(s, listening), (Seen(snap.t, state, step),)))
                self._live.add(tid)
            else:
                old = self._all[tid]
                states = old.states
                if states[-1].state != state:
                    states = (*states, Seen(snap.t, state, step))
                new = replace(old, local=sock.local or old.local,
                              remote=sock.remote or old.remote, owner=owner or old.owner,
                              states=states)
                if new != old:
                    self._all[tid] = new
            seen.add(tid)
            if sock.inode:
                self._by_inode[sock.inode] = tid
            if conn is not None:
                self._by_conn[conn] = tid
        for tid in self._live - seen:
            old = self._all[tid]
            self._all[tid] = replace(old, states=(*old.states, Seen(snap.t, GONE, step)))
        self._live &= seen
