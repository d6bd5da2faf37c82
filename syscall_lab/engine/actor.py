"""An actor: a process that performs one real syscall per request.

An actor is forked by the lab supervisor (never by the threaded UI process) and then does
nothing but wait on its control channel, perform the C library call it is asked for through
``ctypes`` (so the kernel sees exactly the syscall a C program would make, which ``strace``
confirms in the tests), and reply with the return value and errno.

The control channel is an ``AF_UNIX``/``SOCK_SEQPACKET`` socket kept at a high fd so that the
student's fds are numbered as in C: a fresh actor has 0, 1 and 2 on its own pty and its first
socket is fd 3. ``fork`` makes a new actor: the parent hands the supervisor a fresh channel for
the child with ``SCM_RIGHTS``, and the child answers its own ``fork() = 0``.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import signal
import socket
import struct
import time
from typing import Any, NoReturn

from .vocabulary import ADDR_BUFFER, CPU_SET_SIZE, OPTVAL_BUFFER, WORK_CALLS

__all__ = ["CHANNEL_FD_MIN", "PREVIEW", "channel_fd_floor", "describe_status",
           "drop_capabilities", "run_actor", "set_comm", "signal_name"]

CHANNEL_FD_MIN = 1000
"""Where the lab's own channel fds live, above anything a lesson opens."""

_libc = ctypes.CDLL(None, use_errno=True)
_ssize = ctypes.c_ssize_t
_libc.send.restype = _ssize
_libc.recv.restype = _ssize
_libc.sendto.restype = _ssize
_libc.recvfrom.restype = _ssize
_libc.read.restype = _ssize
_libc.write.restype = _ssize
_libc.open.argtypes = [ctypes.c_char_p, ctypes.c_int]

PR_SET_NAME = 15


