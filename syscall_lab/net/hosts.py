"""The two hosts of a ``wire`` lab and the ports the wire reads and writes their packets through.

Each host is a network namespace of its own (``client`` 10.0.0.1, ``server`` 10.0.0.2) with one
device, ``wire0``, and a route to the other host through it. The supervisor holds one *port* per
host: whatever the host's kernel sends out of ``wire0`` the port reads as an IP packet, and what
the supervisor writes to the port arrives at the host's ``wire0``. Between the two ports there
is nothing but the lab's own forwarder, so every packet is seen and can be held, dropped,
delayed, duplicated or reordered.

Two kinds of port, same behaviour:

* ``tun``: ``wire0`` is a TUN device; the port is its file descriptor. Needs ``/dev/net/tun``
  to be openable by the student (mode 0666 on most distributions).
* ``veth``: ``wire0`` is one end of a veth pair whose other end is in the supervisor's own
  namespace; the port is an ``AF_PACKET`` socket on that end. Needs nothing but the user
  namespace, so it is the fallback when ``/dev/net/tun`` is closed (mode 0600, as on some
  servers). Offloads are switched off so the port sees each segment as it would cross a cable,
  with its checksum filled in.

Everything here runs in the supervisor, inside the lab's user namespace, while it is still
single-threaded. Nothing is named in ``/run/netns``; when the supervisor's fds close, the
devices and namespaces go with them.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import socket
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..i18n import Msg
from .namespaces import CHILD_HASH_SYSCTLS, CLONE_NEWNET, SandboxError, bring_up_loopback
from .packetsock import PacketSocket

__all__ = ["HOSTS", "Host", "NetworkError", "Port", "enter_netns", "inside", "make_wire_hosts",
           "tun_problem"]

HOSTS = {"client": "10.0.0.1", "server": "10.0.0.2"}
"""The wire's hosts and their addresses (one /24, no router)."""
PREFIX = "255.255.255.0"
IFNAME = "wire0"
TUN_PATH = "/dev/net/tun"
TXQUEUELEN = 10000
"""A TUN device drops what its queue cannot hold while the forwarder is busy; keep it deep."""

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
SIOCSIFFLAGS = 0x8914
SIOCGIFFLAGS = 0x8913
SIOCSIFADDR = 0x8916
SIOCSIFNETMASK = 0x891C
RTM_NEWLINK, IFLA_TXQLEN, NLMSG_ERROR = 16, 13, 2
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
SIOCGIFHWADDR = 0x8927
SIOCETHTOOL = 0x8946
IFF_UP = 0x1
# include/uapi/linux/ethtool.h: legacy "set" commands, still honoured by every kernel
ETHTOOL_STXCSUM, ETHTOOL_SSG, ETHTOOL_STSO = 0x17, 0x19, 0x1F
ETHTOOL_SGSO, ETHTOOL_SGRO = 0x24, 0x2C

_libc = ctypes.CDLL(None, use_errno=True)


class NetworkError(SandboxError):
    """The lab's network could not be built; ``fix`` says what would help."""


class Port(Protocol):
    """Where the wire meets one host: read the packets it sends, write packets to it."""

    kind: str

    def fileno(self) -> int: ...
    def read(self) -> Iterator[tuple[float, bytes]]:
        """The packets the host has sent since the last read: ``(monotonic time, packet)``."""
        ...
    def write(self, packet: bytes) -> None: ...
    def lost(self) -> int:
        """Packets the kernel dropped before we could read them, since the last call."""
        ...
    def close(self) -> None: ...


@dataclass
class Host:
    name: str
    addr: str
    netns: int
    """An fd of the host's network namespace (what ``setns`` takes)."""
    port: Port


def enter_netns(fd: int) -> None:
    """``setns(fd, CLONE_NEWNET)``: move this thread into the network namespace ``fd``."""
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


