"""What the entries' ``perform`` functions share: the C library through ``ctypes`` (so the
kernel sees exactly the syscall a C program makes) and the structs they pass it.

Only an actor process performs calls; the others (the supervisor, the runner, the UI) import
the vocabulary to check and print calls, and never load the C library for it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import socket
import struct
from typing import Any

__all__ = ["ADDR_BUFFER", "PREVIEW", "addr_out", "bytes_value", "describe_status", "libc",
           "parse_sockaddr", "signal_name", "sockaddr"]

ADDR_BUFFER = 128
"""The size of the address buffer the actor passes (a ``struct sockaddr_storage``)."""
PREVIEW = 4096
"""The most bytes of data a reply carries back (the call itself reads all it asked for)."""


@functools.cache
def libc() -> ctypes.CDLL:
    """The C library, with the return types of the calls that return ``ssize_t``."""
    lib = ctypes.CDLL(None, use_errno=True)
    for name in ("send", "recv", "sendto", "recvfrom", "read", "write"):
        getattr(lib, name).restype = ctypes.c_ssize_t
    lib.open.argtypes = [ctypes.c_char_p, ctypes.c_int]
    return lib


def sockaddr(addr: list[Any]) -> tuple[ctypes.Array[ctypes.c_char], int]:
    """``[host, port]`` as a ``struct sockaddr_in``/``sockaddr_in6`` and its length."""
    host, port = addr
    if ":" in host:
        raw = struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", port, 0)
        raw += socket.inet_pton(socket.AF_INET6, host) + struct.pack("=I", 0)
    else:
        raw = struct.pack("=H", socket.AF_INET) + struct.pack("!H", port)
        raw += socket.inet_aton(host) + bytes(8)
    return ctypes.create_string_buffer(raw, len(raw)), len(raw)


def parse_sockaddr(raw: bytes) -> list[Any] | None:
    """A ``struct sockaddr`` the kernel filled in, as ``[host, port]`` (None if not IP)."""
    if len(raw) < 2:
        return None
    family = struct.unpack("=H", raw[:2])[0]
    if family == socket.AF_INET and len(raw) >= 8:
        return [socket.inet_ntoa(raw[4:8]), struct.unpack("!H", raw[2:4])[0]]
    if family == socket.AF_INET6 and len(raw) >= 24:
        return [socket.inet_ntop(socket.AF_INET6, raw[8:24]), struct.unpack("!H", raw[2:4])[0]]
    return None


def addr_out() -> tuple[ctypes.Array[ctypes.c_char], ctypes.c_uint32]:
    """An address buffer for the kernel to fill in, and its size (in: the buffer's, out: the
    address's)."""
    return ctypes.create_string_buffer(ADDR_BUFFER), ctypes.c_uint32(ADDR_BUFFER)


def bytes_value(buf: ctypes.Array[ctypes.c_char], n: int) -> dict[str, Any]:
    """The bytes a read put in ``buf``: as text, hex and their count (PREVIEW of them)."""
    raw = buf.raw[:min(n, PREVIEW)]
    out: dict[str, Any] = {"text": raw.decode("utf-8", "replace"), "hex": raw.hex(), "bytes": n}
    if n > PREVIEW:
        out["truncated"] = True
    return out


def signal_name(number: int) -> str:
    """``SIGPIPE``; realtime signals, which have no name, as ``SIGRTMIN+3``."""
    try:
        return signal.Signals(number).name
    except ValueError:
        if signal.SIGRTMIN <= number <= signal.SIGRTMAX:
            return f"SIGRTMIN+{number - signal.SIGRTMIN}"
        return f"signal {number}"


def describe_status(status: int) -> dict[str, Any]:
    """A wait status as ``exited``/``code`` or ``signal``, and as strace prints it."""
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
        return {"exited": True, "code": code,
                "wstatus": f"[{{WIFEXITED(s) && WEXITSTATUS(s) == {code}}}]"}
    if os.WIFSIGNALED(status):
        name = signal_name(os.WTERMSIG(status))
        return {"exited": False, "signal": name,
                "wstatus": f"[{{WIFSIGNALED(s) && WTERMSIG(s) == {name}}}]"}
    return {"exited": False, "wstatus": f"[{status:#x}]"}
