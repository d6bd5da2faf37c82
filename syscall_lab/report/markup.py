"""A lesson's inline Markdown (a question, a choice, an explanation) as styled text.

Lesson texts are Markdown. A step's ``say`` is a block and is rendered by Rich's Markdown; the
short texts that sit inside a line (a question and its choices, an answer, a hint) are inline:
``**bold**``, ``*emphasis*``, `` `code` `` and ``[links](url)`` become styles, so a student
never reads the markup itself.
"""

from __future__ import annotations

import re

from rich.text import Text

__all__ = ["inline_markdown", "plain_markdown"]

_INLINE = re.compile(
    r"(?P<code>`+)(?P<code_text>.+?)(?P=code)(?!`)"
    r"|\*\*(?P<strong>(?=\S).+?(?<=\S))\*\*"
    r"|(?<![\w*])\*(?P<em>(?=[^\s*]).+?(?<=[^\s*]))\*(?![\w*])"
    r"|(?<!\w)_(?P<em2>(?=[^\s_]).+?(?<=[^\s_]))_(?!\w)"
    r"|!?\[(?P<link>[^\]]+)\]\([^)\s]*\)"
    r"|\\(?P<escaped>[\\`*_\[\]()#+\-.!<>])",
    re.DOTALL)

CODE_STYLE = "bold cyan"


def inline_markdown(text: str, style: str = "") -> Text:
    """``text`` with its inline Markdown turned into styles (``style`` for the rest)."""
    out = Text(style=style)
    at = 0
    for m in _INLINE.finditer(text):
        out.append(text[at:m.start()])
        if m.group("code") is not None:
            out.append(m.group("code_text").strip(" ") or m.group("code_text"), CODE_STYLE)
        elif m.group("strong") is not None:
            out.append_text(inline_markdown(m.group("strong"), "bold"))
        elif m.group("em") is not None or m.group("em2") is not None:
            out.append_text(inline_markdown(m.group("em") or m.group("em2"), "italic"))
        elif m.group("link") is not None:
            out.append(m.group("link"), "underline")
        else:
            out.append(m.group("escaped"))
        at = m.end()
    out.append(text[at:])
    return out


def plain_markdown(text: str) -> str:
    """``text`` with its inline markup taken out (for one line of plain text)."""
    return inline_markdown(text).plain
