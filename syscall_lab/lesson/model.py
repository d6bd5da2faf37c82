"""The lesson model: what to do and what to expect, never what to show.

A step makes an actor perform a call (``actor`` + ``call`` + ``args``), waits for an actor's
blocked call to return (``wait``), acts on the wire (``wire``), or only watches the kernel for a
while (``watch``). Its ``expect`` checks are evaluated against the live kernel snapshot taken
after the step. Lesson files (:mod:`.loader`) load into these types.

Names (``as: lsock``) are bound while the lesson runs, to what the kernel really returned:
``lsock`` is whatever fd ``socket()`` gave, never a number the lesson guessed. :class:`Ref`
marks a use of a name; :class:`Bindings` resolves it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine.lab import StepOutcome, WireView
from ..engine.protocol import Event, Output
from ..engine.snapshot import Snapshot
from ..engine.vocabulary import CALLS
from ..i18n import Msg, Text
from ..net.packets import PacketRecord
from ..net.rules import FLAG_BITS as _FLAG_BITS
from ..net.rules import Rule, parse_flags
from ..observe.interrupts import IrqDelta

__all__ = ["Ask", "Bindings", "CheckResult", "Expect", "Lesson", "Ref", "Step", "Unbound",
           "packet_matches"]


@dataclass(frozen=True)
class Ref:
    """A use of a name a step bound with ``as``: an fd, a forked child, or a value."""

    name: str

    def __str__(self) -> str:
        return self.name


class Unbound(LookupError):
    """A name has no value now (its call is still blocked, or failed); :attr:`message` says
    why (a :class:`~syscall_lab.i18n.Msg`)."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Binding:
    kind: str
    """``fd`` (an fd in ``actor``), ``actor`` (a fork() child named ``actor``) or ``value``."""
    actor: str | None = None
    value: Any = None
    missing: Msg | None = None
    """Why there is no value (the call blocked, or failed)."""


class Bindings:
    """What each name of a running lesson stands for, as the kernel returned it."""

    def __init__(self) -> None:
        self._names: dict[str, _Binding] = {}
        self._pending: dict[tuple[str, int], tuple[Step, str]] = {}
        self.before: Snapshot | None = None
        """What the kernel held when the current step began (after any pause): what
        ``before.`` checks read."""

    def _get(self, name: str) -> _Binding:
        b = self._names.get(name)
        if b is None:
            raise Unbound(Msg("'{name}' has no value yet", name=name))
        if b.missing:
            raise Unbound(Msg("'{name}' has no value: {why}", name=name, why=b.missing))
        return b

    def actor(self, name: str) -> str:
        """The actor ``name`` stands for: itself, or the fork() child a step named so.
        Raises :class:`Unbound` if that fork() failed."""
        b = self._names.get(name)
        if b is None or b.kind != "actor":
            return name
        return self._get(name).actor or name

    def value(self, ref: Ref) -> Any:
        return self._get(ref.name).value

    def fd(self, ref: Ref) -> tuple[str | None, int]:
        """(the actor holding it, the fd number) for an fd name; (None, n) for a value."""
        b = self._get(ref.name)
        return (b.actor if b.kind == "fd" else None), int(b.value)

    def resolve(self, value: Any) -> Any:
        """A name's number; a list's names each (``poll([lsock, conn])``, ``ready == [c]``)."""
        if isinstance(value, (list, tuple)):
            return type(value)(self.resolve(v) for v in value)
        return self.value(value) if isinstance(value, Ref) else value

    def outcome(self, step: Step, outcome: StepOutcome, actor: str) -> None:
        """Bind ``step``'s names to what its call returned (or note that it is blocked)."""
        if not step.names or not step.call:
            return
        if outcome.blocked or outcome.result is None:
            if outcome.seq is not None:
                self._pending[(outcome.actor, outcome.seq)] = (step, actor)
            for n in step.names:
                self._names[n] = _Binding("value", missing=Msg(
                    "{actor}'s {call}() has not returned", actor=actor, call=step.call))
            return
        self._result(step, actor, outcome.result)

    def late_result(self, actor: str, seq: int | None, result: Mapping[str, Any]) -> None:
        """A blocked call returned: bind the names its step asked for."""
        if seq is None:
            return
        pending = self._pending.pop((actor, seq), None)
        if pending is not None:
            self._result(pending[0], pending[1], result)

    def _result(self, step: Step, actor: str, result: Mapping[str, Any]) -> None:
        call = step.call or ""
        returns = CALLS[call].returns if call in CALLS else "int"
        ret, value = result.get("ret"), result.get("value") or {}
        kind = "actor" if call == "fork" or returns == "thread" else \
            "fd" if returns in ("fd", "fds") else "value"
        if result.get("errno") or ret is None or (isinstance(ret, int) and ret < 0):
            why = Msg("{actor}'s {call}() failed with {error}", actor=actor, call=call,
                      error=result.get("errno") or ret)
            for n in step.names:
                self._names[n] = _Binding(kind, missing=why)
            return
        if returns == "fds":
            fds = list(value.get("fds") or ())
            for i, n in enumerate(step.names):
                self._names[n] = (_Binding("fd", actor, fds[i]) if i < len(fds) else
                                  _Binding("fd", missing=Msg("{actor}'s {call}() gave no fd "
                                                             "for it", actor=actor, call=call)))
        elif returns == "fd":
            self._names[step.names[0]] = _Binding("fd", actor, ret)
        elif call == "fork":
            self._names[step.names[0]] = _Binding("actor", value.get("child_actor"), ret)
        elif returns == "thread":  # the name stands for the thread, its value for its id
            self._names[step.names[0]] = _Binding("actor", value.get("child_actor"),
                                                  value.get("tid"))
        elif call == "getsockopt":  # what optval points to: the option, not the 0 returned
            self._names[step.names[0]] = _Binding("value", None, value.get("optval"))
        else:
            self._names[step.names[0]] = _Binding("value", None, ret)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
    ">": operator.gt, "<": operator.lt,
    "contains": lambda a, b: b in a if isinstance(a, (list, tuple)) else str(b) in str(a),
}

