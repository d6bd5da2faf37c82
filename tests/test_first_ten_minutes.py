"""The first ten minutes, as a student spends them: every bundled lesson, start to end, in a real
terminal (tmux) at 80x24 and at 120x36, in English and in Korean, from the installed program.

The test reads only the screen. At each moment the screen must say what to do next (the next
step, a question with "press 1-N", or that the lesson is over); the test then presses what the
screen asks for: space, or an answer's digit when a question is shown. Every key press must
change what is on the screen. Each lesson must reach its last step with every check passed,
as the screen says at the end.

The four sizes and languages of a lesson run side by side (their labs are independent), and
the lessons one after another.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest

from syscall_lab.lesson.catalog import bundled_dir, discover

from .conftest import need_tool
from .terminal import Terminal, _terminal

pytestmark = pytest.mark.kernel

CONFIGS = [((80, 24), "en"), ((80, 24), "ko"), ((120, 36), "en"), ((120, 36), "ko")]
PATTERNS = {
    "en": {"next": re.compile(r"Next, step (\d+):"),
           "ask": re.compile(r"[Pp]ress 1-(\d+)"),
           "over": re.compile(r"The lesson is over: (\d+) of (\d+) checks passed"),
           "step": re.compile(r"Step (\d+) of (\d+)")},
    "ko": {"next": re.compile(r"다음, (\d+)단계:"),
           "ask": re.compile(r"1-(\d+) 중 하나를"),
           "over": re.compile(r"레슨이 끝났습니다: 검사 (\d+)개 중 (\d+)개 통과"),
           "step": re.compile(r"(\d+)단계 중 (\d+)단계")},
}
CHANGE_WITHIN = 40.0
"""Seconds a key press may take to change the screen (a step that waits for a timer shows
"the kernel is working" at once; this is only the bound of a broken one)."""
LESSONS = [lesson for lesson in discover([str(bundled_dir())], search=False).ordered()]


def _step_shown(screen: str, lang: str) -> tuple[int, int] | None:
    m = PATTERNS[lang]["step"].search(screen.splitlines()[0] if screen else "")
    if m is None:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    return (a, b) if lang == "en" else (b, a)  # "M단계 중 N단계": step N of M


def _settle(term: Terminal, before: str, timeout: float) -> str:
    """The screen once it has changed from ``before`` and then stopped changing."""
    deadline = time.monotonic() + timeout
    screen = term.screen()
    while screen == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"the key press changed nothing on the screen:\n{screen}")
        time.sleep(0.05)
        screen = term.screen()
    return _still(term, screen, deadline)


def _still(term: Terminal, screen: str, deadline: float) -> str:
    """Wait until the screen stops changing (and the lab is no longer working)."""
    while True:
        time.sleep(0.25)
        again = term.screen()
        busy = "the kernel is working" in again or "커널이 처리 중" in again or \
            "starting the lab" in again or "실습 환경 시작 중" in again
        if again == screen and not busy:
            return again
        if time.monotonic() > deadline:
            return again
        screen = again


def _play(tmp: Path, lesson_id: str, size: tuple[int, int], lang: str,
          answers: dict[int, int]) -> str:
    """Play ``lesson_id`` to its end, reading the screen; '' or what went wrong."""
    term = _terminal(tmp, lesson_id, "--lang", lang, size=size)
    pat = PATTERNS[lang]
    try:
        deadline = time.monotonic() + 60
        screen = term.screen()
        while not pat["next"].search(screen) and not pat["over"].search(screen):
            if time.monotonic() > deadline:
                return f"the lesson never showed its first step:\n{screen}"
            time.sleep(0.1)
            screen = term.screen()
        screen = _still(term, screen, time.monotonic() + 10)
        for _ in range(200):
            over = pat["over"].search(screen)
            if over:
                passed, n = (int(over.group(1)), int(over.group(2))) if lang == "en" else \
                    (int(over.group(2)), int(over.group(1)))
                if passed != n:
                    return f"the lesson ended with {passed} of {n} checks passed:\n{screen}"
                return ""
            nxt, ask = pat["next"].search(screen), pat["ask"].search(screen)
            if nxt is None:
                return f"the screen does not say what to do next:\n{screen}"
            step = int(nxt.group(1))
            key = str(answers[step]) if ask and step in answers else "Space"
            term.keys(key)
            screen = _settle(term, screen, CHANGE_WITHIN)
        return f"the lesson did not end after 200 keys:\n{screen}"
    except AssertionError as exc:
        return str(exc)
    finally:
        term.close()


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in LESSONS])
def test_a_student_plays_the_lesson_at_both_sizes_in_both_languages(
        tmp_path: Path, lesson_id: str) -> None:
    need_tool("tmux")
    lesson = next(x for x in LESSONS if x.id == lesson_id)
    answers = {n: s.ask.answer for n, s in enumerate(lesson.steps, 1) if s.ask is not None}
    failures: dict[str, str] = {}
    alone = lesson_id == "concurrency"  # it measures CPUs: no other lab beside it

    def run(size: tuple[int, int], lang: str) -> None:
        where = tmp_path / f"{size[0]}x{size[1]}-{lang}"
        where.mkdir()
        problem = _play(where, lesson_id, size, lang, answers)
        if problem:
            failures[f"{size[0]}x{size[1]} {lang}"] = problem

    if alone or os.environ.get("SYSCALL_LAB_SERIAL"):
        for size, lang in CONFIGS:
            run(size, lang)
    else:
        threads = [threading.Thread(target=run, args=config) for config in CONFIGS]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert not failures, "\n\n".join(f"--- {k} ---\n{v}" for k, v in failures.items())
