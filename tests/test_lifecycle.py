"""Nothing outlives a lab: not on close, not when the runner is interrupted or killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from syscall_lab.engine.lab import Lab

from .conftest import ROOT, alive, assert_nothing_left, lab_pids, netns_users, own_fds, wait_until

pytestmark = pytest.mark.kernel  # every test here starts a lab


def test_close_ends_every_process_and_the_namespace() -> None:
    before = own_fds()
    lab = Lab()
    lab.spawn("server")
    lab.call("server", "socket", "AF_INET", "SOCK_STREAM", 0)
    lab.call("server", "fork")
    lab.call("server", "sleep", 30)  # blocked in the kernel while we close
    pids = lab_pids(lab)
    netns = int(lab.info["netns_inode"])
    assert len(pids) == 4 and all(alive(p) for p in pids)
    lab.close()
    assert_nothing_left(pids, netns)
    assert wait_until(lambda: own_fds() <= before)
    lab.close()  # twice is fine


def test_orphans_are_adopted_inside_the_lab_and_still_end_with_it() -> None:
    with Lab() as lab:
        lab.spawn("server")
        lab.call("server", "fork")
        lab.call("server", "exit", 0)  # the child is orphaned: the lab's init adopts it
        snap = lab.snapshot()
        child = snap.process("server.1")
        assert child is not None and child.state == "S" and child.ppid == 1
        pids = lab_pids(lab)
        netns = int(lab.info["netns_inode"])
    assert_nothing_left(pids, netns)


def _start_runner() -> tuple[subprocess.Popen[str], list[int], int]:
    """Run the built-in lesson until two clients are blocked in connect()."""
    proc = subprocess.Popen([sys.executable, "-m", "syscall_lab", "run", "backlog", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    pids: set[int] = set()
    netns = 0
    for line in proc.stdout:
        step = json.loads(line)
        pids |= {p["host_pid"] for p in step["processes"]}
        if step["step"] == 13:  # client5 blocked in connect(): mid-lesson
            break
    for pid in list(pids):
        netns = netns or os.stat(f"/proc/{pid}/ns/net").st_ino
    kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    pids |= {int(k) for k in kids}  # the supervisor
    for k in kids:
        pids |= {int(x) for x in Path(f"/proc/{k}/task/{k}/children").read_text().split()}
    assert len(pids) >= 8 and all(alive(p) for p in pids)
    return proc, sorted(pids), netns


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_killing_the_runner_mid_lesson_leaves_nothing(sig: signal.Signals) -> None:
    proc, pids, netns = _start_runner()
    proc.send_signal(sig)
    code = proc.wait(timeout=20)
    _, err = proc.communicate()
    assert_nothing_left(set(pids), netns)
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code in (130, 128 + sig), (code, err)
        assert "Traceback" not in err


def test_sigkill_of_a_wire_lesson_leaves_no_process_namespace_or_device() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "syscall_lab", "run", "handshake", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    pids: set[int] = set()
    for line in proc.stdout:
        step = json.loads(line)
        pids |= {p["host_pid"] for p in step["processes"]}
        if step["wire"]["held"]:  # connect() blocked, the SYN/ACK held: mid-handshake
            break
    host_netns = {os.stat(f"/proc/{pid}/ns/net").st_ino for pid in pids}
    assert len(host_netns) == 2  # the client's and the server's
    kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    supervisor = int(kids[0])
    wire_netns = os.stat(f"/proc/{supervisor}/ns/net").st_ino
    pids |= {supervisor}
    proc.kill()
    proc.wait(timeout=20)
    proc.communicate()
    assert_nothing_left(pids, wire_netns)
    for ns in host_netns:  # no process in them: the kernel frees them and their devices
        assert wait_until(lambda ns=ns: not netns_users(ns)), f"netns {ns} still in use"
