"""What the runner and the supervisor say to each other, as typed records used at both ends.

**Requests** (runner to supervisor, one JSON line each with an ``id`` and an ``op``):
:class:`Spawn`, :class:`CallRequest`, :class:`Wait`, :class:`Look`, :class:`WireAction`,
:class:`SysctlRequest`, :class:`Pause`, :class:`Ping`, :class:`Shutdown`. :func:`request_to_json`
writes one; :func:`request_from_json` reads one back, or raises :class:`ProtocolError` saying
which field is wrong. The supervisor's reply to each carries the request's ``id`` and ``ok``; the
lab turns the replies of calls and actions into its typed outcomes
(:class:`~syscall_lab.engine.lab.StepOutcome`, ``ActionOutcome``, ``Snapshot``).

**Events**: what the supervisor tells the runner unasked, the events a step's record
carries. The supervisor writes them as JSON lines (``{"event": "result", ...}``); the lab's
reader turns each into one of these, and every reader above it (the runner, the checks, the
transcript, the export, the panes, recordings) reads these types, never the dicts.

- :class:`Returned` (``result``): a call that had blocked returned (its step was already over),
  or a fork() child's own ``fork() = 0``.
- :class:`Output` (``output``): what an actor wrote to its terminal.
- :class:`Exited` (``exited``): an actor's process ended and was reaped.

The other lines are cues (``ready``, ``fatal``, ``packets``): they start the lab or nudge a
screen to look again, and no step records them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ..i18n import Msg

__all__ = ["EVENTS", "CallRequest", "Event", "Exited", "Look", "Output", "Pause", "Ping",
           "ProtocolError", "Request", "Returned", "Shutdown", "Spawn", "SysctlRequest", "Wait",
           "WireAction", "event_from_json", "event_to_json", "request_from_json",
           "request_to_json"]


@dataclass(frozen=True)
class Returned:
    """A call returned after its step: ``accept(3, ...)`` once a client came, or the child's
    side of a fork()."""

    actor: str
    call: str
    args: tuple[Any, ...]
    result: Mapping[str, Any]
    """``ret``, ``errno``/``strerror``, ``value``, ``seq``; ``killed_by``/``exit_code`` when its
    process died in the call."""
    c: str
    """The line as strace prints it."""
    t: float | None = None
    """Seconds since the lab started."""

    @property
    def in_child(self) -> bool:
        """The fork() child's own return (0), reported as the child starts."""
        return self.call == "fork"


@dataclass(frozen=True)
class Output:
    """Bytes an actor wrote to its terminal (decoded as UTF-8, CR LF as LF)."""

    actor: str
    data: str
    t: float | None = None


@dataclass(frozen=True)
class Exited:
    """An actor's process ended: ``code`` when it exited, ``signal`` when one killed it (both
    None for a child its parent reaped, whose status went to the parent's waitpid())."""

    actor: str
    code: int | None = None
    signal: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Any other field the supervisor sent (kept, so a record says all it was told)."""


Event = Returned | Output | Exited
EVENTS = {"result": Returned, "output": Output, "exited": Exited}
"""The recorded events by their name on the wire."""


def event_from_json(d: Mapping[str, Any]) -> Event | None:
    """The record for one event line; None for a cue or a line of an unknown kind."""
    kind = d.get("event")
    if kind == "result":
        return Returned(actor=str(d.get("actor")), call=str(d.get("call")),
                        args=tuple(d.get("args") or ()), result=dict(d.get("result") or {}),
                        c=str(d.get("c", "")), t=d.get("t"))
    if kind == "output":
        return Output(actor=str(d.get("actor")), data=str(d.get("data", "")), t=d.get("t"))
    if kind == "exited":
        known = {"event", "actor", "code", "signal"}
        return Exited(actor=str(d.get("actor")), code=d.get("code"), signal=d.get("signal"),
                      extra={k: v for k, v in d.items() if k not in known})
    return None


def event_to_json(e: Event) -> dict[str, Any]:
    """The event as the supervisor sent it (and as a recording keeps it)."""
    if isinstance(e, Returned):
        out: dict[str, Any] = {"event": "result", "actor": e.actor, "call": e.call,
                               "args": list(e.args), "result": dict(e.result), "c": e.c}
        if e.t is not None:
            out["t"] = e.t
        return out
    if isinstance(e, Output):
        out = {"event": "output", "actor": e.actor, "data": e.data}
        if e.t is not None:
            out["t"] = e.t
        return out
    out = {"event": "exited", "actor": e.actor, **dict(e.extra)}
    if e.code is not None:
        out["code"] = e.code
    if e.signal is not None:
        out["signal"] = e.signal
    return out


# ---------------------------------------------------------------------------------------
# Requests

class ProtocolError(ValueError):
    """A request line that is not one of ours: ``message`` says which field and why (a
    :class:`~syscall_lab.i18n.Msg` for an unknown request, which the UI may show)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Spawn:
    """Start an actor process named ``actor`` (on ``host`` in a wire lab)."""

    actor: str
    host: str | None = None
    op = "spawn"


