"""Wire rules: which packets a rule matches and what the wire does with them.

A rule is plain data (it travels as JSON between the UI process and the supervisor)::

    {"action": "hold", "from": "server", "flags": "SYN+ACK"}
    {"action": "drop", "from": "client", "data": true, "nth": 2}
    {"action": "delay", "ms": 300, "proto": "udp"}

Matching: ``from`` (the host that sent it: client, server or any), ``proto`` (tcp, udp, icmp or
any), ``flags`` (TCP flags that must be set; ``!ACK`` means ACK must be clear), ``data`` (true:
carries payload, false: carries none). Among the packets that match, ``nth`` picks the n-th
(counted from when the rule was added) and ``count`` how many from there on (default: 1 with
``nth``, otherwise every one). The first rule that matches a packet decides its fate.

Actions: ``pass``, ``hold`` (until a step delivers or drops it), ``drop``, ``delay`` (``ms``
milliseconds), ``duplicate`` (the receiver gets it twice), ``reorder`` (it goes out right after
the next packet from the same host).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ..i18n import Msg

__all__ = ["ACTIONS", "FLAG_BITS", "Rule", "RuleError", "flag_names", "parse_flags"]

FLAG_BITS = {"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20,
             "ECE": 0x40, "CWR": 0x80}
ACTIONS = ("pass", "hold", "drop", "delay", "duplicate", "reorder")
SOURCES = ("client", "server", "any")
PROTOS = {"tcp": 6, "udp": 17, "icmp": 1, "any": None}
KEYS = ("action", "from", "proto", "flags", "data", "nth", "count", "ms")
MAX_DELAY_MS = 60_000


class RuleError(ValueError):
    """A rule that cannot be understood; ``message`` (a :class:`~syscall_lab.i18n.Msg`) says
    what to write instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return Msg(" - did you mean '{name}'?", name=close[0]) if close else ""


def flag_names(bits: int) -> list[str]:
    """``0x12`` -> ``["SYN", "ACK"]``, in the order Wireshark lists them."""
    order = ("SYN", "FIN", "RST", "PSH", "ACK", "URG", "ECE", "CWR")
    return [n for n in order if bits & FLAG_BITS[n]]


def parse_flags(spec: str | list[str]) -> tuple[int, int]:
    """``"SYN+ACK"``, ``"SYN,ACK"``, ``["SYN", "!ACK"]`` -> (bits set, bits clear)."""
    if not isinstance(spec, str | list):
        raise RuleError(Msg("flags are names like SYN+ACK, not {value}", value=repr(spec)))
    words = spec if isinstance(spec, list) else spec.replace("+", " ").replace(",", " ").split()
    if not words:
        raise RuleError(Msg("flags is empty: name at least one TCP flag ({flags})",
                            flags=", ".join(FLAG_BITS)))
    set_, clear = 0, 0
    for raw in words:
        if not isinstance(raw, str):
            raise RuleError(Msg("flags must be names like SYN or ACK, not {value}",
                                value=repr(raw)))
        neg = raw.startswith("!")
        word = raw[1:].strip().upper() if neg else raw.strip().upper()
        if word not in FLAG_BITS:
            raise RuleError(Msg("unknown TCP flag '{flag}'{hint} (flags: {flags}; !ACK means "
                                "ACK not set)", flag=raw, hint=_suggest(word, tuple(FLAG_BITS)),
                                flags=", ".join(FLAG_BITS)))
        if neg:
            clear |= FLAG_BITS[word]
        else:
            set_ |= FLAG_BITS[word]
    if set_ & clear:
        raise RuleError(Msg("flags '{spec}' asks for a flag both set and not set",
                            spec=str(spec)))
    return set_, clear


def _positive_int(d: dict[str, Any], key: str, what: str) -> int | None:
    v = d.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise RuleError(Msg("{key} must be a whole number, not {value}", key=key,
                            value=repr(v)))
    if v < 1:
        raise RuleError(Msg("{key} must be 1 or more ({what}), got {value}", key=key,
                            what=what, value=v))
    return v


