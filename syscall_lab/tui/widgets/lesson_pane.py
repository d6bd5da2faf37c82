"""The lesson: its story above, and below it what just happened and what to do next.

Two parts, so that what a student must see is never below the fold:

- the **story** scrolls: the step's text, the answer to the question just answered with its
  explanation, and the hint when asked for (PageUp/PageDown, the wheel, or focus it with Tab);
- the **now** card is always whole on screen, at any size: the call the step made and the
  kernel's answer, its checks, and what to do next (the question with its choices and "press
  1-3", or "space: step N"). It takes the room it needs; when a small terminal has less, it
  says the same in fewer lines (a passed check's list becomes a count, the C prototype goes),
  and the story gives up room first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ...engine.protocol import Event, Exited, Output, Returned
from ...engine.vocabulary import CALLS, WORK_CALLS, machine_arch
from ...i18n import pick, say, t
from ...lesson.model import Ask, Step
from ...lesson.quoting import said
from ...lesson.runner import StepRecord
from ...report.markup import inline_markdown
from ...report.transcript import (
    action_text,
    call_details,
    check_line,
    irq_line,
    net_line,
)
from ..view import View, update

__all__ = ["LessonPane", "Now", "Story"]

MIN_STORY = 3
STORY_SHARE = 0.35
"""The story keeps at least this share of the pane (and :data:`MIN_STORY` lines): past it,
the card says the same in fewer lines."""
DETAILS = ("next", "proto", "passed", "events", "ran", "verdict")
"""What the card leaves out, in this order, when it does not fit: the next step's call past
its first line (a long string in it ends in an ellipsis); the C prototype and the
syscall's number; the list of passed checks (a count stays); what actors wrote; the step just
done becomes one line (its call cut with an ellipsis, its checks as a count, a failed one still
named); the prediction's verdict (the story above has it). What to do next always stays."""
NARROW_KEEP = 6
"""Rows the kernel's tabs keep in a narrow terminal when the lesson pane grows for its card."""


@dataclass
class Shown:
    """What the lesson pane was last asked to show (kept to redraw it at another size)."""

    view: View
    notice: str | None = None
    hint: bool = False
    answers: dict[int, int] | None = None
    asking: bool = False
    answer_first: bool = False
    """Next was pressed on a question not answered yet: the card says to answer first."""
    busy: bool = False
    """The kernel is working on a request (an answer pressed meanwhile waits for it)."""


class Story(VerticalScroll):
    """The step's text, scrolled with the keyboard when it is longer than the room."""

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-body")


class Now(Static):
    """What just happened and what to do next."""


class LessonPane(Vertical):
    def compose(self) -> ComposeResult:
        yield Story(id="lesson-story")
        yield Now(id="lesson-now")

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._shown: Shown | None = None
        self._story_key: tuple[object, ...] | None = None
        self._grown: int | None = None

    def show(self, view: View, notice: str | None = None, hint: bool = False,
             answers: dict[int, int] | None = None, asking: bool = False,
             answer_first: bool = False, busy: bool = False) -> None:
        """``answers``: the student's choice for each step's question, by step number;
        ``asking``: next was pressed before the next step's question was answered; ``busy``:
        the kernel is working on a request."""
        self._shown = Shown(view, notice, hint, answers or {}, asking, answer_first, busy)
        self._paint()

    def on_resize(self) -> None:
        if self._shown is not None:
            self._paint()

    def _paint(self) -> None:
        s = self._shown
        assert s is not None
        answers = s.answers or {}
        story = self.query_one(Story)
        key = (id(s.view.state.last), s.view.lang, s.notice, s.hint, tuple(answers.items()),
               s.view.state.done)
        if key != self._story_key:  # the same story: the student's scrolling stays
            self.query_one("#lesson-body", Static).update(Group(*_story(s)))
            if s.hint:  # asked for: scroll it into view
                story.call_after_refresh(story.scroll_end, animate=False)
            elif self._story_key is None or key[:2] != self._story_key[:2] or \
                    key[4:] != self._story_key[4:]:
                story.scroll_home(animate=False)
            self._story_key = key
        width = max(20, self.size.width - 2) if self.size.width else 76
        height = self.size.height
        room = height - max(MIN_STORY, int(height * STORY_SHARE)) - 1 if height else 999
        card, lines = _fit(lambda leave: _now(s, leave, width), width, room, self)
        update(self.query_one(Now), card)
        self._grow(lines, room)

    def _grow(self, lines: int, room: int) -> None:
        """In a narrow terminal (the pane above the kernel's tabs), a card that does not fit
        even said shortly takes rows from the tabs below, down to :data:`NARROW_KEEP`; it
        gives them back when it is short again."""
        if self.parent is not self.screen or not self.size.height:
            return
        want = None if lines <= room else self.size.height + lines - room
        limit = self.screen.size.height - 2 - NARROW_KEEP  # title and key bar
        height = None if want is None else min(want, limit)
        if height != self._grown:
            self._grown = height
            self.styles.height = height if height is not None else None  # back to the CSS


