"""Loading a lesson file: every problem at once, each as ``FILE:LINE:COL: message``.

Three passes over one parse of the file:

1. :mod:`.source` turns the YAML into plain values with the position of each;
2. the pydantic models of :mod:`.schema` check the shape (keys and types);
3. this module reads each ``do:`` and ``expect:`` with :mod:`.grammar` and checks what it
   means against the lesson: the actors and the names steps give, the syscall vocabulary, the
   lab's addresses and files, the wire's rules, and the languages every text must exist in.

A lesson that passes can do nothing a student at the lab's own prompt could not: every call is
one of the vocabulary, every address is one of the lab's, every file one the lab may open.
"""

from __future__ import annotations

import dataclasses
import difflib
import errno as errno_module
import functools
import ipaddress
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from ..engine.vocabulary import (
    CALLS,
    SIGNALS,
    SYSCALL_NUMBERS,
    WORK_CALLS,
    ArgumentError,
    UnknownCallError,
    normalize_arg,
    normalize_args,
)
from ..engine.vocabulary import lookup as lookup_call
from ..files import FileProblem, read_input
from ..i18n import Msg
from ..net.packets import FATES, MARKS
from ..net.rules import ACTIONS as RULE_ACTIONS
from ..net.rules import KEYS as RULE_KEYS
from ..net.rules import PROTOS, Rule, RuleError, parse_flags
from ..net.sysctls import PER_NETNS
from ..observe import netstat
from ..observe.interrupts import SOFTIRQS
from ..observe.procfs import STATE_NAMES
from ..observe.sockdiag import TCP_STATES
from ..shown import describe_char, quote, unsafe
from . import grammar as g
from . import quoting
from .model import (
    BEFORE_SUBJECTS,
    FD_FIELDS,
    PROCESS_FIELDS,
    RESULT_FIELDS,
    WORK_FIELDS,
    Ask,
    Expect,
    Lesson,
    Ref,
    Step,
)
from .schema import LANG_NAMES, NAME_PATTERN, LessonFile, keys_of
from .source import MAX_BYTES, Located, Path, Problem, Source, read_source

__all__ = ["LAB_FILES", "LessonLoadError", "compile_step", "load_file", "load_lesson",
           "load_text", "sandbox_lesson"]

MAX_SECONDS = 120.0
MAX_WAIT = 300.0
"""A wait ends when the call returns; this only bounds one that never does. A SYN's timer
grows to 120 s (TCP_RTO_MAX), so a wait for a retried connect() may need all of that."""
MAX_PROBLEMS = 50
DEFAULT_WAIT = 10.0
LOOPBACK_ADDRS = ("127.0.0.1", "::1")
WIRE_ADDRS = ("10.0.0.1", "10.0.0.2", "127.0.0.1", "::1")
ANY_ADDRS = ("0.0.0.0", "::")
LAB_FILES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/etc/hostname",
             "/etc/os-release", "/proc/version", "/proc/interrupts", "/proc/loadavg",
             "/proc/uptime", "/proc/cpuinfo", "/proc/stat", "/proc/self/stat",
             "/proc/self/status", "/proc/self/limits", "/proc/self/io")
"""The files a lesson may open: harmless ones every lab has. A lesson never names the
student's own files (the lab's prompt may; a lesson file from elsewhere may not)."""
RESERVED = frozenset({"ret", "errno", "blocked", "data", "count", "packets", "wire", "wait",
                      "watch", "true", "false", "none", "all", "contains", "interrupts",
                      "softirqs", "sysctl", "before", "counter"})
TCP_STATE_NAMES = tuple(TCP_STATES.values())
RFC_STATES = {"SYN_RECEIVED": "SYN_RECV", "FIN_WAIT_1": "FIN_WAIT1", "FIN_WAIT_2": "FIN_WAIT2",
              "CLOSED": "CLOSE", "SYN-RECEIVED": "SYN_RECV", "TIMED_WAIT": "TIME_WAIT"}
FD_KINDS = ("socket", "pipe", "file", "tty", "device", "anon_inode", "other")
WIRE_STEPS = ("deliver", "discard", "clear")
BOOL_FIELDS = ("blocked", "exists", "gil", "nonblocking", "cloexec")
FD_SET_FIELDS = ("ready", "watches")
READY_CALLS = ("poll", "select", "epoll_wait")
SIGNAL_FIELDS = ("sig_pending", "sig_blocked", "sig_ignored", "sig_caught")
"""A process's sets of signals: ``contains SIGCHLD``, or ``== [SIGCHLD, SIGPIPE]``."""
"""Fields that are a set of fds, compared with a list of fd names or numbers: [conn1, 5]."""
NUMBER_FIELDS = ("ret", "accept_queue", "backlog", "recv_q", "send_q", "retransmits", "ppid",
                 "count", "value", "cpu", "cpus", "threads", "wall_time", "cpu_time", "cores",
                 "switches", "cpus_used", "elapsed", "others_busy", "rto", "rtt", "optval",
                 "cwnd", "ssthresh")
DECIMAL_FIELDS = ("wall_time", "cpu_time", "cores", "elapsed", "others_busy", "rto", "rtt")
"""Number fields a decimal may be compared with (seconds, and their ratio)."""
TEXT_FIELDS = ("data", "text", "target", "wchan")
ADDRESS_FIELDS = ("local", "remote", "addr")
_NAME = re.compile(NAME_PATTERN)
_WORDLIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,39}")
"""A key worth quoting back: a word someone may have mistyped (anything else is not a key a
lesson could mean, and quoting it would only copy a foreign file into the message)."""


