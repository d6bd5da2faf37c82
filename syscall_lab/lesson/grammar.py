"""The small grammar of a lesson's ``do:`` and ``expect:`` lines, parsed by hand.

``do``::

    server.listen(lsock, 2)               an actor performs one call of the vocabulary
    client.connect(sock, 10.0.0.2:8080)   addresses are written as they are printed
    wire.hold(from=server, flags=SYN+ACK) a wire action (hold, drop, delay, ..., deliver, clear)
    wait client 10s                       wait for client's blocked call to return
    watch 1.5s                            let time pass, then look again
    sysctl net.ipv4.tcp_syn_retries = 8   set a sysctl in the lab's namespaces (or one host's:
                                          sysctl client net.ipv4.tcp_syn_retries = 8)

``expect``::

    lsock.state == LISTEN                 a named fd's socket
    server.fd[4].state == ESTABLISHED     an fd by number (or by name: server.fd[conn])
    ret == 3      errno == ECONNREFUSED   the step's result (also: blocked, data)
    server.blocked_in == accept           a process (also: state, syscall, wchan, ppid, exists)
    count(SYN_RECV) == 1                  sockets of the lab in a TCP state
    packets(from=server, flags=SYN+ACK, fate=held) == 1
    wire.held == 1                        packets the wire is holding
    client.output contains "hello"        what an actor wrote during the step
    softirqs(NET_RX) >= 1                 an interrupt counter that moved during the step
    sysctl(net.ipv4.tcp_syn_retries) == 6 a sysctl of the lab's namespaces
    cores >= 1.5 if p.cpus >= 2           checked only where the condition holds
    cores >= 1.05 if p.cpus >= 2 and others_busy <= 0.25   (every condition)
    conn.remote == sock.local             two readings of the kernel compared

The parser only builds a tree of names, literals and positions; it never evaluates anything.
What the names mean (an actor, a named fd, a syscall) is decided by :mod:`.loader`, which
knows the lesson. Every error carries the character offset it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..i18n import Msg

__all__ = [
    "Access",
    "Call",
    "Comparison",
    "Expr",
    "GrammarError",
    "Keyword",
    "Literal",
    "Name",
    "Symbol",
    "SysctlSet",
    "parse_do",
    "parse_expect",
]

MAX_LENGTH = 500
"""The longest ``do:`` line or check (a longer text: ``"x" * 16384``)."""
MAX_REPEATED = 1 << 16
"""The longest text a ``"..." * N`` makes (a send carries at most 16 KiB of it)."""


class GrammarError(ValueError):
    """A line the grammar cannot read: :attr:`message` (a :class:`~syscall_lab.i18n.Msg`) says
    why, about the character at :attr:`offset`."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<addr>[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]+)?(?![\w.])
            |\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\](?::[0-9]+)?)
  | (?P<duration>[0-9]+(?:\.[0-9]+)?(?:ms|s)(?!\w))
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?![\w.]))
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|>=|<=|>|<)
  | (?P<punct>[()\[\],.=|+!*-])
