"""The lesson screen: the lesson beside what the kernel holds, one real step at a time.

Every request to the lab (start, step, a look between steps, a replay) runs in a thread worker
and comes back as a :class:`~syscall_lab.tui.messages.SessionUpdated`; the panes then redraw
from it inside one batch. Nothing here blocks the UI thread, and nothing runs on a timer: an
idle screen wakes only when the lab reports something (output, a call returning), and then
looks at most ten times a second.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from ...files import open_output
from ...i18n import pick, t
from ...lesson.model import Lesson, Step
from ...lesson.session import LessonSession, SessionState
from ...shown import displayable, shown
from ..keys import Key, install
from ..messages import KernelStirred, SessionUpdated
from ..view import View
from ..widgets import (
    Consoles,
    FdTables,
    HeldTable,
    Ladder,
    LadderPane,
    LessonPane,
    PacketList,
    QueuesPane,
    SandboxPrompt,
    StateDiagram,
    SyscallLog,
    TitleBar,
    WirePane,
)
from .error import ErrorScreen

if TYPE_CHECKING:
    from pathlib import Path

    from ...lesson.recording import Recorder
    from ..app import SyscallLabApp

__all__ = ["LESSON_KEYS", "LOOK_INTERVAL", "LessonScreen", "is_wide"]

LESSON_KEYS = (
    Key("space,enter,n", "next", "key_next", display="space"),
    Key("1", "answer(1)", "key_answer", display="1-9"),
    *(Key(str(n), f"answer({n})", "key_answer", show=False) for n in range(2, 10)),
    Key("colon", "sandbox", "key_sandbox", display=":"),
    Key("v", "next_view", "key_view"),
    Key("h", "hint", "key_hint"),
    Key("b", "back", "key_back"),
    Key("r", "reset", "key_reset"),
    Key("l", "app.switch_lang", "key_lang"),
    Key("escape", "app.lessons", "key_lessons", display="esc"),
    Key("question_mark", "app.help", "key_help", display="?"),
    Key("q", "app.quit", "key_quit"),
)
LOOK_INTERVAL = 0.1
"""At most this often (seconds) the screen looks at the kernel on its own: ~10 redraws/s."""

# Each pane: its widget id and its title's message id.
PANES = (("fds", "pane_fds"), ("queues", "pane_queues"), ("log", "pane_log"),
         ("console", "pane_console"))
VIEWS = (("ladder", "pane_ladder"), ("packets", "pane_packets"), ("states", "pane_states"),
         ("wire", "pane_wire"))
"""The views of the conversation on the wire: tabs in one pane (``v`` goes to the next)."""
Pane = (FdTables | QueuesPane | SyscallLog | PacketList | LadderPane | StateDiagram | WirePane
        | Consoles)
SHOWN: tuple[type[Pane], ...] = (
    FdTables, QueuesPane, SyscallLog, PacketList, LadderPane, StateDiagram, WirePane, Consoles)
"""The panes that show the kernel, each with ``show(view)``; a pane on a tab not open is
drawn when the tab opens."""


def is_wide(width: int, height: int) -> bool:
    """Wide enough to show every pane at once; below that the kernel's panes become tabs."""
    return width >= 110 and height >= 30