@dataclass(frozen=True)
class CallRequest:
    """Have ``actor`` make ``call(*args)``; the reply comes when it returned or blocked."""

    actor: str
    call: str
    args: tuple[Any, ...] = ()
    op = "call"


@dataclass(frozen=True)
class Wait:
    """Wait up to ``seconds`` for ``actor``'s blocked call to return."""

    actor: str
    seconds: float = 5.0
    op = "wait"


@dataclass(frozen=True)
class Look:
    """Read the kernel now (the reply carries the snapshot and the wire's report)."""

    op = "snapshot"


@dataclass(frozen=True)
class WireAction:
    """``rule`` (with ``rule``), ``deliver``/``drop`` (with ``packets``: ``all`` or numbers),
    ``clear``, or ``status`` (only the reply's snapshot and wire report)."""

    action: str
    rule: Mapping[str, Any] | None = None
    packets: Any = "all"
    op = "wire"


@dataclass(frozen=True)
class SysctlRequest:
    """``watch`` (``names``: carried by every snapshot from now on) or ``set`` (``name`` to
    ``value``, on ``host`` or every host)."""

    action: str
    names: tuple[str, ...] = ()
    name: str | None = None
    value: int | None = None
    host: str | None = None
    op = "sysctl"


@dataclass(frozen=True)
class Pause:
    """Let ``seconds`` pass with the lab running."""

    seconds: float = 1.0
    op = "pause"


@dataclass(frozen=True)
class Ping:
    op = "ping"


@dataclass(frozen=True)
class Shutdown:
    """End the lab: every actor, the namespaces, the supervisor."""

    op = "shutdown"


Request = (Spawn | CallRequest | Wait | Look | WireAction | SysctlRequest | Pause | Ping |
           Shutdown)
_REQUESTS: dict[str, type[Any]] = {cls.op: cls for cls in (
    Spawn, CallRequest, Wait, Look, WireAction, SysctlRequest, Pause, Ping, Shutdown)}


def request_to_json(r: Request, rid: int) -> dict[str, Any]:
    """The line the runner writes for ``r`` (its id ``rid``)."""
    out: dict[str, Any] = {"id": rid, "op": r.op}
    for f in fields(r):
        value = getattr(r, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


_KINDS: dict[str, tuple[type, ...]] = {
    "actor": (str,), "host": (str, type(None)), "call": (str,), "args": (list,),
    "seconds": (int, float), "action": (str,), "rule": (dict, type(None)),
    "packets": (str, int, list), "names": (list,), "name": (str, type(None)),
    "value": (int, type(None)),
}


def request_from_json(d: Mapping[str, Any]) -> Request:
    """The request a line holds. Raises :class:`ProtocolError` for an unknown ``op`` or a
    field of the wrong kind."""
    cls = _REQUESTS.get(str(d.get("op")))
    if cls is None:
        raise ProtocolError(Msg("unknown request {op}", op=repr(d.get("op"))))
    kw: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in d:
            continue
        value = d[f.name]
        kinds = _KINDS.get(f.name, (object,))
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise ProtocolError(f"{cls.op}: {f.name} is {type(value).__name__}")
        kw[f.name] = tuple(value) if isinstance(value, list) and f.name in ("args", "names") \
            else value
    try:
        return cls(**kw)  # type: ignore[no-any-return]
    except TypeError as exc:  # a required field is missing
        raise ProtocolError(f"{cls.op}: {exc}") from None
