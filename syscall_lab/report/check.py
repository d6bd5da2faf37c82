"""``syscall-lab check``: a CI for lesson authors.

Every file is validated first (all problems, ``FILE:LINE:COL: message``); then each valid lesson
runs headless on the real kernel, and each check that fails is reported at the line that wrote
it, with what the kernel actually showed. Exit status: 0 all passed, 1 a check failed, 2 a file
is invalid or no lab can run here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TextIO

from ..engine.lab import Lab, LabEnvironmentError, LabError
from ..i18n import say, t
from ..lesson.catalog import discover, lesson_dirs
from ..lesson.model import Lesson
from ..lesson.quoting import written
from ..lesson.runner import LessonRun, StepRecord
from ..shown import shown
from .transcript import skip_why

__all__ = ["check_lessons"]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Shown:
    """The report's output: every line through :func:`~syscall_lab.shown.shown` (it names
    files and quotes what the kernel showed)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(shown(text, multiline=True))


def check_lessons(paths: Sequence[str], lang: str, run: bool = True,
                  out: TextIO | None = None, pace: float = 0.0,
                  pauses: Mapping[int, float] | None = None) -> int:
    """``pace``: seconds to wait after each step, as a student reading the text would. The
    kernel's timers (retransmissions, above all) go on meanwhile, so a lesson whose checks
    hold only when its steps follow each other at once fails here. ``pauses``: seconds to
    wait before a step (by its number), as a student who stops to think or to ask."""
    report = _Shown(out or sys.stdout)
    cat = discover(paths)
    for w in cat.warnings:
        sys.stderr.write(shown(f"syscall-lab: [{t('warning', lang)}] {say(w, lang)}") + "\n")
    if not cat.files and not cat.problems:
        sys.stderr.write("syscall-lab: " + t("no_lessons", lang, dirs=", ".join(
            map(str, lesson_dirs()))) + "\n")
        return EXIT_BAD_INPUT
    for problem in cat.problems:
        report.write(problem.render(lang) + "\n")
    for path, problems in cat.invalid.items():
        report.write(t("check_invalid", lang, path=path, n=len(problems)) + "\n")
    passed = failed = 0
    for lesson in cat.loaded:
        checks = sum(len(s.expect) for s in lesson.steps)
        if not run:
            report.write(t("check_valid", lang, path=lesson.path, id=lesson.id,
                        steps=len(lesson.steps), checks=checks) + "\n")
            passed += 1
            continue
        try:
            ok = _run_one(lesson, lang, report, pace, pauses or {})
        except LabEnvironmentError as exc:
            fix = f"; {t('fix', lang, fix=exc.fix)}" if exc.fix else ""
            sys.stderr.write("syscall-lab: " + t("cannot_run", lang, reason=exc.message) + fix
                             + "\n")
            return EXIT_BAD_INPUT
        passed += ok
        failed += not ok
    n = len(cat.loaded) + len(cat.invalid)
    if run:
        report.write(t("check_summary", lang, n=n, passed=passed, failed=failed,
                    invalid=len(cat.invalid)) + "\n")
    else:
        report.write(t("check_summary_static", lang, n=n, valid=passed,
                    invalid=len(cat.invalid)) + "\n")
    if cat.problems:
        return EXIT_BAD_INPUT
    return EXIT_CHECK_FAILED if failed else EXIT_OK


def _steps(lesson: Lesson, lab: Lab, pace: float,
           pauses: Mapping[int, float]) -> Iterator[StepRecord]:
    run = LessonRun(lesson, lab)
    while not run.finished:
        if run.done and pace:
            time.sleep(pace)
        time.sleep(pauses.get(run.done + 1, 0.0))
        record = run.next_step()
        assert record is not None
        yield record


def _run_one(lesson: Lesson, lang: str, out: _Shown, pace: float = 0.0,
             pauses: Mapping[int, float] | None = None) -> bool:
    """Run ``lesson`` on a fresh lab; report each failed check where the file wrote it."""
    start = time.monotonic()
    lines: list[str] = []
    total = bad = skipped = 0
    lab = Lab(network=lesson.mode)
    try:
        for r in _steps(lesson, lab, pace, pauses or {}):
            n, f = r.tally
            total, bad, skipped = total + n, bad + f, skipped + r.skipped
            if r.error:
                lines.append(f"{lesson.path}:{r.step.line or 1}:1: "
                             + t("check_error_line", lang, n=r.index, error=r.error))
            for e, c in zip(r.step.expect, r.checks, strict=True):
                if c.skipped is not None:
                    lines.append(f"{lesson.path}:{e.line or r.step.line or 1}:{e.col or 1}: "
                                 + t("check_skipped_line", lang, n=r.index, expect=c.expect,
                                     cond=c.skipped.expect, why=skip_why(c, lang)))
                elif not c.ok:
                    actual = say(c.note, lang) if c.note else written(c.actual)
                    lines.append(f"{lesson.path}:{e.line or r.step.line or 1}:{e.col or 1}: "
                                 + t("check_failed_line", lang, n=r.index, expect=c.expect,
                                     actual=actual))
    except LabError as exc:
        lines.append(f"{lesson.path}:1:1: " + t("lab_failed", lang, reason=exc.message))
        bad += 1
    finally:
        lab.close()
    for line in lines:
        out.write(line + "\n")
    seconds = time.monotonic() - start
    if bad:
        out.write(t("check_fail", lang, path=lesson.path, id=lesson.id, failed=bad,
                    checks=total) + "\n")
        return False
    more = t("check_pass_skipped", lang, n=skipped) if skipped else ""
    out.write(t("check_pass", lang, path=lesson.path, id=lesson.id, steps=len(lesson.steps),
                checks=total, skipped=more, seconds=seconds) + "\n")
    return True
