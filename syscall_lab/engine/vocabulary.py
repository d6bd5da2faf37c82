"""The syscall vocabulary: what an actor can be asked to do.

Each call names the C library function a student would write, its C signature, the kernel
syscall glibc really enters for it on each architecture (``accept()`` is ``accept`` on
x86_64 but ``open()`` is ``openat`` everywhere), how its arguments are written and checked,
and how the call is printed the way ``strace`` prints it.

Nothing here performs a call; :mod:`syscall_lab.engine.actor` does. This module is pure so
that the supervisor, the runner and the UI can all validate and render calls.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import platform
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..i18n import Msg

__all__ = [
    "CALLS",
    "WORK_CALLS",
    "ArgumentError",
    "Call",
    "Param",
    "UnknownCallError",
    "did_you_mean",
    "either",
    "format_call",
    "lookup",
    "machine_arch",
    "normalize_arg",
    "normalize_args",
    "syscall_for",
    "syscall_name_by_number",
]

# Kernel syscall numbers of the syscalls our vocabulary enters.
# x86_64: arch/x86/entry/syscalls/syscall_64.tbl (asm/unistd_64.h).
# aarch64: include/uapi/asm-generic/unistd.h (arm64 uses the generic table).
SYSCALL_NUMBERS: dict[str, dict[str, int]] = {
    "x86_64": {
        "read": 0, "write": 1, "close": 3, "pipe": 22, "dup": 32, "dup2": 33, "getpid": 39,
        "socket": 41, "connect": 42, "accept": 43, "sendto": 44, "recvfrom": 45,
        "shutdown": 48, "bind": 49, "listen": 50, "getsockname": 51, "getpeername": 52,
        "setsockopt": 54, "getsockopt": 55, "clone": 56, "wait4": 61,
        "clock_nanosleep": 230, "exit_group": 231, "openat": 257, "accept4": 288,
        "dup3": 292, "pipe2": 293, "clone3": 435, "futex": 202, "sched_setaffinity": 203,
        "clock_gettime": 228, "socketpair": 53,
    },
    "aarch64": {
        "dup": 23, "dup3": 24, "openat": 56, "close": 57, "pipe2": 59, "read": 63,
        "write": 64, "exit_group": 94, "clock_nanosleep": 115, "getpid": 172, "socket": 198,
        "bind": 200, "listen": 201, "accept": 202, "connect": 203, "getsockname": 204,
        "getpeername": 205, "sendto": 206, "recvfrom": 207, "setsockopt": 208,
        "getsockopt": 209, "shutdown": 210, "clone": 220, "accept4": 242, "wait4": 260,
        "clone3": 435, "futex": 98, "sched_setaffinity": 122, "clock_gettime": 113,
        "socketpair": 199,
    },
}

ARCH_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}


def machine_arch() -> str:
    """This machine's architecture in the kernel's spelling (``x86_64``, ``aarch64``)."""
    arch = platform.machine()
    return ARCH_ALIASES.get(arch, arch)


class UnknownCallError(ValueError):
    """The call is not in the vocabulary; ``message`` says so (a :class:`~syscall_lab.i18n.Msg`
    when it is ours, with its "did you mean" hint)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArgumentError(ValueError):
    """The call exists but its arguments are wrong; ``message`` says which and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def either(words: Sequence[str]) -> str:
    """``a or b or c``, said in the student's language (each ``or`` is a Msg)."""
    if not words:
        return ""
    out: str = words[0]
    for word in words[1:]:
        out = Msg("{a} or {b}", a=out, b=word)
    return out


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` - did you mean 'x'?`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return Msg(" - did you mean '{name}'?", name=close[0]) if close else ""


# ---------------------------------------------------------------------------------------
# Symbolic constants. Values come from the C library through Python's own modules, so they
# are this machine's values, not numbers we typed.

def _consts(module: Any, names: Sequence[str]) -> dict[str, int]:
    return {n: int(getattr(module, n)) for n in names if hasattr(module, n)}


