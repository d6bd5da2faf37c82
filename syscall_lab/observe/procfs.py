"""Readers of ``/proc``: a process's fd table and its scheduling state.

All paths go through one root (``ProcFS(root=...)``) so tests can point it at fixture files,
and every reader copes with a process or fd that vanishes mid-read, as psutil does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FdRecord",
    "ProcFS",
    "ProcRecord",
    "SyscallRecord",
    "cpu_list",
    "cpu_ranges",
    "decode_open_flags",
    "fd_kind",
    "online_cpus",
]

# Process states as the kernel prints them in /proc/PID/stat (fs/proc/array.c task_state_array).
STATE_NAMES = {
    "R": "running", "S": "sleeping", "D": "disk sleep", "T": "stopped", "t": "tracing stop",
    "X": "dead", "Z": "zombie", "P": "parked", "I": "idle",
}

# open(2) flags as fdinfo prints them (octal), include/uapi/asm-generic/fcntl.h.
_OPEN_FLAG_BITS = [
    ("O_APPEND", 0o2000), ("O_NONBLOCK", 0o4000), ("O_DIRECTORY", 0o200000),
    ("O_CLOEXEC", 0o2000000), ("O_PATH", 0o10000000),
]
_ACCESS = {0: "O_RDONLY", 1: "O_WRONLY", 2: "O_RDWR"}

_VANISHED = (FileNotFoundError, ProcessLookupError, NotADirectoryError)


def decode_open_flags(flags: int) -> tuple[str, ...]:
    """``0o2004002`` -> ``("O_RDWR", "O_NONBLOCK", "O_CLOEXEC")``."""
    names = [_ACCESS.get(flags & 3, "O_ACCMODE")]
    names += [n for n, bit in _OPEN_FLAG_BITS if flags & bit]
    return tuple(names)


_BRACKET = re.compile(r"^([a-z_]+):\[?([^\]]*)\]?$")


def fd_kind(target: str) -> tuple[str, int | None]:
    """What an fd points to, from its ``/proc/PID/fd`` link: (kind, inode or None).

    ``socket:[123]`` -> ("socket", 123); ``pipe:[9]`` -> ("pipe", 9); ``/dev/pts/3`` -> ("tty",
    None); ``anon_inode:[eventfd]`` -> ("anon_inode", None); ``/etc/hosts`` -> ("file", None).
    """
    if target.startswith("/"):
        if target.startswith(("/dev/pts/", "/dev/tty", "/dev/console")) or target == "/dev/ptmx":
            return "tty", None
        if target.startswith("/dev/"):
            return "device", None
        return "file", None
    m = _BRACKET.match(target)
    if m:
        kind, inner = m.groups()
        if kind in ("socket", "pipe"):
            return kind, int(inner) if inner.isdigit() else None
        if kind == "anon_inode":
            return "anon_inode", None
        return kind, int(inner) if inner.isdigit() else None
    return "other", None


_EPOLL_TFD = re.compile(r"^tfd:\s*(\d+)\s+events:\s*([0-9a-f]+)", re.M)
EVENTPOLL = "anon_inode:[eventpoll]"
"""The /proc/PID/fd link of an epoll instance."""
"""fs/eventpoll.c, ep_show_fdinfo(): one line per watched fd, its events in hex."""


@dataclass(frozen=True)
class FdRecord:
    """One open file descriptor, as ``/proc/PID/fd`` and ``/proc/PID/fdinfo`` show it."""

    fd: int
    """The number, as the process uses it."""
    target: str
    """The link's text: a path, ``socket:[inode]``, ``pipe:[inode]``..."""
    kind: str
    """tty, file, device, socket, pipe, anon_inode, other."""
    inode: int | None
    """The socket's or pipe's inode, from the link."""
    flags: tuple[str, ...]
    """The open file's status flags from fdinfo (``O_RDWR``, ``O_NONBLOCK``...)."""
    pos: int | None
    """The file offset from fdinfo."""
    epoll: tuple[tuple[int, int], ...] = ()
    """An epoll instance's interest list from fdinfo's ``tfd:`` lines: (fd, events mask)."""


@dataclass(frozen=True)
class SyscallRecord:
    """What ``/proc/PID/syscall`` says: the syscall a sleeping task is in, with its args."""

    nr: int | None
    """The syscall number, None when the task is running or not in a syscall."""
    args: tuple[int, ...]
    """The six arguments (as the kernel saw them)."""
    running: bool
    """The task was running on a CPU when read (the file says ``running``)."""


SIGNAL_MASKS = ("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt")
"""fs/proc/array.c, task_sig(): each a 64-bit mask in hex, bit N-1 for signal N."""


def signal_numbers(mask: int) -> tuple[int, ...]:
    """The signals a /proc/PID/status mask holds (bit N-1 is signal N)."""
    return tuple(n + 1 for n in range(64) if mask >> n & 1)


@dataclass(frozen=True)
class ProcRecord:
    """A process as ``/proc/PID/stat``, ``status``, ``syscall`` and ``wchan`` show it."""

    pid: int
    """The pid in the reader's pid namespace (the host's)."""
    comm: str
    state: str
    """One letter: R, S, D, T, Z..."""
    ppid: int
    """The parent's pid, in the reader's namespace."""
    nspid: tuple[int, ...]
    """The pid in each nested pid namespace, outermost first (``NSpid``)."""
    syscall: SyscallRecord | None
    """None where the kernel does not let us read it (zombies, other users)."""
    wchan: str | None
    """The kernel function the task sleeps in, or None."""
    cpu: int | None = None
    """The CPU it last ran on (``/proc/PID/stat`` field 39, ``ps -o psr``)."""
    cpus_allowed: tuple[int, ...] = ()
    """The CPUs it may run on (``Cpus_allowed_list``: its affinity, ``taskset -p``)."""
    threads: int = 1
    """How many threads it has (``Threads``, ``ps -o nlwp``)."""
    signals: dict[str, int] | None = None
    """The signal masks of ``status`` as numbers: SigPnd (this thread's pending), ShdPnd (the
    process's), SigBlk, SigIgn, SigCgt (caught: a handler is set)."""

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)


