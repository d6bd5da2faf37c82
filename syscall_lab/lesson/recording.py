"""Recordings: a session written down as it happened, to replay, export and grade anywhere.

A recording is a JSON Lines file (``--record FILE``; the format is ``docs/recording.md``):

* line 1, the **header**: the format and its version, who made it (``run``, ``tui``,
  ``demo``, ``sandbox``), when, on which kernel, in which language, and the lesson's own
  source, so that the recording means the same thing wherever it is opened;
* then one **frame** per line: the session's state after each request (the lab started, a
  step, a step typed at the prompt, back, reset, a look at the kernel between steps), written
  and flushed as it happens, so a crash or SIGKILL keeps every frame before it;
* a last **end** line when the session closed normally.

A frame holds exactly what the screen drew from: the :class:`SessionState` (snapshot, step
records with their results, diffs, checks and packets, socket traces, the wire) and the
screen's own state (the student's answers, the notice). Only what changed is written: new step
records, packets that are new or whose fate moved, and a state field only when it differs
from the frame before. Beside the file, ``FILE`` with the suffix ``.pcap`` gets every packet's
bytes for Wireshark; the JSON carries them too (base64), so the recording alone is enough.

:class:`Recorder` writes one; :func:`read_recording` reads it back into the very
:class:`SessionState` values the live screen drew, or raises :class:`RecordingError` naming
the line, and the field, where it broke.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import os
import platform
import time
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from .. import __version__
from ..engine.protocol import Event, Exited, Output, Returned, event_from_json, event_to_json
from ..engine.snapshot import Snapshot
from ..files import FileProblem, open_output, open_output_bytes, read_input
from ..i18n import LANGS, Msg, say
from ..net.packets import PacketRecord
from ..net.pcap import PcapWriter
from ..net.rules import Rule, RuleError
from ..shown import json_line, shown
from .model import Lesson, Step
from .runner import Judge, StepRecord
from .session import SessionState
from .source import Problem

__all__ = ["FORMAT", "VERSION", "Frame", "Recorder", "Recording", "RecordingError",
           "pcap_path", "read_recording", "typed_text"]

FORMAT = "syscall-lab recording"
VERSION = 1
"""The format's version. A reader reads every version up to its own; see ``_UPGRADES``."""

CAUSES = ("start", "resume", "step", "typed", "back", "reset", "look")
"""Why a frame was made: the request the screen (or the runner) sent the lab."""

NOTICES = (None, "was_reset", "went_back", "resumed")
"""What the lesson screen may say over the lesson after a request (message ids)."""
MAX_LINE = 64 * 1024 * 1024
"""A frame longer than this is not one we wrote."""
MAX_FILE = 256 * 1024 * 1024
"""A recording longer than this is refused before it is read (a session of a bulk transfer with
every packet's bytes is tens of MiB)."""
MAX_DEPTH = 16
"""How deeply a frame's values may nest (the lab's own are a few levels deep)."""


class RecordingError(Exception):
    """A recording that cannot be read: ``path:line:col: message``, and how to fix it.

    ``message`` and ``fix`` are :class:`~syscall_lab.i18n.Msg` (a file that cannot be read
    at all passes on the reason :mod:`syscall_lab.files` gave), said in English by ``str``
    and in any language by :meth:`render` and :func:`~syscall_lab.i18n.say`."""

    def __init__(self, path: str, line: int, message: str, fix: str | None = None,
                 col: int | None = None) -> None:
        super().__init__(message)
        self.path, self.line, self.col = path, line, col
        self.message: str = message
        self.fix: str | None = fix

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str) -> str:
        """``path:line:col: message`` with the message said in ``lang``."""
        where = self.path + (f":{self.line}" if self.line else "") + (
            f":{self.col}" if self.col else "")
        return shown(f"{where}: {say(self.message, lang)}")  # it may quote the file: never raw


def pcap_path(path: str | Path) -> Path:
    """Where the packets of the recording ``path`` go: the same name ending ``.pcap``."""
    p = Path(path)
    return p.with_suffix(".pcap") if p.suffix else p.with_name(p.name + ".pcap")


# ---------------------------------------------------------------------------------------
# Values <-> JSON. Every record is a frozen dataclass of JSON-like fields; its type hints say
# how to rebuild it, so the codec is written once. A field equal to its default is left out
# (a reader of a later version fills it in), and bytes are base64.

class _Bad(Exception):
    """A value of a frame that is not what it should be: ``where`` (a field path such as
    ``records[0].snapshot.t``, or nothing) and ``message`` (a :class:`Msg`)."""

    def __init__(self, where: str, message: Msg) -> None:
        super().__init__(where, message)
        self.where, self.message = where, message


