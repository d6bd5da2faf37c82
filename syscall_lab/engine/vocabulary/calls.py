"""The registry: one entry per call an actor can be asked to make.

An entry is everything about one call: the C library function a student writes and its
prototype, the kernel syscall glibc enters for it on each architecture (name and number:
``open()`` is ``openat``, ``send()`` is ``sendto``), its parameters and their kinds, how the
actor performs it, how strace prints it and what its result is. Adding a call is adding an
entry here; ``tests/test_vocabulary.py`` performs every entry on the real kernel under strace.
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...i18n import Msg
from .kinds import (
    ARCH_ALIASES,
    CPU_SET_SIZE,
    EPOLL_EVENTS,
    FCNTL_CMDS,
    FD_FLAGS,
    OPTNAMES,
    OPTVAL_BUFFER,
    POLL_EVENTS,
    SA_FLAGS,
    WRITABLE_PATHS,
    ArgumentError,
    Param,
    UnknownCallError,
    did_you_mean,
    either,
    format_sockaddr,
    machine_arch,
    normalize_arg,
    show_arg,
    show_flags,
    sockaddr_len,
)
from .perform import ADDR_BUFFER, addr_out, bytes_value, describe_status, libc, parse_sockaddr
from .perform import sockaddr as pack_sockaddr

__all__ = ["CALLS", "SYSCALL_NUMBERS", "WORK_CALLS", "Call", "Shown", "format_call", "lookup",
           "normalize_args", "syscall_for", "syscall_name_by_number"]


@dataclass(frozen=True)
class Shown:
    """A call on its way to being printed: what :attr:`Call.strace` is given."""

    syscall: str
    """The syscall entered on this architecture (``dup3`` for ``dup2()`` on aarch64)."""
    parts: list[str]
    """Each parameter as strace shows its kind."""
    args: Sequence[Any]
    value: Any
    """What the kernel filled in (the reply's ``value``), or None."""
    done: bool
    """The call has returned (a blocked call's out-parameters are not filled in yet)."""


Perform = Callable[[list[Any]], tuple[int, Any]]
"""Make the call in the actor: ``(ret, value)``; ``ret == -1`` means errno is set."""
Strace = Callable[[Shown], list[str]]
"""The syscall's arguments as strace prints them; a last ``"..."`` means the kernel has not
filled in the rest yet (strace's ``<unfinished ...>``)."""


def _as_is(s: Shown) -> list[str]:
    return s.parts


@dataclass(frozen=True)
class Call:
    """One entry of the vocabulary."""

    name: str
    """The C library function (``accept``)."""
    signature: str
    """Its prototype as the man page writes it."""
    params: tuple[Param, ...]
    syscalls: Mapping[str, tuple[str, int]]
    """Architecture -> the kernel syscall glibc enters for this function: (name, number)."""
    returns: str
    """What a non-negative return value is: fd, fds, int, bytes, pid, none, thread (0, and a
    new thread that is an actor), work (a measurement of CPU-bound work: wall and CPU time)."""
    perform: Perform | None
    """How the actor makes it; None for the calls that change the actor itself (``fork``,
    ``exit``), which the actor's loop makes."""
    strace: Strace = _as_is
    shows_ret: Callable[[int, Shown], str] | None = None
    """How strace prints a successful return when it says more than the number
    (``= 0x802 (flags O_RDWR|O_NONBLOCK)``, ``= 1 ([{fd=3, revents=POLLIN}])``)."""
    blocks: bool = False
    """Whether the call can sleep in the kernel waiting for something to happen."""
    summary: str = ""

    def syscall(self, arch: str | None = None) -> tuple[str, int | None]:
        """The kernel syscall (name, number) entered on ``arch`` (default: this machine)."""
        return syscall_for(self, arch)

    @property
    def helper(self) -> bool:
        """A lab helper for CPU-bound work (``work``, ``workers``), not one C library call."""
        return self.returns == "work"


def _nr(x86_64: tuple[str, int], aarch64: tuple[str, int]) -> dict[str, tuple[str, int]]:
    return {"x86_64": x86_64, "aarch64": aarch64}


FD = Param("fd", "fd")


# ---------------------------------------------------------------------------------------
# How each call is made. The actor sets errno to 0 before and reads it after.

def _socket(a: list[Any]) -> tuple[int, Any]:
    return libc().socket(*a), None


def _with_addr(name: str) -> Perform:
    def perform(a: list[Any]) -> tuple[int, Any]:
        buf, n = pack_sockaddr(a[1])
        return getattr(libc(), name)(a[0], buf, n), None
    return perform


def _addr_filled(name: str) -> Perform:
    def perform(a: list[Any]) -> tuple[int, Any]:
        buf, alen = addr_out()
        ret = getattr(libc(), name)(a[0], buf, ctypes.byref(alen))
        return ret, ({"addr": parse_sockaddr(buf.raw[:alen.value])} if ret >= 0
                     else {"buffer": ctypes.addressof(buf)})
    return perform


def _plain(name: str) -> Perform:
    def perform(a: list[Any]) -> tuple[int, Any]:
        return getattr(libc(), name)(*a), None
    return perform


def _send(a: list[Any]) -> tuple[int, Any]:
    data = a[1].encode()
    return libc().send(a[0], data, len(data), a[2]), None


def _sendto(a: list[Any]) -> tuple[int, Any]:
    data = a[1].encode()
    buf, n = pack_sockaddr(a[3])
    return libc().sendto(a[0], data, len(data), a[2], buf, n), None


def _read_into(name: str) -> Perform:
    def perform(a: list[Any]) -> tuple[int, Any]:
        out = ctypes.create_string_buffer(max(1, a[1]))
        ret = (libc().recv(a[0], out, a[1], a[2]) if name == "recv"
               else libc().read(a[0], out, a[1]))
        return ret, (bytes_value(out, ret) if ret >= 0 else {"buffer": ctypes.addressof(out)})
    return perform


def _recvfrom(a: list[Any]) -> tuple[int, Any]:
    out = ctypes.create_string_buffer(max(1, a[1]))
    buf, alen = addr_out()
    ret = libc().recvfrom(a[0], out, a[1], a[2], buf, ctypes.byref(alen))
    if ret < 0:
        return ret, {"buffer": ctypes.addressof(out), "addr_buffer": ctypes.addressof(buf)}
    return ret, {**bytes_value(out, ret), "addr": parse_sockaddr(buf.raw[:alen.value])}


def _write(a: list[Any]) -> tuple[int, Any]:
    data = a[1].encode()
    return libc().write(a[0], data, len(data)), None


def _setsockopt(a: list[Any]) -> tuple[int, Any]:
    fd, level, opt, val = a
    raw = struct.pack("=ii", *val) if isinstance(val, list) else struct.pack("=i", val)
    return libc().setsockopt(fd, level, opt, raw, len(raw)), None


def _getsockopt(a: list[Any]) -> tuple[int, Any]:
    fd, level, opt = a
    out = ctypes.create_string_buffer(OPTVAL_BUFFER)
    olen = ctypes.c_uint32(OPTVAL_BUFFER)
    ret = libc().getsockopt(fd, level, opt, out, ctypes.byref(olen))
    if ret < 0:
        return ret, {"buffer": ctypes.addressof(out)}
    raw = out.raw[:olen.value]
    if (level, opt) == (socket.SOL_SOCKET, socket.SO_LINGER):
        return ret, {"optval": list(struct.unpack("=ii", raw)), "optlen": olen.value}
    return ret, {"optval": struct.unpack("=i", raw[:4])[0], "optlen": olen.value}


def _open(a: list[Any]) -> tuple[int, Any]:
    return libc().open(a[0].encode(), a[1]), None


def _pair(name: str) -> Perform:
    def perform(a: list[Any]) -> tuple[int, Any]:
        fds = (ctypes.c_int * 2)()
        ret = libc().pipe(fds) if name == "pipe" else libc().socketpair(*a, fds)
        return ret, ({"fds": [fds[0], fds[1]]} if ret == 0 else None)
    return perform


def _waitpid(a: list[Any]) -> tuple[int, Any]:
    status = ctypes.c_int(0)
    ret = libc().waitpid(a[0], ctypes.byref(status), a[1])
    if ret > 0:
        return ret, {"pid": ret, **describe_status(status.value)}
    return ret, {"buffer": ctypes.addressof(status)}


def _sleep(a: list[Any]) -> tuple[int, Any]:
    # What glibc's sleep() does: clock_nanosleep(CLOCK_REALTIME, 0, &ts, &ts). Made here
    # with our own timespec so the line can show where its remainder would be written.
    req, rem = _Timespec(a[0], 0), _Timespec(0, 0)
    err = libc().clock_nanosleep(0, 0, ctypes.byref(req), ctypes.byref(rem))
    if err:  # it returns the error number itself
        ctypes.set_errno(err)
        return -1, {"buffer": ctypes.addressof(rem)}
    return 0, {"buffer": ctypes.addressof(rem)}


def _sched_setaffinity(a: list[Any]) -> tuple[int, Any]:
    pid, cpus = a
    mask = bytearray(CPU_SET_SIZE)
    for c in cpus:
        mask[c // 8] |= 1 << (c % 8)
    cpu_set = ctypes.create_string_buffer(bytes(mask), CPU_SET_SIZE)
    return libc().sched_setaffinity(pid, ctypes.c_size_t(CPU_SET_SIZE), cpu_set), None


def _fcntl(a: list[Any]) -> tuple[int, Any]:
    fd, cmd, arg = a
    ret = libc().fcntl(fd, cmd, arg)
    return ret, None


def _accept4(a: list[Any]) -> tuple[int, Any]:
    buf, alen = addr_out()
    ret = libc().accept4(a[0], buf, ctypes.byref(alen), a[1])
    return ret, ({"addr": parse_sockaddr(buf.raw[:alen.value])} if ret >= 0
                 else {"buffer": ctypes.addressof(buf)})


class _PollFd(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]


def _poll(a: list[Any]) -> tuple[int, Any]:
    fds, timeout, events = a
    arr = (_PollFd * max(1, len(fds)))(*[_PollFd(fd, events, 0) for fd in fds])
    ret = libc().poll(arr, len(fds), timeout)
    if ret < 0:
        return ret, None
    got = [[p.fd, p.revents & 0xFFFF] for p in arr[:len(fds)] if p.revents]
    return ret, {"ready": sorted({fd for fd, _ in got}), "revents": got}


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


FD_SET_BYTES = 128  # sizeof(fd_set): FD_SETSIZE 1024 bits


def _fd_set(fds: list[int]) -> ctypes.Array[ctypes.c_char]:
    raw = bytearray(FD_SET_BYTES)
    for fd in fds:
        raw[fd // 8] |= 1 << (fd % 8)
    return ctypes.create_string_buffer(bytes(raw), FD_SET_BYTES)


def _in_set(buf: ctypes.Array[ctypes.c_char], fds: list[int]) -> list[int]:
    return [fd for fd in fds if buf.raw[fd // 8] & (1 << (fd % 8))]


def _select(a: list[Any]) -> tuple[int, Any]:
    # glibc's select() enters pselect6 with the timeout as a timespec and no signal mask; it is
    # made here as glibc makes it, so the line can show the time the kernel says was left.
    rd, wr, timeout = a
    nfds = max([*rd, *wr, -1]) + 1
    rset, wset = _fd_set(rd), _fd_set(wr)
    ts = _Timespec(timeout // 1000, (timeout % 1000) * 1_000_000) if timeout >= 0 else None
    ret = libc().syscall(ctypes.c_long(CALLS["select"].syscalls[machine_arch()][1]), nfds,
                         rset if rd else None, wset if wr else None, None,
                         ctypes.byref(ts) if ts is not None else None, None)
    if ret < 0:
        return ret, None
    readable, writable = _in_set(rset, rd), _in_set(wset, wr)
    out: dict[str, Any] = {"ready": sorted({*readable, *writable}), "readable": readable,
                           "writable": writable}
    if ts is not None:
        out["left"] = [ts.tv_sec, ts.tv_nsec]
    return ret, out


class _EpollEvent(ctypes.Structure):
    # struct epoll_event is packed on x86_64 (12 bytes), aligned elsewhere (16)
    _pack_ = 1 if machine_arch() == "x86_64" else 8
    _fields_ = [("events", ctypes.c_uint32), ("data", ctypes.c_uint64)]


def _epoll_create1(a: list[Any]) -> tuple[int, Any]:
    return libc().epoll_create1(a[0]), None


def _epoll_ctl(a: list[Any]) -> tuple[int, Any]:
    epfd, op, fd, events = a
    ev = _EpollEvent(events, fd)  # data: the fd itself, as most servers keep it
    return libc().epoll_ctl(epfd, op, fd, ctypes.byref(ev)), None


def _epoll_wait(a: list[Any]) -> tuple[int, Any]:
    epfd, maxevents, timeout = a
    evs = (_EpollEvent * maxevents)()
    ret = libc().epoll_wait(epfd, evs, maxevents, timeout)
    if ret < 0:
        return ret, None
    got = [[int(e.data), int(e.events)] for e in evs[:ret]]
    return ret, {"ready": sorted({fd for fd, _ in got}), "events": got}


class _Sigaction(ctypes.Structure):
    """glibc's struct sigaction: the handler, a 1024-bit sigset_t, the flags, the restorer."""
    _fields_ = [("sa_handler", ctypes.c_void_p), ("sa_mask", ctypes.c_uint64 * 16),
                ("sa_flags", ctypes.c_int), ("sa_restorer", ctypes.c_void_p)]


SA_RESTART = SA_FLAGS["SA_RESTART"]
_RESTORER: list[int] = []
"""glibc's signal trampoline (__restore_rt), which its sigaction() puts in every action it sets;
learnt once, at the actor's start (:func:`learn_restorer`), to print it as strace does."""


def learn_restorer() -> None:
    """Read the trampoline glibc gives SIGPIPE's action (the lab set it with glibc already)."""
    cur = _Sigaction()
    if libc().sigaction(13, None, ctypes.byref(cur)) == 0 and cur.sa_restorer:
        _RESTORER[:] = [int(cur.sa_restorer)]


def _action(act: _Sigaction) -> dict[str, Any]:
    mask = act.sa_mask[0]
    return {"handler": int(act.sa_handler or 0),
            "mask": [n + 1 for n in range(64) if mask >> n & 1],
            "flags": int(act.sa_flags) & 0xFFFFFFFF, "restorer": int(act.sa_restorer or 0)}


def _signal(a: list[Any]) -> tuple[int, Any]:
    # What glibc's signal() does (BSD semantics): sigaction() with the signal itself masked
    # while its handler runs and SA_RESTART; made here so the old action can be printed.
    sig, handler = a
    act, old = _Sigaction(), _Sigaction()
    act.sa_handler = handler
    act.sa_mask[(sig - 1) // 64] = 1 << ((sig - 1) % 64)
    act.sa_flags = SA_RESTART
    ret = libc().sigaction(sig, ctypes.byref(act), ctypes.byref(old))
    if ret < 0:
        return ret, None
    return ret, {"old": _action(old), "restorer": _RESTORER[0] if _RESTORER else None,
                 "old_handler": _handler_name(int(old.sa_handler or 0))}


def _handler_name(h: int) -> str:
    return {0: "SIG_DFL", 1: "SIG_IGN"}.get(h, hex(h))


def _work(name: str) -> Perform:
    def perform(a: list[Any]) -> tuple[int, Any]:
        from .. import work  # only the concurrency lesson pays for its import

        return getattr(work, name)(*a)  # type: ignore[no-any-return]
    return perform


# ---------------------------------------------------------------------------------------
# How strace prints what the kernel filled in.

def _where(value: Any, key: str = "buffer") -> str:
    where = value.get(key) if isinstance(value, dict) else None
    return hex(where) if isinstance(where, int) else "NULL"


def _addr_filled_in(s: Shown, buffer: str = "buffer") -> list[str]:
    """The address buffer: the peer's address and ``[128 => 16]`` (the size in, the length
    out), or where the buffer lies and ``[128]`` when the kernel filled in nothing (``buffer``
    names the value's key for that address)."""
    if not s.done:
        return [*s.parts, "..."]
    peer = s.value.get("addr") if isinstance(s.value, dict) else None
    if peer:
        return [*s.parts, f"{format_sockaddr(peer)}, [{ADDR_BUFFER} => {sockaddr_len(peer)}]"]
    return [*s.parts, f"{_where(s.value, buffer)}, [{ADDR_BUFFER}]"]


def _recv_strace(s: Shown) -> list[str]:  # recv(fd, buf, len, flags) is recvfrom(..., NULL, NULL)
    return [*s.parts, "NULL", "NULL"] if s.done else [s.parts[0], "..."]


def _recvfrom_strace(s: Shown) -> list[str]:
    if not s.done:
        return [s.parts[0], "..."]
    return _addr_filled_in(s, buffer="addr_buffer")


def _read_strace(s: Shown) -> list[str]:
    return s.parts if s.done else [s.parts[0], "..."]


def _getsockopt_strace(s: Shown) -> list[str]:
    got = s.value.get("optval") if isinstance(s.value, dict) else None
    n = s.value.get("optlen") if isinstance(s.value, dict) else None
    if got is None:
        return [*s.parts, _where(s.value), f"[{OPTVAL_BUFFER}]"]
    size = f"[{OPTVAL_BUFFER}]" if n == OPTVAL_BUFFER else f"[{OPTVAL_BUFFER} => {n}]"
    if isinstance(got, list):
        return [*s.parts, f"{{l_onoff={got[0]}, l_linger={got[1]}}}", size]
    return [*s.parts, f"[{got}]", size]


def _fds_strace(s: Shown) -> list[str]:
    fds = s.value.get("fds") if isinstance(s.value, dict) else None
    pair = f"[{fds[0]}, {fds[1]}]" if fds else "..."
    return [*s.parts, pair, "0"] if s.syscall == "pipe2" else [*s.parts, pair]


def _fork_strace(s: Shown) -> list[str]:
    tid = s.value.get("child_tidptr") if isinstance(s.value, dict) else None
    out = ["child_stack=NULL", "flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"]
    return [*out, f"child_tidptr={hex(tid) if isinstance(tid, int) else '...'}"]


THREAD_FLAGS = ("CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
                "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID")
"""What glibc's pthread_create() asks clone3 for: one memory, one fd table (CLONE_FILES), one
set of signal handlers, one thread group."""


def _thread_strace(s: Shown) -> list[str]:
    # The addresses are glibc's (the new thread's stack and its struct pthread): not ours to
    # know, so they are shown as 0x... (the vocabulary test masks strace's the same way).
    tid = s.value.get("tid") if isinstance(s.value, dict) else None
    said = f"{{flags={THREAD_FLAGS}, child_tid=0x..., parent_tid=0x..., exit_signal=0, " \
           "stack=0x..., stack_size=0x..., tls=0x...}"
    return [said + (f" => {{parent_tid=[{tid}]}}" if tid is not None else ""), "88"]


def _thread_ret(ret: int, s: Shown) -> str:  # clone3 returns the thread's id; pthread_create 0
    tid = s.value.get("tid") if isinstance(s.value, dict) else None
    return str(tid if tid is not None else ret)


def _sigset(numbers: Sequence[int]) -> str:
    return "[" + " ".join(show_arg("signal", n, (), None)[3:] for n in numbers) + "]"


def _shown_action(handler: str, mask: Sequence[int], flags: int, restorer: int | None) -> str:
    out = (f"{{sa_handler={handler}, sa_mask={_sigset(mask)}, "
           f"sa_flags={show_flags(flags, SA_FLAGS)}")
    if flags & SA_FLAGS["SA_RESTORER"]:
        out += f", sa_restorer={hex(restorer) if restorer else '0x...'}"
    return out + "}"


def _signal_strace(s: Shown) -> list[str]:
    sig = s.args[0]
    v = s.value if isinstance(s.value, dict) else {}
    new = _shown_action(s.parts[1], [sig], SA_RESTART | SA_FLAGS["SA_RESTORER"],
                        v.get("restorer"))
    old = v.get("old")
    was = _shown_action(_handler_name(old["handler"]), old["mask"], old["flags"],
                        old["restorer"]) if isinstance(old, dict) else "0x..."
    return [s.parts[0], new, was, "8"]


def _waitpid_strace(s: Shown) -> list[str]:
    status = s.value.get("wstatus") if isinstance(s.value, dict) else None
    if not s.done:
        return [s.parts[0], "..."]
    return [s.parts[0], status or _where(s.value), s.parts[1], "NULL"]


def _sleep_strace(s: Shown) -> list[str]:
    return ["CLOCK_REALTIME", "0", f"{{tv_sec={s.args[0]}, tv_nsec=0}}", _where(s.value)]


def _fcntl_strace(s: Shown) -> list[str]:  # the getters take no argument
    return s.parts[:2] if s.args[1] in (FCNTL_GETFL, FCNTL_GETFD) else s.parts


def _fcntl_ret(ret: int, s: Shown) -> str:
    if s.args[1] == FCNTL_GETFL:
        return f"{ret:#x} (flags {show_arg('oflags', ret, s.args, None)})"
    if s.args[1] == FCNTL_GETFD:
        return f"{ret:#x} (flags {show_flags(ret, FD_FLAGS)})" if ret else "0"
    return str(ret)


def _accept4_strace(s: Shown) -> list[str]:
    got = _addr_filled_in(Shown(s.syscall, s.parts[:1], s.args, s.value, s.done))
    return got if got[-1] == "..." else [*got, s.parts[1]]


def _pollfds(s: Shown) -> str:
    ev = show_flags(s.args[2], POLL_EVENTS)
    return "[" + ", ".join(f"{{fd={fd}, events={ev}}}" for fd in s.args[0]) + "]"


def _poll_strace(s: Shown) -> list[str]:
    fds, timeout = s.args[0], s.args[1]
    if s.syscall == "ppoll":  # aarch64: the timeout as a timespec, no signal mask
        ts = "NULL" if timeout < 0 else \
            f"{{tv_sec={timeout // 1000}, tv_nsec={(timeout % 1000) * 1_000_000}}}"
        return [_pollfds(s), str(len(fds)), ts, "NULL", "0"]
    return [_pollfds(s), str(len(fds)), str(timeout)]


def _poll_ret(ret: int, s: Shown) -> str:
    if ret == 0:
        return "0 (Timeout)"
    got = s.value.get("revents", []) if isinstance(s.value, dict) else []
    return f"{ret} ([" + ", ".join(f"{{fd={fd}, revents={show_flags(ev, POLL_EVENTS)}}}"
                                   for fd, ev in got) + "])"


def _fd_list(fds: Sequence[int]) -> str:
    return "[" + " ".join(map(str, fds)) + "]" if fds else "NULL"


def _select_strace(s: Shown) -> list[str]:
    rd, wr, timeout = s.args
    nfds = max([*rd, *wr, -1]) + 1
    ts = "NULL" if timeout < 0 else \
        f"{{tv_sec={timeout // 1000}, tv_nsec={(timeout % 1000) * 1_000_000}}}"
    return [str(nfds), _fd_list(rd), _fd_list(wr), "NULL", ts, "NULL"]


def _select_ret(ret: int, s: Shown) -> str:
    v = s.value if isinstance(s.value, dict) else {}
    said = [f"{name} {_fd_list(v[key])}" for name, key in (("in", "readable"), ("out", "writable"))
            if v.get(key)]
    if v.get("left") is not None:
        said.append(f"left {{tv_sec={v['left'][0]}, tv_nsec={v['left'][1]}}}")
    if ret == 0:
        return "0 (Timeout)"
    return f"{ret} ({', '.join(said)})"


def _epoll_ctl_strace(s: Shown) -> list[str]:
    fd = s.args[2]
    return [*s.parts[:3], f"{{events={s.parts[3]}, data={{u32={fd}, u64={fd}}}}}"]


def _epoll_wait_strace(s: Shown) -> list[str]:
    _, maxevents, timeout = s.args
    if not s.done:
        return [s.parts[0], "..."]
    got = s.value.get("events", []) if isinstance(s.value, dict) else []
    evs = "[" + ", ".join(f"{{events={show_flags(ev, EPOLL_EVENTS)}, data={{u32={fd}, u64={fd}}}}}"
                          for fd, ev in got) + "]"
    rest = [str(maxevents), str(timeout)]
    return [s.parts[0], evs, *rest, "NULL", "8"] if s.syscall == "epoll_pwait" else \
        [s.parts[0], evs, *rest]


FCNTL_GETFL, FCNTL_GETFD = FCNTL_CMDS["F_GETFL"], FCNTL_CMDS["F_GETFD"]

CALLS: dict[str, Call] = {c.name: c for c in [
    Call("socket", "int socket(int domain, int type, int protocol);",
         (Param("domain", "domain"), Param("type", "socktype"), Param("protocol", "protocol", 0)),
         _nr(("socket", 41), ("socket", 198)), "fd", _socket,
         summary=Msg("create an endpoint for communication")),
    Call("socketpair", "int socketpair(int domain, int type, int protocol, int sv[2]);",
         (Param("domain", "domain"), Param("type", "socktype"), Param("protocol", "protocol", 0)),
         _nr(("socketpair", 53), ("socketpair", 199)), "fds", _pair("socketpair"), _fds_strace,
         summary=Msg("create a pair of connected sockets (AF_UNIX): what one sends, the other "
                     "reads")),
    Call("bind", "int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);",
         (Param("sockfd", "fd"), Param("addr", "addr")), _nr(("bind", 49), ("bind", 200)),
         "int", _with_addr("bind"), summary=Msg("give a socket its local address")),
    Call("listen", "int listen(int sockfd, int backlog);",
         (Param("sockfd", "fd"), Param("backlog", "int")), _nr(("listen", 50), ("listen", 201)),
         "int", _plain("listen"),
         summary=Msg("mark a socket as passive: it will accept connections")),
    Call("accept", "int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"),), _nr(("accept", 43), ("accept", 202)), "fd",
         _addr_filled("accept"), _addr_filled_in, blocks=True,
         summary=Msg("take the first connection from the accept queue")),
    Call("accept4", "int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, "
                    "int flags);",
         (Param("sockfd", "fd"), Param("flags", "sockflags", 0)),
         _nr(("accept4", 288), ("accept4", 242)), "fd", _accept4, _accept4_strace, blocks=True,
         summary=Msg("accept(), with the new socket's flags set at once (SOCK_NONBLOCK, "
                     "SOCK_CLOEXEC)")),
    Call("connect", "int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);",
         (Param("sockfd", "fd"), Param("addr", "addr")), _nr(("connect", 42), ("connect", 203)),
         "int", _with_addr("connect"), blocks=True,
         summary=Msg("connect a socket to a peer (TCP: the three-way handshake)")),
    Call("send", "ssize_t send(int sockfd, const void *buf, size_t len, int flags);",
         (Param("sockfd", "fd"), Param("buf", "data"), Param("flags", "msgflags", 0)),
         _nr(("sendto", 44), ("sendto", 206)), "int", _send,
         lambda s: [*s.parts, "NULL", "0"],  # send() is sendto() with no address
         blocks=True, summary=Msg("send bytes on a connected socket")),
    Call("recv", "ssize_t recv(int sockfd, void *buf, size_t len, int flags);",
         (Param("sockfd", "fd"), Param("len", "size"), Param("flags", "msgflags", 0)),
         _nr(("recvfrom", 45), ("recvfrom", 207)), "bytes", _read_into("recv"), _recv_strace,
         blocks=True, summary=Msg("receive bytes from a socket")),
    Call("sendto", "ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, "
                   "const struct sockaddr *dest_addr, socklen_t addrlen);",
         (Param("sockfd", "fd"), Param("buf", "data"), Param("flags", "msgflags"),
          Param("dest_addr", "addr")),
         _nr(("sendto", 44), ("sendto", 206)), "int", _sendto, blocks=True,
         summary=Msg("send a datagram to an address")),
    Call("recvfrom", "ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, "
                     "struct sockaddr *src_addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"), Param("len", "size"), Param("flags", "msgflags", 0)),
         _nr(("recvfrom", 45), ("recvfrom", 207)), "bytes", _recvfrom, _recvfrom_strace,
         blocks=True, summary=Msg("receive a datagram and the address it came from")),
    Call("shutdown", "int shutdown(int sockfd, int how);",
         (Param("sockfd", "fd"), Param("how", "how")), _nr(("shutdown", 48), ("shutdown", 210)),
         "int", _plain("shutdown"),
         summary=Msg("shut down one or both directions of a connection")),
    Call("close", "int close(int fd);", (FD,), _nr(("close", 3), ("close", 57)), "int",
         _plain("close"), summary=Msg("release a file descriptor")),
    Call("setsockopt", "int setsockopt(int sockfd, int level, int optname, "
                       "const void *optval, socklen_t optlen);",
         (Param("sockfd", "fd"), Param("level", "level"), Param("optname", "optname"),
          Param("optval", "optval")),
         _nr(("setsockopt", 54), ("setsockopt", 208)), "int", _setsockopt,
         summary=Msg("set a socket option")),
    Call("getsockopt", "int getsockopt(int sockfd, int level, int optname, "
                       "void *optval, socklen_t *optlen);",
         (Param("sockfd", "fd"), Param("level", "level"), Param("optname", "optname")),
         _nr(("getsockopt", 55), ("getsockopt", 209)), "int", _getsockopt, _getsockopt_strace,
         summary=Msg("read a socket option")),
    Call("getsockname", "int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"),), _nr(("getsockname", 51), ("getsockname", 204)), "int",
         _addr_filled("getsockname"), _addr_filled_in,
         summary=Msg("the local address a socket is bound to")),
    Call("getpeername", "int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"),), _nr(("getpeername", 52), ("getpeername", 205)), "int",
         _addr_filled("getpeername"), _addr_filled_in,
         summary=Msg("the address of the connected peer")),
    Call("open", "int open(const char *pathname, int flags);",
         (Param("pathname", "path"), Param("flags", "oflags", 0)),
         _nr(("openat", 257), ("openat", 56)), "fd", _open,
         lambda s: ["AT_FDCWD", *s.parts],  # open() is openat() from the working directory
         summary=Msg("open a file")),
    Call("read", "ssize_t read(int fd, void *buf, size_t count);",
         (FD, Param("count", "size")), _nr(("read", 0), ("read", 63)), "bytes",
         _read_into("read"), _read_strace, blocks=True,
         summary=Msg("read bytes from a file descriptor")),
    Call("write", "ssize_t write(int fd, const void *buf, size_t count);",
         (FD, Param("buf", "data")), _nr(("write", 1), ("write", 64)), "int", _write,
         blocks=True, summary=Msg("write bytes to a file descriptor")),
    Call("pipe", "int pipe(int pipefd[2]);", (), _nr(("pipe2", 293), ("pipe2", 59)), "fds",
         _pair("pipe"), _fds_strace,
         summary=Msg("create a pipe: pipefd[0] reads, pipefd[1] writes")),
    Call("dup", "int dup(int oldfd);", (Param("oldfd", "fd"),), _nr(("dup", 32), ("dup", 23)),
         "fd", _plain("dup"), summary=Msg("copy a file descriptor to the lowest free number")),
    Call("dup2", "int dup2(int oldfd, int newfd);",
         (Param("oldfd", "fd"), Param("newfd", "fd")), _nr(("dup2", 33), ("dup3", 24)), "fd",
         _plain("dup2"), lambda s: [*s.parts, "0"] if s.syscall == "dup3" else s.parts,
         summary=Msg("copy a file descriptor to a chosen number")),
    Call("fcntl", "int fcntl(int fd, int cmd, ... /* int arg */ );",
         (FD, Param("cmd", "fcntlcmd"), Param("arg", "fcntlarg", 0)),
         _nr(("fcntl", 72), ("fcntl", 25)), "int", _fcntl, _fcntl_strace, _fcntl_ret,
         summary=Msg("read or set an fd's flags: F_GETFL/F_SETFL the open file's (O_NONBLOCK), "
                     "F_GETFD/F_SETFD the fd's own (FD_CLOEXEC)")),
    Call("poll", "int poll(struct pollfd *fds, nfds_t nfds, int timeout);",
         (Param("fds", "fds"), Param("timeout", "timeout", -1),
          Param("events", "pollevents", "POLLIN")),
         _nr(("poll", 7), ("ppoll", 73)), "int", _poll, _poll_strace, _poll_ret, blocks=True,
         summary=Msg("wait until one of the fds is ready (each asks for the same events, POLLIN "
                     "when not said); the ready ones are the result's ready")),
    Call("select", "int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, "
                   "struct timeval *timeout);",
         (Param("readfds", "fds"), Param("writefds", "fds", []),
          Param("timeout", "timeout", -1)),
         _nr(("pselect6", 270), ("pselect6", 72)), "int", _select, _select_strace, _select_ret,
         blocks=True, summary=Msg("wait until one of the fds can be read (or written) without "
                                  "blocking; nfds is worked out from the lists")),
    Call("epoll_create1", "int epoll_create1(int flags);", (Param("flags", "epollflags", 0),),
         _nr(("epoll_create1", 291), ("epoll_create1", 20)), "fd", _epoll_create1,
         summary=Msg("make an epoll instance: an fd that holds an interest list")),
    Call("epoll_ctl", "int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);",
         (Param("epfd", "fd"), Param("op", "epollop"), FD,
          Param("events", "epollevents", "EPOLLIN")),
         _nr(("epoll_ctl", 233), ("epoll_ctl", 21)), "int", _epoll_ctl, _epoll_ctl_strace,
         summary=Msg("add an fd to an epoll instance's interest list (or change or remove it)")),
    Call("epoll_wait", "int epoll_wait(int epfd, struct epoll_event *events, int maxevents, "
                       "int timeout);",
         (Param("epfd", "fd"), Param("maxevents", "maxevents", 16),
          Param("timeout", "timeout", -1)),
         _nr(("epoll_wait", 232), ("epoll_pwait", 22)), "int", _epoll_wait, _epoll_wait_strace,
         blocks=True, summary=Msg("wait until an fd of the interest list is ready; the ready "
                                  "ones are the result's ready")),
    Call("fork", "pid_t fork(void);", (), _nr(("clone", 56), ("clone", 220)), "pid", None,
         _fork_strace, summary=Msg("create a child process, a copy of this one")),
    Call("pthread_create", "int pthread_create(pthread_t *thread, const pthread_attr_t *attr, "
                           "void *(*start_routine)(void *), void *arg);",
         (), _nr(("clone3", 435), ("clone3", 435)), "thread", None, _thread_strace, _thread_ret,
         summary=Msg("start a thread of this process: it shares the process's memory and its "
                     "one fd table, and makes calls of its own (as: names it)")),
    Call("waitpid", "pid_t waitpid(pid_t pid, int *wstatus, int options);",
         (Param("pid", "pid", -1), Param("options", "wait", 0)), _nr(("wait4", 61), ("wait4", 260)),
         "pid", _waitpid, _waitpid_strace, blocks=True,
         summary=Msg("wait for a child to change state and reap it")),
    Call("exit", "void _exit(int status);", (Param("status", "int", 0),),
         _nr(("exit_group", 231), ("exit_group", 94)), "none", None,
         summary=Msg("end this process")),
    Call("kill", "int kill(pid_t pid, int sig);", (Param("pid", "pid"), Param("sig", "signal")),
         _nr(("kill", 62), ("kill", 129)), "int", _plain("kill"),
         summary=Msg("send a signal to a process (a fork's name stands for its pid)")),
    Call("signal", "sighandler_t signal(int signum, sighandler_t handler);",
         (Param("signum", "signal"), Param("handler", "sighandler")),
         _nr(("rt_sigaction", 13), ("rt_sigaction", 134)), "int", _signal, _signal_strace,
         summary=Msg("set what a signal does to this process: SIG_IGN ignores it, SIG_DFL "
                     "restores the default (SIGPIPE and SIGTERM end the process, SIGCHLD is "
                     "ignored but the child stays a zombie until waited for)")),
    Call("getpid", "pid_t getpid(void);", (), _nr(("getpid", 39), ("getpid", 172)), "pid",
         _plain("getpid"), summary=Msg("this process's id")),
    Call("sleep", "unsigned int sleep(unsigned int seconds);", (Param("seconds", "seconds"),),
         _nr(("clock_nanosleep", 230), ("clock_nanosleep", 115)), "int", _sleep, _sleep_strace,
         blocks=True, summary=Msg("sleep for some seconds")),
    Call("sched_setaffinity", "int sched_setaffinity(pid_t pid, size_t cpusetsize, "
                              "const cpu_set_t *mask);",
         (Param("pid", "pid"), Param("mask", "cpus")),
         _nr(("sched_setaffinity", 203), ("sched_setaffinity", 122)), "int", _sched_setaffinity,
         summary=Msg("choose the CPUs a process may run on (its children inherit the choice)")),
    # CPU-bound work: a busy loop in user mode, measured by the kernel's own accounting. The
    # syscall named is the one the caller enters: work() reads its thread's CPU clock between
    # stretches of the loop (that clock has no vDSO shortcut); the others sleep in it while
    # their workers run.
    Call("work", "void work(double cpu_seconds);", (Param("cpu_seconds", "work"),),
         _nr(("clock_gettime", 228), ("clock_gettime", 113)), "work", _work("work"),
         summary=Msg("busy-loop in user mode until the kernel has charged this thread this many "
                     "CPU seconds (it reads clock_gettime(CLOCK_THREAD_CPUTIME_ID) as it goes)")),
    Call("workers", "int workers(int n, double cpu_seconds);",
         (Param("n", "workers"), Param("cpu_seconds", "work")),
         _nr(("wait4", 61), ("wait4", 260)), "work", _work("workers"),
         blocks=True, summary=Msg("fork() n children that each work(cpu_seconds), then waitpid() "
                                  "each: n processes do the same CPU-bound work at once")),
    Call("threads", "int threads(int n, double cpu_seconds);",
         (Param("n", "workers"), Param("cpu_seconds", "work")),
         _nr(("futex", 202), ("futex", 98)), "work", _work("threads"),
         blocks=True, summary=Msg("pthread_create() n threads that each work(cpu_seconds) in C, "
                                  "free of Python's GIL as C threads are, then pthread_join() "
                                  "each")),
    Call("py_threads", "int py_threads(int n, double cpu_seconds);",
         (Param("n", "workers"), Param("cpu_seconds", "work")),
         _nr(("futex", 202), ("futex", 98)), "work", _work("py_threads"),
         blocks=True, summary=Msg("n threads that each work(cpu_seconds) in Python bytecode, "
                                  "taking turns on Python's GIL, then join each")),
]}

