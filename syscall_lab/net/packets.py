"""Packet records: each packet the lab saw, dissected with scapy and analysed as Wireshark would.

The supervisor sends the raw bytes of every packet with its fate on the wire; this module, in the
UI process, turns them into :class:`PacketRecord` values: addresses and ports, TCP flags, seq and
ack (absolute and relative to each side's initial sequence number, as Wireshark shows them),
window, payload length, TCP options, and analysis marks (retransmission, duplicate ACK, fast
retransmission, zero window), worked out from the order the wire saw the packets in.

scapy is imported on first use, never at module import: it takes a good fraction of a second,
and the first frame of the TUI must not wait for it. :func:`warm_up` imports it in a background
thread so that it is ready by the time the first packet arrives.
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..heap import freeze
from .rules import flag_names

__all__ = ["FATES", "MARKS", "PacketLog", "PacketRecord", "describe", "dissect_ip", "warm_up"]

FATES = ("passed", "held", "delivered", "dropped", "duplicated", "delayed", "reordered", "lost")
"""What the wire did with a packet (a packet's ``fate``), in the words of lessons and JSON."""
MARKS = ("retransmission", "fast_retransmission", "dup_ack", "zero_window")
"""The analysis marks a packet may carry, as Wireshark's TCP analysis names them."""

_scapy_lock = threading.Lock()


def _scapy() -> Any:
    """The scapy layers we use, imported once (thread-safe)."""
    with _scapy_lock:
        from scapy.layers import inet

        return inet


def _import_and_settle() -> None:
    _scapy()
    freeze()  # scapy's thousands of objects live as long as the program


def warm_up() -> threading.Thread:
    """Start importing scapy in a daemon thread; returns the thread."""
    t = threading.Thread(target=_import_and_settle, name="scapy-import", daemon=True)
    t.start()
    return t


@dataclass(frozen=True)
class PacketRecord:
    """One packet as the lab saw it."""

    n: int
    """Its number in this lab, in the order the wire (or the capture on lo) saw packets."""
    t: float
    """Seconds since the lab started."""
    source: str | None
    """The wire host that sent it (client, server); None on loopback."""
    src: str
    dst: str
    """``address:port`` (address only for ICMP)."""
    proto: str
    """TCP, UDP, ICMP or the IP protocol number."""
    length: int
    """Payload bytes (TCP or UDP data; what Wireshark calls Len)."""
    fate: str
    """passed, held, delivered, dropped, duplicated, delayed, reordered, lost."""
    fates: tuple[tuple[str, float], ...] = ()
    """Every fate in turn with its time: ``(("held", 1.2), ("delivered", 3.4))``."""
    flags: tuple[str, ...] = ()
    """TCP flags set, in Wireshark's order: ``("SYN", "ACK")``."""
    seq: int | None = None
    """Relative sequence number (0 for a SYN)."""
    ack: int | None = None
    """Relative acknowledgement number (None when the ACK flag is clear)."""
    seq_abs: int | None = None
    ack_abs: int | None = None
    window: int | None = None
    """The receive window in bytes, scaled by the window-scale shifts both SYNs agreed on (as
    Wireshark's Win=); the raw field when the handshake was not seen."""
    window_raw: int | None = None
    """The 16-bit window field as sent."""
    options: dict[str, Any] = field(default_factory=dict)
    """TCP options: ``MSS``, ``SACK_PERM``, ``WS`` (shift), ``TSval``/``TSecr``, ``SACK``."""
    marks: tuple[str, ...] = ()
    """retransmission, fast_retransmission, dup_ack, zero_window."""
    dup_ack: int | None = None
    """For a duplicate ACK: which one it is (1, 2, 3...), as Wireshark's ``Dup ACK 3#1``."""
    icmp: str | None = None
    """ICMP type and code, e.g. ``destination unreachable (port unreachable)``."""
    rule: int | None = None
    """The wire rule that decided its fate."""

    @property
    def flag_text(self) -> str:
        return ", ".join(self.flags)

    def summary(self) -> str:
        """One line as Wireshark's Info column would write it."""
        if self.proto == "TCP":
            sport, dport = self.src.rsplit(":", 1)[1], self.dst.rsplit(":", 1)[1]
            text = f"{sport} → {dport} [{self.flag_text}] Seq={self.seq}"
            if self.ack is not None:
                text += f" Ack={self.ack}"
            text += f" Win={self.window} Len={self.length}"
            opts = self.options
            if "MSS" in opts:
                text += f" MSS={opts['MSS']}"
            if opts.get("SACK_PERM"):
                text += " SACK_PERM"
            if "TSval" in opts:
                text += f" TSval={opts['TSval']} TSecr={opts.get('TSecr', '?')}"
            if "WS" in opts:
                text += f" WS={1 << opts['WS']}"
            for left, right in zip(opts.get("SACK", [])[::2], opts.get("SACK", [])[1::2],
                                   strict=False):
                text += f" SLE={left} SRE={right}"
            return text
        if self.proto == "UDP":
            return f"{self.src} → {self.dst} Len={self.length}"
        if self.proto == "ICMP":
            return f"{self.src} → {self.dst} {self.icmp or ''}".rstrip()
        return f"{self.src} → {self.dst} proto {self.proto}"

    def to_json(self) -> dict[str, Any]:
        """The --json contract's packet (docs/architecture.md): ``t, src, dst, flags, seq,
        ack, len, fate`` and more."""
        return {"n": self.n, "t": self.t, "from": self.source, "src": self.src, "dst": self.dst,
                "proto": self.proto, "flags": list(self.flags), "seq": self.seq,
                "ack": self.ack, "seq_abs": self.seq_abs, "ack_abs": self.ack_abs,
                "win": self.window, "win_raw": self.window_raw, "len": self.length,
                "options": self.options,
                "fate": self.fate, "fates": [list(f) for f in self.fates],
                "marks": list(self.marks), "dup_ack": self.dup_ack, "icmp": self.icmp,
                "rule": self.rule, "summary": self.summary()}


ICMP_TYPES = {0: "echo reply", 3: "destination unreachable", 8: "echo request",
              11: "time exceeded"}
ICMP_UNREACH = {0: "net unreachable", 1: "host unreachable", 3: "port unreachable",
                4: "fragmentation needed"}


def _options(tcp: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in tcp.options:
        if name == "MSS":
            out["MSS"] = value
        elif name == "SAckOK":
            out["SACK_PERM"] = True
        elif name == "WScale":
            out["WS"] = value
        elif name == "Timestamp":
            out["TSval"], out["TSecr"] = value
        elif name == "SAck":
            out["SACK"] = list(value)
    return out


def dissect_ip(data: bytes) -> dict[str, Any]:
    """The fields of one IPv4 packet (scapy), before any analysis across packets."""
    inet = _scapy()
    ip = inet.IP(data)
    out: dict[str, Any] = {"src": ip.src, "dst": ip.dst, "proto": str(ip.proto), "length": 0}
    if ip.haslayer(inet.TCP):
        tcp = ip[inet.TCP]
        ihl, doff = ip.ihl * 4, tcp.dataofs * 4
        out.update(proto="TCP", src=f"{ip.src}:{tcp.sport}", dst=f"{ip.dst}:{tcp.dport}",
                   flag_bits=int(tcp.flags), seq_abs=tcp.seq, ack_abs=tcp.ack,
                   window=tcp.window, length=max(0, ip.len - ihl - doff),
                   options=_options(tcp))
    elif ip.haslayer(inet.UDP):
        udp = ip[inet.UDP]
        out.update(proto="UDP", src=f"{ip.src}:{udp.sport}", dst=f"{ip.dst}:{udp.dport}",
                   length=max(0, udp.len - 8))
    elif ip.haslayer(inet.ICMP):
        icmp = ip[inet.ICMP]
        text = ICMP_TYPES.get(icmp.type, f"type {icmp.type}")
        if icmp.type == 3:
            text += f" ({ICMP_UNREACH.get(icmp.code, f'code {icmp.code}')})"
        out.update(proto="ICMP", icmp=text)
    return out


@dataclass
class _Direction:
    base: int | None = None
    """The initial sequence number (or the first seq seen)."""
    next_seq: int | None = None
    """The highest seq + segment length sent so far (relative)."""
    last_ack: int | None = None
    last_win: int | None = None
    dup_acks: int = 0
    ws: int | None = None
    """The window-scale shift this side offered in its SYN (None: none, or SYN not seen)."""


def _seg_len(flag_bits: int, length: int) -> int:
    return length + (1 if flag_bits & 0x02 else 0) + (1 if flag_bits & 0x01 else 0)


class PacketLog:
    """All packets of one lab, in wire order; feed it the supervisor's wire reports."""

    def __init__(self) -> None:
        self.records: dict[int, PacketRecord] = {}
        self._order: list[int] = []
        """Every packet number, kept sorted as packets arrive (almost always at the end)."""
        self.raw: dict[int, tuple[float, bytes]] = {}
        """``n -> (t, bytes)``: what a pcap file is written from."""
        self._flows: dict[tuple[str, str], _Direction] = {}
        self.omitted = 0
        self.lost: dict[str, int] = {}

    def add(self, report: dict[str, Any]) -> list[PacketRecord]:
        """Take one wire report; return the records it brought (new or with a new fate)."""
        out: list[PacketRecord] = []
        for p in report.get("packets", ()):
            fates = tuple((str(f), float(t)) for f, t in p.get("fates", ()))
            old = self.records.get(p["n"])
            if old is not None:
                rec = dataclasses.replace(old, fate=p["fate"], fates=fates)
            else:
                data = base64.b64decode(p["data"])
                self.raw[p["n"]] = (p["t"], data)
                rec = self._analyse(p["n"], p["t"], p.get("from"), data, p["fate"], fates,
                                    p.get("rule"))
            self.records[p["n"]] = rec
            # Numbered only once recorded: another thread's report (Lab's requests may come
            # from several) iterating meanwhile never meets a number without its record.
            if old is None:
                if not self._order or p["n"] > self._order[-1]:
                    self._order.append(p["n"])
                else:
                    bisect.insort(self._order, p["n"])
            out.append(rec)
        self.omitted += int(report.get("omitted", 0))
        self.lost = dict(report.get("lost", self.lost))
        return out

    def __iter__(self) -> Iterator[PacketRecord]:
        records = self.records
        return (records[n] for n in list(self._order))

    def __len__(self) -> int:
        return len(self.records)

    def _analyse(self, n: int, t: float, source: str | None, data: bytes, fate: str,
                 fates: tuple[tuple[str, float], ...], rule: int | None) -> PacketRecord:
        d = dissect_ip(data)
        base = PacketRecord(n=n, t=t, source=source, src=d["src"], dst=d["dst"],
                            proto=d["proto"], length=d["length"], fate=fate, fates=fates,
                            icmp=d.get("icmp"), rule=rule)
        if d["proto"] != "TCP":
            return base
        bits: int = d["flag_bits"]
        me = self._flows.setdefault((d["src"], d["dst"]), _Direction())
        peer = self._flows.setdefault((d["dst"], d["src"]), _Direction())
        if me.base is None:
            me.base = d["seq_abs"]
        if bits & 0x02:
            me.ws = d["options"].get("WS")
        seq = (d["seq_abs"] - me.base) % (1 << 32)
        ack = None
        if bits & 0x10:
            if peer.base is None:  # we never saw the other side's first segment
                peer.base = (d["ack_abs"] - 1) % (1 << 32)
            ack = (d["ack_abs"] - peer.base) % (1 << 32)
        seg = _seg_len(bits, d["length"])
        marks: list[str] = []
        dup = None
        if seg > 0 and me.next_seq is not None and seq < me.next_seq and not bits & 0x04:
            marks.append("retransmission")
            if peer.dup_acks >= 2 and peer.last_ack == seq:
                marks.insert(0, "fast_retransmission")
        pure_ack = seg == 0 and bits & 0x10 and not bits & 0x07
        if pure_ack and ack == me.last_ack and d["window"] == me.last_win \
                and me.next_seq is not None and seq == me.next_seq:
            me.dup_acks += 1
            dup = me.dup_acks
            marks.append("dup_ack")
        elif ack is not None and ack != me.last_ack:
            me.dup_acks = 0
        if d["window"] == 0 and not bits & 0x07:
            marks.append("zero_window")
        if ack is not None:
            me.last_ack, me.last_win = ack, d["window"]
        window = d["window"]
        if not bits & 0x02 and me.ws is not None and peer.ws is not None:
            window <<= me.ws  # RFC 7323: scaling applies only if both SYNs carried the option
        # SACK blocks name ranges of the peer's data: relative to its initial seq, as Wireshark
        opts = dict(d["options"])
        if "SACK" in opts and peer.base is not None:
            opts["SACK"] = [(v - peer.base) % (1 << 32) for v in opts["SACK"]]
        end = seq + seg
        if me.next_seq is None or end > me.next_seq:
            me.next_seq = end
        return dataclasses.replace(
            base, flags=tuple(flag_names(bits)), seq=seq, ack=ack, seq_abs=d["seq_abs"],
            ack_abs=d["ack_abs"] if bits & 0x10 else None, window=window,
            window_raw=d["window"], options=opts, marks=tuple(marks), dup_ack=dup)


def describe(data: bytes) -> tuple[list[tuple[str, list[tuple[str, str]]]], str]:
    """One packet as a packet-detail view shows it: each layer scapy decodes with its fields
    (``[("IP", [("version", "4"), ...]), ("TCP", [...])]``), and a hex dump of its bytes."""
    inet = _scapy()
    from scapy.utils import hexdump

    layers: list[tuple[str, list[tuple[str, str]]]] = []
    layer = inet.IP(data)
    while layer is not None and layer.name not in ("NoPayload",):
        fields = []
        for f in layer.fields_desc:
            value = layer.getfieldval(f.name)
            shown = str(f.i2repr(layer, value))
            if isinstance(value, int) and shown != str(value) and not shown.startswith("0x"):
                shown = f"{value} ({shown})"  # a port's number, then scapy's name for it
            fields.append((f.name, shown))
        layers.append((layer.name, fields))
        nxt = layer.payload
        layer = nxt if nxt is not None and nxt.__class__.__name__ != "NoPayload" else None
    return layers, str(hexdump(data, dump=True))
