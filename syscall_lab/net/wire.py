"""The lab's wire: the forwarder between the two hosts, and the record of every packet.

It runs inside the supervisor's single-threaded loop: when a port is readable the supervisor
calls :meth:`Wire.on_readable`; when a timer is due (a delayed packet, a reordered one) it
calls :meth:`Wire.run_timers`. Each packet the wire reads becomes a :class:`Captured` record
with its fate; the first rule that matches decides the fate, and a packet no rule matches
passes straight through.

This is the hot path of a bulk transfer, so it reads just enough of each packet to match rules
(protocol, TCP flags, payload length) and keeps the bytes; the full dissection (scapy) happens
later, in the UI process, and only for the packets it shows.

In a ``loopback`` lab there is nothing to forward: a :class:`Wire` with a ``tap`` records what
crosses ``lo`` (fate ``passed``), and rules are refused.
"""

from __future__ import annotations

import base64
import heapq
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..i18n import Msg
from .hosts import Port
from .packetsock import PacketSocket
from .rules import FLAG_BITS, Rule

__all__ = ["Captured", "Wire", "WireError", "peek"]

REPORT_LIMIT = 2000
"""At most this many packet records per report; older unreported ones are counted as omitted."""
REORDER_WAIT_S = 1.0
"""A packet held for reordering goes out on its own if no next packet comes within this time."""


