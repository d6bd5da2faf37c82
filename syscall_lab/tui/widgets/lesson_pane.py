"""The lesson itself: the step that just ran (its text, its call as C writes it, the kernel's
answer, the checks) and what comes next."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine.vocabulary import CALLS, WORK_CALLS, machine_arch
from ...i18n import pick, t
from ...lesson.model import Ask, Step
from ...lesson.runner import StepRecord
from ...report.transcript import action_text, call_details, check_line, irq_line
from ..view import View

__all__ = ["LessonPane"]


class LessonPane(VerticalScroll):
    """Scrolls when the step's text is longer than the pane."""

    can_focus = False

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="lesson-body")

    def show(self, view: View, notice: str | None = None, hint: bool = False,
             answers: dict[int, int] | None = None, asking: bool = False) -> None:
        """``answers``: the student's choice for each step's question, by step number;
        ``asking``: next was pressed before the next step's question was answered."""
        answers = answers or {}
        lang, lesson, state = view.lang, view.lesson, view.state
        parts: list[RenderableType] = []
        if notice:
            parts.append(Text(notice, style="bold cyan"))
        record = state.last
        if record is None:
            parts.append(Text(pick(lesson.summary, lang), style="italic"))
        else:
            parts += _ran(record, view, answers.get(record.index) if not record.typed else None)
        nxt = lesson.steps[state.done] if state.done < len(lesson.steps) else None
        if nxt is not None:
            parts.append(_next(nxt, state.done + 1, lang, asking))
        elif lesson.steps:
            checks = sum(len(r.checks) + (1 if r.error else 0) for r in state.records)
            failed = sum(r.tally[1] for r in state.records)
            parts.append(Text("\n" + t("lesson_over", lang, passed=checks - failed, n=checks),
                              style="bold green" if not failed else "bold red"))
            asked = [s.ask for s in lesson.steps if s.ask is not None]
            if asked:
                right = sum(1 for n, s in enumerate(lesson.steps, 1)
                            if s.ask is not None and answers.get(n) == s.ask.answer)
                parts.append(Text(t("score", lang, right=right, n=len(asked)), style="bold"))
        else:
            parts.append(Text("\n" + t("sandbox_intro", lang), style="cyan"))
        if hint:
            parts.append(_hint(nxt, record.step if record else None, lang))
        self.query_one("#lesson-body", Static).update(Group(*parts))
        self.scroll_home(animate=False)


def _ran(r: StepRecord, view: View, chosen: int | None) -> list[RenderableType]:
    lang = view.lang
    out: list[RenderableType] = []
    if r.typed:
        out.append(Text(t("typed_step", lang, do=r.step.do or r.step.action), style="magenta"))
    else:
        out.append(Markdown(pick(r.step.say, lang)))
    call = Text()
    if r.outcome is not None:
        o = r.outcome
        call.append(f"{o.actor}: ", style="bold")
        call.append(view.volatile.text(o.c),
                    style="bold red" if o.errno else "bold yellow" if o.blocked else "bold green")
        proto = CALLS[o.call].signature if o.call in CALLS else ""
        if o.call in WORK_CALLS:  # not the C library's: say what the lab's helper does
            proto += f" /* {CALLS[o.call].summary} */"
        nr = o.syscall.get("nr")
        if nr is not None:
            proto += "   " + t("syscall_nr", lang, name=o.syscall.get("name"), nr=nr,
                                arch=machine_arch())
        call.append("\n  " + proto, style="dim")
        for line in call_details(r, lang):
            call.append("\n  " + line)
        if o.blocked:
            proc = r.snapshot.process(o.actor)
            where = proc.blocked_in if proc and proc.blocked_in else o.call
            call.append("\n  " + t("blocked", lang, actor=o.actor, call=where), style="yellow")
    elif r.action is not None:
        call.append(action_text(r, lang), style="bold")
    if r.error:
        call.append("\n" + t("step_error", lang, error=r.error), style="bold red")
    if call.plain:
        out.append(call)
    if r.step.ask is not None and not r.typed:
        out.append(_answered(r, r.step.ask, chosen, lang))
    if r.checks_irqs:
        out.append(Text(irq_line(r.irqs, lang), style="dim"))
    out.extend(check_line(c, lang) for c in r.checks)
    if r.altered:  # a recording's verdicts, made again: say where the file disagreed
        out.append(Text("⚠ " + t("step_altered", lang, checks=", ".join(map(repr, r.altered))),
                        style="bold magenta"))
    return out


def _answered(r: StepRecord, ask: Ask, chosen: int | None, lang: str) -> Text:
    """The question, what the student predicted against the lesson's answer, and whether the
    kernel agreed with the lesson (its checks), with the lesson's explanation."""
    text = Text()
    text.append(f"{t('ask', lang)}: ", style="bold")
    text.append(pick(ask.question, lang))
    if chosen is not None:
        mine = pick(ask.choices[chosen - 1], lang)
        if chosen == ask.answer:
            text.append("\n  ✓ " + t("you_right", lang, n=chosen, choice=mine), style="bold green")
        else:
            text.append("\n  ✗ " + t("you_wrong", lang, n=chosen, choice=mine), style="bold red")
    answer = t("answer", lang, n=ask.answer, choice=pick(ask.choices[ask.answer - 1], lang))
    text.append(f"\n  {answer}", style="green")
    if ask.explain:
        text.append(f" {pick(ask.explain, lang)}", style="dim")
    checks, failed = r.tally
    if checks:
        text.append("\n  " + (t("kernel_agreed", lang, n=checks) if not failed else
                              t("kernel_disagreed", lang, failed=failed, n=checks)),
                    style="green" if not failed else "bold red")
    return text


def _next(step: Step, n: int, lang: str, asking: bool = False) -> Text:
    text = Text("\n")
    text.append(f"{t('next_step', lang, n=n)}: ", style="bold cyan")
    if step.actor and step.call:
        text.append(f"{step.actor}: ", style="bold")
        text.append((step.do or step.action).split(".", 1)[-1])
    else:
        text.append(step.do or step.action)
    if step.ask is None:
        text.append(f"   {t('press_next', lang)}", style="dim")
    else:
        text.append(f"\n{t('think', lang)}: ", style="bold magenta")
        text.append(pick(step.ask.question, lang))
        for i, choice in enumerate(step.ask.choices, 1):
            text.append(f"\n  {i}. {pick(choice, lang)}")
        text.append("\n" + t("press_answer", lang, n=len(step.ask.choices)),
                    style="bold yellow" if asking else "dim")
    return text


def _hint(upcoming: Step | None, current: Step | None, lang: str) -> Text:
    text = Text("\n")
    hint = (upcoming.hint if upcoming and upcoming.hint else current.hint if current else None)
    text.append(f"{t('hint', lang)}: ", style="bold yellow")
    text.append(pick(hint, lang) if hint else t("no_hint", lang))
    return text
