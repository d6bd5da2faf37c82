"""The sandbox prompt (``:``): type a step in the lesson grammar and watch the same panes react.

What is typed is checked by the lesson loader itself (:func:`~syscall_lab.lesson.loader.
compile_step`), so a mistake gets the message a lesson file would, at its column, shown under
the line; nothing runs until the line is right. Tab completes actors, names, calls and wire
actions; up and down walk the history.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from ...engine.vocabulary import CALLS
from ...i18n import say, t
from ...lesson.source import Problem
from ...net.rules import ACTIONS as RULE_ACTIONS
from ...shown import SAFE_TEXT, shown

__all__ = ["SandboxPrompt", "StepSuggester", "candidates", "complete"]

WIRE_WORDS = (*RULE_ACTIONS, "deliver", "drop", "clear")
CONSTANTS = ("AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_NONBLOCK", "SOL_SOCKET",
             "SO_REUSEADDR", "SO_RCVBUF", "IPPROTO_TCP", "TCP_NODELAY", "SHUT_WR", "SHUT_RD",
             "SHUT_RDWR", "O_RDONLY", "MSG_DONTWAIT", "WNOHANG")
_LAST = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)?$")


def candidates(value: str, actors: Iterable[str], names: Iterable[str]) -> tuple[str, list[str]]:
    """(the text before the last word, every word that completes the last word)."""
    m = _LAST.search(value)
    word = m.group(1) if m and m.group(1) else ""
    before = value[: len(value) - len(word)]
    if not word and not before.endswith("."):
        return before, []
    owner = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*[.:]\s*$", before)
    if owner and owner.group(1) == "wire":
        choices: Iterable[str] = WIRE_WORDS
    elif owner and owner.group(1) in set(actors):
        choices = CALLS
    else:
        choices = (*actors, *names, "wire", "wait", "watch", *CONSTANTS)
    return before, [c for c in dict.fromkeys(choices) if c.startswith(word) and c != word]


def complete(value: str, actors: Iterable[str], names: Iterable[str]) -> str | None:
    """``value`` with its last word completed as a shell does: the one word that fits, or as
    far as every word that fits agrees (``wire.del`` stays: delay and deliver); None when
    there is nothing to add."""
    before, found = candidates(value, actors, names)
    if not found:
        return None
    common = found[0]
    for word in found[1:]:  # as far as they all agree
        while not word.startswith(common):
            common = common[:-1]
    done = before + common
    return done if len(done) > len(value) else None


class StepSuggester(Suggester):
    def __init__(self, words: Callable[[], tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._words = words

    async def get_suggestion(self, value: str) -> str | None:
        actors, names = self._words()
        return complete(value, actors, names)


class _StepInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "accept", show=False, priority=True),
        Binding("up", "history(-1)", show=False), Binding("down", "history(1)", show=False),
    ]

    def action_accept(self) -> None:
        """Tab: take the completion shown (Input's own right-arrow at the end of the line)."""
        self.cursor_position = len(self.value)
        self.action_cursor_right()

    def action_history(self, by: int) -> None:
        prompt = self.parent
        if isinstance(prompt, SandboxPrompt):
            prompt.walk_history(by)


class SandboxPrompt(Vertical):
    """Hidden until ``:``; escape hides it again."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, words: Callable[[], tuple[tuple[str, ...], tuple[str, ...]]],
                 history: list[str], **kw: Any) -> None:
        super().__init__(**kw)
        self._words = words
        self.history = history
        """Lines typed so far (shared by every lesson of this run of the app)."""
        self._at = len(history)
        self.lang = "en"

    def compose(self) -> ComposeResult:
        yield _StepInput(placeholder="server.listen(lsock, 2)", id="sandbox-input",
                         suggester=StepSuggester(self._words), select_on_focus=False,
                         restrict=SAFE_TEXT)  # a pasted escape sequence is not typed
        yield Static(id="sandbox-note")

    def open(self, lang: str) -> None:
        self.lang = lang
        self.display = True
        self._at = len(self.history)
        self.note(None)
        self.query_one(Input).focus()

    def action_close(self) -> None:
        self.display = False
        self.screen.set_focus(None)

    def walk_history(self, by: int) -> None:
        if not self.history:
            return
        self._at = max(0, min(len(self.history), self._at + by))
        field = self.query_one(Input)
        field.value = self.history[self._at] if self._at < len(self.history) else ""
        field.cursor_position = len(field.value)

    def note(self, problems: list[Problem] | None, text: str = "", kept: bool = False) -> None:
        """Under the line: its problems (each pointing at its column), else what to type;
        ``kept``: the line that was wrong is still in the field, selected (typing replaces
        it, the arrows keep it to mend)."""
        out = Text()
        if problems:
            first = True
            for p in problems:
                if not first:
                    out.append("\n")
                first = False
                out.append(" " * (len(self.INDENT) + p.col - 1) + "^ ", style="bold red")
                out.append(t("sandbox_at", self.lang, col=p.col), style="red")
                out.append(shown(say(p.message, self.lang)), style="red")
        else:
            call = re.search(r"\.\s*([a-z_0-9]+)\s*\(", text)
            actors, names = self._words()
            before, found = candidates(text, actors, names)
            if text and len(found) > 1:  # tab stops where they differ: say what fits
                out.append(t("sandbox_choices", self.lang, words=" · ".join(
                    before.rsplit(" ", 1)[-1] + w for w in found[:8])), style="dim")
            elif call and call.group(1) in CALLS:
                out.append(CALLS[call.group(1)].signature, style="dim")
            else:
                out.append(t("sandbox_help", self.lang), style="dim")
        if kept:
            out.append("\n" + t("sandbox_kept", self.lang), style="yellow")
        self.query_one("#sandbox-note", Static).update(out)

    INDENT = " "
    """Where the typed text starts (the field's left padding in app.tcss): carets line up."""

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value.startswith(":"):  # the key that opened the prompt, typed again
            event.input.value = event.value.lstrip(":").lstrip()
            return
        self.note(None, event.value)

    def refused(self, problems: list[Problem], text: str) -> None:
        """A line that is not a step: its problems shown, and the line kept, selected, so the
        next key either mends it or types over it (never appends to it unseen)."""
        self.note(problems, text, kept=True)
        field = self.query_one(Input)
        field.selection = Selection(0, len(field.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.post_message(self.Submitted(text))

    def accepted(self, text: str) -> None:
        """The line ran: into the history, and the field is cleared for the next."""
        if not self.history or self.history[-1] != text:
            self.history.append(text)
        self._at = len(self.history)
        self.query_one(Input).value = ""
