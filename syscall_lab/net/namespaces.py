"""The lab's sandbox: private user, network and pid namespaces, entered without root.

``enter_sandbox()`` is called once by the supervisor while it is still single-threaded (the
kernel requires that for ``CLONE_NEWUSER``). Afterwards the supervisor is "root" only inside its
own user namespace, sees a fresh network namespace with nothing but ``lo`` (which it brings up),
and every process it forks next lands in a fresh pid namespace. Nothing is named or mounted, so
nothing can outlive the lab: when its last process dies, the kernel frees the namespaces.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

from ..i18n import Msg

__all__ = ["SandboxError", "SandboxInfo", "bring_up_loopback", "diagnose_userns", "enter_sandbox"]

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(RuntimeError):
    """The kernel refused to make the lab's namespaces; ``fix`` says what would help.

    ``reason`` (also ``message``) and ``fix`` are :class:`~syscall_lab.i18n.Msg` where they
    have words to translate (a fix that is only a command stays a plain string)."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason = self.message = reason
        self.fix = fix


@dataclass(frozen=True)
class SandboxInfo:
    """What the sandbox is made of."""

    userns: bool
    """A private user namespace was made (always, unless root and the kernel refused it)."""
    netns_inode: int
    """The network namespace's inode (``/proc/self/ns/net``), to tell it from the host's."""


def _unshare(flags: int) -> None:
    if _libc.unshare(flags) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def diagnose_userns(err: int | None = None) -> SandboxError:
    """Explain why unprivileged user namespaces are unavailable here, with the fix."""
    apparmor = _read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
    debian = _read("/proc/sys/kernel/unprivileged_userns_clone")
    max_ns = _read("/proc/sys/user/max_user_namespaces")
    if apparmor == "1":
        return SandboxError(
            Msg("this system's AppArmor forbids unprivileged user namespaces "
                "(kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 24.04)"),
            "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")
    if debian == "0":
        return SandboxError(
            Msg("this kernel forbids unprivileged user namespaces "
                "(kernel.unprivileged_userns_clone = 0)"),
            "sudo sysctl -w kernel.unprivileged_userns_clone=1")
    if max_ns == "0":
        return SandboxError(
            Msg("user namespaces are switched off here (user.max_user_namespaces = 0)"),
            "sudo sysctl -w user.max_user_namespaces=15000")
    if err == errno.ENOSPC:
        return SandboxError(
            Msg("the limit on user namespaces is reached (user.max_user_namespaces)"),
            Msg("end other labs or containers, or raise it: "
                "sudo sysctl -w user.max_user_namespaces=15000"))
    if os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv"):
        return SandboxError(
            Msg("this container does not allow new namespaces (its seccomp profile blocks "
                "unshare)"),
            Msg("run the container with --security-opt seccomp=unconfined, "
                "or run syscall-lab on the host"))
    why = os.strerror(err) if err else Msg("refused")
    return SandboxError(
        Msg("the kernel refused to create a user namespace ({why})", why=why),
        Msg("check 'unshare -rn true' works for your user; see 'syscall-lab doctor'"))


def _write_id_maps(uid: int, gid: int) -> None:
    # The same ids inside as outside: the student's processes are themselves, not "root".
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def bring_up_loopback() -> None:
    """``ip link set lo up`` in the current network namespace (SIOCSIFFLAGS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, ifreq))[1]
        fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


CHILD_HASH_SYSCTLS = ("/proc/sys/net/ipv4/tcp_child_ehash_entries",
                      "/proc/sys/net/ipv4/udp_child_hash_entries")


def _private_hash_tables() -> None:
    """Give the lab's network namespace its own TCP and UDP hash tables (Linux 6.1+/6.2+).

    Otherwise a sock_diag dump walks the kernel's one global table, whose size and load are the
    host's, and a snapshot slows down as the host opens sockets. The size for a new namespace is
    read from the namespace that creates it, so we set it in a throwaway namespace of ours (the
    host's is not ours to change) and create the lab's from there. Older kernels lack the knobs;
    the lab then shares the global tables and still works.
    """
    _unshare(CLONE_NEWNET)
    for path in CHILD_HASH_SYSCTLS:
        try:
            Path(path).write_text("1024")
        except OSError:
            pass


def enter_sandbox() -> SandboxInfo:
    """Move this process into new user, network and (for its children) pid namespaces.

    Must be called while the process has a single thread.

    Raises:
        SandboxError: the kernel refused, with the reason and the fix.
    """
    uid, gid = os.geteuid(), os.getegid()
    userns = True
    try:
        _unshare(CLONE_NEWUSER)
    except OSError as exc:
        if uid != 0:
            raise diagnose_userns(exc.errno) from None
        userns = False  # root on a kernel without user namespaces: net and pid still work
    if userns:
        _write_id_maps(uid, gid)
    try:
        _private_hash_tables()
        _unshare(CLONE_NEWNET | CLONE_NEWPID)
    except OSError as exc:
        raise SandboxError(
            Msg("the kernel refused a private network namespace ({error})", error=exc.strerror),
            Msg("see 'syscall-lab doctor'")) from None
    bring_up_loopback()
    return SandboxInfo(userns=userns, netns_inode=os.stat("/proc/self/ns/net").st_ino)