WORK_CALLS = frozenset(n for n, c in CALLS.items() if c.helper)

SEEN_IN: dict[str, dict[str, int]] = {
    "x86_64": {"clone3": 435},
    "aarch64": {"clone3": 435},
}
"""Syscalls an actor is seen in that no entry names: pthread_create() enters clone3."""

SYSCALL_NUMBERS: dict[str, dict[str, int]] = {
    arch: {**{c.syscalls[arch][0]: c.syscalls[arch][1] for c in CALLS.values()}, **seen}
    for arch, seen in SEEN_IN.items()
}
"""Architecture -> syscall name -> number, for the syscalls the lab knows (from the entries).
x86_64: arch/x86/entry/syscalls/syscall_64.tbl; aarch64: include/uapi/asm-generic/unistd.h."""
_BY_NUMBER = {arch: {nr: name for name, nr in t.items()} for arch, t in SYSCALL_NUMBERS.items()}


def _arch(arch: str | None) -> str:
    arch = arch or machine_arch()
    return ARCH_ALIASES.get(arch, arch)


def syscall_for(call: Call, arch: str | None = None) -> tuple[str, int | None]:
    """The kernel syscall (name, number) that ``call`` enters on ``arch``."""
    arch = _arch(arch)
    if arch in call.syscalls:
        return call.syscalls[arch]
    return call.syscalls["x86_64"][0], None


