"""Interrupt counters: ``/proc/interrupts`` (hardware interrupt lines, and the architecture's
own such as the local timer ``LOC``) and ``/proc/softirqs`` (the kernel's deferred work, such as
``NET_RX``), read before and after a step to show which counters moved.

Both files count for the whole machine, every CPU and every process, not only the lab's: a
counter that moved during a step moved for everything the machine did meanwhile. In a virtual
machine the lines are the hypervisor's virtual devices (``virtio``), and there may be no
keyboard line (``i8042``) at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SOFTIRQS", "IrqDelta", "IrqLine", "IrqMove", "moved", "net_moved", "read_counters"]

SOFTIRQS = ("HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED",
            "HRTIMER", "RCU")
"""The softirqs, in the kernel's order (kernel/softirq.c, ``softirq_to_name``)."""


@dataclass(frozen=True)
class IrqLine:
    """One counter line: ``kind`` is ``hard`` (/proc/interrupts) or ``soft`` (/proc/softirqs)."""

    kind: str
    label: str
    """As the kernel prints it before the colon: ``LOC``, ``38``, ``NET_RX``."""
    per_cpu: tuple[int, ...]
    about: str = ""
    """The rest of the line: the chip, the trigger and the device (``IO-APIC 1-edge i8042``),
    or a description (``Local timer interrupts``)."""

    @property
    def total(self) -> int:
        return sum(self.per_cpu)

    @property
    def device(self) -> str:
        """The device of a numbered line (its last word), else the label."""
        return self.about.split()[-1] if self.label.isdigit() and self.about else self.label

    def named(self, name: str) -> bool:
        """Whether ``interrupts(name)`` means this line: by label (``LOC``, ``1``) or by the
        device (``i8042``, or a prefix of it: ``virtio2-input``)."""
        return name in (self.label, self.device) or (
            self.label.isdigit() and self.device.startswith(name))


@dataclass(frozen=True)
class IrqMove:
    """How far one counter moved between two readings."""

    kind: str
    label: str
    device: str
    delta: int
    per_cpu: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "label": self.label, "device": self.device,
                "delta": self.delta, "per_cpu": list(self.per_cpu)}


def _parse(text: str, kind: str) -> list[IrqLine]:
    lines = text.splitlines()
    if not lines:
        return []
    cpus = len(lines[0].split())
    out = []
    for line in lines[1:]:
        label, sep, rest = line.partition(":")
        if not sep:
            continue
        words = rest.split()
        counts: list[int] = []
        for w in words[:cpus]:
            if not w.isdigit():
                break
            counts.append(int(w))
        out.append(IrqLine(kind, label.strip(), tuple(counts),
                           " ".join(words[len(counts):])))
    return out


def read_counters(proc: str | Path = "/proc") -> dict[tuple[str, str], IrqLine]:
    """Every counter now, by (kind, label). A file that cannot be read gives no lines."""
    root = Path(proc)
    out: dict[tuple[str, str], IrqLine] = {}
    for name, kind in (("interrupts", "hard"), ("softirqs", "soft")):
        try:
            text = (root / name).read_text()
        except OSError:
            continue
        for line in _parse(text, kind):
            out[(kind, line.label)] = line
    return out


@dataclass(frozen=True)
class IrqDelta:
    """What moved during a step, and which lines the machine has (a line that exists but did
    not move counts 0; one the machine lacks has no count at all)."""

    moves: tuple[IrqMove, ...] = ()
    """The counters that moved, most first."""
    lines: tuple[IrqLine, ...] = ()
    """Every line, as read after the step."""
    net: dict[str, dict[str, int]] = field(default_factory=dict)
    """The lab's own network counters that moved (``/proc/net/snmp``, ``netstat``), by host
    (``lab`` on loopback): ``{"server": {"TcpExt.ListenOverflows": 2}}``."""

    def net_count(self, name: str, host: str | None = None) -> int:
        """How far the lab's counter ``name`` moved, in ``host``'s namespace or summed over
        the lab's."""
        return sum(moved.get(name, 0) for h, moved in self.net.items()
                   if host is None or h == host)

    def count(self, kind: str, name: str) -> int | None:
        """How far ``interrupts(name)`` (kind ``hard``) or ``softirqs(name)`` (``soft``)
        moved: summed over the lines it names (``all``: every line of that kind); None when
        this machine has no such line."""
        lines = [ln for ln in self.lines if ln.kind == kind and (name == "all" or ln.named(name))]
        if not lines:
            return None
        labels = {ln.label for ln in lines}
        return sum(m.delta for m in self.moves if m.kind == kind and m.label in labels)

    def to_json(self) -> list[dict[str, object]]:
        return [m.to_json() for m in self.moves]


def moved(before: dict[tuple[str, str], IrqLine],
          after: dict[tuple[str, str], IrqLine]) -> IrqDelta:
    """The counters that moved between two readings (a line that appeared counts from 0)."""
    out = []
    for key, now in after.items():
        was = before.get(key)
        old = was.per_cpu if was else ()
        per_cpu = tuple(n - (old[i] if i < len(old) else 0) for i, n in enumerate(now.per_cpu))
        delta = sum(per_cpu)
        if delta > 0:
            out.append(IrqMove(now.kind, now.label, now.device, delta, per_cpu))
    out.sort(key=lambda m: (-m.delta, m.kind, m.label))
    return IrqDelta(tuple(out), tuple(after.values()))


def net_moved(before: dict[str, dict[str, int]],
              after: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The lab's network counters that grew between two readings, by host (a counter that
    appeared counts from 0; one that went down, as after a reset, is left out)."""
    out: dict[str, dict[str, int]] = {}
    for host, now in after.items():
        was = before.get(host, {})
        grew = {name: n - was.get(name, 0) for name, n in now.items() if n > was.get(name, 0)}
        if grew:
            out[host] = dict(sorted(grew.items(), key=lambda kv: (-kv[1], kv[0])))
    return out

