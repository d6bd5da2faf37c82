"""One request to the lab at a time, and what the student does meanwhile, in order.

A lab performs one request at a time (a step, a typed step, a look, going back, a reset). A
student does not wait: they press next three times, type two lines, press back. None of it
may be lost or run out of order, and none of it may run twice. :class:`Requests` keeps that
order; the screen asks it what to send now and, when an answer comes back, what to send next.
It knows nothing of Textual, so it is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Step

__all__ = ["Request", "Requests"]


@dataclass(frozen=True)
class Request:
    """What to ask the lab: ``start``, ``resume``, ``step``, ``typed`` (with its ``step``),
    ``look``, ``back`` or ``reset``."""

    cause: str
    step: Step | None = None
    upto: int = 0
    """For ``start``/``resume``: how many lesson steps to replay on the fresh lab."""


UNDO = ("back", "reset")


@dataclass
class Requests:
    busy: bool = False
    """A request is in flight."""
    flight: str | None = None
    """The cause of the request in flight."""
    presses: int = 0
    """Next presses waiting for it."""
    typed: list[Step] = field(default_factory=list)
    """Steps typed at the prompt and not yet done, the one in flight first."""
    then: str | None = None
    """``back`` or ``reset``, pressed while a request was in flight: done right after it."""
    stirred: bool = False
    """The lab reported something (output, a call returning) while a request was in flight:
    look at the kernel after it."""

    def send(self, request: Request) -> Request:
        """Mark ``request`` as in flight (the caller sends it)."""
        self.busy, self.flight = True, request.cause
        return request

    def press_next(self) -> bool:
        """Next was pressed: True to go now, False when it waits its turn."""
        if self.busy:
            self.presses += 1
            return False
        return True

    def type(self, step: Step) -> Request | None:
        """A step typed at the prompt: the request to send now, or None when it waits."""
        self.typed.append(step)
        return None if self.busy else self.send(Request("typed", step))

    def undo(self, how: str) -> bool:
        """Back or reset: everything waiting is dropped (it was meant for the lab being
        undone). True to go now, False when it is done after the request in flight."""
        assert how in UNDO
        self.presses = 0
        self.typed.clear()
        if self.busy:
            self.then = how
            return False
        return True

    def answer_waits(self) -> bool | None:
        """An answer to the question on screen was pressed: True when it is taken now, False
        when it waits for a look in flight (the question on screen is still the next one;
        the step runs after the look, as a press of next does), None when it cannot be
        taken (a step or an undo is in flight: the question on screen may not be the next)."""
        if not self.busy:
            return True
        if self.flight == "look" and not (self.presses or self.typed or self.then):
            self.presses += 1
            return False
        return None

    def stir(self) -> bool:
        """The lab reported something between requests: True to look now, False when the
        look waits for the request in flight."""
        if self.busy:
            self.stirred = True
            return False
        return True

    def answered(self, cause: str, can_step: bool) -> Request | str | None:
        """The request in flight has answered. What comes next: a :class:`Request` to send,
        ``back`` or ``reset`` (pressed meanwhile: the screen does it), ``next`` (a press
        waited: the screen presses next again, and calls :meth:`stop` if a question stops
        it), ``look``, or None. ``can_step``: the lesson has a step left."""
        self.busy, self.flight = False, None
        if cause == "typed" and self.typed:
            self.typed.pop(0)
        then, self.then = self.then, None
        if then is not None:
            return then
        if self.typed:
            return self.send(Request("typed", self.typed[0]))
        if self.presses and can_step:
            self.presses -= 1
            return "next"
        self.presses = 0
        if self.stirred:
            self.stirred = False
            return "look"
        return None

    def stop(self) -> None:
        """The presses waiting stop here (a question came: it is answered first)."""
        self.presses = 0

    def failed(self) -> None:
        """The request in flight failed: nothing waiting is done."""
        self.busy, self.flight = False, None
        self.presses = 0
        self.typed.clear()
        self.then = None
        self.stirred = False

    @property
    def idle(self) -> bool:
        """Nothing in flight and nothing waiting."""
        return not (self.busy or self.presses or self.typed or self.then or self.stirred)
