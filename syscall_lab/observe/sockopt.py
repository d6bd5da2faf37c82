"""Ask a socket itself, through a copy of another process's fd (``pidfd_getfd``).

A TCP socket that is neither bound nor connected is in no kernel hash table, so sock_diag does
not list it. To still show its real state we borrow the fd with ``pidfd_getfd(2)`` (Linux 5.6+,
allowed for our own children) and ask it with ``getsockopt``: ``SO_DOMAIN``, ``SO_TYPE``,
``SO_PROTOCOL`` and, for TCP, ``TCP_INFO``'s first byte, the state. The copy is closed at once.
"""

from __future__ import annotations

import ctypes
import os
import socket
from dataclasses import dataclass

__all__ = ["SockoptRecord", "ask_socket"]

_libc = ctypes.CDLL(None, use_errno=True)
_NR_PIDFD_GETFD = 438  # the same on every architecture (include/uapi/asm-generic/unistd.h)
SO_DOMAIN, SO_PROTOCOL = 39, 38  # include/uapi/asm-generic/socket.h

_FAMILIES: dict[int, str] = {socket.AF_INET: "AF_INET", socket.AF_INET6: "AF_INET6",
                              socket.AF_UNIX: "AF_UNIX"}
_TYPES: dict[int, str] = {socket.SOCK_STREAM: "SOCK_STREAM", socket.SOCK_DGRAM: "SOCK_DGRAM",
          socket.SOCK_SEQPACKET: "SOCK_SEQPACKET", socket.SOCK_RAW: "SOCK_RAW"}
_PROTOS: dict[int, str] = {socket.IPPROTO_TCP: "tcp", socket.IPPROTO_UDP: "udp"}


@dataclass(frozen=True)
class SockoptRecord:
    """What a socket says of itself."""

    family: str
    type: str
    proto: str
    """tcp, udp, unix, or the protocol number."""
    tcp_state: int | None
    """``tcpi_state`` for TCP sockets."""
    local: str | None
    """``getsockname()``, when the socket has an address."""


def ask_socket(pid: int, fd: int) -> SockoptRecord | None:
    """Ask socket ``fd`` of process ``pid`` about itself; None if that is not possible here."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return None
    try:
        copy = _libc.syscall(_NR_PIDFD_GETFD, pidfd, fd, 0)
        if copy < 0:
            return None
    finally:
        os.close(pidfd)
    with socket.socket(fileno=copy) as s:
        family = s.getsockopt(socket.SOL_SOCKET, SO_DOMAIN)
        stype = s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
        proto_nr = s.getsockopt(socket.SOL_SOCKET, SO_PROTOCOL)
        proto = "unix" if family == socket.AF_UNIX else _PROTOS.get(proto_nr, str(proto_nr))
        state = None
        if proto == "tcp":
            state = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
        local = None
        if family in (socket.AF_INET, socket.AF_INET6):
            host, port = s.getsockname()[:2]
            if port:
                local = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        return SockoptRecord(_FAMILIES.get(family, str(family)), _TYPES.get(stype, str(stype)),
                             proto, state, local)
