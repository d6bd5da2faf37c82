"""The kinds of argument a call takes: how each is written in a lesson, checked, and shown as
strace shows it. Symbolic constants come from the C library through Python's own modules, so
they are this machine's values, not numbers we typed."""

from __future__ import annotations

import difflib
import fcntl
import ipaddress
import os
import platform
import select
import signal
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...i18n import Msg

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



def consts(module: Any, names: Sequence[str]) -> dict[str, int]:
    return {n: int(getattr(module, n)) for n in names if hasattr(module, n)}


DOMAINS = consts(socket, ["AF_INET", "AF_INET6", "AF_UNIX"])
SOCK_TYPES = consts(socket, ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_SEQPACKET"])
SOCK_FLAGS = consts(socket, ["SOCK_CLOEXEC", "SOCK_NONBLOCK"])  # in strace's order
PROTOCOLS = {"IPPROTO_IP": 0, **consts(socket, ["IPPROTO_TCP", "IPPROTO_UDP"])}
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
MSG_FLAGS = consts(socket, ["MSG_DONTWAIT", "MSG_PEEK", "MSG_WAITALL", "MSG_NOSIGNAL", "MSG_OOB",
                                "MSG_MORE"])
OPEN_FLAGS = consts(os, ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_NONBLOCK", "O_CLOEXEC"])
WAIT_OPTIONS = consts(os, ["WNOHANG"])
FCNTL_CMDS = consts(fcntl, ["F_GETFL", "F_SETFL", "F_GETFD", "F_SETFD"])
FCNTL_ARGS = {**OPEN_FLAGS, "FD_CLOEXEC": fcntl.FD_CLOEXEC}
"""What F_SETFL (file status flags) and F_SETFD (FD_CLOEXEC) take."""
FD_FLAGS = {"FD_CLOEXEC": fcntl.FD_CLOEXEC}
POLL_EVENTS = consts(select, ["POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL",
                               "POLLRDNORM", "POLLRDBAND", "POLLWRNORM", "POLLWRBAND",
                               "POLLRDHUP"])
EPOLL_EVENTS = consts(select, ["EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP",
                                "EPOLLRDNORM", "EPOLLRDBAND", "EPOLLWRNORM", "EPOLLWRBAND",
                                "EPOLLRDHUP", "EPOLLEXCLUSIVE", "EPOLLONESHOT", "EPOLLET"])
EPOLL_OPS = {"EPOLL_CTL_ADD": 1, "EPOLL_CTL_DEL": 2, "EPOLL_CTL_MOD": 3}  # sys/epoll.h
EPOLL_FLAGS = consts(select, ["EPOLL_CLOEXEC"])
SIGNALS = {s.name: int(s) for s in signal.Signals if s.name.startswith("SIG")
           and not s.name.startswith(("SIG_", "SIGRT"))}
"""The signals by name (this machine's numbers); SIGIOT, SIGPOLL and the like are aliases."""
SIG_HANDLERS = {"SIG_DFL": 0, "SIG_IGN": 1}
"""The dispositions a lesson may give: the default action, or ignore it."""
SA_FLAGS = {"SA_RESTORER": 0x04000000, "SA_ONSTACK": 0x08000000, "SA_RESTART": 0x10000000,
            "SA_NODEFER": 0x40000000, "SA_RESETHAND": 0x80000000, "SA_NOCLDSTOP": 1,
            "SA_NOCLDWAIT": 2, "SA_SIGINFO": 4}
"""include/uapi/asm-generic/signal-defs.h and x86's signal.h, in the order strace names them."""
MAX_FDS = 64  # the most fds one poll/select/epoll_wait may name or return
MAX_TIMEOUT_MS = 600_000

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
    if kind in FLAG_KINDS:
        table, label = FLAG_KINDS[kind]
        return _symbol(value, table, Msg("{what} (events)", what=what) if label == "events"
                       else Msg("{what} (flags)", what=what))
    if kind == "signal":
        number = _symbol(value, SIGNALS, Msg("{what} (signal)", what=what))
        if not 0 <= number <= 64:
            raise ArgumentError(Msg("{what}: {number} is not a signal", what=what, number=number))
        return number
    if kind == "sighandler":
        return _known(_symbol(value, SIG_HANDLERS, Msg("{what} (handler)", what=what)),
                      SIG_HANDLERS, what)
    if kind == "fcntlcmd":
        return _known(_symbol(value, FCNTL_CMDS, Msg("{what} (command)", what=what)),
                      FCNTL_CMDS, what)
    if kind == "epollop":
        return _known(_symbol(value, EPOLL_OPS, Msg("{what} (operation)", what=what)),
                      EPOLL_OPS, what)
    if kind == "timeout":
        return _int(value, Msg("{what} (milliseconds, -1: no limit)", what=what), -1,
                    MAX_TIMEOUT_MS)
    if kind == "maxevents":
        return _int(value, what, 1, MAX_FDS)
    if kind == "fds":
        if not isinstance(value, (list, tuple)) or len(value) > MAX_FDS:
            raise ArgumentError(Msg("{what} is a list of fds, like [lsock, conn]", what=what))
        return [_int(v, what, 0, (1 << 20)) for v in value]
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


def sockaddr_len(addr: Sequence[Any]) -> int:
    return 28 if ":" in str(addr[0]) else 16


_NAMED_ESCAPES = {0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v", 0x0C: "\\f", 0x0D: "\\r",
                  0x22: '\\"', 0x5C: "\\\\"}


def quote(data: str, limit: int = 32) -> str:
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




FLAG_KINDS: dict[str, tuple[Mapping[str, int], str]] = {
    "fcntlarg": (FCNTL_ARGS, "flags"),
    "sockflags": (SOCK_FLAGS, "flags"),
    "pollevents": (POLL_EVENTS, "events"),
    "epollevents": (EPOLL_EVENTS, "events"),
    "epollflags": (EPOLL_FLAGS, "flags"),
}
"""Kinds that are flags joined with ``|``: their names, and what they are called."""


def epoll_events(mask: int) -> tuple[str, ...]:
    """An epoll events mask as its names (``EPOLLIN``, ``EPOLLET``); an unnamed bit in hex."""
    named = tuple(n for n, bit in EPOLL_EVENTS.items() if mask & bit)
    rest = mask & ~sum(EPOLL_EVENTS[n] for n in named)
    return (*named, hex(rest)) if rest else named


def show_flags(value: int, table: Mapping[str, int]) -> str:
    """Flags as strace joins their names (``0`` for none)."""
    return _flag_names(value, table)


def show_arg(kind: str, a: Any, args: Sequence[Any], value: Any) -> str:
    """One argument as strace shows its kind. ``args`` are the call's other arguments (an
    option's name depends on its level, a protocol's on the domain); ``value`` is what the
    kernel filled in (the bytes read), or None."""
    if kind == "domain":
        return _names(a, DOMAINS)
    if kind == "socktype":
        base = next((n for n, v in SOCK_TYPES.items() if a & 0xF == v), str(a & 0xF))
        extra = [n for n, bit in SOCK_FLAGS.items() if a & bit]
        return "|".join([base, *extra])
    if kind == "protocol":  # strace names IP protocols of AF_INET sockets only
        inet = args[0] in (socket.AF_INET, socket.AF_INET6)
        return next((n for n, v in PROTOCOLS.items() if v == a), str(a)) if inet else str(a)
    if kind == "level":
        return LEVEL_AS_STRACE.get(a) or _names(a, LEVELS)
    if kind == "optname":
        return next((n for n, (lv, v) in OPTNAMES.items() if lv == args[1] and v == a), str(a))
    if kind == "optval":
        return f"{{l_onoff={a[0]}, l_linger={a[1]}}}, 8" if isinstance(a, list) else f"[{a}], 4"
    if kind == "how":
        return _names(a, SHUT_HOW)
    if kind == "fcntlcmd":
        return _names(a, FCNTL_CMDS)
    if kind == "signal":
        return next((n for n, v in SIGNALS.items() if v == a), str(a)) if a else "0"
    if kind == "sighandler":
        return next((n for n, v in SIG_HANDLERS.items() if v == a), hex(a))
    if kind == "epollop":
        return _names(a, EPOLL_OPS)
    if kind == "fcntlarg":  # F_SETFL takes open flags (the access mode first), F_SETFD FD_CLOEXEC
        return show_arg("oflags", a, args, value) if args[1] == fcntl.F_SETFL else \
            _flag_names(a, FD_FLAGS)
    if kind in FLAG_KINDS:
        return _flag_names(a, FLAG_KINDS[kind][0])
    if kind == "oflags":
        acc = {0: "O_RDONLY", 1: "O_WRONLY", 2: "O_RDWR"}.get(a & 3, str(a & 3))
        rest = _flag_names(a & ~3, {n: v for n, v in OPEN_FLAGS.items() if v > 2})
        return acc if rest == "0" else f"{acc}|{rest}"
    if kind in ("msgflags", "wait"):
        return _flag_names(a, MSG_FLAGS if kind == "msgflags" else WAIT_OPTIONS)
    if kind == "data":
        return f"{quote(a)}, {len(a.encode())}"
    if kind == "addr":
        return f"{format_sockaddr(a)}, {sockaddr_len(a)}"
    if kind == "path":
        return quote(a, 200)
    if kind == "cpus":
        return f"{CPU_SET_SIZE}, [{', '.join(map(str, a))}]"
    if kind == "work":
        return f"{a:g}"
    if kind == "size":  # the buffer the kernel filled in: its bytes, or where it lies
        value = value if isinstance(value, dict) else {}
        if value.get("text") is not None:
            return f"{quote(value['text'])}, {a}"
        where = value.get("buffer")
        return f"{hex(where) if isinstance(where, int) else '...'}, {a}"
    return str(a)