@dataclass(frozen=True)
class Rule:
    action: str
    source: str = "any"
    proto: str = "any"
    flags_set: int = 0
    flags_clear: int = 0
    data: bool | None = None
    nth: int | None = None
    count: int | None = None
    ms: int = 0

    @classmethod
    def from_json(cls, d: Any) -> Rule:
        """Validate and build a rule. Raises :class:`RuleError` with a one-line reason."""
        if not isinstance(d, dict):
            raise RuleError(Msg("a wire rule is a mapping like {{action: drop, from: client}}, "
                                "not {value}", value=repr(d)))
        for key in d:
            if key not in KEYS:
                raise RuleError(Msg("unknown rule key '{key}'{hint} (keys: {keys})",
                                    key=str(key), hint=_suggest(str(key), KEYS),
                                    keys=", ".join(KEYS)))
        action = d.get("action")
        if not isinstance(action, str) or action not in ACTIONS:
            hint = _suggest(str(action), ACTIONS) if isinstance(action, str) else ""
            raise RuleError(Msg("unknown wire action {action}{hint} (actions: {actions})",
                                action=repr(action), hint=hint, actions=", ".join(ACTIONS)))
        source = d.get("from", "any")
        if not isinstance(source, str) or source not in SOURCES:
            raise RuleError(Msg("'from' must be client, server or any, not {value}",
                                value=repr(source)))
        proto = d.get("proto", "any")
        if not isinstance(proto, str) or proto not in PROTOS:
            raise RuleError(Msg("unknown protocol {proto}{hint} (tcp, udp, icmp or any)",
                                proto=repr(proto), hint=_suggest(str(proto), tuple(PROTOS))))
        set_, clear = parse_flags(d["flags"]) if d.get("flags") is not None else (0, 0)
        if (set_ or clear) and proto not in ("tcp", "any"):
            raise RuleError(Msg("TCP flags cannot match {proto} packets: drop 'flags' or use "
                                "proto: tcp", proto=proto))
        if (set_ or clear) and proto == "any":
            proto = "tcp"
        data = d.get("data")
        if data is not None and not isinstance(data, bool):
            raise RuleError(Msg("data must be true or false, not {value}", value=repr(data)))
        nth = _positive_int(d, "nth", Msg("the first matching packet is nth: 1"))
        count = _positive_int(d, "count", Msg("how many matching packets the rule takes"))
        ms = d.get("ms", 0)
        if isinstance(ms, bool) or not isinstance(ms, int | float):
            raise RuleError(Msg("ms must be a number of milliseconds, not {value}",
                                value=repr(ms)))
        if action == "delay":
            if ms < 0:
                raise RuleError(Msg("a delay cannot be negative: ms must be 0 or more, got {ms}",
                                    ms=ms))
            if ms > MAX_DELAY_MS:
                raise RuleError(Msg("a delay of {ms} ms is longer than the lab allows "
                                    "({most} ms)", ms=ms, most=MAX_DELAY_MS))
            if "ms" not in d:
                raise RuleError(Msg("a delay needs its length: add ms (milliseconds), "
                                    "e.g. ms: 200"))
        elif "ms" in d:
            raise RuleError(Msg("ms only applies to action delay, not {action}", action=action))
        return cls(action, source, proto, set_, clear, data, nth, count, int(ms))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "from": self.source, "proto": self.proto}
        if self.flags_set or self.flags_clear:
            out["flags"] = "+".join(flag_names(self.flags_set)
                                    + [f"!{n}" for n in flag_names(self.flags_clear)])
        for key in ("data", "nth", "count"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.action == "delay":
            out["ms"] = self.ms
        return out

    def describe(self) -> str:
        """``hold(from=server, flags=SYN+ACK)``: the rule as a lesson would write it."""
        d = self.to_json()
        action = d.pop("action")
        parts = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in d.items()
                 if not (k in ("from", "proto") and v == "any")
                 and not (k == "proto" and v == "tcp" and "flags" in d)]
        return f"{action}({', '.join(parts)})"

    def matches(self, source: str, proto: int, flags: int, payload: int) -> bool:
        """Whether a packet from ``source`` (protocol number, TCP flags, payload bytes) matches."""
        if self.source != "any" and source != self.source:
            return False
        want = PROTOS[self.proto]
        if want is not None and proto != want:
            return False
        if (flags & self.flags_set) != self.flags_set or flags & self.flags_clear:
            return False
        return self.data is None or (payload > 0) == self.data

    @property
    def first(self) -> int:
        return self.nth or 1

    @property
    def last(self) -> int | None:
        """The last matching packet (by ordinal) this rule takes; None: no end."""
        if self.count is None:
            return self.first if self.nth is not None else None
        return self.first + self.count - 1