def cpu_list(text: str) -> tuple[int, ...]:
    """``0-3,6`` (the kernel's list format, as in ``Cpus_allowed_list``) as CPU numbers."""
    out: list[int] = []
    for part in text.strip().split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return tuple(out)


def cpu_ranges(cpus: Iterable[int]) -> str:
    """CPU numbers in the kernel's list format: ``0-3,6`` (the inverse of :func:`cpu_list`)."""
    out: list[str] = []
    for c in sorted(set(cpus)):
        if out and out[-1].rpartition("-")[2] == str(c - 1):
            out[-1] = f"{out[-1].partition('-')[0]}-{c}"
        else:
            out.append(str(c))
    return ",".join(out)


def online_cpus(path: str = "/sys/devices/system/cpu/online") -> frozenset[int] | None:
    """The CPUs online now (None where sysfs cannot say)."""
    try:
        with open(path) as f:
            return frozenset(cpu_list(f.read()))
    except OSError:
        return None


class ProcFS:
    """Read processes and fds under one ``/proc`` root."""

    def __init__(self, root: str | os.PathLike[str] = "/proc") -> None:
        self.root = Path(root)

    def _read(self, *parts: str | int) -> str:
        return self.root.joinpath(*map(str, parts)).read_text()

    def fds(self, pid: int) -> list[FdRecord]:
        """The process's fd table, sorted by fd. Empty if the process is gone or a zombie."""
        base = self.root / str(pid)
        try:
            names = os.listdir(base / "fd")
        except _VANISHED:
            return []
        except PermissionError:
            return []
        out: list[FdRecord] = []
        for name in names:
            if not name.isdigit():
                continue
            try:
                target = os.readlink(base / "fd" / name)
                info = (base / "fdinfo" / name).read_text()
            except _VANISHED:
                continue  # closed between listdir and readlink
            flags, pos = 0, None
            for line in info.splitlines():
                key, _, value = line.partition(":")
                if key == "flags":
                    flags = int(value.strip(), 8)
                elif key == "pos":
                    pos = int(value.strip())
            # an epoll instance: "tfd:        5 events:       19 data: ... pos:0 ino:..."
            watches = tuple((int(m.group(1)), int(m.group(2), 16))
                            for m in _EPOLL_TFD.finditer(info)) if target == EVENTPOLL else ()
            kind, inode = fd_kind(target)
            out.append(FdRecord(int(name), target, kind, inode, decode_open_flags(flags), pos,
                                watches))
        out.sort(key=lambda r: r.fd)
        return out

    def stat_fields(self, pid: int) -> tuple[str, list[str]] | None:
        """``/proc/PID/stat`` as (comm, the fields after it): ``fields[0]`` is the state,
        ``[1]`` the ppid, ``[49]`` the exit code (a wait status, for zombies). None if gone."""
        try:
            stat = self._read(pid, "stat")
        except _VANISHED:
            return None
        # comm may contain spaces and parentheses: it ends at the last ')'.
        lpar, rpar = stat.index("("), stat.rindex(")")
        return stat[lpar + 1:rpar], stat[rpar + 2:].split()

    def process(self, pid: int) -> ProcRecord | None:
        """The process ``pid``, or None if it has gone (and been reaped)."""
        parsed = self.stat_fields(pid)
        try:
            status = self._read(pid, "status")
        except _VANISHED:
            return None
        if parsed is None:
            return None
        comm, fields = parsed
        state, ppid = fields[0], int(fields[1])
        nspid: tuple[int, ...] = (pid,)
        allowed: tuple[int, ...] = ()
        threads = 1
        signals: dict[str, int] = {}
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in SIGNAL_MASKS:
                signals[key] = int(value.strip(), 16)
            elif key == "NSpid":
                nspid = tuple(int(x) for x in value.split())
            elif key == "Threads":
                threads = int(value)
            elif key == "Cpus_allowed_list":
                allowed = cpu_list(value)
        cpu = int(fields[36]) if len(fields) > 36 else None
        return ProcRecord(pid, comm, state, ppid, nspid, self.syscall(pid), self._wchan(pid),
                          cpu, allowed, threads, signals)

    def syscall(self, pid: int) -> SyscallRecord | None:
        """What ``/proc/PID/syscall`` says, or None where it cannot be read."""
        try:
            text = self._read(pid, "syscall").strip()
        except (*_VANISHED, PermissionError, OSError):
            return None
        if text == "running":
            return SyscallRecord(None, (), True)
        parts = text.split()
        nr = int(parts[0])
        if nr < 0:  # blocked, but not in a syscall
            return SyscallRecord(None, (), False)
        return SyscallRecord(nr, tuple(int(a, 16) for a in parts[1:7]), False)

    def _wchan(self, pid: int) -> str | None:
        try:
            text = self._read(pid, "wchan").strip()
        except (*_VANISHED, PermissionError, OSError):
            return None
        return None if text in ("", "0") else text

    def children(self, pid: int) -> list[int]:
        """The pids of ``pid``'s children (``/proc/PID/task/*/children``)."""
        out: list[int] = []
        try:
            tasks = os.listdir(self.root / str(pid) / "task")
        except _VANISHED:
            return out
        for tid in tasks:
            try:
                out += [int(x) for x in self._read(pid, "task", tid, "children").split()]
            except _VANISHED:
                continue
        return out
