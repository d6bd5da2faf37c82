"""The lab's own network counters (/proc/net/snmp, /proc/net/netstat): read per host, what a
step moved them by checkable (``counter(server, TcpExt.ListenOverflows) >= 1``), and the same
numbers as ``nstat`` in the same namespace."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from syscall_lab.engine.lab import Lab
from syscall_lab.lesson.loader import load_lesson
from syscall_lab.lesson.model import Lesson
from syscall_lab.observe.netstat import parse

from .conftest import need_tool, run_cli

SAMPLE = """\
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens
Tcp: 1 200 120000 -1 3 2
Udp: InDatagrams NoPorts
Udp: 7 1
TcpExt: SyncookiesSent ListenOverflows
TcpExt: 0 4
"""


def test_the_files_are_read_as_table_dot_name() -> None:
    got = parse(SAMPLE)
    assert got["Tcp.ActiveOpens"] == 3 and got["Tcp.MaxConn"] == -1
    assert got["Udp.NoPorts"] == 1 and got["TcpExt.ListenOverflows"] == 4
    assert parse("Tcp: A B\nUdp: 1 2\n") == {}  # a header and values of different tables


HEAD = """\
schema: 1
id: overflow
title: {en: Overflow, ko: 넘침}
summary: {en: S, ko: S}
languages: [en, ko]
network: wire
actors: {server: {host: server}, c1: {host: client}, c2: {host: client}, c3: {host: client}}
steps:
  - say: {en: Socket., ko: 소켓.}
    do: server.socket(AF_INET, SOCK_STREAM, 0)
    as: lsock
  - say: {en: Bind., ko: 바인드.}
    do: server.bind(lsock, 10.0.0.2:8080)
  - say: {en: Listen with room for one., ko: 하나만.}
    do: server.listen(lsock, 0)
"""
CLIENTS = "".join(f"""\
  - say: {{en: Client {n}., ko: 클라이언트 {n}.}}
    do: c{n}.socket(AF_INET, SOCK_STREAM, 0)
    as: s{n}
  - say: {{en: "Connect {n}: {{{{ counter(server, TcpExt.ListenOverflows) }}}} overflows.", ko: 연결.}}
    do: c{n}.connect(s{n}, 10.0.0.2:8080)
""" for n in (1, 2, 3))
LAST = """\
    expect:
      - counter(server, TcpExt.ListenOverflows) >= 1
      - counter(server, TcpExt.ListenDrops) >= 1
      - counter(client, TcpExt.ListenOverflows) == 0
      - counter(Tcp.ActiveOpens) >= 1
"""


@pytest.mark.kernel
def test_an_overflowing_accept_queue_moves_listen_overflows_on_the_server(
        tmp_path: Path) -> None:
    f = tmp_path / "overflow.yaml"
    f.write_text(HEAD + CLIENTS + LAST)
    assert isinstance(load_lesson(f.read_text(), str(f)), Lesson)
    r = run_cli("run", "--json", "--lang", "en", str(f))
    assert r.returncode == 0, r.stdout + r.stderr
    last = [json.loads(line) for line in r.stdout.splitlines()][-1]
    assert [c["ok"] for c in last["checks"]] == [True] * 4, last["checks"]
    moved = last["counters"]
    assert moved["server"]["TcpExt.ListenOverflows"] >= 1, moved
    assert "TcpExt.ListenOverflows" not in moved.get("client", {}), moved
    text = run_cli("run", "--lang", "en", str(f)).stdout
    assert "TcpExt.ListenOverflows" in text  # the transcript lists what moved


@pytest.mark.kernel
def test_our_counters_are_nstats_in_each_host(tmp_path: Path) -> None:
    nstat = need_tool("nstat")
    nsenter = need_tool("nsenter")
    lab = Lab(network="wire")
    try:
        for actor, host in (("server", "server"), ("client", "client")):
            lab.spawn(actor, host)
        snap = lab.snapshot()
        ours = lab.net_counters
        assert set(ours) == {"client", "server"}
        for proc in snap.processes:
            prefix = [nsenter, "-t", str(proc.host_pid), "-n"]
            if os.geteuid() != 0:
                prefix[3:3] = ["-U", "--preserve-credentials"]
            env = {**os.environ, "NSTAT_HISTORY": str(tmp_path / "history")}
            out = subprocess.run([*prefix, nstat, "-a", "-s", "-z", "-j"], capture_output=True,
                                 text=True, env=env, check=True).stdout
            theirs = json.loads(out)["kernel"]
            mine = {name.replace(".", "", 1): n for name, n in ours[proc.host or "lab"].items()}
            # counters that move by themselves (the lab is idle, but a timer may fire) aside
            same = [k for k in theirs if k in mine and not k.startswith(("Ip", "Icmp"))]
            assert len(same) >= 100, sorted(theirs)[:20]
            differ = {k: (mine[k], theirs[k]) for k in same if mine[k] != theirs[k]}
            assert not differ, differ
    finally:
        lab.close()
