"""Run a lesson on a lab, step by step, yielding what each step did and what the kernel held.

Front ends (the headless transcript, JSON lines, the TUI) render :class:`StepRecord` values; the
runner itself prints nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine.lab import ActionOutcome, CallError, Lab, StepOutcome, WireView
from ..engine.protocol import Event, Returned
from ..engine.snapshot import Change, Snapshot, diff
from ..i18n import Msg
from ..net.packets import PacketRecord
from ..observe.interrupts import IrqDelta, moved, net_moved, read_counters
from .model import Bindings, CheckResult, Lesson, Step, Unbound

__all__ = ["Judge", "LessonRun", "StepRecord", "run_lesson"]


@dataclass(frozen=True)
class StepRecord:
    index: int
    """1-based."""
    total: int
    step: Step
    outcome: StepOutcome | None
    """The call's result; None for other steps or when the step could not run."""
    snapshot: Snapshot
    changes: tuple[Change, ...]
    checks: tuple[CheckResult, ...]
    events: tuple[Event, ...]
    """What happened meanwhile: actor output, blocked calls that returned, exits."""
    error: str | None = None
    """Why the step could not run (the lab refused it); counts as a failure."""
    wire: WireView = field(default_factory=WireView)
    """The packets of this step and what the wire holds after it."""
    action: ActionOutcome | None = None
    """For a wire action or a watch step: what the lab did."""
    typed: bool = False
    """A step the student typed at the sandbox prompt (``index`` is then the lesson step it
    came after), not one of the lesson's."""
    irqs: IrqDelta = field(default_factory=IrqDelta)
    """The interrupt and softirq counters that moved during the step (the whole machine's)."""
    quoted: dict[str, Any] = field(default_factory=dict)
    """What the texts of this step (say, explain) and the next step's hint quote, read right
    after this step: each tag's text to the value read or the check's verdict."""
    before: Snapshot | None = None
    """What the kernel held when the step began, after any pause (read only for a step whose
    checks or texts say ``before.``)."""
    altered: tuple[str, ...] = ()
    """Read back from a recording: the checks whose verdict in the file the kernel state in
    the file contradicts (their verdicts here are made again from that state). A live record
    has none."""

    @property
    def checks_irqs(self) -> bool:
        """Whether the step checks interrupt counters (then the counters that moved are shown)."""
        return any(e.subject == "irq" and e.field != "counter" for e in self.step.expect)

    @property
    def counters_checked(self) -> tuple[str, ...]:
        """The lab's network counters the step's checks name (then those that moved are
        shown, these first)."""
        return tuple(e.where for e in self.step.expect
                     if e.subject == "irq" and e.field == "counter" and e.where)

    @property
    def checks_elapsed(self) -> bool:
        """Whether the step checks how long its call took (then that time is shown)."""
        return any(e.subject == "result" and e.field == "elapsed" for e in self.step.expect)

    @property
    def ok(self) -> bool:
        return self.error is None and all(c.ok for c in self.checks)

    @property
    def tally(self) -> tuple[int, int]:
        """(checks made, failures); a step that could not run counts as one failed check.
        A check skipped on this machine (its ``if`` does not hold) is not counted."""
        failed = sum(1 for c in self.checks if not c.ok)
        extra = 1 if self.error else 0
        return len(self.checks) - self.skipped + extra, failed + extra

    @property
    def skipped(self) -> int:
        """Checks not made here because their condition does not hold on this machine."""
        return sum(1 for c in self.checks if c.skipped is not None)


