"""Benchmark: snapshot cost and step round trip, with 2 and 50 lab sockets, with and without
5,000 unrelated sockets open on the host; and one snapshot against one run of ``ss -tani``.

Run: ``.venv/bin/python bench/bench_engine.py`` (add ``--quick`` for fewer rounds; ``--out DIR``).
It prints a table and writes ``engine.json`` to ``bench/results/`` (with ``--quick``, to a
temporary directory unless ``--out`` is given). Figures are for comparing within one run on one
machine (this one is shared and noisy): read the ratios, not the absolute numbers.

Targets (issue "Lab engine"): snapshot <= 5 ms, step round trip p95 <= 20 ms, and no growth with
the host's sockets (the lab reads its own network namespace only). Also (issue "One registry"):
an event-loop server with 100 connections on one epoll instance, whose fd table lists the
interest list of 101 fds: its snapshot and an ``epoll_wait()`` step, against the 50-socket lab.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from syscall_lab.engine.lab import Lab


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "p95": round(pct(values, 95), 3),
            "n": len(values)}


def listening(lab: Lab, socktype: str = "SOCK_STREAM") -> None:
    """A server with a listening socket (fd 3) on 127.0.0.1:8080, and a client."""
    lab.spawn("server")
    lab.spawn("client")
    lab.call("server", "socket", "AF_INET", socktype, 0)
    lab.call("server", "bind", 3, "127.0.0.1:8080")
    lab.call("server", "listen", 3, 128)


def lab_with_sockets(lab: Lab, total: int) -> None:
    """``total`` sockets in the lab: a LISTEN socket, connected pairs, one fresh socket."""
    listening(lab)
    pairs = (total - 2) // 2
    for _ in range(pairs):
        fd = lab.call("client", "socket", "AF_INET", "SOCK_STREAM", 0).ret
        lab.call("client", "connect", fd, "127.0.0.1:8080")
        lab.call("server", "accept", 3)
    lab.call("client", "socket", "AF_INET", "SOCK_STREAM", 0)
    n = len(lab.snapshot().sockets)
    assert n >= total - 1, n  # the fresh socket is unhashed: in an fd, not in sock_diag


def host_sockets(count: int) -> list[socket.socket]:
    """``count`` TCP sockets on the host's loopback (connected pairs), in the host namespace."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    out = [listener]
    for _ in range(count // 2):
        c = socket.create_connection(listener.getsockname())
        s, _ = listener.accept()
        out += [c, s]
    return out


def measure(lab: Lab, rounds: int, into: dict[str, list[float]],
            step: tuple[Any, ...] = ("getsockopt", 3, "SOL_SOCKET", "SO_RCVBUF")) -> None:
    """Snapshots, then steps (the server's ``step``, a call that returns at once)."""
    for _ in range(rounds):
        t = time.perf_counter()
        snap = lab.snapshot()
        into["snapshot_request_ms"].append((time.perf_counter() - t) * 1000)
        into["snapshot_kernel_ms"].append(snap.cost_ms)
    for _ in range(rounds):
        t = time.perf_counter()
        lab.call("server", *step)
        into["step_round_trip_ms"].append((time.perf_counter() - t) * 1000)


def time_ss(rounds: int) -> list[float]:
    """Wall time of ``ss -tani`` in the host's namespace (where the host's sockets are)."""
    ss = shutil.which("ss")
    runs: list[float] = []
    for _ in range(rounds if ss else 0):
        t = time.perf_counter()
        subprocess.run([ss or "ss", "-tani"], stdout=subprocess.DEVNULL, check=True)
        runs.append((time.perf_counter() - t) * 1000)
    return runs


def epoll_server(lab: Lab, connections: int) -> None:
    """A non-blocking listener and ``connections`` accepted sockets on one epoll instance."""
    listening(lab, "SOCK_STREAM|SOCK_NONBLOCK")
    ep = lab.call("server", "epoll_create1", 0).ret
    lab.call("server", "epoll_ctl", ep, "EPOLL_CTL_ADD", 3, "EPOLLIN")
    for _ in range(connections):
        fd = lab.call("client", "socket", "AF_INET", "SOCK_STREAM", 0).ret
        lab.call("client", "connect", fd, "127.0.0.1:8080")
        conn = lab.call("server", "accept4", 3, "SOCK_NONBLOCK").ret
        lab.call("server", "epoll_ctl", ep, "EPOLL_CTL_ADD", conn, "EPOLLIN")
    entry = lab.snapshot().process("server")
    watched = entry.fd(ep) if entry and ep is not None else None
    assert watched is not None and len(watched.epoll) == connections + 1, watched


def measure_epoll(lab: Lab, rounds: int) -> dict[str, Any]:
    got: dict[str, list[float]] = {k: [] for k in KEYS}
    measure(lab, rounds, got, step=("epoll_wait", 4, 64, 0))  # nothing ready: returns at once
    return {k: summary(v) for k, v in got.items()}


KEYS = ("snapshot_kernel_ms", "snapshot_request_ms", "step_round_trip_ms")
EPOLL_CONNECTIONS = 100
HOST_LOAD = 5000
PHASES = 4


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="40 rounds instead of 200")
    ap.add_argument("--out", type=Path, default=None,
                    help="where to write engine.json (bench/results/; --quick: a temporary "
                         "directory)")
    args = ap.parse_args()
    rounds = 40 if args.quick else 200
    results: dict[str, Any] = {"rounds": rounds, "host_load": HOST_LOAD, "cases": {}}
    for total in (2, 50):
        samples: dict[int, dict[str, list[float]]] = {
            load: {k: [] for k in KEYS} for load in (0, HOST_LOAD)}
        ss_runs: dict[int, list[float]] = {0: [], HOST_LOAD: []}
        with Lab() as lab:
            lab_with_sockets(lab, total)
            # Alternate without / with the host's sockets in the same lab, so the machine's
            # drift (it is shared and noisy) falls on both sides alike.
            for _ in range(PHASES):
                for load in (0, HOST_LOAD):
                    held = host_sockets(load) if load else []
                    measure(lab, rounds // PHASES, samples[load])
                    ss = time_ss(max(3, rounds // PHASES // 8))
                    if ss:
                        ss_runs[load] += ss
                    for sock in held:
                        sock.close()
        for load in (0, HOST_LOAD):
            case: dict[str, Any] = {k: summary(v) for k, v in samples[load].items()}
            case["ss_tani_host_ms"] = summary(ss_runs[load]) if ss_runs[load] else None
            results["cases"][f"lab {total} sockets, host +{load}"] = case
    with Lab() as lab:
        epoll_server(lab, EPOLL_CONNECTIONS)
        case = measure_epoll(lab, rounds)
        case["ss_tani_host_ms"] = None
        results["cases"][f"epoll server, {EPOLL_CONNECTIONS} connections"] = case
    print(f"{'case':<32} {'snapshot kernel':>18} {'snapshot request':>18} {'step round trip':>18}"
          f" {'ss -tani (host)':>18}")
    for name, c in results["cases"].items():
        def cell(d: dict[str, float] | None) -> str:
            return f"{d['median']:.2f} / {d['p95']:.2f}" if d else "n/a"
        print(f"{name:<32} {cell(c['snapshot_kernel_ms']):>18} {cell(c['snapshot_request_ms']):>18}"
              f" {cell(c['step_round_trip_ms']):>18} {cell(c['ss_tani_host_ms']):>18}")
    print("(milliseconds, median / p95)")
    cases = results["cases"]
    ratios = {}
    for total in (2, 50):
        base = cases[f"lab {total} sockets, host +0"]
        loaded = cases[f"lab {total} sockets, host +{HOST_LOAD}"]
        for key in ("snapshot_kernel_ms", "step_round_trip_ms"):
            ratios[f"{key} with {HOST_LOAD} host sockets / without ({total} lab sockets)"] = \
                round(loaded[key]["median"] / base[key]["median"], 2)
        if loaded["ss_tani_host_ms"]:
            ratios[f"snapshot / one ss -tani, {HOST_LOAD} host sockets ({total} lab sockets)"] = \
                round(loaded["snapshot_kernel_ms"]["median"]
                      / loaded["ss_tani_host_ms"]["median"], 3)
            ratios[f"snapshot / one ss -tani, idle host ({total} lab sockets)"] = \
                round(base["snapshot_kernel_ms"]["median"] / base["ss_tani_host_ms"]["median"], 3)
    epoll = cases[f"epoll server, {EPOLL_CONNECTIONS} connections"]
    fifty = cases["lab 50 sockets, host +0"]
    for key in ("snapshot_kernel_ms", "step_round_trip_ms"):
        ratios[f"{key}: epoll server with {EPOLL_CONNECTIONS} connections / lab with 50 "
               "sockets"] = round(epoll[key]["median"] / fifty[key]["median"], 2)
    results["ratios"] = ratios
    for k, v in ratios.items():
        print(f"{k}: {v}")
    out = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if args.quick
                       else Path(__file__).parent / "results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "engine.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out / 'engine.json'}")


if __name__ == "__main__":
    main()