class LessonLoadError(Exception):
    """A lesson file with problems; :attr:`problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _suggest(word: str, choices: Iterable[str]) -> str:
    """A " - did you mean 'listen'?" to put after a message (a :class:`Msg`), or ''."""
    return _suggest_cached(word, tuple(choices))


@functools.lru_cache(maxsize=1024)
def _suggest_cached(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.7)
    return Msg(" - did you mean '{name}'?", name=close[0]) if close else ""


def _said(exc: Exception) -> str:
    """The message an exception of another module carries: its first argument, a
    :class:`Msg` where that module writes one (``str(exc)`` would be a plain copy)."""
    message = exc.args[0] if exc.args else None
    return message if isinstance(message, str) else str(exc)


def load_file(path: str | FsPath) -> Lesson:
    """Load the lesson at ``path``. Raises :class:`LessonLoadError` with every problem."""
    p = str(path)
    try:
        raw = read_input(p, MAX_BYTES, "lesson")
    except FileProblem as exc:
        raise LessonLoadError([Problem(1, 1, exc.reason, p)]) from None
    return load_text(raw, p)


def load_text(raw: bytes | str, path: str = "<lesson>") -> Lesson:
    result = load_lesson(raw, path)
    if isinstance(result, list):
        raise LessonLoadError(result)
    return result


def load_lesson(raw: bytes | str, path: str = "<lesson>") -> Lesson | list[Problem]:
    """The lesson in ``raw``, or every problem with it (sorted by line and column)."""
    src = read_source(raw, path)
    if isinstance(src, list):
        return src
    return _Loader(src).run()


_TYPED_NAMES = re.compile(r"\s*([a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)?)\s*=(?!=)\s*")
_TYPED_ACTOR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*:(?!:)\s*")
SANDBOX = "<sandbox>"
"""The path problems with a typed step are reported at."""


def compile_step(lesson: Lesson, before: Iterable[Step], text: str) -> Step | list[Problem]:
    """A step typed at the sandbox prompt, checked exactly as a lesson file's ``do:`` is.

    ``text`` is a ``do:`` line (``server.listen(lsock, 2)``, ``wire.hold(flags=SYN+ACK)``,
    ``wait client``, ``watch 1s``), optionally naming what the call returns the way a lesson
    does with ``as:`` (``lsock = server.socket(AF_INET, SOCK_STREAM, 0)``; two names for
    ``pipe()``); ``server: listen(lsock, 2)`` is short for ``server.listen(lsock, 2)``.
    ``before`` are the steps already performed on the lab, in order: the names they gave are
    known. Problems are ``<sandbox>:1:COL`` with COL counted in ``text``.
    """
    names: tuple[str, ...] = ()
    start = 0
    m = _TYPED_NAMES.match(text)
    if m:
        names = tuple(n.strip() for n in m.group(1).split(","))
        start = m.end()
    body = text[start:].rstrip()
    m = _TYPED_ACTOR.match(body)
    moved_at, moved_by = 0, 0  # the shorthand's text lies this far right of the do line's
    if m:
        do = f"{m.group(1)}.{body[m.end():]}"
        moved_at, moved_by = len(m.group(1)) + 1, m.end() - len(m.group(1)) - 1
    else:
        do = body
    offsets = tuple(i + (moved_by if moved_at and i >= moved_at else 0)
                    for i in range(len(do) + 1))
    located = Located(1, 1, text_col=1 + start, source_offsets=offsets)
    if not do.strip():
        return [Problem(1, 1 + start, Msg("type a step: server.listen(lsock, 2), wire.hold("
                                          "flags=SYN+ACK), wait client, watch 1s"), SANDBOX)]
    step_raw: dict[str, Any] = {"do": do}
    if names:
        step_raw["as"] = list(names)
    src = Source(SANDBOX, {"steps": [step_raw]}, {("steps", 0, "do"): located,
                                                   ("steps", 0): Located(1, 1)}, {})
    loader = _Loader(src, languages=lesson.languages, mode=lesson.mode,
                     actors={a: lesson.host_of(a) for a in lesson.actors})
    for i, done in enumerate(before):
        if done.names and done.call and done.actor:
            loader._as(("steps", i), {"actor": done.actor, "call": done.call}, done.names, i)
    loader.problems.clear()  # only the typed line's own problems
    kw: dict[str, Any] = {}
    try:
        kw = loader._do(("steps", 0, "do"), do)
        if names:
            loader._as(("steps", 0), kw, names, 0)
    except _TooMany:
        pass
    if loader.problems or not kw:
        return sorted(set(loader.problems)) or [Problem(1, 1, Msg("not a step"), SANDBOX)]
    return Step(say="", names=names, do=do, **kw)


def sandbox_lesson(network: str = "wire") -> Lesson:
    """An empty lab with a server and a client (on their own hosts in a wire lab), and no
    steps: what ``syscall-lab sandbox`` opens."""
    hosts = (("server", "server"), ("client", "client")) if network == "wire" else ()
    return Lesson(id="sandbox", title={"en": "Sandbox", "ko": "샌드박스"},
                  summary={"en": "An empty lab: a server and a client, nothing done yet. Press "
                                 ": and type steps in the lesson grammar, e.g. "
                                 "lsock = server.socket(AF_INET, SOCK_STREAM, 0).",
                           "ko": "빈 실습실입니다. 서버와 클라이언트가 있고 아직 아무것도 하지 "
                                 "않았습니다. : 를 누르고 레슨 문법으로 단계를 입력하세요. 예: "
                                 "lsock = server.socket(AF_INET, SOCK_STREAM, 0)"},
                  topics=("sandbox",), actors=("server", "client"), steps=(), mode=network,
                  hosts=hosts, languages=("en", "ko"))


# ---------------------------------------------------------------------------------------

@dataclass
class _NameInfo:
    kind: str
    """fd (an fd of ``actor``), actor (a fork() child of ``actor``) or value."""
    actor: str | None
    step: int


@dataclass
class _Loader:
    src: Source
    problems: list[Problem] = field(default_factory=list)
    languages: tuple[str, ...] = ("en",)
    mode: str = "loopback"
    actors: dict[str, str | None] = field(default_factory=dict)
    names: dict[str, _NameInfo] = field(default_factory=dict)
    later_names: dict[str, int] = field(default_factory=dict)
    thread_names: dict[str, str] = field(default_factory=dict)
    """A thread's name -> the actor whose process it is part of (they share one fd table)."""
    sysctls: dict[str, None] = field(default_factory=dict)
    """The sysctls the lesson uses, in the order it first names them."""
    unknown_said: set[str] = field(default_factory=set)
    """Unknown names already reported (each once, where first used)."""
    do_refused: bool = False
    """The current step's ``do`` was refused (its checks of ``ret`` are not news)."""

    def add(self, path: Path, message: str, key: bool = False, offset: int | None = None
            ) -> None:
        self.problems.append(self.src.problem(path, message, key, offset))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    def run(self) -> Lesson | list[Problem]:
        try:
            return self._run()
        except _TooMany:
            last = max(self.problems)
            return [*sorted(set(self.problems)), Problem(
                last.line, last.col, Msg("stopped after {n} problems; fix these first",
                                         n=MAX_PROBLEMS), self.src.path)]

    def _run(self) -> Lesson | list[Problem]:
        data = self.src.data
        if not isinstance(data, dict):
            self.add((), Msg("a lesson is a mapping with schema, id, title, actors and steps"))
            return self.problems
        if not set(map(str, data)) & set(keys_of(())):
            # Nothing of a lesson in it: one line, quoting none of it (it may be any file).
            self.add((), Msg("not a lesson file: none of its keys is a lesson's (schema, id, "
                             "title, summary, actors, steps)"))
            return self.problems
        if not self._shape(data):
            return sorted(set(self.problems))
        languages = data.get("languages") or ["en"]
        self.languages = tuple(dict.fromkeys(languages))
        self.mode = data.get("network", "loopback")
        self._actors(data["actors"])
        for key in ("title", "summary"):
            self._text((key,), data.get(key))
        raw_steps = data["steps"]
        for i, raw in enumerate(raw_steps):
            for n in _as_names(raw.get("as")):
                self.later_names.setdefault(n, i)
        steps = [self._step(i, raw) for i, raw in enumerate(raw_steps)]
        if self.problems:
            return sorted(set(self.problems))
        return Lesson(
            id=data["id"], title=data["title"], summary=data["summary"],
            topics=tuple(data.get("topics") or ()), actors=tuple(self.actors),
            steps=tuple(s for s in steps if s is not None), mode=self.mode,
            level=data.get("level", "beginner"),
            hosts=tuple((a, h) for a, h in self.actors.items() if h),
            languages=self.languages, path=self.src.path, source=self.src.text or None,
            sysctls=tuple(self.sysctls))

    # -- pass 2: the shape ------------------------------------------------------------------
    def _shape(self, data: dict[str, Any]) -> bool:
        """Check the shape; True if enough is well-formed to check the steps too (so that
        every problem shows at once, not one pass at a time)."""
        from pydantic import ValidationError

        try:
            LessonFile.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                self._shape_problem(err)
            return _usable(data)
        return True

    def _shape_problem(self, err: Mapping[str, Any]) -> None:
        loc = tuple(err["loc"])
        kind = err["type"]
        name = next((str(x) for x in reversed(loc) if isinstance(x, str)), "value")
        if kind == "missing":
            if len(loc) == 3 and loc[0] == "steps":
                self.add(loc[:-1], Msg("this step has no '{key}' (add it)", key=name))
            elif "ask" in loc:
                self.add(loc[:-1], Msg("the question has no '{key}' (add it)", key=name))
            else:
                self.add(loc[:-1], Msg("the lesson has no '{key}' (add it)", key=name))
        elif kind == "extra_forbidden" and name == "<<":
            self.add(loc, Msg("YAML merge keys (<<) are not supported in lessons: write the keys "
                              "out"), key=True)
        elif kind == "extra_forbidden":
            keys = keys_of(loc[:-1])
            if _WORDLIKE.fullmatch(name):
                self.add(loc, Msg("unknown key '{key}'{hint} (keys: {keys})", key=quote(name),
                                  hint=_suggest(name, keys), keys=", ".join(keys)), key=True)
            else:
                self.add(loc, Msg("unknown key (not a word like 'say') (keys: {keys})",
                                  keys=", ".join(keys)), key=True)
        elif kind == "literal_error" and loc == ("schema",):
            self.add(loc, Msg("this syscall-lab reads lesson schema 1, not {schema}: write "
                              "schema: 1 (or upgrade syscall-lab for newer lessons)",
                              schema=quote(repr(err.get("input")))))
        elif kind == "literal_error":
            expected = str((err.get("ctx") or {}).get("expected", ""))
            choices = re.findall(r"'([^']*)'", expected)
            got = err.get("input")
            hint = _suggest(str(got), choices) if isinstance(got, str) else ""
            self.add(loc, Msg("{name} must be {expected}, not {got}{hint}", name=name,
                              expected=_alternatives(expected, choices), got=quote(repr(got)),
                              hint=hint))
        elif kind == "string_pattern_mismatch" and name == "id":
            self.add(loc, Msg("id must be lowercase letters, digits and '-', starting with a "
                              "letter (e.g. tcp-handshake)"))
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            self.add(loc, Msg("{name} is a mapping of keys (key: value), not {what}", name=name,
                              what=_type_word(err.get("input"))))
        else:
            self.add(loc, _pydantic_said(name, err))

    # -- texts ------------------------------------------------------------------------------
    def _text(self, path: Path, value: Any) -> None:
        """Every text exists in each of the lesson's languages. A plain string counts for
        all of them only if it has no words to translate: numbers, CAPITALS (LISTEN, SYN_SENT)
        and `code` in backticks."""
        if not _is_text(value):
            return  # missing, or not text: the shape check has said so
        texts = [((), value)] if isinstance(value, str) else [((k,), v) for k, v in value.items()]
        for sub, text in texts:
            if self._has_control((*path, *sub), text, allow="\n"):
                continue
            if not text.strip():
                self.add((*path, *sub), Msg("the {language} text is empty",
                                            language=_language_name(str(sub[0])))
                         if sub else Msg("the text is empty"))
        if isinstance(value, str):
            have = set(LANG_NAMES) if _neutral(value) else {_language_of(value, self.languages)}
        else:
            have = set(value)
        missing = [lang for lang in self.languages if lang not in have]
        if missing:
            key = path[-1] if isinstance(path[-1], str) else Msg("the choice")
            langs = ", ".join(f"{lang}: ..." for lang in self.languages)
            tip = Msg(" (write {key}: {{{langs}}})", key=key, langs=langs) \
                if isinstance(value, str) else ""
            for lang in missing:
                self.add(path, Msg("missing {language} text for {where}{tip}",
                                   language=_language_name(lang), where=_describe_path(path),
                                   tip=tip))

    # -- actors -----------------------------------------------------------------------------
    def _actors(self, raw: Any) -> None:
        entries: list[tuple[Path, str, Any]] = []
        if isinstance(raw, list):
            entries = [(("actors", i), name, None) for i, name in enumerate(raw)]
        else:
            entries = [(("actors", name), name, spec) for name, spec in raw.items()]
        for path, name, spec in entries:
            key = isinstance(raw, dict)
            if name in self.actors:
                self.add(path, Msg("actor '{name}' is listed twice", name=quote(name)), key=key)
                continue
            if not _NAME.fullmatch(name):
                self.add(path, Msg("actor name '{name}': lowercase letters, digits and '_', "
                                   "starting with a letter", name=quote(name)), key=key)
                continue
            if name in RESERVED:
                self.add(path, Msg("'{name}' is a word of the lesson grammar; name the actor "
                                   "otherwise", name=name), key=key)
                continue
            host = None
            if spec is not None:
                if not isinstance(spec, dict):
                    self.add(path, Msg("write {name}: {{host: server}} (or list the actors)",
                                       name=name))
                    continue
                for k in spec:
                    if k != "host":
                        self.add((*path, k), Msg("unknown key '{key}' (an actor has: host)",
                                                 key=quote(k)), key=True)
                host = spec.get("host")
                if host is not None and host not in ("client", "server"):
                    self.add((*path, "host"), Msg("host must be client or server, not {host}{hint}",
                                                  host=quote(repr(host)),
                                                  hint=_suggest(str(host), ("client", "server"))))
                    host = None
                elif host is not None and self.mode != "wire":
                    self.add((*path, "host"), Msg("hosts exist only in a wire lab: add "
                                                  "'network: wire', or remove the host"))
            if (self.mode == "wire" and host is None and spec is None) or \
                    (self.mode == "wire" and isinstance(spec, dict) and "host" not in spec):
                guess = "client" if name.startswith("client") else "server"
                self.add(path, Msg("in a wire lab, say which host '{name}' runs on: "
                                   "{name}: {{host: {host}}}", name=name, host=guess), key=key)
            self.actors[name] = host

    # -- steps ------------------------------------------------------------------------------
    def _step(self, i: int, raw: dict[str, Any]) -> Step | None:
        base: Path = ("steps", i)
        if not any(k in raw for k in ("say", "do", "ask")):
            self.add(base, Msg("step {n} has nothing to say, do or ask", n=i + 1))
        self._text((*base, "say"), raw.get("say"))
        self._text((*base, "hint"), raw.get("hint"))
        ask = self._ask((*base, "ask"), raw.get("ask"))
        kw: dict[str, Any] = {}
        do = raw.get("do")
        self.do_refused = False
        if isinstance(do, str):
            kw = self._do((*base, "do"), do)
            self.do_refused = not kw
        names = _as_names(raw.get("as"))
        if names:
            self._as(base, kw, names, i)
        checks: list[Expect] = []
        expect = raw.get("expect")
        items = [expect] if isinstance(expect, str) else expect if isinstance(expect, list) else []
        for j, text in enumerate(items):
            if not isinstance(text, str):
                continue
            path = (*base, "expect") if isinstance(expect, str) else (*base, "expect", j)
            check = self._expect(path, text, kw)
            if check is not None:
                checks.append(check)
        say = raw.get("say")
        quotes = [*self._quotes((*base, "say"), say, kw), *self._quotes((*base, "hint"),
                                                                        raw.get("hint"), kw)]
        if isinstance(raw.get("ask"), dict):
            quotes += self._quotes((*base, "ask", "explain"), raw["ask"].get("explain"), kw)
            for where in ("question", "choices"):
                self._no_quotes((*base, "ask", where), raw["ask"].get(where))
        return Step(say=say if say is not None else "", expect=tuple(checks), names=names,
                    ask=ask, hint=raw.get("hint"), do=do if isinstance(do, str) else None,
                    line=self.src.where(base).line,
                    quotes=tuple({q[0]: q for q in quotes}.values()), **kw)

    def _no_quotes(self, path: Path, value: Any) -> None:
        """A question and its choices are read before the step: they quote nothing."""
        items = value if isinstance(value, list) else [value]
        for j, item in enumerate(items):
            texts = [item] if isinstance(item, str) else \
                list(item.values()) if isinstance(item, dict) else []
            if any(isinstance(x, str) and "{{" in x for x in texts):
                self.add((*path, j) if isinstance(value, list) else path,
                         Msg("a question and its choices are shown before the step and quote "
                             "nothing; quote the kernel in say, hint or explain"))

    def _ask(self, path: Path, raw: Any) -> Ask | None:
        if not isinstance(raw, dict):
            return None
        self._text((*path, "question"), raw.get("question"))
        choices = raw.get("choices")
        if not isinstance(choices, list):
            return None
        for j, c in enumerate(choices):
            self._text((*path, "choices", j), c)
        self._text((*path, "explain"), raw.get("explain"))
        answer = raw.get("answer")
        if isinstance(answer, int) and not 1 <= answer <= len(choices):
            self.add((*path, "answer"), Msg("answer is counted from 1: it must be 1 to {n} for "
                                            "{n} choices", n=len(choices)))
        if not isinstance(answer, int) or "question" not in raw:
            return None
        return Ask(raw["question"], tuple(choices), answer, raw.get("explain"))

    def _has_control(self, path: Path, text: str, allow: str = "") -> bool:
        """Whether ``text`` holds a character that must never reach a terminal (said at it).
        A file's texts were refused such characters when it was read; a line typed at the
        prompt is checked here."""
        at = unsafe(text, allow)
        if at is not None:
            self.add(path, Msg("{char}: remove it", char=describe_char(text[at])), offset=at)
        return at is not None

    def _do(self, path: Path, text: str) -> dict[str, Any]:
        if self._has_control(path, text):
            return {}
        try:
            node = g.parse_do(text)
        except g.GrammarError as exc:
            self.add(path, exc.message, offset=exc.offset)
            return {}
        if isinstance(node, g.Keyword):
            return self._keyword(path, node, text)
        if isinstance(node, g.SysctlSet):
            return self._sysctl_set(path, node)
        if not (isinstance(node, g.Call) and isinstance(node.base, g.Access)
                and isinstance(node.base.base, g.Name) and node.base.field):
            self.add(path, Msg("write a call like server.listen(lsock, 2), a wire action like "
                               "wire.hold(from=server), 'wait client' or 'watch 1s'"))
            return {}
        who, what = node.base.base, node.base.field
        if who.text == "wire":
            return self._wire(path, node, what)
        if not self._actor_ref(path, who):
            return {}
        try:
            lookup_call(what)
        except UnknownCallError as exc:
            error = _said(exc)
            self.add(path, error if "did you mean" in error else
                     Msg("{error} (calls: {calls})", error=error, calls=", ".join(CALLS)),
                     offset=node.base.start)
            return {}
        if node.kwargs:
            self.add(path, Msg("{call}() takes plain arguments, in the order of its C "
                               "signature: {signature}", call=what,
                               signature=CALLS[what].signature), offset=node.kwargs[0][2])
            return {}
        args = [self._arg(path, v, what, k, who.text) for k, v in enumerate(node.args)]
        if any(a is _BAD for a in args):
            return {}
        self._check_args(path, what, args, node)
        return {"actor": who.text, "call": what, "args": tuple(args)}

    def _keyword(self, path: Path, node: g.Keyword, text: str) -> dict[str, Any]:
        seconds = node.seconds.value if node.seconds else DEFAULT_WAIT
        # A watch that ends at its event may wait as long as a wait; a plain one is a pause.
        most = MAX_WAIT if node.word == "wait" or node.until is not None else MAX_SECONDS
        if not 0 < seconds <= most:
            self.add(path, Msg("{word} for more than 0 and at most {most} seconds",
                               word=node.word, most=round(most)),
                     offset=node.seconds.start if node.seconds else None)
        if node.word == "watch":
            if node.until is None:
                return {"watch": float(seconds)}
            until = self._expect(path, text[node.until:], {}, base=node.until)
            return {"watch": float(seconds), "until": until} if until else {}
        assert node.actor is not None
        if not self._actor_ref(path, node.actor):
            return {}
        return {"actor": node.actor.text, "wait": float(seconds)}

    def _sysctl_name(self, v: g.Value, offset: int | None) -> str:
        name = v.text if isinstance(v, g.Symbol) else None
        if name not in PER_NETNS:
            hint = _suggest(str(name), tuple(PER_NETNS)) if name else ""
            raise _Bad(_start(v) if offset is None else offset,
                       Msg("'{name}' is not a network sysctl of the lab's own namespace{hint} "
                           "(see docs/authoring.md for the list)", name=quote(str(name or "")),
                           hint=hint))
        self.sysctls.setdefault(name, None)
        return name

    def _sysctl_host(self, host: g.Name | None, what: str = "sysctl") -> str | None:
        """``host``, one of a wire lab's, for a sysctl (``what``) or a ``counter``."""
        if host is None:
            return None
        hosts = ("client", "server") if self.mode == "wire" else ()
        if host.text not in hosts:
            raise _Bad(host.start, Msg("a sysctl is set in every namespace of the lab, or in "
                                       "one host's of a wire lab (client, server), not "
                                       "'{host}'", host=quote(host.text)) if what == "sysctl"
                       else Msg("a counter is read in every namespace of the lab, or in one "
                                "host's of a wire lab (client, server), not '{host}'",
                                host=quote(host.text)))
        return host.text

    def _sysctl_set(self, path: Path, node: g.SysctlSet) -> dict[str, Any]:
        try:
            host = self._sysctl_host(node.host)
            name = self._sysctl_name(node.name, None)
            v = node.value
            if not (isinstance(v, g.Literal) and v.kind == "number" and isinstance(v.value, int)):
                raise _Bad(_start(v), Msg("a sysctl is set to a whole number: sysctl {name} = 8",
                                          name=name))
        except _Bad as bad:
            self.add(path, bad.message, offset=bad.offset)
            return {}
        return {"sysctl": (name, v.value, host)}

    def _actor_ref(self, path: Path, who: g.Name) -> bool:
        if who.text in self.actors:
            return True
        info = self.names.get(who.text)
        if info is not None and info.kind == "actor":
            return True
        if info is not None and info.kind == "any":
            return False  # its own step is wrong, and said so
        if info is not None:
            self.add(path, Msg("'{name}' is a {kind}, not a process; calls are made by an actor "
                               "({actors})", name=who.text, kind=_kind_word(info.kind),
                               actors=", ".join(self.actors)), offset=who.start)
            return False
        self._unknown(path, who.text, who.start)
        return False

    def _unknown(self, path: Path, word: str, offset: int) -> None:
        message = self._why_unknown(word, in_check=False)
        if message:
            self.add(path, message, offset=offset)

    def _why_unknown(self, word: str, in_check: bool) -> str:
        """Why ``word`` cannot stand where it was written ('' when its own step said so)."""
        if word in self.actors:
            return (Msg("'{name}' is a process (an actor), not an fd or a value", name=word)
                    if in_check else
                    Msg("'{name}' is a process (an actor), not a value: pass a number or a name "
                        "from 'as:'", name=word))
        info = self.names.get(word)
        if info is not None:
            return "" if info.kind == "any" else \
                Msg("'{name}' is a {kind} here, which does not fit", name=word,
                    kind=_kind_word(info.kind))
        if word in self.later_names:
            return Msg("'{name}' is used before any step names it (step {n} does, with as: "
                       "{name})", name=word, n=self.later_names[word] + 1)
        if word in self.unknown_said:
            return ""  # said once, where it was first used: its other uses are not news
        self.unknown_said.add(word)
        known = [*self.actors, *self.names]
        if in_check:
            known += [*RESULT_FIELDS, "count", "packets", "wire", "interrupts", "softirqs",
                      "counter"]
        hint = _suggest(word, known)
        if not hint and _NAME.fullmatch(word) and word not in RESERVED:
            # Most often the step that made the fd did not name it.
            return Msg("no actor or name '{name}': name what a call returns with 'as: {name}' "
                       "on the step that makes it (later uses of '{name}' are not reported)",
                       name=word)
        if in_check:
            return Msg("no actor or name '{name}'{hint}", name=word, hint=hint)
        names = ", ".join(list(self.names)[-10:])
        actors = ", ".join(list(self.actors)[:10])
        if names:
            return Msg("no actor or name '{name}'{hint} (actors: {actors}; names: {names})",
                       name=word, hint=hint, actors=actors, names=names)
        return Msg("no actor or name '{name}'{hint} (actors: {actors})", name=word,
                   hint=hint, actors=actors)

    def _arg(self, path: Path, v: g.Value, call: str, k: int, actor: str) -> Any:
        if isinstance(v, list):
            out = [self._arg(path, x, call, k, actor) for x in v]
            return _BAD if any(x is _BAD for x in out) else out
        if isinstance(v, g.Literal):
            return v.value
        word = v.word
        if word is not None and word[0].islower() and word not in ("all",):
            info = self.names.get(word)
            if info is None:
                self._unknown(path, word, v.start)
                return _BAD
            params = CALLS[call].params
            if info.kind == "actor" and not (k < len(params) and params[k].kind == "pid"):
                # a process's name stands for its pid where the call takes a pid
                self.add(path, Msg("'{name}' is a process (fork()'s child); pass a number or an "
                                   "fd name", name=word), offset=v.start)
                return _BAD
            if info.kind == "fd" and k < len(params) and params[k].kind in ("fd", "fds"):
                problem = self._not_owner(word, info, actor)
                if problem:
                    self.add(path, problem, offset=v.start)
                    return _BAD
            return Ref(word)
        return v.text

    def _process_of(self, actor: str) -> str:
        """The actor whose process (and so whose fd table) ``actor`` is: a thread's process."""
        return self.thread_names.get(actor, actor)

    def _not_owner(self, name: str, info: _NameInfo, actor: str) -> str | None:
        """Why ``actor`` cannot use the fd ``name`` (each process has its own fd table: an fd
        name belongs to the process that got it and to its fork() children)."""
        seen = self._process_of(actor)
        owner = self._process_of(info.actor) if info.actor else info.actor
        while True:
            if seen == owner:
                return None
            parent = self.names.get(seen)
            if parent is None or parent.kind != "actor" or parent.actor is None:
                break
            seen = self._process_of(parent.actor)
        return Msg("'{name}' is {owner}'s fd; {actor} has an fd table of its own (fd names "
                   "belong to the process that got them and its fork() children)", name=name,
                   owner=info.actor, actor=actor)

    def _check_args(self, path: Path, call: str, args: list[Any], node: g.Call) -> None:
        params = CALLS[call].params
        for k, (param, a) in enumerate(zip(params, args, strict=False)):
            inside = [x for x in a if isinstance(x, Ref)] if isinstance(a, list) else []
            if (isinstance(a, Ref) and param.kind not in ("fd", "int", "pid", "size")) or \
                    (inside and param.kind != "fds"):
                name = a.name if isinstance(a, Ref) else inside[0].name
                self.add(path, Msg("{call}(): {param} cannot be a name ('{name}')", call=call,
                                   param=param.name, name=name), offset=_start(node.args[k]))
                return
        # names stand for numbers the kernel will give; check the rest with a stand-in
        probe = [3 if isinstance(a, Ref) else
                 [3 if isinstance(x, Ref) else x for x in a] if isinstance(a, list) else a
                 for a in args]
        if len(probe) <= len(params):
            for k, (param, a) in enumerate(zip(params, probe, strict=False)):
                try:
                    normalize_arg(param, a, call)
                except ArgumentError as exc:
                    self.add(path, _said(exc), offset=_start(node.args[k]))
                    return
        try:
            normalized = normalize_args(call, probe)
        except ArgumentError as exc:
            self.add(path, _said(exc), offset=node.start)
            return
        for k, param in enumerate(params[:len(args)]):
            if param.kind == "addr":
                problem = self._address(normalized[k], call)
                if problem:
                    self.add(path, problem, offset=_start(node.args[k]))
            if param.kind == "path":
                problem = _lab_file(normalized[k])
                if problem:
                    self.add(path, problem, offset=_start(node.args[k]))

    def _address(self, addr: list[Any], call: str) -> str | None:
        host = addr[0]
        allowed = WIRE_ADDRS if self.mode == "wire" else LOOPBACK_ADDRS
        if host in allowed or (call == "bind" and host in ANY_ADDRS):
            return None
        ip = ipaddress.ip_address(host)
        if self.mode == "loopback" and ip.is_loopback:
            return None
        if self.mode == "wire":
            return Msg("{host} is outside the lab: the wire lab's hosts are client 10.0.0.1 and "
                       "server 10.0.0.2", host=host)
        return Msg("{host} is outside the lab: this loopback lab has 127.0.0.1 (and ::1)",
                   host=host)

    def _wire(self, path: Path, node: g.Call, action: str) -> dict[str, Any]:
        if self.mode != "wire":
            self.add(path, Msg("wire actions need a wire: add 'network: wire' to the lesson"),
                     offset=0)
            return {}
        if action in WIRE_STEPS:
            if node.kwargs:
                self.add(path, Msg("wire.{action}() takes packet numbers or all", action=action),
                         offset=node.kwargs[0][2])
                return {}
            if action == "clear":
                if node.args:
                    self.add(path, Msg("wire.clear() takes nothing"), offset=node.start)
                return {"wire": ("clear", None)}
            which: Any = "all"
            if node.args:
                numbers = [a.value for a in node.args if isinstance(a, g.Literal)
                           and isinstance(a.value, int) and a.value >= 1]
                is_all = len(node.args) == 1 and isinstance(node.args[0], g.Symbol) and \
                    node.args[0].text == "all"
                if not is_all and len(numbers) != len(node.args):
                    self.add(path, Msg("wire.{action}() takes packet numbers (1, 2, ...) or all",
                                       action=action), offset=node.start + 1)
                    return {}
                which = "all" if is_all else numbers
            return {"wire": ("deliver" if action == "deliver" else "drop", which)}
        if action not in RULE_ACTIONS:
            self.add(path, Msg("unknown wire action '{action}'{hint} (rules: {rules}; held "
                               "packets: {steps})", action=action,
                               hint=_suggest(action, (*RULE_ACTIONS, *WIRE_STEPS)),
                               rules=", ".join(RULE_ACTIONS), steps=", ".join(WIRE_STEPS)),
                     offset=node.base.start)
            return {}
        if node.args:
            self.add(path, Msg("wire.{action}() takes key=value: {keys}", action=action,
                               keys="from=, proto=, flags=, data=, nth=, count="
                               + (", ms=" if action == "delay" else "")),
                     offset=_start(node.args[0]))
            return {}
        rule: dict[str, Any] = {"action": action}
        for key, value, at in node.kwargs:
            if key not in RULE_KEYS or key == "action":
                keys = [k for k in RULE_KEYS if k != "action"]
                self.add(path, Msg("unknown rule key '{key}'{hint} (keys: {keys})", key=key,
                                   hint=_suggest(key, keys), keys=", ".join(keys)), offset=at)
                return {}
            if isinstance(value, list):
                self.add(path, Msg("{key}= takes one value, not a list", key=key), offset=at)
                return {}
            rule[key] = value.value if isinstance(value, g.Literal) else value.text
            if key == "flags":
                try:
                    parse_flags(str(rule[key]))
                except RuleError as exc:
                    self.add(path, _said(exc), offset=_start(value))
                    return {}
        try:
            Rule.from_json(rule)
        except RuleError as exc:
            msg = str(exc).replace("protocol", "proto")
            at = next((o for k, _, o in node.kwargs if re.search(rf"\b{k}\b", msg)),
                      node.start + 1)
            self.add(path, _said(exc), offset=at)
            return {}
        return {"wire": ("rule", rule)}

    def _as(self, base: Path, kw: Mapping[str, Any], names: tuple[str, ...], i: int) -> None:
        path = (*base, "as")
        call = kw.get("call")
        usable = [n for n in names if _NAME.fullmatch(n) and n not in RESERVED
                  and n not in self.actors]
        for n in names:
            if n not in usable:
                self.add(path, Msg("'{name}' is already an actor's name", name=n)
                         if n in self.actors else
                         Msg("{name} cannot be a name: use lowercase letters, digits and '_', "
                             "and none of {reserved}", name=quote(repr(n)),
                             reserved=", ".join(sorted(RESERVED))))
                self._define([n, n.strip()], "any", None, i)  # said once is enough
        if not call:
            if kw or "do" not in self.src.data["steps"][i]:  # (a bad 'do' is reported already)
                self.add(path, Msg("'as' names what a call returns; this step makes no call "
                                   "(put it on the step whose call returns the value)"),
                         key=True)
            self._define(usable, "any", None, i)  # so later steps raise no second problem
            return
        returns = CALLS[call].returns
        want = 2 if returns == "fds" else 0 if returns == "none" else 1
        if len(names) != want:
            self.add(path, Msg("{call}() returns nothing to name", call=call) if want == 0 else
                     Msg("{call}() returns two fds: as: [{first}, {second}]", call=call,
                         first="read_end" if call == "pipe" else "one",
                         second="write_end" if call == "pipe" else "other")
                     if want == 2 else Msg("{call}() returns one value: give one name", call=call))
            self._define(usable, "any", None, i)
            return
        actor = kw["actor"]
        kind = "fd" if returns in ("fd", "fds") else \
            "actor" if call == "fork" or returns == "thread" else "value"
        if returns == "thread":  # its thread shares the process's one fd table
            for n in usable:
                self.thread_names[n] = self._process_of(actor)
        for n in usable:
            was = self.names.get(n)
            if was is not None and was.kind not in (kind, "any"):
                # Said here, where the name changes meaning, not at each later use.
                self.add(path, Msg("'{name}' already names {what} (step {n}); {call}() returns "
                                   "{now}: give it another name", name=n,
                                   what=_KIND_WORDS[was.kind], n=was.step + 1, call=call,
                                   now=_KIND_WORDS[kind]))
                kind = "any"  # its later uses are not news
        self._define(usable, kind, actor, i)

    def _define(self, names: Iterable[str], kind: str, actor: str | None, step: int) -> None:
        for n in names:
            self.names[n] = _NameInfo(kind, actor, step)

    # -- expect -----------------------------------------------------------------------------
    def _quotes(self, path: Path, value: Any, kw: Mapping[str, Any]
                ) -> list[tuple[str, str, Expect]]:
        """The kernel readings a text quotes (``{{ EXPR }}``, ``{{ if CHECK }}``), compiled
        with the step's names; each problem said where it is in the text."""
        texts = [((), value)] if isinstance(value, str) else \
            [((k,), v) for k, v in value.items()] if isinstance(value, dict) else []
        out: list[tuple[str, str, Expect]] = []
        for sub, text in texts:
            if not isinstance(text, str) or ("{{" not in text and "}}" not in text):
                continue
            where = (*path, *sub)
            try:
                tags = quoting.parts(text)
            except quoting.QuoteError as exc:
                self.add(where, exc.message, offset=exc.offset)
                continue
            for tag in tags:
                if tag.kind == "if":
                    check = self._expect(where, tag.source, kw, base=tag.offset)
                    if check is not None:
                        out.append((tag.source, "if", check))
                elif tag.kind == "value":
                    reading = self._reading(where, tag.source, kw, tag.offset)
                    if reading is not None:
                        out.append((tag.source, "value", reading))
        return out

    def _reading(self, path: Path, text: str, kw: Mapping[str, Any], base: int
                 ) -> Expect | None:
        """``{{ EXPR }}``: one reading of the kernel, as the left side of a check."""
        try:
            cmp = g.parse_expect(text)
            if cmp.rhs is not None or cmp.guard is not None:
                raise g.GrammarError(cmp.op_start, Msg("{{{{ EXPR }}}} quotes one value; to "
                                                       "choose a sentence by a check, write "
                                                       "{{{{ if CHECK }}}}...{{{{ end }}}}"))
        except g.GrammarError as exc:
            self.add(path, exc.message, offset=base + exc.offset)
            return None
        try:
            subject = self._subject(cmp.lhs, kw)
        except _Bad as bad:
            if bad.message:
                self.add(path, bad.message, offset=None if bad.offset is None
                         else base + bad.offset)
            return None
        return Expect(**subject, value=None, source=text)

    def _expect(self, path: Path, text: str, kw: Mapping[str, Any], base: int = 0
                ) -> Expect | None:
        if self._has_control(path, text):
            return None
        try:
            cmp = g.parse_expect(text)
        except g.GrammarError as exc:
            self.add(path, exc.message, offset=base + exc.offset)
            return None
        at = self.src.where(path)
        try:
            conds: list[g.Comparison] = []
            c = cmp.guard
            while c is not None:
                conds.append(c)
                c = c.guard
            guard = None
            for c in reversed(conds):
                g_subject = self._subject(c.lhs, kw)
                guard = Expect(**g_subject, value=self._rhs(c, g_subject, text), op=c.op,
                               source=text[c.guard_start:c.guard_end].strip(), line=at.line,
                               col=at.col, guard=guard)
            subject = self._subject(cmp.lhs, kw)
            value = self._rhs(cmp, subject, text)
            source = text[:cmp.end].strip() if guard else text.strip()
            return Expect(**subject, value=value, op=cmp.op, source=source, line=at.line,
                          col=at.col, guard=guard)
        except _Bad as bad:
            if bad.message:
                self.add(path, bad.message,
                         offset=None if bad.offset is None else base + bad.offset)
            return None

    def _subject(self, lhs: g.Expr, kw: Mapping[str, Any]) -> dict[str, Any]:
        at, now = _without_before(lhs)
        if at is None:
            return self._subject_now(lhs, kw)
        if now is None:
            raise _Bad(at, Msg("say what to read as it was when the step began: "
                               "before.count(TIME_WAIT), before.sock.state"))
        subject = self._subject_now(now, kw)
        if subject["subject"] not in BEFORE_SUBJECTS:
            raise _Bad(at, Msg("before. reads the kernel as it was when the step began: "
                               "sockets (before.count(STATE), before.sock.state), processes and "
                               "sysctls; not what the step itself did"))
        return {**subject, "at": "before"}

    def _subject_now(self, lhs: g.Expr, kw: Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(lhs, g.Name):
            w = lhs.text
            if w in RESULT_FIELDS:
                if "call" not in kw and "wait" not in kw:
                    if self.do_refused:
                        raise _Bad(lhs.start, "")  # the step's 'do' was refused, and said so
                    raise _Bad(lhs.start, Msg("'{name}' is what a call returned; this step makes "
                                              "no call (check the kernel instead, e.g. "
                                              "lsock.state == LISTEN)", name=w))
                if w == "optval" and kw.get("call", "getsockopt") != "getsockopt":
                    raise _Bad(lhs.start, Msg("'optval' is what getsockopt() wrote; this "
                                              "step's call is {call}()", call=kw["call"]))
                if w == "ready" and kw.get("call", "poll") not in READY_CALLS:
                    raise _Bad(lhs.start, Msg("'ready' is the fds {calls} said are ready; this "
                                              "step's call is {call}()",
                                              calls=", ".join(READY_CALLS), call=kw["call"]))
                if w in WORK_FIELDS and "call" in kw and kw["call"] not in WORK_CALLS:
                    raise _Bad(lhs.start, Msg("'{name}' is what a work call measured ({calls}); "
                                              "this step's call is {call}()", name=w,
                                              calls=", ".join(sorted(WORK_CALLS)),
                                              call=kw["call"]))
                return {"subject": "result", "field": w}
            if w in self.names and self.names[w].kind != "actor":
                return {"subject": "value", "field": "value", "name": w}
            if w in self.actors or w in self.names:
                raise _Bad(lhs.start, Msg("say what of '{name}' to check: {name}.state, "
                                          "{name}.blocked_in, {name}.fd[3].state...", name=w))
            self._unknown_bad(w, lhs.start)
        if isinstance(lhs, g.Call) and isinstance(lhs.base, g.Name):
            return self._function(lhs)
        if isinstance(lhs, g.Access) and lhs.field is not None:
            base = lhs.base
            if isinstance(base, g.Name):
                return self._dotted(base, lhs.field, lhs.start)
            if isinstance(base, g.Access) and base.index is not None and \
                    isinstance(base.base, g.Access) and base.base.field == "fd" and \
                    isinstance(base.base.base, g.Name):
                actor = self._process(base.base.base)
                fd = self._fd_index(base.index, actor)
                return {"subject": "fd", "field": self._field(lhs.field, FD_FIELDS, lhs.start),
                        "actor": actor, "fd": fd}
        if isinstance(lhs, g.Access) and lhs.index is not None:
            raise _Bad(lhs.start, Msg("say which field of the fd: server.fd[3].state"))
        raise _Bad(0, Msg("a check reads like lsock.state == LISTEN, ret == 0, "
                          "count(SYN_RECV) == 1 or packets(flags=SYN) == 1"))

    def _unknown_bad(self, word: str, offset: int) -> None:
        raise _Bad(offset, self._why_unknown(word, in_check=True))

    def _process(self, name: g.Name) -> str:
        if name.text in self.actors or (name.text in self.names
                                        and self.names[name.text].kind == "actor"):
            return name.text
        if name.text in self.names and self.names[name.text].kind == "any":
            raise _Bad(name.start, "")  # its own step is wrong, and said so
        if name.text in self.names:
            raise _Bad(name.start, Msg("'{name}' is a {kind}, not a process", name=name.text,
                                       kind=_kind_word(self.names[name.text].kind)))
        self._unknown_bad(name.text, name.start)
        raise AssertionError

    def _fd_index(self, v: g.Value, actor: str) -> int | Ref:
        if isinstance(v, g.Literal) and isinstance(v.value, int) and v.value >= 0:
            return v.value
        if isinstance(v, g.Symbol) and v.word and v.word in self.names and \
                self.names[v.word].kind in ("fd", "value", "any"):
            info = self.names[v.word]
            problem = self._not_owner(v.word, info, actor) if info.kind == "fd" else None
            if problem:
                raise _Bad(v.start, problem)
            return Ref(v.word)
        if isinstance(v, g.Symbol) and v.word:
            self._unknown_bad(v.word, v.start)
        raise _Bad(_start(v), Msg("an fd is a number or an fd's name: server.fd[3], "
                                  "server.fd[conn]"))

    def _field(self, f: str, allowed: tuple[str, ...], offset: int) -> str:
        if f not in allowed:
            raise _Bad(offset, Msg("no field '{field}'{hint} (fields: {fields})", field=f,
                                   hint=_suggest(f, allowed), fields=", ".join(allowed)))
        return f

    def _dotted(self, base: g.Name, f: str, offset: int) -> dict[str, Any]:
        w = base.text
        if w == "wire":
            if f != "held":
                raise _Bad(offset, Msg("no field 'wire.{field}'{hint} (wire.held: how many "
                                       "packets the wire holds)", field=f,
                                       hint=_suggest(f, ("held",))))
            if self.mode != "wire":
                raise _Bad(base.start, Msg("wire.held needs a wire: add 'network: wire'"))
            return {"subject": "held", "field": "count"}
        info = self.names.get(w)
        if info is not None and info.kind in ("fd", "any"):
            return {"subject": "fd", "field": self._field(f, FD_FIELDS, offset), "fd": Ref(w)}
        if info is not None and info.kind == "value":
            raise _Bad(base.start, Msg("'{name}' is a value, not an fd or a process: compare "
                                       "it, {name} == 5", name=w))
        actor = self._process(base)
        if f == "output":
            return {"subject": "output", "field": "text", "actor": actor}
        if f == "fd":
            raise _Bad(offset, Msg("say which fd: {name}.fd[3].state", name=w))
        return {"subject": "process", "actor": actor,
                "field": self._field(f, (*PROCESS_FIELDS, "output"), offset)}

    def _function(self, lhs: g.Call) -> dict[str, Any]:
        assert isinstance(lhs.base, g.Name)
        fn = lhs.base.text
        if fn == "count":
            if len(lhs.args) != 1 or lhs.kwargs or not isinstance(lhs.args[0], g.Symbol):
                raise _Bad(lhs.start, Msg("count takes one TCP state: count(SYN_RECV)"))
            return {"subject": "count", "field": "state",
                    "where": _tcp_state(lhs.args[0].text, lhs.args[0].start)}
        if fn == "packets":
            if lhs.args:
                raise _Bad(_start(lhs.args[0]), Msg("packets takes key=value: from=, proto=, "
                                                    "flags=, data=, fate=, mark="))
            return {"subject": "packets", "field": "count",
                    "match": tuple(self._packet_key(k, v, o) for k, v, o in lhs.kwargs)}
        if fn in ("interrupts", "softirqs"):
            return {"subject": "irq", "field": fn, "where": self._irq_line(fn, lhs)}
        if fn == "counter":
            if lhs.kwargs or not 1 <= len(lhs.args) <= 2:
                raise _Bad(lhs.start, Msg("counter takes a counter of the lab's namespace, and "
                                          "in a wire lab a host may come first: "
                                          "counter(TcpExt.ListenOverflows), counter(server, "
                                          "Tcp.RetransSegs)"))
            return {"subject": "irq", "field": "counter", "actor": self._host_first(lhs, "counter"),
                    "where": self._counter_name(lhs.args[-1])}
        if fn == "sysctl":
            if lhs.kwargs or not 1 <= len(lhs.args) <= 2:
                raise _Bad(lhs.start, Msg("sysctl takes a name, and in a wire lab a host "
                                          "first: sysctl(net.ipv4.tcp_syn_retries), "
                                          "sysctl(client, net.ipv4.tcp_syn_retries)"))
            return {"subject": "sysctl", "field": "value", "actor": self._host_first(lhs, "sysctl"),
                    "where": self._sysctl_name(lhs.args[-1], None)}
        known = ("count", "packets", "interrupts", "softirqs", "sysctl", "counter")
        raise _Bad(lhs.base.start, Msg("no check '{name}()'{hint} (count(STATE), packets(...), "
                                       "interrupts(LINE), softirqs(NAME), sysctl(NAME), "
                                       "counter(NAME))",
                                       name=fn, hint=_suggest(fn, known)))

    def _host_first(self, lhs: g.Call, what: str) -> str | None:
        """The host ``sysctl(HOST, NAME)`` or ``counter(HOST, NAME)`` names first; None when
        only the name is given (every namespace of the lab)."""
        if len(lhs.args) != 2:
            return None
        h = lhs.args[0]
        word = h.word if isinstance(h, g.Symbol) else None
        name = g.Name(word or "?", _start(h) or 0)
        return self._sysctl_host(name, what)

    def _counter_name(self, v: g.Value) -> str:
        name = v.text if isinstance(v, g.Symbol) else None
        known = _net_counters()
        if name is None or (known and name not in known):
            hint = _suggest(str(name), tuple(known)) if name else ""
            raise _Bad(_start(v), Msg("{name} is not a counter of this kernel's /proc/net/snmp "
                                      "or /proc/net/netstat{hint} (written Table.Name: "
                                      "TcpExt.ListenOverflows, Tcp.InSegs, Udp.InDatagrams)",
                                      name=quote(str(name)), hint=hint))
        return name

    def _irq_line(self, fn: str, lhs: g.Call) -> str:
        arg = lhs.args[0] if len(lhs.args) == 1 and not lhs.kwargs else None
        name = (arg.text if isinstance(arg, g.Symbol) else str(arg.value)
                if isinstance(arg, g.Literal) and arg.kind in ("string", "number") else None)
        if fn == "softirqs":
            if name not in (*SOFTIRQS, "all"):
                raise _Bad(_start(arg) if arg is not None else lhs.base.start,
                           Msg("softirqs takes one of {names} or all{hint}",
                               names=", ".join(SOFTIRQS), hint=_suggest(str(name), SOFTIRQS)))
            return name
        if not name:
            raise _Bad(_start(arg) if arg is not None else lhs.base.start,
                       Msg("interrupts takes one line of /proc/interrupts: its label (LOC, 1), "
                           "its device (i8042, \"virtio0-input\") or all"))
        return name

    def _packet_key(self, key: str, v: g.Value, offset: int) -> tuple[str, Any]:
        text = v.text if isinstance(v, g.Symbol) else v.value if isinstance(v, g.Literal) \
            else None
        choices: dict[str, tuple[str, ...]] = {
            "from": ("client", "server") if self.mode == "wire" else ("lo",),
            "proto": tuple(p for p in PROTOS if p != "any"), "fate": FATES, "mark": MARKS}
        if key == "flags":
            try:
                parse_flags(str(text))
            except RuleError as exc:
                raise _Bad(_start(v), _said(exc)) from None
            return key, text
        if key == "data":
            if not isinstance(text, bool):
                raise _Bad(_start(v), Msg("data is true (carries bytes) or false"))
            return key, text
        if key not in choices:
            raise _Bad(offset, Msg("cannot match packets by '{key}'{hint} (from, proto, flags, "
                                   "data, fate, mark)", key=key,
                                   hint=_suggest(key, (*choices, "flags", "data"))))
        if key == "from" and self.mode != "wire":
            raise _Bad(offset, Msg("from= needs a wire lab (on loopback every packet is on lo)"))
        if text not in choices[key]:
            raise _Bad(_start(v), Msg("{key} is one of {choices}, not {got}{hint}", key=key,
                                      choices=", ".join(choices[key]), got=repr(text),
                                      hint=_suggest(str(text), choices[key])))
        return key, text

    def _fd_set(self, v: Any, f: str, at: int | None) -> list[Any]:
        """``[conn1, 5]``: fd names (their numbers, once the kernel gave them) or numbers."""
        if not isinstance(v, list):
            raise _Bad(at, Msg("{field} is a list of fds: [conn1, conn2], or [] for none",
                               field=f))
        out: list[Any] = []
        for item in v:
            if isinstance(item, g.Literal) and item.kind == "number" and \
                    isinstance(item.value, int):
                out.append(item.value)
            elif isinstance(item, g.Symbol) and item.word and item.word in self.names and \
                    self.names[item.word].kind in ("fd", "value", "any"):
                out.append(Ref(item.word))
            elif isinstance(item, g.Symbol) and item.word and item.word[0].islower():
                self._unknown_bad(item.word, item.start)
            else:
                raise _Bad(_start(item), Msg("{field} is a list of fds: [conn1, conn2], or [] "
                                             "for none", field=f))
        return out

    def _signals(self, v: Any, f: str, at: int | None, op: str) -> Any:
        """``SIGCHLD`` (after contains) or ``[SIGCHLD, SIGPIPE]``: signal names."""
        items = v if isinstance(v, list) else [v]
        names = []
        for item in items:
            word = item.word if isinstance(item, g.Symbol) else None
            if word not in SIGNALS:
                raise _Bad(_start(item) if item is not None else at,
                           Msg("{field} holds signals by name: SIGCHLD, SIGPIPE, SIGTERM"
                               "{hint}", field=f, hint=_suggest(str(word or ""), SIGNALS)))
            names.append(word)
        if op == "contains":
            if isinstance(v, list):
                raise _Bad(at, Msg("'contains' takes one signal: {field} contains SIGCHLD",
                                   field=f))
            return names[0]
        if not isinstance(v, list) or op not in ("==", "!="):
            raise _Bad(at, Msg("compare {field} with a list of signals, [SIGCHLD] or [], or "
                               "look for one with 'contains SIGCHLD'", field=f))
        return names

    def _rhs(self, cmp: g.Comparison, subject: Mapping[str, Any], text: str) -> Any:
        f = subject["field"]
        kind = subject["subject"]
        if kind in ("count", "packets", "held", "irq", "sysctl"):
            f = "count"
        v = cmp.rhs
        if v is None:
            if f in BOOL_FIELDS:
                return True
            raise _Bad(cmp.op_start, Msg("compare it with something: ... == value"))
        if isinstance(v, (g.Access, g.Name, g.Call)):
            return self._other(v, f, text[_start_expr(v):cmp.end].strip())
        at = _start(v)
        if cmp.op in (">", "<", ">=", "<=") and f not in NUMBER_FIELDS:
            raise _Bad(cmp.op_start, Msg("'{op}' compares numbers; {field} is not one",
                                         op=cmp.op, field=f))
        if cmp.op == "contains" and f not in (*TEXT_FIELDS, *ADDRESS_FIELDS, *SIGNAL_FIELDS):
            raise _Bad(cmp.op_start, Msg("'contains' looks inside text; {field} is not text",
                                         field=f))
        if f in BOOL_FIELDS:
            if not (isinstance(v, g.Literal) and v.kind == "bool"):
                raise _Bad(at, Msg("{field} is true or false", field=f))
            return v.value
        if f in FD_SET_FIELDS:
            return self._fd_set(v, f, at)
        if f in SIGNAL_FIELDS:
            return self._signals(v, f, at, cmp.op)
        if kind == "sysctl" and isinstance(v, g.Literal) and v.kind == "none" and \
                cmp.op in ("==", "!="):
            return None  # this kernel has no such knob (or the hosts' values differ)
        if f in NUMBER_FIELDS:
            if isinstance(v, g.Literal) and v.kind == "number" and isinstance(v.value, int):
                return v.value
            if isinstance(v, g.Literal) and f in DECIMAL_FIELDS and v.kind in ("number",
                                                                               "duration"):
                return float(v.value)
            if isinstance(v, g.Symbol) and v.word and v.word in self.names:
                return Ref(v.word)  # an fd's number, a value, or a fork() child's pid
            if isinstance(v, g.Symbol) and v.word and v.word[0].islower():
                self._unknown_bad(v.word, v.start)
            raise _Bad(at, Msg("{field} is a number", field=f) if f in DECIMAL_FIELDS else
                       Msg("{field} is a whole number", field=f))
        if isinstance(v, g.Literal) and v.kind == "none":
            return None
        if f in ADDRESS_FIELDS:
            if isinstance(v, g.Literal) and v.kind in ("addr", "string"):
                return str(v.value)
            raise _Bad(at, Msg("{field} is an address like 127.0.0.1:8080", field=f))
        if f in TEXT_FIELDS:
            if isinstance(v, g.Literal) and v.kind == "string":
                return v.value
            raise _Bad(at, Msg("{field} is text: write it in quotes, \"hello\"", field=f))
        if not isinstance(v, g.Symbol):
            example = {"state": "LISTEN", "errno": "ECONNREFUSED", "kind": "socket",
                       "blocked_in": "accept", "syscall": "accept4", "proto": "tcp"}.get(f)
            raise _Bad(at, Msg("{field} is a name like {example}", field=f, example=example)
                       if example else Msg("{field} is a name like this", field=f))
        word = v.text
        if kind == "fd" and f == "state":
            return _tcp_state(word, at)
        if kind == "process" and f == "state":
            names = (*STATE_NAMES, *STATE_NAMES.values())
            if word not in names:
                raise _Bad(at, Msg("process state is one of {letters} or {names}{hint}",
                                   letters=", ".join(STATE_NAMES),
                                   names=", ".join(STATE_NAMES.values()),
                                   hint=_suggest(word, names)))
            return word
        tables: dict[str, tuple[str, ...]] = {
            "errno": tuple(errno_module.errorcode.values()), "kind": FD_KINDS,
            "blocked_in": tuple(CALLS), "proto": ("tcp", "udp", "unix"),
            "syscall": tuple({n for t in SYSCALL_NUMBERS.values() for n in t}),
        }
        table = tables.get(f, ())
        if f == "errno" and word not in table and isinstance(getattr(errno_module, word, None),
                                                             int):
            # A second name for one number (EOPNOTSUPP and ENOTSUP, EWOULDBLOCK and EAGAIN):
            # the kernel's answer is printed with the C library's first name for it.
            return errno_module.errorcode[getattr(errno_module, word)]
        if word not in table:
            raise _Bad(at, Msg("'{word}' is not a {field}{hint}", word=word, field=f,
                               hint=_suggest(word, table)))
        return word

    def _other(self, v: g.Expr, f: str, source: str) -> Expect:
        """The right side of ``conn.remote == sock.local``: another subject, of the same kind
        of value (addresses with addresses, numbers with numbers)."""
        other = self._subject(v, {})
        g_f = other["field"]
        if other["subject"] in ("count", "packets", "held", "irq", "sysctl"):
            g_f = "count"
        kinds = (BOOL_FIELDS, NUMBER_FIELDS, ADDRESS_FIELDS, TEXT_FIELDS)
        same = any(f in k and g_f in k for k in kinds) or f == g_f
        if not same:
            raise _Bad(_start_expr(v), Msg("{field} and {other} are different kinds of value; "
                                           "compare an address with an address, a number with "
                                           "a number", field=f, other=g_f))
        return Expect(**other, value=None, source=source)


class _TooMany(Exception):
    pass


class _Bad(Exception):
    def __init__(self, offset: int | None, message: str) -> None:
        super().__init__(message)
        self.offset, self.message = offset, message


class _BadArg:
    pass


_BAD: Any = _BadArg()


@functools.cache
def _net_counters() -> frozenset[str]:
    """The counters this kernel has (read from this process's namespace: the names are the
    kernel's, the same in every namespace)."""
    return frozenset(netstat.read("/proc/self/net"))


_KIND_WORDS = {"fd": Msg("an fd"), "actor": Msg("a child process"), "value": Msg("a value")}


def _without_before(e: g.Expr) -> tuple[int | None, g.Expr | None]:
    """``before.X`` as (where ``before`` stands, X); (None, e) when ``e`` does not start with
    it; (offset, None) for a lone ``before``."""
    if isinstance(e, g.Name):
        return (e.start, None) if e.text == "before" else (None, e)
    if isinstance(e, g.Access) and isinstance(e.base, g.Name) and e.base.text == "before":
        return e.base.start, (None if e.field is None else g.Name(e.field, e.start))
    if isinstance(e, (g.Access, g.Call)):  # before.sock.state, before.count(LISTEN)
        at, base = _without_before(e.base)
        if at is not None:
            return at, None if base is None else dataclasses.replace(e, base=base)
    return None, e


def _tcp_state(word: str, at: int | None) -> str:
    if word in TCP_STATE_NAMES:
        return word
    if word.lower() in ("none", "null", "nil"):
        raise _Bad(at, Msg("write none, in lowercase, for no value; for a socket that is "
                           "gone, check sock.exists == false"))
    if word.upper() in TCP_STATE_NAMES:
        raise _Bad(at, Msg("TCP states are written in capitals: {state}", state=word.upper()))
    linux = RFC_STATES.get(word.upper().replace("-", "_")) or RFC_STATES.get(word.upper())
    if linux:
        raise _Bad(at, Msg("Linux calls {word} '{state}' (the kernel's name, as ss shows it)",
                           word=word, state=linux))
    raise _Bad(at, Msg("unknown TCP state '{word}'{hint} (states: {states})", word=word,
                       hint=_suggest(word, TCP_STATE_NAMES),
                       states=", ".join(TCP_STATE_NAMES[:11])))


def _alternatives(expected: str, choices: list[str]) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as ``a, b or c`` (its "or" said in the message's
    language)."""
    plain = expected.replace("'", "")
    if len(choices) >= 2:
        said = Msg("{choices} or {last}", choices=", ".join(choices[:-1]), last=choices[-1])
        if said == plain:
            return said
    return plain


def _pydantic_said(name: str, err: Mapping[str, Any]) -> str:
    """``name: `` and pydantic's message for ``err``, its first letter lowered ("steps: list
    should have at least 1 item after validation, not 0"). The errors a lesson's shape can
    have are said in our templates (the same English), so they can be said in another language
    too; any other keeps pydantic's English."""
    msg = str(err["msg"])
    error = msg[:1].lower() + msg[1:]
    ctx = err.get("ctx") or {}
    kind = err["type"]
    said: str | None = None
    if kind == "int_type":
        said = Msg("{name}: input should be a valid integer", name=name)
    elif kind == "string_type":
        said = Msg("{name}: input should be a valid string", name=name)
    elif kind == "list_type":
        said = Msg("{name}: input should be a valid list", name=name)
    elif kind == "greater_than_equal":
        said = Msg("{name}: input should be greater than or equal to {limit}", name=name,
                   limit=ctx.get("ge"))
    elif kind == "less_than_equal":
        said = Msg("{name}: input should be less than or equal to {limit}", name=name,
                   limit=ctx.get("le"))
    elif kind in ("too_short", "too_long") and name.rsplit(".", 1)[-1] == "choices":
        return Msg("a question has 2 to 8 choices; this one has {n}",
                   n=ctx.get("actual_length"))
    elif kind == "too_short":
        return Msg("{name}: at least {limit}, not {actual}", name=name,
                   limit=ctx.get("min_length"), actual=ctx.get("actual_length"))
    elif kind == "too_long":
        return Msg("{name}: at most {limit}, not {actual}", name=name,
                   limit=ctx.get("max_length"), actual=ctx.get("actual_length"))
    elif kind == "text" and "lang" in ctx:
        said = Msg("{name}: the {lang} text must be a string", name=name, lang=ctx["lang"])
    elif kind == "text":
        said = Msg("{name}: write text, or one text per language: {{en: ..., ko: ...}}",
                   name=name)
    elif kind == "text_lang":
        said = Msg("{name}: '{lang}' is not a language of syscall-lab (en, ko)", name=name,
                   lang=ctx.get("lang"))
    elif kind == "one_or_many":
        said = Msg("{name}: write one line, or a list of lines", name=name)
    elif kind == "actors":
        said = Msg("{name}: list the actors, [server, client], or map each to its host: "
                   "{{server: {{host: server}}}}", name=name)
    if said is not None and said == f"{name}: {error}":
        return said
    return Msg("{name}: {error}", name=name, error=error)


def _lab_file(path: str) -> str | None:
    norm = posixpath.normpath(path)
    if path.startswith("/") and ".." not in path.split("/") and norm in LAB_FILES:
        return None
    return Msg("'{path}' is outside the lab's files: a lesson may open {files}, ... (the list "
               "is in the authoring guide)", path=path, files=", ".join(LAB_FILES[:6]))


def _start_expr(v: g.Expr) -> int:
    """Where an expression begins (an access's own start is its field's)."""
    while isinstance(v, (g.Access, g.Call)):
        v = v.base
    return v.start


def _start(v: Any) -> int | None:
    if isinstance(v, list):
        return _start(v[0]) if v else None
    return getattr(v, "start", None)


_CODE = re.compile(r"`[^`]*`")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def _language_of(text: str, languages: tuple[str, ...]) -> str:
    """The language a plain string is written in: Korean if it has Hangul, else English (or
    the lesson's first language, when it has no English)."""
    if _HANGUL.search(text):
        return "ko"
    return "en" if "en" in languages else languages[0]
_WORD = re.compile(r"[^\W\d_]*[^\W\dA-Z_][^\W\d_]*")


def _neutral(text: str) -> bool:
    """Text with nothing to translate: numbers, symbols, CAPITAL names and `code`."""
    return _WORD.search(_CODE.sub("", text)) is None


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, dict) and bool(value) and all(
        k in LANG_NAMES and isinstance(v, str) for k, v in value.items()))


