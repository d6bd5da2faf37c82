"""A lesson that plays itself, for a class or a screen recording (``syscall-lab demo``).

The demo presses the keys a student would, at a pace: next, and on a step with a question it
shows the question, waits longer, then answers it (the lesson's answer) so the result and the
explanation appear. Every step is real: the lab performs it as for a student. The bottom line
shows viewers the key just pressed and the call the step made. Space pauses and plays; the
arrows step by hand. At the end the demo waits one more beat and exits: 0 when every check
passed, 1 when one failed (shown on screen as for a student).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.timer import Timer

from ...i18n import t
from ...lesson.model import Lesson
from ...lesson.recording import Recorder
from ..keys import Key
from ..widgets.caption import Caption
from .lesson import LessonScreen

__all__ = ["DEMO_KEYS", "Autoplay", "DemoScreen"]

DEMO_KEYS = (
    Key("space", "pause", "key_pause", display="space", rank=1),
    Key("right", "step_now", "key_step_demo", display="→", rank=2),
    Key("left", "back", "key_previous", display="←", rank=4),
    Key("v", "next_view", "key_view", rank=5),
    Key("h", "hint", "key_hint", rank=6),
    Key("l", "app.switch_lang", "key_lang", rank=7),
    Key("question_mark", "app.help", "key_help", display="?", rank=3),
    Key("q", "app.quit", "key_quit", rank=3),
)
RETRY = 0.05
"""Seconds before trying again when the lab is still busy."""


@dataclass(frozen=True)
class Autoplay:
    pace: float = 2.0
    """Seconds each step stays on screen."""
    ask_pause: float | None = None
    """Seconds a question stays before its answer, and the answer after (default 2 x pace)."""
    stay: bool = False
    """Stay on the last step instead of exiting."""

    @property
    def question(self) -> float:
        return self.ask_pause if self.ask_pause is not None else 2 * self.pace


class DemoScreen(LessonScreen):
    KEYS = DEMO_KEYS
    KEEPS_PROGRESS = False

    def __init__(self, lesson: Lesson, autoplay: Autoplay, recorder: Recorder | None = None,
                 screenshots: Path | None = None) -> None:
        super().__init__(lesson, recorder=recorder, screenshots=screenshots)
        self.autoplay = autoplay
        self.playing = True
        self.finished = False
        self._tick: Timer | None = None
        self._revealed = False
        """The step just run answered a question: its result stays longer."""

    def bottom_bar(self) -> ComposeResult:
        yield Caption(id="caption")

    # -- the beat ----------------------------------------------------------------------------
    def _after(self, seconds: float) -> None:
        if self._tick is not None:
            self._tick.stop()
        self._tick = self.set_timer(seconds, self._beat) if self.playing else None

    def updated(self, cause: str) -> None:
        if cause == "look":
            self._caption()
            return
        pause = self.autoplay.question if self._revealed else self.autoplay.pace
        self._revealed = False
        self._caption()
        self._after(pause)

    def _beat(self) -> None:
        self._tick = None
        if not self.playing:
            return
        if self.finished:
            self._exit()
            return
        if self.state is None or self.busy or self.app.screen is not self:
            self._after(RETRY)  # the lab works, or help or a packet is open over the demo
            return
        self._advance()

    def _advance(self) -> None:
        """Do what the student would do next: answer the question shown, or press next."""
        assert self.state is not None
        lang = self.lab_app.lang
        done = self.state.done
        if done >= len(self.lesson.steps):
            self._finish()
            return
        ask = self.lesson.steps[done].ask
        if self.asking and ask is not None:
            self.query_one(Caption).pressed(str(ask.answer), t("demo_answer", lang))
            self._revealed = True
            self.action_answer(ask.answer)
            return
        self.query_one(Caption).pressed("space", t("key_next", lang))
        super().action_next()
        if self.asking:  # the question is on screen; the step runs after it
            self._caption()
            self._after(self.autoplay.question)

    def _finish(self) -> None:
        self.finished = True
        self._caption()
        if self.autoplay.stay:
            return
        self._after(self.autoplay.pace)  # cancelled like a beat (Space, ←)

    def _exit(self) -> None:
        self.shoot()
        failed = self.state is not None and any(not r.ok for r in self.state.records)
        self.app.exit(1 if failed else 0)

    def _caption(self) -> None:
        lang = self.lab_app.lang
        state = self.state
        text = ""
        if self.asking and state is not None:
            text = t("demo_question", lang, n=state.done + 1)
        elif state is not None and state.last is not None:
            last = state.last
            call = last.outcome.c if last.outcome is not None else last.step.action
            text = f"{t('step', lang, n=last.index, total=len(self.lesson.steps))} · {call}"
        status = ("demo_finished" if self.finished else "demo_playing" if self.playing
                  else "demo_paused")
        self.query_one(Caption).show(text, t(status, lang))

    def language_changed(self) -> None:
        super().language_changed()
        self._caption()

    # -- keys --------------------------------------------------------------------------------
    def action_pause(self) -> None:
        self.playing = not self.playing
        self.query_one(Caption).pressed("space", t("key_pause", self.lab_app.lang))
        self._caption()
        if self.playing:
            self._after(0 if not self.busy else RETRY)
        elif self._tick is not None:
            self._tick.stop()
            self._tick = None

    def action_step_now(self) -> None:
        """One step by hand (paused or not): the next beat, now."""
        if self.state is None or self.busy or self.finished:
            return
        if self._tick is not None:
            self._tick.stop()
            self._tick = None
        self._advance()

    def action_back(self) -> None:
        self.finished = False
        self.playing = False  # going back is a presenter taking over: Space plays on
        if self._tick is not None:
            self._tick.stop()
            self._tick = None
        self.query_one(Caption).pressed("←", t("key_previous", self.lab_app.lang))
        self._caption()
        super().action_back()
