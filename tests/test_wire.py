"""The lab's wire on the real kernel: two hosts, every packet seen and controlled.

Each test runs on both wire backends: TUN devices (what most desktops allow students) and veth
ports (the fallback when /dev/net/tun is closed, as on this machine for non-root users).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

from syscall_lab.engine.lab import CallError, Lab
from syscall_lab.net.hosts import tun_problem
from syscall_lab.net.packets import PacketRecord

from .conftest import CI, assert_nothing_left, lab_pids, need_tool, netns_users, own_fds, wait_until

pytestmark = pytest.mark.kernel

SERVER = "10.0.0.2:8080"


@pytest.fixture(params=["tun", "veth"])
def wlab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A wire lab on one backend; afterwards nothing of it may remain (hosts' netns too)."""
    backend = request.param
    problem = tun_problem() if backend == "tun" else None
    if problem:
        if CI:
            pytest.fail(f"CI must test the TUN wire: {problem}")
        pytest.skip(f"TUN wire not available to this user: {problem}")
    before = own_fds()
    lab = Lab(network="wire", wire_backend=backend)
    assert lab.info["wire_backend"] == backend
    assert lab.info["hosts"] == {"client": "10.0.0.1", "server": "10.0.0.2"}
    host_netns: set[int] = set()
    try:
        yield lab
    finally:
        pids = lab_pids(lab)
        for pid in pids:
            try:
                host_netns.add(os.stat(f"/proc/{pid}/ns/net").st_ino)
            except OSError:
                pass
        lab.close()
        assert_nothing_left(pids, int(lab.info["netns_inode"]))
        for ns in host_netns:
            assert wait_until(lambda ns=ns: not netns_users(ns)), f"netns {ns} still in use"
        assert wait_until(lambda: own_fds() <= before), f"fds leaked: {own_fds() - before}"


def _listening(lab: Lab, backlog: int = 5) -> None:
    lab.spawn("server", "server")
    lab.spawn("client", "client")
    assert lab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0).ret == 3
    assert lab.call("server", "bind", 3, SERVER).ret == 0
    assert lab.call("server", "listen", 3, backlog).ret == 0
    assert lab.call("client", "socket", "AF_INET", "SOCK_STREAM", 0).ret == 3


def _syn_recv(lab_snapshot) -> list:  # type: ignore[no-untyped-def]
    return [s for s in lab_snapshot.sockets if s.socket.state == "SYN_RECV"]


def _first_of_each(records: list[PacketRecord]) -> list[PacketRecord]:
    return [p for p in records if "retransmission" not in p.marks]


def test_handshake_with_the_syn_ack_held(wlab: Lab) -> None:
    _listening(wlab)
    rule = wlab.wire_rule({"action": "hold", "from": "server", "flags": "SYN+ACK"})
    assert rule.detail["rule"]["action"] == "hold"
    out = wlab.call("client", "connect", 3, SERVER)
    assert out.blocked
    assert out.snapshot.process("client").fd(3).socket.state == "SYN_SENT"  # type: ignore[union-attr]
    half_open = _syn_recv(out.snapshot)
    assert len(half_open) == 1 and half_open[0].socket.host == "server"
    assert half_open[0].owners == ()  # in the kernel, in no fd yet
    assert [p.flags for p in out.wire.packets] == [("SYN",), ("SYN", "ACK")]
    assert [p.source for p in out.wire.packets] == ["client", "server"]
    assert out.wire.packets[1].fate == "held" and out.wire.held == (out.wire.packets[1].n,)

    later = wlab.pause(0.5)
    assert later.snapshot.process("client").fd(3).socket.state == "SYN_SENT"  # type: ignore[union-attr]
    assert len(_syn_recv(later.snapshot)) == 1
    assert later.snapshot.process("server").fd(3).socket.accept_queue == 0  # type: ignore[union-attr]
    assert later.wire.held

    done = wlab.wire_deliver("all")
    assert done.detail["delivered"] == list(later.wire.held)
    client = done.snapshot.process("client").fd(3).socket  # type: ignore[union-attr]
    listener = done.snapshot.process("server").fd(3).socket  # type: ignore[union-attr]
    assert client.state == "ESTABLISHED"  # type: ignore[union-attr]
    assert listener.accept_queue == 1  # type: ignore[union-attr]
    assert not _syn_recv(done.snapshot) and not done.wire.held

    syn, syn_ack, ack = _first_of_each(list(wlab.packets))[:3]
    assert (syn.flags, syn_ack.flags, ack.flags) == (("SYN",), ("SYN", "ACK"), ("ACK",))
    assert (syn.seq, syn_ack.seq, ack.seq) == (0, 0, 1)
    assert (syn.ack, syn_ack.ack, ack.ack) == (None, 1, 1)
    assert syn_ack.seq_abs is not None and ack.ack_abs == (syn_ack.seq_abs + 1) % (1 << 32)
    assert (syn.fate, syn_ack.fate, ack.fate) == ("passed", "delivered", "passed")
    assert [f for f, _ in syn_ack.fates] == ["held", "delivered"]
    assert syn.options["MSS"] == 1460 and syn.src.startswith("10.0.0.1:") and syn.dst == SERVER
    assert wlab.wait("client", 2.0).ret == 0
    assert wlab.call("server", "accept", 3).ret == 4


