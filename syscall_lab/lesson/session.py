"""A lesson played interactively: one lab, owned by one thread, driven one request at a time.

The TUI's workers are short-lived threads, but a lab's supervisor dies with the thread that
started it (``PR_SET_PDEATHSIG``). So a :class:`LessonSession` keeps one long-lived thread, the
lab's owner, and runs every request there: starting the lab, each step, a look at the kernel
between steps, a replay. Its public methods block until the owner thread has the answer, so
call them from a worker, never from the UI thread.

Besides the lesson's own steps, a student may type steps at the sandbox prompt
(:meth:`LessonSession.perform`); they run on the same lab, between the lesson's steps.

The lab cannot be rewound. Going back one step or resuming a lesson *replays* it: a fresh lab
performs what was done before again (the lesson's steps and typed ones, in their order), and
the records say so (:attr:`SessionState.replayed`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from ..engine.lab import Lab
from ..engine.protocol import Event
from ..engine.snapshot import Snapshot
from ..engine.trace import SocketTrace, Tracer
from ..net.packets import PacketRecord
from .model import Lesson, Step
from .runner import LessonRun, StepRecord

__all__ = ["LessonSession", "Played", "SessionState"]

T = TypeVar("T")


@dataclass(frozen=True)
class SessionState:
    """Everything a screen needs after a request: what the kernel holds and how we got here."""

    snapshot: Snapshot
    """The kernel as read at the end of the request."""
    initial: Snapshot
    """The kernel before step 1 (the actors just started)."""
    records: tuple[StepRecord, ...]
    """Every step performed on this lab so far, in order."""
    packets: tuple[PacketRecord, ...]
    """Every packet the lab has seen so far (their fates as of now)."""
    pending_events: tuple[Event, ...] = ()
    """What happened since the last step (output, a blocked call returning, an exit); the
    next step's record will carry them."""
    replayed: int = 0
    """How many of ``records`` a replay performed without the student pressing next."""
    generation: int = 0
    """Which lab this is (a reset or replay starts a new one)."""
    traces: tuple[SocketTrace, ...] = ()
    """Every TCP socket of the lab and the states the lab's reads saw it in."""
    wire_held: tuple[int, ...] = ()
    """The packets the wire holds now."""
    wire_rules: tuple[dict[str, Any], ...] = ()
    """The wire's rules, with how many packets each has matched."""

    @property
    def done(self) -> int:
        """How many of the lesson's own steps have run (typed steps not counted)."""
        return sum(1 for r in self.records if not r.typed)

    @property
    def last(self) -> StepRecord | None:
        return self.records[-1] if self.records else None


class Played:
    """A lesson run on one lab and what it has done so far: the step records, and the states
    the lab's reads saw each socket in. Both the session and the headless runner keep one."""

    def __init__(self, run: LessonRun, lab: Lab, generation: int = 0) -> None:
        self.run, self.lab, self.generation = run, lab, generation
        self.records: list[StepRecord] = []
        self.replayed = 0
        self.tracer = Tracer()
        self.tracer.add(run.initial, 0)

    def keep(self, record: StepRecord) -> SessionState:
        """Add a step's record; the state after it."""
        self.records.append(record)
        self.tracer.add(record.snapshot, len(self.records))
        return self.state(record.snapshot)

    def packet(self, n: int) -> bytes | None:
        """The bytes of packet ``n``, as captured."""
        got = self.lab.packets.raw.get(n)
        return got[1] if got else None

    def look(self) -> SessionState:
        """Read the kernel again without doing anything."""
        snap = self.run.look()
        self.tracer.add(snap, len(self.records))
        return self.state(snap)

    def state(self, snap: Snapshot | None = None) -> SessionState:
        if snap is None:
            snap = self.records[-1].snapshot if self.records else self.run.initial
        return SessionState(snapshot=snap, initial=self.run.initial, records=tuple(self.records),
                            packets=tuple(self.lab.packets),
                            pending_events=tuple(self.lab.pending_events()),
                            replayed=self.replayed, generation=self.generation,
                            traces=self.tracer.traces, wire_held=self.run.wire.held,
                            wire_rules=self.run.wire.rules)


