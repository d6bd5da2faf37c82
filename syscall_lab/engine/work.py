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
clock); the CPUs a worker ran on are sampled with ``sched_getcpu()`` as it goes. Nothing here
is estimated or scaled. The actor runs these; they are kept apart to keep it short.
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

__all__ = ["py_threads", "threads", "work", "workers"]

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
_SLOT = struct.Struct("=d128s")
"""A forked worker's report in shared memory: its wall time and the CPUs it ran on (a bitmask
of cpu_set_t's 1024 CPUs)."""
PR_SET_PDEATHSIG = 1


def _cpu_now() -> float:
    return time.thread_time()


def _switches() -> int:
    """Times the kernel took the CPU from this thread while it could still run."""
    return resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw


def _burn_c(seconds: float, cpus: set[int]) -> None:
    buf = _BUFFER
    end = _cpu_now() + seconds
    n = 0
    while _cpu_now() < end:
        _libc.memchr(buf, 1, _CHUNK)  # never finds 1 in zeros: scans the whole chunk
        n += 1
        if n & 3 == 0:
            cpus.add(_held.sched_getcpu())
    cpus.add(_held.sched_getcpu())


def _burn_py(seconds: float, cpus: set[int]) -> None:
    end = _cpu_now() + seconds
    x = 0
    while _cpu_now() < end:
        for i in range(2000):  # bytecode: runs only while this thread holds the GIL
            x += i
        cpus.add(_held.sched_getcpu())


_BUFFER = ctypes.create_string_buffer(_CHUNK)


def _measured(burn: Any, seconds: float) -> dict[str, Any]:
    """One thread's work: its CPU time, wall time, preemptions and CPUs."""
    cpus: set[int] = set()
    t0, c0, s0 = time.monotonic(), _cpu_now(), _switches()
    burn(seconds, cpus)
    wall = time.monotonic() - t0
    return {"cpu_time": _cpu_now() - c0, "wall_time": wall, "switches": _switches() - s0,
            "cpus": sorted(cpus)}


def _summary(each: list[dict[str, Any]], wall: float, ret: int) -> tuple[int, dict[str, Any]]:
    cpu = sum(e["cpu_time"] for e in each)
    used = sorted({c for e in each for c in e["cpus"]})
    return ret, {"wall_time": wall, "cpu_time": cpu, "cores": cpu / wall if wall > 0 else 0.0,
                 "switches": sum(e["switches"] for e in each), "cpus_used": used, "each": each}


def work(seconds: float) -> tuple[int, dict[str, Any]]:
    """``work(s)``: this thread, alone."""
    one = _measured(_burn_c, seconds)
    return _summary([one], one["wall_time"], 0)


def _in_threads(n: int, seconds: float, burn: Any) -> tuple[int, dict[str, Any]]:
    each: list[dict[str, Any]] = [{} for _ in range(n)]

    def run(i: int) -> None:
        each[i] = _measured(burn, seconds)

    t0 = time.monotonic()
    started = [threading.Thread(target=run, args=(i,), name=f"worker{i + 1}") for i in range(n)]
    for th in started:
        th.start()
    for th in started:
        th.join()
    return _summary(each, time.monotonic() - t0, n)


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
                cpus: set[int] = set()
                t = time.monotonic()
                _burn_c(seconds, cpus)
                mask = bytearray(128)
                for c in cpus:
                    mask[c // 8] |= 1 << (c % 8)
                _SLOT.pack_into(shared, i * _SLOT.size, time.monotonic() - t, bytes(mask))
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
        w, mask = _SLOT.unpack_from(shared, i * _SLOT.size)
        out.append({**each[pid], "wall_time": w,
                    "cpus": [c for c in range(len(mask) * 8) if mask[c // 8] >> (c % 8) & 1]})
    shared.close()
    if err:
        ctypes.set_errno(err)
        return -1, None
    return _summary(out, wall, len(pids))