def _fit(build: Callable[[frozenset[str]], Text], width: int, room: int,
         pane: LessonPane) -> tuple[Text, int]:
    """The card with as much detail as ``room`` lines hold at ``width`` columns, and the
    lines it takes."""
    console = pane.app.console
    leave: frozenset[str] = frozenset()
    text = build(leave)
    lines = len(text.wrap(console, width))
    for detail in DETAILS:
        if lines <= room:
            break
        leave |= {detail}
        text = build(leave)
        lines = len(text.wrap(console, width))
    return text, lines


# ---------------------------------------------------------------------------------------
# The story

@functools.lru_cache(maxsize=512)
def _markdown(text: str) -> Markdown:
    """A lesson text as Markdown, parsed once (a parser is made for each Markdown, and a
    replay or a language switch shows the same texts again)."""
    return Markdown(text)


def _story(s: Shown) -> list[RenderableType]:
    view = s.view
    lang, lesson, state = view.lang, view.lesson, view.state
    answers = s.answers or {}
    parts: list[RenderableType] = []
    if s.notice:
        parts.append(Text(s.notice, style="bold cyan"))
    record = state.last
    if record is None:
        parts.append(Text(pick(lesson.summary, lang), style="italic"))
    elif record.typed:
        parts.append(Text(t("typed_step", lang, do=record.step.do or record.step.action),
                          style="magenta"))
    else:
        parts.append(_markdown(said(record.step.say, lang, record.quoted)))
        if record.step.ask is not None:
            parts += _answered(record, record.step.ask, answers.get(record.index), lang)
    if s.hint:
        parts.append(_hint(lesson.steps[state.done] if state.done < len(lesson.steps) else None,
                           state.done + 1, lang, record.quoted if record else {}))
    return parts


def _answered(r: StepRecord, ask: Ask, chosen: int | None, lang: str) -> list[RenderableType]:
    """The question, what the student predicted, the lesson's answer on a line of its own and
    its explanation as a paragraph, and whether the kernel agreed (the step's checks)."""
    text = Text("\n")
    text.append(f"{t('ask', lang)}: ", style="bold")
    text.append_text(inline_markdown(pick(ask.question, lang)))
    if chosen is not None:
        mine = inline_markdown(pick(ask.choices[chosen - 1], lang))
        right = chosen == ask.answer
        text.append("\n" + ("✓ " if right else "✗ "), style="bold green" if right else "bold red")
        text.append_text(_filled(t("you_right" if right else "you_wrong", lang, n=chosen,
                                   choice="\0"), mine,
                                 "bold green" if right else "bold red"))
    text.append("\n" + t("answer_is", lang, n=ask.answer) + " ", style="green")
    text.append_text(inline_markdown(pick(ask.choices[ask.answer - 1], lang), "bold green"))
    checks, failed = r.tally
    if checks:
        text.append("\n" + (t("kernel_agreed", lang, n=checks) if not failed else
                            t("kernel_disagreed", lang, failed=failed, n=checks)),
                    style="green" if not failed else "bold red")
    out: list[RenderableType] = [text]
    if ask.explain:
        out.append(_markdown(said(ask.explain, lang, r.quoted)))
    return out


def _filled(template: str, value: Text, style: str) -> Text:
    """A message with ``\\0`` where ``value`` (styled text) goes."""
    before, _, after = template.partition("\0")
    out = Text(before, style=style)
    out.append_text(value)
    out.append(after, style=style)
    return out


