"""The headless runner's readable transcript (Rich), and its JSON-lines twin.

Both render :class:`~syscall_lab.lesson.runner.StepRecord` values and nothing else: every fd,
state and queue depth printed here came from the snapshot the supervisor took.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from ..engine.lab import WireView
from ..engine.protocol import Event, Output, Returned, event_to_json
from ..engine.snapshot import Change, Snapshot
from ..engine.vocabulary import CALLS, machine_arch
from ..i18n import field_label, packet_word, pick, say, t
from ..lesson.model import Ask, CheckResult, Lesson
from ..lesson.quoting import said, written
from ..lesson.runner import StepRecord
from ..net.packets import PacketRecord
from ..observe.interrupts import IrqDelta
from ..observe.procfs import cpu_ranges
from ..shown import displayable, json_line
from .markup import inline_markdown

__all__ = ["FATE_STYLE", "JsonLines", "Transcript", "action_text", "describe_change",
           "is_socket_noise", "packet_line",
           "step_json"]


def _fmt(v: Any) -> str:
    return "-" if v is None else str(v)


def _moved(before: dict[str, Any], after: dict[str, Any], lang: str) -> str:
    # A queue that first becomes readable (None -> 0, e.g. at bind()) is not news.
    return ", ".join(f"{field_label(k, lang)} {_fmt(before.get(k))} -> {_fmt(v)}"
                     for k, v in after.items()
                     if k != "owner" and not (before.get(k) is None and v == 0))


def describe_change(c: Change, lang: str, snap: Snapshot | None = None) -> str:
    """One line for a change: ``server: fd 3 state CLOSE -> LISTEN, backlog - -> 2``."""
    if c.what == "fd_opened":
        a = c.after
        what = f"{a.get('target')}" + (f" {a['state']}" if a.get("state") is not None else "")
        return t("fd_opened", lang, actor=c.actor, fd=c.fd, what=what)
    if c.what == "fd_closed":
        return t("fd_closed", lang, actor=c.actor, fd=c.fd, what=c.before.get("target"))
    if c.what == "fd_changed":
        what = _moved(c.before, c.after, lang)
        return t("fd_changed", lang, actor=c.actor, fd=c.fd, what=what)
    if c.what == "process_started":
        return t("process_started", lang, actor=c.actor, pid=c.after.get("pid"))
    if c.what == "process_exited":
        return t("process_exited", lang, actor=c.actor)
    if c.what == "process_changed":
        parts = []
        for k, v in c.after.items():
            if k == "blocked_in":
                parts.append(t("now_blocked", lang, call=v) if v
                             else t("returned_from", lang, call=c.before.get(k)))
            else:
                parts.append(f"{field_label(k, lang)} {_fmt(c.before.get(k))} -> {_fmt(v)}")
        return t("process_changed", lang, actor=c.actor, what=", ".join(parts))
    if c.what == "socket_appeared":
        a = c.after
        owner = (f"{a['owner']['actor']} fd {a['owner']['fd']}" if a.get("owner")
                 else _no_fd(a.get("state"), lang))
        return t("socket_appeared", lang, key=c.key, what=f"{a.get('state')}, {owner}")
    if c.what == "socket_gone":
        return t("socket_gone", lang, key=c.key)
    what = _moved(c.before, c.after, lang)
    if "owner" in c.after:
        o = c.after["owner"]
        state = c.after.get("state", c.before.get("state"))
        owner = f"{o['actor']} fd {o['fd']}" if o else _no_fd(
            state, lang, had=c.before.get("owner"), snap=snap)
        what = ", ".join(filter(None, [what, f"{field_label('owner', lang)} -> {owner}"]))
    return t("socket_changed", lang, key=c.key, what=what)


CLOSING_STATES = frozenset({"FIN_WAIT1", "FIN_WAIT2", "CLOSING", "LAST_ACK", "TIME_WAIT"})
"""States a socket can be in after its last fd closed: no fd will ever hold it again."""


def _no_fd(state: str | None, lang: str, had: Any = None, snap: Snapshot | None = None) -> str:
    """A socket no fd holds: one not yet accepted (SYN_RECV, in the queue), one the program
    closed that the kernel is finishing on its own (TIME_WAIT...), or one whose fd went with
    its process (``had``: the owner it had; its actor is no more in ``snap``)."""
    if state in CLOSING_STATES:
        return t("no_fd_closed", lang)
    if isinstance(had, dict) and had.get("actor"):
        gone = snap is not None and snap.process(str(had["actor"])) is None
        return t("no_fd_exited" if gone else "no_fd_any_more", lang, actor=had["actor"])
    return t("no_fd", lang)


def is_socket_noise(c: Change, snap: Snapshot) -> bool:
    """Whether a socket's change is already told by its fd's change (the fd's line names its
    new state): so only for a socket an fd holds, both before and after. A socket no fd holds
    (an accept-queue entry, SYN_RECV, FIN_WAIT2 or TIME_WAIT after close()) is told itself,
    every change of it."""
    if c.what == "socket_changed":
        if "owner" in c.after or not c.before or c.key is None:
            return False
        now = next((k for k in snap.sockets if k.key == c.key), None)
        return now is not None and now.owner is not None
    if c.what == "socket_appeared":
        return c.after.get("owner") is not None
    return False


def action_text(r: StepRecord, lang: str) -> str:
    """What a wire action or a watch step did, in one line."""
    a = r.action
    assert a is not None
    if a.action == "pause":
        return t("watched", lang, seconds=a.detail.get("seconds"))
    if a.action == "sysctl":
        done = a.detail.get("sysctl") or {}
        was = done.get("was") or {}
        before = ", ".join(f"{h} {v}" for h, v in was.items()) if len(set(was.values())) > 1 \
            else next(iter(was.values()), None)
        return t("sysctl_set", lang, name=done.get("name"), value=done.get("value"),
                 where=", ".join(was) if was else "lab", was=before)
    if a.action == "wire.rule":
        rule = a.detail.get("rule") or {}
        return t("wire_rule", lang, id=rule.get("id"), rule=r.step.action.split(".", 1)[-1])
    if a.action == "wire.clear":
        return t("wire_clear", lang, n=a.detail.get("cleared"))
    key = "delivered" if a.action == "wire.deliver" else "dropped"
    which = ", ".join(f"#{n}" for n in a.detail.get(key) or []) or t("none", lang)
    return t(a.action.replace(".", "_"), lang, which=which)


def event_text(e: Event, lang: str) -> str:
    """What happened besides a step's call, in a sentence: a late return, output, an exit."""
    if isinstance(e, Returned):
        return t("forked_child" if e.in_child else "returned_later", lang, actor=e.actor, c=e.c)
    if isinstance(e, Output):
        return t("wrote", lang, actor=e.actor, text=e.data.rstrip())
    how = f"(code {e.code})" if e.code is not None else \
        f"({e.signal})" if e.signal is not None else ""
    return t("exited", lang, actor=e.actor, how=how)