def test_a_dropped_syn_ack_is_retransmitted_by_the_servers_kernel(wlab: Lab) -> None:
    _listening(wlab)
    wlab.wire_rule({"action": "drop", "from": "server", "flags": "SYN+ACK", "nth": 1})
    out = wlab.call("client", "connect", 3, SERVER)
    assert out.blocked
    wlab.pause(2.5)  # the initial retransmission timeout is 1 s (TCP_TIMEOUT_INIT)
    assert wlab.wait("client", 3.0).ret == 0
    syn_acks = [p for p in wlab.packets if p.flags == ("SYN", "ACK")]
    assert syn_acks[0].fate == "dropped" and "retransmission" not in syn_acks[0].marks
    again = syn_acks[1]
    assert again.fate == "passed" and "retransmission" in again.marks
    assert again.seq_abs == syn_acks[0].seq_abs and again.seq == 0
    assert 0.7 <= again.t - syn_acks[0].t <= 2.5, "about one second later"


def test_five_segments_with_the_second_dropped(wlab: Lab) -> None:
    _listening(wlab)
    assert wlab.call("client", "setsockopt", 3, "IPPROTO_TCP", "TCP_NODELAY", 1).ret == 0
    assert wlab.call("client", "connect", 3, SERVER).ret == 0
    assert wlab.call("server", "accept", 3).ret == 4
    wlab.wire_rule({"action": "drop", "from": "client", "data": True, "nth": 2})
    chunks = [f"segment-{i}:" + "x" * 90 for i in range(1, 6)]
    for chunk in chunks:
        assert wlab.call("client", "send", 3, chunk, 0).ret == len(chunk)
    wlab.pause(1.0)
    data = [p for p in wlab.packets if p.source == "client" and p.length > 0]
    originals = [p for p in data if "retransmission" not in p.marks]
    assert [p.length for p in originals] == [len(c) for c in chunks]
    lost = originals[1]
    assert lost.fate == "dropped"
    resent = [p for p in data if "retransmission" in p.marks]
    assert resent and resent[0].seq == lost.seq and resent[0].fate == "passed"
    dup_acks = [p for p in wlab.packets if "dup_ack" in p.marks]
    assert dup_acks and all(p.source == "server" and p.ack == lost.seq for p in dup_acks)
    assert [p.dup_ack for p in dup_acks] == list(range(1, len(dup_acks) + 1))
    assert all(p.n < resent[0].n for p in dup_acks[:1])
    got = wlab.call("server", "recv", 4, 4096, 0)
    assert got.result["value"]["text"] == "".join(chunks)  # type: ignore[index]
    srv = got.snapshot.process("client").fd(3).socket  # type: ignore[union-attr]
    assert srv.retransmits is not None and srv.retransmits >= 1  # type: ignore[union-attr]


def test_udp_a_dropped_datagram_is_never_retransmitted(wlab: Lab) -> None:
    wlab.spawn("server", "server")
    wlab.spawn("client", "client")
    assert wlab.call("server", "socket", "AF_INET", "SOCK_DGRAM", 0).ret == 3
    assert wlab.call("server", "bind", 3, "10.0.0.2:9000").ret == 0
    assert wlab.call("client", "socket", "AF_INET", "SOCK_DGRAM", 0).ret == 3
    wlab.wire_rule({"action": "drop", "from": "client", "proto": "udp", "nth": 2})
    for word in ("one", "two", "three"):
        assert wlab.call("client", "sendto", 3, word, 0, "10.0.0.2:9000").ret == len(word)
    wlab.pause(1.5)
    udp = [p for p in wlab.packets if p.proto == "UDP"]
    assert [(p.length, p.fate) for p in udp] == [(3, "passed"), (3, "dropped"), (5, "passed")]
    first = wlab.call("server", "recvfrom", 3, 64, 0)
    second = wlab.call("server", "recvfrom", 3, 64, 0)
    assert first.result["value"]["text"] == "one"  # type: ignore[index]
    assert second.result["value"]["text"] == "three"  # type: ignore[index]
    none = wlab.call("server", "recvfrom", 3, 64, "MSG_DONTWAIT")
    assert none.errno == "EAGAIN"


