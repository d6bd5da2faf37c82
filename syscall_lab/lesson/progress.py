"""Each student's progress through the lessons, kept between runs.

One small JSON file per user: ``$XDG_STATE_HOME/syscall-lab/progress.json`` (by default
``~/.local/state/syscall-lab/progress.json``). It is written whole to a temporary file and
renamed, so a crash never leaves half a file. A file we cannot read is set aside
(``progress.json.bad``), not fatal:
progress is a convenience, never a reason a lesson will not open.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..files import FileProblem, read_input

__all__ = ["LessonProgress", "ProgressStore", "state_dir"]

MAX_BYTES = 4 * 1024 * 1024
"""A progress file is a few KiB; one larger is not ours."""


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                            "state")
    return Path(base) / "syscall-lab"


@dataclass(frozen=True)
class LessonProgress:
    step: int
    """Steps done when the student last left the lesson."""
    total: int
    """Steps the lesson had then."""
    finished: bool = False
    """Whether every step has run at least once."""
    updated: float = 0.0
    """When (Unix time)."""
    answers: dict[str, list[int]] = field(default_factory=dict)
    """Predict, then run: for each step with a question (by its number, as text), the choice
    the student made and the right one, ``{"4": [2, 2]}``."""

    @property
    def score(self) -> tuple[int, int]:
        """(answered right, answered)."""
        return sum(1 for got, right in self.answers.values() if got == right), \
            len(self.answers)


class ProgressStore:
    """Reads and writes one user's progress file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / "progress.json"
        self.problem: str | None = None
        """Why the file could not be read or written (shown once, never raised)."""
        self._data = self._read()

    def _read(self) -> dict[str, LessonProgress]:
        try:
            raw = json.loads(read_input(self.path, MAX_BYTES, "progress").decode("utf-8"))
            return {k: LessonProgress(int(v["step"]), int(v["total"]), bool(v.get("finished")),
                                      float(v.get("updated", 0.0)),
                                      {str(n): [int(a[0]), int(a[1])]
                                       for n, a in (v.get("answers") or {}).items()})
                    for k, v in raw.get("lessons", {}).items()}
        except FileProblem as exc:
            if not self.path.exists():
                return {}
            self.problem = str(exc)
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, OverflowError,
                RecursionError) as exc:
            self.problem = f"{self.path}: {exc}"
            try:  # kept for whoever wants to look, out of the way of the next save
                os.replace(self.path, self.path.with_name(self.path.name + ".bad"))
            except OSError:
                pass
            return {}

    def get(self, lesson_id: str) -> LessonProgress | None:
        return self._data.get(lesson_id)

    def save(self, lesson_id: str, step: int, total: int) -> None:
        old = self._data.get(lesson_id)
        finished = step >= total or bool(old and old.finished)
        answers = dict(old.answers) if old else {}
        self._data[lesson_id] = LessonProgress(step, total, finished, time.time(), answers)
        self._write()

    def answer(self, lesson_id: str, step: int, total: int, chosen: int, right: int) -> None:
        """Keep the student's answer to step ``step``'s question (the last answer counts)."""
        old = self._data.get(lesson_id) or LessonProgress(step - 1, total)
        answers = {**old.answers, str(step): [chosen, right]}
        self._data[lesson_id] = LessonProgress(old.step, total, old.finished, time.time(),
                                               answers)
        self._write()

    def forget(self, lesson_id: str) -> None:
        if self._data.pop(lesson_id, None) is not None:
            self._write()

    def _write(self) -> None:
        body = {"version": 1, "lessons": {k: asdict(v) for k, v in self._data.items()}}
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(body, out, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError as exc:
            self.problem = f"{self.path}: {exc.strerror or exc}"
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
