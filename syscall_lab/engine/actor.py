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
import socket
import struct
import threading
import time
from typing import Any, NoReturn

from .vocabulary import CALLS
from .vocabulary.calls import learn_restorer
from .vocabulary.perform import describe_status, libc, signal_name

__all__ = ["CHANNEL_FD_MIN", "channel_fd_floor", "describe_status", "drop_capabilities",
           "run_actor", "set_comm", "signal_name"]

CHANNEL_FD_MIN = 1000
"""Where the lab's own channel fds live, above anything a lesson opens."""

PR_SET_NAME = 15


def channel_fd_floor() -> int:
    """The lowest fd for lab channels: 1000, or lower when ``RLIMIT_NOFILE`` is small."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(64, min(CHANNEL_FD_MIN, soft - 32))


def set_comm(name: str) -> None:
    """Name this process (``/proc/PID/comm``, what ``ps`` shows); the kernel keeps 15 bytes."""
    libc().prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def drop_capabilities() -> None:
    """Give up every capability, so the actor may do what an ordinary user's process may.

    The supervisor holds capabilities inside its namespaces (to bring ``lo`` up); an actor must
    not, or ``bind()`` to port 80 would succeed where a student's own program gets EACCES.
    """
    header = struct.pack("=Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = bytes(24)  # two {effective, permitted, inheritable} sets, all empty
    if libc().capset(ctypes.c_char_p(header), ctypes.c_char_p(data)) != 0:
        raise OSError(ctypes.get_errno(), "capset")


PR_GET_TID_ADDRESS = 40


def _result(seq: int, name: str, ret: int, value: Any, err: int) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": seq, "call": name, "ret": ret}
    if ret == -1:
        out["errno"] = errno.errorcode.get(err, str(err))
        out["strerror"] = os.strerror(err)
    if value is not None:
        out["value"] = value
    returns = CALLS[name].returns
    if ret >= 0 and returns == "fd":
        out["new_fds"] = [ret]
    if returns == "fds" and ret == 0 and value:
        out["new_fds"] = value["fds"]
    return out


def _send(chan: socket.socket, msg: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(msg).encode()
    anc = []
    if fds:
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack(f"={len(fds)}i", *fds))]
    chan.sendmsg([data], anc)


_CHANNELS: dict[int, socket.socket] = {}
"""This process's lab channels by fd: its own and its threads' (a fork() child keeps only its
own; it closes the others through their socket objects, so none is closed twice)."""


def _channel_pair() -> tuple[int, int]:
    """A new channel, both ends above the student's fds so their numbering stays as in C."""
    floor = channel_fd_floor()
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with a, b:
        fa = fcntl.fcntl(a.fileno(), fcntl.F_DUPFD_CLOEXEC, floor)
        try:
            fb = fcntl.fcntl(b.fileno(), fcntl.F_DUPFD_CLOEXEC, floor)
        except OSError:
            os.close(fa)
            raise
    return fa, fb


def _thread(chan: socket.socket, seq: int) -> None:
    """pthread_create(): a real thread of this process (Python's threading makes it with
    pthread_create(), which enters clone3) that serves requests on a channel of its own. It
    shares this process's memory and its one fd table."""
    try:
        fa, fb = _channel_pair()
    except OSError as exc:
        _send(chan, _result(seq, "pthread_create", -1, None, exc.errno or 0))
        return
    started = threading.Event()
    tid: list[int] = []

    def main() -> None:
        tid.append(threading.get_native_id())
        started.set()
        _serve(socket.socket(fileno=fa), thread=True)

    try:
        threading.Thread(target=main, daemon=True).start()
    except RuntimeError:  # the kernel refused the thread (EAGAIN: RLIMIT_NPROC, memory)
        os.close(fa)
        os.close(fb)
        _send(chan, _result(seq, "pthread_create", -1, None, errno.EAGAIN))
        return
    started.wait()
    _send(chan, {"seq": seq, "call": "pthread_create", "ret": 0, "value": {"tid": tid[0]}},
          [fb])
    os.close(fb)


def _fork(chan: socket.socket, seq: int) -> socket.socket:
    """fork(): the parent returns the child's pid and passes the supervisor its channel."""
    fa = fb = -1
    try:
        fa, fb = _channel_pair()
        tid = ctypes.c_void_p()  # what glibc's fork() passes clone() as child_tidptr
        libc().prctl(PR_GET_TID_ADDRESS, ctypes.byref(tid), 0, 0, 0)
        pid = os.fork()  # glibc fork() enters clone()
    except OSError as exc:  # EAGAIN (RLIMIT_NPROC), EMFILE, ENOMEM: the kernel's answer
        for fd in (fa, fb):
            if fd >= 0:
                os.close(fd)
        _send(chan, _result(seq, "fork", -1, None, exc.errno or 0))
        return chan
    if pid == 0:  # the child: one thread, the one that called fork()
        os.close(fb)
        chan.close()
        for other in list(_CHANNELS.values()):  # its threads did not come along
            other.close()
        _CHANNELS.clear()
        child = socket.socket(fileno=fa)
        _send(child, {"seq": seq, "call": "fork", "ret": 0, "forked_child": True,
                      "channel_fd": fa})
        return child
    os.close(fa)
    _send(chan, {"seq": seq, "call": "fork", "ret": pid,
                 "value": {"child_pid": pid, "child_tidptr": tid.value}}, [fb])
    os.close(fb)
    return chan


def run_actor(channel_fd: int) -> NoReturn:
    """Serve requests on ``channel_fd`` until the supervisor hangs up. Never returns."""
    learn_restorer()
    _serve(socket.socket(fileno=channel_fd), thread=False)
    os._exit(0)


def _serve(chan: socket.socket, thread: bool) -> None:
    """One request at a time on ``chan``: the process's main thread, or one of its threads
    (which ends when its channel closes; the process ends when its main channel does)."""
    _CHANNELS[chan.fileno()] = chan
    _send(chan, {"hello": True, "channel_fd": chan.fileno()})
    while True:
        try:
            msg = chan.recv(1 << 21)
        except InterruptedError:
            continue
        except OSError:
            msg = b""
        if not msg:
            if thread:
                _CHANNELS.pop(chan.fileno(), None)
                chan.close()
                return
            os._exit(0)
        req = json.loads(msg)
        seq, name, args = req["seq"], req["call"], req["args"]
        if name == "fork":
            _CHANNELS.pop(chan.fileno(), None)
            chan = _fork(chan, seq)
            _CHANNELS[chan.fileno()] = chan
            continue
        if name == "pthread_create":
            _thread(chan, seq)
            continue
        if name == "exit":
            # _exit() does not return: say so first, then let the kernel tear us down.
            _send(chan, {"seq": seq, "call": "exit", "ret": None, "exiting": True})
            os._exit(args[0] & 0xFF)
        try:
            ctypes.set_errno(0)
            start = time.monotonic()
            perform = CALLS[name].perform
            assert perform is not None, name  # fork and exit are made above
            ret, value = perform(args)
            took = time.monotonic() - start
            err = ctypes.get_errno()
        except Exception as exc:  # a bug of ours, not the kernel's answer: report it
            _send(chan, {"seq": seq, "call": name,
                         "internal_error": f"{type(exc).__name__}: {exc}"})
            continue
        _send(chan, {**_result(seq, name, ret, value, err), "elapsed": took})
