"""``syscall-lab doctor``: can this machine run a lab? Each problem comes with its fix.

The checks: Python and its packages, the kernel's user-namespace switches (including Ubuntu's
AppArmor restriction), /dev/net/tun, a real lab on loopback with its capture, and a real wire
between two hosts with packets crossing it. Exit 0 when a lab can run, 2 when it cannot.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from .i18n import default_lang
from .shown import shown

__all__ = ["run_doctor"]


def _line(ok: bool, what: str, detail: str = "", fix: str = "") -> None:
    mark = "ok  " if ok else "FAIL"
    print(shown(f"[{mark}] {what}" + (f": {detail}" if detail else "")))  # the kernel's words
    if not ok and fix:
        print(shown(f"       fix: {fix}"))


def _packages() -> int:
    problems = 0
    for mod, pkg in (("rich", "rich"), ("pyroute2", "pyroute2"), ("scapy", "scapy")):
        found = importlib.util.find_spec(mod) is not None
        problems += not found
        _line(found, f"Python package {pkg}", "" if found else "missing",
              f"pip install '{pkg}' (or reinstall: pip install syscall-lab)")
    return problems


def _userns_settings() -> None:
    """Say what the kernel's user-namespace switches are, even when they are fine."""
    from .net.namespaces import diagnose_userns

    apparmor = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
    if apparmor.exists():
        value = apparmor.read_text().strip()
        _line(value == "0" or os.geteuid() == 0,
              "kernel.apparmor_restrict_unprivileged_userns", value,
              diagnose_userns().fix if value != "0" else "")


def _tun() -> None:
    from .net.hosts import TUN_PATH, tun_problem

    problem = tun_problem()
    if problem is None:
        _line(True, f"{TUN_PATH}", "usable: the wire uses TUN devices")
    else:  # not a failure: the wire falls back to veth ports, which need nothing more
        print(f"[info] {TUN_PATH}: {problem.split(': ', 1)[-1]}; the wire uses veth ports "
              "instead (the same packets and controls)")
        print(f"       to use TUN devices: sudo chmod 0666 {TUN_PATH}")


def _lab(network: str) -> int:
    """Start a lab of this network mode and make real packets cross it."""
    from .engine.lab import Lab, LabEnvironmentError, LabError

    try:
        with Lab(network=network) as lab:
            info = lab.info
            server = "10.0.0.2:7" if network == "wire" else "127.0.0.1:7"
            lab.spawn("probe", "client" if network == "wire" else None)
            out = lab.call("probe", "socket", "AF_INET", "SOCK_STREAM", 0)
            fd_ok = out.ret == 3 and out.snapshot.process("probe") is not None
            refused = lab.call("probe", "connect", 3, server)  # no listener: SYN, then RST
            flags = [p.flags for p in refused.wire.packets]
        if network == "loopback":
            how = "user+net+pid namespaces" if info.get("userns") else "net+pid namespaces (root)"
            _line(True, "lab sandbox", f"{how}, netns {info.get('netns_inode')}")
            _line(fd_ok, "actor performs socket() and the kernel shows fd 3",
                  "" if fd_ok else f"got {out.c}")
            if not fd_ok:
                return 1
            label = "capture on lo"
        else:
            label = f"wire between two hosts ({info.get('wire_backend')})"
        seen = flags[:2] == [("SYN",), ("RST", "ACK")]
        _line(seen, label, "connect() to a closed port: SYN, RST/ACK seen" if seen else
              info.get("capture_problem") or f"packets seen: {flags}",
              "see the README's troubleshooting")
        return 0 if seen else 1
    except LabEnvironmentError as exc:
        _line(False, "lab sandbox" if network == "loopback" else "lab wire", exc.message,
              exc.fix or "")
    except LabError as exc:
        _line(False, "lab sandbox" if network == "loopback" else "lab wire", exc.message,
              exc.fix or "see the README's troubleshooting")
    return 1


def run_doctor() -> int:
    problems = 0
    ok = sys.version_info >= (3, 11)
    problems += not ok
    _line(ok, "Python >= 3.11", sys.version.split()[0], "install Python 3.11 or newer")
    problems += _packages()
    _userns_settings()
    _tun()
    problems += _lab("loopback")
    if not problems:
        problems += _lab("wire")
    lang = default_lang()
    if problems:
        print("syscall-lab cannot run a lab here." if lang == "en"
              else "이 컴퓨터에서는 실습 환경을 실행할 수 없습니다.")
        return 2
    print("syscall-lab can run labs here." if lang == "en"
          else "이 컴퓨터에서 실습 환경을 실행할 수 있습니다.")
    return 0
