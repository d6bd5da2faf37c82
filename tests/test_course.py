"""The course: every topic of the course notes is taught by a bundled lesson, in the course's
order, and a course file is checked like a lesson file."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from syscall_lab.i18n import pick
from syscall_lab.lesson.catalog import bundled_dir, discover
from syscall_lab.lesson.course import Course, load_course

from .conftest import ROOT, run_cli

NOTES = ROOT / "docs" / "course-notes.ko.md"
"""The course's study notes, as the course gave them to us."""
NOT_YET: dict[str, str] = {}
"""Topics of the notes no lesson teaches yet, and what will: the test fails once one is
taught, so this list cannot go stale."""


def note_topics() -> list[str]:
    """The notes' topics: their top-level bullets."""
    return re.findall(r"^- (.+?)\s*$", NOTES.read_text(encoding="utf-8"), re.M)


def the_course() -> Course:
    catalog = discover([str(bundled_dir())], search=False)
    assert not catalog.problems, "\n".join(map(str, catalog.problems))
    assert len(catalog.courses) == 1
    return catalog.courses[0]


def test_every_topic_of_the_course_notes_is_taught_by_a_bundled_lesson() -> None:
    topics = note_topics()
    assert len(topics) == 11 and topics[0] == "TCP" and "하드웨어 인터럽트" in topics
    course = the_course()
    lessons = discover([str(bundled_dir())], search=False).lessons
    taught = {u.notes: [*u.lessons] for u in course.units}
    for topic in topics:
        if topic in NOT_YET:
            assert topic not in taught, f"{topic} is taught now: take it off NOT_YET"
            continue
        assert topic in taught, f"no unit of the course teaches '{topic}'"
        for lesson_id in taught[topic]:
            lesson = lessons[lesson_id]
            assert len(lesson.steps) >= 8, f"{lesson_id} is too short to teach {topic}"
    assert set(taught) <= set(topics), "a unit names a heading the notes do not have"


def test_every_bundled_lesson_is_in_the_course_and_listed_in_its_order() -> None:
    catalog = discover([str(bundled_dir())], search=False)
    course = the_course()
    assert set(course.order()) == set(catalog.lessons), "a lesson outside the course"
    assert [x.id for x in catalog.ordered()] == course.order()
    listed = run_cli("list", "--lang", "en")
    assert listed.returncode == 0, listed.stderr
    ids = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    assert ids == course.order()


def test_each_lesson_of_the_course_asks_at_least_two_questions_in_both_languages() -> None:
    catalog = discover([str(bundled_dir())], search=False)
    for lesson_id in the_course().order():
        lesson = catalog.lessons[lesson_id]
        asks = [s.ask for s in lesson.steps if s.ask is not None]
        assert len(asks) >= 2, f"{lesson_id} asks {len(asks)} question(s)"
        assert set(lesson.languages) == {"en", "ko"}, lesson_id


def test_every_lessons_markdown_renders_without_stray_marks() -> None:
    """CommonMark does not close ``**`` after punctuation when a letter follows it, which
    Korean particles always do: ``**sched_setaffinity()**로`` shows its asterisks. Every text
    of every bundled lesson is rendered as the screen renders it."""
    catalog = discover([str(bundled_dir())], search=False)
    console = Console(width=200, file=io.StringIO(), color_system=None)
    for lesson in catalog.lessons.values():
        for n, step in enumerate(lesson.steps, 1):
            for lang in lesson.languages:
                if not step.say:
                    continue
                with console.capture() as shown:
                    console.print(Markdown(pick(step.say, lang)))
                assert "**" not in shown.get() and "__" not in shown.get(), \
                    f"{lesson.id} step {n} ({lang}): {shown.get()}"


def test_a_course_naming_a_missing_lesson_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.course.yaml").write_text(
        "schema: 1\nid: c\ntitle: {en: C, ko: 씨}\nunits:\n"
        "  - topic: Files\n    notes: 시스템 콜\n    lessons: [files, nope]\n")
    (tmp_path / "files.yaml").write_text((bundled_dir() / "files.yaml").read_text())
    r = run_cli("check", "--no-run", str(tmp_path))
    assert r.returncode == 2
    assert "a.course.yaml:7:22: the course names lesson 'nope', which no lesson file has" \
        in r.stdout + r.stderr


def test_a_broken_course_file_gets_located_problems_not_a_traceback() -> None:
    got = load_course("schema: 1\nid: c\ntitle: C\nunits:\n  - topic: T\n    lessons: x\n",
                      "c.course.yaml")
    assert isinstance(got, list)
    assert [str(p) for p in got] == ["c.course.yaml:5:5: each unit has topic, notes and lessons"]
    got = load_course("schema: 1\nid: c\ntitel: C\n", "c.course.yaml")
    assert isinstance(got, list)
    assert "c.course.yaml:3:1: unknown key 'titel' (schema, id, title, units)" in map(str, got)
