"""Reading a lesson file: YAML text to plain values, with the line and column of each of them.

We build the values ourselves from libyaml's event stream instead of calling ``yaml.load``:

- every value's position is kept, so each problem can be reported as ``FILE:LINE:COL``;
- scalars follow YAML 1.2's core schema (only ``true``/``false`` are booleans, so ``no`` and
  ``on`` stay words, and nothing is ever turned into a Python object);
- duplicate keys are errors, not silently overwritten;
- nesting, file size and alias expansion are bounded, so no input can hang the loader or
  exhaust memory (a deeply nested document is quadratic in libyaml, and recursive
  composers overflow the C stack on it).

Lines and columns are 1-based, as compilers print them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..files import size_text
from ..i18n import Msg, say
from ..shown import describe_char, quote, shown, unsafe

__all__ = ["MAX_BYTES", "MAX_DEPTH", "Located", "Problem", "Source", "read_source"]

MAX_BYTES = 512 * 1024
MAX_DEPTH = 32
MAX_NODES = 100_000
"""Values a document may hold once its aliases are expanded (a "billion laughs" bound)."""

Path = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)\Z")
_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?\Z"
                    r"|[-+]?[0-9]+[eE][-+]?[0-9]+\Z")

try:  # libyaml when PyYAML was built with it (the wheels are); the pure-Python parser otherwise
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a lesson file, where it is, and what to write instead."""

    line: int
    col: int
    message: str
    path: str = field(default="", compare=False)

    def __str__(self) -> str:
        # The path and the message may quote what a file held: shown, never emitted raw.
        return shown(f"{self.path}:{self.line}:{self.col}: {self.message}")

    def render(self, lang: str) -> str:
        """:meth:`__str__`, with the message said in ``lang``."""
        return shown(f"{self.path}:{self.line}:{self.col}: {say(self.message, lang)}")


@dataclass(frozen=True)
class Located:
    """Where a value starts, and for a one-line scalar, where its text starts."""

    line: int
    col: int
    text_col: int | None = None
    """For a scalar written on one line: the column of its first character of text (after an
    opening quote), so a problem inside a ``do:`` or ``expect:`` can point at its own column."""
    source_offsets: tuple[int, ...] | None = None
    """For a quoted scalar: where each character of its value was written, counted from
    ``text_col`` (an escape like ``\\t`` is two characters in the file, one in the value)."""

    def at(self, offset: int) -> tuple[int, int]:
        """The (line, col) of the ``offset``-th character of a one-line scalar's text."""
        if self.text_col is None:
            return self.line, self.col
        table = self.source_offsets
        if table and 0 <= offset < len(table):
            offset = table[offset]
        return self.line, self.text_col + offset


@dataclass
class Source:
    """A parsed lesson file: its values and where each one was written."""

    path: str
    data: Any
    values: dict[Path, Located]
    """The position of each value, by its path: ``("steps", 3, "do")``."""
    keys: dict[Path, Located]
    """The position of each mapping key, by the path of its value."""
    text: str = ""
    """The file's text, as it was parsed."""

    def where(self, path: Path, key: bool = False) -> Located:
        """The position of ``path``, or of the nearest enclosing value that has one."""
        table = self.keys if key else self.values
        for n in range(len(path), -1, -1):
            if path[:n] in table:
                return table[path[:n]]
            if key and path[:n] in self.values:
                return self.values[path[:n]]
        return Located(1, 1)

    def problem(self, path: Path, message: str, key: bool = False, offset: int | None = None
                ) -> Problem:
        loc = self.where(path, key)
        line, col = loc.at(offset) if offset is not None else (loc.line, loc.col)
        return Problem(line, col, message, self.path)


