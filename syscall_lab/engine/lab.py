"""The UI process's handle on a lab: spawns the supervisor and speaks its JSON-lines protocol.

The TUI and the headless runner both use :class:`Lab`. It never forks actors itself (the UI
process is threaded); it starts ``python -m syscall_lab.engine.boot``, which does.

The supervisor dies with the thread that started it (``PR_SET_PDEATHSIG``), so start a lab from
a thread that lives as long as the lab: the main thread, or one long-lived worker.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, Self

from ..i18n import Msg
from ..net.packets import PacketLog, PacketRecord, warm_up
from ..net.pcap import PcapWriter
from ..net.rules import Rule, RuleError
from .protocol import (
    CallRequest,
    Event,
    Look,
    Pause,
    Request,
    Shutdown,
    Spawn,
    SysctlRequest,
    Wait,
    WireAction,
    event_from_json,
    request_to_json,
)
from .snapshot import Snapshot

__all__ = ["ActionOutcome", "CallError", "Lab", "LabEnvironmentError", "LabError", "StepOutcome",
           "WireView"]


class LabError(RuntimeError):
    """Something went wrong with the lab itself (not a syscall failing: that is a result).

    ``message`` and ``fix`` are :class:`~syscall_lab.i18n.Msg` when the lab (or the
    supervisor, across its protocol) said them; ``str(exc)`` is the English."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class LabEnvironmentError(LabError):
    """This machine cannot run a lab (no user namespaces...); ``fix`` says what would help."""


class CallError(LabError):
    """The request was refused before any syscall: unknown call, bad arguments, no such actor."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


STARTS_LOG = "SYSCALL_LAB_STARTS"
"""An environment variable naming a file to which each lab adds a line as it starts: the test
suite's way to see which tests start labs (they must be marked ``kernel``)."""



@dataclass(frozen=True)
class WireView:
    """What crossed the wire (or ``lo``) during a step, and what the wire holds after it."""

    packets: tuple[PacketRecord, ...] = ()
    """Packets seen during the step, and earlier ones whose fate changed (a held one delivered)."""
    held: tuple[int, ...] = ()
    """Numbers of the packets the wire holds now."""
    rules: tuple[dict[str, Any], ...] = ()
    """The wire's rules, with how many packets each has matched."""
    lost: dict[str, int] = field(default_factory=dict)
    """Packets the kernel dropped before the lab could read them, by port (should be none)."""
    omitted: int = 0
    """Packets seen but left out of this report (a bulk transfer: only the last ones shown)."""


@dataclass(frozen=True)
class StepOutcome:
    """What one call did: the kernel's answer and what the kernel held right after."""

    actor: str
    call: str
    args: tuple[Any, ...]
    c: str
    """The call as strace prints it: ``listen(3, 2) = 0``."""
    syscall: dict[str, Any]
    """The kernel syscall entered on this machine: ``{"name": "listen", "nr": 50}``."""
    result: dict[str, Any] | None
    """``ret``, and ``errno``/``strerror`` on failure, ``value`` for out-parameters.
    None while the call is still blocked."""
    blocked: bool
    snapshot: Snapshot
    seq: int | None = None
    wire: WireView = field(default_factory=WireView)

    @property
    def ret(self) -> int | None:
        return None if self.result is None else self.result.get("ret")

    @property
    def errno(self) -> str | None:
        return None if self.result is None else self.result.get("errno")


@dataclass(frozen=True)
class ActionOutcome:
    """A step that is not a syscall: a wire action (rule, deliver, drop, clear) or a pause."""

    action: str
    """``wire.rule``, ``wire.deliver``, ``wire.drop``, ``wire.clear``, ``pause``."""
    detail: dict[str, Any]
    """The rule as the wire took it, the packets delivered or dropped, the seconds paused."""
    snapshot: Snapshot
    wire: WireView = field(default_factory=WireView)


@dataclass
class _Pending:
    event: threading.Event = field(default_factory=threading.Event)
    reply: dict[str, Any] | None = None


