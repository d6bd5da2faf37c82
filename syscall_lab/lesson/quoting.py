"""Lesson text that quotes the kernel: ``{{ EXPR }}``, ``{{ if CHECK }}...{{ else }}...{{ end }}``.

A ``say``, ``hint`` or ``explain`` text may insert a value read from the kernel at that moment
(``{{ sysctl(net.ipv4.tcp_syn_retries) }}``, ``{{ lsock.accept_queue }}``,
``{{ count(SYN_SENT) }}``) and choose a sentence by a check on it::

    {{ if sysctl(net.ipv4.tcp_syn_linear_timeouts) >= 1 }}... 1 s apart ...{{ else }}... 1 s,
    then 2 s, 4 s ...{{ end }}

EXPR and CHECK are written as in ``expect:`` and compiled by the loader with the step's names.
The runner reads every one when it makes a step's record (after the step: a ``say`` tells what
happened; the next step's ``hint`` is read at the same moment, when it is shown), and keeps the
values in :attr:`~.runner.StepRecord.quoted`, so a recording shows what was read then. This
module only splits texts and fills them in; it never evaluates anything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import Text, pick
from ..shown import shown

__all__ = ["Part", "QuoteError", "fill", "parts", "said"]

_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)


class QuoteError(ValueError):
    def __init__(self, offset: int, message: Any) -> None:
        super().__init__(str(message))
        self.offset = offset
        self.message = message


@dataclass(frozen=True)
class Part:
    """A tag of a text: ``kind`` is value, if, else or end; ``source`` the expression or the
    check (value, if); ``offset`` where the expression starts in the text."""

    kind: str
    source: str
    offset: int


def parts(text: str) -> list[Part]:
    """The tags of ``text``, in order; :class:`QuoteError` if they do not nest (each ``if``
    has its ``end``, an ``else`` stands in an ``if``)."""
    from ..i18n import Msg

    out: list[Part] = []
    depth: list[int] = []
    for m in _TAG.finditer(text):
        inner = m.group(1)
        body = inner.strip()
        at = m.start(1) + (len(inner) - len(inner.lstrip()))
        word = body.split(None, 1)[0] if body else ""
        if not body:
            raise QuoteError(m.start(), Msg("an empty {{{{ }}}}: write what to quote, e.g. "
                                            "{{{{ sysctl(net.ipv4.tcp_syn_retries) }}}}"))
        if word == "if":
            cond = body[2:].strip()
            if not cond:
                raise QuoteError(at, Msg("say what to test: {{{{ if count(SYN_SENT) >= 1 }}}}"))
            out.append(Part("if", cond, at + body.index(cond)))
            depth.append(m.start())
        elif body in ("else", "end"):
            if not depth:
                raise QuoteError(m.start(), Msg("{{{{ {word} }}}} without an {{{{ if ... }}}} "
                                                "before it", word=body))
            if body == "end":
                depth.pop()
            out.append(Part(body, "", at))
        else:
            out.append(Part("value", body, at))
    if depth:
        raise QuoteError(depth[-1], Msg("this {{{{ if ... }}}} has no {{{{ end }}}}"))
    if "{{" in _TAG.sub("", text) or "}}" in _TAG.sub("", text):
        rest = _TAG.sub(lambda m: " " * len(m.group()), text)
        at = min(i for i in (rest.find("{{"), rest.find("}}")) if i >= 0)
        raise QuoteError(at, Msg("a '{{{{' or '}}}}' that is not a tag: quote the kernel as "
                                 "{{{{ EXPR }}}}"))
    return out


def said(text: Text | None, lang: str, quoted: Mapping[str, Any]) -> str:
    """A lesson text in ``lang``, its tags filled with what was read (see :func:`fill`)."""
    return fill(pick(text, lang), quoted)


def shown_value(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # three decimals, or two significant digits of a smaller number (an rtt of 0.000035 s)
        small = 0 < abs(value) < 0.01
        places = 1 - math.floor(math.log10(abs(value))) if small else 3
        return f"{value:.{places}f}".rstrip("0").rstrip(".")
    return shown(str(value))  # a recording's value is outside text


def written(value: Any) -> str:
    """A value the kernel showed, in the lesson grammar's words (``none``, ``true``, a string
    in quotes): how a failed check says what it found, never Python's ``None``."""
    if value is None:
        return "none"
    if isinstance(value, str):
        return shown(repr(value))
    return shown_value(value)


def fill(text: str, quoted: Mapping[str, Any]) -> str:
    """``text`` with each tag replaced: a value by what was read (``?`` if nothing was), an
    ``if`` by its first branch when the check held, else by its ``else`` branch."""
    if "{{" not in text:
        return text
    out: list[str] = []
    keep: list[bool] = []  # for each open if: whether its current branch is shown
    pos = 0
    for m in _TAG.finditer(text):
        if all(keep):
            out.append(text[pos:m.start()])
        pos = m.end()
        body = m.group(1).strip()
        word = body.split(None, 1)[0] if body else ""
        if word == "if":
            keep.append(bool(quoted.get(body[2:].strip())))
        elif body == "else" and keep:
            keep[-1] = not keep[-1]
        elif body == "end" and keep:
            keep.pop()
        elif all(keep):
            out.append(shown_value(quoted.get(body)))
    if all(keep):
        out.append(text[pos:])
    return "".join(out)