""", re.VERBOSE)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    start: int


def tokenize(text: str) -> list[Tok]:
    if len(text) > MAX_LENGTH:
        raise GrammarError(MAX_LENGTH, Msg("longer than {n} characters: one call or one check "
                                           "a line", n=MAX_LENGTH))
    out: list[Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            if ch in "\"'":
                raise GrammarError(pos, Msg("this string has no closing {quote}", quote=ch))
            if ch == "=":
                raise GrammarError(pos, Msg("compare with '==' (one '=' names a wire rule's key)"))
            raise GrammarError(pos, Msg("unexpected '{char}'", char=ch))
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append(Tok(kind, m.group(), pos))
        pos = m.end()
    out.append(Tok("end", "", len(text)))
    return out


# --- the tree ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Literal:
    """A number, a quoted string, an address, a duration (seconds), true, false or none."""

    value: Any
    start: int
    kind: str = "value"
    """number, string, addr, duration, bool, none."""


@dataclass(frozen=True)
class Symbol:
    """A bare word or words joined by ``|`` or ``+``: ``LISTEN``, ``SOCK_STREAM|SOCK_NONBLOCK``,
    ``SYN+!ACK``. Whether a single word is a symbol or a name is for the loader to say."""

    text: str
    start: int

    @property
    def word(self) -> str | None:
        """The word, if this is one plain word (it may then be a name)."""
        return self.text if re.fullmatch(r"[A-Za-z_]\w*", self.text) else None


@dataclass(frozen=True)
class Name:
    """``lsock``, ``server``: a word standing first in an expression."""

    text: str
    start: int


@dataclass(frozen=True)
class Access:
    """``base.field`` or ``base[index]``."""

    base: Expr
    field: str | None
    index: Value | None
    start: int
    """Where the field name or the ``[`` is."""


@dataclass(frozen=True)
class Call:
    """``base(args, key=value)``."""

    base: Expr
    args: tuple[Value, ...]
    kwargs: tuple[tuple[str, Value, int], ...]
    start: int
    end: int


Value = Literal | Symbol | list[Any]
Expr = Name | Access | Call


@dataclass(frozen=True)
class Keyword:
    """``wait client 10s`` or ``watch 1.5s``."""

    word: str
    actor: Name | None
    seconds: Literal | None
    start: int
    until: int | None = None
    """``watch 130s until CHECK``: where CHECK begins in the text (the loader parses it as
    a check)."""


@dataclass(frozen=True)
class SysctlSet:
    """``sysctl [HOST] NAME = VALUE``."""

    host: Name | None
    name: Symbol
    value: Value
    start: int


@dataclass(frozen=True)
class Comparison:
    lhs: Expr
    op: str
    rhs: Value | Expr | None
    """None: a bare boolean (``blocked``); an :class:`Access` compares with what the kernel
    shows for another subject (``conn.remote == sock.local``)."""
    op_start: int
    guard: Comparison | None = None
    """``... if COND``: check only where COND holds (``... if A and B``: the guard of A is B)."""
    guard_start: int = 0
    """Where the condition begins."""
    guard_end: int = 0
    """Where the condition ends (before ``and``)."""
    end: int = 0
    """Where the comparison ends (before ``if``)."""


@dataclass
class _Parser:
    text: str
    toks: list[Tok] = field(default_factory=list)
    i: int = 0

    def __post_init__(self) -> None:
        self.toks = tokenize(self.text)

    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def next(self) -> Tok:
        t = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return t

    def at(self, text: str) -> bool:
        return self.tok.text == text and self.tok.kind in ("punct", "op")

    def expect(self, text: str, what: str) -> Tok:
        if not self.at(text):
            raise GrammarError(self.tok.start, Msg("expected {what}{found}", what=what,
                                                   found=self._found()))
        return self.next()

    def take(self, kind: str, what: str) -> Tok:
        """The next token, which must be of ``kind`` (``what`` says what was expected)."""
        if self.tok.kind != kind:
            raise GrammarError(self.tok.start, Msg("expected {what}{found}", what=what,
                                                   found=self._found()))
        return self.next()

    def _found(self) -> Msg:
        """What stands where something else was expected, to end a message."""
        if self.tok.kind == "end":
            return Msg(", found the end")
        return Msg(", found '{token}'", token=self.tok.text)

    def end(self, what: str) -> None:
        t = self.tok
        if t.kind == "end":
            return
        before = self.toks[self.i - 1] if self.i else None
        after = self.toks[min(self.i + 1, len(self.toks) - 1)]
        if (t.text == "-" and before is not None and before.kind == "name"
                and after.kind == "name" and before.start + len(before.text) == t.start
                and t.start + 1 == after.start):  # CLOSE-WAIT
            raise GrammarError(t.start, Msg("'-' does not join words here: write "
                                            "{joined}", joined=f"{before.text}_{after.text}"))
        raise GrammarError(t.start, Msg("unexpected '{token}' after {what}", token=t.text,
                                        what=what))

    # expressions: NAME ( .field | [value] | (args) )*
    def expr(self) -> Expr:
        t = self.tok
        if t.kind != "name":
            raise GrammarError(t.start, Msg("expected a name like server or lsock{found}",
                                            found=self._found()))
        self.next()
        node: Expr = Name(t.text, t.start)
        while True:
            if self.at("."):
                self.next()
                f = self.take("name", Msg("a name after '.'"))
                node = Access(node, f.text, None, f.start)
            elif self.at("["):
                start = self.next().start
                index = self.value()
                self.expect("]", "']'")
                node = Access(node, None, index, start)
            elif self.at("("):
                node = self.call(node)
            else:
                return node

    def call(self, base: Expr) -> Call:
        start = self.expect("(", "'('").start
        args: list[Value] = []
        kwargs: list[tuple[str, Value, int]] = []
        while not self.at(")"):
            if self.tok.kind == "end":
                raise GrammarError(self.tok.start, Msg("expected ')' to close the '(' at column "
                                                       "{col}", col=start + 1))
            if self.tok.kind == "name" and self.toks[self.i + 1].text == "=":
                key = self.next()
                self.next()
                if any(k == key.text for k, _, _ in kwargs):
                    raise GrammarError(key.start, Msg("'{key}' is given twice", key=key.text))
                kwargs.append((key.text, self.value(), key.start))
            else:
                if kwargs:
                    raise GrammarError(self.tok.start, Msg("write plain arguments before "
                                                           "key=value ones"))
                args.append(self.value())
            if not self.at(")"):
                self.expect(",", Msg("',' or ')'"))
        end = self.next().start
        return Call(base, tuple(args), tuple(kwargs), start, end)

    def value(self) -> Value:
        t = self.tok
        if t.kind == "number":
            self.next()
            return Literal(_number(t.text), t.start, "number")
        if t.kind == "duration":
            self.next()
            n = float(t.text[:-2]) / 1000 if t.text.endswith("ms") else float(t.text[:-1])
            return Literal(n, t.start, "duration")
        if t.kind == "addr":
            self.next()
            return Literal(t.text, t.start, "addr")
        if t.kind == "string":
            self.next()
            text = _unquote(t)
            if self.at("*"):  # "x" * 16384: a long text in a short line
                self.next()
                count = self.take("number", Msg("a number after '*' (\"x\" * 1000)"))
                times = _number(count.text)
                if not isinstance(times, int) or len(text) * times > MAX_REPEATED:
                    raise GrammarError(count.start, Msg("a repeated text is at most {most} "
                                                        "characters", most=MAX_REPEATED))
                text *= times
            return Literal(text, t.start, "string")
        if self.at("-"):
            self.next()
            return Literal(-_number(self.take("number", Msg("a number after '-'")).text),
                           t.start, "number")
        if self.at("["):
            self.next()
            items: list[Any] = []
            while not self.at("]"):
                if self.tok.kind == "end":
                    raise GrammarError(t.start, Msg("this '[' has no closing ']'"))
                items.append(self.value())
                if not self.at("]"):
                    self.expect(",", Msg("',' or ']'"))
            self.next()
            return items
        if t.kind == "name" or self.at("!"):
            return self.symbol()
        raise GrammarError(t.start, Msg("expected a value (a number, a name, \"text\" or an "
                                        "address like 127.0.0.1:8080){found}",
                                        found=self._found()))

    def symbol(self) -> Value:
        start = self.tok.start
        parts: list[str] = []
        while True:
            neg = ""
            if self.at("!"):
                self.next()
                neg = "!"
            parts.append(neg + self.take("name", Msg("a name")).text)
            while self.at(".") and self.toks[self.i + 1].kind == "name" and not neg:
                self.next()  # a dotted name: net.ipv4.tcp_syn_retries
                parts.append("." + self.next().text)
            if not (self.at("|") or self.at("+")):
                break
            parts.append(self.next().text)
        if len(parts) == 1 and parts[0] in ("true", "false", "none"):
            return Literal(None if parts[0] == "none" else parts[0] == "true", start,
                           "none" if parts[0] == "none" else "bool")
        return Symbol("".join(parts), start)


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _unquote(t: Tok) -> str:
    body = t.text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise GrammarError(t.start + 1 + i, Msg("unknown escape '\\{char}' (use \\n, "
                                                        "\\t, \\\\, \\\" or \\')", char=nxt))
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse_do(text: str) -> Expr | Keyword | SysctlSet:
    """A ``do:`` line: a call expression (``server.listen(lsock, 2)``), or a keyword step."""
    p = _Parser(text)
    t = p.tok
    if t.kind == "name" and t.text == "sysctl" and p.toks[1].text not in (".", "("):
        p.next()
        host = None
        if p.tok.kind == "name" and p.toks[p.i + 1].kind == "name":
            host = Name(p.tok.text, p.tok.start)
            p.next()
        if p.tok.kind != "name":
            raise GrammarError(p.tok.start, Msg("say which sysctl: sysctl "
                                                "net.ipv4.tcp_syn_retries = 8{found}",
                                                found=p._found()))
        name = p.symbol()
        assert isinstance(name, Symbol)
        if not p.at("="):
            raise GrammarError(p.tok.start, Msg("set it with '=': sysctl {name} = 8{found}",
                                                name=name.text, found=p._found()))
        p.next()
        value = p.value()
        p.end(Msg("the value"))
        return SysctlSet(host, name, value, t.start)
    if t.kind == "name" and t.text in ("wait", "watch") and p.toks[1].text not in (".", "("):
        p.next()
        actor = None
        if t.text == "wait":
            a = p.tok
            if a.kind != "name":
                raise GrammarError(a.start, Msg("say whose call to wait for: wait client{found}",
                                                found=p._found()))
            p.next()
            actor = Name(a.text, a.start)
        seconds = None
        if p.tok.kind in ("number", "duration"):
            v = p.value()
            assert isinstance(v, Literal)
            seconds = v
        elif t.text == "watch":
            raise GrammarError(p.tok.start, Msg("say how long to watch: watch 1.5s{found}",
                                                found=p._found()))
        if t.text == "watch" and p.tok.kind == "name" and p.tok.text == "until":
            after = p.tok.start + len(p.tok.text)
            p.next()
            if p.tok.kind == "end":
                raise GrammarError(after, Msg("say what to watch for: watch 130s until "
                                              "packets(from=server, flags=FIN) >= 1"))
            return Keyword(t.text, actor, seconds, t.start, until=after)
        p.end(f"'{t.text}'")
        return Keyword(t.text, actor, seconds, t.start)
    if t.kind == "end":
        raise GrammarError(0, Msg("empty: write a call like server.socket(AF_INET, "
                                  "SOCK_STREAM)"))
    node = p.expr()
    if p.at("=") and isinstance(node, Name):
        raise GrammarError(p.tok.start, Msg("to name what a call returns, write 'as: {name}' "
                                            "beside 'do:'", name=node.text))
    p.end(Msg("the call"))
    return node


def parse_expect(text: str) -> Comparison:
    """An ``expect:`` item: ``lhs op value``, or a bare ``lhs`` meaning ``lhs == true``;
    either may end with ``if COND``, a comparison of the same form (not itself guarded)."""
    p = _Parser(text)
    if p.tok.kind == "end":
        raise GrammarError(0, Msg("empty check: write one like lsock.state == LISTEN"))
    main = _comparison(p)
    if not (p.tok.kind == "name" and p.tok.text == "if"):
        p.end(Msg("the value"))
        return main
    p.next()
    conds: list[tuple[Comparison, int]] = []
    while True:
        if p.tok.kind == "end":
            raise GrammarError(p.tok.start, Msg("say when to check: ... if server.cpus >= 2"))
        start = p.tok.start
        conds.append((_comparison(p), start))
        if p.tok.kind == "name" and p.tok.text == "if":
            raise GrammarError(p.tok.start, Msg("a check has one 'if'; join its conditions "
                                                "with 'and'"))
        if not (p.tok.kind == "name" and p.tok.text == "and"):
            break
        p.next()
    p.end(Msg("the condition"))
    guard: Comparison | None = None
    for cond, start in reversed(conds):
        guard = Comparison(cond.lhs, cond.op, cond.rhs, cond.op_start, guard,
                           guard_start=start, end=cond.end, guard_end=cond.end)
    assert guard is not None
    return Comparison(main.lhs, main.op, main.rhs, main.op_start, guard,
                      guard_start=conds[0][1], guard_end=conds[0][0].end, end=main.end)


def _comparison(p: _Parser) -> Comparison:
    lhs = p.expr()
    op = p.tok
    if op.kind == "end" or (op.kind == "name" and op.text in ("if", "and")):
        return Comparison(lhs, "==", None, op.start, end=op.start)
    if op.kind == "op" or (op.kind == "name" and op.text == "contains"):
        p.next()
    elif op.text == "=":
        raise GrammarError(op.start, Msg("compare with '==' (one '=' names a wire rule's key)"))
    elif op.kind == "name" and op.text == "in":
        raise GrammarError(op.start, Msg("no 'in': for a range write two checks, one a line: "
                                         "packets(from=server) >= 1, then "
                                         "packets(from=server) <= 2"))
    else:
        raise GrammarError(op.start, Msg("expected a comparison (==, !=, >=, <=, >, <, "
                                         "contains){found}", found=p._found()))
    nxt = p.toks[min(p.i + 1, len(p.toks) - 1)]
    rhs: Value | Expr
    if p.tok.kind == "name" and nxt.kind == "punct" and nxt.text in (".", "["):
        rhs = p.expr()  # another reading of the kernel: sock.local, client.fd[3].local
    else:
        rhs = p.value()
    return Comparison(lhs, op.text, rhs, op.start, end=p.tok.start)
