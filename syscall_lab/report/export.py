"""A recorded session as a Markdown report, for grading and handouts (``syscall-lab export``).

:func:`markdown` writes down a :class:`~syscall_lab.lesson.recording.Recording`: where, when
and by what it was recorded, a summary (steps, checks, the student's predictions), then every
step of the session's final run: the lesson's text, the call and its result, the question and
the prediction, the checks, what changed in the kernel, each actor's fd table and the packets.
Every value comes from the recorded step records; the lines are the transcript's own.

The output is CommonMark with GFM tables, and no raw HTML: every text that is not the lesson's
own Markdown is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..engine.snapshot import FdEntry, ProcessState, Snapshot
from ..i18n import Text, packet_word, pick, t
from ..lesson.model import Ask
from ..lesson.quoting import said
from ..lesson.recording import Recording, typed_text
from ..lesson.runner import StepRecord
from ..net.packets import PacketRecord
from ..shown import displayable, shown
from .transcript import (
    CLOSING_STATES,
    action_text,
    call_details,
    check_line,
    describe_change,
    event_text,
    irq_line,
    is_socket_noise,
    net_line,
)

__all__ = ["markdown"]

TITLE_MAX = 80
"""A step's heading is the first sentence of its text, cut to about this many characters."""


def markdown(recording: Recording, lang: str | None = None) -> str:
    """The recording as a Markdown report (in ``lang``, default the recording's language)."""
    lang = lang or recording.lang
    final = recording.frames[-1]
    # Every value is the recording's: from outside, so made safe to show before it is written.
    state, lesson = displayable(final.state), recording.lesson
    blocks = _header(recording, lang)
    blocks += [f"## {t('report_summary', lang)}", _summary(recording, lang)]
    arch = str(recording.machine.get("arch") or "?")
    for r in state.records:
        blocks += _step(r, final.answers.get(r.index), arch, lang)
    if not state.records:
        blocks.append(_para(t("report_no_steps", lang)))
    left = lesson.steps[state.done:]
    if left:
        blocks.append(f"## {t('report_not_reached', lang)}")
        blocks.append(_list(t("report_step", lang, n=n, title=_title(s.say, s.action, lang))
                            for n, s in enumerate(left, state.done + 1)))
    return "\n\n".join(b for b in blocks if b) + "\n"


# ---------------------------------------------------------------------------------------
# Markdown text

_ESCAPE = re.compile(r"[\\`*|~]|\](?=[(\[:])|<(?=[A-Za-z/!?])|&(?=[#A-Za-z])|(?<!\w)_|_(?!\w)")
_LEAD = re.compile(r"^(?:[#>]|[-+=](?=\s|$)|\d{1,9}(?=[.)](?:\s|$)))")


def _esc(text: str) -> str:
    """Plain text as Markdown inline text, on one line: whatever would be markup is escaped
    (an underscore inside a word, as in SYN_RECV, is not markup; nor is a ``]`` that no
    link can follow)."""
    return _ESCAPE.sub(lambda m: "\\" + m.group(0), " ".join(shown(text).split()))


def _lead(md: str) -> str:
    """Markdown inline text placed where a block starts (a paragraph, a list item): a first
    character that would make a heading, a quote or a list is escaped."""
    m = _LEAD.match(md)
    if m is None:
        return md
    if m.group(0).isdigit():  # "1. x" is an ordered list: escape the dot
        return md[:m.end()] + "\\" + md[m.end():]
    return "\\" + md


def _para(text: str) -> str:
    """Plain text as a Markdown paragraph."""
    return _lead(_esc(text))


def _code(text: str, cell: bool = False) -> str:
    """``text`` as a code span (in a table ``cell``, its ``|`` escaped as GFM wants)."""
    one = " ".join(shown(text).split())
    if not one:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", one)), default=0) + 1)
    pad = " " if one[0] == "`" or one[-1] == "`" else ""
    span = f"{fence}{pad}{one}{pad}{fence}"
    return span.replace("|", "\\|") if cell else span


