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
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .i18n import LANGS, default_lang, pick, say, t
from .shown import shown

if TYPE_CHECKING:
    from .lesson.model import Lesson
    from .lesson.recording import Recorder, Recording
    from .lesson.source import Problem
    from .tui.screens.demo import Autoplay

__all__ = ["main"]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"syscall-lab: {message} (see 'syscall-lab --help')\n")
        raise SystemExit(EXIT_BAD_INPUT)


COMMANDS = ("run", "list", "check", "schema", "doctor", "sandbox", "demo", "replay", "export")
THEMES = ("default", "presenter", "light")
MIN_SIZE = (80, 24)
SHOTS_HELP = ("save an SVG of the screen at every step in DIR: LESSON-NN.LANG.svg (NN: the "
              "steps done), LESSON-NN-ask.LANG.svg for a question; the same names every run")
SIZE_HELP = "draw the screen at this size (like 120x36), whatever the terminal's larger size"
RECORD_HELP = ("record the session to FILE (JSON Lines, with every packet also in FILE's "
               ".pcap), to replay or export anywhere")


def duration(text: str) -> float:
    """``2s``, ``500ms`` or ``1.5`` (seconds) as seconds, for an option's ``type``."""
    number, scale = (text[:-2], 0.001) if text.endswith("ms") else (
        (text[:-1], 1.0) if text.endswith("s") else (text, 1.0))
    try:
        seconds = float(number) * scale
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:  # NaN fails this too
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration: write it like 2s or 500ms")
    return seconds


def step_pause(text: str) -> tuple[int, float]:
    """``12:120s`` (before step 12, pause 120 s), for ``check --pause-before``."""
    step, colon, length = text.partition(":")
    if not colon or not step.isdigit() or int(step) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not STEP:DURATION: write it like 12:120s "
                                         "(before step 12, pause 120 s)")
    return int(step), duration(length)


def window_size(text: str) -> tuple[int, int]:
    """``120x36`` as (columns, rows), for an option's ``type``."""
    cols, _, rows = text.lower().partition("x")
    try:
        size = (int(cols), int(rows))
    except ValueError:
        size = (0, 0)
    if not (MIN_SIZE[0] <= size[0] <= 1000 and MIN_SIZE[1] <= size[1] <= 1000):
        raise argparse.ArgumentTypeError(f"'{text}' is not a window size: write it like 120x36 "
                                         f"(at least {MIN_SIZE[0]}x{MIN_SIZE[1]})")
    return size


def _first_word(argv: Sequence[str]) -> str | None:
    """The first argument that is not an option or an option's value."""
    skip = False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--lang", "--theme", "--record", "--screenshots"):
            skip = True
        elif not a.startswith("-"):
            return a
    return None


def _tui_parser() -> _Parser:
    p = _Parser(prog="syscall-lab",
                description="Open the lesson picker, or LESSON directly, in the terminal UI.")
    p.add_argument("lesson", nargs="?", default=None,
                   help="a lesson's id (see 'syscall-lab list') or its file")
    _tui_options(p)
    p.add_argument("--version", action="version", version=f"syscall-lab {__version__}")
    return p


def _tui_options(p: argparse.ArgumentParser) -> None:
    """The terminal UI's own options (``syscall-lab [LESSON] ...``)."""
    p.add_argument("--lang", choices=LANGS, default=None, help="language (default: locale)")
    p.add_argument("--theme", choices=THEMES, default="default",
                   help="presenter: high contrast and more room, for recordings; light: dark "
                        "text on a light background, for projectors and printouts")
    p.add_argument("--record", metavar="FILE", default=None, help=RECORD_HELP)
    p.add_argument("--screenshots", metavar="DIR", default=None, help=SHOTS_HELP)