class WireError(ValueError):
    """A wire request that cannot be done (no such held packet, rules in a loopback lab...);
    ``message`` (a :class:`~syscall_lab.i18n.Msg`) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_ANSWERED = FLAG_BITS["SYN"] | FLAG_BITS["FIN"]
ANSWER_WAIT_S = 0.05
"""How long a step waits, at most, for a host's answer to a SYN or FIN the wire delivered to it
(its kernel answers at once, but a loaded machine can run the softirq that does so late)."""


def peek(data: bytes) -> tuple[int, int, int]:
    """``(IP protocol, TCP flags, payload bytes)`` of an IPv4 packet, without dissecting it."""
    if len(data) < 20 or data[0] >> 4 != 4:
        return 0, 0, 0
    ihl = (data[0] & 15) * 4
    proto = data[9]
    total = (data[2] << 8) | data[3]
    if proto == 6 and len(data) >= ihl + 14:
        return 6, data[ihl + 13], total - ihl - (data[ihl + 12] >> 4) * 4
    if proto == 17:
        return 17, 0, total - ihl - 8
    return proto, 0, total - ihl


@dataclass(slots=True)
class Captured:
    """One packet as the wire saw it, and what became of it."""

    n: int
    """Its number in the lab, from 1, in the order the wire read packets."""
    t: float
    """When the wire read it (seconds since the lab started)."""
    source: str | None
    """The host that sent it (client, server), or None on loopback."""
    data: bytes
    fate: str
    fates: list[tuple[str, float]] = field(default_factory=list)
    rule: int | None = None
    """The id of the rule that decided its fate."""

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "t": round(self.t, 6), "from": self.source, "fate": self.fate,
                "fates": [[f, round(t, 6)] for f, t in self.fates], "rule": self.rule,
                "data": base64.b64encode(self.data).decode()}


@dataclass
class _Rule:
    id: int
    rule: Rule
    matched: int = 0
    applied: int = 0

    @property
    def done(self) -> bool:
        last = self.rule.last
        return last is not None and self.matched >= last

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.rule.to_json(), "matched": self.matched,
                "applied": self.applied, "done": self.done}


class Wire:
    """Forwards packets between the hosts' ports (or only records, for a loopback tap)."""

    def __init__(self, t0: float, ports: dict[str, Port] | None = None,
                 tap: PacketSocket | None = None) -> None:
        self.t0 = t0
        self.ports = ports or {}
        self.tap = tap
        self.n = 0
        self.rules: list[_Rule] = []
        self._rule_ids = 0
        self.held: dict[int, tuple[Captured, str]] = {}
        self._timers: list[tuple[float, int, str, Captured, str]] = []
        self._reorder: dict[str, tuple[Captured, str]] = {}
        self._changed: dict[int, Captured] = {}
        self.omitted = 0
        self.lost: dict[str, int] = {}
        self.write_errors = 0
        self.last_packet = 0.0
        """Monotonic time of the last packet read: the wire is quiet when this is old."""
        self.answer_due: dict[str, float] = {}
        """Host -> until when the wire waits for its answer to a SYN or FIN delivered to it
        (cleared when the host sends anything)."""
        self.unreported = 0
        """Packets recorded since the last :meth:`report`."""

    @property
    def forwarding(self) -> bool:
        return bool(self.ports)

    def sources(self) -> Iterable[tuple[int, str]]:
        """``(fd, name)`` for each fd the supervisor should watch for packets."""
        for name, port in self.ports.items():
            yield port.fileno(), name
        if self.tap is not None:
            yield self.tap.fileno(), "lo"

    # -- the hot path ----------------------------------------------------------------
    def on_readable(self, name: str) -> int:
        """Read what ``name`` sent and handle each packet. Returns how many."""
        count = 0
        if name == "lo":
            assert self.tap is not None
            for t, data in self.tap.packets():
                self._record(t, None, data, "passed")
                count += 1
        else:
            port = self.ports[name]
            for t, data in port.read():
                self._forward(t, name, data)
                count += 1
            if count:
                self.answer_due.pop(name, None)
        if count:
            self.last_packet = time.monotonic()
        return count

    def _record(self, t: float, source: str | None, data: bytes, fate: str) -> Captured:
        self.n += 1
        self.unreported += 1
        rel = t - self.t0
        c = Captured(self.n, rel, source, data, fate, [(fate, rel)])
        self._mark(c)
        return c

    def _mark(self, c: Captured) -> None:
        changed = self._changed
        changed.pop(c.n, None)
        changed[c.n] = c
        if len(changed) > REPORT_LIMIT:
            del changed[next(iter(changed))]
            self.omitted += 1

    def _forward(self, t: float, source: str, data: bytes) -> None:
        dest = "server" if source == "client" else "client"
        rule = self._match(source, data) if self.rules else None
        action = rule.rule.action if rule else "pass"
        c = self._record(t, source, data, _FATE[action])
        if rule is not None:
            c.rule = rule.id
        if action in ("pass", "duplicate"):
            self._send(c, dest)
            if action == "duplicate":
                self._send(c, dest)
            self._after_send(source)
        elif action == "hold":
            self.held[c.n] = (c, dest)
        elif action == "delay":
            assert rule is not None
            heapq.heappush(self._timers, (t + rule.rule.ms / 1000, c.n, "delivered", c, dest))
        elif action == "reorder":
            waiting = self._reorder.pop(source, None)
            if waiting is not None:  # two reorders in a row: the older one goes now
                self._send(*waiting)
            self._reorder[source] = (c, dest)
            heapq.heappush(self._timers, (t + REORDER_WAIT_S, c.n, "reorder", c, dest))

    def _match(self, source: str, data: bytes) -> _Rule | None:
        proto, flags, payload = peek(data)
        for r in self.rules:
            if r.done or not r.rule.matches(source, proto, flags, payload):
                continue
            r.matched += 1
            if r.matched >= r.rule.first:
                r.applied += 1
                return r
        return None

    def answer_awaited(self, now: float) -> float:
        """Seconds the wire may still wait for a host to answer a SYN or FIN (0: none due)."""
        return max((due - now for due in self.answer_due.values()), default=0.0)

    def _send(self, c: Captured, dest: str) -> None:
        self.last_packet = now = time.monotonic()  # the receiver's kernel may answer at once
        proto, flags, _ = peek(c.data)
        if proto == 6 and flags & _ANSWERED:
            self.answer_due[dest] = now + ANSWER_WAIT_S
        try:
            self.ports[dest].write(c.data)
        except OSError:
            self.write_errors += 1
            self._fate(c, "lost")

    def _after_send(self, source: str) -> None:
        waiting = self._reorder.pop(source, None)
        if waiting is not None:  # the packet held back now goes after the one just sent
            self._send(*waiting)

    def _fate(self, c: Captured, fate: str, now: float | None = None) -> None:
        t = (time.monotonic() if now is None else now) - self.t0
        c.fate = fate
        c.fates.append((fate, t))
        self._mark(c)

    # -- timers ----------------------------------------------------------------------
    def next_deadline(self) -> float | None:
        return self._timers[0][0] if self._timers else None

    def run_timers(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        while self._timers and self._timers[0][0] <= now:
            _, _, what, c, dest = heapq.heappop(self._timers)
            if what == "reorder":
                if self._reorder.get(c.source or "", (None,))[0] is c:
                    del self._reorder[c.source or ""]
                    self._send(c, dest)
                continue
            self._send(c, dest)
            if c.fate != "lost":
                self._fate(c, what, now)
            self._after_send(c.source or "")

    # -- steps -----------------------------------------------------------------------
    def add_rule(self, rule: Rule) -> dict[str, Any]:
        if not self.forwarding:
            raise WireError(Msg("wire rules need a lab with network: wire (on loopback the "
                                "kernel hands packets over directly; there is no wire to "
                                "control)"))
        self._rule_ids += 1
        r = _Rule(self._rule_ids, rule)
        self.rules.append(r)
        return r.to_json()

    def clear_rules(self) -> int:
        n = len(self.rules)
        self.rules.clear()
        return n

    def _pick(self, which: Any) -> list[int]:
        if which in (None, "all"):
            return sorted(self.held)
        if isinstance(which, int) and not isinstance(which, bool):
            which = [which]
        if not isinstance(which, list) or not all(isinstance(n, int) for n in which):
            raise WireError(Msg("say which held packets: 'all' or packet numbers, not {value}",
                                value=repr(which)))
        missing = [n for n in which if n not in self.held]
        if missing:
            held = ", ".join(f"#{n}" for n in sorted(self.held)) or Msg("none")
            raise WireError(Msg("packet #{n} is not held on the wire (held: {held})",
                                n=missing[0], held=held))
        return sorted(which)

    def deliver(self, which: Any = "all") -> list[int]:
        """Send held packets on to their host, oldest first. Returns their numbers."""
        done = self._pick(which)
        for n in done:
            c, dest = self.held.pop(n)
            self._send(c, dest)
            if c.fate != "lost":
                self._fate(c, "delivered")
        return done

    def drop(self, which: Any = "all") -> list[int]:
        """Throw held packets away, as a cable that loses them would."""
        done = self._pick(which)
        for n in done:
            c, _ = self.held.pop(n)
            self._fate(c, "dropped")
        return done

    # -- reporting -------------------------------------------------------------------
    def report(self) -> dict[str, Any]:
        """Packets new or changed since the last report, what is held, the rules, losses."""
        for name, port in self.ports.items():
            lost = port.lost()
            if lost:
                self.lost[name] = self.lost.get(name, 0) + lost
        if self.tap is not None:
            lost = self.tap.lost()
            if lost:
                self.lost["lo"] = self.lost.get("lo", 0) + lost
        packets = [c.to_json() for c in self._changed.values()]
        self._changed = {}
        self.unreported = 0
        out: dict[str, Any] = {"packets": packets, "held": sorted(self.held),
                               "rules": [r.to_json() for r in self.rules]}
        if self.omitted:
            out["omitted"] = self.omitted
            self.omitted = 0
        if self.lost:
            out["lost"] = dict(self.lost)
        return out

    def close(self) -> None:
        for port in self.ports.values():
            port.close()
        if self.tap is not None:
            self.tap.close()


_FATE = {"pass": "passed", "hold": "held", "drop": "dropped", "delay": "delayed",
         "duplicate": "duplicated", "reorder": "reordered"}