@pytest.mark.parametrize("action, fates", [
    ({"action": "duplicate", "from": "client", "data": True}, ["duplicated"]),
    ({"action": "delay", "from": "client", "data": True, "ms": 300}, ["delayed", "delivered"]),
])
def test_duplicate_and_delay(wlab: Lab, action: dict, fates: list[str]) -> None:  # type: ignore[type-arg]
    _listening(wlab)
    assert wlab.call("client", "connect", 3, SERVER).ret == 0
    wlab.wire_rule(action)
    t0 = time.monotonic()
    wlab.call("client", "send", 3, "ping", 0)
    wlab.pause(0.6)
    seg = next(p for p in wlab.packets if p.source == "client" and p.length == 4)
    assert [f for f, _ in seg.fates] == fates
    if action["action"] == "delay":
        assert 0.25 <= seg.fates[1][1] - seg.fates[0][1] <= 0.6
    else:  # the receiver got it twice and said so with a duplicate ACK (with D-SACK)
        assert any("SACK" in p.options for p in wlab.packets if p.source == "server")
    assert time.monotonic() - t0 < 5
    assert wlab.call("server", "accept", 3).ret == 4
    assert wlab.call("server", "recv", 4, 64, 0).result["value"]["text"] == "ping"  # type: ignore[index]


def test_reorder_swaps_two_segments(wlab: Lab) -> None:
    _listening(wlab)
    assert wlab.call("client", "setsockopt", 3, "IPPROTO_TCP", "TCP_NODELAY", 1).ret == 0
    assert wlab.call("client", "connect", 3, SERVER).ret == 0
    assert wlab.call("server", "accept", 3).ret == 4
    wlab.wire_rule({"action": "reorder", "from": "client", "data": True, "nth": 1})
    wlab.call("client", "send", 3, "AAAA", 0)
    wlab.call("client", "send", 3, "BBBB", 0)
    wlab.pause(0.3)
    first = next(p for p in wlab.packets if p.source == "client" and p.length == 4)
    assert first.fate == "reordered"
    assert wlab.call("server", "recv", 4, 8, "MSG_WAITALL").result["value"]["text"] == "AAAABBBB"  # type: ignore[index]


@pytest.mark.parametrize("rule, needle", [
    ({"action": "hold", "flags": "SYNN"}, "unknown TCP flag 'SYNN' - did you mean 'SYN'?"),
    ({"action": "drop", "nth": 0}, "nth must be 1 or more"),
    ({"action": "delay", "ms": -5}, "a delay cannot be negative"),
    ({"action": "hodl"}, "unknown wire action 'hodl' - did you mean 'hold'?"),
    ({"action": "drop", "from": "router"}, "'from' must be client, server or any"),
    ({"action": "drop", "proto": "udp", "flags": "SYN"}, "TCP flags cannot match udp packets"),
])
def test_bad_rules_are_refused_with_the_reason(wlab: Lab, rule: dict, needle: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(CallError) as err:
        wlab.wire_rule(rule)
    assert needle in str(err.value)
    with pytest.raises(CallError, match="not held"):  # and the supervisor checks too
        wlab.wire_deliver([99])


def test_loopback_capture_sees_each_packet_once() -> None:
    with Lab() as lab:
        assert lab.info["capture"] is True
        lab.spawn("server")
        lab.spawn("client")
        lab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0)
        lab.call("server", "bind", 3, "127.0.0.1:8080")
        lab.call("server", "listen", 3, 5)
        lab.call("client", "socket", "AF_INET", "SOCK_STREAM", 0)
        out = lab.call("client", "connect", 3, "127.0.0.1:8080")
        assert [p.flags for p in out.wire.packets] == [("SYN",), ("SYN", "ACK"), ("ACK",)]
        assert [p.seq for p in out.wire.packets] == [0, 0, 1]
        assert all(p.source is None and p.fate == "passed" for p in out.wire.packets)
        with pytest.raises(CallError, match="network: wire"):
            lab.wire_rule({"action": "drop"})