def _parser() -> _Parser:
    p = _Parser(prog="syscall-lab",
                usage="syscall-lab [LESSON] [--lang en|ko] [--theme THEME] [--record FILE] "
                      "[--screenshots DIR]\n       syscall-lab COMMAND [OPTIONS ...]",
                description="Watch the real Linux kernel perform syscalls, one step at a time. "
                            "Without a command: the terminal UI (the lesson picker, or LESSON).",
                epilog="'syscall-lab COMMAND --help' gives a command's options. Exit status: 0 "
                       "success, 1 a lesson check failed, 2 bad input (a one-line reason and "
                       "its fix), 128+N when signal N ended it.")
    p.add_argument("--version", action="version", version=f"syscall-lab {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                           prog="syscall-lab")
    run = sub.add_parser("run", help="run a lesson headless and print what the kernel did")
    run.add_argument("lesson", help="a lesson's id (see 'syscall-lab list') or its file")
    run.add_argument("--json", action="store_true", help="print one JSON object per step")
    run.add_argument("--lang", choices=LANGS, default=None, help="language (default: locale)")
    run.add_argument("--pcap", metavar="FILE", default=None,
                     help="also write every packet to FILE (pcap; open it in Wireshark)")
    run.add_argument("--record", metavar="FILE", default=None, help=RECORD_HELP)
    lst = sub.add_parser("list", help="list the lessons (id, title, topics)")
    lst.add_argument("paths", nargs="*", metavar="PATH",
                     help="lesson files or directories to list as well")
    lst.add_argument("--lang", choices=LANGS, default=None)
    chk = sub.add_parser("check", help="validate lesson files, then run each on the real "
                                       "kernel with all its checks")
    chk.add_argument("paths", nargs="*", metavar="PATH",
                     help="lesson files or directories (default: every lesson found)")
    chk.add_argument("--no-run", action="store_true",
                     help="only validate the files; do not run them")
    chk.add_argument("--pace", type=duration, default=0.0, metavar="DURATION",
                     help="wait this long after each step (2s, 500ms), as a student reading "
                          "would: the kernel's timers go on meanwhile")
    chk.add_argument("--pause-before", type=step_pause, action="append", default=[],
                     metavar="STEP:DURATION",
                     help="pause this long before that step, as a student who stops to think "
                          "(12:120s); may be given more than once")
    chk.add_argument("--lang", choices=LANGS, default=None)
    schema = sub.add_parser("schema", help="print the JSON Schema of lesson files (for editors)")
    schema.add_argument("--course", action="store_true",
                        help="of course files (*.course.yaml) instead")
    box = sub.add_parser("sandbox", help="an empty lab with a server and a client: type steps "
                                         "in the lesson grammar and watch the kernel")
    box.add_argument("--network", choices=("wire", "loopback"), default="wire",
                     help="wire (default): two hosts and a wire you can hold packets on; "
                          "loopback: one host")
    box.add_argument("--lang", choices=LANGS, default=None, help="language (default: locale)")
    box.add_argument("--theme", choices=THEMES, default="default")
    box.add_argument("--record", metavar="FILE", default=None, help=RECORD_HELP)
    demo = sub.add_parser("demo", help="play a lesson by itself in the terminal UI, at a pace, "
                                       "for a class or a screen recording")
    demo.add_argument("lesson", help="a lesson's id (see 'syscall-lab list') or its file")
    demo.add_argument("--pace", type=duration, default=2.0, metavar="DURATION",
                      help="how long each step stays on screen (default 2s)")
    demo.add_argument("--ask-pause", type=duration, default=None, metavar="DURATION",
                      help="how long a question stays before its answer, and the answer after "
                           "(default twice the pace)")
    demo.add_argument("--stay", action="store_true",
                      help="stay on the last step instead of exiting")
    demo.add_argument("--theme", choices=THEMES, default="presenter",
                      help="default: the student's colours (the demo uses presenter)")
    demo.add_argument("--size", type=window_size, default=None, metavar="COLSxROWS",
                      help=SIZE_HELP)
    demo.add_argument("--screenshots", metavar="DIR", default=None, help=SHOTS_HELP)
    demo.add_argument("--record", metavar="FILE", default=None, help=RECORD_HELP)
    demo.add_argument("--lang", choices=LANGS, default=None, help="language (default: locale)")
    rep_ = sub.add_parser("replay", help="show a recording (--record) in the terminal UI: no "
                                         "lab needed")
    rep_.add_argument("file", metavar="FILE", help="a recording")
    rep_.add_argument("--lang", choices=LANGS, default=None,
                      help="language (default: the recording's)")
    rep_.add_argument("--theme", choices=THEMES, default="default")
    rep_.add_argument("--size", type=window_size, default=None, metavar="COLSxROWS",
                      help=SIZE_HELP)
    exp = sub.add_parser("export", help="write a readable report of a recording")
    exp.add_argument("file", metavar="FILE", help="a recording")
    exp.add_argument("--markdown", action="store_true",
                     help="as Markdown (the one format today, and the default)")
    exp.add_argument("-o", "--output", metavar="OUT", default=None,
                     help="write to OUT instead of the standard output")
    exp.add_argument("--lang", choices=LANGS, default=None,
                     help="language (default: the recording's)")
    doctor = sub.add_parser("doctor", help="check that this machine can run a lab")
    doctor.add_argument("--lang", choices=LANGS, default=None,
                        help="language (default: locale)")
    return p


def _fail(message: str) -> int:
    sys.stderr.write(shown(f"syscall-lab: {message}") + "\n")  # it may quote a file
    return EXIT_BAD_INPUT


def _raise_on_signal(signum: int, frame: Any) -> None:
    for other in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(other, signal.SIG_IGN)  # once: the shutdown itself is not interrupted
    raise SystemExit(128 + signum)


def _end_on_signals() -> None:
    """SIGTERM and SIGHUP end a headless command as Ctrl-C does: the lab is shut down, the
    recording gets its end line, and the status is 128 + the signal's number (143, 129)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)


def _problems(problems: Sequence[Problem], lang: str) -> int:
    for p in problems:
        sys.stderr.write(p.render(lang) + "\n")  # shown safe, in the student's language
    return EXIT_BAD_INPUT


def _warn(warnings: Sequence[str], lang: str) -> None:
    """One ``[warning]`` line each: what was wrong with a place searched, passed by."""
    for w in warnings:
        sys.stderr.write(shown(f"syscall-lab: [{t('warning', lang)}] {say(w, lang)}") + "\n")


def _clash(outputs: Sequence[tuple[str, str | None]], inputs: Sequence[tuple[str, str | None]],
           lang: str) -> int | None:
    """The exit status after saying so, when an output would replace an input or another
    output: ``--pcap`` the lesson itself, ``-o`` the recording being read, ``--record`` and
    ``--pcap`` one file. None when every output is a file of its own."""
    from .files import same_file

    named = [(o, p) for o, p in outputs if p]
    sources = [(w, q) for w, q in inputs if q]
    for i, (option, path) in enumerate(named):
        earlier = [(t("an_output", lang) + f" ({o})", q) for o, q in named[:i]]
        for what, other in [*sources, *earlier]:
            if same_file(path, other):
                return _fail(t("output_is_input", lang, option=option, path=path, what=what))
    return None


def _load(name: str, lang: str) -> Lesson | int:
    """The lesson ``name`` (an id or a file), or the exit status after saying why not."""
    from .lesson.catalog import discover, lesson_dirs, looks_like_path
    from .lesson.loader import LessonLoadError, load_file

    if looks_like_path(name):
        try:
            return load_file(name)
        except LessonLoadError as exc:
            return _problems(exc.problems, lang)
    cat = discover()
    _warn(cat.warnings, lang)
    lesson = cat.find(name)
    if lesson is not None:
        return lesson
    if name in cat.clashes:
        return _fail(t("lesson_clash", lang, name=name, files=", ".join(cat.clashes[name])))
    broken = [f for f, probs in cat.invalid.items() if name in f]
    if broken:
        return _problems(cat.invalid[broken[0]], lang)
    known = ", ".join(sorted(cat.lessons)) or t("no_lessons", lang, dirs=", ".join(
        map(str, lesson_dirs())))
    return _fail(t("unknown_lesson", lang, name=name, known=known))


def cmd_run(args: argparse.Namespace) -> int:
    lang = args.lang or default_lang()
    lesson = _load(args.lesson, lang)
    if isinstance(lesson, int):
        return lesson
    clash = _clash([*_record_outputs(args.record), ("--pcap", args.pcap)],
                   [(t("the_lesson", lang), lesson.path)], lang)
    if clash is not None:
        return clash
    return play(lesson, lang, as_json=args.json, pcap=args.pcap, record=args.record)


def _record_outputs(record: str | None) -> list[tuple[str, str | None]]:
    """What ``--record FILE`` writes: FILE and its pcap."""
    if record is None:
        return []
    from .lesson.recording import pcap_path

    return [("--record", record), ("--record", str(pcap_path(record)))]


def open_recorder(path: str | None, lesson: Lesson, lang: str, made: str
                  ) -> Recorder | int | None:
    """A recorder writing to ``path`` (None: no recording, no recorder), or the exit status
    after saying why it cannot: found before any lab starts."""
    from .lesson.recording import Recorder, pcap_path

    try:
        return Recorder(path, lesson, lang, made) if path is not None else None
    except ValueError as exc:
        return _fail(say(exc.args[0] if exc.args else exc, lang))
    except OSError as exc:
        return _write_failed(exc, lang, str(pcap_path(path or "")))


def _write_failed(exc: OSError, lang: str, path: str | None = None) -> int:
    from .files import FileProblem

    where = exc.filename or path or "?"
    fix = f"; {t('fix', lang, fix=exc.fix)}" if isinstance(exc, FileProblem) and exc.fix else ""
    return _fail(t("write_failed", lang, path=where, reason=exc.strerror) + fix)


def play(lesson: Lesson, lang: str, as_json: bool = False, out: TextIO | None = None,
         pcap: str | None = None, record: str | None = None) -> int:
    """Run ``lesson`` headless, print it, and return the exit status (0, 1 or 2; 130, 143 or
    129 when SIGINT, SIGTERM or SIGHUP ended it, with the lab shut down and the recording
    closed)."""
    from .engine.lab import Lab, LabEnvironmentError, LabError
    from .files import open_output_bytes
    from .lesson.runner import LessonRun
    from .lesson.session import Played
    from .report.transcript import JsonLines, Transcript

    pcap_file = None
    if pcap is not None:
        try:  # before the lab starts: a bad path is bad input, found at once
            pcap_file = open_output_bytes(pcap)
        except OSError as exc:
            return _write_failed(exc, lang, pcap)
    recorder = open_recorder(record, lesson, lang, "run")
    if isinstance(recorder, int):
        if pcap_file is not None:
            pcap_file.close()
        return recorder
    _end_on_signals()
    out = out or sys.stdout
    printer: JsonLines | Transcript = JsonLines(out) if as_json else Transcript(lesson, lang, out)
    lab: Lab | None = None
    try:
        lab = Lab(network=lesson.mode)
        if isinstance(printer, Transcript):
            printer.header()
        played = Played(LessonRun(lesson, lab), lab)
        wall0 = float(lab.info.get("t0_wall", 0.0))
        if recorder is not None:
            recorder.frame(played.state(), "start", packet=played.packet, t0_wall=wall0)
        while (step := played.run.next_step()) is not None:
            state = played.keep(step)
            printer.step(step)
            if recorder is not None:
                recorder.frame(state, "step", packet=played.packet, t0_wall=wall0)
        if isinstance(printer, Transcript):
            printer.footer()
        if pcap_file is not None:
            n = lab.write_pcap(pcap_file)
            if not as_json:
                sys.stderr.write(t("pcap_written", lang, n=n, path=pcap) + "\n")
    except LabEnvironmentError as exc:
        fix = f"; {t('fix', lang, fix=exc.fix)}" if exc.fix else ""
        return _fail(t("cannot_run", lang, reason=exc.message) + fix)
    except LabError as exc:
        return _fail(t("lab_failed", lang, reason=exc.message))
    except OSError as exc:  # the recording (or the pcap) could not be written
        return _write_failed(exc, lang, record or pcap)
    except (KeyboardInterrupt, SystemExit) as exc:  # Ctrl-C, SIGTERM, SIGHUP
        sys.stderr.write(f"syscall-lab: {t('interrupted', lang)}\n")
        return 130 if isinstance(exc, KeyboardInterrupt) else int(exc.code or 1)
    finally:
        try:
            if lab is not None:
                lab.close()
        finally:
            if recorder is not None:
                recorder.close()
            if pcap_file is not None:
                pcap_file.close()
    return EXIT_CHECK_FAILED if printer.failed else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from rich.cells import cell_len

    from .lesson.catalog import discover

    lang = args.lang or default_lang()
    cat = discover(args.paths, search=True)
    _warn(cat.warnings, lang)
    rows = cat.ordered()  # as they are taught: the course's order, then the others
    id_width = max((len(x.id) for x in rows), default=0)
    title_width = max((cell_len(pick(x.title, lang)) for x in rows), default=0)
    for x in rows:
        title = pick(x.title, lang)
        pad = " " * (title_width - cell_len(title))  # Korean takes two cells a character
        print(shown(f"{x.id:<{id_width}}  {title}{pad}  [{', '.join(x.topics)}]"))
    if cat.problems:
        return _problems(cat.problems, lang)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .report.check import check_lessons

    _end_on_signals()
    return check_lessons(args.paths, args.lang or default_lang(), run=not args.no_run,
                         pace=args.pace, pauses=dict(args.pause_before))


def cmd_schema(args: argparse.Namespace) -> int:
    from .lesson.schema import json_schema

    sys.stdout.write(json_schema(course=args.course))
    return EXIT_OK


def cmd_tui(args: argparse.Namespace) -> int:
    lang = args.lang or default_lang()
    lesson = None
    if args.lesson is None and (args.record or args.screenshots):
        return _fail(t("needs_lesson", lang, option="--record" if args.record
                       else "--screenshots"))
    paths: tuple[str, ...] = ()
    if args.lesson is not None:  # a bad lesson is reported before the screen is taken over
        from .lesson.catalog import looks_like_path  # (the picker alone loads it later)

        loaded = _load(args.lesson, lang)
        if isinstance(loaded, int):
            return loaded
        lesson = loaded
        paths = (args.lesson,) if looks_like_path(args.lesson) else ()
    return _run_app(lesson, lang, args.theme, paths, record=args.record,
                    screenshots=args.screenshots)


def _run_app(lesson: Lesson | None, lang: str, theme: str, paths: tuple[str, ...] = (),
             record: str | None = None, screenshots: str | None = None,
             size: tuple[int, int] | None = None, demo: Autoplay | None = None,
             replay: Recording | None = None, made: str = "tui") -> int:
    """The terminal UI on ``lesson`` (or the picker, or a recording); every lab it started
    ends with it. SIGTERM, SIGHUP and SIGINT end it as q does (the terminal restored, the lab
    shut down, the recording closed), with the status 128 + the signal's number."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _fail(t("needs_terminal", lang))
    clash = _clash([*_record_outputs(record), ("--screenshots", screenshots)],
                   [(t("the_lesson", lang), lesson.path if lesson else None),
                    (t("the_recording", lang), replay.path if replay else None)], lang)
    if clash is not None:
        return clash
    if size is not None:
        have = os.get_terminal_size(sys.stdout.fileno())
        if have.columns < size[0] or have.lines < size[1]:
            return _fail(t("terminal_small", lang, want=f"{size[0]}x{size[1]}",
                           have=f"{have.columns}x{have.lines}"))
        # Textual asks shutil for the terminal's size, and shutil reads these first.
        os.environ["COLUMNS"], os.environ["LINES"] = str(size[0]), str(size[1])
    shots = None
    if screenshots is not None:
        shots = Path(screenshots)
        try:
            shots.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _write_failed(exc, lang, screenshots)
    recorder = open_recorder(record, lesson, lang, made) if lesson is not None else None
    if isinstance(recorder, int):
        return recorder
    from .tui import make_app

    app = make_app(lesson=lesson, lang=lang, theme=theme, lesson_paths=paths, recorder=recorder,
                   screenshots=shots, demo=demo, replay=replay)
    app.handle_signals = True
    _end_on_signals()  # until the app takes them over (and while it starts)
    try:
        app.run()
    except SystemExit as exc:  # a signal before the app had taken them over
        app.signalled = app.signalled or int(exc.code or 1)
    finally:
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, signal.SIG_IGN)  # the shutdown itself is not interrupted
        app.close_labs()
        if recorder is not None:
            recorder.close()
    return app.signalled or app.return_code or EXIT_OK


