"""Benchmark: the lab's wire and capture.

1. Throughput of a bulk TCP transfer client -> server through the wire in pass mode (packets/s,
   MB/s), against the same transfer over a plain veth pair between two namespaces (no
   forwarder) in the same run; both with offloads off, so both carry MSS-sized segments.
2. Added latency per packet: round trips of a 1-byte TCP ping-pong, wire against plain veth.
3. Capture completeness: a burst of 10,000 UDP datagrams on lo (loopback capture) and through
   the wire; how many the lab recorded, and how many the kernel says it dropped.
4. Import-to-first-packet: a fresh Python imports the capture path (scapy) and dissects a packet.

Run as root, or as the user who owns the lab (nsenter joins the lab's namespaces):
``.venv/bin/python bench/bench_wire.py [--backend tun|veth] [--mb 50] [--quick] [--out DIR]``.
Writes ``wire-BACKEND.json`` to ``bench/results/`` (with ``--quick``, to a temporary directory
unless ``--out`` is given). ``--quick``: the same measurements, small (5 MB transferred once,
200 round trips, 2 imports; the burst stays 10,000 datagrams, it takes well under a second).
Read the ratios: this machine is shared and noisy.

Target (issue "The lab network"): >= 20,000 packets/s through the wire.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from syscall_lab.engine.lab import Lab

RECEIVER = """
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); n = 0; t0 = None
while True:
    b = c.recv(1 << 20)
    if t0 is None: t0 = time.perf_counter()
    if not b: break
    n += len(b)
print(n, time.perf_counter() - t0, flush=True)
"""
SENDER = """
import socket, sys
s = socket.create_connection((sys.argv[1], 5001)); buf = b"x" * (1 << 16)
left = int(sys.argv[2])
while left > 0:
    s.sendall(buf[:min(left, len(buf))]); left -= len(buf)
s.close()
"""
ECHO = """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5002)); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while (b := c.recv(1)):
    c.sendall(b)
