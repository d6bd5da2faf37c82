"""``syscall-lab doctor``: can this machine run a lab? Each problem comes with its fix.

The checks here cover what the engine needs (Python, packages, user/net/pid namespaces,
sock_diag). Exit 0 when a lab can run, 2 when it cannot.
"""

from __future__ import annotations

import importlib.util
import sys

from .i18n import default_lang

__all__ = ["run_doctor"]


def _line(ok: bool, what: str, detail: str = "", fix: str = "") -> None:
    mark = "ok  " if ok else "FAIL"
    print(f"[{mark}] {what}" + (f": {detail}" if detail else ""))
    if not ok and fix:
        print(f"       fix: {fix}")


def run_doctor() -> int:
    problems = 0
    ok = sys.version_info >= (3, 11)
    problems += not ok
    _line(ok, "Python >= 3.11", sys.version.split()[0], "install Python 3.11 or newer")
    for mod, pkg in (("rich", "rich"), ("pyroute2", "pyroute2")):
        found = importlib.util.find_spec(mod) is not None
        problems += not found
        _line(found, f"Python package {pkg}", "" if found else "missing", f"pip install {pkg}")
    from .engine.lab import Lab, LabEnvironmentError, LabError

    try:
        with Lab() as lab:
            info = lab.info
            lab.spawn("probe")
            out = lab.call("probe", "socket", "AF_INET", "SOCK_STREAM", 0)
            fd_ok = out.ret == 3 and out.snapshot.process("probe") is not None
        how = "user+net+pid namespaces" if info.get("userns") else "net+pid namespaces (root)"
        _line(True, "lab sandbox", f"{how}, netns {info.get('netns_inode')}")
        _line(fd_ok, "actor performs socket() and the kernel shows fd 3",
              "" if fd_ok else f"got {out.c}")
        problems += not fd_ok
    except LabEnvironmentError as exc:
        problems += 1
        _line(False, "lab sandbox", exc.message, exc.fix or "")
    except LabError as exc:
        problems += 1
        _line(False, "lab sandbox", exc.message, exc.fix or "see the README's troubleshooting")
    lang = default_lang()
    if problems:
        print("syscall-lab cannot run a lab here." if lang == "en"
              else "이 컴퓨터에서는 실습 환경을 실행할 수 없습니다.")
        return 2
    print("syscall-lab can run labs here." if lang == "en"
          else "이 컴퓨터에서 실습 환경을 실행할 수 있습니다.")
    return 0