def _fence(text: str, info: str = "") -> str:
    """``text`` as a fenced code block (a fence longer than any run of backticks in it)."""
    text = shown(text, multiline=True)
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _list(lines: Iterable[str]) -> str:
    """A bullet list of lines that are already Markdown."""
    return "\n".join(f"- {_lead(line)}" for line in lines)


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A GFM table; ``head`` plain text, ``rows`` Markdown cells, columns ``right`` aligned
    right."""
    rule = ["---:" if i in right else "---" for i in range(len(head))]
    lines = [[_esc(h) for h in head], rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_TICKS = re.compile(r"`+")


def _no_html(md: str) -> str:
    """A lesson's own Markdown with no HTML in it: every ``<`` outside code is escaped, so
    ``<script>`` in a step's text is text in the report (and in whatever renders it)."""
    out: list[str] = []
    fence: str | None = None
    for line in shown(md, multiline=True).split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if m:
            fence = m.group(1)
            out.append(line)
            continue
        out.append(_no_html_line(line))
    return "\n".join(out)


def _no_html_line(line: str) -> str:
    parts: list[str] = []
    i = 0
    while i < len(line):
        tick = _TICKS.search(line, i)
        end = tick.start() if tick else len(line)
        parts.append(line[i:end].replace("<", "\\<"))
        if tick is None:
            break
        close = re.compile(rf"(?<!`){tick.group()}(?!`)").search(line, tick.end())
        if close is None:  # no closing run: the backticks are text
            parts.append(tick.group())
            i = tick.end()
            continue
        parts.append(line[tick.start():close.end()])  # a code span, kept as written
        i = close.end()
    return "".join(parts)