class LessonScreen(Screen[None]):
    AUTO_FOCUS = ""
    """Keys go to the screen until the student selects a pane (the log, the ladder)."""
    KEYS: tuple[Key, ...] = LESSON_KEYS
    KEEPS_PROGRESS = True
    """Whether the student's progress (step reached, answers) is saved for the picker."""

    def __init__(self, lesson: Lesson, resume_at: int = 0, recorder: Recorder | None = None,
                 screenshots: Path | None = None) -> None:
        super().__init__()
        self.lesson = lesson
        self.resume_at = resume_at
        self.recorder = recorder
        """Writes every frame this screen draws from (``--record``)."""
        self.screenshots = screenshots
        """Saves an SVG of every step here, as it stood before the next key (``--screenshots``)."""
        self.state: SessionState | None = None
        """What the screen draws: the lab's last answer with every string from outside made
        safe to show (:func:`~syscall_lab.shown.displayable`)."""
        self.raw_state: SessionState | None = None
        """The lab's last answer as it came (what a recording keeps)."""
        self.session: LessonSession | None = None
        self.wide = True
        self.busy = False
        self.hint = False
        self.notice: str | None = None
        self.drawn = 0
        """How many updates have been drawn (tests and the benchmark wait on it)."""
        self._queued = 0
        """Next presses waiting for the request in flight (one request at a time)."""
        self._typed: list[Step] = []
        """Steps typed at the prompt and not yet run, the one in flight first: a line entered
        while the kernel works runs after it, in order, and may use names the earlier bind."""
        self._then: str | None = None
        """A reset or back pressed while a request was in flight: done right after it."""
        self._stirred = False
        self._last_look = 0.0
        self._look_timer: Any = None
        self._stale: set[type[Pane]] = set()
        """Panes on tabs not open, not drawn since the state changed."""
        self._error = False
        self.focus_step: int | None = None
        """The step selected in the syscall log (a 1-based record index): panes highlight
        what it caused. None: the latest."""
        self.asking = False
        """The next step has a question and the student has not answered it yet."""
        self.answers: dict[int, int] = {}
        """Predict, then run: step number -> the choice the student made."""

    @property
    def lab_app(self) -> SyscallLabApp:
        from ..app import SyscallLabApp

        assert isinstance(self.app, SyscallLabApp)
        return self.app

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lang = self.lab_app.lang
        self.wide = is_wide(self.app.size.width, self.app.size.height)
        yield from self._top_bar()
        panes: dict[str, Widget] = {
            "fds": FdTables(id="fds"), "queues": QueuesPane(id="queues"),
            "log": SyscallLog(id="log"), "console": Consoles(id="console"),
            "ladder": LadderPane(id="ladder-pane"), "packets": PacketList(id="packets"),
            "states": StateDiagram(id="states"), "wire": WirePane(id="wire")}
        if self.wide:
            with Horizontal(id="body"):
                with Vertical(id="left"):
                    yield LessonPane(id="lesson")
                    yield panes["log"]
                    yield panes["console"]
                with Vertical(id="right"):
                    yield panes["fds"]
                    yield panes["queues"]
                    with TabbedContent(id="views"):
                        for key, label in VIEWS:
                            with TabPane(t(label, lang), id=f"tab-{key}"):
                                yield panes[key]
        else:
            yield LessonPane(id="lesson")
            with TabbedContent(id="views"):
                for key, label in (*PANES[:1], *VIEWS[:1], *PANES[1:], *VIEWS[1:]):
                    with TabPane(t(label, lang), id=f"tab-{key}"):
                        yield panes[key]
        yield SandboxPrompt(self._sandbox_words, self.lab_app.sandbox_history, id="sandbox")
        yield from self._bottom_bar()

    def _top_bar(self) -> ComposeResult:
        yield TitleBar(id="title")

    def _bottom_bar(self) -> ComposeResult:
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.begin()

    def begin(self) -> None:
        """Start the lab (resuming where the student left off) and draw the first frame."""
        saved = self.lab_app.progress.get(self.lesson.id)
        if saved is not None and self.resume_at:
            self.answers = {int(n): a[0] for n, a in saved.answers.items()
                            if int(n) <= self.resume_at}
        self._label()
        self.session = LessonSession(self.lesson, on_event=self._lab_event)
        self.lab_app.sessions.add(self.session)
        self._ask("resume" if self.resume_at else "start", self.resume_at)
        self._draw()

    async def _relayout(self) -> None:
        await self.recompose()
        self._label()
        self._draw()

    def on_resize(self, event: Resize) -> None:
        wide = is_wide(event.size.width, event.size.height)
        if wide != self.wide:
            self.wide = wide
            self.call_next(self._relayout)

    def _label(self) -> None:
        lang = self.lab_app.lang
        install(self, self.KEYS, lang)
        for key, label in PANES:
            pane = self.query_one(f"#{key}")
            pane.border_title = t(label, lang) if self.wide else None
        tabs = self.query_one("#views", TabbedContent)
        for key, label in (VIEWS if self.wide else (*VIEWS, *PANES)):
            tabs.get_tab(f"tab-{key}").label = t(label, lang)
        self.query_one(FdTables).relabel(lang)

    def language_changed(self) -> None:  # called by the app
        self._label()
        self._draw()

    # -- drawing ---------------------------------------------------------------------------
    def _view(self) -> View | None:
        if self.state is None:
            return None
        return View(self.lesson, self.state, self.lab_app.lang, self.lab_app.volatile,
                    self.focus_step)

    def _draw(self) -> None:
        lang = self.lab_app.lang
        title = pick(self.lesson.title, lang)
        view = self._view()
        with self.app.batch_update():
            if view is None:
                self.query_one(TitleBar).show(title, "", t("lab_starting", lang), busy=True)
                return
            state = view.state
            where = (t("typed_count", lang, n=len(state.records)) if not self.lesson.steps
                     else t("step", lang, n=state.done, total=len(self.lesson.steps))
                     if state.done else t("step_intro", lang))
            self.query_one(TitleBar).show(title, where, self._status(state, lang),
                                          busy=self.busy)
            notice = t(self.notice, lang, n=state.replayed) if self.notice else None
            self.query_one(LessonPane).show(view, notice, self.hint, self.answers, self.asking)
            active = self.query_one("#views", TabbedContent).active
            for kind in SHOWN:
                pane = self.query_one(kind)
                tab = pane.parent
                if isinstance(tab, TabPane) and tab.id != active:
                    self._stale.add(kind)  # drawn when its tab is opened: a bulk transfer
                    continue  # would otherwise fill a hidden table on every look
                self._stale.discard(kind)
                pane.show(view)
        self.drawn += 1

    def _status(self, state: SessionState, lang: str) -> str:
        """The lab's status in the title bar."""
        return (t("lab_busy", lang) if self.busy
                else t("lab_replayed", lang, n=state.replayed)
                if state.replayed and state.done == state.replayed
                else t("lab_ready", lang))

    @on(TabbedContent.TabActivated)
    def _tab_opened(self, event: TabbedContent.TabActivated) -> None:
        view = self._view()
        if view is None:
            return
        for kind in list(self._stale):
            pane = self.query_one(kind)
            if pane.parent is event.pane:
                self._stale.discard(kind)
                pane.show(view)

    # -- talking to the lab ----------------------------------------------------------------
    def _ask(self, cause: str, upto: int = 0, step: Step | None = None) -> None:
        self.busy = True
        self._request(cause, upto, step)

    @work(thread=True, exit_on_error=False, group="lab", description="Talking to the lab")
    def _request(self, cause: str, upto: int, step: Step | None = None) -> None:
        session = self.session
        assert session is not None
        if cause == "step":
            state = session.step()
        elif cause == "look":
            state = session.look()
        elif cause == "typed":
            assert step is not None
            state = session.perform(step)
        elif cause == "back":
            state = session.back()
        else:
            state = session.start(upto)
        self.post_message(SessionUpdated(state, cause))

    def _lab_event(self, event: dict[str, Any]) -> None:
        # On the lab's reader thread: only post (thread-safe), never touch widgets.
        self.post_message(KernelStirred())

    def on_kernel_stirred(self, message: KernelStirred) -> None:
        if self.busy or self.state is None:
            self._stirred = True
            return
        self._look_soon()

    def _look_soon(self) -> None:
        wait = self._last_look + LOOK_INTERVAL - time.monotonic()
        if wait > 0:
            if self._look_timer is None:
                self._look_timer = self.set_timer(wait, self._look_now)
            return
        self._look_now()

    def _look_now(self) -> None:
        self._look_timer = None
        if self.busy or self._error:
            self._stirred = not self._error
            return
        self._last_look = time.monotonic()
        self._ask("look")

    def on_session_updated(self, message: SessionUpdated) -> None:
        if self.state is not None and message.state.generation < self.state.generation:
            return
        self.busy = False
        self.raw_state = message.state
        self.state = displayable(message.state)
        if message.cause == "typed" and self._typed:
            self._typed.pop(0)
        if message.cause != "look":
            self.focus_step = None
        if message.cause in ("step", "start", "typed"):
            self.notice = None
        elif message.cause == "back" and message.state.done == 0:
            self.notice = "was_reset"
        elif message.cause != "look":
            self.notice = {"back": "went_back", "resume": "resumed",
                           "reset": "was_reset"}.get(message.cause)
        if message.cause not in ("look", "typed") and self.lesson.steps and self.KEEPS_PROGRESS:
            self.lab_app.progress.save(self.lesson.id, message.state.done,
                                       len(self.lesson.steps))
        self._draw()
        self._record(message.cause)
        then, self._then = self._then, None
        if then == "reset":
            self.action_reset()
        elif then == "back":
            self.action_back()
        elif self._typed:
            self._ask("typed", step=self._typed[0])
        elif self._queued and self.state.done < len(self.lesson.steps):
            self._queued -= 1
            self.action_next()  # a question on the way stops the queue and is asked
            if self.asking:
                self._queued = 0
        elif self._stirred:
            self._stirred = False
            self._queued = 0
            self._look_soon()
        else:
            self._queued = 0
        self.updated(message.cause)

    def updated(self, cause: str) -> None:
        """Called after every update is drawn (and the next request queued, if any)."""

    def _record(self, cause: str) -> None:
        session = self.session
        if self.recorder is None or self.raw_state is None or session is None:
            return
        lab = session.lab
        try:
            self.recorder.frame(self.raw_state, cause, answers=self.answers, notice=self.notice,
                                packet=session.packet_bytes,
                                t0_wall=float(lab.info.get("t0_wall", 0.0)) if lab else 0.0)
        except OSError as exc:
            self.recorder = None  # the lesson goes on; the recording ends at its last frame
            self.notify(shown(t("write_failed", self.lab_app.lang, path=exc.filename or "",
                                reason=exc.strerror)), severity="error", timeout=10, markup=False)

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
                                reason=exc.strerror)), severity="error", timeout=10, markup=False)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "lab" or event.state != WorkerState.ERROR:
            return
        self.busy = False
        self._queued = 0
        self._typed = []
        self._then = None
        self._error = True
        self._draw()
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
        if self.state is None or self.busy:
            self._queued += 1  # pressed while the kernel works: run it right after
            return
        done = self.state.done
        if done >= len(self.lesson.steps):
            return
        if not self.asking:  # a second press on a question: the step's picture is taken
            self.shoot()
        if self.lesson.steps[done].ask is not None and done + 1 not in self.answers:
            self.asking = True  # predict, then run: the question first
            self._draw()
            return
        self.hint = False
        self._ask("step")

    def action_answer(self, choice: int) -> None:
        """The student's prediction for the next step's question; then the step runs."""
        if self.state is None or self.busy:
            return
        done = self.state.done
        ask = self.lesson.steps[done].ask if done < len(self.lesson.steps) else None
        if ask is None or done + 1 in self.answers or not 1 <= choice <= len(ask.choices):
            return
        self.shoot(ask=True)
        self.answers[done + 1] = choice
        self.asking = False
        if self.KEEPS_PROGRESS:
            self.lab_app.progress.answer(self.lesson.id, done + 1, len(self.lesson.steps),
                                         choice, ask.answer)
        self.hint = False
        self._ask("step")

    def action_sandbox(self) -> None:
        self.query_one(SandboxPrompt).open(self.lab_app.lang)

    def action_next_view(self) -> None:
        tabs = self.query_one("#views", TabbedContent)
        panes = [p.id for p in tabs.query(TabPane) if p.id]
        if panes:
            at = panes.index(tabs.active) if tabs.active in panes else -1
            tabs.active = panes[(at + 1) % len(panes)]

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
        got = compile_step(self.lesson, [*done, *self._typed], text)
        if isinstance(got, list):
            prompt.note(got, text)
            return False
        prompt.accepted(text)
        self._typed.append(got)
        if self.state is not None and not self.busy:
            self._ask("typed", step=got)
        return True

    def on_sandbox_prompt_submitted(self, message: SandboxPrompt.Submitted) -> None:
        self.perform_typed(message.text)

    def on_held_table_act(self, message: HeldTable.Act) -> None:
        self.perform_typed(message.do)

    # -- cross-links ------------------------------------------------------------------------
    def on_syscall_log_step_selected(self, message: SyscallLog.StepSelected) -> None:
        self.focus_step = message.step
        self._draw()

    def on_ladder_selected(self, message: Ladder.Selected) -> None:
        if message.n is None or self.state is None:
            return
        step = next((i for i, r in enumerate(self.state.records, 1)
                     if any(p.n == message.n for p in r.wire.packets)), None)
        self.focus_step = step
        self.query_one(SyscallLog).select_step(step)
        self._draw()

    def on_ladder_opened(self, message: Ladder.Opened) -> None:
        from .packet import PacketScreen

        if self.state is None:
            return
        record = next((p for p in self.state.packets if p.n == message.n), None)
        if record is not None:
            self.app.push_screen(PacketScreen(record, self.packet_bytes(message.n),
                                              self.lab_app.lang, self.lab_app.volatile))

    def packet_bytes(self, n: int) -> bytes | None:
        """Packet ``n``'s bytes as captured (the packet screen dissects them)."""
        return self.session.packet_bytes(n) if self.session is not None else None

    def action_hint(self) -> None:
        self.hint = not self.hint
        self._draw()

    def action_reset(self) -> None:
        self.hint = False
        self.asking = False
        self.answers = {}
        self._queued = 0
        self._typed = []
        if self.busy:  # one request at a time: after the one in flight
            self._then = "reset"
            return
        self._ask("reset", 0)

    def action_back(self) -> None:
        self._queued = 0
        self._typed = []
        self.asking = False
        if self.busy:
            self._then = "back"
            return
        if self.state is None or not self.state.records:
            return
        self.hint = False
        last = self.state.records[-1]
        if not last.typed:
            self.answers.pop(last.index, None)  # its question may be answered again
        self._ask("back")

    def on_unmount(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            # Ending a lab takes a few milliseconds of waiting: not on the UI thread.
            threading.Thread(target=self.lab_app.end_session, args=(session,),
                             name="lab-close").start()