class Transcript:
    """Prints a lesson run for people."""

    def __init__(self, lesson: Lesson, lang: str, out: TextIO | None = None,
                 width: int | None = None, console: Console | None = None) -> None:
        self.lesson = lesson
        self.lang = lang
        self.console = console or Console(file=out, width=width, highlight=False, soft_wrap=False)
        self.arch = machine_arch()
        self.total = 0
        self.failed = 0
        self.skipped = 0

    def header(self) -> None:
        c = self.console
        c.rule(f"[bold]{escape(pick(self.lesson.title, self.lang))}[/]")
        c.print(escape(pick(self.lesson.summary, self.lang)), style="dim")

    def _put(self, text: str | Text, indent: int = 2, style: str = "") -> None:
        """One block, indented as a whole (wrapped lines too)."""
        body = Text.from_markup(text, style=style) if isinstance(text, str) else text
        self.console.print(Padding(body, (0, 0, 0, indent)))

    def step(self, r: StepRecord) -> None:
        r = displayable(r)  # what actors wrote and read, as text that is never obeyed
        c, lang = self.console, self.lang
        c.print()
        title = t("step", lang, n=r.index, total=r.total)
        who = f" · {escape(r.step.actor)}" if r.step.actor else ""
        c.rule(f"{title}{who}", align="left", style="cyan")
        if r.step.say:
            self.console.print(Markdown(said(r.step.say, lang, r.quoted)))
        if r.step.ask is not None:
            self._ask(r.step.ask, r.quoted)
        if r.outcome is not None:
            o = r.outcome
            line = Text()
            line.append(f"{o.actor}: ", style="bold")
            line.append(o.c, style="red" if o.errno else "green" if not o.blocked else "yellow")
            self._put(line)
            if o.syscall.get("nr") is not None:
                self._put(escape(t("syscall_nr", lang, name=o.syscall["name"],
                                   nr=o.syscall["nr"], arch=self.arch)), 4, "dim")
            for detail in call_details(r, lang):
                self._put(escape(detail), 4)
            if o.blocked:
                proc = r.snapshot.process(o.actor)
                where = proc.blocked_in if proc and proc.blocked_in else o.call
                wchan = f" (wchan {proc.wchan})" if proc and proc.wchan else ""
                self._put(escape(t("blocked", lang, actor=o.actor, call=where)) + wchan, 2,
                          "yellow")
        elif r.action is not None:
            self._put(escape(action_text(r, lang)), 2, "bold")
        if r.error:
            self._put(escape(t("step_error", lang, error=r.error)), 2, "bold red")
        for e in r.events:
            self._event(e)
        self._wire(r.wire)
        changes = [ch for ch in r.changes if not is_socket_noise(ch, r.snapshot)]
        if changes:
            self._put(f"[bold]{t('changes', lang)}[/]")
            for ch in changes:
                self._put(escape(describe_change(ch, lang, r.snapshot)), 4)
        else:
            self._put(t("no_changes", lang), 2, "dim")
        if r.checks_irqs:
            self._put(escape(irq_line(r.irqs, lang)), 2, "dim")
        if r.counters_checked:
            self._put(escape(net_line(r.irqs, lang, r.counters_checked)), 2, "dim")
        for chk in r.checks:
            self._put(check_line(chk, lang))
        total, failed = r.tally
        self.total += total
        self.failed += failed
        self.skipped += r.skipped

    def _ask(self, ask: Ask, quoted: Mapping[str, Any]) -> None:
        """Headless, nobody answers: the question, its choices and the answer, as a quiz
        sheet with its key; the explanation a paragraph of its own. Their Markdown is
        rendered, never printed as markup."""
        lang = self.lang
        question = Text(f"{t('ask', lang)}: ", style="bold")
        question.append_text(inline_markdown(pick(ask.question, lang)))
        self._put(question)
        for n, choice in enumerate(ask.choices, 1):
            line = Text(f"{'→' if n == ask.answer else ' '} {n}. ")
            line.append_text(inline_markdown(pick(choice, lang)))
            self._put(line, 4)
        answer = Text(t("answer_is", lang, n=ask.answer) + " ", style="bold")
        answer.append_text(inline_markdown(pick(ask.choices[ask.answer - 1], lang), "bold"))
        self._put(answer, 4)
        if ask.explain:
            self.console.print(Padding(Markdown(said(ask.explain, lang, quoted)), (0, 0, 0, 4)))

    def _wire(self, w: WireView) -> None:
        lang = self.lang
        if w.packets:
            lo = all(p.source is None for p in w.packets)
            self._put(f"[bold]{t('packets_lo' if lo else 'packets', lang)}[/]")
            for p in w.packets:
                self._put(packet_line(p, lang), 4)
        if w.omitted:
            self._put(escape(t("packets_omitted", lang, n=w.omitted)), 4, "dim")
        if w.held:
            self._put(escape(t("held_now", lang, which=", ".join(f"#{n}" for n in w.held))),
                      2, "yellow")
        if w.lost:
            where = ", ".join(f"{k}: {v}" for k, v in w.lost.items())
            self._put(escape(t("packets_lost", lang, n=sum(w.lost.values()), where=where)), 2,
                      "bold red")

    def _event(self, e: Event) -> None:
        style = "magenta" if isinstance(e, Returned) else "blue" if isinstance(e, Output) \
            else "dim"
        self._put(escape(event_text(e, self.lang)), 2, style)

    def footer(self) -> None:
        c = self.console
        c.print()
        if self.failed:
            c.print(t("summary_fail", self.lang, failed=self.failed, n=self.total),
                    style="bold red")
        else:
            c.print(t("summary_ok", self.lang, n=self.total), style="bold green")
        if self.skipped:
            c.print(t("summary_skipped", self.lang, n=self.skipped), style="yellow")