class LessonSession:
    """Plays ``lesson`` on a lab of its own. Every method blocks; call from a worker thread."""

    def __init__(self, lesson: Lesson,
                 on_event: Callable[[dict[str, Any]], None] | None = None,
                 lab_factory: Callable[..., Lab] = Lab) -> None:
        """``on_event`` is called on the lab's reader thread for what happens between
        requests (a blocked call returning, output, an exit): a cue to :meth:`look` again."""
        self.lesson = lesson
        self._on_event = on_event
        self._lab_factory = lab_factory
        self._owner = ThreadPoolExecutor(1, thread_name_prefix="lab-owner")
        self._lab: Lab | None = None
        self._played: Played | None = None
        self._generation = 0
        self._closed = threading.Event()

    # -- requests (blocking) -------------------------------------------------------------
    def start(self, upto: int = 0) -> SessionState:
        """Start a fresh lab (ending the old one) and replay steps 1..``upto`` on it."""
        return self._on_owner(lambda: self._replay([None] * upto))

    def back(self) -> SessionState:
        """Undo the last thing done (a lesson step or a typed one) by replaying the rest on a
        fresh lab."""
        return self._on_owner(lambda: self._replay(self._history()[:-1]))

    def step(self) -> SessionState:
        """Perform the next step (nothing when the lesson is over)."""
        return self._on_owner(self._step)

    def perform(self, step: Step) -> SessionState:
        """Perform a step that is not the lesson's (typed at the sandbox prompt)."""
        return self._on_owner(lambda: self._perform(step))

    def look(self) -> SessionState:
        """Read the kernel again without doing anything (packets seen meanwhile included)."""
        return self._on_owner(self._look)

    def close(self) -> None:
        """End the lab and the owner thread. Safe to call twice, from any thread."""
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            self._owner.submit(self._end_lab).result(timeout=15)
        except Exception:  # the owner is gone or stuck: the lab dies with its thread anyway
            pass
        self._owner.shutdown(wait=False, cancel_futures=True)

    @property
    def lab(self) -> Lab | None:
        return self._lab

    def packet_bytes(self, n: int) -> bytes | None:
        """The bytes of packet ``n`` of the current lab, as captured (any thread: a read of
        what the lab has already recorded)."""
        played = self._played
        return played.packet(n) if played is not None else None

    # -- on the owner thread -------------------------------------------------------------
    def _on_owner(self, fn: Callable[[], T]) -> T:
        if self._closed.is_set():
            raise RuntimeError("the session is closed")
        return self._owner.submit(fn).result()

    def _history(self) -> list[Step | None]:
        """What was done so far: None for a lesson step, the step itself for a typed one."""
        return [r.step if r.typed else None for r in (self._played.records if self._played
                                                      else [])]

    def _replay(self, history: list[Step | None]) -> SessionState:
        self._end_lab()
        self._generation += 1
        generation = self._generation
        self._lab = self._lab_factory(network=self.lesson.mode,
                                      on_event=lambda e: self._event(generation, e))
        played = self._played = Played(LessonRun(self.lesson, self._lab), self._lab, generation)
        for typed in history:
            record = played.run.next_step() if typed is None else played.run.perform(typed)
            if record is not None:
                played.keep(record)
        played.replayed = len(played.records)
        return played.state()

    def _step(self) -> SessionState:
        played = self._need_played()
        record = played.run.next_step()
        return played.look() if record is None else played.keep(record)

    def _perform(self, step: Step) -> SessionState:
        played = self._need_played()
        return played.keep(played.run.perform(step))

    def _look(self) -> SessionState:
        return self._need_played().look()

    def _need_played(self) -> Played:
        if self._played is None:
            raise RuntimeError("the lab has not started")
        return self._played

    def _end_lab(self) -> None:
        lab, self._lab, self._played = self._lab, None, None
        if lab is not None:
            lab.close()

    def _event(self, generation: int, event: dict[str, Any]) -> None:
        # Events of a lab we already ended are of no interest to anyone.
        if event.get("event") in ("ready", "fatal"):  # start-up: answered by start() itself
            return
        if generation == self._generation and self._on_event is not None \
                and not self._closed.is_set():
            self._on_event(event)
