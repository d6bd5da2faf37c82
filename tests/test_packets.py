"""Packet records, analysis, rules and pcap, on packets built with scapy (no lab needed)."""

from __future__ import annotations

import base64
import io

import pytest
from scapy.layers.inet import IP, TCP, UDP
from scapy.utils import rdpcap

from syscall_lab.net.packets import PacketLog
from syscall_lab.net.pcap import LINKTYPE_RAW, PcapWriter
from syscall_lab.net.rules import Rule, RuleError
from syscall_lab.net.wire import peek

C, S = "10.0.0.1", "10.0.0.2"


def _tcp(src: str, dst: str, flags: str, seq: int, ack: int = 0, data: bytes = b"",
         win: int = 502, options: list | None = None) -> bytes:  # type: ignore[type-arg]
    sport, dport = (40000, 8080) if src == C else (8080, 40000)
    pkt = IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                                     window=win, options=options or []) / data
    return bytes(pkt)


def _feed(log: PacketLog, packets: list[bytes], fate: str = "passed") -> list:  # type: ignore[type-arg]
    report = {"packets": [{"n": i, "t": i / 10, "from": "client" if p[12:16] == bytes([10, 0, 0, 1])
                           else "server", "fate": fate, "fates": [[fate, i / 10]],
                           "data": base64.b64encode(p).decode()}
                          for i, p in enumerate(packets, len(log) + 1)]}
    return log.add(report)


def test_handshake_relative_numbers_and_window_scaling() -> None:
    log = PacketLog()
    syn, syn_ack, ack = _feed(log, [
        _tcp(C, S, "S", 1000, win=64240, options=[("MSS", 1460), ("SAckOK", b""),
                                                  ("WScale", 7)]),
        _tcp(S, C, "SA", 5000, 1001, win=65160, options=[("MSS", 1460), ("WScale", 10)]),
        _tcp(C, S, "A", 1001, 5001, win=502),
    ])
    assert (syn.seq, syn_ack.seq, ack.seq) == (0, 0, 1)
    assert (syn.ack, syn_ack.ack, ack.ack) == (None, 1, 1)
    assert syn.options == {"MSS": 1460, "SACK_PERM": True, "WS": 7}
    assert syn.window == 64240  # a SYN's window is never scaled
    assert ack.window == 502 << 7 and ack.window_raw == 502
    assert ack.summary() == "40000 → 8080 [ACK] Seq=1 Ack=1 Win=64256 Len=0"


def test_duplicate_acks_and_fast_retransmission() -> None:
    log = PacketLog()
    _feed(log, [_tcp(C, S, "S", 0), _tcp(S, C, "SA", 0, 1), _tcp(C, S, "A", 1, 1)])
    recs = _feed(log, [
        _tcp(C, S, "PA", 1, 1, b"a" * 100),
        _tcp(C, S, "PA", 101, 1, b"b" * 100),  # lost on the way
        _tcp(C, S, "PA", 201, 1, b"c" * 100),
        _tcp(S, C, "A", 1, 101),
        _tcp(S, C, "A", 1, 101),
        _tcp(S, C, "A", 1, 101),
        _tcp(C, S, "PA", 101, 1, b"b" * 100),
        _tcp(S, C, "A", 1, 301, win=0),
    ])
    assert [r.marks for r in recs[3:6]] == [(), ("dup_ack",), ("dup_ack",)]
    assert [r.dup_ack for r in recs[3:6]] == [None, 1, 2]
    assert recs[6].marks == ("fast_retransmission", "retransmission")
    assert recs[7].marks == ("zero_window",)
    assert recs[0].marks == () and recs[2].marks == ()


def test_a_fate_change_updates_the_record_not_the_analysis() -> None:
    log = PacketLog()
    (rec,) = _feed(log, [_tcp(C, S, "S", 7)], fate="held")
    again = log.add({"packets": [{"n": rec.n, "t": rec.t, "from": "client", "fate": "delivered",
                                  "fates": [["held", 0.1], ["delivered", 2.0]], "data": ""}]})
    assert again[0].fate == "delivered" and again[0].seq == 0 and len(log) == 1


def test_udp_record() -> None:
    (rec,) = _feed(PacketLog(), [bytes(IP(src=C, dst=S) / UDP(sport=5, dport=9) / b"hello")])
    assert (rec.proto, rec.length, rec.src, rec.dst) == ("UDP", 5, f"{C}:5", f"{S}:9")


def test_peek_reads_what_rules_match_on() -> None:
    assert peek(_tcp(C, S, "SA", 0, 1)) == (6, 0x12, 0)
    assert peek(_tcp(C, S, "PA", 1, 1, b"xyz")) == (6, 0x18, 3)
    assert peek(bytes(IP(src=C, dst=S) / UDP() / b"12345")) == (17, 0, 5)
    assert peek(b"\x60" + bytes(39)) == (0, 0, 0)  # not IPv4


def test_pcap_is_read_back_by_scapy() -> None:
    buf = io.BytesIO()
    packets = [(0.5, _tcp(C, S, "S", 1)), (0.75, _tcp(S, C, "SA", 9, 2))]
    PcapWriter(buf, wall0=1_700_000_000.0).write_all(packets)
    assert int.from_bytes(buf.getvalue()[20:24], "little") == LINKTYPE_RAW
    buf.seek(0)
    back = rdpcap(buf)
    assert [bytes(p) for p in back] == [d for _, d in packets]
    assert float(back[1].time) == pytest.approx(1_700_000_000.75)


def test_rules_match_by_direction_flags_data_and_ordinal() -> None:
    rule = Rule.from_json({"action": "hold", "from": "server", "flags": "SYN+ACK"})
    assert rule.proto == "tcp" and rule.matches("server", 6, 0x12, 0)
    assert not rule.matches("client", 6, 0x12, 0) and not rule.matches("server", 6, 0x02, 0)
    only_syn = Rule.from_json({"action": "drop", "flags": ["SYN", "!ACK"]})
    assert only_syn.matches("client", 6, 0x02, 0) and not only_syn.matches("server", 6, 0x12, 0)
    data = Rule.from_json({"action": "drop", "from": "client", "data": True, "nth": 3})
    assert (data.first, data.last) == (3, 3)
    assert data.matches("client", 6, 0x18, 10) and not data.matches("client", 6, 0x10, 0)
    assert Rule.from_json(rule.to_json()) == rule
    assert rule.describe() == "hold(from=server, flags=SYN+ACK)"
    delay = Rule.from_json({"action": "delay", "ms": 250, "proto": "udp", "count": 2})
    assert delay.describe() == "delay(proto=udp, count=2, ms=250)" and delay.last == 2


@pytest.mark.parametrize("rule, needle", [
    ({"action": "hold", "flags": "SYNN"}, "unknown TCP flag 'SYNN' - did you mean 'SYN'?"),
    ({"action": "drop", "nth": 0}, "nth must be 1 or more"),
    ({"action": "delay", "ms": -1}, "a delay cannot be negative"),
    ({"action": "delay"}, "a delay needs its length"),
    ({"action": "drop", "ms": 5}, "ms only applies to action delay"),
    ({"action": "drop", "count": True}, "count must be a whole number"),
    ({"action": "drop", "nht": 2}, "unknown rule key 'nht' - did you mean 'nth'?"),
    ({"action": "drop", "flags": "SYN+!SYN"}, "both set and not set"),
    ("drop", "a wire rule is a mapping"),
])
def test_bad_rules(rule: object, needle: str) -> None:
    with pytest.raises(RuleError) as err:
        Rule.from_json(rule)
    assert needle in str(err.value)