class Lab:
    """A running lab: a supervisor process with its namespaces and actors.

    Use as a context manager; :meth:`close` ends every process of the lab.
    """

    def __init__(self, on_event: Callable[[dict[str, Any]], None] | None = None,
                 start_timeout: float = 15.0, network: str = "loopback",
                 wire_backend: str | None = None) -> None:
        """``network``: ``loopback`` (one host, capture on lo) or ``wire`` (hosts client and
        server joined by the lab's wire). ``wire_backend``: tun, veth or auto (default: the
        ``SYSCALL_LAB_WIRE`` environment variable, else auto)."""
        if log := os.environ.get(STARTS_LOG):  # the test suite's, see STARTS_LOG
            try:
                with open(log, "a", encoding="ascii") as out:
                    out.write(f"{os.getpid()}\n")
            except OSError:
                pass  # (another user's file: a test that runs the lab as another user)
        self._on_event = on_event
        self.network = network
        self.net_counters: dict[str, dict[str, int]] = {}
        """The lab's network counters (``/proc/net/snmp``, ``/proc/net/netstat``) by host, as
        the last reply that read the kernel carried them."""
        self.packets = PacketLog()
        """Every packet of this lab so far, dissected."""
        warm_up()  # scapy takes a while to import; have it ready for the first packet
        self._lock = threading.Lock()
        self._packets_lock = threading.Lock()
        self._pending: dict[int, _Pending] = {}
        self._events: list[Event] = []
        self._next_id = 0
        self._stderr: collections.deque[str] = collections.deque(maxlen=40)
        self._ready = threading.Event()
        self._fatal: dict[str, Any] | None = None
        self.info: dict[str, Any] = {}
        env = {**os.environ, "SYSCALL_LAB_PARENT": str(os.getpid())}
        backend = wire_backend or os.environ.get("SYSCALL_LAB_WIRE") or "auto"
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "syscall_lab.engine.boot", "--network", network,
             "--wire-backend", backend],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, close_fds=True, start_new_session=True,
        )
        assert self._proc.stdout and self._proc.stderr
        self._reader = threading.Thread(target=self._read, args=(self._proc.stdout,),
                                        name="lab-reader", daemon=True)
        self._errreader = threading.Thread(target=self._read_err, args=(self._proc.stderr,),
                                           name="lab-stderr", daemon=True)
        self._reader.start()
        self._errreader.start()
        if not self._ready.wait(start_timeout):
            self.close()
            raise LabError(Msg("the lab did not start in time"), Msg("see 'syscall-lab doctor'"))
        if self._fatal is not None:
            self.close()
            raise LabEnvironmentError(*_fatal_words(self._fatal))

    # -- reading ---------------------------------------------------------------------
    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            if msg.get("id") is not None:
                with self._lock:
                    pending = self._pending.get(msg["id"])
                if pending:
                    pending.reply = msg
                    pending.event.set()
                continue
            ev = msg.get("event")
            if ev == "ready":
                if msg.get("capture_problem"):
                    msg["capture_problem"] = Msg.from_json(msg.get("capture_problem_msg"),
                                                           msg["capture_problem"])
                self.info = msg
                self._ready.set()
            elif ev == "fatal":
                self._fatal = msg
                self._ready.set()
            recorded = event_from_json(msg)  # None for a cue: nothing a step records
            if recorded is not None:
                with self._lock:
                    self._events.append(recorded)
            if self._on_event is not None:
                try:
                    self._on_event(msg)
                except Exception as exc:  # the UI's bug must not stop the lab's replies
                    self._stderr.append(f"on_event callback failed: {type(exc).__name__}: {exc}")
        # the supervisor is gone: release every waiter
        self._ready.set()
        with self._lock:
            for p in self._pending.values():
                p.event.set()

    def _read_err(self, stream: IO[bytes]) -> None:
        for line in stream:
            self._stderr.append(line.decode("utf-8", "replace").rstrip())

    # -- requests --------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    @property
    def supervisor_pid(self) -> int:
        return self._proc.pid

    def request(self, r: Request, timeout: float = 60.0) -> dict[str, Any]:
        """Send one request and wait for its reply. Raises :class:`CallError` if refused."""
        op = r.op
        with self._lock:
            self._next_id += 1
            rid = self._next_id
            pending = self._pending[rid] = _Pending()
        line = json.dumps(request_to_json(r, rid)) + "\n"
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.write(line.encode())
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise self._died() from None
        if not pending.event.wait(timeout):
            raise LabError(Msg("the lab did not answer '{op}' within {timeout} s", op=op,
                               timeout=f"{timeout:.0f}"))
        with self._lock:
            self._pending.pop(rid, None)
        reply = pending.reply
        if reply is None:
            raise self._died()
        if not reply.get("ok"):
            english = reply.get("error", Msg("refused"))
            raise CallError(Msg.from_json(reply.get("msg"), english), reply.get("kind", "error"))
        counters = reply.get("counters")
        if isinstance(counters, dict):
            self.net_counters = counters
        return reply

    def _died(self) -> LabError:
        if self._fatal is not None:
            return LabError(*_fatal_words(self._fatal))
        # Its last words on stderr are read by another thread: let it finish reading them.
        try:
            code = self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        self._errreader.join(timeout=1)
        tail = next((line for line in reversed(self._stderr) if line.strip()), "")
        how = ("" if not code else Msg(" (exit status {code})", code=code) if code > 0
               else Msg(" (killed by {signal})", signal=_signal_name(-code)))
        if tail:
            return LabError(Msg("the lab's supervisor stopped unexpectedly{how}: {tail}", how=how,
                                tail=tail))
        return LabError(Msg("the lab's supervisor stopped unexpectedly{how}", how=how))

    def spawn(self, actor: str, host: str | None = None) -> dict[str, Any]:
        """Start an actor process named ``actor`` with fds 0, 1, 2 on its own pty; in a wire
        lab, on ``host`` (client or server)."""
        return self.request(Spawn(actor, host))

    def call(self, actor: str, call: str, *args: Any) -> StepOutcome:
        """Have ``actor`` perform ``call(*args)`` for real; returns when it returned or blocked."""
        return self._outcome(self.request(CallRequest(actor, call, tuple(args))))

    def wait(self, actor: str, timeout: float = 5.0) -> StepOutcome:
        """Wait until ``actor``'s blocked call returns (or ``timeout`` passes)."""
        return self._outcome(self.request(Wait(actor, timeout), timeout=timeout + 30))

    def snapshot(self) -> Snapshot:
        """What the kernel holds now (packets seen meanwhile go to :attr:`packets`)."""
        return self.look()[0]

    def look(self) -> tuple[Snapshot, WireView]:
        """What the kernel holds now, and the packets seen since the last report."""
        reply = self.request(Look())
        wire = self._wire(reply)
        return Snapshot.from_json(reply["snapshot"]), wire

    def wire_rule(self, rule: dict[str, Any] | Rule) -> ActionOutcome:
        """Add a wire rule (see :mod:`syscall_lab.net.rules`). Raises :class:`CallError` with
        the reason if the rule is malformed or the lab has no wire."""
        if not isinstance(rule, Rule):
            try:
                rule = Rule.from_json(rule)
            except RuleError as exc:
                raise CallError(exc.message, "wire") from None
        return self._action("wire.rule", self.request(WireAction("rule", rule=rule.to_json())),
                            "rule")

    def wire_deliver(self, packets: str | int | list[int] = "all") -> ActionOutcome:
        """Send held packets on to their host (``all``, or packet numbers)."""
        return self._action("wire.deliver", self.request(WireAction("deliver", packets=packets)),
                            "delivered")

    def wire_drop(self, packets: str | int | list[int] = "all") -> ActionOutcome:
        """Throw held packets away."""
        return self._action("wire.drop", self.request(WireAction("drop", packets=packets)),
                            "dropped")

    def wire_clear(self) -> ActionOutcome:
        """Remove every rule (held packets stay held)."""
        return self._action("wire.clear", self.request(WireAction("clear")), "cleared")

    def watch_sysctls(self, names: list[str]) -> None:
        """Have every snapshot from now on carry these sysctls of the lab's namespaces."""
        if names:
            self.request(SysctlRequest("watch", names=tuple(names)))

    def set_sysctl(self, name: str, value: int, host: str | None = None) -> ActionOutcome:
        """Set a network sysctl in the lab's namespaces (or one host's); never the host
        machine's. Raises :class:`CallError` with the reason the kernel gave."""
        return self._action("sysctl", self.request(SysctlRequest("set", name=name, value=value,
                                                                 host=host)), "sysctl")

    def pause(self, seconds: float) -> ActionOutcome:
        """Let ``seconds`` pass with the lab running: kernel timers fire, packets cross."""
        return self._action("pause", self.request(Pause(seconds), timeout=seconds + 30),
                            "seconds")

    def write_pcap(self, out: BinaryIO) -> int:
        """Write every packet so far to ``out`` as a pcap file (from its start); returns how
        many. The caller opened it (see :func:`syscall_lab.files.open_output`)."""
        writer = PcapWriter(out, float(self.info.get("t0_wall", 0.0)))
        writer.write_all(self.packets.raw[n] for n in sorted(self.packets.raw))
        return len(self.packets.raw)

    def _wire(self, reply: dict[str, Any]) -> WireView:
        report = reply.get("wire")
        if report is None:
            return WireView()
        with self._packets_lock:  # requests may come from several threads
            got = self.packets.add(report)
        return WireView(packets=tuple(got), held=tuple(report.get("held", ())),
                        rules=tuple(report.get("rules", ())), lost=dict(report.get("lost", {})),
                        omitted=int(report.get("omitted", 0)))

    def _action(self, action: str, reply: dict[str, Any], key: str) -> ActionOutcome:
        return ActionOutcome(action=action, detail={key: reply.get(key)},
                             wire=self._wire(reply), snapshot=Snapshot.from_json(reply["snapshot"]))

    def events(self) -> list[Event]:
        """The events (output, late results, exits) since the last call; clears them."""
        with self._lock:
            out, self._events = self._events, []
        return out

    def pending_events(self) -> list[Event]:
        """The events :meth:`events` would return now, left in place."""
        with self._lock:
            return list(self._events)

    def _outcome(self, r: dict[str, Any]) -> StepOutcome:
        res = r.get("result")
        return StepOutcome(actor=r["actor"], call=r["call"], args=tuple(r.get("args", ())),
                           c=r["c"], syscall=r.get("syscall", {}), result=res,
                           blocked=bool(r.get("blocked")),
                           snapshot=Snapshot.from_json(r["snapshot"]),
                           seq=r.get("seq", res.get("seq") if res else None),
                           wire=self._wire(r))

    # -- the end ---------------------------------------------------------------------
    def close(self, timeout: float = 5.0) -> None:
        """End the lab: every actor, the namespaces, the supervisor. Safe to call twice."""
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(json.dumps(request_to_json(Shutdown(), 0)).encode() + b"\n")
                self._proc.stdin.flush()
                self._proc.stdin.close()
            except (BrokenPipeError, ValueError, OSError):
                pass
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        self._reader.join(1.0)
        self._errreader.join(1.0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()


def _fatal_words(event: dict[str, Any]) -> tuple[str, str | None]:
    """The reason and fix of a ``fatal`` event, rebuilt as Msgs where the supervisor sent them
    (``msg``, ``fix_msg``), else its English."""
    reason = Msg.from_json(event.get("msg"), event["reason"])
    fix = event.get("fix")
    return reason, (Msg.from_json(event.get("fix_msg"), fix) if fix else fix)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return Msg("signal {number}", number=number)
