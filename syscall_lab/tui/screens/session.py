"""A session on screen: the lesson beside every pane of the kernel, drawn from one state.

:class:`SessionScreen` is what the live lesson screen, the demo and the replay have in common:
the layout (wide or narrow), the lesson pane, the :class:`~..widgets.KernelPanes`, the title,
the keys in the student's language and how many fit at the bottom, the cross-links between
panes (a syscall selected highlights what its step caused; a packet selected, the step that
sent it), and drawing a :class:`~syscall_lab.lesson.session.SessionState`. Where the state
comes from is the subclass's: a lab (:class:`~.lesson.LessonScreen`) or a recording
(:class:`~.replay.ReplayScreen`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer

from ... import heap
from ...i18n import pick, t
from ...lesson.model import Lesson
from ...lesson.session import SessionState
from ...shown import displayable
from ..keys import Key, bindings
from ..view import View
from ..widgets import KernelPanes, KeyBar, Ladder, LessonPane, SyscallLog, TitleBar
from ..widgets.lesson_pane import Story

if TYPE_CHECKING:
    from ..app import SyscallLabApp

__all__ = ["FOCUS_KEYS", "SessionScreen", "is_wide"]

FOCUS_KEYS = (
    Key("tab", "app.focus_next", "key_focus", show=False),
    Key("shift+tab", "app.focus_previous", "key_focus_back", show=False),
    Key("pageup", "scroll_story(-1)", "key_scroll_up", show=False),
    Key("pagedown", "scroll_story(1)", "key_scroll_down", show=False),
)
"""Every screen's: Tab and Shift+Tab go from pane to pane (the focused one scrolls with the
arrows and PageUp/PageDown); with no pane focused, PageUp and PageDown scroll the story."""


def is_wide(width: int, height: int) -> bool:
    """Wide enough to show every pane at once; below that the kernel's panes become tabs."""
    return width >= 110 and height >= 30