@contextmanager
def inside(netns: int) -> Iterator[None]:
    """Run the block in the network namespace ``netns`` (this thread only), then come back."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        enter_netns(netns)
        try:
            yield
        finally:
            enter_netns(home)
    finally:
        os.close(home)


def _ifreq(name: str, payload: bytes = b"") -> bytes:
    return struct.pack("16s", name.encode()) + payload.ljust(24, b"\0")


def _sockaddr_in(addr: str) -> bytes:
    return struct.pack("=H2s4s8x", socket.AF_INET, b"\0\0", socket.inet_aton(addr))


def _configure(name: str, addr: str) -> None:
    """``ip addr add ADDR/24 dev NAME; ip link set NAME txqueuelen N up``, by ioctl."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fd = s.fileno()
        fcntl.ioctl(fd, SIOCSIFADDR, _ifreq(name, _sockaddr_in(addr)))
        fcntl.ioctl(fd, SIOCSIFNETMASK, _ifreq(name, _sockaddr_in(PREFIX)))
        flags = struct.unpack_from("=H", fcntl.ioctl(fd, SIOCGIFFLAGS, _ifreq(name)), 16)[0]
        fcntl.ioctl(fd, SIOCSIFFLAGS, _ifreq(name, struct.pack("=H", flags | IFF_UP)))
    _set_txqueuelen(name, TXQUEUELEN)


def _set_txqueuelen(name: str, length: int) -> None:
    """``ip link set NAME txqueuelen N``. By netlink: a user namespace's root may do this for its
    own devices, while the old ioctl (SIOCSIFTXQLEN) insists on the host's CAP_NET_ADMIN."""
    index = socket.if_nametoindex(name)
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, 0, 0)  # struct ifinfomsg
    body += struct.pack("=HHI", 8, IFLA_TXQLEN, length)
    msg = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
        s.send(msg + body)
        reply = s.recv(4096)
    kind = struct.unpack_from("=H", reply, 4)[0]
    err = struct.unpack_from("=i", reply, 16)[0] if kind == NLMSG_ERROR else 0
    if err:
        raise OSError(-err, f"txqueuelen of {name}: {os.strerror(-err)}")


def _hwaddr(name: str) -> bytes:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        return fcntl.ioctl(s.fileno(), SIOCGIFHWADDR, _ifreq(name))[18:24]


class _EthtoolValue(ctypes.Structure):
    _fields_ = [("cmd", ctypes.c_uint32), ("data", ctypes.c_uint32)]


class _IfreqPtr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 16), ("data", ctypes.c_void_p),
                ("pad", ctypes.c_char * 16)]


def _offloads_off(name: str) -> None:
    """``ethtool -K NAME tx off sg off tso off gso off gro off``: one segment per packet, each
    with its checksum, as on a cable (a veth otherwise passes 64 KiB super-packets around with
    the checksum left for hardware that does not exist)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for cmd in (ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO, ETHTOOL_SSG, ETHTOOL_STXCSUM):
            val = _EthtoolValue(cmd, 0)
            req = _IfreqPtr(name.encode(), ctypes.cast(ctypes.pointer(val), ctypes.c_void_p))
            if _libc.ioctl(s.fileno(), SIOCETHTOOL, ctypes.byref(req)) != 0:
                err = ctypes.get_errno()
                if err not in (errno.EOPNOTSUPP, errno.EINVAL):
                    raise OSError(err, f"ethtool on {name}: {os.strerror(err)}")


def _host_sysctls() -> None:
    """IPv4 only: no IPv6 router solicitations or MLD reports on the wire between steps."""
    for which in ("all", "default"):
        try:
            Path(f"/proc/sys/net/ipv6/conf/{which}/disable_ipv6").write_text("1")
        except OSError:
            pass  # a kernel without IPv6 sends none anyway


def _new_netns() -> int:
    """Make a new network namespace, enter it, and return an fd for it."""
    if _libc.unshare(CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)


class TunPort:
    """The fd of the host's TUN device: a read is one packet the host sent, a write one it gets."""

    kind = "tun"

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def read(self) -> Iterator[tuple[float, bytes]]:
        for _ in range(1024):
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return
            yield time.monotonic(), data

    def write(self, packet: bytes) -> None:
        os.write(self.fd, packet)

    def lost(self) -> int:
        return 0  # the TUN queue's drops show in the device's tx_dropped; it is kept deep

    def close(self) -> None:
        os.close(self.fd)


class VethPort:
    """Our end of a veth pair: an AF_PACKET ring reads what the host sends, ``sendto`` writes."""

    kind = "veth"

    def __init__(self, ifname: str, host_mac: bytes) -> None:
        self.sock = PacketSocket(ifname, outgoing=False)
        self.host_mac = host_mac

    def fileno(self) -> int:
        return self.sock.fileno()

    def read(self) -> Iterator[tuple[float, bytes]]:
        yield from self.sock.packets()

    def write(self, packet: bytes) -> None:
        self.sock.send(packet, self.host_mac)

    def lost(self) -> int:
        return self.sock.lost()

    def close(self) -> None:
        self.sock.close()