def _said(exc: BaseException) -> str:
    """What an exception says, as it said it: its :class:`Msg` when it was given one."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


def _problem(p: Problem) -> Msg:
    """A problem of a lesson as :class:`Problem` says it (``path:line:col: message``), its
    message kept as it was said (the whole is shown safe where it is used)."""
    return Msg("{path}:{line}:{col}: {message}", path=p.path, line=p.line, col=p.col,
               message=p.message)


def encode(value: Any) -> Any:
    if isinstance(value, Returned | Output | Exited):  # as the supervisor sent it
        return event_to_json(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and v == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and v == f.default_factory():
                continue
            out[f.name] = encode(v)
        return out
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot record a {type(value).__name__}: {value!r}")


def _required(f: dataclasses.Field[Any]) -> bool:
    """A field with no default: a file must have it."""
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_any(data: Any, where: str, depth: int = 0) -> Any:
    """A value of an untyped field, as the lab's JSON gave it (lists stay lists); ``$bytes``
    marks bytes. Nested at most :data:`MAX_DEPTH` deep (no value the lab writes is deeper)."""
    if isinstance(data, list | dict) and depth >= MAX_DEPTH:
        raise _Bad(where, Msg("nested more than {depth} levels deep", depth=MAX_DEPTH))
    if isinstance(data, list):
        return [_decode_any(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(data)]
    if isinstance(data, dict):
        if set(data) == {"$bytes"}:
            return _bytes(data["$bytes"], where)
        return {k: _decode_any(v, f"{where}.{k}", depth + 1) for k, v in data.items()}
    return data


def _bytes(data: Any, where: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (ValueError, TypeError):
        raise _Bad(where, Msg("not base64 bytes")) from None


_A_LIST, _AN_OBJECT, _A_VALUE = Msg("a list"), Msg("an object"), Msg("a value")
_KIND: dict[Any, Msg] = {int: Msg("a whole number"), float: Msg("a number"), str: Msg("text"),
                         bool: Msg("true or false"), list: _A_LIST, dict: _AN_OBJECT}
_MISSING = Msg("is missing")
_RECORD_ONE = Msg("record one with --record FILE")


def _should_be(kind: Any, data: Any) -> Msg:
    """"should be a list, not null": what a value should be (a kind of :data:`_KIND`, or the
    type itself), and what it is."""
    return Msg("should be {kind}, not {what}", kind=_KIND.get(kind, kind), what=_what(data))


def _one_of(options: Any) -> Msg:
    return Msg("should be one of {options}", options=", ".join(options))


def decode(tp: Any, data: Any, where: str = "") -> Any:
    """``data`` (parsed JSON) as a value of type ``tp``; :class:`_Bad` says where it is not."""
    if tp is Any or tp is object:
        return _decode_any(data, where)
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        problems = []
        for option in options:
            if option is type(None):
                continue
            try:
                return decode(option, data, where)
            except _Bad as exc:
                problems.append(exc)
        raise problems[0]
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise _Bad(where, _should_be(list, data))
        if args == (Event, Ellipsis):  # the lab's events: checked as the JSON they were sent as
            got = (_event(v, f"{where}[{i}]") for i, v in enumerate(data))
            return tuple(e for e in got if e is not None)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(data))
        if len(args) != len(data):
            raise _Bad(where, Msg("should have {n} items, not {got}", n=len(args),
                                  got=len(data)))
        return tuple(decode(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, data,
                                                                                   strict=True)))
    if origin is dict or tp is dict:
        if not isinstance(data, dict):
            raise _Bad(where, _should_be(dict, data))
        args = typing.get_args(tp)
        value_type = args[1] if args else Any
        out = {}
        for k, v in data.items():
            key: Any = k
            if args and args[0] is int:
                try:
                    key = int(k)
                except ValueError:
                    raise _Bad(f"{where}.{k}", Msg("should be a number")) from None
            out[key] = decode(value_type, v, f"{where}.{k}")
        return out
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise _Bad(where, _should_be(dict, data))
        hints = _hints(tp)
        kw = {}
        for f in dataclasses.fields(tp):
            if f.name in data:
                kw[f.name] = decode(hints[f.name], data[f.name], _join(where, f.name))
            elif _required(f):
                raise _Bad(_join(where, f.name), _MISSING)
        return tp(**kw)
    if tp is float:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return data
    elif tp is bytes:
        return _decode_any(data, where) if isinstance(data, dict) else _bytes(data, where)
    elif isinstance(tp, type) and isinstance(data, tp) and not (
            tp is int and isinstance(data, bool)):
        return data
    raise _Bad(where, _should_be(tp, data))


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _what(data: Any) -> str:
    """What a value of a file is, for a message: "a list", "text ('soon')", "null", "7"."""
    if data is None:
        return Msg("null")
    if type(data) is str:
        return Msg("text ({text})", text=f"{data!r:.40}")
    return {dict: _AN_OBJECT, list: _A_LIST, bool: str(data).lower()}.get(
        type(data), f"{data!r:.40}")


# ---------------------------------------------------------------------------------------
# Step records: the step itself is the lesson's (by number) or the text typed at the prompt;
# an outcome's snapshot and wire are usually the record's own, written once.

def typed_text(step: Step) -> str:
    """A step typed at the prompt as the student typed it (``names = do``)."""
    return f"{', '.join(step.names)} = {step.do}" if step.names else (step.do or step.action)


def _encode_record(r: StepRecord) -> dict[str, Any]:
    out: dict[str, Any] = encode(dataclasses.replace(r, step=Step(say="")))
    out.pop("step", None)
    if r.typed:
        out["typed_text"] = typed_text(r.step)
    for key in ("outcome", "action"):
        done = getattr(r, key)
        if done is None:
            continue
        if done.snapshot == r.snapshot:
            out[key]["snapshot"] = "$record"
        if done.wire == r.wire:
            out[key]["wire"] = "$record"
    return out


# ---------------------------------------------------------------------------------------
# Writing

STATE_FIELDS = ("initial", "pending_events", "replayed", "generation", "traces", "wire_held",
                "wire_rules")
"""The fields of :class:`SessionState` a frame writes only when they changed (besides the
snapshot, the records and the packets, which have rules of their own)."""


class Recorder:
    """Writes a session to ``path`` (and its packets to :func:`pcap_path`), frame by frame.

    Opening it creates both files at once, so a path that cannot be written is found before
    any lab starts (``OSError``)."""

    def __init__(self, path: str | Path, lesson: Lesson, lang: str, made: str) -> None:
        self.path = Path(path)
        if self.path.suffix == ".pcap":
            raise ValueError(Msg("{path} would be the recording and its pcap at once: name "
                                 "the recording .jsonl", path=str(path)))
        header = _lesson_header(lesson)  # before anything is opened for writing
        if lesson.path is not None and any(
                p.resolve() == Path(lesson.path).resolve()
                for p in (self.path, pcap_path(self.path))):
            raise ValueError(Msg("{path} is the lesson's own file: record to another file",
                                 path=str(path)))
        self._out: TextIO = open_output(self.path)
        try:
            self._pcap_file: BinaryIO = open_output_bytes(pcap_path(self.path))
        except OSError:
            self._out.close()
            self.path.unlink(missing_ok=True)
            raise
        self._pcap = PcapWriter(self._pcap_file, 0.0)  # a valid pcap, even with no packet
        self._pcap_file.flush()
        self._t0 = time.monotonic()
        self.frames = 0
        self._last: dict[str, Any] = {}
        self._records: tuple[StepRecord, ...] = ()
        self._packets: dict[int, PacketRecord] = {}
        self._generation: int | None = None
        self._answers: dict[int, int] = {}
        self._notice: str | None = None
        self._closed = False
        self._write({"format": FORMAT, "version": VERSION, "syscall_lab": __version__,
                     "made": made, "started": dt.datetime.now(dt.UTC).isoformat(
                         timespec="seconds"),
                     "lang": lang, "machine": _machine(), "lesson": header})

    def frame(self, state: SessionState, cause: str, *, answers: dict[int, int] | None = None,
              notice: str | None = None, packet: Callable[[int], bytes | None] | None = None,
              t0_wall: float = 0.0) -> None:
        """Write what the screen shows after ``cause``: ``state``, the student's ``answers``
        (step -> choice) and the ``notice`` over the lesson. ``packet(n)`` gives a packet's
        bytes; ``t0_wall`` is when the lab started (the pcap's clock)."""
        if self._closed:
            return
        try:
            self._frame(state, cause, answers, notice, packet, t0_wall)
        except OSError:
            # The file cannot take more (disk full...): stop here rather than write frames
            # that leave out what the failed one held. The caller reports it.
            self._closed = True
            self._out.close()
            self._pcap_file.close()
            raise

    def _frame(self, state: SessionState, cause: str, answers: dict[int, int] | None,
               notice: str | None, packet: Callable[[int], bytes | None] | None,
               t0_wall: float) -> None:
        out: dict[str, Any] = {"frame": self.frames, "at": round(time.monotonic() - self._t0, 6),
                               "cause": cause}
        new_lab = state.generation != self._generation
        if new_lab:
            self._generation = state.generation
            self._packets = {}
            self._records = ()
            self._last = {}
            out["new_lab"] = True
        records = state.records  # within one lab, records are only ever added
        if records[len(self._records):]:
            out["records"] = [_encode_record(r) for r in records[len(self._records):]]
        self._records = records
        if records and state.snapshot == records[-1].snapshot:
            out["snapshot"] = "$last"
        else:
            out["snapshot"] = encode(state.snapshot)
        changed = [p for p in state.packets if self._packets.get(p.n) != p]
        if changed:
            out["packets"] = [encode(p) for p in changed]
            fresh = {p.n: packet(p.n) for p in changed if p.n not in self._packets and packet}
            got = {n: b for n, b in fresh.items() if b is not None}
            if got:
                out["bytes"] = {str(n): base64.b64encode(b).decode() for n, b in got.items()}
                self._pcap_write(t0_wall, [(p.t, got[p.n]) for p in changed if p.n in got])
            self._packets.update((p.n, p) for p in changed)
        for name in STATE_FIELDS:
            value = encode(getattr(state, name))
            if self._last.get(name, ...) != value:
                out[name] = value
                self._last[name] = value
        answers = dict(answers or {})
        if answers != self._answers:
            out["answers"] = {str(k): v for k, v in sorted(answers.items())}
            self._answers = answers
        if notice != self._notice:
            out["notice"] = notice
            self._notice = notice
        self._write(out)
        self.frames += 1

    def close(self) -> None:
        """Write the end line and close both files; with no frame written (the lab never
        started), remove them instead. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if not self.frames:
            self._out.close()
            self._pcap_file.close()
            for p in (self.path, pcap_path(self.path)):
                p.unlink(missing_ok=True)
            return
        steps = [r for r in self._records if not r.typed]
        made, failures = 0, 0
        for r in self._records:
            m, f = r.tally
            made, failures = made + m, failures + f
        try:
            self._write({"end": {"at": round(time.monotonic() - self._t0, 6),
                                 "frames": self.frames, "steps": len(steps), "checks": made,
                                 "failed": failures}})
        except OSError:
            pass  # the file cannot take it: read back, it is a session that did not close
        finally:
            self._out.close()
            self._pcap_file.close()

    def _pcap_write(self, t0_wall: float, packets: list[tuple[float, bytes]]) -> None:
        self._pcap.wall0 = t0_wall  # each lab (a reset starts one) has its own clock
        self._pcap.write_all(packets)

    def _write(self, obj: dict[str, Any]) -> None:
        self._out.write(json_line(obj) + "\n")  # the same JSON, nothing raw when cat
        self._out.flush()


def _machine() -> dict[str, Any]:
    return {"system": platform.system(), "kernel": platform.release(),
            "arch": platform.machine(), "cpus": os.cpu_count()}


def _lesson_header(lesson: Lesson) -> dict[str, Any]:
    if lesson.id == "sandbox" and not lesson.steps and lesson.path is None:
        return {"id": lesson.id, "sandbox": lesson.mode}
    if lesson.path is None or lesson.source is None:
        raise ValueError(Msg("the lesson {id} has no file to record with it", id=lesson.id))
    # The lesson's own text goes in the recording, as it was loaded: a reader needs no file.
    return {"id": lesson.id, "file": Path(lesson.path).name, "source": lesson.source}


# ---------------------------------------------------------------------------------------
# Reading

@dataclass(frozen=True)
class Frame:
    """One screen of a recorded session."""

    index: int
    """0-based, in the order they were written."""
    line: int
    """Where it is in the file (1-based)."""
    at: float
    """Seconds since the recording started."""
    cause: str
    state: SessionState
    answers: dict[int, int] = field(default_factory=dict)
    notice: str | None = None
    altered: int = 0
    """How many checks of the steps this frame added have a recorded verdict that the
    recorded kernel state contradicts (the file was edited, or made by something else)."""

    @property
    def look(self) -> bool:
        """A look at the kernel between steps (nothing done), not a request of the student."""
        return self.cause == "look"


@dataclass(frozen=True)
class Recording:
    path: str
    version: int
    header: dict[str, Any]
    lesson: Lesson
    frames: tuple[Frame, ...]
    packet_bytes: dict[tuple[int, int], bytes]
    """(lab generation, packet number) -> the bytes as captured."""
    end: dict[str, Any] | None = None
    """The end line; None when the session did not close (a crash, SIGKILL)."""
    cut: int | None = None
    """The line the file was cut off at (its last line unfinished), if it was."""

    @property
    def lang(self) -> str:
        return str(self.header.get("lang") or "en")

    @property
    def made(self) -> str:
        return str(self.header.get("made") or "?")

    @property
    def started(self) -> str:
        return str(self.header.get("started") or "")

    @property
    def machine(self) -> dict[str, Any]:
        m = self.header.get("machine")
        return m if isinstance(m, dict) else {}

    @property
    def altered(self) -> int:
        """How many checks have a recorded verdict that the recorded kernel state
        contradicts, in every frame."""
        return sum(f.altered for f in self.frames)

    @property
    def stops(self) -> tuple[int, ...]:
        """The frames a viewer steps through: the last frame of each request (a step and the
        looks after it, up to the next request), as the screen stood before the next key."""
        n = len(self.frames)
        return tuple(i for i in range(n) if i + 1 == n or not self.frames[i + 1].look)


def read_recording(path: str | Path) -> Recording:
    """The recording at ``path``. Raises :class:`RecordingError` with the line (and column,
    for JSON that is broken) where it went wrong."""
    p = str(path)
    try:
        raw = read_input(p, MAX_FILE, "recording")
    except FileProblem as exc:
        raise RecordingError(p, 0, exc.reason) from None
    lines = raw.split(b"\n")
    cut = None
    if lines and lines[-1] == b"":
        lines.pop()
    elif len(lines) > 1:  # no newline after the last line: the writer was stopped mid-line
        cut = len(lines)
        lines.pop()
    if not lines:
        raise RecordingError(p, 1, Msg("the file is empty, not a recording"), _RECORD_ONE)
    header = _json(p, 1, lines[0])
    version = _check_header(p, header)
    reader = _Reader(p, header, _lesson(p, header))
    end = None
    for n, data in enumerate(lines[1:], start=2):
        obj = _json(p, n, data)
        if "end" in obj:
            end = obj["end"] if isinstance(obj["end"], dict) else {}
            if n != len(lines):
                raise RecordingError(p, n + 1, Msg("there is more after the end line"),
                                     Msg("the file was joined with another one: keep one "
                                         "session"))
            break
        for upgrade in _UPGRADES[version - 1:]:
            obj = upgrade(obj)
        reader.frame(n, obj)
    if not reader.frames:
        raise RecordingError(p, 2, Msg("the recording has no frame: the session ended "
                                       "before the lab started"), Msg("record again"))
    return Recording(p, version, header, reader.lesson, tuple(reader.frames),
                     reader.packet_bytes, end, cut)


_UPGRADES: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = ()
"""``_UPGRADES[v - 1]`` turns a frame of version ``v`` into one of version ``v + 1``: a reader
reads every older version by upgrading its frames one version at a time. Version 1 is the
first."""


def _json(path: str, line: int, data: bytes) -> dict[str, Any]:
    if len(data) > MAX_LINE:
        raise RecordingError(path, line,
                             Msg("the line is too long to be a frame of a recording"))
    try:
        obj = json.loads(data)
    except RecursionError:
        raise RecordingError(path, line, Msg("nested more than {depth} levels deep: not a "
                                             "frame of a recording", depth=MAX_DEPTH)) from None
    except UnicodeDecodeError as exc:
        raise RecordingError(path, line, Msg("not UTF-8 text: the file is damaged here"),
                             col=exc.start + 1) from None
    except json.JSONDecodeError as exc:
        # exc.msg is Python's own English ("Expecting value"): passed on as it is.
        hint = (Msg("the file is damaged here: {error}", error=exc.msg) if line > 1 else
                Msg("not a recording: {error}", error=exc.msg))
        raise RecordingError(path, line, hint, col=exc.colno) from None
    if not isinstance(obj, dict):
        raise RecordingError(path, line, Msg("a line of a recording is a JSON object, not "
                                             "{what}: the file is damaged here",
                                             what=_what(obj)))
    return obj


def _check_header(path: str, header: dict[str, Any]) -> int:
    if header.get("format") != FORMAT:
        if "step" in header and "action" in header:
            raise RecordingError(path, 1, Msg("this is 'syscall-lab run --json' output, not a "
                                              "recording: it has no lesson and no packets' "
                                              "bytes"),
                                 Msg("record with 'syscall-lab run LESSON --record FILE'"))
        raise RecordingError(path, 1, Msg("not a syscall-lab recording (its first line has no "
                                          "\"format\": \"{format}\")", format=FORMAT),
                             _RECORD_ONE)
    if header.get("lang") not in LANGS:
        raise RecordingError(path, 1, Msg("the language {lang} is not one of {langs}: the "
                                          "file is damaged here", lang=repr(header.get("lang")),
                                          langs=", ".join(LANGS)))
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordingError(path, 1, Msg("the format version {version} is not one "
                                          "syscall-lab ever wrote: the file is damaged here",
                                          version=repr(version)))
    if version > VERSION:
        made = header.get("syscall_lab", Msg("a newer version"))
        raise RecordingError(path, 1, Msg("recorded by syscall-lab {made} in format version "
                                          "{version}; this syscall-lab ({ours}) reads versions "
                                          "up to {newest}", made=made, version=version,
                                          ours=__version__, newest=VERSION),
                             Msg("upgrade: pip install -U syscall-lab"))
    return version


def _lesson(path: str, header: dict[str, Any]) -> Lesson:
    from .loader import LessonLoadError, load_text, sandbox_lesson

    info = header.get("lesson")
    if not isinstance(info, dict):
        raise RecordingError(path, 1, Msg("the header names no lesson: the file is damaged "
                                          "here"))
    if info.get("sandbox") in ("wire", "loopback"):
        return sandbox_lesson(str(info["sandbox"]))
    source = info.get("source")
    if not isinstance(source, str):
        raise RecordingError(path, 1, Msg("the header has no lesson source: the file is "
                                          "damaged here"))
    try:
        lesson = load_text(source, str(info.get("file") or "<recorded lesson>"))
    except LessonLoadError as exc:
        first = _problem(exc.problems[0]) if exc.problems else "?"
        raise RecordingError(path, 1, Msg("the lesson recorded in it no longer loads here: "
                                          "{problem}", problem=first),
                             Msg("replay it with the syscall-lab that recorded it ({version})",
                                 version=header.get("syscall_lab"))) from None
    return dataclasses.replace(lesson, path=info.get("file"))


class _Reader:
    """Rebuilds each frame's :class:`SessionState` from the frames before it."""

    def __init__(self, path: str, header: dict[str, Any], lesson: Lesson) -> None:
        self.path, self.header, self.lesson = path, header, lesson
        self.frames: list[Frame] = []
        self.packet_bytes: dict[tuple[int, int], bytes] = {}
        self._records: tuple[StepRecord, ...] = ()
        self._packets: dict[int, PacketRecord] = {}
        self._fields: dict[str, Any] = {}
        self._answers: dict[int, int] = {}
        self._notice: str | None = None
        self._judge = Judge()

    def frame(self, line: int, obj: dict[str, Any]) -> None:
        try:
            self._frame(line, obj)
        except _Bad as exc:
            what = (Msg("frame {n}: {field}: {what}: the file is damaged here",
                        n=len(self.frames), field=exc.where, what=exc.message) if exc.where else
                    Msg("frame {n}: {what}: the file is damaged here", n=len(self.frames),
                        what=exc.message))
            raise RecordingError(self.path, line, what) from None

    def _frame(self, line: int, obj: dict[str, Any]) -> None:
        cause = obj.get("cause")
        if cause not in CAUSES:
            raise _Bad("cause", Msg("should be one of {options}, not {what}",
                                    options=", ".join(CAUSES), what=_what(cause)))
        for key, kind in (("records", list), ("packets", list), ("bytes", dict)):
            if not isinstance(obj.get(key, kind()), kind):
                raise _Bad(key, _should_be(kind, obj[key]))
        if obj.get("new_lab"):
            self._records, self._packets, self._fields = (), {}, {}
            self._judge = Judge()
        elif not self.frames:
            raise _Bad("new_lab", Msg("the first frame starts a lab, and this one does not"))
        records = list(self._records)
        before = self._records
        raw = obj.get("records", [])
        if not isinstance(raw, list):
            raise _Bad("records", _should_be(list, raw))
        for i, r in enumerate(raw):
            # Verdicts are made again from the recorded kernel state, never taken from the file.
            records.append(self._judge.again(self._record(r, f"records[{i}]",
                                                          [x.step for x in records])))
        self._records = tuple(records)
        snap = obj.get("snapshot")
        if snap == "$last":
            if not records:
                raise _Bad("snapshot", Msg("is the last step's, and no step has run"))
            snapshot = records[-1].snapshot
        else:
            snapshot = decode(Snapshot, snap, "snapshot")
        generation = decode(int, obj.get("generation", self._fields.get("generation", 0)),
                            "generation")
        for i, p in enumerate(obj.get("packets") or ()):
            got = decode(PacketRecord, p, f"packets[{i}]")
            _packet(got, f"packets[{i}]")
            self._packets[got.n] = got
        for n, b in (obj.get("bytes") or {}).items():
            self.packet_bytes[(generation, decode(int, _int(n, f"bytes.{n}"), "bytes"))] = \
                _bytes(b, f"bytes.{n}")
        hints = _hints(SessionState)
        for name in STATE_FIELDS:
            if name in obj:
                self._fields[name] = decode(hints[name], obj[name], name)
                if name == "wire_rules":
                    _rules(self._fields[name], name)
        if "initial" not in self._fields:
            raise _Bad("initial", _MISSING)
        if "answers" in obj:
            self._answers = decode(dict[int, int], obj["answers"], "answers")
            for n, choice in self._answers.items():
                ask = self.lesson.steps[n - 1].ask if 1 <= n <= len(self.lesson.steps) else None
                if ask is None or not 1 <= choice <= len(ask.choices):
                    raise _Bad(f"answers.{n}", Msg("{choice} is no choice of step {n}'s "
                                                   "question", choice=choice, n=n))
        if "notice" in obj:
            self._notice = decode(str | None, obj["notice"], "notice")
            if self._notice not in NOTICES:
                raise _Bad("notice", _one_of(map(str, NOTICES)))
        state = SessionState(snapshot=snapshot, records=self._records,
                             packets=tuple(self._packets.values()), **self._fields)
        self.frames.append(Frame(len(self.frames), line, decode(float, obj.get("at", 0.0), "at"),
                                 str(cause), state, dict(self._answers), self._notice,
                                 sum(len(r.altered) for r in records[len(before):])))

    def _record(self, data: Any, where: str, before: list[Step]) -> StepRecord:
        if not isinstance(data, dict):
            raise _Bad(where, _should_be(dict, data))
        data = dict(data)
        typed = data.pop("typed_text", None)
        index = decode(int, data.get("index"), f"{where}.index")
        if typed is not None:
            step = self._typed(typed, before, where)
        elif 1 <= index <= len(self.lesson.steps):
            step = self.lesson.steps[index - 1]
        else:
            raise _Bad(f"{where}.index", Msg("step {index}, and the lesson has {count}",
                                             index=index, count=len(self.lesson.steps)))
        hints = _hints(StepRecord)
        required = {f.name for f in dataclasses.fields(StepRecord) if _required(f)}
        kw: dict[str, Any] = {}
        # The record's own snapshot and wire first: an outcome's "$record" is them.
        for name in ("snapshot", "wire", *(f.name for f in dataclasses.fields(StepRecord))):
            if name in ("step", "altered") or name in kw:  # altered: found by the reader
                continue
            value = data.get(name, ...)
            if name in ("outcome", "action") and isinstance(value, dict):
                value = {k: data.get(k, {}) if v == "$record" else v for k, v in value.items()}
            if value is not ...:
                kw[name] = decode(hints[name], value, f"{where}.{name}")
                _check_shape(name, kw[name], f"{where}.{name}")
            elif name in required:
                raise _Bad(f"{where}.{name}", _MISSING)
        for name in ("outcome", "action"):
            done = kw.get(name)
            if done is not None:  # one object, as the live record had
                same = {k: kw[k] for k in ("snapshot", "wire")
                        if data[name].get(k) == "$record" and k in kw}
                kw[name] = dataclasses.replace(done, **same)
        return StepRecord(step=step, **kw)

    def _typed(self, text: Any, before: list[Step], where: str) -> Step:
        from .loader import compile_step

        if not isinstance(text, str):
            raise _Bad(f"{where}.typed_text", _should_be(str, text))
        got = compile_step(self.lesson, before, text)
        if isinstance(got, list):
            raise _Bad(f"{where}.typed_text", Msg("'{text}' no longer compiles here: {problem}",
                                                  text=text, problem=_problem(got[0])))
        return got


# ---------------------------------------------------------------------------------------
# The lab's free-form values (a call's result, events, a change's fields, TCP options): the
# codec knows them only as JSON, so what the screens and the checks read of them is checked
# here, and a value of the wrong kind is a located error instead of a crash when it is drawn.

_NUM = (int, float)
_OPT = type(None)
_RESULT: dict[str, Any] = {
    "ret": (int, _OPT), "errno": (str, _OPT), "strerror": (str, _OPT), "seq": (int, _OPT),
    "elapsed": (*_NUM, _OPT), "killed_by": (str, _OPT), "exit_code": (int, _OPT),
    "value": (dict, _OPT)}
_VALUE: dict[str, Any] = {
    "text": (str, _OPT), "hex": (str, _OPT), "bytes": (int, _OPT), "truncated": bool,
    "addr": (list, _OPT), "fds": (list, _OPT), "child_actor": (str, _OPT),
    "optval": (int, list, _OPT), "wstatus": (str, _OPT), "code": (int, _OPT),
    "wall_time": (*_NUM, _OPT), "cpu_time": (*_NUM, _OPT), "cores": (*_NUM, _OPT),
    "switches": (int, _OPT), "cpus_used": (list, _OPT), "each": (list, _OPT),
    "others": (list, _OPT), "others_busy": (*_NUM, _OPT), "ready": (list, _OPT),
    "revents": (list, _OPT), "events": (list, _OPT), "readable": (list, _OPT),
    "writable": (list, _OPT), "left": (list, _OPT), "tid": (int, _OPT), "buffer": (int, _OPT),
    "optlen": (int, _OPT), "child_tidptr": (int, _OPT), "old_handler": (str, _OPT)}
_EVENT: dict[str, Any] = {
    "event": str, "actor": (str, _OPT), "data": (str, _OPT), "c": (str, _OPT),
    "call": (str, _OPT), "code": (int, _OPT), "signal": (str, _OPT), "result": (dict, _OPT),
    "t": (*_NUM, _OPT), "args": (list, _OPT)}
_CHANGE_FIELD: dict[str, Any] = {
    "kind": (str, _OPT), "target": (str, _OPT), "flags": (list, _OPT), "state": (str, _OPT),
    "local": (str, _OPT), "remote": (str, _OPT), "blocked_in": (str, _OPT),
    "ppid": (int, _OPT), "cpus": (str, _OPT), "threads": (int, _OPT), "pid": (int, _OPT),
    "owner": (dict, _OPT), "recv_q": (int, _OPT), "send_q": (int, _OPT),
    "accept_queue": (int, _OPT), "backlog": (int, _OPT), "retransmits": (int, _OPT),
    "recv_mem": (int, _OPT), "send_mem": (int, _OPT), "sig_pending": (str, _OPT),
    "sig_ignored": (str, _OPT), "watches": (str, _OPT)}
_OWNER: dict[str, Any] = {"actor": str, "fd": int}
_DETAIL: dict[str, Any] = {"seconds": (*_NUM, _OPT), "rule": (dict, _OPT), "sysctl": (dict, _OPT),
                           "cleared": (int, _OPT), "delivered": (list, _OPT),
                           "dropped": (list, _OPT)}
_OPTIONS: dict[str, Any] = {"MSS": int, "SACK_PERM": bool, "WS": int, "TSval": int,
                            "TSecr": int, "SACK": list}
ACTIONS = ("pause", "wire.rule", "wire.deliver", "wire.drop", "wire.clear", "sysctl")
EVENTS = ("result", "output", "exited", "ready", "fatal")
CHANGES = ("fd_opened", "fd_closed", "fd_changed", "process_started", "process_exited",
           "process_changed", "socket_appeared", "socket_gone", "socket_changed")


def _fields(value: Any, spec: dict[str, Any], where: str) -> None:
    """Each key of ``spec`` that ``value`` (a dict) has is of the kinds it names."""
    if not isinstance(value, dict):
        raise _Bad(where, _should_be(dict, value))
    for key, kinds in spec.items():
        if key in value:
            got = value[key]
            kinds = kinds if isinstance(kinds, tuple) else (kinds,)
            if not isinstance(got, kinds) or (isinstance(got, bool) and bool not in kinds):
                raise _Bad(f"{where}.{key}", Msg("should be {kind}, not {what}",
                                                 kind=_KIND.get(kinds[0], _A_VALUE),
                                                 what=_what(got)))


def _event(e: Any, where: str) -> Event | None:
    """One recorded event, checked as the JSON the supervisor sent; None for a start-up cue
    (``ready``, ``fatal``) an older recording kept."""
    e = _decode_any(e, where)  # bounded in depth, as every free-form value
    _fields(e, _EVENT, where)
    if e["event"] not in EVENTS if "event" in e else True:
        raise _Bad(f"{where}.event", _one_of(EVENTS))
    if e["event"] == "result":
        _result(e.get("result"), f"{where}.result")
    if e["event"] in ("result", "output", "exited") and not isinstance(e.get("actor"), str):
        raise _Bad(f"{where}.actor", _MISSING)
    return event_from_json(e)


def _ints(value: Any, where: str) -> None:
    if not isinstance(value, list) or not all(
            isinstance(x, int) and not isinstance(x, bool) for x in value):
        raise _Bad(where, Msg("should be a list of whole numbers, not {what}",
                              what=_what(value)))


def _result(value: Any, where: str) -> None:
    if value is None:
        return
    _fields(value, _RESULT, where)
    v = value.get("value")
    if isinstance(v, dict):
        _fields(v, _VALUE, f"{where}.value")
        addr = v.get("addr")
        if addr is not None and not (len(addr) == 2 and isinstance(addr[0], str)
                                     and isinstance(addr[1], int)):
            raise _Bad(f"{where}.value.addr", Msg("should be [address, port]"))
        if v.get("fds") is not None:
            _ints(v["fds"], f"{where}.value.fds")
        for i, o in enumerate(v.get("others") or ()):
            if not (isinstance(o, list) and len(o) == 2 and type(o[0]) is int
                    and isinstance(o[1], _NUM) and not isinstance(o[1], bool)):
                raise _Bad(f"{where}.value.others[{i}]", Msg("should be [CPU, share]"))
        for i, each in enumerate(v.get("each") or ()):
            _fields(each, {"pid": int, "cpu_time": _NUM, "wall_time": _NUM, "cpus": list,
                           "switches": int}, f"{where}.value.each[{i}]")


def _check_shape(name: str, value: Any, where: str) -> None:
    """What a record's free-form fields must be for the screens and the checks to read."""
    from ..engine.vocabulary import CALLS

    if name == "outcome" and value is not None:
        if value.call not in CALLS:
            raise _Bad(f"{where}.call", Msg("{what} is no call of the vocabulary",
                                            what=_what(value.call)))
        _fields(value.syscall, {"name": (str, _OPT), "nr": (int, _OPT)}, f"{where}.syscall")
        _result(value.result, f"{where}.result")
    elif name == "action" and value is not None:
        if value.action not in ACTIONS:
            raise _Bad(f"{where}.action", _one_of(ACTIONS))
        _fields(value.detail, _DETAIL, f"{where}.detail")
        for key in ("delivered", "dropped"):
            if value.detail.get(key) is not None:
                _ints(value.detail[key], f"{where}.detail.{key}")
    elif name == "changes":
        for i, c in enumerate(value):
            if c.what not in CHANGES:
                raise _Bad(f"{where}[{i}].what", _one_of(CHANGES))
            for side in ("before", "after"):
                _fields(getattr(c, side), _CHANGE_FIELD, f"{where}[{i}].{side}")
                owner = getattr(c, side).get("owner")
                if owner is not None:
                    _fields(owner, _OWNER, f"{where}[{i}].{side}.owner")
                    if not {"actor", "fd"} <= set(owner):
                        raise _Bad(f"{where}[{i}].{side}.owner",
                                   Msg("should have actor and fd"))
    elif name == "wire":
        for i, p in enumerate(value.packets):
            _packet(p, f"{where}.packets[{i}]")
        _rules(value.rules, f"{where}.rules")


RULE_STATE = ("id", "matched", "applied", "done")
"""What the wire adds to a rule it keeps (how many packets it matched...)."""


def _rules(rules: Any, where: str) -> None:
    """Each of the wire's rules is one the wire takes (the wire pane describes them)."""
    for i, r in enumerate(rules):
        if not isinstance(r, dict):
            raise _Bad(f"{where}[{i}]", _should_be(dict, r))
        try:
            Rule.from_json({k: v for k, v in r.items() if k not in RULE_STATE})
        except (RuleError, TypeError, ValueError) as exc:
            raise _Bad(f"{where}[{i}]", Msg("not a rule of the wire: {error}",
                                            error=_said(exc))) from None
        _fields(r, {"id": (int, _OPT), "matched": (int, _OPT)}, f"{where}[{i}]")


def _packet(p: PacketRecord, where: str) -> None:
    _fields(p.options, _OPTIONS, f"{where}.options")
    if p.options.get("SACK") is not None:
        _ints(p.options["SACK"], f"{where}.options.SACK")
    if "WS" in p.options and not 0 <= p.options["WS"] <= 14:
        raise _Bad(f"{where}.options.WS", Msg("should be a shift of 0 to 14"))
    if p.proto in ("TCP", "UDP"):
        for side in ("src", "dst"):
            if ":" not in getattr(p, side):
                raise _Bad(f"{where}.{side}", Msg("should be address:port"))


def _int(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _Bad(where, Msg("should be a packet number")) from None

