"""The lesson screen: the lesson beside what the kernel holds, one real step at a time.

Every request to the lab (start, step, a look between steps, a replay) runs in a thread worker
and comes back as a :class:`~syscall_lab.tui.messages.SessionUpdated`; the panes then redraw
from it inside one batch. One request is in flight at a time; what the student does meanwhile
waits its turn in :class:`~syscall_lab.lesson.requests.Requests`. Nothing here blocks the UI
thread, and nothing runs on a timer: an idle screen wakes only when the lab reports something
(output, a call returning), and then looks at most ten times a second.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.worker import Worker, WorkerState

from ...files import open_output
from ...i18n import t
from ...lesson.model import Lesson, Step
from ...lesson.requests import Request, Requests
from ...lesson.session import LessonSession, SessionState
from ...shown import shown
from ..keys import Key
from ..messages import KernelStirred, SessionUpdated
from ..widgets import HeldTable, SandboxPrompt
from .error import ErrorScreen
from .session import SessionScreen, is_wide

if TYPE_CHECKING:
    from pathlib import Path

    from ...lesson.recording import Recorder

__all__ = ["LESSON_KEYS", "LOOK_INTERVAL", "LessonScreen", "is_wide"]

LESSON_KEYS = (
    Key("space,enter,n", "next", "key_next", display="space", rank=1),
    Key("1", "answer(1)", "key_answer", display="1-8", rank=2),
    *(Key(str(n), f"answer({n})", "key_answer", show=False, help=False) for n in range(2, 9)),
    Key("colon", "sandbox", "key_sandbox", display=":", rank=6),
    Key("v", "next_view", "key_view", rank=5),
    Key("h", "hint", "key_hint", rank=4),
    Key("b", "back", "key_back", rank=7),
    Key("r", "reset", "key_reset", rank=9),
    Key("l", "app.switch_lang", "key_lang", rank=8),
    Key("escape", "app.lessons", "key_lessons", display="esc", rank=10),
    Key("question_mark", "app.help", "key_help", display="?", rank=2),
    Key("q", "app.quit", "key_quit", rank=3),
)
LOOK_INTERVAL = 0.1
"""At most this often (seconds) the screen looks at the kernel on its own: ~10 redraws/s."""
RUNNING_AFTER = 0.15
"""A step still running after this long (a wait, a watch) is shown as running."""


class LessonScreen(SessionScreen):
    KEYS: tuple[Key, ...] = LESSON_KEYS
    KEEPS_PROGRESS = True
    """Whether the student's progress (step reached, answers) is saved for the picker."""

    def __init__(self, lesson: Lesson, resume_at: int = 0, recorder: Recorder | None = None,
                 screenshots: Path | None = None) -> None:
        super().__init__(lesson)
        self.resume_at = resume_at
        self.recorder = recorder
        """Writes every frame this screen draws from (``--record``)."""
        self.screenshots = screenshots
        """Saves an SVG of every step here, as it stood before the next key (``--screenshots``)."""
        self.session: LessonSession | None = None
        self.requests = Requests()
        """One request to the lab at a time; what the student does meanwhile, in order."""
        self._last_look = 0.0
        self._look_timer: Any = None
        self._error = False
        self.running: Step | None = None
        """The step the kernel is still running, once that has taken :data:`RUNNING_AFTER`."""

    @property
    def busy(self) -> bool:
        return self.requests.busy

    @property
    def settled(self) -> bool:
        """The lab has answered everything asked, and nothing more is waiting."""
        return self.state is not None and self.requests.idle and self._look_timer is None

    def is_busy(self) -> bool:
        return self.busy

    # -- layout ----------------------------------------------------------------------------
    def extra(self) -> ComposeResult:
        yield SandboxPrompt(self._sandbox_words, self.lab_app.sandbox_history, id="sandbox")

    def on_mount(self) -> None:
        self.begin()

    def begin(self) -> None:
        """Start the lab (resuming where the student left off) and draw the first frame."""
        saved = self.lab_app.progress.get(self.lesson.id)
        if saved is not None and self.resume_at:
            self.answers = {int(n): a[0] for n, a in saved.answers.items()
                            if int(n) <= self.resume_at}
        self.relabel()
        self.session = LessonSession(self.lesson, on_event=self._lab_event)
        self.lab_app.sessions.add(self.session)
        self._send(Request("resume" if self.resume_at else "start", upto=self.resume_at))
        self.draw()

    def status(self, state: SessionState, lang: str) -> str:
        if self.busy and self.running is not None:
            return t("lab_running", lang, action=shown(self.running.action))
        return (t("lab_busy", lang) if self.busy
                else t("lab_replayed", lang, n=state.replayed)
                if state.replayed and state.done == state.replayed
                else t("lab_ready", lang))

    # -- talking to the lab ----------------------------------------------------------------
    def _send(self, request: Request) -> None:
        self._request(self.requests.send(request))

    def _request(self, request: Request) -> None:
        """Send ``request`` to the lab (in a thread); a step still running after
        :data:`RUNNING_AFTER` seconds is shown as running (a key always changes the screen)."""
        if request.cause in ("step", "typed") and self.state is not None:
            steps, done = self.lesson.steps, self.state.done
            step = request.step if request.cause == "typed" else (
                steps[done] if done < len(steps) else None)
            drawn = self.drawn
            self.set_timer(RUNNING_AFTER, lambda: self._show_running(step, drawn))
        self._run_request(request)

    def _show_running(self, step: Step | None, drawn: int) -> None:
        if step is None or not self.busy or self.drawn != drawn:
            return  # done already, or drawn since
        self.running = step
        self.draw()

    @work(thread=True, exit_on_error=False, group="lab", description="Talking to the lab")
    def _run_request(self, request: Request) -> None:
        session = self.session
        assert session is not None
        cause = request.cause
        if cause == "step":
            state = session.step()
        elif cause == "look":
            state = session.look()
        elif cause == "typed":
            assert request.step is not None
            state = session.perform(request.step)
        elif cause == "back":
            state = session.back()
        else:
            state = session.start(request.upto)
        self.post_message(SessionUpdated(state, cause))

    def _lab_event(self, event: dict[str, Any]) -> None:
        # On the lab's reader thread: only post (thread-safe), never touch widgets.
        self.post_message(KernelStirred())

    def on_kernel_stirred(self, message: KernelStirred) -> None:
        if self.state is not None and self.requests.stir():
            self._look_soon()
        elif self.state is None:
            self.requests.stirred = True

    def _look_soon(self) -> None:
        wait = self._last_look + LOOK_INTERVAL - time.monotonic()
        if wait > 0:
            if self._look_timer is None:
                self._look_timer = self.set_timer(wait, self._look_now)
            return
        self._look_now()

    def _look_now(self) -> None:
        self._look_timer = None
        if self._error:
            return
        if self.busy:
            self.requests.stirred = True
            return
        self._last_look = time.monotonic()
        self._send(Request("look"))

    def on_session_updated(self, message: SessionUpdated) -> None:
        if self.state is not None and message.state.generation < self.state.generation:
            return
        cause = message.cause
        self.running = None
        self.set_state(message.state)
        state = self.state
        assert state is not None
        if cause != "look":
            self.focus_step = None
        if cause in ("step", "start", "typed"):
            self.notice = None
        elif cause == "back" and state.done == 0:
            self.notice = "went_back_typed" if state.records else "was_reset"
        elif cause != "look":
            self.notice = {"back": "went_back", "resume": "resumed",
                           "reset": "was_reset"}.get(cause)
        if cause not in ("look", "typed") and self.lesson.steps and self.KEEPS_PROGRESS:
            self.lab_app.progress.save(self.lesson.id, state.done, len(self.lesson.steps))
        then = self.requests.answered(cause, can_step=state.done < len(self.lesson.steps))
        self.draw()
        self._record(cause, message.state)
        if then == "reset":
            self.action_reset()
        elif then == "back":
            self.action_back()
        elif isinstance(then, Request):
            self._request(then)
        elif then == "next":
            self.action_next()
            if self.asking:  # a question on the way stops the presses: it is answered first
                self.requests.stop()
        elif then == "look":
            self._look_soon()
        self.updated(cause)

    def updated(self, cause: str) -> None:
        """Called after every update is drawn (and the next request sent, if any)."""

    def _record(self, cause: str, state: SessionState) -> None:
        session = self.session
        if self.recorder is None or session is None:
            return
        lab = session.lab
        try:
            self.recorder.frame(state, cause, answers=self.answers, notice=self.notice,
                                packet=session.packet_bytes,
                                t0_wall=float(lab.info.get("t0_wall", 0.0)) if lab else 0.0)
        except OSError as exc:
            self.recorder = None  # the lesson goes on; the recording ends at its last frame
            self.notify(shown(t("write_failed", self.lab_app.lang, path=exc.filename or "",
                                reason=exc.strerror)), severity="error", timeout=10,
                        markup=False)

    def shoot(self, ask: bool = False) -> None:
        """Save the screen as it stands (``--screenshots``): ``LESSON-NN.LANG.svg`` after step
        NN (00: before step 1), ``LESSON-NN-ask.LANG.svg`` for step NN's question."""
        if self.screenshots is None or self.state is None or self.app.screen is not self:
            return
        n = self.state.done + (1 if ask else 0)
        name = f"{self.lesson.id}-{n:02d}{'-ask' if ask else ''}.{self.lab_app.lang}.svg"
        try:  # never through a link planted under the name (see syscall_lab.files)
            with open_output(self.screenshots / name) as out:
                out.write(self.app.export_screenshot())
        except OSError as exc:
            self.screenshots = None  # the lesson goes on; no more screenshots
            self.notify(shown(t("write_failed", self.lab_app.lang, path=exc.filename or name,
                                reason=exc.strerror)), severity="error", timeout=10,
                        markup=False)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "lab" or event.state != WorkerState.ERROR:
            return
        self.requests.failed()
        self._error = True
        self.draw()
        error = event.worker.error or RuntimeError("unknown")
        self.app.push_screen(ErrorScreen(error, self.lab_app.lang), self._after_error)

    def _after_error(self, choice: str | None) -> None:
        self._error = False
        if choice == "reset":
            self.action_reset()
        elif choice == "lessons":
            self.lab_app.action_lessons()
        elif choice == "quit":
            self.app.exit()

    # -- keys ------------------------------------------------------------------------------
    def action_next(self) -> None:
        if self.state is None:
            self.requests.presses += 1  # pressed before the lab is up: run it right after
            return
        if not self.requests.press_next():
            return  # pressed while the kernel works: it waits its turn
        done = self.state.done
        if done >= len(self.lesson.steps):
            self.notify(t("lesson_is_over", self.lab_app.lang), timeout=3)
            return
        ask = self.lesson.steps[done].ask
        if self.asking and ask is not None:  # pressed again: the answer is still to come
            self.notify(t("answer_first", self.lab_app.lang, n=len(ask.choices)),
                        severity="warning", timeout=3)
            return
        self.shoot()
        if ask is not None and done + 1 not in self.answers:
            # Predict, then run: the card shows the question already; now it says that the
            # answer comes first (a key press always changes what the student sees).
            self.asking = self.answer_first = True
            self.draw()
            return
        self.hint = False
        self._send(Request("step"))

    def action_answer(self, choice: int) -> None:
        """The student's prediction for the next step's question; then the step runs (after
        a look in flight; while a step is in flight the screen says to answer once it is
        done, since the question on screen may not be the next one)."""
        lang = self.lab_app.lang
        if self.state is None:
            self.notify(t("lab_starting", lang), timeout=3)
            return
        done = self.state.done
        ask = self.lesson.steps[done].ask if done < len(self.lesson.steps) else None
        if ask is None or done + 1 in self.answers or not 1 <= choice <= len(ask.choices):
            if ask is not None and done + 1 not in self.answers:
                self.notify(t("press_answer", lang, n=len(ask.choices)),
                            severity="warning", timeout=3)
            else:
                self.notify(t("already_answered" if ask is not None else "no_question", lang),
                            severity="warning", timeout=3)
            return
        now = self.requests.answer_waits()
        if now is None:
            self.notify(t("answer_after_step", lang), severity="warning", timeout=3)
            return
        self.shoot(ask=True)
        self.answers[done + 1] = choice
        self.asking = self.answer_first = False
        if self.KEEPS_PROGRESS:
            self.lab_app.progress.answer(self.lesson.id, done + 1, len(self.lesson.steps),
                                         choice, ask.answer)
        self.hint = False
        if now:
            self._send(Request("step"))
        else:
            self.draw()  # the answer is on the card; the step runs once the look is back

    def action_sandbox(self) -> None:
        self.query_one(SandboxPrompt).open(self.lab_app.lang)

    def _sandbox_words(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        actors = tuple(self.lesson.actors)
        names: list[str] = []
        for r in self.state.records if self.state else ():
            names += r.step.names
        if self.state is not None:
            actors += tuple(p.actor for p in self.state.snapshot.processes
                            if p.actor not in actors)
        return actors, tuple(dict.fromkeys(names))

    def perform_typed(self, text: str) -> bool:
        """Check a step typed in the lesson grammar and, if it is right, perform it. Returns
        whether it will run (a wrong one is reported under the prompt and changes nothing)."""
        from ...lesson.loader import compile_step

        prompt = self.query_one(SandboxPrompt)
        done = [r.step for r in self.state.records] if self.state else []
        got = compile_step(self.lesson, [*done, *self.requests.typed], text)
        if isinstance(got, list):
            prompt.refused(got, text)
            return False
        prompt.accepted(text)
        if self.state is None:
            self.requests.typed.append(got)
            return True
        request = self.requests.type(got)
        if request is not None:
            self._request(request)
        return True

    def on_sandbox_prompt_submitted(self, message: SandboxPrompt.Submitted) -> None:
        self.perform_typed(message.text)

    def on_held_table_act(self, message: HeldTable.Act) -> None:
        self.perform_typed(message.do)

    def packet_bytes(self, n: int) -> bytes | None:
        return self.session.packet_bytes(n) if self.session is not None else None

    def action_reset(self) -> None:
        self.hint = False
        self.asking = self.answer_first = False
        self.answers = {}
        if self.requests.undo("reset"):
            self._send(Request("reset"))

    def action_back(self) -> None:
        self.asking = self.answer_first = False
        if self.state is None or (not self.state.records and not self.busy):
            self.notify(t("nothing_to_undo", self.lab_app.lang), timeout=3)
            return
        if not self.requests.undo("back"):
            return
        self.hint = False
        last = self.state.records[-1]
        if not last.typed:
            self.answers.pop(last.index, None)  # its question may be answered again
        self._send(Request("back"))

    def on_unmount(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            # Ending a lab takes a few milliseconds of waiting: not on the UI thread.
            threading.Thread(target=self.lab_app.end_session, args=(session,),
                             name="lab-close").start()
