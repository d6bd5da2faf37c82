"""The lesson model: what to do and what to expect, never what to show.

A step either makes an actor perform a call (``actor`` + ``call`` + ``args``), waits for an
actor's blocked call to return (``wait``), or only watches the kernel for a while (``watch``).
Its ``expect`` checks are evaluated against the live kernel snapshot taken after the step.

The YAML lesson files (their own issue) load into these same types.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine.lab import StepOutcome, WireView
from ..engine.snapshot import Snapshot
from ..engine.vocabulary import normalize_args
from ..i18n import Text
from ..net.packets import PacketRecord
from ..net.rules import FLAG_BITS as _FLAG_BITS
from ..net.rules import Rule, RuleError, parse_flags

__all__ = ["CheckResult", "Expect", "Lesson", "Step", "packet_matches"]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
    ">": operator.gt, "<": operator.lt,
}

FD_FIELDS = ("kind", "target", "state", "local", "remote", "accept_queue", "backlog", "recv_q",
             "send_q", "retransmits", "proto")
PROCESS_FIELDS = ("state", "blocked_in", "syscall", "ppid", "exists")
RESULT_FIELDS = ("ret", "errno", "blocked")
PACKET_KEYS = ("from", "proto", "flags", "data", "fate", "mark")
WIRE_ACTIONS = ("rule", "deliver", "drop", "clear")


@dataclass(frozen=True)
class CheckResult:
    expect: str
    """The expectation as the lesson states it."""
    ok: bool
    actual: Any
    """What the kernel really showed."""

    def to_json(self) -> dict[str, Any]:
        return {"expect": self.expect, "ok": self.ok, "actual": self.actual}


@dataclass(frozen=True)
class Expect:
    """One check on the live kernel: ``server fd 3 state == LISTEN``."""

    subject: str
    """``result`` (the step's return), ``fd``, ``process``, ``count`` (sockets in a state),
    ``packets`` (packets of this step matching ``match``) or ``held`` (packets the wire holds)."""
    field: str
    value: Any
    op: str = "=="
    actor: str | None = None
    fd: int | None = None
    where: str | None = None
    """For ``count``: the TCP state whose sockets are counted."""
    match: tuple[tuple[str, Any], ...] = ()
    """For ``packets``: which packets count, e.g. ``(("from", "server"), ("flags", "SYN+ACK"))``;
    keys: from, proto, flags, data, fate (passed, held...), mark (retransmission, dup_ack...)."""

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison '{self.op}'")
        allowed = {"result": RESULT_FIELDS, "fd": FD_FIELDS, "process": PROCESS_FIELDS,
                   "count": ("state",), "packets": ("count",), "held": ("count",)
                   }.get(self.subject)
        if allowed is None or self.field not in allowed:
            raise ValueError(f"cannot check {self.subject} {self.field}")
        for key, value in self.match:
            if key not in PACKET_KEYS:
                raise ValueError(f"cannot match packets by '{key}' ({', '.join(PACKET_KEYS)})")
            if key == "flags":
                parse_flags(value)

    @property
    def text(self) -> str:
        if self.subject == "result":
            return f"{self.field} {self.op} {self.value}"
        if self.subject == "fd":
            return f"{self.actor} fd {self.fd} {self.field} {self.op} {self.value}"
        if self.subject == "process":
            return f"{self.actor} {self.field} {self.op} {self.value}"
        if self.subject == "packets":
            which = ", ".join(f"{k} {v}" for k, v in self.match)
            return f"packets ({which or 'any'}) {self.op} {self.value}"
        if self.subject == "held":
            return f"packets held on the wire {self.op} {self.value}"
        return f"sockets in {self.where} {self.op} {self.value}"

    def actual(self, outcome: StepOutcome | None, snap: Snapshot,
               wire: WireView | None = None) -> Any:
        if self.subject == "result":
            if outcome is None:
                return None
            if self.field == "blocked":
                return outcome.blocked
            return outcome.ret if self.field == "ret" else outcome.errno
        if self.subject == "count":
            return sum(1 for s in snap.sockets if s.socket.state == self.where)
        if self.subject == "held":
            return len(wire.held) if wire else 0
        if self.subject == "packets":
            return sum(1 for p in (wire.packets if wire else ()) if packet_matches(p, self.match))
        proc = snap.process(self.actor or "")
        if self.subject == "process":
            if self.field == "exists":
                return proc is not None
            return None if proc is None else getattr(proc, self.field)
        entry = proc.fd(self.fd) if proc and self.fd is not None else None
        if entry is None:
            return None
        if self.field in ("kind", "target"):
            return getattr(entry, self.field)
        return getattr(entry.socket, self.field) if entry.socket else None

    def check(self, outcome: StepOutcome | None, snap: Snapshot,
              wire: WireView | None = None) -> CheckResult:
        actual = self.actual(outcome, snap, wire)
        return CheckResult(self.text, _compare(self.op, actual, self.value), actual)


def packet_matches(p: PacketRecord, match: tuple[tuple[str, Any], ...]) -> bool:
    """Whether a packet record fits a check's ``match`` (see :attr:`Expect.match`)."""
    for key, want in match:
        if key == "from" and p.source != want:
            return False
        if key == "proto" and p.proto.lower() != str(want).lower():
            return False
        if key == "fate" and p.fate != want:
            return False
        if key == "mark" and want not in p.marks:
            return False
        if key == "data" and (p.length > 0) != bool(want):
            return False
        if key == "flags":
            set_, clear = parse_flags(want)
            names = set(p.flags)
            bits = sum(b for n, b in _FLAG_BITS.items() if n in names)
            if bits & set_ != set_ or bits & clear:
                return False
    return True


def _compare(op: str, actual: Any, wanted: Any) -> bool:
    if actual is None and op not in ("==", "!="):
        return False
    try:
        return bool(_OPS[op](actual, wanted))
    except TypeError:
        return False


@dataclass(frozen=True)
class Step:
    say: Text
    actor: str | None = None
    call: str | None = None
    args: tuple[Any, ...] = ()
    wait: float | None = None
    """With ``actor`` and no ``call``: wait up to this many seconds for its blocked call."""
    watch: float | None = None
    """No call: let the kernel run for this many seconds (timers fire, packets cross), then
    look."""
    wire: tuple[str, Any] | None = None
    """A wire action instead of a call: ``("rule", {...})``, ``("deliver", "all")``,
    ``("drop", [4])`` or ``("clear", None)``."""
    expect: tuple[Expect, ...] = ()

    @property
    def action(self) -> str:
        if self.call:
            return f"{self.actor}.{self.call}({', '.join(map(_arg_text, self.args))})"
        if self.wait is not None:
            return f"wait {self.actor}"
        if self.wire is not None:
            what, arg = self.wire
            if what == "rule":
                return "wire." + Rule.from_json(arg).describe()
            return f"wire.{what}({'' if arg is None else arg})"
        return f"watch {self.watch}s"


def _arg_text(a: Any) -> str:
    return a if isinstance(a, str) else repr(a)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: Text
    summary: Text
    topics: tuple[str, ...]
    actors: tuple[str, ...]
    steps: tuple[Step, ...]
    mode: str = "loopback"
    level: str = "beginner"
    hosts: tuple[tuple[str, str], ...] = ()
    """For ``mode="wire"``: each actor's host, ``(("server", "server"), ("client", "client"))``."""

    def host_of(self, actor: str) -> str | None:
        return dict(self.hosts).get(actor)

    def validate(self) -> list[str]:
        """Problems that would stop the lesson from running, one line each."""
        problems: list[str] = []
        if self.mode not in ("loopback", "wire"):
            problems.append(f"network mode '{self.mode}': use loopback or wire")
        if self.mode == "wire":
            for actor in self.actors:
                if self.host_of(actor) not in ("client", "server"):
                    problems.append(f"actor '{actor}': say which host it runs on "
                                    "(client or server)")
        for i, step in enumerate(self.steps, 1):
            if step.wire is not None:
                what, arg = step.wire
                if self.mode != "wire":
                    problems.append(f"step {i}: wire actions need network: wire")
                if what not in WIRE_ACTIONS:
                    problems.append(f"step {i}: unknown wire action '{what}' "
                                    f"({', '.join(WIRE_ACTIONS)})")
                elif what == "rule":
                    try:
                        Rule.from_json(arg)
                    except RuleError as exc:
                        problems.append(f"step {i}: {exc}")
            if step.actor and step.actor not in self.actors and "." not in step.actor:
                problems.append(f"step {i}: no actor '{step.actor}' (actors: "
                                f"{', '.join(self.actors)})")
            if step.call:
                try:
                    normalize_args(step.call, step.args)
                except ValueError as exc:
                    problems.append(f"step {i}: {exc}")
            for lang in ("en", "ko"):
                if isinstance(step.say, str) or not step.say.get(lang):
                    problems.append(f"step {i}: missing {'Korean' if lang == 'ko' else 'English'}"
                                    " text")
        return problems