def _hint(upcoming: Step | None, n: int, lang: str, quoted: Mapping[str, Any]) -> Text:
    text = Text("\n")
    if upcoming is None:
        text.append(t("no_hint", lang), style="yellow")
        return text
    text.append(t("hint_for", lang, n=n) + " ", style="bold yellow")
    text.append_text(inline_markdown(said(upcoming.hint, lang, quoted)) if upcoming.hint
                     else Text(t("no_hint", lang)))
    return text


# ---------------------------------------------------------------------------------------
# The card

def _now(s: Shown, leave: frozenset[str], width: int = 76) -> Text:
    view = s.view
    lang, lesson, state = view.lang, view.lesson, view.state
    out = Text()
    record = state.last
    if record is not None:
        out.append_text(_ran(record, view, leave, width))
        if state.pending_events:  # since the step: a call returned, output, an exit
            out.append_text(_events(state.pending_events, view))
        chosen = (s.answers or {}).get(record.index) if not record.typed else None
        ask = record.step.ask
        if ask is not None and chosen is not None and not record.typed and \
                "verdict" not in leave:
            right = chosen == ask.answer
            out.append("\n" + ("✓ " if right else "✗ ") + t(
                "prediction_right" if right else "prediction_wrong", lang, n=chosen,
                answer=ask.answer), style="bold green" if right else "bold red")
        out.append("\n")
    nxt = lesson.steps[state.done] if state.done < len(lesson.steps) else None
    if nxt is not None:
        out.append_text(_next(nxt, state.done + 1, lang, s.asking, s.answer_first,
                               width if "next" in leave else None,
                               (s.answers or {}).get(state.done + 1), s.busy))
    elif lesson.steps:
        checks = sum(r.tally[0] for r in state.records)
        failed = sum(r.tally[1] for r in state.records)
        out.append(t("lesson_over", lang, passed=checks - failed, n=checks),
                   style="bold green" if not failed else "bold red")
        asked = [s_.ask for s_ in lesson.steps if s_.ask is not None]
        if asked:
            answered = s.answers or {}
            n_right = sum(1 for n, st in enumerate(lesson.steps, 1)
                        if st.ask is not None and answered.get(n) == st.ask.answer)
            out.append("\n" + t("score", lang, right=n_right, n=len(asked)), style="bold")
    else:
        out.append(t("sandbox_intro", lang), style="cyan")
    return out


def _ran(r: StepRecord, view: View, leave: frozenset[str], width: int = 76) -> Text:
    """The step just done: its call and the kernel's answer, its checks."""
    if "ran" in leave:
        return _ran_short(r, view, width)
    lang = view.lang
    line = Text()
    line.append(f"{t('step_short', lang, n=r.index)} " if not r.typed else ": ",
                style="bold magenta" if r.typed else "bold")
    if r.outcome is not None:
        o = r.outcome
        line.append(f"{o.actor}: ", style="bold")
        line.append(view.volatile.text(o.c),
                    style="bold red" if o.errno else "bold yellow" if o.blocked else "bold green")
        if "proto" not in leave:
            proto = CALLS[o.call].signature if o.call in CALLS else ""
            if o.call in WORK_CALLS:  # not the C library's: say what the lab's helper does
                proto += f" /* {say(CALLS[o.call].summary, lang)} */"
            nr = o.syscall.get("nr")
            if nr is not None:
                proto += "   " + t("syscall_nr", lang, name=o.syscall.get("name"), nr=nr,
                                    arch=machine_arch())
            line.append("\n  " + proto, style="dim")
        for detail in call_details(r, lang):
            line.append("\n  " + detail)
        if o.blocked:
            proc = r.snapshot.process(o.actor)
            where = proc.blocked_in if proc and proc.blocked_in else o.call
            line.append("\n  " + t("blocked", lang, actor=o.actor, call=where), style="yellow")
    elif r.action is not None:
        line.append(action_text(r, lang), style="bold")
    elif r.typed:
        line.append(r.step.do or r.step.action, style="italic")
    if r.error:
        line.append("\n" + t("step_error", lang, error=r.error), style="bold red")
    if "events" not in leave:
        line.append_text(_events(r.events, view))
    if r.checks_irqs:
        line.append("\n" + irq_line(r.irqs, lang), style="dim")
    if r.counters_checked:
        line.append("\n" + net_line(r.irqs, lang, r.counters_checked), style="dim")
    passed = [c for c in r.checks if c.ok and c.skipped is None]
    if "passed" in leave and len(passed) > 1:
        line.append("\n✓ ", style="bold green")
        line.append(t("checks_passed", lang, n=len(passed)))
        shown = [c for c in r.checks if not (c.ok and c.skipped is None)]
    else:
        shown = list(r.checks)
    for c in shown:
        line.append("\n")
        line.append_text(check_line(c, lang))
    if r.altered:  # a recording's verdicts, made again: say where the file disagreed
        line.append("\n⚠ " + t("step_altered", lang, checks=", ".join(map(repr, r.altered))),
                    style="bold magenta")
    return line


