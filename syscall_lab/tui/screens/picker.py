"""The lesson picker: every lesson found, with the student's progress; enter opens one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from ...i18n import pick, say, t
from ...shown import shown
from ..keys import Key, bindings
from ..widgets.key_bar import KeyBar

if TYPE_CHECKING:  # the loader imports pydantic: not before the first frame
    from ...lesson.catalog import Catalog
    from ...lesson.model import Lesson
    from ..app import SyscallLabApp

__all__ = ["PICKER_KEYS", "PickerScreen"]

PICKER_KEYS = (
    Key("enter", "open", "key_open", display="enter", rank=1),
    Key("l", "app.switch_lang", "key_lang", rank=4),
    Key("question_mark", "app.help", "key_help", display="?", rank=2),
    Key("q", "app.quit", "key_quit", rank=3),
)
COLUMNS = ("title", "progress", "level", "langs", "topics")
WIDTHS = {"progress": 22, "langs": 5}
"""Fixed widths (progress: 14 below 100 columns); the level column fits its longest word in the
language shown. The title takes 60% of what is left (at least 18 columns) and wraps; the topics
take the rest on one line, cut with an ellipsis."""
FIRST_FRAME_GRACE = 0.08
"""Seconds after the first frame before the lessons are read."""
LEVELS = ("beginner", "intermediate", "advanced")
"""The lesson levels, easiest first: the catalog's, not imported from it (the loader is slow to
import, and the picker draws before it)."""


class CatalogLoaded(Message, bubble=False):
    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog


class PickerScreen(Screen[None]):
    """Reads the lessons in a worker, after the first frame (the loader is slow to import)."""

    KEYS = PICKER_KEYS
    BINDINGS = bindings(PICKER_KEYS)

    def __init__(self) -> None:
        super().__init__()
        self.lessons: list[Lesson] = []

    @property
    def lab_app(self) -> SyscallLabApp:
        from ..app import SyscallLabApp

        assert isinstance(self.app, SyscallLabApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(id="picker-title")
        table: DataTable[Text] = DataTable(cursor_type="row", id="lessons")
        yield table
        yield Static(id="picker-status")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.relabel()
        if self.lab_app.catalog is None:
            self.query_one("#picker-status", Static).update(
                Text(t("picker_loading", self.lab_app.lang), style="italic"))
            # The first frame before the loader: its import (pydantic, yaml) would hold the
            # GIL while the terminal writer thread has the frame to write.
            self.call_after_refresh(self.set_timer, FIRST_FRAME_GRACE, self._load)
        else:
            self._fill()

    @work(thread=True, exclusive=True, exit_on_error=False, group="catalog",
          description="Reading the lessons")
    def _load(self) -> None:
        catalog = self.lab_app.load_catalog()
        self.post_message(CatalogLoaded(catalog))

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        self._fill()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "catalog" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self.query_one("#picker-status", Static).update(Text(
                t("internal_error", self.lab_app.lang, error=f"{type(error).__name__}: {error}"),
                style="bold red"))

    def on_resize(self) -> None:
        self.relabel()  # the title column takes the width there is

    def on_screen_resume(self) -> None:
        if self.lab_app.catalog is not None:
            self._fill()

    def relabel(self) -> None:
        """Every word of this screen in the app's language."""
        lang = self.lab_app.lang
        self.query_one(KeyBar).show(PICKER_KEYS, lang)
        title = Text(" syscall-lab ", style="bold reverse")
        title.append(f"  {t('picker_title', lang)}", style="bold")
        self.query_one("#picker-title", Static).update(title)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        words = [t("col_level", lang), *(t(f"level_{x}", lang) for x in LEVELS)]
        widths = {**WIDTHS, "level": max(map(cell_len, words))}
        if self.app.size.width < 100:
            widths["progress"] = 14
        rest = self.app.size.width - 6 - sum(widths.values()) - 2 * len(COLUMNS)
        widths["title"] = max(18, rest * 3 // 5)
        widths["topics"] = max(8, rest - widths["title"])
        for key in COLUMNS:
            table.add_column(t(f"col_{key}", lang), width=widths[key], key=key)
        if self.lab_app.catalog is not None:
            self._fill()

    def _fill(self) -> None:
        app, lang = self.lab_app, self.lab_app.lang
        catalog = app.catalog
        assert catalog is not None
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.lessons = catalog.ordered()  # the course's order, then the others
        for lesson in self.lessons:
            cells = {"title": Text(pick(lesson.title, lang), style="bold"),
                     "topics": Text(", ".join(lesson.topics), style="dim", no_wrap=True,
                                    overflow="ellipsis"),
                     "level": Text(t(f"level_{lesson.level}", lang) if lesson.level in LEVELS
                                   else lesson.level),
                     "langs": Text(" ".join(lesson.languages)),
                     "progress": self._progress(lesson)}
            table.add_row(*(cells[k] for k in COLUMNS), key=lesson.id, height=None)
        if self.lessons:
            table.move_cursor(row=min(max(cursor, 0), len(self.lessons) - 1))
        notes: list[str] = [f"[{t('warning', lang)}] {say(w, lang)}" for w in catalog.warnings]
        if catalog.invalid:
            notes.append(t("picker_problems", lang, n=len(catalog.invalid),
                           files=", ".join(catalog.invalid)))
        if catalog.clashes:
            notes += [t("lesson_clash", lang, name=k, files=", ".join(v))
                      for k, v in catalog.clashes.items()]
        if app.progress.problem:
            notes.append(t("progress_unreadable", lang, problem=app.progress.problem))
        if not self.lessons and not notes:
            notes.append(t("no_lessons", lang, dirs="lessons/"))
        self.query_one("#picker-status", Static).update(  # file names, from outside
            Text(shown("\n".join(notes), multiline=True), style="yellow") if notes else "")
        table.focus()

    def _progress(self, lesson: Lesson) -> Text:
        lang = self.lab_app.lang
        p = self.lab_app.progress.get(lesson.id)
        if p is None or (p.step == 0 and not p.finished):
            return Text(t("progress_none", lang), style="dim")
        right, asked = p.score
        score = f" · {t('progress_score', lang, right=right, n=asked)}" if asked else ""
        if p.finished and p.step >= len(lesson.steps):
            return Text("✓ " + t("progress_done", lang) + score, style="green")
        mark = "✓ " if p.finished else ""
        return Text(mark + t("progress_at", lang, n=p.step, total=len(lesson.steps)) + score,
                    style="cyan")

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.lessons and 0 <= table.cursor_row < len(self.lessons):
            self._open(self.lessons[table.cursor_row].id)

    def _open(self, lesson_id: str) -> None:
        catalog = self.lab_app.catalog
        lesson = catalog.lessons.get(lesson_id) if catalog else None
        if lesson is not None:
            self.lab_app.open_lesson(lesson)

    def language_changed(self) -> None:  # called by the app
        self.relabel()
