"""A recorded session, replayed: the lesson screen drawn from the frames of a recording.

Nothing runs: every pane is given the very state the live screen drew from (read back from
the recording), so a replay shows what the kernel held then, not now, on a machine that may
not be able to run a lab at all. The title row says it is a recording, when and where it was
made, and carries the timeline; arrows step, Home and End jump, a click or a drag scrubs.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal

from ...i18n import t
from ...lesson.recording import Frame, Recording
from ...lesson.session import SessionState
from ...shown import shown
from ..keys import Key
from ..widgets import TitleBar
from ..widgets.timeline import Timeline
from .session import SessionScreen

__all__ = ["REPLAY_KEYS", "ReplayScreen"]

REPLAY_KEYS = (
    Key("right,space,n", "next", "key_next", display="→", rank=1),
    Key("left,b", "back", "key_previous", display="←", rank=2),
    Key("home", "first", "key_first", rank=6),
    Key("end", "last", "key_last", rank=5),
    Key("v", "next_view", "key_view", rank=7),
    Key("h", "hint", "key_hint", rank=8),
    Key("l", "app.switch_lang", "key_lang", rank=9),
    Key("question_mark", "app.help", "key_help", display="?", rank=3),
    Key("q", "app.quit", "key_quit", rank=4),
)


class ReplayScreen(SessionScreen):
    """A recording drawn frame by frame, as the live screen drew it; nothing runs."""

    KEYS = REPLAY_KEYS

    def __init__(self, recording: Recording, screenshots: Path | None = None) -> None:
        super().__init__(recording.lesson)
        self.recording = recording
        self.screenshots = screenshots
        self.stops = recording.stops
        self.at = 0
        """The stop shown (an index into :attr:`stops`)."""
        self.shown: int | None = None
        """The frame shown (an index into the recording's frames)."""

    def top_bar(self) -> ComposeResult:
        with Horizontal(id="title-row"):
            yield TitleBar(id="title")
            yield Timeline(id="timeline")

    def on_mount(self) -> None:
        self.relabel()
        self.go(0)

    # -- what is shown ---------------------------------------------------------------------
    def go(self, stop: int) -> None:
        """Show stop ``stop`` (clamped to the recording). One stop forwards, the frames
        between (the looks after a step) are drawn in turn, as they were live; a jump draws
        only its target."""
        next_one = stop == self.at + 1
        self.at = max(0, min(stop, len(self.stops) - 1))
        target = self.stops[self.at]
        first = self.shown + 1 if next_one and self.shown is not None \
            and self.shown < target else target
        for index in range(first, target + 1):
            self.show_frame(self.recording.frames[index])

    def show_frame(self, frame: Frame) -> None:
        """Draw ``frame`` as the live screen drew it. Played in order, frame after frame, the
        screen is the live one cell for cell; after a jump (back, or a scrub), every pane
        starts from the top, as it did when the session began."""
        if self.shown is None or frame.index != self.shown + 1:
            for pane in self.query("*"):
                if pane.allow_vertical_scroll:
                    pane.scroll_home(animate=False, immediate=True)
        self.shown = frame.index
        self.set_state(frame.state)  # a recording is a file from outside: drawn safe
        self.answers = dict(frame.answers)
        self.notice = frame.notice
        self.asking = False
        self.focus_step = None
        self.draw()

    def draw(self) -> None:
        super().draw()
        self.query_one(Timeline).show(tuple(self._kind(i) for i in self.stops), self.at)

    def _kind(self, index: int) -> str:
        frame = self.recording.frames[index]
        last = frame.state.last
        if frame.altered:
            return "altered"
        if frame.cause in ("start", "resume", "reset") or last is None:
            return "lab"
        return "ok" if last.ok else "failed"

    def status(self, state: SessionState, lang: str) -> str:
        r = self.recording
        when = r.started.replace("T", " ")[:16]
        status = t("recording_status", lang, when=shown(when), made=shown(r.made))
        if r.end is None:
            status += " · " + t("recording_cut", lang)
        if r.altered:
            status += " · " + t("recording_altered", lang, n=r.altered)
        return status

    def packet_bytes(self, n: int) -> bytes | None:
        if self.state is None:
            return None
        return self.recording.packet_bytes.get((self.state.generation, n))

    # -- keys ------------------------------------------------------------------------------
    def action_next(self) -> None:
        self.go(self.at + 1)

    def action_back(self) -> None:
        self.go(self.at - 1)

    def action_first(self) -> None:
        self.go(0)

    def action_last(self) -> None:
        self.go(len(self.stops) - 1)

    def on_held_table_act(self, message: object) -> None:
        self.notify(t("replay_no_lab", self.lab_app.lang), timeout=3)  # d, D, x: no lab here

    def on_timeline_seek(self, message: Timeline.Seek) -> None:
        self.go(message.index)