DOMAINS = _consts(socket, ["AF_INET", "AF_INET6", "AF_UNIX"])
SOCK_TYPES = _consts(socket, ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_SEQPACKET"])
SOCK_FLAGS = _consts(socket, ["SOCK_NONBLOCK", "SOCK_CLOEXEC"])
PROTOCOLS = {"IPPROTO_IP": 0, **_consts(socket, ["IPPROTO_TCP", "IPPROTO_UDP"])}
LEVELS = {"SOL_SOCKET": socket.SOL_SOCKET, "IPPROTO_TCP": socket.IPPROTO_TCP}
OPTNAMES: dict[str, tuple[int, int]] = {
    # name: (level, optname)
    "SO_REUSEADDR": (socket.SOL_SOCKET, socket.SO_REUSEADDR),
    "SO_REUSEPORT": (socket.SOL_SOCKET, getattr(socket, "SO_REUSEPORT", 15)),
    "SO_RCVBUF": (socket.SOL_SOCKET, socket.SO_RCVBUF),
    "SO_SNDBUF": (socket.SOL_SOCKET, socket.SO_SNDBUF),
    "SO_KEEPALIVE": (socket.SOL_SOCKET, socket.SO_KEEPALIVE),
    "SO_LINGER": (socket.SOL_SOCKET, socket.SO_LINGER),
    "SO_ERROR": (socket.SOL_SOCKET, socket.SO_ERROR),
    "SO_TYPE": (socket.SOL_SOCKET, socket.SO_TYPE),
    "SO_RCVLOWAT": (socket.SOL_SOCKET, socket.SO_RCVLOWAT),
    "TCP_NODELAY": (socket.IPPROTO_TCP, socket.TCP_NODELAY),
    "TCP_MAXSEG": (socket.IPPROTO_TCP, socket.TCP_MAXSEG),
    "TCP_CORK": (socket.IPPROTO_TCP, socket.TCP_CORK),
    "TCP_DEFER_ACCEPT": (socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT),
    "TCP_QUICKACK": (socket.IPPROTO_TCP, socket.TCP_QUICKACK),
}
OPTVAL_BUFFER = 8
"""The bytes of the buffer a getsockopt() offers the kernel (an int, or SO_LINGER's pair)."""
LEVEL_AS_STRACE = {socket.SOL_SOCKET: "SOL_SOCKET", socket.IPPROTO_TCP: "SOL_TCP"}
"""How strace prints an option level (IPPROTO_TCP, as a program writes it, is SOL_TCP)."""
SHUT_HOW = {"SHUT_RD": socket.SHUT_RD, "SHUT_WR": socket.SHUT_WR, "SHUT_RDWR": socket.SHUT_RDWR}
MSG_FLAGS = _consts(socket, ["MSG_DONTWAIT", "MSG_PEEK", "MSG_WAITALL", "MSG_NOSIGNAL", "MSG_OOB",
                                "MSG_MORE"])
OPEN_FLAGS = _consts(os, ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_NONBLOCK", "O_CLOEXEC"])
WAIT_OPTIONS = _consts(os, ["WNOHANG"])

# Files an actor may open for writing. Reading is allowed wherever the student's own user may
# read; writing is limited until the lab has a private scratch file system (see README).
WRITABLE_PATHS = frozenset({"/dev/null"})

MAX_IO = 1 << 16  # the most bytes one read/recv may ask for
MAX_SEND = 1 << 14  # the most bytes one send/write may carry (it travels in one channel message)
MAX_SLEEP = 600  # seconds
MAX_WORK_S = 5.0  # the most CPU seconds one worker may burn (a step waits at most 10 s)
MAX_WORKERS = 8
MAX_CPU = 1023  # cpu_set_t holds CPUs 0 to 1023
CPU_SET_SIZE = 128  # sizeof(cpu_set_t)


@dataclass(frozen=True)
class Param:
    """One argument of a call as the lesson writes it."""

    name: str
    """The C parameter's name (``sockfd``, ``backlog``)."""
    kind: str
    """How the value is written and checked: fd, int, domain, socktype, protocol, addr,
    level, optname, optval, how, data, size, msgflags, path, oflags, seconds, pid, wait,
    cpus (a list of CPU numbers), work (CPU seconds, a decimal), workers (how many)."""
    default: Any = None
    """The value when omitted; ``None`` means the argument is required."""


@dataclass(frozen=True)
class Call:
    """One entry of the vocabulary."""

    name: str
    """The C library function (``accept``)."""
    signature: str
    """Its prototype as the man page writes it."""
    params: tuple[Param, ...]
    syscalls: Mapping[str, str]
    """Architecture -> the kernel syscall glibc enters for this function."""
    returns: str
    """What a non-negative return value is: fd, fds, int, bytes, pid, none, work (a
    measurement of CPU-bound work: wall and CPU time)."""
    blocks: bool = False
    """Whether the call can sleep in the kernel waiting for something to happen."""
    summary: str = ""

    def syscall(self, arch: str | None = None) -> tuple[str, int | None]:
        """The kernel syscall (name, number) entered on ``arch`` (default: this machine)."""
        return syscall_for(self, arch)


def _same(name: str) -> dict[str, str]:
    return {"x86_64": name, "aarch64": name}


FD = Param("fd", "fd")

CALLS: dict[str, Call] = {c.name: c for c in [
    Call("socket", "int socket(int domain, int type, int protocol);",
         (Param("domain", "domain"), Param("type", "socktype"), Param("protocol", "protocol", 0)),
         _same("socket"), "fd", summary=Msg("create an endpoint for communication")),
    Call("socketpair", "int socketpair(int domain, int type, int protocol, int sv[2]);",
         (Param("domain", "domain"), Param("type", "socktype"), Param("protocol", "protocol", 0)),
         _same("socketpair"), "fds",
         summary=Msg("create a pair of connected sockets (AF_UNIX): what one sends, the other "
                     "reads")),
    Call("bind", "int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);",
         (Param("sockfd", "fd"), Param("addr", "addr")), _same("bind"), "int",
         summary=Msg("give a socket its local address")),
    Call("listen", "int listen(int sockfd, int backlog);",
         (Param("sockfd", "fd"), Param("backlog", "int")), _same("listen"), "int",
         summary=Msg("mark a socket as passive: it will accept connections")),
    Call("accept", "int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"),), _same("accept"), "fd", blocks=True,
         summary=Msg("take the first connection from the accept queue")),
    Call("connect", "int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);",
         (Param("sockfd", "fd"), Param("addr", "addr")), _same("connect"), "int", blocks=True,
         summary=Msg("connect a socket to a peer (TCP: the three-way handshake)")),
    Call("send", "ssize_t send(int sockfd, const void *buf, size_t len, int flags);",
         (Param("sockfd", "fd"), Param("buf", "data"), Param("flags", "msgflags", 0)),
         _same("sendto"), "int", blocks=True, summary=Msg("send bytes on a connected socket")),
    Call("recv", "ssize_t recv(int sockfd, void *buf, size_t len, int flags);",
         (Param("sockfd", "fd"), Param("len", "size"), Param("flags", "msgflags", 0)),
         _same("recvfrom"), "bytes", blocks=True, summary=Msg("receive bytes from a socket")),
    Call("sendto", "ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, "
                   "const struct sockaddr *dest_addr, socklen_t addrlen);",
         (Param("sockfd", "fd"), Param("buf", "data"), Param("flags", "msgflags"),
          Param("dest_addr", "addr")),
         _same("sendto"), "int", blocks=True, summary=Msg("send a datagram to an address")),
    Call("recvfrom", "ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, "
                     "struct sockaddr *src_addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"), Param("len", "size"), Param("flags", "msgflags", 0)),
         _same("recvfrom"), "bytes", blocks=True,
         summary=Msg("receive a datagram and the address it came from")),
    Call("shutdown", "int shutdown(int sockfd, int how);",
         (Param("sockfd", "fd"), Param("how", "how")), _same("shutdown"), "int",
         summary=Msg("shut down one or both directions of a connection")),
    Call("close", "int close(int fd);", (FD,), _same("close"), "int",
         summary=Msg("release a file descriptor")),
    Call("setsockopt", "int setsockopt(int sockfd, int level, int optname, "
                       "const void *optval, socklen_t optlen);",
         (Param("sockfd", "fd"), Param("level", "level"), Param("optname", "optname"),
          Param("optval", "optval")),
         _same("setsockopt"), "int", summary=Msg("set a socket option")),
    Call("getsockopt", "int getsockopt(int sockfd, int level, int optname, "
                       "void *optval, socklen_t *optlen);",
         (Param("sockfd", "fd"), Param("level", "level"), Param("optname", "optname")),
         _same("getsockopt"), "int", summary=Msg("read a socket option")),
    Call("getsockname", "int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"),), _same("getsockname"), "int",
         summary=Msg("the local address a socket is bound to")),
    Call("getpeername", "int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);",
         (Param("sockfd", "fd"),), _same("getpeername"), "int",
         summary=Msg("the address of the connected peer")),
    Call("open", "int open(const char *pathname, int flags);",
         (Param("pathname", "path"), Param("flags", "oflags", 0)), _same("openat"), "fd",
         summary=Msg("open a file")),
    Call("read", "ssize_t read(int fd, void *buf, size_t count);",
         (FD, Param("count", "size")), _same("read"), "bytes", blocks=True,
         summary=Msg("read bytes from a file descriptor")),
    Call("write", "ssize_t write(int fd, const void *buf, size_t count);",
         (FD, Param("buf", "data")), _same("write"), "int", blocks=True,
         summary=Msg("write bytes to a file descriptor")),
    Call("pipe", "int pipe(int pipefd[2]);", (), {"x86_64": "pipe", "aarch64": "pipe2"}, "fds",
         summary=Msg("create a pipe: pipefd[0] reads, pipefd[1] writes")),
    Call("dup", "int dup(int oldfd);", (Param("oldfd", "fd"),), _same("dup"), "fd",
         summary=Msg("copy a file descriptor to the lowest free number")),
    Call("dup2", "int dup2(int oldfd, int newfd);",
         (Param("oldfd", "fd"), Param("newfd", "fd")), {"x86_64": "dup2", "aarch64": "dup3"},
         "fd", summary=Msg("copy a file descriptor to a chosen number")),
    Call("fork", "pid_t fork(void);", (), _same("clone"), "pid",
         summary=Msg("create a child process, a copy of this one")),
    Call("waitpid", "pid_t waitpid(pid_t pid, int *wstatus, int options);",
         (Param("pid", "pid", -1), Param("options", "wait", 0)), _same("wait4"), "pid",
         blocks=True, summary=Msg("wait for a child to change state and reap it")),
    Call("exit", "void _exit(int status);", (Param("status", "int", 0),), _same("exit_group"),
         "none", summary=Msg("end this process")),
    Call("getpid", "pid_t getpid(void);", (), _same("getpid"), "pid",
         summary=Msg("this process's id")),
    Call("sleep", "unsigned int sleep(unsigned int seconds);", (Param("seconds", "seconds"),),
         _same("clock_nanosleep"), "int", blocks=True, summary=Msg("sleep for some seconds")),
    Call("sched_setaffinity", "int sched_setaffinity(pid_t pid, size_t cpusetsize, "
                              "const cpu_set_t *mask);",
         (Param("pid", "pid"), Param("mask", "cpus")), _same("sched_setaffinity"), "int",
         summary=Msg("choose the CPUs a process may run on (its children inherit the choice)")),
    # CPU-bound work: a busy loop in user mode, measured by the kernel's own accounting. The
    # syscall named is the one the caller enters: work() reads its thread's CPU clock between
    # stretches of the loop (that clock has no vDSO shortcut); the others sleep in it while
    # their workers run.
    Call("work", "void work(double cpu_seconds);", (Param("cpu_seconds", "work"),),
         _same("clock_gettime"), "work",
         summary=Msg("busy-loop in user mode until the kernel has charged this thread this many "
                     "CPU seconds (it reads clock_gettime(CLOCK_THREAD_CPUTIME_ID) as it goes)")),
    Call("workers", "int workers(int n, double cpu_seconds);",
         (Param("n", "workers"), Param("cpu_seconds", "work")), _same("wait4"), "work",
         blocks=True, summary=Msg("fork() n children that each work(cpu_seconds), then waitpid() "
                                  "each: n processes do the same CPU-bound work at once")),
    Call("threads", "int threads(int n, double cpu_seconds);",
         (Param("n", "workers"), Param("cpu_seconds", "work")), _same("futex"), "work",
         blocks=True, summary=Msg("pthread_create() n threads that each work(cpu_seconds) in C, "
                                  "free of Python's GIL as C threads are, then pthread_join() "
                                  "each")),
    Call("py_threads", "int py_threads(int n, double cpu_seconds);",
         (Param("n", "workers"), Param("cpu_seconds", "work")), _same("futex"), "work",
         blocks=True, summary=Msg("n threads that each work(cpu_seconds) in Python bytecode, "
                                  "taking turns on Python's GIL, then join each")),
]}

