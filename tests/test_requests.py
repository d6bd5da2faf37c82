"""One request to the lab at a time: what the student does meanwhile waits its turn, in order,
none of it lost, none of it done twice. (No Textual, no lab: the order itself.)"""

from __future__ import annotations

from syscall_lab.lesson.model import Step
from syscall_lab.lesson.requests import Request, Requests


def typed(do: str) -> Step:
    return Step(say="", do=do)


def test_next_pressed_while_idle_goes_at_once_and_while_busy_waits() -> None:
    q = Requests()
    assert q.press_next() is True
    q.send(Request("step"))
    assert q.busy and not q.idle
    assert q.press_next() is False and q.press_next() is False
    assert q.presses == 2
    assert q.answered("step", can_step=True) == "next"
    assert q.presses == 1 and not q.busy  # the screen presses next again: it sends a step
    q.send(Request("step"))
    assert q.answered("step", can_step=True) == "next"
    q.send(Request("step"))
    assert q.answered("step", can_step=True) is None and q.idle


def test_presses_past_the_last_step_are_dropped() -> None:
    q = Requests()
    q.send(Request("step"))
    q.press_next()
    q.press_next()
    assert q.answered("step", can_step=False) is None
    assert q.presses == 0 and q.idle


def test_a_question_stops_the_presses_waiting() -> None:
    q = Requests()
    q.send(Request("step"))
    for _ in range(3):
        q.press_next()
    assert q.answered("step", can_step=True) == "next"
    q.stop()  # the next step asks first
    assert q.presses == 0 and q.idle


def test_typed_steps_run_in_order_the_first_in_flight() -> None:
    q = Requests()
    first, second, third = typed("a"), typed("b"), typed("c")
    assert q.type(first) == Request("typed", first)
    assert q.type(second) is None and q.type(third) is None
    assert q.typed == [first, second, third]  # the one in flight first
    assert q.answered("typed", can_step=True) == Request("typed", second)
    assert q.answered("typed", can_step=True) == Request("typed", third)
    assert q.answered("typed", can_step=True) is None
    assert q.typed == [] and q.idle


def test_typed_steps_go_before_waiting_presses() -> None:
    q = Requests()
    q.send(Request("step"))
    q.press_next()
    line = typed("watch 1s")
    assert q.type(line) is None
    assert q.answered("step", can_step=True) == Request("typed", line)
    assert q.answered("typed", can_step=True) == "next"


def test_back_or_reset_while_busy_comes_right_after_and_drops_the_rest() -> None:
    q = Requests()
    q.send(Request("step"))
    q.press_next()
    q.type(typed("x"))
    assert q.undo("back") is False  # after the one in flight
    assert q.presses == 0 and q.typed == []  # meant for the lab being undone
    assert q.answered("step", can_step=True) == "back"
    assert q.undo("reset") is True and q.then is None


def test_a_kernel_event_while_busy_is_looked_at_after_it() -> None:
    q = Requests()
    assert q.stir() is True  # idle: look now
    q.send(Request("step"))
    assert q.stir() is False
    assert q.answered("step", can_step=True) == "look"
    assert q.idle


def test_a_failed_request_drops_everything_waiting() -> None:
    q = Requests()
    q.send(Request("step"))
    q.press_next()
    q.type(typed("x"))
    q.stir()
    q.undo("reset")
    q.failed()
    assert q.idle


def test_an_answer_is_taken_at_once_after_a_look_but_not_while_a_step_runs() -> None:
    q = Requests()
    assert q.answer_waits() is True  # idle: the step goes now
    q.send(Request("look"))
    assert q.answer_waits() is False  # the question on screen is still the next one
    assert q.answered("look", can_step=True) == "next"  # then the step runs
    assert q.idle
    q.send(Request("step"))
    assert q.answer_waits() is None  # the step in flight may bring another question
    assert q.presses == 0
    q.answered("step", can_step=True)
    q.send(Request("look"))
    q.press_next()
    assert q.answer_waits() is None  # a press waits already: which question is unknown
    q.failed()
    assert q.flight is None and not q.busy