class Judge:
    """Binds a lesson's names to what its calls returned and makes each step's checks: the
    one place that does, for a lesson running live and for a recording read back (whose
    verdicts are made again from the kernel state it recorded, never taken from the file)."""

    def __init__(self) -> None:
        self.env = Bindings()

    def actor(self, step: Step) -> str | None:
        """The actor that performs ``step`` (a fork() child's name resolved). Raises
        :class:`Unbound` when that fork() failed."""
        return self.env.actor(step.actor) if step.actor else None

    def args(self, step: Step) -> tuple[Any, ...]:
        return tuple(self.env.resolve(a) for a in step.args)

    def returned(self, step: Step, outcome: StepOutcome, who: str) -> None:
        """A call (or the blocked call a wait step waited for) gave ``outcome``."""
        if step.call:
            self.env.outcome(step, outcome, who)
        elif step.wait is not None and outcome.result is not None:
            self.env.late_result(outcome.actor, outcome.seq, outcome.result)

    def happened(self, events: tuple[Event, ...]) -> None:
        """Calls that returned meanwhile bind the names their steps asked for."""
        for e in events:
            if isinstance(e, Returned) and e.result:
                self.env.late_result(e.actor, e.result.get("seq"), e.result)

    def checks(self, step: Step, outcome: StepOutcome | None, snap: Snapshot, wire: WireView,
               events: tuple[Event, ...], irqs: IrqDelta,
               before: Snapshot | None = None) -> tuple[CheckResult, ...]:
        self.env.before = before
        return tuple(e.check(outcome, snap, wire, self.env, events, irqs) for e in step.expect)

    def quoted(self, steps: tuple[Step | None, ...], outcome: StepOutcome | None,
               snap: Snapshot, wire: WireView, events: tuple[Event, ...],
               irqs: IrqDelta, before: Snapshot | None = None) -> dict[str, Any]:
        """What ``steps``' texts quote, read now (see :mod:`.quoting`)."""
        self.env.before = before
        out: dict[str, Any] = {}
        for step in steps:
            for source, kind, e in step.quotes if step else ():
                if kind == "if":
                    c = e.check(outcome, snap, wire, self.env, events, irqs)
                    out[source] = c.ok and c.skipped is None
                    continue
                try:
                    out[source] = e.actual(outcome, snap, wire, self.env, events, irqs)
                except Unbound:
                    out[source] = None
        return out

    def again(self, r: StepRecord) -> StepRecord:
        """``r`` (read back from a recording, in its lab's order) with its checks made again
        from what it recorded of the kernel: the call's result, the snapshot, the packets,
        the events and the counters; :attr:`StepRecord.altered` names each check whose
        recorded verdict that contradicts."""
        try:
            who = self.actor(r.step)
        except Unbound:
            who = None
        if r.outcome is not None and who is not None and not r.error:
            self.returned(r.step, r.outcome, who)
        self.happened(r.events)
        made = self.checks(r.step, r.outcome, r.snapshot, r.wire, r.events, r.irqs, r.before)
        claimed = {c.expect: c for c in r.checks}
        altered = tuple(c.expect for c in made if (c.expect not in claimed) or (
            (claimed[c.expect].ok, claimed[c.expect].skipped is None) != (c.ok,
                                                                          c.skipped is None)))
        if len(r.checks) != len(made):
            altered += (Msg("(the number of checks)"),)
        # Its own texts' quotes made again too; the next hint's stand as recorded.
        quoted = {**r.quoted, **self.quoted((r.step,), r.outcome, r.snapshot, r.wire, r.events,
                                            r.irqs, r.before)}
        return replace(r, checks=made, altered=altered, quoted=quoted)


