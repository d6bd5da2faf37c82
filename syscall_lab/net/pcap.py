"""Write the lab's packets to a pcap file that Wireshark and tshark open.

The classic libpcap format with link type ``LINKTYPE_RAW`` (101): each record is an IP packet
as the wire carried it, no link header (a TUN device has none). Timestamps are wall-clock, in
microseconds, from the lab's start time plus each packet's time on the wire.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import BinaryIO

__all__ = ["LINKTYPE_RAW", "PcapWriter"]

LINKTYPE_RAW = 101
_MAGIC = 0xA1B2C3D4
_SNAPLEN = 65535


class PcapWriter:
    """Appends packets to an open binary file; writes the global header first."""

    def __init__(self, out: BinaryIO, wall0: float) -> None:
        self.out = out
        self.wall0 = wall0
        out.write(struct.pack("=IHHiIII", _MAGIC, 2, 4, 0, 0, _SNAPLEN, LINKTYPE_RAW))

    def write(self, t: float, data: bytes) -> None:
        """One packet seen ``t`` seconds after the lab started."""
        usec_total = round((self.wall0 + t) * 1_000_000)
        sec, usec = divmod(usec_total, 1_000_000)
        self.out.write(struct.pack("=IIII", sec, usec, len(data), len(data)) + data)

    def write_all(self, packets: Iterable[tuple[float, bytes]]) -> None:
        for t, data in packets:
            self.write(t, data)
        self.out.flush()
