"""Raw IP packets from a network device, through an ``AF_PACKET`` socket and a kernel ring.

Used for the loopback capture and for the wire's veth ports. The socket is ``SOCK_DGRAM``, so
the kernel strips the link header and we get the IP packet, as from a TUN device.

Why a ring (``PACKET_RX_RING``, ``TPACKET_V2``): an ordinary socket buffer is capped by the
host's ``net.core.rmem_max`` (about 200 KiB by default, and a user namespace cannot raise it),
so a burst of a few hundred packets would overflow it while Python is busy. The ring is memory
we map and size ourselves; the kernel fills its frames and we hand them back. If it still
overflows, ``PACKET_STATISTICS`` counts the drops and we report them: a lost packet is never
silently missing from the record.

Why no BPF filter and no libpcap: the socket is bound to one device, which is all the filtering
the lab needs. On ``lo`` the kernel shows each packet twice (leaving and arriving); ``outgoing``
chooses which copy is kept.
"""

from __future__ import annotations

import mmap
import socket
import struct
import time
from collections.abc import Iterator

__all__ = ["PacketSocket"]

SOL_PACKET = 263
PACKET_RX_RING = 5
PACKET_STATISTICS = 6
PACKET_VERSION = 10
TPACKET_V2 = 1
TP_STATUS_KERNEL = 0
TP_STATUS_USER = 1
TP_STATUS_LOSING = 4
PACKET_OUTGOING = 4
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800

# struct tpacket2_hdr: status, len, snaplen, mac, net, sec, nsec, vlan_tci, vlan_tpid, pad[4]
_HDR = struct.Struct("=IIIHHIIHH4x")
# struct sockaddr_ll follows the header (aligned to 16): family, protocol, ifindex, hatype,
# pkttype, halen, addr[8]
_SLL = struct.Struct("=HHiHBB8s")
_SLL_OFFSET = (_HDR.size + 15) & ~15

FRAME_SIZE = 2048  # holds a 1500-byte packet with its headers (MTU 1500 on the lab's devices)
FRAMES = 8192  # 16 MiB: ten thousand packets' worth of burst, mapped once per device


class PacketSocket:
    """IP packets seen on one device, read from a ``TPACKET_V2`` ring; can also send."""

    def __init__(self, ifname: str, outgoing: bool | None = None, frames: int = FRAMES) -> None:
        """``outgoing``: keep only packets leaving the device (True), only arriving ones
        (False), or all (None)."""
        self.ifname = ifname
        self.outgoing = outgoing
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM | socket.SOCK_NONBLOCK
                                  | socket.SOCK_CLOEXEC, 0)
        try:
            self.sock.setsockopt(SOL_PACKET, PACKET_VERSION, TPACKET_V2)
            block = FRAME_SIZE * 64
            nblocks = max(1, frames // 64)
            req = struct.pack("=IIII", block, nblocks, FRAME_SIZE, nblocks * 64)
            self.sock.setsockopt(SOL_PACKET, PACKET_RX_RING, req)
            self.frames = nblocks * 64
            self.ring = mmap.mmap(self.sock.fileno(), block * nblocks,
                                  mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
            # bind last: no packet reaches the socket before the ring exists
            self.sock.bind((ifname, ETH_P_ALL))
        except BaseException:
            self.sock.close()
            raise
        self.index = 0
        self.offset = time.time() - time.monotonic()
        """``CLOCK_REALTIME - CLOCK_MONOTONIC``: the ring stamps wall-clock; the lab counts
        monotonic time."""
        self.dropped = 0
        """Packets the kernel could not give us (ring full), counted by PACKET_STATISTICS."""

    def fileno(self) -> int:
        return self.sock.fileno()

    def packets(self, limit: int = 1024) -> Iterator[tuple[float, bytes]]:
        """The packets waiting in the ring, oldest first: ``(monotonic time the kernel stamped
        it, IP packet)``."""
        ring, frames = self.ring, self.frames
        for _ in range(limit):
            off = self.index * FRAME_SIZE
            status, _len, snaplen, _mac, net, sec, nsec, _, _ = _HDR.unpack_from(ring, off)
            if not status & TP_STATUS_USER:
                return
            pkttype = ring[off + _SLL_OFFSET + 10]
            keep = (self.outgoing is None or (pkttype == PACKET_OUTGOING) == self.outgoing)
            data = ring[off + net: off + net + snaplen] if keep else b""
            struct.pack_into("=I", ring, off, TP_STATUS_KERNEL)  # the frame is the kernel's again
            self.index = (self.index + 1) % frames
            if keep and data:
                yield sec + nsec / 1e9 - self.offset, data

    def lost(self) -> int:
        """Packets lost since the last call (the kernel resets its counters when read)."""
        raw = self.sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
        drops: int = struct.unpack("=II", raw)[1]
        self.dropped += drops
        return drops

    def send(self, packet: bytes, dst_mac: bytes) -> None:
        """Send an IP packet out of the device to the station ``dst_mac``."""
        self.sock.sendto(packet, (self.ifname, ETH_P_IP, 0, 0, dst_mac))

    def close(self) -> None:
        self.ring.close()
        self.sock.close()