WORK_CALLS = frozenset(n for n, c in CALLS.items() if c.returns == "work")


def syscall_for(call: Call, arch: str | None = None) -> tuple[str, int | None]:
    """The kernel syscall (name, number) that ``call`` enters on ``arch``."""
    arch = ARCH_ALIASES.get(arch or machine_arch(), arch or machine_arch())
    name = call.syscalls.get(arch) or call.syscalls["x86_64"]
    return name, SYSCALL_NUMBERS.get(arch, {}).get(name)


def syscall_name_by_number(nr: int, arch: str | None = None) -> str | None:
    """The name of syscall ``nr`` on ``arch``, for the syscalls the lab knows."""
    table = SYSCALL_NUMBERS.get(ARCH_ALIASES.get(arch or machine_arch(), arch or machine_arch()))
    if not table:
        return None
    for name, number in table.items():
        if number == nr:
            return name
    return None


def lookup(name: str) -> Call:
    """The vocabulary entry ``name``, or :class:`UnknownCallError` with a suggestion."""
    try:
        return CALLS[name]
    except KeyError:
        raise UnknownCallError(Msg("unknown syscall '{name}'{hint}", name=name,
                                   hint=did_you_mean(name, list(CALLS)))) from None


# ---------------------------------------------------------------------------------------
# Arguments: checked and turned into plain JSON values the actor can use directly.