def syscall_name_by_number(nr: int, arch: str | None = None) -> str | None:
    """The name of syscall ``nr`` on ``arch``, for the syscalls the lab knows."""
    return _BY_NUMBER.get(_arch(arch), {}).get(nr)


def lookup(name: str) -> Call:
    """The vocabulary entry ``name``, or :class:`UnknownCallError` with a suggestion."""
    try:
        return CALLS[name]
    except KeyError:
        raise UnknownCallError(Msg("unknown syscall '{name}'{hint}", name=name,
                                   hint=did_you_mean(name, list(CALLS)))) from None


def normalize_args(name: str, args: Sequence[Any]) -> list[Any]:
    """Check ``args`` for call ``name`` and return them as plain values (numbers, addresses).

    Raises:
        UnknownCallError: ``name`` is not in the vocabulary.
        ArgumentError: too few or too many arguments, or one of the wrong kind.
    """
    call = lookup(name)
    params = call.params
    required = sum(1 for p in params if p.default is None)
    if not required <= len(args) <= len(params):
        plist = ", ".join(p.name for p in params) or Msg("no arguments")
        if required != len(params):
            raise ArgumentError(Msg("{name}() takes {low} to {high} arguments ({params}), "
                                    "got {got}", name=name, low=required, high=len(params),
                                    params=plist, got=len(args)))
        if required == 1:
            raise ArgumentError(Msg("{name}() takes 1 argument ({params}), got {got}",
                                    name=name, params=plist, got=len(args)))
        raise ArgumentError(Msg("{name}() takes {n} arguments ({params}), got {got}",
                                name=name, n=required, params=plist, got=len(args)))
    values = list(args) + [p.default for p in params[len(args):]]
    out = [normalize_arg(p, v, name) for p, v in zip(params, values, strict=True)]
    if name in ("setsockopt", "getsockopt"):
        level, opt = out[1], out[2]
        # An option given by name is that option (SO_REUSEADDR at IPPROTO_TCP is not
        # TCP_MAXSEG, though both are 2); a number is any option it is at that level.
        named = values[2] if isinstance(values[2], str) and values[2] in OPTNAMES else None
        candidates = [named] if named else [n for n, (_, v) in OPTNAMES.items() if v == opt]
        known = [n for n in candidates if OPTNAMES[n][0] == level]
        if not known:
            names = candidates
            raise ArgumentError(Msg("{name}(): {option} is not an option of level {level}",
                                    name=name, option=either(names) or str(opt),
                                    level=str(args[1])))
        if name == "setsockopt" and (known[0] == "SO_LINGER") != isinstance(out[3], list):
            raise ArgumentError(Msg("setsockopt(): SO_LINGER takes [onoff, seconds]; "
                                    "other options take a number"))
    if name == "open":
        flags = out[1]
        if flags & (os.O_WRONLY | os.O_RDWR) and out[0] not in WRITABLE_PATHS:
            raise ArgumentError(Msg(
                "open(): the lab opens files for writing only at /dev/null for now; "
                "open other files with O_RDONLY"))
        if flags & ~(os.O_WRONLY | os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC):
            raise ArgumentError(Msg("open(): flags may be O_RDONLY, O_WRONLY, O_RDWR, "
                                    "O_NONBLOCK and O_CLOEXEC"))
    return out