def call_details(r: StepRecord, lang: str) -> list[str]:
    """Lines under a step's call: one per worker of a work call (what the kernel charged it
    and where it ran), and how long the call took when the step checks that."""
    result = (r.outcome.result if r.outcome else None) or {}
    value = result.get("value")
    each = value.get("each") if isinstance(value, dict) else None
    out = []
    for n, e in enumerate(each if each and len(each) > 1 else (), 1):
        who = (t("worker_child", lang, pid=e["pid"]) if "pid" in e
               else t("worker_thread", lang, n=n))
        out.append(t("worker_line", lang, who=who, cpu=e["cpu_time"], wall=e["wall_time"],
                     cpus=cpu_ranges(e["cpus"]) or "?", switches=e["switches"]))
    if r.checks_elapsed and result.get("elapsed") is not None:
        out.append(t("took", lang, ms=result["elapsed"] * 1000))
    return out


def skip_why(c: CheckResult, lang: str) -> str:
    """Why a check was not made: what the kernel showed of its condition, in words where
    there are words for it ("CPU 1 was busy with other programs 38% of the step")."""
    assert c.skipped is not None
    if c.skipped.note:
        return say(c.skipped.note, lang)
    return t("actual", lang, actual=written(c.skipped.actual))


def check_line(c: CheckResult, lang: str) -> Text:
    """``✓ check``; ``✗ check  (the kernel shows 2)``; a check whose condition does not
    hold here (``... if p.cpus >= 2``) is marked as not made, with why."""
    line = Text()
    if c.skipped is not None:
        line.append("– ", style="bold yellow")
        line.append(c.expect, style="dim")
        line.append("  (" + t("skipped", lang, cond=c.skipped.expect, why=skip_why(c, lang))
                    + ")", style="yellow")
    elif c.ok:
        line.append("✓ ", style="bold green")
        line.append(c.expect)
    else:
        line.append("✗ ", style="bold red")
        line.append(c.expect, style="bold")
        shows = say(c.note, lang) if c.note else t("actual", lang, actual=written(c.actual))
        line.append(f"  ({shows})", style="red")
    return line


