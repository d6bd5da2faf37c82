"""Driving the TUI in tests: an app on the bundled lessons with its own progress file, and
waiting (by polling the app's state, never by sleeping a fixed time) for the lab to answer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.message import Message
from textual.pilot import Pilot

from syscall_lab.lesson.catalog import Catalog, bundled_dir, discover
from syscall_lab.lesson.model import Lesson
from syscall_lab.tui import SyscallLabApp, make_app
from syscall_lab.tui.messages import SessionUpdated
from syscall_lab.tui.screens import LessonScreen

_CATALOG: Catalog | None = None


def bundled_catalog() -> Catalog:
    """The lessons installed with the package, and no others (the picker's rows are fixed)."""
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = discover([str(bundled_dir())], search=False)
    return _CATALOG


def app_for(tmp: Path, lang: str = "en", lesson: str | Lesson | None = None,
            mask: bool = True) -> SyscallLabApp:
    """The app on ``lesson`` (a bundled lesson's id, or a lesson such as the sandbox's)."""
    catalog = bundled_catalog()
    chosen = catalog.lessons[lesson] if isinstance(lesson, str) else lesson
    return make_app(lesson=chosen, lang=lang, mask_volatile=mask,
                    progress_path=tmp / "progress.json", catalog=catalog)


async def typed(pilot: Pilot[int], screen: LessonScreen, *lines: str) -> None:
    """Type each line at the sandbox prompt, as a student would, and wait for it to run."""
    await pilot.press("colon")
    for line in lines:
        count = len(screen.state.records) if screen.state else 0
        await pilot.press(*line)
        await pilot.press("enter")
        await until(pilot, lambda count=count: screen.state is not None and not screen.busy
                    and len(screen.state.records) > count, what=f"'{line}' to run")
    await pilot.press("escape")


async def until(pilot: Pilot[int], cond: Callable[[], object], timeout: float = 20.0,
                what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def lesson_screen(app: SyscallLabApp) -> LessonScreen:
    screen = app.screen
    assert isinstance(screen, LessonScreen), f"on {type(screen).__name__}, not the lesson"
    return screen


async def settled(pilot: Pilot[int], app: SyscallLabApp) -> LessonScreen:
    """Wait until the lesson screen has drawn the lab's last answer and asks nothing more."""
    screen = lesson_screen(app)

    def quiet() -> bool:
        return screen.settled

    await until(pilot, quiet, what="the lab's answer")
    await pilot.pause(0.2)  # an event the lab sends late (a call returning) gets its look
    await until(pilot, quiet, what="the lab's answer")
    await pilot.pause()
    return screen


async def step(pilot: Pilot[int], screen: LessonScreen, key: str = "space",
               choice: int | None = None) -> None:
    """Press ``key`` to run the next step; a step with a question first shows it, and is
    then answered with ``choice`` (default: the lesson's answer) to let it run."""
    done = screen.state.done if screen.state else 0
    await pilot.press(key)
    await until(pilot, lambda: screen.asking or (screen.state is not None
                and screen.state.done > done and not screen.busy), what="the step or its ask")
    if screen.asking:
        ask = screen.lesson.steps[done].ask
        assert ask is not None
        await pilot.press(str(choice or ask.answer))
        await until(pilot, lambda: screen.state is not None and screen.state.done > done
                    and not screen.busy, what="the step after its answer")


async def press_steps(pilot: Pilot[int], app: SyscallLabApp, n: int) -> LessonScreen:
    """Press space ``n`` times, each after the previous step has been drawn (answering each
    question with the lesson's answer)."""
    screen = await settled(pilot, app)
    for _ in range(n):
        await step(pilot, screen)
    return await settled(pilot, app)


class Messages:
    """A ``message_hook`` that keeps every :class:`SessionUpdated` the screens received."""

    def __init__(self) -> None:
        self.updates: list[SessionUpdated] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, SessionUpdated):
            self.updates.append(message)

    @property
    def causes(self) -> list[str]:
        return [m.cause for m in self.updates]