def _as_names(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list):
        return tuple(x for x in raw if isinstance(x, str))
    return ()


def _usable(data: dict[str, Any]) -> bool:
    """Whether enough of a malformed file is well-formed to check its steps too."""
    actors = data.get("actors")
    languages = data.get("languages", ["en"])
    return (isinstance(data.get("steps"), list)
            and all(isinstance(s, dict) for s in data["steps"])
            and data.get("network", "loopback") in ("loopback", "wire")
            and isinstance(languages, list) and bool(languages)
            and all(isinstance(x, str) and x in LANG_NAMES for x in languages)
            and ((isinstance(actors, list) and all(isinstance(a, str) for a in actors))
                 or (isinstance(actors, dict) and bool(actors))))


def _describe_path(path: Path) -> str:
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        rest = " ".join(str(p) if not isinstance(p, int) else f"#{p + 1}" for p in path[2:])
        if rest and rest != "say":
            return Msg("step {n} ({part})", n=path[1] + 1, part=rest)
        return Msg("step {n}", n=path[1] + 1)
    if len(path) >= 2 and path[0] == "actors":
        return Msg("actor {name}", name=path[1])
    return str(path[0]) if path else Msg("the lesson")


def _language_name(lang: str) -> str:
    """``English``, ``Korean``: the name of a lesson language, in the message's language."""
    names = {"en": Msg("English"), "ko": Msg("Korean")}
    return names[lang] if lang in names else LANG_NAMES.get(lang, lang)


def _type_word(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return Msg("text")
    if isinstance(value, (int, float)):
        return Msg("a number")
    if isinstance(value, list):
        return Msg("a list")
    if value is None:
        return Msg("empty")
    return type(value).__name__


def _kind_word(kind: str) -> str:
    """What a name stands for, in a message: "'conn' is a file descriptor"."""
    if kind == "fd":
        return Msg("file descriptor")
    if kind == "value":
        return Msg("value")
    if kind == "actor":
        return Msg("process")
    return kind
