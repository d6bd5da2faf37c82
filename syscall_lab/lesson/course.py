"""A course: the lessons in the order they are taught, grouped by the topics of the course notes.

A course is a YAML file named ``*.course.yaml`` beside the lessons (the catalog reads it; it is
not a lesson)::

    schema: 1
    id: networking
    title: {en: How Linux networking works, ko: 리눅스 네트워킹의 동작}
    units:
      - topic: {en: Files and file descriptors, ko: 파일과 파일 디스크립터}
        notes: 리눅스의 파일과 파일 디스크립터      # the course notes' heading it teaches
        lessons: [files]

The lesson picker lists a course's lessons first, in its order; ``syscall-lab check`` reports a
course naming a lesson that does not exist, at its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import Msg, Text
from ..shown import quote
from .source import Located, Problem, Source, read_source

__all__ = ["COURSE_SUFFIX", "Course", "Unit", "load_course"]

COURSE_SUFFIX = ".course.yaml"


@dataclass(frozen=True)
class Unit:
    """One topic of the course, and the lessons that teach it."""

    topic: Text
    notes: str
    """The heading of the course notes this unit teaches (as the notes write it)."""
    lessons: tuple[str, ...]
    where: tuple[Located, ...] = ()
    """Where each lesson id is written."""


@dataclass(frozen=True)
class Course:
    id: str
    title: Text
    units: tuple[Unit, ...]
    path: str = ""

    def order(self) -> list[str]:
        """Every lesson id, in course order, each once."""
        return list(dict.fromkeys(i for u in self.units for i in u.lessons))

    def missing(self, known: set[str]) -> list[Problem]:
        """A problem for each lesson id the course names that is not a known lesson."""
        out = []
        for unit in self.units:
            for lesson, at in zip(unit.lessons, unit.where, strict=True):
                if lesson not in known:
                    out.append(Problem(at.line, at.col, Msg(
                        "the course names lesson '{lesson}', which no lesson file has (its "
                        "'id:')", lesson=quote(lesson)), self.path))
        return out


def _text(src: Source, path: tuple[str | int, ...], value: Any, problems: list[Problem]) -> Text:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, dict) and value and all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()):
        return dict(value)
    problems.append(src.problem(path, Msg("write text, or one text per language: "
                                          "{{en: ..., ko: ...}}")))
    return ""


def load_course(raw: bytes | str, path: str) -> Course | list[Problem]:
    """Read a course file: the course, or every problem with its line."""
    src = read_source(raw, path)
    if isinstance(src, list):
        return src
    data = src.data
    if not isinstance(data, dict):
        return [src.problem((), Msg("a course is a mapping: schema, id, title, units"))]
    problems: list[Problem] = []
    if not set(map(str, data)) & {"schema", "id", "title", "units"}:
        return [src.problem((), Msg("not a course file: none of its keys is a course's (schema, "
                                    "id, title, units)"))]
    for key in data:
        if key not in ("schema", "id", "title", "units"):
            problems.append(src.problem((key,), Msg("unknown key '{key}' (schema, id, title, "
                                                    "units)", key=quote(key)), key=True))
    for key in ("schema", "id", "title", "units"):
        if key not in data:
            problems.append(src.problem((), Msg("the course has no '{key}' (add it)", key=key)))
    if problems:
        return problems
    if data["schema"] != 1:
        problems.append(src.problem(("schema",), Msg("this syscall-lab reads course schema 1, "
                                                     "not {schema}",
                                                     schema=quote(data["schema"]))))
    if not isinstance(data["id"], str) or not data["id"]:
        problems.append(src.problem(("id",), Msg("id is a name: lowercase letters, digits and "
                                                 "-")))
    title = _text(src, ("title",), data["title"], problems)
    units = []
    if not isinstance(data["units"], list) or not data["units"]:
        problems.append(src.problem(("units",), Msg("units is a list of {{topic, notes, "
                                                    "lessons}}")))
        return problems
    for n, unit in enumerate(data["units"]):
        at: tuple[str | int, ...] = ("units", n)
        if not isinstance(unit, dict) or set(unit) != {"topic", "notes", "lessons"}:
            problems.append(src.problem(at, Msg("each unit has topic, notes and lessons")))
            continue
        lessons = unit["lessons"]
        if not isinstance(lessons, list) or not lessons or \
                not all(isinstance(x, str) for x in lessons):
            problems.append(src.problem((*at, "lessons"), Msg("lessons is a list of lesson ids")))
            continue
        if not isinstance(unit["notes"], str) or not unit["notes"].strip():
            problems.append(src.problem((*at, "notes"), Msg("notes is the heading of the course "
                                                            "notes this unit teaches")))
            continue
        units.append(Unit(_text(src, (*at, "topic"), unit["topic"], problems), unit["notes"],
                          tuple(lessons),
                          tuple(src.where((*at, "lessons", i)) for i in range(len(lessons)))))
    if problems:
        return problems
    return Course(data["id"], title, tuple(units), path)