def cmd_sandbox(args: argparse.Namespace) -> int:
    from .lesson.loader import sandbox_lesson

    return _run_app(sandbox_lesson(args.network), args.lang or default_lang(), args.theme,
                    record=args.record, made="sandbox")


def cmd_demo(args: argparse.Namespace) -> int:
    from .tui.screens.demo import Autoplay

    lang = args.lang or default_lang()
    lesson = _load(args.lesson, lang)
    if isinstance(lesson, int):
        return lesson
    if not lesson.steps:
        return _fail(t("demo_no_steps", lang, lesson=lesson.id))
    autoplay = Autoplay(pace=args.pace, ask_pause=args.ask_pause, stay=args.stay)
    return _run_app(lesson, lang, args.theme, record=args.record, screenshots=args.screenshots,
                    size=args.size, demo=autoplay, made="demo")


def _read(path: str, lang: str) -> Recording | int:
    """The recording at ``path``, or the exit status after saying why it cannot be read."""
    from .lesson.recording import RecordingError, read_recording

    try:
        return read_recording(path)
    except RecordingError as exc:
        fix = f"; {t('fix', lang, fix=exc.fix)}" if exc.fix else ""
        return _fail(f"{exc.render(lang)}{fix}")


def cmd_replay(args: argparse.Namespace) -> int:
    recording = _read(args.file, args.lang or default_lang())
    if isinstance(recording, int):
        return recording
    return _run_app(None, args.lang or recording.lang, args.theme, size=args.size,
                    replay=recording)


