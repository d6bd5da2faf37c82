"""The lab's start: ``python -m syscall_lab.engine.boot``, which
:class:`~syscall_lab.engine.lab.Lab` runs. It enters the sandbox (user, network and pid
namespaces), builds the network (the wire and its hosts, or the capture on ``lo``), forks
lab-init (pid 1 of the lab's pid namespace), says ``ready`` and hands over to
:class:`~syscall_lab.engine.supervisor.Supervisor`'s request loop. Anything that stops it before
then is one ``fatal`` event on stdout, with the reason and the fix.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import sys
import time
from typing import Any, NoReturn

from ..i18n import Msg
from ..net.hosts import Host, NetworkError, make_wire_hosts
from ..net.namespaces import SandboxError, enter_sandbox
from ..net.packetsock import PacketSocket
from ..net.wire import Wire
from .actor import set_comm
from .supervisor import Supervisor
from .vocabulary import machine_arch

__all__ = ["main"]

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent(parent: int) -> None:
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _lab_init(lifeline: int) -> NoReturn:
    """pid 1 of the lab's pid namespace: reaps orphans; its death ends every lab process.

    ``lifeline`` is the read end of a pipe whose write end only the supervisor holds. Inside
    the new pid namespace getppid() is 0 (the parent is outside), so that is how we learn
    whether the supervisor died before PR_SET_PDEATHSIG took effect.
    """
    try:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if select.select([lifeline], [], [], 0)[0]:  # EOF: the supervisor is already gone
            os._exit(1)
        set_comm("lab-init")
        null = os.open("/dev/null", os.O_RDWR)
        for n in (0, 1, 2):
            os.dup2(null, n)
        os.closerange(3, 1 << 20)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        while True:
            signal.sigwait({signal.SIGCHLD})
            while True:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
    finally:
        os._exit(0)


def _fatal_event(reason: str, fix: str, kind: str) -> dict[str, Any]:
    """The ``fatal`` event: ``reason`` and ``fix`` in English, and as ``msg`` and ``fix_msg``
    where they are :class:`~syscall_lab.i18n.Msg` (for the UI to say them in Korean)."""
    event: dict[str, Any] = {"event": "fatal", "kind": kind, "reason": reason, "fix": fix}
    if isinstance(reason, Msg):
        event["msg"] = reason.to_json()
    if isinstance(fix, Msg):
        event["fix_msg"] = fix.to_json()
    return event


def _fatal(reason: str, fix: str, kind: str = "environment") -> NoReturn:
    sys.stdout.write(json.dumps(_fatal_event(reason, fix, kind)) + "\n")
    sys.stdout.flush()
    os._exit(2)


def _network(mode: str, backend: str) -> tuple[dict[str, Host], Wire | None, dict[str, Any]]:
    """Build the lab's network: the wire and its hosts, or the capture on ``lo``."""
    if mode == "wire":
        try:
            hosts, used = make_wire_hosts(backend)
        except NetworkError as exc:
            _fatal(exc.reason, exc.fix)
        wire = Wire(0.0, ports={n: h.port for n, h in hosts.items()})
        return hosts, wire, {"network": "wire", "wire_backend": used, "capture": True,
                             "hosts": {n: h.addr for n, h in hosts.items()}}
    if mode != "loopback":
        _fatal(Msg("unknown network mode '{mode}'", mode=mode), Msg("use loopback or wire"),
               kind="protocol")
    try:
        tap = PacketSocket("lo", outgoing=True)
    except OSError as exc:  # the lab still runs; the packets pane says why it is empty
        problem = Msg("cannot capture on lo: {error}", error=exc.strerror)
        return {}, None, {"network": "loopback", "capture": False,
                          "capture_problem": problem, "capture_problem_msg": problem.to_json()}
    return {}, Wire(0.0, tap=tap), {"network": "loopback", "capture": True,
                                    "hosts": {"lab": "127.0.0.1"}}


def main() -> NoReturn:
    parent = int(os.environ.get("SYSCALL_LAB_PARENT", "0") or 0)
    if parent:
        _die_with_parent(parent)
    os.set_blocking(1, True)
    args = dict(zip(sys.argv[1::2], sys.argv[2::2], strict=False))
    try:
        sandbox = enter_sandbox()
    except SandboxError as exc:
        _fatal(exc.reason, exc.fix)
    hosts, wire, net_info = _network(args.get("--network", "loopback"),
                                     args.get("--wire-backend", "auto"))
    me = os.getpid()
    lifeline_r, lifeline_w = os.pipe()
    init_pid = os.fork()
    if init_pid == 0:
        os.close(lifeline_w)
        _lab_init(lifeline_r)
    os.close(lifeline_r)  # lifeline_w stays open (close-on-exec) for as long as we live
    info = {"supervisor_pid": me, "init_pid": init_pid, "arch": machine_arch(),
            "userns": sandbox.userns, "netns_inode": sandbox.netns_inode, "uid": os.getuid(),
            **net_info}
    try:
        sup = Supervisor(init_pid, hosts, wire)
        info["t0_wall"] = time.time() - (time.monotonic() - sup.t0)
    except Exception as exc:  # e.g. sock_diag unavailable
        os.kill(init_pid, signal.SIGKILL)
        _fatal(Msg("cannot observe the lab: {error}", error=str(exc)),
               Msg("see 'syscall-lab doctor'"))
    sup.emit({"event": "ready", **info})
    try:
        sup.run()
    except Exception as exc:  # a bug of ours: say so on the protocol, details on stderr
        import traceback

        traceback.print_exc()
        sup.emit(_fatal_event(f"{type(exc).__name__}: {exc}",
                              Msg("this is a bug in syscall-lab; please report it with the "
                                  "output above"), "internal"))
        sup.shutdown(exit_code=3)


if __name__ == "__main__":
    main()