def format_call(name: str, args: Sequence[Any], result: Mapping[str, Any] | None = None) -> str:
    """The call as strace prints the syscall it entered: ``listen(3, 2) = 0``,
    ``sendto(3, "hi", 2, 0, NULL, 0) = 2`` for ``send()``, ``connect(3, {...}, 16) = -1
    ECONNREFUSED (Connection refused)``.

    ``args`` are normalized arguments; ``result`` is the actor's reply (``ret``, ``errno``,
    ``strerror``, ``value``). Without a result the call is shown unfinished, as strace does.
    A lab helper (``work``) is printed under its own name, with what it measured.
    """
    call = CALLS[name]
    value = (result or {}).get("value")
    syscall = name if call.helper else call.syscall()[0]
    parts = [show_arg(p.kind, a, args, value) for p, a in zip(call.params, args, strict=True)]
    died = result is not None and (result.get("killed_by") or
                                   result.get("exit_code") is not None)
    # A call its process died in never returned: the kernel filled in nothing.
    inner = call.strace(Shown(syscall, parts, args, value, result is not None and not died))
    if inner and inner[-1] == "..." and not died:  # the kernel has not filled in the rest yet
        return f"{syscall}({', '.join([*inner[:-1], ''])}..."
    text = f"{syscall}({', '.join(inner)})"
    if result is None:
        return text + " ..."
    if result.get("killed_by"):  # as strace says it
        return f"{text} = ?  +++ killed by {result['killed_by']} +++"
    if result.get("exit_code") is not None:
        return f"{text} = ?  +++ exited with {result['exit_code']} +++"
    if result.get("errno"):
        return f"{text} = -1 {result['errno']} ({result.get('strerror', '')})"
    if name == "exit":
        return f"{text} = ?"
    if call.shows_ret is not None and isinstance(result.get("ret"), int):
        return f"{text} = {call.shows_ret(result['ret'], Shown(syscall, parts, args, value, True))}"
    if call.helper and isinstance(value, dict):
        return (f"{text} = {result.get('ret')}  /* wall {value['wall_time']:.2f} s, CPU "
                f"{value['cpu_time']:.2f} s: {value['cores']:.2f} cores */")
    return f"{text} = {result.get('ret')}"
