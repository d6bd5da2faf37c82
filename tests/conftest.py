"""Shared fixtures: a real lab that is proven to leave nothing behind, and tool requirements."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from syscall_lab.engine.lab import Lab

CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parent.parent


def need_tool(name: str) -> str:
    """The path of ``name``; skips locally when missing, but fails in CI (CI=true)."""
    path = shutil.which(name)
    if path is None:
        message = f"'{name}' is not installed (Debian: see .ci/run for the package)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (a zombie is dead, merely not reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def netns_users(inode: int) -> list[int]:
    """Pids of processes in the network namespace ``inode``."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}/ns/net").st_ino == inode:
                out.append(int(entry))
        except OSError:
            continue
    return out


def wait_until(predicate, timeout: float = 5.0, interval: float = 0.02) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def own_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def lab_pids(lab: Lab) -> set[int]:
    pids = {lab.supervisor_pid, int(lab.info["init_pid"])}
    try:
        pids |= {p.host_pid for p in lab.snapshot().processes}
    except Exception:
        pass
    return pids


def assert_nothing_left(pids: set[int], netns: int) -> None:
    assert wait_until(lambda: not any(alive(p) for p in pids)), \
        f"lab processes still alive: {[p for p in pids if alive(p)]}"
    assert wait_until(lambda: not netns_users(netns)), \
        f"processes still in the lab's network namespace: {netns_users(netns)}"


TEST_RUN = os.environ.setdefault("SYSCALL_LAB_TEST_RUN", uuid.uuid4().hex)
"""Marks every process this test run starts (labs inherit the environment), so a lab another
program runs on the same machine meanwhile is not taken for one of ours."""


def lab_inits() -> set[int]:
    """Live lab-init processes this test run started (one per running lab)."""
    out = set()
    mark = f"SYSCALL_LAB_TEST_RUN={TEST_RUN}".encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() != "lab-init" or \
                        not alive(int(entry)):
                    continue
                environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if mark in environ:
                out.add(int(entry))
    return out


STARTS = Path(tempfile.gettempdir()) / f"syscall-lab-starts-{TEST_RUN}"
os.environ["SYSCALL_LAB_STARTS"] = str(STARTS)  # each lab this run starts adds a line
"""See :data:`syscall_lab.engine.lab.STARTS_LOG`."""


def _starts() -> int:
    try:
        return STARTS.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.fixture(autouse=True)
def only_kernel_tests_start_labs(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that starts a lab, in-process or through the CLI, carries the ``kernel`` marker
    (so ``-m "not kernel"`` runs without a lab)."""
    before = _starts()
    yield
    if _starts() > before and request.node.get_closest_marker("kernel") is None:
        pytest.fail(f"{request.node.nodeid} starts a lab but is not marked kernel "
                    "(pytestmark = pytest.mark.kernel)")


@pytest.fixture(autouse=True)
def no_lab_outlives_its_test() -> Iterator[None]:
    """Every test, in-process or through the CLI, ends with no lab of its own still running."""
    before = lab_inits()
    yield
    assert wait_until(lambda: not (lab_inits() - before)), \
        f"a lab outlived the test: lab-init {sorted(lab_inits() - before)}"


@pytest.fixture
def lab() -> Iterator[Lab]:
    """A real lab; afterwards no process, namespace member or fd of it may remain."""
    before = own_fds()
    the_lab = Lab()
    netns = int(the_lab.info["netns_inode"])
    try:
        yield the_lab
    finally:
        pids = lab_pids(the_lab)
        the_lab.close()
        assert_nothing_left(pids, netns)
        assert wait_until(lambda: own_fds() <= before), f"fds leaked: {own_fds() - before}"


def run_cli(*args: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "syscall_lab", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, **kw)


def nsenter_cmd(lab: Lab) -> list[str]:
    """A command prefix that runs a tool inside the lab's network namespace."""
    nsenter = need_tool("nsenter")
    pid = str(lab.supervisor_pid)
    if os.geteuid() == 0:
        return [nsenter, "-t", pid, "-n"]
    return [nsenter, "-t", pid, "-U", "-n", "--preserve-credentials"]
