"""CPU-bound work, for the lesson on concurrency and parallelism.

Every worker busy-loops in user mode until the kernel has charged *its own thread*
``cpu_seconds`` of CPU time (``CLOCK_THREAD_CPUTIME_ID``). So every worker does the same
amount of work whatever else the machine runs; what changes is how long it takes on the
wall clock, and that is what the lesson measures:

- ``work``: the actor itself, one thread;
- ``workers``: ``fork()`` n children that each work, then ``wait4()`` each (the kernel's rusage
  of each child gives its CPU time and how often it was preempted);
- ``threads``: n threads that loop in C (``memchr`` through ctypes, which releases Python's
  global interpreter lock, as a C program's threads have no such lock);
- ``py_threads``: n threads that loop in Python bytecode, which needs the lock: only one of them
  runs at a time, however many CPUs there are.

All figures are the kernel's own accounting (``getrusage``, ``wait4``'s rusage, the thread CPU
clock); after each chunk of work a worker asks ``sched_getcpu()`` where it is and charges the
chunk's CPU time to that CPU. Nothing here is estimated or scaled.

The machine is never idle: while the work runs, other programs may keep the CPUs busy, and a
check such as "two halves on two cores take less than 1 s" can only hold when they did not. So
every work call also reads each CPU's busy time in ``/proc/stat`` before and after, takes away
the time its own workers spent on that CPU, and reports what is left, per CPU it was allowed,
as a share of the wall time: ``others`` (and ``others_busy``, the largest). A lesson checks
``cores >= 1.05 if others_busy <= 0.25``, and where other programs took more, the check is not
made and the student is told which CPU was how busy. The actor runs these; they are kept apart
to keep it short.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import resource
import signal
import struct
import sys
import threading
import time
from typing import Any

__all__ = ["busy_times", "py_threads", "threads", "work", "workers"]

_libc = ctypes.CDLL(None, use_errno=True)  # a CDLL call releases the GIL while it runs
_libc.memchr.restype = ctypes.c_void_p
_libc.memchr.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
_held = ctypes.PyDLL(None)  # a PyDLL call keeps the GIL: asking the CPU must not yield it
_held.sched_getcpu.restype = ctypes.c_int

_CHUNK = 1 << 21
"""Bytes memchr scans a call (tens of microseconds): short enough to stop close to the CPU
time asked for, long enough that a C thread holds the GIL (between calls) for well under 1% of
its time. With 256 KiB, two such threads reached only 1.3 cores of 2 here: they queued for the
GIL between calls."""
_NCPU = min(os.cpu_count() or 1, 1024)
_SLOT = struct.Struct(f"={_NCPU + 1}d")
"""A forked worker's report in shared memory: its wall time, then the CPU seconds it spent on
each CPU."""
PR_SET_PDEATHSIG = 1


def _cpu_now() -> float:
    return time.thread_time()


def _switches() -> int:
    """Times the kernel took the CPU from this thread while it could still run."""
    return resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw


def _burn_c(seconds: float, by_cpu: dict[int, float]) -> None:
    buf = _BUFFER
    last = _cpu_now()
    end = last + seconds
    where = _held.sched_getcpu
    while last < end:
        _libc.memchr(buf, 1, _CHUNK)  # never finds 1 in zeros: scans the whole chunk
        now, cpu = _cpu_now(), where()
        by_cpu[cpu] = by_cpu.get(cpu, 0.0) + now - last
        last = now


def _burn_py(seconds: float, by_cpu: dict[int, float]) -> None:
    last = _cpu_now()
    end = last + seconds
    where = _held.sched_getcpu
    x = 0
    while last < end:
        for i in range(2000):  # bytecode: runs only while this thread holds the GIL
            x += i
        now, cpu = _cpu_now(), where()
        by_cpu[cpu] = by_cpu.get(cpu, 0.0) + now - last
        last = now


_BUFFER = ctypes.create_string_buffer(_CHUNK)


def _measured(burn: Any, seconds: float) -> dict[str, Any]:
    """One thread's work: its CPU time, wall time, preemptions and CPUs."""
    by_cpu: dict[int, float] = {}
    t0, c0, s0 = time.monotonic(), _cpu_now(), _switches()
    burn(seconds, by_cpu)
    wall = time.monotonic() - t0
    return {"cpu_time": _cpu_now() - c0, "wall_time": wall, "switches": _switches() - s0,
            "cpus": sorted(by_cpu), "by_cpu": by_cpu}


def busy_times() -> dict[int, float]:
    """Each CPU's busy seconds since boot, as ``/proc/stat`` counts them: user, nice, system,
    irq, softirq and steal (time a hypervisor gave another machine); not idle or iowait."""
    hz = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    try:
        with open("/proc/stat", "rb") as f:
            text = f.read(1 << 20).decode("ascii", "replace")
    except OSError:
        return out
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        if name.startswith("cpu") and name[3:].isdigit():
            v = [int(x) for x in rest.split()[:8]]
            if len(v) == 8:
                out[int(name[3:])] = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz
    return out