def _symbol(value: Any, table: Mapping[str, int], what: str, flags: Mapping[str, int] = {}) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise ArgumentError(Msg("{what} must be a number or a name like {example}", what=what,
                                example=next(iter(table))))
    total = 0
    for part in (p.strip() for p in value.split("|")):
        if part.lstrip("-").isdigit():
            total |= int(part)
        elif part in table:
            total |= table[part]
        elif part in flags:
            total |= flags[part]
        else:
            names = list(table) + list(flags)
            hint = did_you_mean(part, names) or Msg(" (one of {names})", names=", ".join(names))
            raise ArgumentError(Msg("unknown {what} '{part}'{hint}", what=what, part=part,
                                    hint=hint))
    return total


def _known(number: int, table: Mapping[str, int], what: str) -> int:
    """Numbers are accepted for the table's constants only: the lab's vocabulary is its list
    of names (no AF_PACKET or netlink sockets by number)."""
    if number not in table.values():
        raise ArgumentError(Msg("{what} {number} is not one the lab knows ({known})", what=what,
                                number=number, known=", ".join(table)))
    return number


def _int(value: Any, what: str, low: int = -(1 << 31), high: int = (1 << 31) - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        else:
            raise ArgumentError(Msg("{what} must be a whole number, not {value}", what=what,
                                    value=repr(value)))
    if not low <= value <= high:
        raise ArgumentError(Msg("{what} must be between {low} and {high}, not {value}",
                                what=what, low=low, high=high, value=value))
    return int(value)


def parse_addr(value: Any) -> list[Any]:
    """An IPv4/IPv6 address and port: ``"127.0.0.1:8080"``, ``"[::1]:80"`` or ``[host, port]``."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            host, sep, port = text[1:].partition("]:")
        else:
            host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit():
            raise ArgumentError(Msg("address must look like 127.0.0.1:8080, not {value}",
                                    value=repr(value)))
        value = [host, int(port)]
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not isinstance(value[0], str)):
        raise ArgumentError(Msg("address must look like 127.0.0.1:8080, not {value}",
                                value=repr(value)))
    host, port = value
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise ArgumentError(Msg("'{host}' is not an IP address (the lab does no DNS)",
                                host=host)) from None
    return [str(ip), _int(port, Msg("port"), 0, 65535)]


def normalize_arg(param: Param, value: Any, call: str) -> Any:
    """One argument of ``call``, checked alone (:func:`normalize_args` checks them together).

    Raises:
        ArgumentError: it is of the wrong kind.
    """
    return _normalize_one(param, value, call)


def _normalize_one(param: Param, value: Any, call: str) -> Any:
    what = f"{call}(): {param.name}"  # names only: the same in every language
    kind = param.kind
    if kind in ("fd", "int", "pid"):
        return _int(value, what)
    if kind == "domain":
        return _known(_symbol(value, DOMAINS, Msg("{what} (address family)", what=what)),
                      DOMAINS, what)
    if kind == "socktype":
        number = _symbol(value, SOCK_TYPES, Msg("{what} (socket type)", what=what), SOCK_FLAGS)
        _known(number & ~sum(SOCK_FLAGS.values()), SOCK_TYPES, what)
        return number
    if kind == "protocol":
        return _known(_symbol(value, PROTOCOLS, Msg("{what} (protocol)", what=what)),
                      PROTOCOLS, what)
    if kind == "level":
        return _symbol(value, LEVELS, Msg("{what} (option level)", what=what))
    if kind == "optname":
        if isinstance(value, str) and value in OPTNAMES:
            return OPTNAMES[value][1]
        number = _symbol(value, {k: v[1] for k, v in OPTNAMES.items()},
                         Msg("{what} (option)", what=what))
        if number not in {v[1] for v in OPTNAMES.values()}:
            raise ArgumentError(Msg("{what}: option {number} is not one the lab knows ({known})",
                                    what=what, number=number, known=", ".join(OPTNAMES)))
        return number
    if kind == "optval":
        if isinstance(value, (list, tuple)):  # struct linger {l_onoff, l_linger}
            if len(value) != 2:
                raise ArgumentError(Msg("{what}: SO_LINGER takes [onoff, seconds]", what=what))
            return [_int(value[0], what), _int(value[1], what)]
        return _int(value, what)
    if kind == "how":
        return _symbol(value, SHUT_HOW, Msg("{what} (how)", what=what))
    if kind == "msgflags":
        return _symbol(value, MSG_FLAGS, Msg("{what} (flags)", what=what))
    if kind == "wait":
        return _symbol(value, WAIT_OPTIONS, Msg("{what} (options)", what=what))
    if kind == "oflags":
        return _symbol(value, OPEN_FLAGS, Msg("{what} (flags)", what=what))
    if kind == "size":
        return _int(value, what, 0, MAX_IO)
    if kind == "seconds":
        return _int(value, what, 0, MAX_SLEEP)
    if kind == "work":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ArgumentError(Msg("{what} is CPU seconds, a number like 0.5 or 0.5s",
                                    what=what))
        if not 0.01 <= value <= MAX_WORK_S:
            raise ArgumentError(Msg("{what} must be between 0.01 and {most} seconds, "
                                    "not {value}", what=what, most=f"{MAX_WORK_S:g}",
                                    value=f"{value:g}"))
        return float(value)
    if kind == "workers":
        return _int(value, what, 1, MAX_WORKERS)
    if kind == "cpus":
        if not isinstance(value, (list, tuple)) or not value:
            raise ArgumentError(Msg("{what} is a list of CPU numbers, like [0] or [0, 1]",
                                    what=what))
        cpus = [_int(c, Msg("{what}: a CPU number", what=what), 0, MAX_CPU) for c in value]
        if len(set(cpus)) != len(cpus):
            raise ArgumentError(Msg("{what} names a CPU twice", what=what))
        return sorted(cpus)
    if kind == "data":
        if not isinstance(value, str):
            raise ArgumentError(Msg("{what} must be text, not {value}", what=what,
                                    value=repr(value)))
        if len(value.encode()) > MAX_SEND:
            raise ArgumentError(Msg("{what} is longer than {most} bytes", what=what,
                                    most=MAX_SEND))
        return value
    if kind == "addr":
        return parse_addr(value)
    if kind == "path":
        if not isinstance(value, str) or not value or "\0" in value:
            raise ArgumentError(Msg("{what} must be a file path", what=what))
        return value
    raise AssertionError(f"unhandled parameter kind {kind}")


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
    out = [_normalize_one(p, v, name) for p, v in zip(params, values, strict=True)]
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


# ---------------------------------------------------------------------------------------
# Rendering, as strace prints calls (the form students meet in man pages and strace).

def _names(value: int, table: Mapping[str, int], flags: Mapping[str, int] = {}) -> str:
    for k, v in table.items():
        rest = value & ~v if flags else value
        if (value == v) or (flags and (value & 0xF) == v):
            parts = [k] + [f for f, bit in flags.items() if rest & bit]
            rest &= ~sum(bit for f, bit in flags.items() if rest & bit)
            if rest & ~0xF:
                parts.append(hex(rest & ~0xF))
            return "|".join(parts)
    return str(value)


def _flag_names(value: int, flags: Mapping[str, int]) -> str:
    if value == 0:
        return "0"
    parts = [k for k, bit in flags.items() if bit and value & bit == bit]
    rest = value & ~sum(flags[k] for k in parts)
    if rest:
        parts.append(hex(rest))
    return "|".join(parts)


def format_sockaddr(addr: Sequence[Any] | None) -> str:
    """An address the way strace shows a ``struct sockaddr``."""
    if not addr:
        return "NULL"
    host, port = addr[0], addr[1]
    if ":" in str(host):
        return (f'{{sa_family=AF_INET6, sin6_port=htons({port}), '
                f'inet_pton(AF_INET6, "{host}", &sin6_addr)}}')
    return f'{{sa_family=AF_INET, sin_port=htons({port}), sin_addr=inet_addr("{host}")}}'


def _sockaddr_len(addr: Sequence[Any]) -> int:
    return 28 if ":" in str(addr[0]) else 16


_NAMED_ESCAPES = {0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v", 0x0C: "\\f", 0x0D: "\\r",
                  0x22: '\\"', 0x5C: "\\\\"}


def _quote(data: str, limit: int = 32) -> str:
    """A buffer as strace prints a string argument (its default ``-s 32``): its first
    ``limit`` bytes, printable ASCII as it is, ``\\n``, ``\\t``, ``\\"`` and the like by name,
    every other byte in octal (``\\33`` is ESC; UTF-8 text is its bytes), and ``...`` after the
    closing quote when there was more. The cut is in the bytes, so no escape is ever split."""
    raw = data.encode("utf-8", "surrogateescape")
    out: list[str] = []
    head = raw[:limit]
    for i, b in enumerate(head):
        if b in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[b])
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:  # as strace: the shortest octal, three digits when a digit follows
            nxt = head[i + 1] if i + 1 < len(head) else None
            out.append(f"\\{b:03o}" if nxt is not None and 0x30 <= nxt <= 0x37 else f"\\{b:o}")
    return '"' + "".join(out) + '"' + ("..." if len(raw) > limit else "")


OUT_ADDRESS = ("accept", "getsockname", "getpeername", "recvfrom")
"""Calls that fill in an address the actor gives them a buffer for."""
ADDR_BUFFER = 128
"""The size of that buffer (a ``struct sockaddr_storage``), as the actor passes it."""


def format_call(name: str, args: Sequence[Any], result: Mapping[str, Any] | None = None) -> str:
    """``listen(3, 2) = 0`` or ``connect(3, {...}, 16) = -1 ECONNREFUSED (Connection refused)``.

    ``args`` are normalized arguments; ``result`` is the actor's reply (``ret``, ``errno``,
    ``strerror``, ``value``). Without a result the call is shown unfinished, as strace does.
    """
    call = CALLS[name]
    value = (result or {}).get("value")
    parts: list[str] = []
    for p, a in zip(call.params, args, strict=True):
        k = p.kind
        if k == "domain":
            parts.append(_names(a, DOMAINS))
        elif k == "socktype":
            base = next((n for n, v in SOCK_TYPES.items() if a & 0xF == v), str(a & 0xF))
            extra = [n for n, bit in SOCK_FLAGS.items() if a & bit]
            parts.append("|".join([base, *extra]))
        elif k == "protocol":
            parts.append(next((n for n, v in PROTOCOLS.items() if v == a and n != "IPPROTO_IP"),
                              str(a)))
        elif k == "level":
            parts.append(LEVEL_AS_STRACE.get(a) or _names(a, LEVELS))
        elif k == "optname":
            level = args[1]
            parts.append(next((n for n, (lv, v) in OPTNAMES.items() if lv == level and v == a),
                              str(a)))
        elif k == "optval":
            if isinstance(a, list):
                parts.append(f"{{l_onoff={a[0]}, l_linger={a[1]}}}, 8")
            else:
                parts.append(f"[{a}], 4")
        elif k == "how":
            parts.append(_names(a, SHUT_HOW))
        elif k in ("msgflags", "wait", "oflags"):
            table = {"msgflags": MSG_FLAGS, "wait": WAIT_OPTIONS, "oflags": OPEN_FLAGS}[k]
            if k == "oflags":
                acc = {0: "O_RDONLY", 1: "O_WRONLY", 2: "O_RDWR"}.get(a & 3, str(a & 3))
                rest = _flag_names(a & ~3, {n: v for n, v in table.items() if v > 2})
                parts.append(acc if rest == "0" else f"{acc}|{rest}")
            else:
                parts.append(_flag_names(a, table))
        elif k == "data":
            n = len(a.encode())
            parts.append(f"{_quote(a)}, {n}")
        elif k == "addr":
            parts.append(f"{format_sockaddr(a)}, {_sockaddr_len(a)}")
        elif k == "path":
            parts.append(_quote(a, 200))
        elif k == "cpus":
            parts.insert(len(parts), f"{CPU_SET_SIZE}, [{', '.join(map(str, a))}]")
        elif k == "work":
            parts.append(f"{a:g}")
        elif k == "size":
            data = value.get("text") if isinstance(value, dict) else None
            parts.append(f"{_quote(data) if data is not None else '...'}, {a}")
        else:
            parts.append(str(a))
    # Out-parameters the kernel fills in, shown after the call returns.
    if name in OUT_ADDRESS and result is None:  # blocked: the kernel has filled in nothing
        return f"{name}({', '.join(parts)}, ..."
    if name in OUT_ADDRESS:
        peer = value.get("addr") if isinstance(value, dict) else None
        if peer:  # as strace: the buffer's size in, the address's length out
            parts.append(f"{format_sockaddr(peer)}, [{ADDR_BUFFER} => {_sockaddr_len(peer)}]")
        else:  # not filled in: the pointer, and the size passed
            where = value.get("buffer") if isinstance(value, dict) else None
            parts.append(f"{hex(where) if isinstance(where, int) else '0x...'}, "
                         f"[{ADDR_BUFFER}]")
    elif name == "getsockopt":
        got = value.get("optval") if isinstance(value, dict) else None
        # the actor passes an OPTVAL_BUFFER-byte buffer; strace shows "[8 => 4]" when the
        # kernel wrote fewer bytes than it was offered
        if isinstance(got, list):
            parts.append(f"{{l_onoff={got[0]}, l_linger={got[1]}}}, [{OPTVAL_BUFFER}]")
        else:
            parts.append(f"[{'?' if got is None else got}], [{OPTVAL_BUFFER} => 4]")
    elif name in ("pipe", "socketpair"):
        fds = value.get("fds") if isinstance(value, dict) else None
        parts.append(f"[{fds[0]}, {fds[1]}]" if fds else "...")
    elif name == "waitpid":
        status = value.get("wstatus") if isinstance(value, dict) else None
        parts.insert(1, status if status else "NULL")
    text = f"{name}({', '.join(parts)})"
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
    if name in WORK_CALLS and isinstance(value, dict):
        return (f"{text} = {result.get('ret')}  /* wall {value['wall_time']:.2f} s, CPU "
                f"{value['cpu_time']:.2f} s: {value['cores']:.2f} cores */")
    return f"{text} = {result.get('ret')}"