class LessonRun:
    """A lesson being performed on a lab, one step at a time.

    Creating it spawns the lesson's actors and takes the first snapshot (:attr:`initial`);
    each :meth:`next_step` performs one step. Call it from one thread at a time.
    """

    def __init__(self, lesson: Lesson, lab: Lab) -> None:
        self.lesson = lesson
        self.lab = lab
        lab.watch_sysctls(list(lesson.sysctls))
        for actor in lesson.actors:
            lab.spawn(actor, lesson.host_of(actor))
        self.initial: Snapshot = lab.snapshot()
        """What the kernel held before step 1: each actor with fds 0, 1 and 2."""
        lab.events()
        self._prev = self.initial
        self._judge = Judge()
        self._carried: dict[int, PacketRecord] = {}
        self._net = lab.net_counters
        """The lab's network counters when the last step ended (what the next one moved them
        from: like packets, what moves while the student reads counts for the next step)."""
        self.wire = WireView()
        """What the wire holds and its rules, as of the last step or look."""
        self.done = 0
        """How many steps have run."""

    def look(self) -> Snapshot:
        """Read the kernel between steps. The packets this look is told about still belong to
        the next step's record (its ``packets(...)`` checks count them), so they are kept."""
        snap, wire = self.lab.look()
        self.wire = replace(self.wire, held=wire.held, rules=wire.rules)
        for p in wire.packets:
            self._carried[p.n] = p
        return snap

    @property
    def finished(self) -> bool:
        return self.done >= len(self.lesson.steps)

    def next_step(self) -> StepRecord | None:
        """Perform the lesson's next step; None when every step has run."""
        if self.finished:
            return None
        self.done += 1
        return self._perform(self.lesson.steps[self.done - 1], typed=False)

    def perform(self, step: Step) -> StepRecord:
        """Perform a step that is not the lesson's (typed at the sandbox prompt), on the same
        lab and with the same names; the lesson's own next step stays next."""
        return self._perform(step, typed=True)

    def _perform(self, step: Step, typed: bool) -> StepRecord:
        lab, judge = self.lab, self._judge
        before = self.look() if step.reads_before else None
        counters = read_counters()
        outcome: StepOutcome | None = None
        action: ActionOutcome | None = None
        error = None
        try:
            who = judge.actor(step)
            if step.call and who:
                outcome = lab.call(who, step.call, *judge.args(step))
                judge.returned(step, outcome, who)
            elif step.wait is not None and who:
                outcome = lab.wait(who, step.wait)
                judge.returned(step, outcome, who)
            elif step.wire is not None:
                action = _wire_action(lab, *step.wire)
            elif step.watch:
                action = self._watch(step, before) if step.until else lab.pause(step.watch)
            elif step.sysctl is not None:
                action = lab.set_sysctl(*step.sysctl)
        except (CallError, Unbound) as exc:
            error = exc.message  # a Msg, said in the student's language by the front ends
        done = outcome or action
        snap = done.snapshot if done else lab.snapshot()
        wire = done.wire if done else WireView(held=self.wire.held, rules=self.wire.rules)
        self.wire = replace(self.wire, held=wire.held, rules=wire.rules)
        if self._carried:
            fresh = {p.n: p for p in wire.packets}
            merged = {**self._carried, **fresh}
            wire = replace(wire, packets=tuple(merged[n] for n in sorted(merged)))
            self._carried = {}
        events = tuple(_without_consumed(lab.events(), outcome, step))
        judge.happened(events)
        irqs = replace(moved(counters, read_counters()),
                       net=net_moved(self._net, self.lab.net_counters))
        self._net = self.lab.net_counters  # (each reply brings a new mapping; none is changed)
        checks = judge.checks(step, outcome, snap, wire, events, irqs, before)
        steps = self.lesson.steps
        upcoming = steps[self.done] if not typed and self.done < len(steps) else None
        quoted = judge.quoted((step, upcoming), outcome, snap, wire, events, irqs, before)
        record = StepRecord(self.done, len(self.lesson.steps), step, outcome, snap,
                            tuple(diff(self._prev, snap)), checks, events, error, wire, action,
                            typed, irqs, quoted, before=before)
        self._prev = snap
        return record

    def _watch(self, step: Step, before: Snapshot | None) -> ActionOutcome:
        """``watch N until CHECK``: watch in slices of :data:`WATCH_SLICE_S`, looking at the
        step's packets and the kernel after each, until CHECK holds (and one slice more, so
        what answers the packet that ended it is seen too) or N seconds have passed."""
        assert step.watch is not None and step.until is not None
        end = time.monotonic() + step.watch
        got: ActionOutcome | None = None
        self._judge.env.before = before
        while (left := end - time.monotonic()) > 0:
            got = _joined(got, self.lab.pause(min(WATCH_SLICE_S, left)))
            held = step.until.check(None, got.snapshot, got.wire, self._judge.env)
            if held.ok and held.skipped is None:
                return _joined(got, self.lab.pause(WATCH_SLICE_S))
        return got or self.lab.pause(0)


WATCH_SLICE_S = 0.1
"""How often ``watch ... until`` looks."""


def _joined(so_far: ActionOutcome | None, last: ActionOutcome) -> ActionOutcome:
    """Two pauses as one: their packets (each once, as last seen), the last one's state."""
    if so_far is None:
        return last
    packets = {p.n: p for p in so_far.wire.packets}
    packets.update((p.n, p) for p in last.wire.packets)
    wire = replace(last.wire, packets=tuple(packets[n] for n in sorted(packets)),
                   omitted=so_far.wire.omitted + last.wire.omitted)
    seconds = float(so_far.detail.get("seconds") or 0) + float(last.detail.get("seconds") or 0)
    return replace(last, detail={"seconds": round(seconds, 3)}, wire=wire)


def run_lesson(lesson: Lesson, lab: Lab) -> Iterator[StepRecord]:
    """Spawn the lesson's actors in ``lab`` and perform its steps, one record per step."""
    run = LessonRun(lesson, lab)
    while (record := run.next_step()) is not None:
        yield record


def _wire_action(lab: Lab, what: str, arg: Any) -> ActionOutcome:
    if what == "rule":
        return lab.wire_rule(arg)
    if what == "deliver":
        return lab.wire_deliver(arg if arg is not None else "all")
    if what == "drop":
        return lab.wire_drop(arg if arg is not None else "all")
    return lab.wire_clear()


def _without_consumed(events: list[Event], outcome: StepOutcome | None,
                      step: Step) -> list[Event]:
    """Drop the late-result event that a wait step reports as its own result."""
    if outcome is None or step.wait is None:
        return events
    return [e for e in events
            if not (isinstance(e, Returned) and e.actor == outcome.actor
                    and e.result.get("seq") == outcome.seq)]