TSHARK_FIELDS = ("ip.src", "ip.dst", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.seq",
                 "tcp.ack", "tcp.len")


def _ours(p: PacketRecord) -> tuple[str, ...]:
    bits = sum(b for n, b in {"FIN": 1, "SYN": 2, "RST": 4, "PSH": 8, "ACK": 16}.items()
               if n in p.flags)
    return (p.src.split(":")[0], p.dst.split(":")[0], f"0x{bits:04x}", str(p.seq_abs),
            str(p.ack_abs if p.ack_abs is not None else 0), str(p.seq),
            str(p.ack if p.ack is not None else 0), str(p.length))


class _Tshark:
    """tshark capturing live on one host's wire0, printing one line of fields per packet."""

    def __init__(self, lab: Lab, host: str) -> None:
        tshark, nsenter = need_tool("tshark"), need_tool("nsenter")
        pid = lab.snapshot().process(host).host_pid  # type: ignore[union-attr]
        prefix = [nsenter, "-t", str(pid), "-n"] if os.geteuid() == 0 else \
            [nsenter, "-t", str(pid), "-U", "-n", "--preserve-credentials"]
        fields = [arg for f in TSHARK_FIELDS for arg in ("-e", f)]
        self.proc = subprocess.Popen([*prefix, tshark, "-i", "wire0", "-l", "-n", "-T", "fields",
                                      *fields], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.lines: list[tuple[str, ...]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(tuple(line.rstrip("\n").split("\t")))

    def stop(self) -> list[tuple[str, ...]]:
        time.sleep(0.3)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=20)
        self.reader.join(5)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return [line for line in self.lines if line[2]]  # TCP only (not the probes)


def test_our_packets_equal_what_tshark_captures_on_the_same_devices(wlab: Lab) -> None:
    """tshark on each host's wire0 (the TUN device, or the veth end) in the same run."""
    wlab.spawn("server", "server")
    wlab.spawn("client", "client")
    wlab.spawn("probe", "client")
    captures = {host: _Tshark(wlab, host) for host in ("client", "server")}
    try:
        # tshark needs a moment before it really captures: probe until both have seen a packet
        wlab.call("probe", "socket", "AF_INET", "SOCK_DGRAM", 0)
        assert wait_until(lambda: wlab.call("probe", "sendto", 3, "probe", 0,
                                            "10.0.0.2:9").ret == 5
                          and all(c.lines for c in captures.values()), timeout=20)
        wlab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0)
        wlab.call("server", "bind", 3, SERVER)
        wlab.call("server", "listen", 3, 5)
        wlab.call("client", "socket", "AF_INET", "SOCK_STREAM", 0)
        wlab.call("client", "setsockopt", 3, "IPPROTO_TCP", "TCP_NODELAY", 1)
        wlab.wire_rule({"action": "hold", "from": "server", "flags": "SYN+ACK", "nth": 1})
        wlab.call("client", "connect", 3, SERVER)
        wlab.wire_deliver()
        wlab.wire_rule({"action": "drop", "from": "client", "data": True, "nth": 2})
        for word in ("alpha", "bravo", "charlie"):
            wlab.call("client", "send", 3, word, 0)
        wlab.pause(0.8)
        wlab.call("client", "close", 3)
        wlab.pause(0.3)
    finally:
        seen = {host: c.stop() for host, c in captures.items()}
    ours = [p for p in wlab.packets if p.proto == "TCP"]
    assert len(ours) >= 10
    client_dev, server_dev = seen["client"], seen["server"]
    # what each host sent: every packet, whatever the wire then did with it
    assert [r for r in client_dev if r[0] == "10.0.0.1"] == \
        [_ours(p) for p in ours if p.source == "client"]
    assert [r for r in server_dev if r[0] == "10.0.0.2"] == \
        [_ours(p) for p in ours if p.source == "server"]
    # what each host received: what the wire passed or delivered, and nothing it dropped
    reached_client = [_ours(p) for p in ours if p.source == "server" and p.fate != "dropped"]
    reached_server = [_ours(p) for p in ours if p.source == "client" and p.fate != "dropped"]
    assert sorted(r for r in client_dev if r[0] == "10.0.0.2") == sorted(reached_client)
    assert sorted(r for r in server_dev if r[0] == "10.0.0.1") == sorted(reached_server)
    assert any(p.fate == "dropped" for p in ours) and any(p.fate == "delivered" for p in ours)
