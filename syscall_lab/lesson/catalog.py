"""Where lessons come from, and finding one by its id.

In this order: the lessons installed with the package, the user's own
(``$XDG_DATA_HOME/syscall-lab/lessons``, by default ``~/.local/share/syscall-lab/lessons``),
each directory of ``SYSCALL_LAB_LESSONS`` (separated by ``:``), and any file or directory given
on the command line. Ids are unique across all of them: two files with one id are a problem
that names both files, and neither is picked for that id.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..files import FileProblem, file_kind, os_reason, read_input
from ..i18n import Msg
from .course import COURSE_SUFFIX, Course, load_course
from .loader import load_lesson
from .model import Lesson
from .source import MAX_BYTES, Problem

__all__ = ["Catalog", "SearchDir", "bundled_dir", "discover", "lesson_dirs", "looks_like_path",
           "search_dirs"]

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


@dataclass(frozen=True)
class SearchDir:
    """A directory lessons are looked for in, and where it came from (for a warning)."""

    path: Path
    origin: str
    """``package``, ``user`` (``$XDG_DATA_HOME/syscall-lab/lessons``) or
    ``SYSCALL_LAB_LESSONS``."""

    @property
    def quiet_if_missing(self) -> bool:
        """Whether its absence is normal (the user's own directory, until they make it)."""
        return self.origin == "user"


def search_dirs() -> list[SearchDir]:
    """The directories searched for lessons, in order, with where each came from."""
    dirs = [SearchDir(bundled_dir(), "package"), SearchDir(user_dir(), "user")]
    dirs += [SearchDir(Path(p), "SYSCALL_LAB_LESSONS")
             for p in os.environ.get("SYSCALL_LAB_LESSONS", "").split(os.pathsep) if p]
    return dirs


def lesson_dirs() -> list[Path]:
    """The directories searched for lessons, in order."""
    return [d.path for d in search_dirs()]


def looks_like_path(name: str) -> bool:
    """Whether a command-line lesson names a file rather than an id."""
    try:
        is_file = os.path.isfile(name)
    except (OSError, ValueError):  # a name no file can have (too long, a NUL)
        is_file = False
    return os.sep in name or name.endswith(SUFFIXES) or is_file


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
    warnings: list[str] = field(default_factory=list)
    """What was wrong with the places searched (a directory of ``SYSCALL_LAB_LESSONS`` that is
    missing or unreadable, a link out of the lesson directories): said, and passed by. A
    command that needs none of it goes on. Each is a :class:`~syscall_lab.i18n.Msg`."""

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


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return Msg("no such file or directory")
    return os_reason(exc)



class _Finder:
    """Lists the lesson files of the paths given and the directories searched.

    A path given on the command line is the user's choice: a problem with it is a problem
    (``check`` fails). A directory searched is not: a problem with it is a warning, and the
    rest goes on. In a directory, a symbolic link is followed only to a regular file inside a
    lesson directory (one searched or given): a link planted to ``/etc/shadow`` is not read."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.roots = [os.path.realpath(r) for r in roots]

    def _inside(self, real: str) -> bool:
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.roots)

    def given(self, p: Path) -> list[Path]:
        try:
            st = p.stat()
        except (OSError, ValueError) as exc:
            why = _why(exc) if isinstance(exc, OSError) else Msg("not a name a file can have")
            self.problems.append(Problem(1, 1, why, str(p)))
            return []
        if stat.S_ISDIR(st.st_mode):
            return self._listing(p, str(p), self.problems)
        if not stat.S_ISREG(st.st_mode):
            self.problems.append(Problem(1, 1, Msg("{kind}, not a lesson file",
                                                   kind=file_kind(st.st_mode)), str(p)))
            return []
        return [p]

    def searched(self, d: SearchDir) -> list[Path]:
        label = f"{d.origin}: {d.path}" if d.origin == "SYSCALL_LAB_LESSONS" else str(d.path)
        try:
            st = d.path.stat()
        except (OSError, ValueError) as exc:
            missing = isinstance(exc, FileNotFoundError)
            if not (missing and d.quiet_if_missing):
                why = _why(exc) if isinstance(exc, OSError) else \
                    Msg("not a name a file can have")
                self.warnings.append(Msg("{where}: {why}; lessons there are not listed",
                                         where=label, why=why))
            return []
        if not stat.S_ISDIR(st.st_mode):
            self.warnings.append(Msg("{where}: {kind}, not a directory; SYSCALL_LAB_LESSONS "
                                     "lists directories", where=label,
                                     kind=file_kind(st.st_mode)))
            return []
        return self._listing(d.path, label, None)

    def _listing(self, d: Path, label: str, problems: list[Problem] | None) -> list[Path]:
        """The lesson files of directory ``d``; trouble is a problem (``problems`` given) or
        a warning."""
        def trouble(where: str, why: str) -> None:
            if problems is not None:
                problems.append(Problem(1, 1, why, where))
            else:
                self.warnings.append(Msg("{where}: {why}", where=where, why=why))

        out: list[Path] = []
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            trouble(label, Msg("cannot read this directory: {why}", why=_why(exc)))
            return []
        for e in entries:
            if not e.name.endswith(SUFFIXES):
                continue
            path = Path(e.path)
            try:
                if e.is_symlink():
                    real = os.path.realpath(e.path)
                    if not self._inside(real):
                        trouble(str(path), Msg("a link to a file outside the lesson "
                                               "directories: not read"))
                        continue
                st = os.stat(e.path)
            except OSError as exc:
                trouble(str(path), _why(exc))
                continue
            if stat.S_ISREG(st.st_mode):
                out.append(path)
            elif not stat.S_ISDIR(st.st_mode):
                trouble(str(path), Msg("{kind}, not a lesson file", kind=file_kind(st.st_mode)))
        return out


def _is_dir(p: Path) -> bool:
    try:
        return stat.S_ISDIR(p.stat().st_mode)
    except (OSError, ValueError):
        return False


def _display(path: Path) -> str:
    """A path as the user will want to read it: relative to here when it is below here."""
    try:
        here = Path.cwd()
    except OSError:  # the working directory was removed
        return str(path)
    if here == Path(here.anchor):  # from /, a relative path reads worse than the absolute one
        return str(path.resolve())
    try:
        return str(path.resolve().relative_to(here))
    except (ValueError, OSError):
        return str(path)


def discover(paths: Sequence[str] = (), search: bool | None = None) -> Catalog:
    """Load the lessons in ``paths`` (files or directories), and unless ``search`` is False,
    in :func:`search_dirs` too (by default: only when no paths are given)."""
    cat = Catalog()
    search = not paths if search is None else search
    given = [Path(p) for p in paths]
    dirs = search_dirs() if search else []
    finder = _Finder([d.path for d in dirs] + [p for p in given if _is_dir(p)])
    files = [f for p in given for f in finder.given(p)]
    if search:
        files = [f for d in dirs for f in finder.searched(d)] + files
    cat.problems += finder.problems
    cat.warnings += finder.warnings
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
            raw = read_input(f, MAX_BYTES, "lesson")
        except FileProblem as exc:
            problem = Problem(1, 1, exc.reason, shown)
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
        line = _id_line(raw)
        if result.id in first:
            # The later file is refused (not run, counted invalid); the first still runs, but
            # neither is found by its id.
            other, other_line = first[result.id]
            cat.clashes.setdefault(result.id, [other]).append(shown)
            problem = Problem(line, 1, Msg("lesson id '{id}' is also used by {other}:{line}; "
                                           "ids must be unique: rename one of them",
                                           id=result.id, other=other, line=other_line), shown)
            cat.problems.append(problem)
            cat.invalid[shown] = [problem]
            cat.lessons.pop(result.id, None)
            continue
        cat.loaded.append(result)
        first[result.id] = (shown, line)
        cat.lessons[result.id] = result
    for course in cat.courses:
        cat.problems += course.missing(set(first))
    return cat


def _id_line(raw: bytes) -> int:
    for n, line in enumerate(raw.splitlines(), 1):
        if line.startswith(b"id:"):
            return n
    return 1