def cmd_export(args: argparse.Namespace) -> int:
    from .report.export import markdown

    recording = _read(args.file, args.lang or default_lang())
    if isinstance(recording, int):
        return recording
    from .files import open_output
    from .lesson.recording import pcap_path

    lang = args.lang or recording.lang
    clash = _clash([("-o", args.output)], [(t("the_recording", lang), recording.path),
                                           (t("the_recording", lang),
                                            str(pcap_path(recording.path)))], lang)
    if clash is not None:
        return clash
    text = markdown(recording, lang)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        with open_output(args.output) as out:
            out.write(text)
    except OSError as exc:
        return _write_failed(exc, lang, args.output)
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run_doctor

    return run_doctor(args.lang or default_lang())


def _help() -> str:
    """``syscall-lab --help``: the commands, and the terminal UI's own options."""
    tui = _tui_parser().format_help()
    options = tui[tui.index("positional arguments:"):]
    options = options.replace("positional arguments:", "the terminal UI (no COMMAND):", 1)
    options = options.replace("options:\n", "", 1).replace("\n\n", "\n")
    options = "\n".join(x for x in options.splitlines()
                        if not x.lstrip().startswith(("-h, --help", "--version"))) + "\n"
    return _parser().format_help().rstrip("\n") + "\n\n" + options


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = _first_word(argv)
    if first is None and {"-h", "--help"} & set(argv):
        sys.stdout.write(_help())
        return EXIT_OK
    if first not in COMMANDS:
        args = _tui_parser().parse_args(argv)
        args.command = "tui"
    else:
        args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return EXIT_OK
    handler = {"tui": cmd_tui, "run": cmd_run, "list": cmd_list, "check": cmd_check,
               "schema": cmd_schema, "sandbox": cmd_sandbox, "demo": cmd_demo,
               "replay": cmd_replay, "export": cmd_export, "doctor": cmd_doctor}[args.command]
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
