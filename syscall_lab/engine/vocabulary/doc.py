"""The vocabulary as docs/authoring.md lists it, written from the registry itself.

``python -m syscall_lab.engine.vocabulary.doc docs/authoring.md`` rewrites the table between
its markers (``make docs``); ``tests/test_vocabulary_doc.py`` fails when the file and the
registry disagree.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from .calls import CALLS, Call
from .kinds import (
    DOMAINS,
    EPOLL_EVENTS,
    EPOLL_FLAGS,
    EPOLL_OPS,
    FCNTL_CMDS,
    LEVELS,
    MAX_FDS,
    MAX_IO,
    MAX_SEND,
    MAX_SLEEP,
    MAX_TIMEOUT_MS,
    MAX_WORK_S,
    MAX_WORKERS,
    MSG_FLAGS,
    OPEN_FLAGS,
    OPTNAMES,
    POLL_EVENTS,
    PROTOCOLS,
    SHUT_HOW,
    SIG_HANDLERS,
    SOCK_FLAGS,
    SOCK_TYPES,
    WAIT_OPTIONS,
    Param,
)

BEGIN = "<!-- vocabulary: generated from the registry (make docs); do not edit by hand -->"
END = "<!-- end of vocabulary -->"


def _names(table: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in table)


KINDS: dict[str, str] = {
    "fd": "an fd (a number, or a name from an earlier `as:`)",
    "int": "a whole number",
    "pid": "a process id (`0`: itself; a fork's name stands for its pid)",
    "domain": f"address family: {_names(DOMAINS)}",
    "socktype": f"socket type: {_names(SOCK_TYPES)}, with {_names('|' + f for f in SOCK_FLAGS)}",
    "protocol": f"protocol: {_names(PROTOCOLS)}",
    "addr": "an address as ss prints it: `127.0.0.1:8080`, `[::1]:8080`",
    "level": f"option level: {_names(LEVELS)} (strace prints `IPPROTO_TCP` as `SOL_TCP`)",
    "optname": f"option: {_names(OPTNAMES)}",
    "optval": "the option's value: a number; `SO_LINGER` takes `[onoff, seconds]`",
    "how": f"{_names(SHUT_HOW)}",
    "data": f'"text" in double quotes, at most {MAX_SEND // 1024} KiB',
    "size": f"how many bytes to read, at most {MAX_IO // 1024} KiB",
    "msgflags": f"flags: 0 or {_names(MSG_FLAGS)}, joined with `|`",
    "path": "a file path",
    "oflags": f"flags: {_names(OPEN_FLAGS)}, joined with `|`",
    "seconds": f"seconds, 0 to {MAX_SLEEP}",
    "wait": f"options: 0 or {_names(WAIT_OPTIONS)}",
    "cpus": "the CPUs it may run on: `[0]`, `[0, 1]`",
    "work": f"CPU seconds: `0.5`, `1s` (at most {MAX_WORK_S:g})",
    "workers": f"how many, 1 to {MAX_WORKERS}",
    "fds": f"a list of fds: `[lsock, conn]` (at most {MAX_FDS})",
    "timeout": f"milliseconds to wait, `-1` for no limit (at most {MAX_TIMEOUT_MS})",
    "maxevents": f"how many ready fds it may return, 1 to {MAX_FDS}",
    "fcntlcmd": f"command: {_names(FCNTL_CMDS)}",
    "fcntlarg": "for `F_SETFL` open-file flags (`O_RDWR|O_NONBLOCK`), for `F_SETFD` "
                "`FD_CLOEXEC`",
    "sockflags": f"flags: 0 or {_names(SOCK_FLAGS)}",
    "pollevents": f"events: {_names(POLL_EVENTS)}",
    "epollevents": f"events: {_names(EPOLL_EVENTS)}",
    "epollflags": f"flags: 0 or {_names(EPOLL_FLAGS)}",
    "epollop": f"{_names(EPOLL_OPS)}",
    "signal": "a signal by name: `SIGTERM`, `SIGKILL`, `SIGCHLD`, `SIGPIPE`, `SIGUSR1`, ...",
    "sighandler": f"{_names(SIG_HANDLERS)}",
}
"""What each kind of parameter is, as a lesson writes it."""


def _param(p: Param) -> str:
    default = "" if p.default is None else f" (default `{p.default}`)"
    return f"`{p.name}`: {KINDS[p.kind]}{default}"


def _row(c: Call) -> str:
    params = "<br>".join(_param(p) for p in c.params) or "nothing"
    x86, arm = c.syscalls["x86_64"], c.syscalls["aarch64"]
    enters = f"x86_64 `{x86[0]}` #{x86[1]}<br>aarch64 `{arm[0]}` #{arm[1]}"
    returns = {"fd": "a new fd", "fds": "two new fds (`as: [a, b]`)", "int": "0 or a count",
               "bytes": "the bytes read (`as:` names them)", "pid": "a pid",
               "none": "does not return",
               "thread": "0; `as:` names the new thread, which makes calls of its own",
               "work": "what the kernel charged: wall and CPU time"}
    blocks = " · may block" if c.blocks else ""
    cells = [f"`{c.name}`", f"`{c.signature}` {c.summary}", params, enters,
             returns[c.returns] + blocks]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def markdown() -> str:
    """The vocabulary table, with its markers."""
    lines = [BEGIN, "",
             "| call | what it does | arguments | enters (glibc) | returns |",
             "| --- | --- | --- | --- | --- |",
             *(_row(c) for c in CALLS.values()),
             "", END]
    return "\n".join(lines)


def rewrite(text: str) -> str:
    """``text`` with its generated vocabulary replaced by the registry's."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + markdown() + text[end:]


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