class _Others:
    """What other programs did with the CPUs this work may use, from its start to its end."""

    def __init__(self) -> None:
        self.allowed = sorted(os.sched_getaffinity(0))
        self.before = busy_times()
        self.t0 = time.monotonic()

    def share(self, each: list[dict[str, Any]]) -> dict[str, Any]:
        after, wall = busy_times(), time.monotonic() - self.t0
        ours: dict[int, float] = {}
        for e in each:
            for cpu, s in (e.pop("by_cpu", None) or {}).items():
                ours[int(cpu)] = ours.get(int(cpu), 0.0) + s
        others = [[cpu, round(min(1.0, max(0.0, after[cpu] - self.before[cpu] - ours.get(cpu, 0.0))
                                  / wall), 3)]
                  for cpu in self.allowed if cpu in after and cpu in self.before and wall > 0]
        return {"others": others, "others_busy": max((s for _, s in others), default=0.0)}


def _summary(each: list[dict[str, Any]], wall: float, ret: int, others: _Others
             ) -> tuple[int, dict[str, Any]]:
    cpu = sum(e["cpu_time"] for e in each)
    used = sorted({c for e in each for c in e["cpus"]})
    return ret, {"wall_time": wall, "cpu_time": cpu, "cores": cpu / wall if wall > 0 else 0.0,
                 "switches": sum(e["switches"] for e in each), "cpus_used": used,
                 **others.share(each), "each": each}


def work(seconds: float) -> tuple[int, dict[str, Any]]:
    """``work(s)``: this thread, alone."""
    others = _Others()
    one = _measured(_burn_c, seconds)
    return _summary([one], one["wall_time"], 0, others)


def _in_threads(n: int, seconds: float, burn: Any) -> tuple[int, dict[str, Any]]:
    each: list[dict[str, Any]] = [{} for _ in range(n)]

    def run(i: int) -> None:
        each[i] = _measured(burn, seconds)

    others = _Others()
    t0 = time.monotonic()
    started = [threading.Thread(target=run, args=(i,), name=f"worker{i + 1}") for i in range(n)]
    for th in started:
        th.start()
    for th in started:
        th.join()
    return _summary(each, time.monotonic() - t0, n, others)


def threads(n: int, seconds: float) -> tuple[int, dict[str, Any]]:
    """``threads(n, s)``: n threads looping in C, free of the GIL as C threads are."""
    return _in_threads(n, seconds, _burn_c)


def py_threads(n: int, seconds: float) -> tuple[int, dict[str, Any]]:
    """``py_threads(n, s)``: n threads looping in Python bytecode, under the GIL."""
    ret, value = _in_threads(n, seconds, _burn_py)
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    return ret, {**value, "gil": bool(gil)}


def workers(n: int, seconds: float) -> tuple[int, dict[str, Any] | None]:
    """``workers(n, s)``: n forked children, each working; wait4() reaps each with its rusage.

    The children report their wall time and CPUs through anonymous shared memory, so no fd
    appears in the student's fd table while they run.
    """
    shared = mmap.mmap(-1, _SLOT.size * n)  # MAP_SHARED | MAP_ANONYMOUS: the children's too
    parent = os.getpid()
    others = _Others()
    t0 = time.monotonic()
    pids: list[int] = []
    err = 0
    for i in range(n):
        try:
            pid = os.fork()  # glibc's fork() enters clone()
        except OSError as exc:  # EAGAIN (RLIMIT_NPROC), ENOMEM: the kernel's answer
            err = exc.errno or 0
            break
        if pid == 0:
            code = 1
            try:
                _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                if os.getppid() != parent:  # the parent died before prctl(): go too
                    os._exit(1)
                by_cpu: dict[int, float] = {}
                t = time.monotonic()
                _burn_c(seconds, by_cpu)
                spent = [by_cpu.get(c, 0.0) for c in range(_NCPU)]
                _SLOT.pack_into(shared, i * _SLOT.size, time.monotonic() - t, *spent)
                code = 0
            finally:
                os._exit(code)
        pids.append(pid)
    each: dict[int, dict[str, Any]] = {}
    for _ in pids:
        pid, status, ru = os.wait4(-1, 0)
        each[pid] = {"pid": pid, "cpu_time": ru.ru_utime + ru.ru_stime,
                     "switches": ru.ru_nivcsw, "exit": os.waitstatus_to_exitcode(status)}
    wall = time.monotonic() - t0
    out: list[dict[str, Any]] = []
    for i, pid in enumerate(pids):
        w, *spent = _SLOT.unpack_from(shared, i * _SLOT.size)
        by_cpu = {c: s for c, s in enumerate(spent) if s > 0}
        out.append({**each[pid], "wall_time": w, "cpus": sorted(by_cpu), "by_cpu": by_cpu})
    shared.close()
    if err:
        ctypes.set_errno(err)
        return -1, None
    return _summary(out, wall, len(pids), others)