def tun_problem() -> str | None:
    """Why this user cannot use ``/dev/net/tun``, or None if they can."""
    try:
        fd = os.open(TUN_PATH, os.O_RDWR | os.O_CLOEXEC)
    except OSError as exc:
        return f"{TUN_PATH}: {exc.strerror}"
    os.close(fd)
    return None


def _make_tun(addr: str) -> TunPort:
    fd = os.open(TUN_PATH, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", IFNAME.encode(), IFF_TUN | IFF_NO_PI))
        _configure(IFNAME, addr)
    except BaseException:
        os.close(fd)
        raise
    return TunPort(fd)


def _make_veths(home: int, hosts: dict[str, int]) -> dict[str, VethPort]:
    """One veth pair per host: ``wire0`` inside the host, ``w-<host>`` here with us."""
    from pyroute2 import IPRoute  # type: ignore[import-untyped]  # only the veth fallback

    macs: dict[str, bytes] = {}
    with IPRoute() as ipr:
        for name, ns in hosts.items():
            ipr.link("add", ifname=f"w-{name}", kind="veth", peer=f"h-{name}")
            ipr.link("set", index=ipr.link_lookup(ifname=f"h-{name}")[0], net_ns_fd=ns)
            _offloads_off(f"w-{name}")
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, _ifreq(f"w-{name}", struct.pack("=H", 1)))
    for name, ns in hosts.items():
        with inside(ns), IPRoute() as ipr:
            ipr.link("set", index=ipr.link_lookup(ifname=f"h-{name}")[0], ifname=IFNAME)
            _offloads_off(IFNAME)
            _configure(IFNAME, HOSTS[name])
            macs[name] = _hwaddr(IFNAME)
    for name, ns in hosts.items():
        other = next(n for n in hosts if n != name)
        with inside(ns), IPRoute() as ipr:
            # The other host's address is at the other host's MAC, as on one Ethernet segment;
            # no ARP crosses the wire, so every packet on it is the lesson's.
            ipr.neigh("add", dst=HOSTS[other], lladdr=":".join(f"{b:02x}" for b in macs[other]),
                      ifindex=ipr.link_lookup(ifname=IFNAME)[0], state=0x80)  # NUD_PERMANENT
    return {name: VethPort(f"w-{name}", macs[name]) for name in hosts}


def make_wire_hosts(backend: str = "auto") -> tuple[dict[str, Host], str]:
    """Build the ``client`` and ``server`` hosts and their ports. Returns them and the backend.

    ``backend``: ``tun``, ``veth``, or ``auto`` (TUN when ``/dev/net/tun`` opens, else veth).
    """
    if backend not in ("auto", "tun", "veth"):
        raise NetworkError(Msg("unknown wire backend '{backend}'", backend=backend),
                           Msg("use tun, veth or auto"))
    problem = tun_problem()
    if backend == "tun" and problem:
        raise NetworkError(Msg("the wire cannot use TUN devices ({problem})", problem=problem),
                           Msg("sudo chmod 0666 {path}, or let the lab use veth (the default)",
                               path=TUN_PATH))
    use = "veth" if backend == "veth" or (backend == "auto" and problem) else "tun"
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    namespaces: dict[str, int] = {}
    ports: dict[str, Port] = {}
    for path in CHILD_HASH_SYSCTLS:  # the hosts get private socket hash tables, as the lab did
        try:
            Path(path).write_text("1024")
        except OSError:
            pass
    try:
        for name, addr in HOSTS.items():
            namespaces[name] = _new_netns()
            try:
                bring_up_loopback()
                _host_sysctls()
                if use == "tun":
                    ports[name] = _make_tun(addr)
            finally:
                enter_netns(home)
        if use == "veth":
            ports.update(_make_veths(home, namespaces))
    except OSError as exc:
        for fd in namespaces.values():
            os.close(fd)
        for p in ports.values():
            p.close()
        raise NetworkError(Msg("cannot build the lab's wire ({backend}): {error}", backend=use,
                               error=exc.strerror or str(exc)),
                           Msg("see 'syscall-lab doctor'")) from None
    finally:
        os.close(home)
    hosts = {n: Host(n, HOSTS[n], namespaces[n], ports[n]) for n in HOSTS}
    return hosts, use
