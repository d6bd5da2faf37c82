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

from ...i18n import pick, t
from ...lesson.model import Lesson
from ...lesson.session import LessonSession, SessionState
from ..keys import Key, install
from ..messages import KernelStirred, SessionUpdated
from ..view import View
from ..widgets import (
    Consoles,
    FdTables,
    LessonPane,
    PacketList,
    QueuesPane,
    SyscallLog,
    TitleBar,
)
from .error import ErrorScreen

if TYPE_CHECKING:
    from ..app import SyscallLabApp

__all__ = ["LESSON_KEYS", "LOOK_INTERVAL", "LessonScreen", "is_wide"]

LESSON_KEYS = (
    Key("space,enter,n", "next", "key_next", display="space"),
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
         ("packets", "pane_packets"), ("console", "pane_console"))


def is_wide(width: int, height: int) -> bool:
    """Wide enough to show every pane at once; below that the kernel's panes become tabs."""
    return width >= 110 and height >= 30


class LessonScreen(Screen[None]):
    def __init__(self, lesson: Lesson, resume_at: int = 0) -> None:
        super().__init__()
        self.lesson = lesson
        self.resume_at = resume_at
        self.state: SessionState | None = None
        self.session: LessonSession | None = None
        self.wide = True
        self.busy = False
        self.hint = False
        self.notice: str | None = None
        self.drawn = 0
        """How many updates have been drawn (tests and the benchmark wait on it)."""
        self._queued = 0
        """Next presses waiting for the request in flight (one request at a time)."""
        self._then: str | None = None
        """A reset or back pressed while a request was in flight: done right after it."""
        self._stirred = False
        self._last_look = 0.0
        self._look_timer: Any = None
        self._error = False

    @property
    def lab_app(self) -> SyscallLabApp:
        from ..app import SyscallLabApp

        assert isinstance(self.app, SyscallLabApp)
        return self.app

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lang = self.lab_app.lang
        self.wide = is_wide(self.app.size.width, self.app.size.height)
        yield TitleBar(id="title")
        panes: dict[str, Widget] = {
            "fds": FdTables(id="fds"), "queues": QueuesPane(id="queues"),
            "log": SyscallLog(id="log"), "packets": PacketList(id="packets"),
            "console": Consoles(id="console")}
        if self.wide:
            with Horizontal(id="body"):
                with Vertical(id="left"):
                    yield LessonPane(id="lesson")
                    yield panes["log"]
                    yield panes["console"]
                with Vertical(id="right"):
                    yield panes["fds"]
                    yield panes["queues"]
                    yield panes["packets"]
        else:
            yield LessonPane(id="lesson")
            with TabbedContent(id="tabs"):
                for key, label in PANES:
                    with TabPane(t(label, lang), id=f"tab-{key}"):
                        yield panes[key]
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
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
        install(self, LESSON_KEYS, lang)
        for key, label in PANES:
            pane = self.query_one(f"#{key}")
            pane.border_title = t(label, lang) if self.wide else None
        if not self.wide:
            tabs = self.query_one(TabbedContent)
            for key, label in PANES:
                tabs.get_tab(f"tab-{key}").label = t(label, lang)
        self.query_one(FdTables).relabel(lang)

    def language_changed(self) -> None:  # called by the app
        self._label()
        self._draw()

    # -- drawing ---------------------------------------------------------------------------
    def _view(self) -> View | None:
        if self.state is None:
            return None
        return View(self.lesson, self.state, self.lab_app.lang, self.lab_app.volatile)

    def _draw(self) -> None:
        lang = self.lab_app.lang
        title = pick(self.lesson.title, lang)
        view = self._view()
        with self.app.batch_update():
            if view is None:
                self.query_one(TitleBar).show(title, "", t("lab_starting", lang), busy=True)
                return
            state = view.state
            where = (t("step", lang, n=state.done, total=len(self.lesson.steps)) if state.done
                     else t("step_intro", lang))
            status = (t("lab_busy", lang) if self.busy
                      else t("lab_replayed", lang, n=state.replayed)
                      if state.replayed and state.done == state.replayed
                      else t("lab_ready", lang))
            self.query_one(TitleBar).show(title, where, status, busy=self.busy)
            notice = t(self.notice, lang, n=state.replayed) if self.notice else None
            self.query_one(LessonPane).show(view, notice, self.hint)
            self.query_one(FdTables).show(view)
            self.query_one(QueuesPane).show(view)
            self.query_one(SyscallLog).show(view)
            self.query_one(PacketList).show(view)
            self.query_one(Consoles).show(view)
        self.drawn += 1

    # -- talking to the lab ----------------------------------------------------------------
    def _ask(self, cause: str, upto: int = 0) -> None:
        self.busy = True
        self._request(cause, upto)

    @work(thread=True, exit_on_error=False, group="lab", description="Talking to the lab")
    def _request(self, cause: str, upto: int) -> None:
        session = self.session
        assert session is not None
        if cause == "step":
            state = session.step()
        elif cause == "look":
            state = session.look()
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
        self.state = message.state
        if message.cause in ("step", "start"):
            self.notice = None
        elif message.cause == "back" and message.state.done == 0:
            self.notice = "was_reset"
        elif message.cause != "look":
            self.notice = {"back": "went_back", "resume": "resumed",
                           "reset": "was_reset"}.get(message.cause)
        if message.cause != "look":
            self.lab_app.progress.save(self.lesson.id, message.state.done,
                                       len(self.lesson.steps))
        self._draw()
        then, self._then = self._then, None
        if then == "reset":
            self.action_reset()
        elif then == "back":
            self.action_back()
        elif self._queued and self.state.done < len(self.lesson.steps):
            self._queued -= 1
            self._ask("step")
        elif self._stirred:
            self._stirred = False
            self._queued = 0
            self._look_soon()
        else:
            self._queued = 0

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "lab" or event.state != WorkerState.ERROR:
            return
        self.busy = False
        self._queued = 0
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
        if self.state.done >= len(self.lesson.steps):
            return
        self.hint = False
        self._ask("step")

    def action_hint(self) -> None:
        self.hint = not self.hint
        self._draw()

    def action_reset(self) -> None:
        self.hint = False
        self._queued = 0
        if self.busy:  # one request at a time: after the one in flight
            self._then = "reset"
            return
        self._ask("reset", 0)

    def action_back(self) -> None:
        self._queued = 0
        if self.busy:
            self._then = "back"
            return
        if self.state is None or self.state.done == 0:
            return
        self.hint = False
        self._ask("back", self.state.done - 1)

    def on_unmount(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            # Ending a lab takes a few milliseconds of waiting: not on the UI thread.
            threading.Thread(target=self.lab_app.end_session, args=(session,),
                             name="lab-close").start()
