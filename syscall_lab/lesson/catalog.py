"""Where lessons come from, and finding one by its id.

In this order: the lessons installed with the package, the user's own
(``$XDG_DATA_HOME/syscall-lab/lessons``, by default ``~/.local/share/syscall-lab/lessons``),
each directory of ``SYSCALL_LAB_LESSONS`` (separated by ``:``), and any file or directory given
on the command line. Ids are unique across all of them: two files with one id are a problem
that names both files, and neither is picked for that id.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .course import COURSE_SUFFIX, Course, load_course
from .loader import load_lesson
from .model import Lesson
from .source import MAX_BYTES, Problem

__all__ = ["Catalog", "bundled_dir", "discover", "lesson_dirs", "looks_like_path"]

SUFFIXES = (".yaml", ".yml")


def bundled_dir() -> Path:
    """The lessons installed with the package (``syscall_lab/lessons`` in a wheel; the source
    tree's top-level ``lessons/`` in a checkout or an editable install)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "lessons"
    return installed if installed.is_dir() else package.parent / "lessons"


def user_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                           "share")
    return Path(base) / "syscall-lab" / "lessons"


def lesson_dirs() -> list[Path]:
    """The directories searched for lessons, in order."""
    dirs = [bundled_dir(), user_dir()]
    dirs += [Path(p) for p in os.environ.get("SYSCALL_LAB_LESSONS", "").split(os.pathsep) if p]
    return dirs


def looks_like_path(name: str) -> bool:
    """Whether a command-line lesson names a file rather than an id."""
    return os.sep in name or name.endswith(SUFFIXES) or os.path.isfile(name)


@dataclass
class Catalog:
    lessons: dict[str, Lesson] = field(default_factory=dict)
    """Valid lessons by id (a clashing id is left out)."""
    problems: list[Problem] = field(default_factory=list)
    """Every problem of every file, and each id clash."""
    files: list[str] = field(default_factory=list)
    """Every lesson file read, in order."""
    loaded: list[Lesson] = field(default_factory=list)
    """Every file that loaded, in order (clashing ones too: each is a valid lesson)."""
    clashes: dict[str, list[str]] = field(default_factory=dict)
    """Ids used by more than one file, with the files."""
    invalid: dict[str, list[Problem]] = field(default_factory=dict)
    """The problems of each file that did not load."""
    courses: list[Course] = field(default_factory=list)
    """The courses found (``*.course.yaml``), in order."""

    def find(self, lesson_id: str) -> Lesson | None:
        return self.lessons.get(lesson_id)

    def ordered(self) -> list[Lesson]:
        """The lessons as they are taught: each course's in its order, then the others by
        level (beginner first) and id."""
        taught = [self.lessons[i] for c in self.courses for i in c.order() if i in self.lessons]
        seen = {x.id for x in taught}
        rest = sorted((x for x in self.lessons.values() if x.id not in seen), key=_by_level)
        return list({x.id: x for x in [*taught, *rest]}.values())


LEVELS = ("beginner", "intermediate", "advanced")


def _by_level(lesson: Lesson) -> tuple[int, str]:
    level = LEVELS.index(lesson.level) if lesson.level in LEVELS else len(LEVELS)
    return level, lesson.id


def _files(paths: Iterable[Path], missing: list[Problem], explicit: bool) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            try:
                out += sorted(f for f in p.iterdir() if f.suffix in SUFFIXES and f.is_file())
            except OSError as exc:  # one unreadable directory must not hide the others
                missing.append(Problem(1, 1, f"cannot read this directory: {exc.strerror}",
                                       str(p)))
        elif p.is_file():
            out.append(p)
        elif explicit:
            missing.append(Problem(1, 1, "no such file or directory", str(p)))
    return out


def _display(path: Path) -> str:
    """A path as the user will want to read it: relative to here when it is below here."""
    here = Path.cwd()
    if here == Path(here.anchor):  # from /, a relative path reads worse than the absolute one
        return str(path.resolve())
    try:
        return str(path.resolve().relative_to(here))
    except ValueError:
        return str(path)


def discover(paths: Sequence[str] = (), search: bool | None = None) -> Catalog:
    """Load the lessons in ``paths`` (files or directories), and unless ``search`` is False,
    in :func:`lesson_dirs` too (by default: only when no paths are given)."""
    cat = Catalog()
    search = not paths if search is None else search
    missing: list[Problem] = []
    files = _files([Path(p) for p in paths], missing, explicit=True)
    if search:
        files = _files(lesson_dirs(), missing, explicit=False) + files
    cat.problems += missing
    seen: set[Path] = set()
    first: dict[str, tuple[str, int]] = {}
    for f in files:
        real = f.resolve()
        if real in seen:
            continue
        seen.add(real)
        shown = _display(f)
        cat.files.append(shown)
        try:
            raw = _read(f)
        except OSError as exc:
            problem = Problem(1, 1, f"cannot read it: {exc.strerror}", shown)
            cat.problems.append(problem)
            cat.invalid[shown] = [problem]
            continue
        if f.name.endswith(COURSE_SUFFIX):
            course = load_course(raw, shown)
            if isinstance(course, list):
                cat.problems += course
                cat.invalid[shown] = course
            else:
                cat.courses.append(course)
            continue
        result = load_lesson(raw, shown)
        if isinstance(result, list):
            cat.problems += result
            cat.invalid[shown] = result
            continue
        cat.loaded.append(result)
        line = _id_line(raw)
        if result.id in first:
            other, other_line = first[result.id]
            cat.clashes.setdefault(result.id, [other]).append(shown)
            cat.problems.append(Problem(
                line, 1, f"lesson id '{result.id}' is also used by {other}:{other_line}; "
                         "ids must be unique: rename one of them", shown))
            cat.lessons.pop(result.id, None)
            continue
        first[result.id] = (shown, line)
        cat.lessons[result.id] = result
    for course in cat.courses:
        cat.problems += course.missing(set(first))
    return cat


def _read(f: Path) -> bytes:
    """The file's bytes, or as many as show it is too big to be a lesson."""
    with f.open("rb") as fh:
        return fh.read(MAX_BYTES + 1)


def _id_line(raw: bytes) -> int:
    for n, line in enumerate(raw.splitlines(), 1):
        if line.startswith(b"id:"):
            return n
    return 1
