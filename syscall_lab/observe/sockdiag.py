"""Sockets as the kernel's netlink sock_diag reports them (what ``ss`` itself uses).

sock_diag answers for the network namespace the netlink socket was opened in, so the lab's dump
never includes the host's sockets. It shows what no fd table can: connections waiting in a
LISTEN socket's accept queue, handshakes still in SYN_RECV, and TIME_WAIT sockets no process
holds any more.

We speak the netlink messages directly (``include/uapi/linux/inet_diag.h``, a stable kernel ABI)
instead of through pyroute2: pyroute2 0.9 decodes each message through an asyncio event loop,
which alone took 4-5 ms for 50 sockets, the whole snapshot budget. The tests check this reader
against pyroute2's decoding of the same dump, and against ``ss``.
"""

from __future__ import annotations

import os
import socket
import struct
from dataclasses import dataclass

__all__ = ["TCP_STATES", "DiagRecord", "SockDiag"]

# include/net/tcp_states.h (the kernel's names without TCP_).
TCP_STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
    6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING",
    12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}
# Every state, plus TCP_BOUND_INACTIVE (13, Linux 6.9+: sockets bound but not listening; older
# kernels ignore the bit). Asking for SYN_RECV makes the kernel add its request sockets.
ALL_STATES = (1 << 14) - 1

NETLINK_SOCK_DIAG = 4  # include/uapi/linux/netlink.h
SOCK_DIAG_BY_FAMILY = 20  # include/uapi/linux/sock_diag.h
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
INET_DIAG_INFO = 2  # include/uapi/linux/inet_diag.h: the tcp_info attribute

_NLMSGHDR = struct.Struct("=IHHII")  # len, type, flags, seq, pid
_REQ = struct.Struct("=BBBxI")  # inet_diag_req_v2: family, protocol, ext, pad, states
_SOCKID_LEN = 48  # inet_diag_sockid: sport, dport, src[4], dst[4], if, cookie[2]
_MSG = struct.Struct("=BBBB2s2s16s16sI8sIIIII")  # inet_diag_msg
_RTA = struct.Struct("=HH")
# struct tcp_info (include/uapi/linux/tcp.h): 8 one-byte fields, then __u32s; tcpi_total_retrans
# is the 24th __u32, at byte 100; tcpi_rto (microseconds) the 1st, at 8; tcpi_rtt (smoothed,
# microseconds) the 16th, at 68.
_TCPI_TOTAL_RETRANS = 100
_TCPI_RTO = 8
_TCPI_RTT = 68
_TCPI_SND_SSTHRESH = 76
_TCPI_SND_CWND = 80
TCP_INFINITE_SSTHRESH = 0x7FFFFFFF
"""ssthresh before the first loss (include/net/tcp.h): ss then prints no ``ssthresh:``."""


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
    rto_us: int | None = None
    """Its retransmission timeout now (``tcpi_rto``, what ``ss -ti`` shows as ``rto:``)."""
    rtt_us: int | None = None
    """Its smoothed round-trip time (``tcpi_rtt``, ``ss -ti``'s ``rtt:``)."""
    cwnd: int | None = None
    """Its congestion window, in segments (``tcpi_snd_cwnd``, ``ss -ti``'s ``cwnd:``)."""
    ssthresh: int | None = None
    """Its slow-start threshold (``tcpi_snd_ssthresh``; None while it is still infinite)."""


def _endpoint(family: int, raw_addr: bytes, raw_port: bytes) -> str:
    port = struct.unpack("!H", raw_port)[0]
    if family == socket.AF_INET6:
        return f"[{socket.inet_ntop(socket.AF_INET6, raw_addr)}]:{port}"
    return f"{socket.inet_ntop(socket.AF_INET, raw_addr[:4])}:{port}"


def parse_dump(data: bytes, proto: str) -> tuple[list[DiagRecord], bool]:
    """Decode the netlink messages in ``data``: (records, whether the dump is done)."""
    out: list[DiagRecord] = []
    offset = 0
    while offset + _NLMSGHDR.size <= len(data):
        length, mtype, _, _, _ = _NLMSGHDR.unpack_from(data, offset)
        if length < _NLMSGHDR.size:
            break
        body = offset + _NLMSGHDR.size
        if mtype == NLMSG_DONE:
            return out, True
        if mtype == NLMSG_ERROR:
            err = -struct.unpack_from("=i", data, body)[0]
            raise OSError(err, f"sock_diag refused the dump: {os.strerror(err)}")
        if mtype == SOCK_DIAG_BY_FAMILY:
            (family, state, timer, _, sport, dport, src, dst, _, _, _, rq, wq, _,
             inode) = _MSG.unpack_from(data, body)
            retrans = rto = rtt = cwnd = ssthresh = None
            a = body + _MSG.size
            end = offset + length
            while a + _RTA.size <= end:
                alen, atype = _RTA.unpack_from(data, a)
                if alen < _RTA.size:
                    break
                if atype == INET_DIAG_INFO and alen - _RTA.size >= _TCPI_TOTAL_RETRANS + 4:
                    info = a + _RTA.size
                    retrans = struct.unpack_from("=I", data, info + _TCPI_TOTAL_RETRANS)[0]
                    rto = struct.unpack_from("=I", data, info + _TCPI_RTO)[0]
                    rtt = struct.unpack_from("=I", data, info + _TCPI_RTT)[0]
                    cwnd = struct.unpack_from("=I", data, info + _TCPI_SND_CWND)[0]
                    ssthresh = struct.unpack_from("=I", data, info + _TCPI_SND_SSTHRESH)[0]
                    if ssthresh >= TCP_INFINITE_SSTHRESH:
                        ssthresh = None
                a += (alen + 3) & ~3
            out.append(DiagRecord(
                proto=proto, family="AF_INET6" if family == socket.AF_INET6 else "AF_INET",
                state=TCP_STATES.get(state, str(state)),
                local=_endpoint(family, src, sport), remote=_endpoint(family, dst, dport),
                inode=inode, rqueue=rq, wqueue=wq, retransmits=retrans, timer=timer,
                rto_us=rto, rtt_us=rtt, cwnd=cwnd, ssthresh=ssthresh))
        offset += (length + 3) & ~3
    return out, False


class SockDiag:
    """A netlink sock_diag socket in the current network namespace, reused across dumps."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
        self._seq = 0

    def close(self) -> None:
        self._sock.close()

    def _dump(self, family: int, ipproto: int, proto: str) -> list[DiagRecord]:
        self._seq += 1
        ext = 1 << (INET_DIAG_INFO - 1) if proto == "tcp" else 0
        req = _REQ.pack(family, ipproto, ext, ALL_STATES) + bytes(_SOCKID_LEN)
        hdr = _NLMSGHDR.pack(_NLMSGHDR.size + len(req), SOCK_DIAG_BY_FAMILY,
                             NLM_F_REQUEST | NLM_F_DUMP, self._seq, 0)
        self._sock.sendto(hdr + req, (0, 0))
        out: list[DiagRecord] = []
        while True:
            records, done = parse_dump(self._sock.recv(1 << 17), proto)
            out += records
            if done:
                return out

    def dump(self) -> list[DiagRecord]:
        """Every TCP and UDP socket, IPv4 and IPv6, in this network namespace."""
        out: list[DiagRecord] = []
        for proto, ipproto in (("tcp", socket.IPPROTO_TCP), ("udp", socket.IPPROTO_UDP)):
            for family in (socket.AF_INET, socket.AF_INET6):
                out += self._dump(family, ipproto, proto)
        return out
