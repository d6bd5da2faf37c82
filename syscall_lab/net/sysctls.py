"""The lab's own network sysctls: read and set in the lab's network namespaces, never the host's.

A network namespace has its own copy of most ``net.ipv4.tcp_*`` knobs and of
``net.core.somaxconn``: writing one inside the lab changes how the lab's kernel stack behaves
(how often a SYN is resent, how long a FIN_WAIT2 lasts) and nothing outside it. Only names
on :data:`PER_NETNS` may be used: each is per namespace on every kernel that has it
(Linux 5.15 to 6.18), so a lesson can never reach a global knob. A kernel may lack a newer
one (``tcp_syn_linear_timeouts`` is Linux 6.x): it then reads as ``None``, and setting it is
refused with the reason.

``/proc/sys/net`` shows the namespace of the thread that opens it, so the supervisor reads and
writes a host's values from inside that host's namespace (:func:`~.hosts.inside`).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..i18n import Msg

__all__ = ["PER_NETNS", "SysctlError", "read", "write"]

PER_NETNS: dict[str, str] = {
    "net.ipv4.tcp_syn_retries": "SYNs a connect() sends before it gives up",
    "net.ipv4.tcp_synack_retries": "SYN/ACKs a listener resends before it forgets the SYN",
    "net.ipv4.tcp_syn_linear_timeouts": "SYN retries made 1 s apart before the wait doubles "
                                        "(Linux 6.x)",
    "net.ipv4.tcp_syncookies": "answer SYNs with cookies when the SYN queue is full (0, 1, 2)",
    "net.ipv4.tcp_max_syn_backlog": "connections a listener may keep half open",
    "net.ipv4.tcp_abort_on_overflow": "reset, not ignore, the ACK a full accept queue can't take",
    "net.ipv4.tcp_fin_timeout": "seconds an orphaned FIN_WAIT2 socket lasts",
    "net.ipv4.tcp_orphan_retries": "FIN retries of a socket no fd holds",
    "net.ipv4.tcp_retries1": "retransmissions before the route is questioned",
    "net.ipv4.tcp_retries2": "retransmissions before a connection is given up",
    "net.ipv4.tcp_keepalive_time": "idle seconds before the first keepalive",
    "net.ipv4.tcp_keepalive_intvl": "seconds between keepalives",
    "net.ipv4.tcp_keepalive_probes": "keepalives unanswered before the connection is dropped",
    "net.ipv4.tcp_sack": "selective acknowledgements (SACK)",
    "net.ipv4.tcp_dsack": "duplicate SACK",
    "net.ipv4.tcp_timestamps": "TCP timestamps option",
    "net.ipv4.tcp_window_scaling": "window scaling option",
    "net.ipv4.tcp_early_retrans": "tail loss probe and early retransmit",
    "net.ipv4.tcp_recovery": "RACK loss detection",
    "net.ipv4.tcp_reordering": "initial reordering degree",
    "net.ipv4.tcp_frto": "forward RTO recovery",
    "net.ipv4.tcp_tw_reuse": "reuse TIME_WAIT sockets for new connections",
    "net.ipv4.tcp_fastopen": "TCP Fast Open",
    "net.ipv4.tcp_ecn": "explicit congestion notification",
    "net.ipv4.tcp_mtu_probing": "path MTU probing",
    "net.ipv4.tcp_no_metrics_save": "forget a closed connection's metrics",
    "net.ipv4.tcp_notsent_lowat": "unsent bytes at which a socket stops being writable",
    "net.ipv4.ip_default_ttl": "TTL of the packets the lab sends",
    "net.core.somaxconn": "the largest backlog listen() may ask for",
}
"""Each sysctl a lesson may read and set, with what it is. Every one is a per-namespace copy
(``net->ipv4.sysctl_*``, ``net->core.sysctl_somaxconn``) on each kernel that has it."""

_MAX_READ = 4096


class SysctlError(ValueError):
    """A sysctl this lab cannot read or set; :attr:`message` says why (a Msg)."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


def _path(name: str) -> Path:
    if name not in PER_NETNS:
        raise SysctlError(Msg("'{name}' is not a network sysctl of the lab's own namespace",
                              name=name))
    return Path("/proc/sys", *name.split("."))


def read(name: str) -> int | None:
    """The value in this thread's network namespace; None if this kernel has no such knob."""
    try:
        with open(_path(name), "rb") as f:
            text = f.read(_MAX_READ).decode("ascii", "replace").split()
    except FileNotFoundError:
        return None
    except OSError:
        return None
    try:
        return int(text[0]) if len(text) == 1 else None
    except ValueError:
        return None


def write(name: str, value: int) -> int | None:
    """Set ``name`` in this thread's network namespace; returns the value it had."""
    was = read(name)
    path = _path(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise SysctlError(Msg("this kernel ({release}) has no {name}",
                              release=os.uname().release, name=name)) from None
    except PermissionError:
        raise SysctlError(Msg("{name} cannot be set from inside the lab's namespace on this "
                              "kernel", name=name)) from None
    try:
        os.write(fd, f"{value}\n".encode())
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            raise SysctlError(Msg("the kernel refused {value} for {name} (EINVAL: out of its "
                                  "range)", value=value, name=name)) from None
        raise SysctlError(Msg("{name}: {error}", name=name,
                              error=os.strerror(exc.errno or 0))) from None
    finally:
        os.close(fd)
    return was
