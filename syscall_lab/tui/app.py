"""The Textual app: screens, themes, the language, and nothing else.

Logic lives in the screens (:mod:`.screens`), the panes (:mod:`.widgets`) and below them in
the lesson session and the engine. Build it with :func:`make_app`; ``cli.py`` and the tests
both do.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.theme import Theme

from ..i18n import LANGS
from ..lesson.progress import ProgressStore
from .keys import Key
from .screens.help import HelpScreen
from .screens.picker import PICKER_KEYS, PickerScreen
from .view import Volatile

if TYPE_CHECKING:  # the loader imports pydantic: not before the first frame
    from ..lesson.catalog import Catalog
    from ..lesson.model import Lesson
    from ..lesson.recording import Recorder, Recording
    from ..lesson.session import LessonSession
    from .screens.demo import Autoplay

__all__ = ["THEMES", "SyscallLabApp", "make_app"]

PRESENTER = Theme(
    name="syscall-lab-presenter", dark=True,
    primary="#ffd75f", secondary="#5fd7ff", accent="#ff87d7", warning="#ffd700",
    error="#ff5f5f", success="#5fff87", foreground="#ffffff", background="#000000",
    surface="#0a0a0a", panel="#1c1c1c",
)
THEMES = {"default": "textual-dark", "presenter": PRESENTER.name, "light": "textual-light"}
"""``--theme`` choices and the Textual theme each one uses."""


class SyscallLabApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "syscall-lab"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit", show=False, priority=True),
        Binding("q", "quit", show=False),
        Binding("question_mark", "help", show=False),
    ]

    def __init__(self, lesson: Lesson | None = None, lang: str = "en", theme: str = "default",
                 volatile: Volatile | None = None, progress: ProgressStore | None = None,
                 catalog: Catalog | None = None, lesson_paths: tuple[str, ...] = (),
                 recorder: Recorder | None = None, screenshots: Path | None = None,
                 demo: Autoplay | None = None, replay: Recording | None = None) -> None:
        super().__init__()
        self.start_lesson = lesson
        self.recorder = recorder
        """Records the session of ``lesson`` (the one the app opened with)."""
        self.screenshots = screenshots
        self.demo = demo
        """Play ``lesson`` by itself (``syscall-lab demo``)."""
        self.replay = replay
        """Show this recording instead of a lab (``syscall-lab replay``)."""
        self.lang = lang
        self.theme_choice = theme
        self.volatile = volatile or Volatile()
        self.progress = progress or ProgressStore()
        self.catalog = catalog
        self.lesson_paths = lesson_paths
        self.sandbox_history: list[str] = []
        """Lines typed at the sandbox prompt in this run of the app (up/down recalls them)."""
        self.sessions: set[LessonSession] = set()
        """Every lesson session this app started and has not ended yet."""
        self._sessions_lock = threading.Lock()
        self.handle_signals = False
        """End on SIGTERM, SIGHUP and SIGINT as on q (``syscall-lab`` sets it; tests do not
        take over their runner's signals)."""
        self.signalled = 0
        """128 + the number of the signal that ended the app, or 0."""

    def _take_signals(self) -> None:
        """SIGTERM (kill), SIGHUP (the terminal closed) and SIGINT (kill -INT; Ctrl-C is a key
        here) end the app the way q does: the terminal is restored, then ``syscall-lab`` ends
        the labs and closes the recording. Handled in the event loop, between two messages,
        never in the middle of a draw."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            try:
                loop.add_signal_handler(signum, self._on_signal, signum)
            except (RuntimeError, ValueError, NotImplementedError):  # not the main thread
                return

    def _on_signal(self, signum: int) -> None:
        if not self.signalled:
            self.signalled = 128 + signum
            self.exit(return_code=self.signalled)

    def on_mount(self) -> None:
        if self.handle_signals:
            self._take_signals()
        self.register_theme(PRESENTER)
        self.theme = THEMES[self.theme_choice]
        if self.theme_choice == "presenter":
            self.add_class("presenter")
        if self.replay is not None:
            from .screens.replay import ReplayScreen

            self.push_screen(ReplayScreen(self.replay, screenshots=self.screenshots))
            return
        self.push_screen(PickerScreen())
        if self.start_lesson is not None:
            self.open_lesson(self.start_lesson)

    # -- lessons -----------------------------------------------------------------------------
    def load_catalog(self) -> Catalog:
        """Find every lesson (on a worker thread: the loader takes a while to import)."""
        from ..lesson.catalog import discover

        catalog = discover(self.lesson_paths, search=True)
        self.catalog = catalog
        return catalog

    def open_lesson(self, lesson: Lesson) -> None:
        from .screens.lesson import LessonScreen

        first = lesson is self.start_lesson
        recorder, self.recorder = (self.recorder, None) if first else (None, self.recorder)
        screenshots = self.screenshots if first else None
        if self.demo is not None and first:
            from .screens.demo import DemoScreen

            self.push_screen(DemoScreen(lesson, self.demo, recorder=recorder,
                                        screenshots=screenshots))
            return
        saved = self.progress.get(lesson.id)
        resume = saved.step if saved and 0 < saved.step < len(lesson.steps) else 0
        self.push_screen(LessonScreen(lesson, resume_at=resume, recorder=recorder,
                                      screenshots=screenshots))

    def end_session(self, session: LessonSession) -> None:
        session.close()
        with self._sessions_lock:
            self.sessions.discard(session)

    def close_labs(self) -> None:
        """End every lab still running (after the app has exited)."""
        with self._sessions_lock:
            sessions = list(self.sessions)
        for session in sessions:
            self.end_session(session)

    # -- actions -----------------------------------------------------------------------------
    def action_lessons(self) -> None:
        from .screens.lesson import LessonScreen

        if isinstance(self.screen, LessonScreen):
            self.screen.shoot()
            self.pop_screen()

    async def action_quit(self) -> None:
        from .screens.lesson import LessonScreen

        if isinstance(self.screen, LessonScreen):
            self.screen.shoot()  # the last step, as it stands
        await super().action_quit()

    def action_switch_lang(self) -> None:
        from .screens.session import SessionScreen

        self.lang = LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]
        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen | PickerScreen):
                screen.language_changed()

    def action_help(self) -> None:
        from .screens.session import FOCUS_KEYS, SessionScreen

        if isinstance(self.screen, HelpScreen):
            return
        keys: tuple[Key, ...] = (*self.screen.KEYS, *FOCUS_KEYS) \
            if isinstance(self.screen, SessionScreen) else PICKER_KEYS
        self.push_screen(HelpScreen(keys, self.lang))


def make_app(lesson: Lesson | None = None, lang: str = "en", theme: str = "default",
             mask_volatile: bool = False, progress_path: Path | None = None,
             catalog: Catalog | None = None, lesson_paths: tuple[str, ...] = (),
             recorder: Recorder | None = None, screenshots: Path | None = None,
             demo: Autoplay | None = None, replay: Recording | None = None) -> SyscallLabApp:
    """The app as ``syscall-lab`` runs it. ``mask_volatile`` prints values that differ from
    run to run (host pids, inodes, ephemeral ports, times) as dots: for snapshot tests and
    screenshots."""
    return SyscallLabApp(lesson=lesson, lang=lang, theme=theme,
                         volatile=Volatile(mask=mask_volatile),
                         progress=ProgressStore(progress_path), catalog=catalog,
                         lesson_paths=lesson_paths, recorder=recorder, screenshots=screenshots,
                         demo=demo, replay=replay)