def _ran_short(r: StepRecord, view: View, width: int) -> Text:
    """The step just done in one line: ``Step 11: recv(4, ..., 4096, 0) ... ✓ 2`` (a failed
    check is still named, on a line of its own)."""
    lang = view.lang
    line = Text()
    line.append(f"{t('step_short', lang, n=r.index)} " if not r.typed else ": ", style="bold")
    o = r.outcome
    what = view.volatile.text(o.c) if o is not None else \
        action_text(r, lang) if r.action is not None else (r.step.do or r.step.action)
    passed = sum(1 for c in r.checks if c.ok and c.skipped is None)
    tail = f"  ✓ {passed}" if passed else ""
    failed = [c for c in r.checks if not c.ok and c.skipped is None]
    style = "bold red" if (o and o.errno) or r.error or failed else \
        "bold yellow" if o and o.blocked else "bold green"
    line.append(what, style=style)
    line.truncate(max(8, width - len(tail)), overflow="ellipsis")
    out = Text()
    out.append_text(line)
    out.append(tail, style="green")
    if r.error:
        out.append("\n" + t("step_error", lang, error=r.error), style="bold red")
    for c in failed:
        out.append("\n")
        out.append_text(check_line(c, lang))
    return out


def _events(events: tuple[Event, ...], view: View) -> Text:
    """What happened besides the call: output, a blocked call returning, an exit."""
    lang, out = view.lang, Text()
    for e in events:
        if isinstance(e, Output):
            written = e.data.rstrip("\n")
            out.append("\n  " + t("wrote", lang, actor=e.actor,
                                  text=view.volatile.text(written)), style="blue")
        elif isinstance(e, Returned) and e.c:
            key = "forked_child" if e.in_child else "returned_later"
            out.append("\n  " + t(key, lang, actor=e.actor, c=view.volatile.text(e.c)),
                       style="magenta")
        elif isinstance(e, Exited):
            how = f"(code {e.code})" if e.code is not None else \
                f"({e.signal})" if e.signal is not None else ""
            out.append("\n  " + t("exited", lang, actor=e.actor, how=how), style="dim")
    return out


def _next(step: Step, n: int, lang: str, asking: bool, answer_first: bool,
          one_line: int | None = None, chosen: int | None = None,
          busy: bool = False) -> Text:
    """What to do next; ``one_line``: the step's call cut to that many columns; ``chosen``:
    the answer already pressed to its question (the step runs once the kernel is free)."""
    text = Text()
    text.append(f"{t('next_step', lang, n=n)}: ", style="bold cyan")
    if step.actor and step.call:
        text.append(f"{step.actor}: ", style="bold")
        text.append((step.do or step.action).split(".", 1)[-1])
    else:
        text.append(step.do or step.action)
    if one_line is not None:
        text = Text("").join(text.split("\n"))
        press = 0 if step.ask is not None else 3 + cell_len(t("press_next", lang))
        text.truncate(max(12, one_line - press), overflow="ellipsis")
    if step.ask is None:
        text.append(f"   {t('press_next', lang)}", style="bold")
        return text
    text.append(f"\n{t('think', lang)}: ", style="bold magenta")
    text.append_text(inline_markdown(pick(step.ask.question, lang)))
    for i, choice in enumerate(step.ask.choices, 1):
        text.append(f"\n  {i}. ", style="bold")
        text.append_text(inline_markdown(pick(choice, lang)))
    n_choices = len(step.ask.choices)
    if chosen is not None:
        text.append("\n" + t("answer_taken" if busy else "answered_run", lang, n=chosen),
                    style="bold yellow" if busy else "bold")
    elif answer_first:
        text.append("\n" + t("answer_first", lang, n=n_choices), style="bold reverse yellow")
    else:
        text.append("\n" + t("press_answer", lang, n=n_choices),
                    style="bold yellow" if asking else "bold")
    return text
