"""Text from outside the program, made safe to show: the one place that decides.

Lesson files, recordings, file names, what an actor wrote, what a read() returned, the kernel's
own strings: none of it may reach a terminal as something the terminal obeys. An ``ESC`` starts
a sequence that can set the window's title (OSC 0/2), write the clipboard (OSC 52), clear the
screen or switch modes (CSI), or talk to the terminal itself (DCS); C1 controls do the same in
one byte; bidi controls reorder what is read; invisible format characters hide what is there.
Rich and Textual do not protect against this: they drop BEL, BS, VT, FF and CR and pass ESC on.

So every front end shows such text through :func:`shown`, which writes each of these characters
as a visible escape (``\\x1b``, ``\\u202e``), as GNU ``ls`` shows a file name's control
characters, and never emits it. :func:`unsafe` finds the first one, for the loader to refuse it
with its position; :func:`quote` is for an error message quoting a token of a file;
:func:`displayable` makes a whole record (a step, a session's state) safe to draw at once;
:func:`json_line` writes JSON that is the same data but shows nothing raw when printed.

The characters (:data:`UNSAFE_RANGES`): Unicode's categories Cc (C0, DEL, C1), Cf (format:
soft hyphen, zero-width space and joiners, bidi marks, embeddings, overrides and isolates, the
BOM, tag characters ...), Cs (surrogates), Zl and Zp (the line and paragraph separators), and
the Hangul fillers (letters that draw nothing, used to fake blank names). A test checks the
table against the running Python's :mod:`unicodedata`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from .i18n import Msg

__all__ = ["SAFE_TEXT", "UNSAFE_RANGES", "codepoint", "describe_char", "displayable",
           "json_line", "quote", "shown", "unsafe"]

UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C),
    (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160),
    (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0x3164, 0x3164), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
"""Code points never emitted raw (Unicode 14 to 16: Cc, Cf, Cs, Zl, Zp; the Hangul fillers)."""


def _class(ranges: tuple[tuple[int, int], ...], keep: str = "") -> re.Pattern[str]:
    parts = []
    for lo, hi in ranges:
        for ch in keep:  # split a range around the characters kept
            if lo <= ord(ch) <= hi:
                parts.append(f"\\U{lo:08x}-\\U{ord(ch) - 1:08x}" if ord(ch) > lo else "")
                lo = ord(ch) + 1
        if lo <= hi:
            parts.append(f"\\U{lo:08x}-\\U{hi:08x}")
    return re.compile("[" + "".join(parts) + "]")


_UNSAFE = _class(UNSAFE_RANGES)
SAFE_TEXT = "(?:(?!" + _UNSAFE.pattern + ").)*"
"""A regex that text without an unsafe character matches whole (a text field's ``restrict``)."""
_UNSAFE_TEXT = _class(UNSAFE_RANGES, keep="\t\n")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


def codepoint(ch: str) -> str:
    """``U+001B``: how a message names a character."""
    return f"U+{ord(ch):04X}"


_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_C0_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 9: "TAB", 10: "LF", 11: "VT", 12: "FF", 13: "CR",
             27: "ESC", 127: "DEL", 0x85: "NEL", 0x9B: "CSI", 0x9D: "OSC", 0x90: "DCS"}


def describe_char(ch: str) -> Msg:
    """What an unsafe character is, for a message: ``control character U+001B (ESC)``,
    ``bidirectional control U+202E``, ``invisible character U+200B``."""
    n = ord(ch)
    cp = codepoint(ch)
    if ch == "\t":
        return Msg("a tab {cp}", cp=cp)
    if n < 0x20 or 0x7F <= n <= 0x9F:
        name = f" ({_C0_NAMES[n]})" if n in _C0_NAMES else ""
        return Msg("control character {cp}{name}", cp=cp, name=name)
    if ch in _BIDI:
        return Msg("bidirectional control {cp} (it reorders the text around it)", cp=cp)
    if ch == "\u2028":
        return Msg("line separator {cp}", cp=cp)
    if ch == "\u2029":
        return Msg("paragraph separator {cp}", cp=cp)
    if 0xD800 <= n <= 0xDFFF:
        return Msg("lone surrogate {cp} (not a character)", cp=cp)
    return Msg("invisible character {cp}", cp=cp)


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named:
        return named
    n = ord(ch)
    return f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"


def unsafe(text: str, allow: str = "") -> int | None:
    """The index of the first character of ``text`` that must not be emitted raw (``allow``:
    characters that may be, e.g. ``"\\n"`` in a multi-line text), or None."""
    for m in _UNSAFE.finditer(text):
        if m.group() not in allow:
            return m.start()
    return None


def shown(text: object, multiline: bool = False) -> str:
    """``text`` with every unsafe character written as a visible escape. ``multiline`` keeps
    line breaks (``\\r\\n`` and ``\\n``, as a terminal's output has them) and expands tabs;
    otherwise they are escaped too, so the text stays on one line."""
    s = text if isinstance(text, str) else str(text)
    if multiline:
        if "\r" in s:
            s = s.replace("\r\n", "\n")
        if "\t" in s:
            s = s.expandtabs(8)
        if _UNSAFE_TEXT.search(s) is None:
            return s
        return _UNSAFE_TEXT.sub(_escape, s)
    if _UNSAFE.search(s) is None:
        return s
    return _UNSAFE.sub(_escape, s)


QUOTE_MAX = 40
"""An error message quotes at most this many characters of what a file held."""


def quote(token: object, limit: int = QUOTE_MAX) -> str:
    """A token of a file, for an error message: escaped, and cut with ``...`` past ``limit``
    characters, so a message never carries more of a file than the token it is about."""
    s = shown(token)
    return s if len(s) <= limit else s[:limit - 3].rstrip("\\") + "..."


def json_line(obj: Any) -> str:
    """``obj`` as one line of JSON: the same data as :func:`json.dumps` gives, with every
    unsafe character written as a ``\\u`` escape (JSON has them only inside strings), so the
    line shows nothing raw when it is printed or ``cat``."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_json_escape, text)


def _json_escape(m: re.Match[str]) -> str:
    n = ord(m.group())
    if n <= 0xFFFF:
        return f"\\u{n:04x}"
    n -= 0x10000
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"


# ---------------------------------------------------------------------------------------
# Whole records

_MEMO: dict[int, tuple[Any, Any]] = {}
"""id(value) -> (value, its displayable twin). The value is kept so its id is not reused."""
MEMO_MAX = 200_000


def displayable(value: Any) -> Any:
    """``value`` (a record: a frozen dataclass of tuples, dicts, strings and numbers) with every
    string passed through :func:`shown` (multi-line, so output keeps its lines). What is already
    safe is returned as itself, so a clean record costs one look at each string, once: records
    and packets are immutable, and their twins are remembered."""
    if isinstance(value, str):
        return shown(value, multiline=True)
    if value is None or isinstance(value, bool | int | float | bytes):
        return value
    key = id(value)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is value:
        return hit[1]
    out = _displayable(value)
    if dataclasses.is_dataclass(value) or isinstance(value, tuple):
        if len(_MEMO) >= MEMO_MAX:
            _MEMO.clear()
        _MEMO[key] = (value, out)
    return out


def _displayable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = displayable(old)
            if new is not old:
                changed[f.name] = new
        return dataclasses.replace(value, **changed) if changed else value
    if isinstance(value, tuple | list):
        items = [displayable(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = [(displayable(k), displayable(v)) for k, v in value.items()]
        if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    return value
