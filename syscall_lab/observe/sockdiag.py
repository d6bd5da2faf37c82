"""Sockets as the kernel's netlink sock_diag reports them, through pyroute2.

sock_diag is what ``ss`` itself uses. It answers for the network namespace the netlink socket
was opened in, so the lab's dump never includes (and never pays for) the host's sockets. It
shows what no fd table can: connections waiting in a LISTEN socket's accept queue, handshakes
still in SYN_RECV, and TIME_WAIT sockets that no process holds any more.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

__all__ = ["DiagRecord", "SockDiag", "TCP_STATES"]

# include/net/tcp_states.h (the kernel's names without TCP_).
TCP_STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
    6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING",
    12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}
TCP_LISTEN = 10
# Every state, plus TCP_BOUND_INACTIVE (13, Linux 6.9+: sockets bound but not listening).
# Asking for SYN_RECV makes the kernel add its NEW_SYN_RECV request sockets (inet_diag.c).
_ALL_STATES = (1 << 14) - 1
INET_DIAG_INFO_EXT = 1 << (2 - 1)  # INET_DIAG_INFO, include/uapi/linux/inet_diag.h


@dataclass(frozen=True)
class DiagRecord:
    """One socket from an ``inet_diag`` dump."""

    proto: str
    """tcp or udp."""
    family: str
    """AF_INET or AF_INET6."""
    state: str
    """The kernel's state name (``LISTEN``, ``SYN_SENT``...)."""
    local: str
    """``address:port`` (IPv6 in brackets)."""
    remote: str
    inode: int
    """0 for sockets no fd holds: accept-queue entries, request socks, TIME_WAIT."""
    rqueue: int
    """LISTEN: connections waiting in the accept queue; others: bytes not yet read."""
    wqueue: int
    """LISTEN: the accept queue's limit (the backlog); others: bytes not yet acknowledged."""
    retransmits: int | None
    """Segments this socket has retransmitted (``tcpi_total_retrans``); None for UDP."""
    timer: int
    """The running timer: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero window probe."""


def _endpoint(family: int, addr: str, port: int) -> str:
    return f"[{addr}]:{port}" if family == socket.AF_INET6 else f"{addr}:{port}"


class SockDiag:
    """A netlink sock_diag socket in the current network namespace, reused across dumps."""

    def __init__(self) -> None:
        from pyroute2.netlink.diag import DiagSocket  # the library is slow to import: lazily

        self._ds: Any = DiagSocket()
        self._ds.bind()

    def close(self) -> None:
        self._ds.close()

    def dump(self) -> list[DiagRecord]:
        """Every TCP and UDP socket, IPv4 and IPv6, in this network namespace."""
        out: list[DiagRecord] = []
        for proto, ipproto in (("tcp", socket.IPPROTO_TCP), ("udp", socket.IPPROTO_UDP)):
            for family in (socket.AF_INET, socket.AF_INET6):
                msgs = self._ds.get_sock_stats(
                    family=family, protocol=ipproto, states=_ALL_STATES,
                    extensions=INET_DIAG_INFO_EXT if proto == "tcp" else 0)
                for m in msgs:
                    if m.get("header", {}).get("type") == 3:  # NLMSG_DONE without payload
                        continue
                    out.append(self._record(proto, family, m))
        return out

    @staticmethod
    def _record(proto: str, family: int, m: Any) -> DiagRecord:
        info = m.get_attr("INET_DIAG_INFO") if proto == "tcp" else None
        state_nr = m["idiag_state"]
        return DiagRecord(
            proto=proto,
            family="AF_INET6" if family == socket.AF_INET6 else "AF_INET",
            state=TCP_STATES.get(state_nr, str(state_nr)),
            local=_endpoint(family, m["idiag_src"], m["idiag_sport"]),
            remote=_endpoint(family, m["idiag_dst"], m["idiag_dport"]),
            inode=m["idiag_inode"],
            rqueue=m["idiag_rqueue"],
            wqueue=m["idiag_wqueue"],
            retransmits=info["tcpi_total_retrans"] if info else None,
            timer=m["idiag_timer"],
        )