_MARKS = re.compile(r"\*\*|__|[*`]|(?<!\w)_|_(?!\w)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE = re.compile(r"(.+?[.!?。])(?=\s|$)")


def _title(say: Text, action: str, lang: str) -> str:
    """The first sentence (or line) of a step's text without its markup, shortened; the
    step's action when it says nothing. Markdown, for a heading."""
    first = " ".join(said(say, lang, {}).strip().split("\n\n", 1)[0].split())
    if not first:
        return _code(action) or "?"
    m = _SENTENCE.match(first)
    plain = _MARKS.sub("", _LINK.sub(r"\1", m.group(1) if m else first))
    if len(plain) > TITLE_MAX:
        cut = plain[:TITLE_MAX].rsplit(" ", 1)[0]
        plain = cut.rstrip(",;:") + "…"
    return _heading(plain)


def _heading(text: str) -> str:
    """Plain text as a heading's Markdown (a ``#`` at its end would close the heading)."""
    md = _esc(text)
    return md[:-1] + "\\#" if md.endswith("#") else md


# ---------------------------------------------------------------------------------------
# The parts of the report

def _header(rec: Recording, lang: str) -> list[str]:
    lesson, m = rec.lesson, rec.machine
    machine = t("report_machine_value", lang, system=m.get("system", "?"),
                kernel=m.get("kernel", "?"), arch=m.get("arch", "?"), cpus=m.get("cpus", "?"))
    facts = [(t("report_lesson", lang), _code(lesson.id)),
             (t("report_recorded", lang), _esc(rec.started or "?")),
             (t("report_made", lang), _code(rec.made)),
             (t("report_machine", lang), _esc(machine)),
             (t("report_version", lang), _esc(str(rec.header.get("syscall_lab") or "?")))]
    blocks = [f"# {_heading(pick(lesson.title, lang)) or _code(lesson.id)}",
              _para(pick(lesson.summary, lang)),
              _list(f"{_esc(k)}: {v}" for k, v in facts)]
    notes = []
    if rec.end is None:
        notes.append(t("report_incomplete", lang))
    if rec.cut is not None:
        notes.append(t("report_cut", lang, line=rec.cut))
    if rec.altered:
        notes.append(t("report_altered", lang, n=rec.altered))
    went_back = sum(1 for f in rec.frames if f.cause in ("back", "reset"))
    if went_back:
        notes.append(t("report_went_back", lang, n=went_back))
    blocks += [f"> ⚠ {_esc(note)}" for note in notes]
    return blocks


def _summary(rec: Recording, lang: str) -> str:
    final = rec.frames[-1]
    records, steps = final.state.records, rec.lesson.steps
    made = sum(r.tally[0] for r in records)
    failed = sum(r.tally[1] for r in records)
    skipped = sum(r.skipped for r in records)
    lines = [t("report_steps_done", lang, done=final.state.done, total=len(steps))] \
        if steps else []
    typed = sum(1 for r in records if r.typed)
    if typed:
        lines.append(t("report_typed_done", lang, n=typed))
    lines.append(t("report_checks", lang, passed=made - failed, failed=failed, skipped=skipped))
    asked = [(n, s.ask) for n, s in enumerate(steps, 1) if s.ask is not None]
    if asked and final.answers:
        right = sum(1 for n, ask in asked if final.answers.get(n) == ask.answer)
        lines.append(t("report_predictions", lang, right=right, n=len(asked)))
    elif asked:
        lines.append(t("report_no_predictions", lang, n=len(asked)))
    return _list(map(_esc, lines))


def _step(r: StepRecord, chosen: int | None, arch: str, lang: str) -> list[str]:
    step = r.step
    if r.typed:
        typed = typed_text(step)
        blocks = [f"## {t('report_typed', lang, do=_code(typed))}"]
    else:
        title = _title(step.say, step.action, lang)
        blocks = [f"## {t('report_step', lang, n=r.index, title=title)}",
                  _no_html(said(step.say, lang, r.quoted).strip())]
        if step.ask is not None:
            blocks += _ask(step.ask, chosen, lang, r.quoted)
    notes: list[str] = []
    if r.outcome is not None:
        o = r.outcome
        blocks += [_para(t("report_call", lang, actor=o.actor)), _fence(o.c, "c")]
        if o.syscall.get("nr") is not None:
            notes.append(t("syscall_nr", lang, name=o.syscall.get("name"), nr=o.syscall["nr"],
                           arch=arch))
        notes += call_details(r, lang)
        if o.blocked:
            proc = r.snapshot.process(o.actor)
            where = proc.blocked_in if proc and proc.blocked_in else o.call
            notes.append(t("blocked", lang, actor=o.actor, call=where))
    elif r.action is not None:
        notes.append(action_text(r, lang))
    if r.error:
        notes.append(t("step_error", lang, error=r.error))
    notes += (event_text(e, lang) for e in r.events)
    if r.altered:
        notes.append("⚠ " + t("step_altered", lang, checks=", ".join(map(repr, r.altered))))
    if r.checks_irqs:
        notes.append(irq_line(r.irqs, lang))
    if r.counters_checked:
        notes.append(net_line(r.irqs, lang, r.counters_checked))
    blocks.append(_list(map(_esc, notes)))
    if r.checks:
        blocks += [f"### {t('checks', lang)}",
                   _list(_esc(check_line(c, lang).plain) for c in r.checks)]
    changes = [describe_change(c, lang, r.snapshot) for c in r.changes
               if not is_socket_noise(c, r.snapshot)]
    blocks += [f"### {t('changes', lang)}",
               _list(map(_esc, changes)) if changes else _para(t("no_changes", lang))]
    blocks += _fds(r.snapshot, lang)
    blocks += _packets(r, lang)
    return blocks


def _ask(ask: Ask, chosen: int | None, lang: str, quoted: Mapping[str, Any]) -> list[str]:
    choices = "\n".join(f"{n}. {_para(pick(c, lang))}" for n, c in enumerate(ask.choices, 1))
    if chosen is None or not 1 <= chosen <= len(ask.choices):
        mine = t("report_no_prediction", lang)
    else:
        key = "you_right" if chosen == ask.answer else "you_wrong"
        mark = "✓" if chosen == ask.answer else "✗"
        mine = f"{mark} {t(key, lang, n=chosen, choice=pick(ask.choices[chosen - 1], lang))}"
    answer = t("answer", lang, n=ask.answer, choice=pick(ask.choices[ask.answer - 1], lang))
    lines = [mine, answer] + ([said(ask.explain, lang, quoted)] if ask.explain else [])
    return [f"### {t('ask', lang)}", _para(pick(ask.question, lang)), choices,
            _list(map(_esc, lines))]


def _socket_text(proto: str, state: str | None, local: str | None, remote: str | None) -> str:
    return " ".join(x for x in (proto, state, local, remote and f"-> {remote}") if x)


def _fd_row(f: FdEntry) -> list[str]:
    s = f.socket
    if s is None:
        return [str(f.fd), _esc(f.kind), _code(f.target, cell=True), ""]
    queue = f"{s.accept_queue}/{(s.backlog or 0) + 1}" if s.state == "LISTEN" \
        and s.accept_queue is not None else ""
    what = _socket_text(s.proto, s.state, s.local, s.remote)
    return [str(f.fd), _esc(f.kind), _code(what, cell=True), _esc(queue)]


def _process(p: ProcessState, lang: str) -> str:
    blocked = f" · {t('blocked_short', lang, call=p.blocked_in)}" if p.blocked_in else ""
    return _para(f"{p.actor} · pid {p.pid}{blocked}")


def _fds(snap: Snapshot, lang: str) -> list[str]:
    blocks = [f"### {t('report_fds', lang)}"]
    head = [t("col_fd", lang), t("col_kind", lang), t("col_what", lang),
            t("col_accept_queue", lang)]
    for p in snap.processes:
        blocks += [_process(p, lang), _table(head, map(_fd_row, p.user_fds), right=(0,))]
    if not snap.processes:
        blocks.append(_para(t("report_no_process", lang)))
    orphans = []
    for k in snap.sockets:
        if k.owner is None:
            s = k.socket
            why = t("no_fd_closed" if s.state in CLOSING_STATES else "no_fd", lang)
            where = f"{_esc(s.host)}: " if s.host else ""
            orphans.append(f"{where}{_code(_socket_text(s.proto, s.state, s.local, s.remote))}"
                           f" ({_esc(why)})")
    if orphans:
        blocks += [f"#### {t('orphans_title', lang)}", _list(orphans)]
    return blocks


def _packet_row(p: PacketRecord, lang: str) -> list[str]:
    marks = "".join(f" · {_esc(packet_word(m, lang))}" for m in p.marks)
    return [str(p.n), f"{p.t:.3f}", _esc(p.source or p.src),
            _code(p.summary(), cell=True) + marks, _esc(packet_word(p.fate, lang))]


def _packets(r: StepRecord, lang: str) -> list[str]:
    w = r.wire
    blocks = []
    if w.packets:
        lo = all(p.source is None for p in w.packets)
        head = [t("col_no", lang), t("col_time_s", lang), t("col_from", lang),
                t("col_info", lang), t("col_fate", lang)]
        blocks += [f"### {t('packets_lo' if lo else 'packets', lang)}",
                   _table(head, (_packet_row(p, lang) for p in w.packets), right=(0, 1))]
    notes = []
    if w.omitted:
        notes.append(t("packets_omitted", lang, n=w.omitted))
    if w.held:
        notes.append(t("held_now", lang, which=", ".join(f"#{n}" for n in w.held)))
    if w.lost:
        where = ", ".join(f"{k}: {v}" for k, v in w.lost.items())
        notes.append(t("packets_lost", lang, n=sum(w.lost.values()), where=where))
    return [*blocks, _list(map(_esc, notes))]