"""
PING = """
import socket, sys, time
s = socket.create_connection((sys.argv[1], 5002))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rtts = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); s.sendall(b"x"); s.recv(1); rtts.append(time.perf_counter() - t)
rtts.sort(); print(rtts[len(rtts) // 2] * 1e6, flush=True)
"""
BURST = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"%08d" % i, (sys.argv[1], 9999))
"""
PLAIN_VETH = """
import os, sys, socket, subprocess
sys.path.insert(0, sys.argv[1])
from syscall_lab.net.namespaces import enter_sandbox
from syscall_lab.net import hosts
from pyroute2 import IPRoute
enter_sandbox()
home = os.open("/proc/self/ns/net", os.O_RDONLY)
ns = {}
for name in ("client", "server"):
    ns[name] = hosts._new_netns(); hosts.bring_up_loopback(); hosts.enter_netns(home)
with IPRoute() as ipr:
    ipr.link("add", ifname="a", kind="veth", peer="b")
    ipr.link("set", index=ipr.link_lookup(ifname="a")[0], net_ns_fd=ns["client"])
    ipr.link("set", index=ipr.link_lookup(ifname="b")[0], net_ns_fd=ns["server"])
for name, dev in (("client", "a"), ("server", "b")):
    with hosts.inside(ns[name]):
        hosts._offloads_off(dev); hosts._configure(dev, hosts.HOSTS[name])
# run the command given for each host: argv[2] server cmd, argv[3] client cmd (as JSON lists)
import json
srv_cmd, cli_cmd = json.loads(sys.argv[2]), json.loads(sys.argv[3])
hosts.enter_netns(ns["server"]); srv = subprocess.Popen(srv_cmd, stdout=subprocess.PIPE, text=True)
assert srv.stdout.readline().strip() == "ready"
hosts.enter_netns(ns["client"]); cli = subprocess.run(cli_cmd, capture_output=True, text=True)
print(json.dumps({"server": srv.communicate()[0], "client": cli.stdout}), flush=True)
"""


def nsenter(pid: int) -> list[str]:
    tool = shutil.which("nsenter") or "nsenter"
    if os.geteuid() == 0:
        return [tool, "-t", str(pid), "-n"]
    return [tool, "-t", str(pid), "-U", "-n", "--preserve-credentials"]


def pair(server: list[str], client: list[str]) -> tuple[str, str]:
    srv = subprocess.Popen(server, stdout=subprocess.PIPE, text=True)
    assert srv.stdout is not None and srv.stdout.readline().strip() == "ready"
    cli = subprocess.run(client, capture_output=True, text=True, check=True, timeout=300)
    return srv.communicate(timeout=300)[0], cli.stdout


def plain_veth(server: list[str], client: list[str]) -> dict[str, str]:
    """Run ``server`` and ``client`` in two namespaces joined by a bare veth pair."""
    raw = subprocess.run([sys.executable, "-c", PLAIN_VETH, str(Path(__file__).parents[1]),
                          json.dumps(server), json.dumps(client)],
                         capture_output=True, text=True, check=True, timeout=300)
    out: dict[str, str] = json.loads(raw.stdout)
    return out


def wire_lab(backend: str) -> tuple[Lab, int, int]:
    lab = Lab(network="wire", wire_backend=backend)
    lab.spawn("s", "server")
    lab.spawn("c", "client")
    snap = lab.snapshot()
    return lab, snap.process("s").host_pid, snap.process("c").host_pid  # type: ignore[union-attr]


def packets_seen(lab: Lab) -> int:
    """How many packets the wire has carried (its numbering; reports keep only the last ones)."""
    lab.snapshot()
    return max(lab.packets.raw, default=0)


def bench_throughput(backend: str, nbytes: int, rounds: int) -> dict[str, Any]:
    py = sys.executable
    wire, plain = [], []
    for _ in range(rounds):
        lab, spid, cpid = wire_lab(backend)
        try:
            n0 = packets_seen(lab)
            out, _ = pair([*nsenter(spid), py, "-c", RECEIVER, "10.0.0.2"],
                          [*nsenter(cpid), py, "-c", SENDER, "10.0.0.2", str(nbytes)])
            got, secs = out.split()
            packets = packets_seen(lab) - n0
            wire.append({"bytes": int(got), "s": float(secs), "packets": packets,
                         "pps": packets / float(secs), "MBps": int(got) / float(secs) / 1e6,
                         "lost": sum(lab.packets.lost.values())})
        finally:
            lab.close()
        got, secs = plain_veth([py, "-c", RECEIVER, "10.0.0.2"],
                               [py, "-c", SENDER, "10.0.0.2", str(nbytes)])["server"].split()
        plain.append({"bytes": int(got), "s": float(secs), "MBps": int(got) / float(secs) / 1e6})
    best_w = max(wire, key=lambda r: r["MBps"])
    best_p = max(plain, key=lambda r: r["MBps"])
    return {"wire": wire, "plain_veth": plain, "wire_pps_best": round(best_w["pps"]),
            "wire_MBps_best": round(best_w["MBps"], 1), "veth_MBps_best": round(best_p["MBps"], 1),
            "wire_over_veth_throughput": round(best_w["MBps"] / best_p["MBps"], 3)}


def bench_latency(backend: str, rounds: int) -> dict[str, Any]:
    py = sys.executable
    lab, spid, cpid = wire_lab(backend)
    try:
        _, out = pair([*nsenter(spid), py, "-c", ECHO, "10.0.0.2"],
                      [*nsenter(cpid), py, "-c", PING, "10.0.0.2", str(rounds)])
        wire_us = float(out)
    finally:
        lab.close()
    veth_us = float(plain_veth([py, "-c", ECHO, "10.0.0.2"],
                               [py, "-c", PING, "10.0.0.2", str(rounds)])["client"])
    return {"rtt_median_us_wire": round(wire_us, 1), "rtt_median_us_veth": round(veth_us, 1),
            "added_us_per_packet": round((wire_us - veth_us) / 2, 1),
            "rtt_ratio": round(wire_us / veth_us, 2)}


def _burst(lab: Lab, receiver: str, sender_pid: int, dest: str, count: int) -> dict[str, Any]:
    """A bound receiver (so no ICMP answers mix in), then ``count`` datagrams at full speed."""
    assert lab.call(receiver, "socket", "AF_INET", "SOCK_DGRAM", 0).ret == 3
    assert lab.call(receiver, "bind", 3, f"{dest}:9999").ret == 0
    before = packets_seen(lab)
    subprocess.run([*nsenter(sender_pid), sys.executable, "-c", BURST, dest, str(count)],
                   check=True)
    time.sleep(0.2)
    recorded = packets_seen(lab) - before
    return {"sent": count, "recorded": recorded, "completeness": round(recorded / count, 4),
            "kernel_dropped": sum(lab.packets.lost.values())}


def bench_burst(count: int, backend: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with Lab() as lab:  # loopback: the capture on lo
        lab.spawn("s")
        pid = lab.snapshot().process("s").host_pid  # type: ignore[union-attr]
        out["loopback"] = _burst(lab, "s", pid, "127.0.0.1", count)
    lab, _, cpid = wire_lab(backend)
    try:
        out["wire"] = _burst(lab, "s", cpid, "10.0.0.2", count)
    finally:
        lab.close()
    return out


def bench_import(rounds: int) -> dict[str, Any]:
    code = ("import time; t = time.perf_counter(); import base64; "
            "from syscall_lab.net.packets import PacketLog; "
            "pkt = bytes.fromhex('4500003c1c4640004006b1e60a0000010a000002'"
            "'9c4a1f90000003e800000000a002faf0fe300000020405b40402080a00000000000000000103030a');"
            "r = PacketLog().add({'packets': [{'n': 1, 't': 0, 'from': 'client', 'fate': 'passed',"
            "'data': base64.b64encode(pkt).decode()}]}); "
            "assert r[0].flags == ('SYN',); print(time.perf_counter() - t)")
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) * 1000 for _ in range(rounds)]
    times.sort()
    return {"import_to_first_packet_ms_median": round(times[len(times) // 2], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="tun" if os.geteuid() == 0 else "veth")
    ap.add_argument("--mb", type=int, default=None, help="MB per transfer (50; quick: 5)")
    ap.add_argument("--rounds", type=int, default=None, help="transfers (3; quick: 1)")
    ap.add_argument("--quick", action="store_true", help="the same measurements, small")
    ap.add_argument("--out", type=Path, default=None,
                    help="where to write wire-BACKEND.json (bench/results/; --quick: a "
                         "temporary directory)")
    args = ap.parse_args()
    quick = args.quick
    mb = args.mb or (5 if quick else 50)
    results = {
        "backend": args.backend,
        "quick": quick,
        "throughput": bench_throughput(args.backend, mb * 1_000_000,
                                       args.rounds or (1 if quick else 3)),
        "latency": bench_latency(args.backend, 200 if quick else 2000),
        "burst_10k": bench_burst(10_000, args.backend),
        "capture_import": bench_import(2 if quick else 5),
    }
    out_dir = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if quick
                           else Path(__file__).parent / "results")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"wire-{args.backend}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    t = results["throughput"]
    print(f"backend {args.backend}: wire {t['wire_pps_best']} packets/s, "
          f"{t['wire_MBps_best']} MB/s; plain veth {t['veth_MBps_best']} MB/s; "
          f"ratio {t['wire_over_veth_throughput']}")
    print("latency", results["latency"])
    print("burst", results["burst_10k"])
    print("import", results["capture_import"])
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