class _Fail(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def _pos(ev: Any) -> tuple[int, int]:
    mark = ev.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _scalar(ev: Any) -> Any:
    value: str = ev.value
    if ev.tag not in (None, "!"):
        raise _Fail(*_pos(ev), Msg("YAML tags like '{tag}' are not used in lessons: write the "
                                   "plain value", tag=ev.tag))
    if ev.style or not ev.implicit[0]:  # libyaml's plain style is '', PyYAML's None
        return value  # quoted or block scalar: always text
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    try:
        if _INT.match(value):
            return int(value.replace("_", ""))
        if _FLOAT.match(value):
            return float(value.replace("_", ""))
    except ValueError:  # more digits than Python converts: no lesson means such a number
        pass
    return value


def _located(ev: Any, lines: list[str]) -> Located:
    line, col = _pos(ev)
    end = getattr(ev, "end_mark", None)
    if isinstance(ev, yaml.ScalarEvent) and end is not None and line == end.line + 1:
        if ev.style in (None, ""):
            return Located(line, col, col)
        if ev.style in ("'", '"') and line <= len(lines):
            raw = lines[line - 1][col:end.column - 1]  # between the quotes
            return Located(line, col, col + 1, _source_offsets(raw, ev.style))
    return Located(line, col)


def _source_offsets(raw: str, style: str) -> tuple[int, ...]:
    """For each character of a quoted scalar's value, its index in the quoted text."""
    out: list[int] = []
    i = 0
    while i < len(raw):
        out.append(i)
        if style == "'" and raw.startswith("''", i):
            i += 2
        elif style == '"' and raw[i] == "\\" and i + 1 < len(raw):
            i += {"x": 4, "u": 6, "U": 10}.get(raw[i + 1], 2)
        else:
            i += 1
    out.append(i)
    return tuple(out)


class _Builder:
    """Turns the event stream into values, iteratively (no recursion, so no stack limit)."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.values: dict[Path, Located] = {}
        self.keys: dict[Path, Located] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        # Each open collection: [container, path, pending key (for mappings), key position,
        # anchor, key lines seen]
        self.stack: list[list[Any]] = []
        self.root: Any = None
        self.done = False

    def _path(self) -> Path:
        if not self.stack:
            return ()
        top = self.stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            return (*path, len(container))
        return (*path, top[2])

    def _count(self, n: int, ev: Any) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise _Fail(*_pos(ev), Msg("the file holds more than {n} values (aliases expanded); "
                                       "a lesson is much smaller", n=MAX_NODES))

    def _refuse_unsafe(self, value: str, ev: Any) -> None:
        """A scalar (a key or a value) holding a character that must never reach a terminal:
        a control (an escape like ``"\\e"`` writes one), a bidi control, an invisible one, a
        tab. Refused at the character, as a compiler points at it."""
        at = unsafe(value, allow="\n")
        if at is None:
            return
        ch = value[at]
        line, col = self._char_position(ev, value, at, ch)
        if ch == "\t":
            raise _Fail(line, col, Msg("{char}: remove it (indent and align with spaces)",
                                       char=describe_char(ch)))
        raise _Fail(line, col, Msg("{char}: remove it (it would reach the student's terminal)",
                                   char=describe_char(ch)))

    def _char_position(self, ev: Any, value: str, at: int, ch: str) -> tuple[int, int]:
        """Where the ``at``-th character of a scalar's value is written in the file: by the
        quoted text's own offsets on one line, else where that character stands raw in the
        scalar's span, else the scalar's start (it came from an escape)."""
        loc = _located(ev, self.lines)
        if loc.source_offsets is not None:
            return loc.at(at)
        if loc.text_col is not None and ev.style in (None, ""):
            return loc.at(at)
        start, end = ev.start_mark, getattr(ev, "end_mark", None)
        if start is not None and end is not None:
            for n in range(start.line, min(end.line, len(self.lines) - 1) + 1):
                text = self.lines[n]
                lo = start.column if n == start.line else 0
                hi = end.column if n == end.line else len(text)
                found = text.find(ch, lo, hi)
                if found >= 0:
                    return n + 1, found + 1
        return loc.line, loc.col

    def _put(self, value: Any, ev: Any, anchor: str | None, size: int = 1) -> None:
        if isinstance(value, str):
            self._refuse_unsafe(value, ev)
        if anchor:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.root = value
            self.values[()] = _located(ev, self.lines)
            return
        top = self.stack[-1]
        container = top[0]
        if isinstance(container, list):
            self.values[(*top[1], len(container))] = _located(ev, self.lines)
            container.append(value)
            return
        if top[2] is _NO_KEY:  # this value is a key
            line, col = _pos(ev)
            if isinstance(value, (dict, list)) or value is None:
                raise _Fail(line, col, Msg("a mapping key must be a plain word like 'say'"))
            key = str(value) if not isinstance(value, bool) else str(value).lower()
            if key in top[5]:
                raise _Fail(line, col, Msg("duplicate key '{key}' (first written at line {line}): "
                                           "remove one of them", key=quote(key),
                                           line=top[5][key]))
            top[5][key] = line
            top[2] = key
            self.keys[(*top[1], key)] = Located(line, col)
            return
        key = top[2]
        self.values[(*top[1], key)] = _located(ev, self.lines)
        container[key] = value
        top[2] = _NO_KEY

    def feed(self, ev: Any) -> None:
        if isinstance(ev, yaml.ScalarEvent):
            self._count(1, ev)
            self._put(_scalar(ev), ev, ev.anchor)
        elif isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if ev.tag not in (None, "!"):
                raise _Fail(*_pos(ev), Msg("YAML tags like '{tag}' are not used in lessons",
                                           tag=ev.tag))
            if len(self.stack) >= MAX_DEPTH:
                raise _Fail(*_pos(ev), Msg("nested more than {n} levels deep; a lesson needs a few",
                                           n=MAX_DEPTH))
            self._count(1, ev)
            if self.stack and isinstance(self.stack[-1][0], dict) and \
                    self.stack[-1][2] is _NO_KEY:
                raise _Fail(*_pos(ev), Msg("a mapping key must be a plain word like 'say'"))
            container: Any = {} if isinstance(ev, yaml.MappingStartEvent) else []
            path = self._path()
            self.values[path] = _located(ev, self.lines)
            self.stack.append([container, path, _NO_KEY, None, ev.anchor, {}, self.nodes])
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            container, path, _, _, anchor, _, start = self.stack.pop()
            if anchor:
                self.anchors[anchor] = (container, self.nodes - start + 1)
            if not self.stack:
                self.root = container
            else:
                top = self.stack[-1]
                if isinstance(top[0], list):
                    top[0].append(container)
                else:
                    top[0][top[2]] = container
                    top[2] = _NO_KEY
        elif isinstance(ev, yaml.AliasEvent):
            if ev.anchor not in self.anchors:
                raise _Fail(*_pos(ev), Msg("alias '*{name}' names no anchor written before it",
                                           name=ev.anchor))
            value, size = self.anchors[ev.anchor]
            self._count(size, ev)
            self._put(value, ev, None)
        elif isinstance(ev, yaml.DocumentStartEvent):
            if self.done:
                raise _Fail(*_pos(ev), Msg("a lesson file holds one YAML document: remove the "
                                           "second '---'"))
        elif isinstance(ev, yaml.DocumentEndEvent):
            self.done = True


class _NoKey:
    pass


_YAML_PHRASES: dict[str, Msg] = {m: m for m in (
    # What libyaml (or PyYAML's own parser) was doing ...
    Msg("while parsing a block mapping"),
    Msg("while parsing a block collection"),
    Msg("while parsing a block node"),
    Msg("while parsing a flow sequence"),
    Msg("while parsing a flow mapping"),
    Msg("while parsing a flow node"),
    Msg("while parsing a node"),
    Msg("while parsing a quoted scalar"),
    Msg("while scanning a quoted scalar"),
    Msg("while scanning a plain scalar"),
    Msg("while scanning a block scalar"),
    Msg("while scanning a simple key"),
    Msg("while scanning for the next token"),
    Msg("while scanning an alias"),
    Msg("while scanning an anchor"),
    Msg("while scanning a tag"),
    Msg("while scanning a directive"),
    # ... and what it found there.
    Msg("mapping values are not allowed in this context"),
    Msg("mapping values are not allowed here"),
    Msg("did not find expected key"),
    Msg("did not find expected '-' indicator"),
    Msg("did not find expected ',' or ']'"),
    Msg("did not find expected ',' or '}}'"),
    Msg("did not find expected node content"),
    Msg("did not find expected <document start>"),
    Msg("did not find expected comment or line break"),
    Msg("did not find expected alphabetic or numeric character"),
    Msg("did not find expected hexdecimal number"),
    Msg("did not find the expected '>'"),
    Msg("could not find expected ':'"),
    Msg("found unexpected end of stream"),
    Msg("found unknown escape character"),
    Msg("found character that cannot start any token"),
    Msg("found a tab character that violates indentation"),
    Msg("found a tab character where an indentation space is expected"),
    Msg("found undefined tag handle"),
    Msg("found unknown directive name"),
    Msg("found an indentation indicator equal to 0"),
    Msg("control characters are not allowed"),
)}
"""PyYAML's and libyaml's usual words for a syntax error, translatable (any other is shown as
the library says it)."""


def _yaml_phrase(text: str | None) -> str | None:
    """A phrase of PyYAML's error (its ``context``, ``problem`` or ``reason``): a Msg when it
    is one of the usual ones."""
    return _YAML_PHRASES.get(text, text) if text else text


_NO_KEY: Any = _NoKey()


def read_source(raw: bytes | str, path: str) -> Source | list[Problem]:
    """Parse ``raw`` (a lesson file's bytes, at most :data:`MAX_BYTES`: the caller reads it
    with :func:`~syscall_lab.files.read_input`) into values with positions, or the problems."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "replace"))
    if size > MAX_BYTES:
        return [Problem(1, 1, Msg("the file is {size}; a lesson is at most {limit}",
                                  size=size_text(size), limit=size_text(MAX_BYTES)), path)]
    if isinstance(raw, bytes):
        raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM, as some Windows editors write
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line_start = raw.rfind(b"\n", 0, exc.start) + 1
            line = raw[:exc.start].count(b"\n") + 1
            col = len(raw[line_start:exc.start].decode("utf-8", "replace")) + 1
            return [Problem(line, col, Msg("not UTF-8 text (byte 0x{byte}): save the file as "
                                           "UTF-8", byte=f"{raw[exc.start]:02x}"), path)]
    else:
        text = raw
    bad = unsafe(text, allow="\n\r\t")
    if bad is not None:  # anywhere, comments too: the file is text, and a student reads it
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        return [Problem(line, col, Msg("{char}: remove it (a lesson file is text, and it would "
                                       "reach the student's terminal)",
                                       char=describe_char(text[bad])), path)]
    builder = _Builder(text)
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            builder.feed(ev)
    except _Fail as exc:
        return [Problem(exc.line, exc.col, exc.message, path)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = _yaml_phrase(exc.context)
        opened = exc.context_mark
        if context and opened is not None and mark is not None and opened.line != mark.line:
            context = Msg("{context} (from line {line}, column {col})", context=context,
                          line=opened.line + 1, col=opened.column + 1)
        problem = _yaml_phrase(exc.problem)
        what: str = (Msg("{context} {problem}", context=context, problem=problem)
                     if context and problem else context or problem or Msg("not valid YAML"))
        hint: str = ""
        if "mapping values are not allowed" in what:
            hint = Msg(" (a ': ' inside a plain value starts a mapping: put the value in quotes)")
        elif "flow sequence" in what or "flow mapping" in what:
            hint = Msg(" (inside [...], a ',' or a bracket ends the item: write such checks as "
                       "a block list, one '- item' a line)")
        elif mark is not None and text[mark.index:mark.index + 1] == "\t":
            hint = Msg(" (a tab: indent with spaces)")
        return [Problem(line, col, Msg("YAML syntax: {what}{hint}", what=what, hint=hint), path)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        line, col = 1, 1
        position = getattr(exc, "position", None)
        if isinstance(position, int):  # libyaml counts bytes of UTF-8
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
            line = text.count("\n", 0, position) + 1
            col = position - (text.rfind("\n", 0, position) + 1) + 1
        reason = _yaml_phrase(getattr(exc, "reason", None)) or Msg("not valid YAML")
        return [Problem(line, col, Msg("YAML syntax: {what}{hint}", what=reason, hint=""), path)]
    return Source(path, builder.root, builder.values, builder.keys, text)
