"""The ``syscall-lab`` command.

Exit status everywhere: 0 success, 1 a lesson check failed, 2 bad input (arguments, lesson,
environment) with a one-line reason on stderr. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .i18n import LANGS, default_lang, pick, t

if TYPE_CHECKING:
    from .lesson.model import Lesson

__all__ = ["main"]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"syscall-lab: {message} (see 'syscall-lab --help')\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> _Parser:
    p = _Parser(prog="syscall-lab",
                description="Watch the real Linux kernel perform syscalls, one step at a time.")
    p.add_argument("--version", action="version", version=f"syscall-lab {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = sub.add_parser("run", help="run a lesson headless and print what the kernel did")
    run.add_argument("lesson", help="the lesson's id (see 'syscall-lab list')")
    run.add_argument("--json", action="store_true", help="print one JSON object per step")
    run.add_argument("--lang", choices=LANGS, default=None, help="language (default: locale)")
    run.add_argument("--pcap", metavar="FILE", default=None,
                     help="also write every packet to FILE (pcap; open it in Wireshark)")
    lst = sub.add_parser("list", help="list the lessons")
    lst.add_argument("--lang", choices=LANGS, default=None)
    sub.add_parser("doctor", help="check that this machine can run a lab")
    return p


def _fail(message: str) -> int:
    sys.stderr.write(f"syscall-lab: {message}\n")
    return EXIT_BAD_INPUT


def _raise_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def cmd_run(args: argparse.Namespace) -> int:
    from .lesson.builtin import BUILTIN_LESSONS

    lang = args.lang or default_lang()
    factory = BUILTIN_LESSONS.get(args.lesson)
    if factory is None:
        return _fail(t("unknown_lesson", lang, name=args.lesson, known=", ".join(BUILTIN_LESSONS)))
    return play(factory(), lang, as_json=args.json, pcap=args.pcap)


def play(lesson: Lesson, lang: str, as_json: bool = False, out: TextIO | None = None,
         pcap: str | None = None) -> int:
    """Run ``lesson`` headless, print it, and return the exit status (0, 1 or 2)."""
    from .engine.lab import Lab, LabEnvironmentError, LabError
    from .lesson.runner import run_lesson
    from .report.transcript import JsonLines, Transcript

    problems = lesson.validate()
    if problems:
        return _fail(f"lesson '{lesson.id}': {problems[0]}")
    if pcap is not None:
        try:  # before the lab starts: a bad path is bad input, found at once
            open(pcap, "wb").close()
        except OSError as exc:
            return _fail(t("pcap_failed", lang, path=pcap, reason=exc.strerror))
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    out = out or sys.stdout
    printer: JsonLines | Transcript = JsonLines(out) if as_json else Transcript(lesson, lang, out)
    try:
        lab = Lab(network=lesson.mode)
    except LabEnvironmentError as exc:
        fix = f"; {t('fix', lang, fix=exc.fix)}" if exc.fix else ""
        return _fail(t("cannot_run", lang, reason=exc.message) + fix)
    except LabError as exc:
        return _fail(t("lab_failed", lang, reason=exc.message))
    try:
        if isinstance(printer, Transcript):
            printer.header()
        for record in run_lesson(lesson, lab):
            printer.step(record)
        if isinstance(printer, Transcript):
            printer.footer()
        if pcap is not None:
            n = lab.write_pcap(pcap)
            if not as_json:
                sys.stderr.write(t("pcap_written", lang, n=n, path=pcap) + "\n")
    except LabError as exc:
        return _fail(t("lab_failed", lang, reason=exc.message))
    except KeyboardInterrupt:
        sys.stderr.write(f"syscall-lab: {t('interrupted', lang)}\n")
        return 130
    finally:
        lab.close()
    return EXIT_CHECK_FAILED if printer.failed else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from .lesson.builtin import BUILTIN_LESSONS

    lang = args.lang or default_lang()
    for lesson_id, factory in BUILTIN_LESSONS.items():
        lesson = factory()
        print(f"{lesson_id:<12} {pick(lesson.title, lang)}  [{', '.join(lesson.topics)}]")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run_doctor

    return run_doctor()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    handler = {"run": cmd_run, "list": cmd_list, "doctor": cmd_doctor}[args.command]
    try:
        return handler(args)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: one line, the details only on request
        if os.environ.get("SYSCALL_LAB_DEBUG"):
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc} "
                     "(this is a bug; run with SYSCALL_LAB_DEBUG=1 for details and report it)")


if __name__ == "__main__":
    raise SystemExit(main())