FD_FIELDS = ("kind", "target", "state", "local", "remote", "accept_queue", "backlog", "recv_q",
             "send_q", "retransmits", "rto", "rtt", "cwnd", "ssthresh", "proto", "exists",
             "nonblocking", "cloexec", "watches")
PROCESS_FIELDS = ("state", "blocked_in", "syscall", "wchan", "ppid", "exists", "cpu", "cpus",
                  "threads", "sig_pending", "sig_blocked", "sig_ignored", "sig_caught")
WORK_FIELDS = ("wall_time", "cpu_time", "cores", "switches", "cpus_used", "gil", "others_busy")
"""What a work call measured (work, workers, threads, py_threads): seconds on the wall clock,
CPU seconds the kernel charged its workers, their ratio (how many CPUs' worth it kept busy),
involuntary context switches, how many distinct CPUs its workers ran on, (py_threads)
whether this Python has its global interpreter lock, and the largest share of the wall time
that other programs kept one of its CPUs busy (``/proc/stat`` less its own workers' time)."""
RESULT_FIELDS = ("ret", "errno", "blocked", "data", "elapsed", "addr", "optval", "ready",
                 *WORK_FIELDS)
BEFORE_SUBJECTS = ("count", "fd", "process", "sysctl")
"""What ``before.`` may read: the kernel's state, not what the step did."""

SUBJECT_FIELDS: dict[str, tuple[str, ...]] = {
    "result": RESULT_FIELDS, "fd": FD_FIELDS, "process": PROCESS_FIELDS, "count": ("state",),
    "packets": ("count",), "held": ("count",), "value": ("value",), "output": ("text",),
    "irq": ("interrupts", "softirqs", "counter"), "sysctl": ("value",),
}
PACKET_KEYS = ("from", "proto", "flags", "data", "fate", "mark")


