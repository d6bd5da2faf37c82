"""``syscall-lab doctor``: can this machine run a lab? Each problem comes with its fix.

The checks: Python and its packages, the kernel's user-namespace switches (including Ubuntu's
AppArmor restriction), /dev/net/tun, a real lab on loopback with its capture, and a real wire
between two hosts with packets crossing it. Exit 0 when a lab can run, 2 when it cannot. Every
line is in the student's language (``--lang``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from .i18n import default_lang, say, t
from .shown import shown

__all__ = ["run_doctor"]


class _Doctor:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def line(self, ok: bool, what: str, detail: object = "", fix: object = "") -> None:
        mark = "ok  " if ok else "FAIL"
        detail = say(detail, self.lang)
        print(shown(f"[{mark}] {what}" + (f": {detail}" if detail else "")))  # kernel's words
        if not ok and fix:
            print(shown("       " + t("fix", self.lang, fix=say(fix, self.lang))))

    def packages(self) -> int:
        problems = 0
        for mod, pkg in (("rich", "rich"), ("pyroute2", "pyroute2"), ("scapy", "scapy"),
                         ("textual", "textual"), ("yaml", "pyyaml"), ("pydantic", "pydantic")):
            found = importlib.util.find_spec(mod) is not None
            problems += not found
            self.line(found, t("doctor_package", self.lang, package=pkg),
                      "" if found else t("doctor_missing", self.lang),
                      t("doctor_package_fix", self.lang, package=pkg))
        return problems

    def userns_settings(self) -> None:
        """Say what the kernel's user-namespace switches are, even when they are fine."""
        from .net.namespaces import diagnose_userns

        apparmor = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
        if apparmor.exists():
            value = apparmor.read_text().strip()
            self.line(value == "0" or os.geteuid() == 0,
                      "kernel.apparmor_restrict_unprivileged_userns", value,
                      diagnose_userns().fix if value != "0" else "")

    def tun(self) -> None:
        from .net.hosts import TUN_PATH, tun_problem

        problem = tun_problem()
        if problem is None:
            self.line(True, TUN_PATH, t("doctor_tun_ok", self.lang))
        else:  # not a failure: the wire falls back to veth ports, which need nothing more
            reason = say(problem, self.lang).split(": ", 1)[-1]
            print(shown(f"[info] {TUN_PATH}: " + t("doctor_tun_veth", self.lang, reason=reason)))
            print(f"       {t('doctor_tun_fix', self.lang, path=TUN_PATH)}")

    def lab(self, network: str) -> int:
        """Start a lab of this network mode and make real packets cross it."""
        from .engine.lab import Lab, LabEnvironmentError, LabError

        lang = self.lang
        label = t("doctor_sandbox" if network == "loopback" else "doctor_wire_label", lang)
        try:
            with Lab(network=network) as lab:
                info = lab.info
                server = "10.0.0.2:7" if network == "wire" else "127.0.0.1:7"
                lab.spawn("probe", "client" if network == "wire" else None)
                out = lab.call("probe", "socket", "AF_INET", "SOCK_STREAM", 0)
                fd_ok = out.ret == 3 and out.snapshot.process("probe") is not None
                refused = lab.call("probe", "connect", 3, server)  # no listener: SYN, RST
                flags = [p.flags for p in refused.wire.packets]
            if network == "loopback":
                how = t("doctor_userns" if info.get("userns") else "doctor_root", lang)
                self.line(True, label, f"{how}, netns {info.get('netns_inode')}")
                self.line(fd_ok, t("doctor_fd3", lang), "" if fd_ok else out.c)
                if not fd_ok:
                    return 1
                label = t("doctor_capture", lang)
            else:
                label = t("doctor_wire", lang, backend=info.get("wire_backend"))
            seen = flags[:2] == [("SYN",), ("RST", "ACK")]
            self.line(seen, label, t("doctor_rst", lang) if seen else
                      info.get("capture_problem") or t("doctor_seen", lang, flags=flags),
                      t("doctor_see_readme", lang))
            return 0 if seen else 1
        except LabEnvironmentError as exc:
            self.line(False, label, exc.message, exc.fix or "")
        except LabError as exc:
            self.line(False, label, exc.message, exc.fix or t("doctor_see_readme", lang))
        return 1


def run_doctor(lang: str | None = None) -> int:
    lang = lang or default_lang()
    doctor = _Doctor(lang)
    problems = 0
    ok = sys.version_info >= (3, 11)
    problems += not ok
    doctor.line(ok, "Python >= 3.11", sys.version.split()[0], t("doctor_python_fix", lang))
    problems += doctor.packages()
    doctor.userns_settings()
    doctor.tun()
    problems += doctor.lab("loopback")
    if not problems:
        problems += doctor.lab("wire")
    if problems:
        print(t("doctor_cannot", lang))
        return 2
    print(t("doctor_can", lang))
    return 0