class SessionScreen(Screen[None]):
    AUTO_FOCUS = ""
    """Keys go to the screen until the student selects a pane (Tab, or a click)."""
    KEYS: tuple[Key, ...] = ()
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init_subclass__(cls, **kw: Any) -> None:
        # Before Textual's own: it merges the class's BINDINGS when the class is made.
        cls.BINDINGS = bindings((*cls.KEYS, *FOCUS_KEYS))  # the words are the key bar's
        super().__init_subclass__(**kw)

    def __init__(self, lesson: Lesson) -> None:
        super().__init__()
        self.lesson = lesson
        self.state: SessionState | None = None
        """What the screen draws: the session's last state with every string from outside
        made safe to show (:func:`~syscall_lab.shown.displayable`)."""
        self.raw_state: SessionState | None = None
        """The same, as it came (what a recording keeps)."""
        self._settle_timer: Timer | None = None
        self.wide = True
        self.hint = False
        self.notice: str | None = None
        self.asking = False
        """The next step has a question and the student has not answered it yet."""
        self.answer_first = False
        """Next was pressed on that question: the card says to answer first."""
        self.answers: dict[int, int] = {}
        """Predict, then run: step number -> the choice the student made."""
        self.focus_step: int | None = None
        """The step selected in the syscall log (a 1-based record index): panes highlight
        what it caused. None: the latest."""
        self.drawn = 0
        """How many states have been drawn (tests and the benchmarks wait on it)."""

    @property
    def lab_app(self) -> SyscallLabApp:
        from ..app import SyscallLabApp

        assert isinstance(self.app, SyscallLabApp)
        return self.app

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self.wide = is_wide(self.app.size.width, self.app.size.height)
        yield from self.top_bar()
        if self.wide:
            with Horizontal(id="body"):
                yield LessonPane(id="lesson")
                yield KernelPanes(True, id="kernel")
        else:
            yield LessonPane(id="lesson")
            yield KernelPanes(False, id="kernel")
        yield from self.extra()
        yield from self.bottom_bar()

    def top_bar(self) -> ComposeResult:
        yield TitleBar(id="title")

    def extra(self) -> ComposeResult:
        """Widgets between the panes and the bottom bar (the live screen's prompt)."""
        yield from ()

    def bottom_bar(self) -> ComposeResult:
        yield KeyBar(id="keys")

    async def _relayout(self) -> None:
        await self.recompose()
        self.relabel()
        self.draw()

    def on_resize(self, event: Resize) -> None:
        wide = is_wide(event.size.width, event.size.height)
        if wide != self.wide:
            self.wide = wide
            self.call_next(self._relayout)

    def relabel(self) -> None:
        """Every word of the screen in the student's language."""
        self.relabel_keys()
        lang = self.lab_app.lang
        self.query_one(KernelPanes).relabel(lang)
        pane = self.query_one(LessonPane)
        pane.border_title = pick(self.lesson.title, lang) if self.wide else None

    def relabel_keys(self) -> None:
        for bar in self.query(KeyBar):
            bar.show(self.KEYS, self.lab_app.lang)

    def language_changed(self) -> None:  # called by the app
        self.relabel()
        self.draw()

    # -- drawing ---------------------------------------------------------------------------
    def set_state(self, state: SessionState) -> None:
        """The state to draw from now on (made safe to show: it came from a lab or a file)."""
        if self.raw_state is not None and state.generation != self.raw_state.generation:
            heap.renew()  # a lab replaced: the old one's objects may be garbage now
        self.raw_state = state
        self.state = displayable(state)

    def view(self) -> View | None:
        if self.state is None:
            return None
        return View(self.lesson, self.state, self.lab_app.lang, self.lab_app.volatile,
                    self.focus_step)

    def draw(self) -> None:
        lang = self.lab_app.lang
        title = pick(self.lesson.title, lang)
        view = self.view()
        with self.app.batch_update():
            if view is None:
                self.query_one(TitleBar).show(title, "", t("lab_starting", lang), busy=True)
                return
            state = view.state
            where = (t("typed_count", lang, n=len(state.records)) if not self.lesson.steps
                     else t("step", lang, n=state.done, total=len(self.lesson.steps))
                     if state.done else t("step_intro", lang))
            busy = self.is_busy()
            self.query_one(TitleBar).show(title, where, self.status(state, lang), busy=busy)
            notice = t(self.notice, lang, n=state.replayed) if self.notice else None
            self.query_one(LessonPane).show(view, notice, self.hint, self.answers, self.asking,
                                            self.answer_first, busy)
            self.query_one(KernelPanes).show(view)
        self.drawn += 1
        # The collector's work, once the student is reading (see syscall_lab.heap).
        if self._settle_timer is None:
            self._settle_timer = self.set_timer(heap.SETTLE_AFTER, self._settle)
        else:
            self._settle_timer.reset()

    def _settle(self) -> None:
        self._settle_timer = None
        heap.settle()

    def is_busy(self) -> bool:
        return False

    def status(self, state: SessionState, lang: str) -> str:
        """What the title bar says the session is doing."""
        return t("lab_ready", lang)

    def packet_bytes(self, n: int) -> bytes | None:
        """Packet ``n``'s bytes as captured (the packet screen dissects them)."""
        return None

    # -- keys every session screen has ------------------------------------------------------
    def action_hint(self) -> None:
        self.hint = not self.hint
        self.draw()

    def action_next_view(self) -> None:
        self.query_one(KernelPanes).next_view()

    def action_scroll_story(self, pages: int) -> None:
        story = self.query_one(Story)
        if pages < 0:
            story.scroll_page_up(animate=False)
        else:
            story.scroll_page_down(animate=False)

    # -- cross-links ------------------------------------------------------------------------
    def on_syscall_log_step_selected(self, message: SyscallLog.StepSelected) -> None:
        self.focus_step = message.step
        self.draw()

    def on_ladder_selected(self, message: Ladder.Selected) -> None:
        if message.n is None or self.state is None:
            return
        step = next((i for i, r in enumerate(self.state.records, 1)
                     if any(p.n == message.n for p in r.wire.packets)), None)
        self.focus_step = step
        log = self.query_one(KernelPanes).fresh("log")
        assert isinstance(log, SyscallLog)
        log.select_step(step)
        self.draw()

    def on_ladder_opened(self, message: Ladder.Opened) -> None:
        from .packet import PacketScreen

        if self.state is None:
            return
        record = next((p for p in self.state.packets if p.n == message.n), None)
        if record is not None:
            self.app.push_screen(PacketScreen(record, self.packet_bytes(message.n),
                                              self.lab_app.lang, self.lab_app.volatile))