def channel_fd_floor() -> int:
    """The lowest fd for lab channels: 1000, or lower when ``RLIMIT_NOFILE`` is small."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(64, min(CHANNEL_FD_MIN, soft - 32))


def set_comm(name: str) -> None:
    """Name this process (``/proc/PID/comm``, what ``ps`` shows); the kernel keeps 15 bytes."""
    _libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def drop_capabilities() -> None:
    """Give up every capability, so the actor may do what an ordinary user's process may.

    The supervisor holds capabilities inside its namespaces (to bring ``lo`` up); an actor must
    not, or ``bind()`` to port 80 would succeed where a student's own program gets EACCES.
    """
    header = struct.pack("=Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = bytes(24)  # two {effective, permitted, inheritable} sets, all empty
    if _libc.capset(ctypes.c_char_p(header), ctypes.c_char_p(data)) != 0:
        raise OSError(ctypes.get_errno(), "capset")


# ---------------------------------------------------------------------------------------
# struct sockaddr packing

def _sockaddr(addr: list[Any]) -> tuple[ctypes.Array[ctypes.c_char], int]:
    host, port = addr
    if ":" in host:
        raw = struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", port, 0)
        raw += socket.inet_pton(socket.AF_INET6, host) + struct.pack("=I", 0)
    else:
        raw = struct.pack("=H", socket.AF_INET) + struct.pack("!H", port)
        raw += socket.inet_aton(host) + bytes(8)
    return ctypes.create_string_buffer(raw, len(raw)), len(raw)


def _parse_sockaddr(raw: bytes) -> list[Any] | None:
    if len(raw) < 2:
        return None
    family = struct.unpack("=H", raw[:2])[0]
    if family == socket.AF_INET and len(raw) >= 8:
        return [socket.inet_ntoa(raw[4:8]), struct.unpack("!H", raw[2:4])[0]]
    if family == socket.AF_INET6 and len(raw) >= 24:
        return [socket.inet_ntop(socket.AF_INET6, raw[8:24]), struct.unpack("!H", raw[2:4])[0]]
    return None


def _addr_out() -> tuple[ctypes.Array[ctypes.c_char], ctypes.c_uint32]:
    return ctypes.create_string_buffer(ADDR_BUFFER), ctypes.c_uint32(ADDR_BUFFER)


PREVIEW = 4096
"""The most bytes of data a reply carries back (the call itself reads all it asked for)."""


def _bytes_value(buf: ctypes.Array[ctypes.c_char], n: int) -> dict[str, Any]:
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


# ---------------------------------------------------------------------------------------
# The calls. Each returns (ret, value); ret -1 means errno is set.

def _call(name: str, args: list[Any]) -> tuple[int, Any]:
    L = _libc
    if name == "socket":
        return L.socket(*args), None
    if name in ("bind", "connect"):
        buf, n = _sockaddr(args[1])
        return getattr(L, name)(args[0], buf, n), None
    if name == "listen":
        return L.listen(args[0], args[1]), None
    if name in ("accept", "getsockname", "getpeername"):
        buf, alen = _addr_out()
        ret = getattr(L, name)(args[0], buf, ctypes.byref(alen))
        return ret, ({"addr": _parse_sockaddr(buf.raw[:alen.value])} if ret >= 0
                     else {"buffer": ctypes.addressof(buf)})
    if name == "send":
        data = args[1].encode()
        return L.send(args[0], data, len(data), args[2]), None
    if name == "sendto":
        data = args[1].encode()
        buf, n = _sockaddr(args[3])
        return L.sendto(args[0], data, len(data), args[2], buf, n), None
    if name in ("recv", "read"):
        out = ctypes.create_string_buffer(max(1, args[1]))
        ret = (L.recv(args[0], out, args[1], args[2]) if name == "recv"
               else L.read(args[0], out, args[1]))
        return ret, (_bytes_value(out, ret) if ret >= 0 else None)
    if name == "recvfrom":
        out = ctypes.create_string_buffer(max(1, args[1]))
        buf, alen = _addr_out()
        ret = L.recvfrom(args[0], out, args[1], args[2], buf, ctypes.byref(alen))
        if ret < 0:
            return ret, {"buffer": ctypes.addressof(buf)}
        return ret, {**_bytes_value(out, ret), "addr": _parse_sockaddr(buf.raw[:alen.value])}
    if name == "write":
        data = args[1].encode()
        return L.write(args[0], data, len(data)), None
    if name == "shutdown":
        return L.shutdown(args[0], args[1]), None
    if name == "close":
        return L.close(args[0]), None
    if name == "setsockopt":
        fd, level, opt, val = args
        raw = struct.pack("=ii", *val) if isinstance(val, list) else struct.pack("=i", val)
        return L.setsockopt(fd, level, opt, raw, len(raw)), None
    if name == "getsockopt":
        fd, level, opt = args
        out = ctypes.create_string_buffer(OPTVAL_BUFFER)
        olen = ctypes.c_uint32(OPTVAL_BUFFER)
        ret = L.getsockopt(fd, level, opt, out, ctypes.byref(olen))
        if ret < 0:
            return ret, None
        raw = out.raw[:olen.value]
        if (level, opt) == (socket.SOL_SOCKET, socket.SO_LINGER):
            return ret, {"optval": list(struct.unpack("=ii", raw))}
        return ret, {"optval": struct.unpack("=i", raw[:4])[0]}
    if name == "open":
        return L.open(args[0].encode(), args[1]), None
    if name in ("pipe", "socketpair"):
        fds = (ctypes.c_int * 2)()
        ret = L.pipe(fds) if name == "pipe" else L.socketpair(*args, fds)
        return ret, ({"fds": [fds[0], fds[1]]} if ret == 0 else None)
    if name == "dup":
        return L.dup(args[0]), None
    if name == "dup2":
        return L.dup2(args[0], args[1]), None
    if name == "waitpid":
        status = ctypes.c_int(0)
        ret = L.waitpid(args[0], ctypes.byref(status), args[1])
        return ret, ({"pid": ret, **describe_status(status.value)} if ret > 0 else None)
    if name == "getpid":
        return L.getpid(), None
    if name == "sleep":
        return L.sleep(args[0]), None
    if name == "sched_setaffinity":
        pid, cpus = args
        mask = bytearray(CPU_SET_SIZE)
        for c in cpus:
            mask[c // 8] |= 1 << (c % 8)
        cpu_set = ctypes.create_string_buffer(bytes(mask), CPU_SET_SIZE)
        return L.sched_setaffinity(pid, ctypes.c_size_t(CPU_SET_SIZE), cpu_set), None
    if name in WORK_CALLS:
        from . import work  # only the concurrency lesson pays for its import

        return getattr(work, name)(*args)  # type: ignore[no-any-return]
    raise ValueError(f"no such call {name}")


NEW_FD_CALLS = frozenset({"socket", "accept", "open", "dup", "dup2"})


def _result(seq: int, name: str, ret: int, value: Any, err: int) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": seq, "call": name, "ret": ret}
    if ret == -1:
        out["errno"] = errno.errorcode.get(err, str(err))
        out["strerror"] = os.strerror(err)
    elif value is not None:
        out["value"] = value
    if ret >= 0 and name in NEW_FD_CALLS:
        out["new_fds"] = [ret]
    if name in ("pipe", "socketpair") and value:
        out["new_fds"] = value["fds"]
    return out


def _send(chan: socket.socket, msg: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(msg).encode()
    anc = []
    if fds:
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack(f"={len(fds)}i", *fds))]
    chan.sendmsg([data], anc)


def _fork(chan: socket.socket, seq: int) -> socket.socket:
    """fork(): the parent returns the child's pid and passes the supervisor its channel."""
    floor = channel_fd_floor()
    fa = fb = -1
    try:
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with a, b:
            # Move both ends above the student's fds so fork() leaves their numbering as it is.
            fa = fcntl.fcntl(a.fileno(), fcntl.F_DUPFD_CLOEXEC, floor)
            fb = fcntl.fcntl(b.fileno(), fcntl.F_DUPFD_CLOEXEC, floor)
        pid = os.fork()  # glibc fork() enters clone()
    except OSError as exc:  # EAGAIN (RLIMIT_NPROC), EMFILE, ENOMEM: the kernel's answer
        for fd in (fa, fb):
            if fd >= 0:
                os.close(fd)
        _send(chan, _result(seq, "fork", -1, None, exc.errno or 0))
        return chan
    if pid == 0:
        os.close(fb)
        chan.close()
        child = socket.socket(fileno=fa)
        _send(child, {"seq": seq, "call": "fork", "ret": 0, "forked_child": True,
                      "channel_fd": fa})
        return child
    os.close(fa)
    _send(chan, {"seq": seq, "call": "fork", "ret": pid, "value": {"child_pid": pid}}, [fb])
    os.close(fb)
    return chan


def run_actor(channel_fd: int) -> NoReturn:
    """Serve requests on ``channel_fd`` until the supervisor hangs up. Never returns."""
    chan = socket.socket(fileno=channel_fd)
    _send(chan, {"hello": True, "channel_fd": channel_fd})
    while True:
        try:
            msg = chan.recv(1 << 21)
        except InterruptedError:
            continue
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)
        req = json.loads(msg)
        seq, name, args = req["seq"], req["call"], req["args"]
        if name == "fork":
            chan = _fork(chan, seq)
            continue
        if name == "exit":
            # _exit() does not return: say so first, then let the kernel tear us down.
            _send(chan, {"seq": seq, "call": "exit", "ret": None, "exiting": True})
            os._exit(args[0] & 0xFF)
        try:
            ctypes.set_errno(0)
            start = time.monotonic()
            ret, value = _call(name, args)
            took = time.monotonic() - start
            err = ctypes.get_errno()
        except Exception as exc:  # a bug of ours, not the kernel's answer: report it
            _send(chan, {"seq": seq, "call": name,
                         "internal_error": f"{type(exc).__name__}: {exc}"})
            continue
        _send(chan, {**_result(seq, name, ret, value, err), "elapsed": took})