@dataclass(frozen=True)
class CheckResult:
    expect: str
    """The expectation as the lesson states it."""
    ok: bool
    actual: Any
    """What the kernel really showed."""
    note: str | None = None
    """Why there was nothing to compare (a name with no value yet), or what was compared:
    a :class:`~syscall_lab.i18n.Msg` when made here, plain English when read back from a
    recording."""
    skipped: CheckResult | None = None
    """The check was not made: its condition (``... if p.cpus >= 2``) does not hold on this
    machine, as this result of the condition shows. Not a failure, and shown as such."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"expect": self.expect, "ok": self.ok, "actual": self.actual}
        if self.note:
            out["note"] = self.note
        if self.skipped is not None:
            out["skipped"] = self.skipped.to_json()
        return out


@dataclass(frozen=True)
class Expect:
    """One check on the live kernel: ``lsock.state == LISTEN``."""

    subject: str
    """``result`` (the step's return), ``fd``, ``process``, ``count`` (sockets in a state),
    ``packets`` (packets of this step matching ``match``), ``held`` (packets the wire holds),
    ``value`` (what a name stands for), ``output`` (what an actor wrote in this step) or
    ``irq`` (how far an interrupt counter moved during this step: field ``interrupts`` or
    ``softirqs``, ``where`` the line)."""
    field: str
    value: Any
    """The value expected; a :class:`Ref` compares with what a name stands for, another
    :class:`Expect` (its own ``value`` unused) with what the kernel shows for that subject."""
    op: str = "=="
    actor: str | None = None
    """An actor, or a name bound to a fork() child. For ``fd`` with a named fd: None (the fd's
    own process)."""
    fd: int | Ref | None = None
    where: str | None = None
    """For ``count``: the TCP state whose sockets are counted; for ``irq``: the counter's line
    (``NET_RX``, ``LOC``, ``i8042``, ``all``); for ``sysctl``: its name (``actor``, if any,
    the host whose namespace it is read in)."""
    match: tuple[tuple[str, Any], ...] = ()
    """For ``packets``: which packets count, e.g. ``(("from", "server"), ("flags", "SYN+ACK"))``;
    keys: from, proto, flags, data, fate (passed, held...), mark (retransmission, dup_ack...)."""
    name: str | None = None
    """For ``value``: the name."""
    source: str | None = None
    """The check as the lesson file wrote it."""
    line: int | None = None
    """Where the lesson file wrote it."""
    col: int | None = None
    guard: Expect | None = None
    """A condition on this machine (``p.cpus >= 2``): when it does not hold, the check is
    skipped and the student is shown why, instead of failing on a machine that cannot show it.
    Conditions joined with ``and`` are a chain: this one's own ``guard`` is the next."""
    at: str | None = None
    """``before``: read the kernel as it was when the step began (after any pause the
    student took), not after the step; None: after."""

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison '{self.op}'")
        allowed = SUBJECT_FIELDS.get(self.subject)
        if allowed is None or self.field not in allowed:
            raise ValueError(f"cannot check {self.subject} {self.field}")
        if self.at not in (None, "before") or (self.at and self.subject not in BEFORE_SUBJECTS):
            raise ValueError(f"cannot read {self.subject} {self.at}")
        for key, value in self.match:
            if key not in PACKET_KEYS:
                raise ValueError(f"cannot match packets by '{key}' ({', '.join(PACKET_KEYS)})")
            if key == "flags":
                parse_flags(value)

    @property
    def text(self) -> str:
        if self.source:
            return self.source
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
        if self.subject == "value":
            return f"{self.name} {self.op} {self.value}"
        if self.subject == "output":
            return f"{self.actor} output {self.op} {self.value!r}"
        if self.subject == "irq":
            host = f"{self.actor}, " if self.actor else ""
            return f"{self.field}({host}{self.where}) {self.op} {self.value}"
        if self.subject == "sysctl":
            host = f"{self.actor}, " if self.actor else ""
            return f"sysctl({host}{self.where}) {self.op} {self.value}"
        return f"sockets in {self.where} {self.op} {self.value}"

    def actual(self, outcome: StepOutcome | None, snap: Snapshot,
               wire: WireView | None = None, env: Bindings | None = None,
               events: tuple[Event, ...] = (), irqs: IrqDelta | None = None) -> Any:
        """What the kernel shows for this check. Raises :class:`Unbound` for a name that has
        no value now."""
        env = env or Bindings()
        if self.at == "before":
            if env.before is None:
                raise Unbound(Msg("the kernel was not read when this step began"))
            snap = env.before
        if self.subject == "irq":
            if irqs is None:
                return None
            if self.field == "counter":
                return irqs.net_count(self.where or "", self.actor)
            return irqs.count("hard" if self.field == "interrupts" else "soft",
                              self.where or "all")
        if self.subject == "result":
            if outcome is None:
                return None
            if self.field == "blocked":
                return outcome.blocked
            value = (outcome.result or {}).get("value")
            if self.field == "data":
                return value.get("text") if isinstance(value, dict) else None
            if self.field == "addr":  # what accept(), recvfrom(), get*name() filled in
                addr = value.get("addr") if isinstance(value, dict) else None
                if not addr:
                    return None
                host = f"[{addr[0]}]" if ":" in str(addr[0]) else addr[0]
                return f"{host}:{addr[1]}"
            if self.field == "optval":  # what getsockopt() wrote where optval points
                return value.get("optval") if isinstance(value, dict) else None
            if self.field == "ready":  # the fds poll(), select() or epoll_wait() said are ready
                got = value.get("ready") if isinstance(value, dict) else None
                return sorted(got) if isinstance(got, list) else None
            if self.field == "elapsed":  # seconds the call took, as the actor timed it
                took = (outcome.result or {}).get("elapsed")
                return None if took is None else round(took, 6)
            if self.field in WORK_FIELDS:
                got = value.get(self.field) if isinstance(value, dict) else None
                if isinstance(got, float):
                    return round(got, 3)  # milliseconds: what the student reads
                return len(got) if isinstance(got, list) else got
            return outcome.ret if self.field == "ret" else outcome.errno
        if self.subject == "value":
            return env.value(Ref(self.name or ""))
        if self.subject == "sysctl":
            return snap.sysctl(self.where or "", self.actor)
        if self.subject == "count":
            return sum(1 for s in snap.sockets if s.socket.state == self.where)
        if self.subject == "held":
            return len(wire.held) if wire else 0
        if self.subject == "packets":
            return sum(1 for p in (wire.packets if wire else ()) if packet_matches(p, self.match))
        actor = env.actor(self.actor) if self.actor else None
        if self.subject == "output":
            return "".join(e.data for e in events if isinstance(e, Output) and e.actor == actor)
        fd = self.fd
        if isinstance(fd, Ref):
            holder, fd = env.fd(fd)
            actor = actor or holder
        proc = snap.process(actor or "")
        if self.subject == "process":
            if self.field == "exists":
                return proc is not None
            if proc is None:
                return None
            if self.field == "state" and isinstance(self.value, str) and len(self.value) > 1:
                return proc.state_name
            if self.field.startswith("sig_"):  # a set of signals, by name
                return sorted(getattr(proc, self.field))
            return getattr(proc, self.field)
        entry = proc.fd(fd) if proc and fd is not None else None
        if self.field == "exists":
            return entry is not None
        if entry is None:
            return None
        if self.field in ("kind", "target"):
            return getattr(entry, self.field)
        if self.field == "nonblocking":  # the open file's O_NONBLOCK, as fdinfo shows it
            return "O_NONBLOCK" in entry.flags
        if self.field == "cloexec":
            return "O_CLOEXEC" in entry.flags
        if self.field == "watches":  # an epoll instance's interest list: the fds it watches
            return sorted(w.fd for w in entry.epoll)
        return getattr(entry.socket, self.field) if entry.socket else None

    def check(self, outcome: StepOutcome | None, snap: Snapshot,
              wire: WireView | None = None, env: Bindings | None = None,
              events: tuple[Event, ...] = (),
              irqs: IrqDelta | None = None) -> CheckResult:
        cond_of = self.guard
        while cond_of is not None:
            cond = cond_of.made(outcome, snap, wire, env, events, irqs)
            if not cond.ok:
                why = _why_not(cond_of, outcome)
                return CheckResult(self.text, True, None,
                                   skipped=replace(cond, note=why) if why else cond)
            cond_of = cond_of.guard
        return self.made(outcome, snap, wire, env, events, irqs)

    def made(self, outcome: StepOutcome | None, snap: Snapshot,
             wire: WireView | None = None, env: Bindings | None = None,
             events: tuple[Event, ...] = (),
             irqs: IrqDelta | None = None) -> CheckResult:
        """This check made, whatever its condition."""
        try:
            actual = self.actual(outcome, snap, wire, env, events, irqs)
            if isinstance(self.value, Expect):
                wanted = self.value.actual(outcome, snap, wire, env, events, irqs)
            else:
                wanted = (env or Bindings()).resolve(self.value)
                if isinstance(wanted, list):  # a set of fds: in any order
                    wanted = sorted(wanted)
        except Unbound as exc:
            return CheckResult(self.text, False, None, exc.message)
        note = None
        if self.subject == "irq" and actual is None and self.field != "counter":
            note = (Msg("this machine has no interrupt line '{line}' in /proc/interrupts",
                        line=self.where) if self.field == "interrupts" else
                    Msg("/proc/softirqs could not be read"))
        if isinstance(self.value, Expect) and note is None:
            note = Msg("{actual} vs {other}: {wanted}", actual=actual, other=self.value.text,
                       wanted=wanted)
        return CheckResult(self.text, _compare(self.op, actual, wanted), actual, note)


def _why_not(cond: Expect, outcome: StepOutcome | None) -> Msg | None:
    """What the kernel showed that a condition on the machine did not hold, in words: for
    ``others_busy``, the CPU other programs kept busiest and for how much of the step."""
    if cond.subject != "result" or cond.field != "others_busy" or outcome is None:
        return None
    value = (outcome.result or {}).get("value")
    others = value.get("others") if isinstance(value, dict) else None
    if not others:
        return None
    cpu, share = max(others, key=lambda o: o[1])
    return Msg("CPU {cpu} was busy with other programs {pct}% of the time the work ran", cpu=cpu,
               pct=round(share * 100))


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
class Ask:
    """A multiple-choice question answered before the step runs."""

    question: Text
    choices: tuple[Text, ...]
    answer: int
    """The right choice, counted from 1."""
    explain: Text | None = None


@dataclass(frozen=True)
class Step:
    say: Text
    actor: str | None = None
    """An actor, or a name bound to a fork() child."""
    call: str | None = None
    args: tuple[Any, ...] = ()
    """The call's arguments as the vocabulary takes them; a :class:`Ref` for a name."""
    wait: float | None = None
    """With ``actor`` and no ``call``: wait up to this many seconds for its blocked call."""
    watch: float | None = None
    """No call: let the kernel run for this many seconds (timers fire, packets cross), then
    look."""
    until: Expect | None = None
    """With ``watch``: end the watch as soon as this check holds (``watch`` is then the most
    it lasts)."""
    wire: tuple[str, Any] | None = None
    """A wire action instead of a call: ``("rule", {...})``, ``("deliver", "all")``,
    ``("drop", [4])`` or ``("clear", None)``."""
    sysctl: tuple[str, int, str | None] | None = None
    """Set a sysctl of the lab's namespaces instead: (name, value, the host or None for
    every namespace of the lab)."""
    expect: tuple[Expect, ...] = ()
    names: tuple[str, ...] = ()
    """``as``: the names given to what the call returns (two for pipe())."""
    ask: Ask | None = None
    hint: Text | None = None
    do: str | None = None
    """The ``do:`` line as the lesson file wrote it."""
    line: int | None = None
    """Where the step starts in its lesson file."""
    quotes: tuple[tuple[str, str, Expect], ...] = ()
    """What its say, hint and explain texts quote: (the text inside the tag, ``value`` or
    ``if``, what to read): a reading of the kernel (``{{ EXPR }}``), or a check whose verdict
    picks a sentence (``{{ if CHECK }}``)."""

    @property
    def reads_before(self) -> bool:
        """Whether a check or a text of this step reads the kernel as it was when the step
        began (``before.``): then the runner reads it then."""
        def chain(e: Expect | None) -> bool:
            return e is not None and (e.at == "before" or chain(e.guard))
        return any(chain(e) for e in (*self.expect, *(q[2] for q in self.quotes), self.until))

    @property
    def action(self) -> str:
        if self.do:
            return self.do
        if self.call:
            return f"{self.actor}.{self.call}({', '.join(map(_arg_text, self.args))})"
        if self.wait is not None:
            return f"wait {self.actor}"
        if self.wire is not None:
            what, arg = self.wire
            if what == "rule":
                return "wire." + Rule.from_json(arg).describe()
            return f"wire.{what}({'' if arg is None else arg})"
        if self.watch is not None:
            return f"watch {self.watch}s" + (f" until {self.until.text}" if self.until else "")
        if self.sysctl is not None:
            name, value, host = self.sysctl
            return f"sysctl {host + ' ' if host else ''}{name} = {value}"
        return ""


def _arg_text(a: Any) -> str:
    return a if isinstance(a, str) else str(a) if isinstance(a, Ref) else repr(a)


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
    languages: tuple[str, ...] = ("en",)
    """The languages every text of the lesson is written in."""
    sysctls: tuple[str, ...] = ()
    """The lab's sysctls the lesson sets, checks or quotes: every snapshot carries them."""
    path: str | None = None
    """The file it was loaded from."""
    source: str | None = field(default=None, compare=False, repr=False)
    """The file's text, exactly as it was loaded (a recording carries it)."""

    def host_of(self, actor: str) -> str | None:
        return dict(self.hosts).get(actor)
