"""A ptrace tracer: a program's every syscall, entered and returned, in each of its threads and
children (the start of issue "Your own program in the lab").

:class:`Tracer` runs a program under ``PTRACE_TRACEME`` with ``TRACESYSGOOD``, the fork, vfork,
clone and exec events and ``EXITKILL`` (the program dies with its tracer), and reads each stop
with ``PTRACE_GET_SYSCALL_INFO`` (Linux 5.3): the syscall's number and arguments at entry, its
return value at exit. It is single-threaded and owns its tracees; it needs no privilege beyond
the right to trace one's own child. Names come from :mod:`.syscall_table`, the kernel's own
table for this architecture.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .syscall_table import SYSCALLS
from .vocabulary import machine_arch

__all__ = ["Syscall", "TraceError", "Tracer", "syscall_name"]

PTRACE_TRACEME = 0
PTRACE_SYSCALL = 24
PTRACE_SETOPTIONS = 0x4200
PTRACE_GETEVENTMSG = 0x4201
PTRACE_GET_SYSCALL_INFO = 0x420E
PTRACE_O_TRACESYSGOOD = 0x1
PTRACE_O_TRACEFORK = 0x2
PTRACE_O_TRACEVFORK = 0x4
PTRACE_O_TRACECLONE = 0x8
PTRACE_O_TRACEEXEC = 0x10
PTRACE_O_EXITKILL = 0x100000
OPTIONS = (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK
           | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)
PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK, PTRACE_EVENT_CLONE = 1, 2, 3
WALL = 0x40000000  # __WALL: wait for threads as well as children
SYSCALL_INFO_ENTRY, SYSCALL_INFO_EXIT = 1, 2


class _Entry(ctypes.Structure):
    _fields_ = [("nr", ctypes.c_uint64), ("args", ctypes.c_uint64 * 6)]


class _Exit(ctypes.Structure):
    _fields_ = [("rval", ctypes.c_int64), ("is_error", ctypes.c_uint8)]


class _Seccomp(ctypes.Structure):
    _fields_ = [("nr", ctypes.c_uint64), ("args", ctypes.c_uint64 * 6),
                ("ret_data", ctypes.c_uint32)]


class _Union(ctypes.Union):
    _fields_ = [("entry", _Entry), ("exit", _Exit), ("seccomp", _Seccomp)]


class _SyscallInfo(ctypes.Structure):
    """struct ptrace_syscall_info (include/uapi/linux/ptrace.h)."""
    _fields_ = [("op", ctypes.c_uint8), ("pad", ctypes.c_uint8 * 3), ("arch", ctypes.c_uint32),
                ("instruction_pointer", ctypes.c_uint64), ("stack_pointer", ctypes.c_uint64),
                ("u", _Union)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


class TraceError(OSError):
    """ptrace refused (``EPERM`` where Yama's ptrace_scope or a container forbids it)."""


def _ptrace(request: int, pid: int, addr: int = 0, data: int | ctypes.Array[ctypes.c_char] |
            ctypes.Structure | None = None) -> int:
    if isinstance(data, (ctypes.Array, ctypes.Structure)):
        ptr: ctypes.c_void_p | None = ctypes.cast(ctypes.pointer(data), ctypes.c_void_p)
    else:
        ptr = ctypes.c_void_p(data) if data else None
    ret = int(_libc.ptrace(request, pid, ctypes.c_void_p(addr), ptr))
    if ret == -1:
        err = ctypes.get_errno()
        raise TraceError(err, os.strerror(err))
    return ret


def syscall_name(nr: int, arch: str | None = None) -> str:
    """The kernel's name of syscall ``nr`` on ``arch`` (this machine's): ``openat``, or
    ``syscall_1234`` as strace says a number its table lacks."""
    return SYSCALLS.get(arch or machine_arch(), {}).get(nr, f"syscall_{nr:#x}")


@dataclass(frozen=True)
class Syscall:
    """One syscall a tracee made: entered, and returned unless its task ended inside it."""

    tid: int
    nr: int
    name: str
    args: tuple[int, ...]
    ret: int | None = None
    """The return value (a negative errno when ``error``); None if it never returned
    (``exit_group``, ``execve`` that succeeded is seen returning 0 in the new program)."""
    error: bool = False


class Tracer:
    """Run ``argv`` under ptrace; iterate :meth:`syscalls` for what it does, in order."""

    def __init__(self, argv: Sequence[str]) -> None:
        if not argv:
            raise ValueError("nothing to run")
        # Found here, as a shell finds it, so the tracee's first syscall is its one execve()
        # (execvp() in the child would try each PATH directory, and each try is traced).
        path = shutil.which(argv[0])
        if path is None:
            raise FileNotFoundError(2, "no such program", argv[0])
        pid = os.fork()
        if pid == 0:  # the tracee: stop so the tracer can set its options, then exec
            try:
                os.closerange(3, 1 << 20)  # only 0, 1 and 2, as a shell starts a program
                _ptrace(PTRACE_TRACEME, 0)
                os.kill(os.getpid(), signal.SIGSTOP)
                os.execv(path, list(argv))
            except BaseException:
                os._exit(127)
        self.pid = pid
        _, status = os.waitpid(pid, WALL)
        if not os.WIFSTOPPED(status):
            raise TraceError(0, f"{argv[0]} did not start under the tracer")
        _ptrace(PTRACE_SETOPTIONS, pid, 0, OPTIONS)
        self.live: set[int] = {pid}
        self._entered: dict[int, tuple[int, tuple[int, ...]]] = {}
        self.exit_status: int | None = None

    def syscalls(self) -> Iterator[Syscall]:
        """Each syscall as it returns (or, for one its task never returned from, as the task
        ends), until every tracee has ended."""
        _ptrace(PTRACE_SYSCALL, self.pid)
        info = _SyscallInfo()
        while self.live:
            tid, status = os.waitpid(-1, WALL)
            if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                self.live.discard(tid)
                if tid == self.pid:
                    self.exit_status = status
                pending = self._entered.pop(tid, None)
                if pending is not None:
                    yield Syscall(tid, pending[0], syscall_name(pending[0]), pending[1])
                continue
            if not os.WIFSTOPPED(status):
                continue
            sig, event = os.WSTOPSIG(status), status >> 16
            deliver = 0
            if sig == signal.SIGTRAP | 0x80:  # a syscall stop
                size = ctypes.sizeof(info)
                _ptrace(PTRACE_GET_SYSCALL_INFO, tid, size, info)
                if info.op == SYSCALL_INFO_ENTRY:
                    nr = int(info.u.entry.nr)
                    self._entered[tid] = (nr, tuple(int(a) for a in info.u.entry.args))
                elif info.op == SYSCALL_INFO_EXIT and tid in self._entered:
                    nr, args = self._entered.pop(tid)
                    yield Syscall(tid, nr, syscall_name(nr), args, int(info.u.exit.rval),
                                  bool(info.u.exit.is_error))
            elif event in (PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK, PTRACE_EVENT_CLONE):
                new = ctypes.c_ulong()
                _ptrace(PTRACE_GETEVENTMSG, tid, 0, ctypes.addressof(new))
                self.live.add(int(new.value))  # it starts with a SIGSTOP, seen below
            elif event:
                pass  # exec (and the like): the syscall stops around it say what happened
            elif sig == signal.SIGSTOP and tid not in self._entered:
                self.live.add(tid)  # a new task's first stop, or a stop of ours: not delivered
            else:
                deliver = sig  # the program's own signal
            try:
                _ptrace(PTRACE_SYSCALL, tid, 0, deliver)
            except TraceError:  # it died between the stop and now (SIGKILL)
                pass

    def kill(self) -> None:
        """End every tracee now (EXITKILL would also, when the tracer goes)."""
        for tid in list(self.live):
            try:
                os.kill(tid, signal.SIGKILL)
            except ProcessLookupError:
                pass