FATE_STYLE = {"held": "bold yellow", "dropped": "bold red", "lost": "bold red",
               "delivered": "green", "delayed": "cyan", "duplicated": "magenta",
               "reordered": "magenta"}


def packet_line(p: PacketRecord, lang: str) -> Text:
    """``#2 server → client  8080 → 41230 [SYN, ACK] Seq=0 Ack=1 ...  HELD``."""
    line = Text()
    line.append(f"#{p.n:<3} ", style="dim")
    line.append(f"{p.t:8.3f}s ", style="dim")
    if p.source:
        other = "client" if p.source == "server" else "server"
        line.append(f"{p.source} → {other}  ")
    line.append(p.summary())
    for m in p.marks:
        line.append(f"  [{packet_word(m, lang)}]", style="bold magenta")
    if p.fate != "passed":
        line.append(f"  {packet_word(p.fate, lang)}", style=FATE_STYLE.get(p.fate, ""))
    return line


def _processes_json(snap: Snapshot) -> list[dict[str, Any]]:
    return [p.to_json() for p in snap.processes]


def irq_line(irqs: IrqDelta, lang: str, most: int = 8) -> str:
    """The counters that moved most: ``LOC +47, NET_RX +12 (softirq)``."""
    if not irqs.moves:
        return t("irqs_still", lang)
    moves = ", ".join(f"{m.device} +{m.delta}" + (" (softirq)" if m.kind == "soft" else "")
                      for m in irqs.moves[:most])
    return t("irqs_moved", lang, moves=moves)


_NET_FIRST = ("TcpExt.", "Tcp.", "Udp.")
"""Shown before the IP layer's counters, which move with every packet."""


def net_line(irqs: IrqDelta, lang: str, checked: tuple[str, ...] = (), most: int = 8) -> str:
    """The lab's network counters that moved, by host, the step's checked ones first, then
    TCP's and UDP's: ``server: TcpExt.ListenOverflows +1, Tcp.InSegs +3``."""
    if not irqs.net:
        return t("net_still", lang)

    def rank(item: tuple[str, int]) -> tuple[int, int, str]:
        name, n = item
        group = 0 if name in checked else 1 if name.startswith(_NET_FIRST) else 2
        return group, -n, name

    hosts = "; ".join(("" if host == "lab" else f"{host}: ") + ", ".join(
        f"{name} +{n}" for name, n in sorted(moved.items(), key=rank)[:most])
        for host, moved in irqs.net.items())
    return t("net_moved", lang, moves=hosts)



def step_json(r: StepRecord) -> dict[str, Any]:
    """One line of ``syscall-lab run --json`` (the contract in docs/architecture.md)."""
    o = r.outcome
    result = None
    if o is not None and o.result is not None:
        result = {"ret": o.result.get("ret"), "errno": o.result.get("errno"),
                  "strerror": o.result.get("strerror"), "value": o.result.get("value")}
    return {
        "step": r.index,
        "action": r.step.action,
        "actor": r.step.actor,
        "c": o.c if o else None,
        "syscall": o.syscall if o else None,
        "signature": CALLS[o.call].signature if o else None,
        "blocked": o.blocked if o else False,
        "result": result,
        "error": r.error,
        "processes": _processes_json(r.snapshot),
        "sockets": [s.to_json() for s in r.snapshot.sockets],
        "packets": [p.to_json() for p in r.wire.packets],
        "wire": {"held": list(r.wire.held), "rules": list(r.wire.rules),
                 "lost": r.wire.lost, "omitted": r.wire.omitted},
        "changes": [c.to_json() for c in r.changes],
        "events": [event_to_json(e) for e in r.events],
        "checks": [c.to_json() for c in r.checks],
        "interrupts": r.irqs.to_json(),
        "counters": r.irqs.net,
        "t": round(r.snapshot.t, 6),
    }


class JsonLines:
    """Prints one JSON object per step."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.total = 0
        self.failed = 0

    def step(self, r: StepRecord) -> None:
        total, failed = r.tally
        self.total += total
        self.failed += failed
        self.out.write(json_line(step_json(r)) + "\n")  # nothing raw when printed
        self.out.flush()
