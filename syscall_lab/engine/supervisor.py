"""The lab supervisor: owns the sandbox, spawns actors, performs steps and observes the kernel.

Started by :mod:`syscall_lab.engine.boot` (``python -m syscall_lab.engine.boot``, which
:class:`syscall_lab.engine.lab.Lab` runs) once the sandbox and the network exist. It
reads one JSON request a line on stdin and writes JSON lines on stdout: replies (with the
request's ``id``) and events (``output``, ``result``, ``exited``). See docs/architecture.md.

Process tree and lifetime::

    UI process ── supervisor (user+net namespaces; PDEATHSIG=SIGKILL on the UI process)
                    ├─ lab-init   pid 1 of the lab's pid namespace (PDEATHSIG on the supervisor)
                    ├─ server     an actor, pid 2 inside
                    │   └─ server.1  made by fork() inside the server
                    └─ client1 ...

Whatever kills the UI process kills the supervisor; that kills lab-init; and when a pid
namespace's init dies the kernel kills every process in it. No cleanup code has to run for
nothing to be left behind. The supervisor is single-threaded (a selector loop), so it may fork.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import selectors
import signal
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ..i18n import Msg
from ..net import sysctls
from ..net.hosts import Host, enter_netns, inside
from ..net.rules import Rule, RuleError
from ..net.wire import Wire, WireError
from ..observe import netstat
from .actor import channel_fd_floor, describe_status, drop_capabilities, run_actor, set_comm
from .observer import ActorView, Observer
from .protocol import (
    CallRequest,
    Look,
    Pause,
    Ping,
    ProtocolError,
    Spawn,
    SysctlRequest,
    Wait,
    WireAction,
    request_from_json,
)
from .vocabulary import (
    CALLS,
    ArgumentError,
    UnknownCallError,
    either,
    format_call,
    machine_arch,
    normalize_args,
    syscall_for,
)

ACTOR_NAME = re.compile(r"[a-z][a-z0-9_-]{0,14}")
"""Names students can type and ``ps`` can show in full (``comm`` keeps 15 bytes)."""

SETTLE_S = 0.040
"""How long an actor must sleep in its call's syscall before the step reports it blocked.
Long enough that a loopback handshake on a busy machine is not called blocked; short enough
(under three frames) that a really blocked call shows at once. Only sleeping calls pay it."""
PTY_DRAIN_S = 0.05
"""The longest a step waits for bytes written to a terminal to reach the lab's end of it."""
MAX_PAUSE_S = 120.0
"""The longest a lesson may let time pass in one step (TCP's SYN retries take ~2 minutes)."""
MAX_STEP_S = 10.0
"""A call that neither returns nor sleeps in its syscall for this long is reported as running."""


@dataclass
class Pending:
    seq: int
    call: str
    args: list[Any]
    expect_nr: int | None
    """The syscall number the call sleeps in when it blocks."""
    expect_fd: int | None
    """Its fd argument, to tell it from the actor idling on its channel in the same syscall."""
    waiter: bool = True
    """The request that made this call is still waiting for it (not yet reported blocked)."""
    result: dict[str, Any] | None = None


@dataclass
class Actor:
    name: str
    host_pid: int
    chan: socket.socket | None
    console: str
    """The actor whose pty this process writes to (forked children share their parent's)."""
    host: str | None = None
    """The wire host it runs on (client or server); None on loopback."""
    parent: str | None = None
    pty: int | None = None
    forks: int = 0
    seq: int = 0
    pending: Pending | None = None
    lab_inodes: set[int] = field(default_factory=set)
    channel_fds: set[int] = field(default_factory=set)
    """The fd numbers of the lab's channel inside the actor: not the student's to use."""
    exiting: bool = False
    gone: bool = False
    thread_of: str | None = None
    """For a thread pthread_create() made: the actor whose process it is part of. It shares
    that process's fd table, so its lab_inodes and channel_fds are the very same sets."""
    threads_made: int = 0


WIRE_QUIET_S = 0.005
"""Before a snapshot, the wire must have carried nothing for this long (the kernels' answers
to what the step did cross it within microseconds; this is many times that), and a host the
wire delivered a SYN or FIN to must have answered (or ANSWER_WAIT_S passed)."""
WIRE_SETTLE_MAX_S = 0.1
"""...but a steady stream (a bulk transfer) is not waited out longer than this."""
PACKETS_CUE_S = 0.1
"""At most this often the supervisor tells the UI that packets crossed unasked (a ``packets``
event): between steps, a screen looks on it, and no report grows past the wire's limit."""


class Supervisor:
    def __init__(self, init_pid: int, hosts: dict[str, Host] | None = None,
                 wire: Wire | None = None) -> None:
        self.init_pid = init_pid
        self.t0 = time.monotonic()
        self.hosts = hosts or {}
        self.observer = Observer(init_host_pid=init_pid, t0=self.t0,
                                 hosts={n: h.netns for n, h in self.hosts.items()})
        self.sel = selectors.DefaultSelector()
        self.wire = wire
        if wire is not None:
            wire.t0 = self.t0
            for fd, name in wire.sources():
                self.sel.register(fd, selectors.EVENT_READ, ("wire", name))
        self.actors: dict[str, Actor] = {}
        self.inbuf = b""
        self.requests: list[dict[str, Any]] = []
        self._late: dict[str, tuple[Pending, dict[str, Any]]] = {}
        """Calls that returned after their step reported them blocked, by actor."""
        self.stdin_open = True
        self.sysctl_names: set[str] = set()
        """The lab's sysctls the lesson reads: every snapshot carries their values."""
        self._packets_noted = 0.0
        self.arch = machine_arch()
        os.set_blocking(0, False)
        self.sel.register(0, selectors.EVENT_READ, ("stdin", None))

    # -- output ----------------------------------------------------------------------
    def emit(self, msg: dict[str, Any]) -> None:
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        while data:
            try:
                n = os.write(1, data)
            except BlockingIOError:
                time.sleep(0.001)
                continue
            except BrokenPipeError:
                self.shutdown(exit_code=0)
            data = data[n:]

    def reply(self, req: dict[str, Any], **body: Any) -> None:
        self.emit({"id": req.get("id"), "ok": True, **body})

    def fail(self, req: dict[str, Any], kind: str, message: str) -> None:
        """Refuse ``req``: ``error`` says why in English, ``msg`` (when the message is a
        :class:`~syscall_lab.i18n.Msg`) carries it for the UI to say in the student's language."""
        out: dict[str, Any] = {"id": req.get("id"), "ok": False, "kind": kind, "error": message}
        if isinstance(message, Msg):
            out["msg"] = message.to_json()
        self.emit(out)

    # -- the loop --------------------------------------------------------------------
    def pump(self, timeout: float | None) -> None:
        """Wait up to ``timeout`` for input from the UI, actors, ptys and the wire, and handle
        it; wire timers (delayed packets) due by then fire too."""
        due = self.wire.next_deadline() if self.wire else None
        if due is not None:
            wait = max(0.0, due - time.monotonic())
            timeout = wait if timeout is None else min(timeout, wait)
        if self.wire is not None and self.wire.unreported:
            wait = max(0.0, self._packets_noted + PACKETS_CUE_S - time.monotonic())
            timeout = wait if timeout is None else min(timeout, wait)
        for key, _ in self.sel.select(timeout):
            kind, who = key.data
            if kind == "wire":
                assert self.wire is not None
                self.wire.on_readable(who)
            elif kind == "stdin":
                self._read_stdin()
            elif kind == "chan":
                self._read_channel(who)
            elif kind == "pty":
                self._read_pty(who)
        if due is not None and self.wire is not None:
            self.wire.run_timers()
        self._reap()
        self._cue_packets()

    def _cue_packets(self) -> None:
        """Tell the UI that packets crossed since it last asked (at most every
        :data:`PACKETS_CUE_S`), so that a screen between steps looks while traffic flows."""
        wire = self.wire
        if wire is None or not wire.unreported:
            return
        now = time.monotonic()
        if now - self._packets_noted >= PACKETS_CUE_S:
            self._packets_noted = now
            self.emit({"event": "packets", "count": wire.unreported, "t": now - self.t0})

    def run(self) -> NoReturn:
        while True:
            while self.requests:
                self.handle(self.requests.pop(0))
            if not self.stdin_open:
                self.shutdown(exit_code=0)
            self.pump(None if not self._anyone_exiting() else 0.05)

    def _anyone_exiting(self) -> bool:
        return any(a.exiting and not a.gone for a in self.actors.values())

    def _read_stdin(self) -> None:
        try:
            chunk = os.read(0, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            self.stdin_open = False
            self.sel.unregister(0)
            return
        self.inbuf += chunk
        while b"\n" in self.inbuf:
            line, self.inbuf = self.inbuf.split(b"\n", 1)
            if line.strip():
                try:
                    self.requests.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    self.emit({"id": None, "ok": False, "kind": "protocol", "error": str(exc)})

    def _read_channel(self, a: Actor) -> None:
        assert a.chan is not None
        try:
            data, anc, _, _ = a.chan.recvmsg(1 << 21, socket.CMSG_SPACE(4 * 4))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data, anc = b"", []
        if not data:  # every copy of the actor's end is closed: it has exited
            self.sel.unregister(a.chan)
            a.chan.close()
            a.chan = None
            a.exiting = True
            p = a.pending
            if p is not None and p.call == "exit":
                p.result = p.result or {"seq": p.seq, "ret": None}
                a.pending = None
            elif p is not None:  # it died inside the call: a signal (SIGPIPE...) killed it,
                # or (a thread) another thread ended the process: its process's status says how
                proc = self.actors.get(a.thread_of or "", a)
                self._complete(a, p, {"seq": p.seq, "call": p.call, "ret": None,
                                      **self._death(proc)}, [])
            return
        passed: list[int] = []
        for level, ctype, cdata in anc:
            if level == socket.SOL_SOCKET and ctype == socket.SCM_RIGHTS:
                passed += list(struct.unpack(f"={len(cdata) // 4}i", cdata[: len(cdata) // 4 * 4]))
        msg = json.loads(data)
        if "channel_fd" in msg:
            self._note_channel(a, msg["channel_fd"])
        if msg.get("hello"):
            return
        if msg.get("forked_child"):
            self.emit({"event": "result", "actor": a.name, "call": "fork", "args": [],
                       "result": {"ret": 0}, "c": "fork() = 0 (in the child)",
                       "t": time.monotonic() - self.t0})
            return
        p = a.pending
        if p is None or msg.get("seq") != p.seq:
            return
        if msg.get("exiting"):
            return  # the real end is the channel closing, seen above
        self._complete(a, p, msg, passed)

    def _complete(self, a: Actor, p: Pending, msg: dict[str, Any], passed: list[int]) -> None:
        """The call returned (or its process died in it); ``passed`` are fds it sent us."""
        p.result = msg
        if p.call == "fork" and passed:
            self._adopt_child(a, msg, passed[0])
        if p.call == "pthread_create" and passed:
            self._adopt_thread(a, msg, passed[0])
        a.pending = None
        if not p.waiter:  # its step already reported it blocked: tell the UI it returned now
            self.emit({"event": "result", "actor": a.name, "call": p.call, "args": p.args,
                       "result": _public(msg), "c": format_call(p.call, p.args, msg),
                       "t": time.monotonic() - self.t0})
            self._late[a.name] = (p, msg)  # for a later 'wait' request

    def _death(self, a: Actor, limit: float = 1.0) -> dict[str, Any]:
        """How a process that closed its channel died, from its wait status in /proc/PID/stat
        (field 52, exit_code), read once the kernel has made it a zombie."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            parsed = self.observer.procfs.stat_fields(a.host_pid)
            if parsed is None:
                return {}
            fields = parsed[1]
            if fields[0] in "ZX":
                status = int(fields[49]) if len(fields) > 49 else 0
                return {("killed_by" if "signal" in (d := _status(status)) else "exit_code"):
                        d.get("signal", d.get("code"))}
            time.sleep(0.002)
        return {}

    def _read_pty(self, a: Actor) -> int:
        """Read what the actor's terminal holds; returns how many bytes."""
        assert a.pty is not None
        try:
            data = os.read(a.pty, 1 << 16)
        except BlockingIOError:
            return 0
        except OSError:  # EIO: every process holding the terminal has closed it
            data = b""
        if not data:
            self.sel.unregister(a.pty)
            os.close(a.pty)
            a.pty = None
            return 0
        text = data.decode("utf-8", "replace").replace("\r\n", "\n")
        self.emit({"event": "output", "actor": a.name, "data": text,
                   "t": time.monotonic() - self.t0})
        return len(data)

    def _drain_terminal(self, a: Actor, p: Pending) -> None:
        """After a write() to a terminal, read what it wrote before the step's reply, so the
        output belongs to this step. The kernel hands pty bytes to the reading side from a
        work queue, a moment after write() returns: without this, about 1 check in 150 of
        ``ACTOR.output contains`` saw the text one step late."""
        ret = (p.result or {}).get("ret")
        if p.call != "write" or not isinstance(ret, int) or ret <= 0:
            return
        try:
            if not os.readlink(f"/proc/{a.host_pid}/fd/{p.args[0]}").startswith("/dev/pts/"):
                return
        except OSError:
            return
        ptys = [b for b in self.actors.values() if b.pty is not None]
        got, end = 0, time.monotonic() + PTY_DRAIN_S
        while got < ret and ptys and time.monotonic() < end:
            for b in ptys:
                if b.pty is not None:
                    got += self._read_pty(b)
            if got < ret:
                time.sleep(0.0005)

    def _reap(self) -> None:
        for a in self.actors.values():
            if a.gone:
                continue
            if a.parent is None and a.exiting:
                try:
                    pid, status = os.waitpid(a.host_pid, os.WNOHANG)
                except ChildProcessError:
                    pid, status = a.host_pid, 0
                if pid:
                    a.gone = True
                    self.emit({"event": "exited", "actor": a.name, **_status(status)})
            elif a.parent is not None and not os.path.exists(f"/proc/{a.host_pid}"):
                a.gone = True  # reaped by its parent's waitpid(), or by lab-init
                self.emit({"event": "exited", "actor": a.name})

    # -- actors ----------------------------------------------------------------------
    def spawn(self, name: str, host: str | None = None) -> Actor:
        master, slave = os.openpty()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            pid = os.fork()
        except OSError:
            for fd in (master, slave):
                os.close(fd)
            ours.close()
            theirs.close()
            raise
        if pid == 0:  # the actor
            try:
                # Its own session, so a Ctrl-C in the student's terminal never reaches it. The
                # pty is fds 0-2 but not its controlling terminal: as with a program started
                # from a shell, its exit must not SIGHUP the children it forked.
                os.setsid()
                if host is not None:  # before the capabilities go: setns needs CAP_SYS_ADMIN
                    enter_netns(self.hosts[host].netns)
                chan = fcntl.fcntl(theirs.fileno(), fcntl.F_DUPFD_CLOEXEC, channel_fd_floor())
                for n in (0, 1, 2):
                    os.dup2(slave, n)
                os.closerange(3, chan)
                os.closerange(chan + 1, 1 << 20)
                set_comm(name)
                for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGCHLD,
                            signal.SIGXFSZ):  # Python ignores SIGPIPE and SIGXFSZ
                    signal.signal(sig, signal.SIG_DFL)  # behave like a C program
                drop_capabilities()
                run_actor(chan)
            except BaseException:
                os._exit(127)
        os.close(slave)
        theirs.close()
        os.set_blocking(master, False)
        a = Actor(name, pid, ours, console=name, host=host, pty=master)
        self.actors[name] = a
        self.sel.register(ours, selectors.EVENT_READ, ("chan", a))
        self.sel.register(master, selectors.EVENT_READ, ("pty", a))
        end = time.monotonic() + 5.0
        while not a.lab_inodes and a.chan is not None and time.monotonic() < end:
            self.pump(0.01)  # until its hello: it is ready for calls
        return a

    def _note_channel(self, a: Actor, fd: int) -> None:
        """Remember the inode of the actor's end of its channel, to hide it from the student."""
        try:
            target = os.readlink(f"/proc/{a.host_pid}/fd/{fd}")
        except OSError:
            return
        if target.startswith("socket:["):
            a.lab_inodes.add(int(target[8:-1]))
            a.channel_fds.add(fd)

    def _adopt_child(self, parent: Actor, msg: dict[str, Any], chan_fd: int) -> None:
        parent.forks += 1
        name = f"{parent.name}.{parent.forks}"
        ns_pid = msg["ret"]
        host_pid = self._host_pid_of(parent.host_pid, ns_pid)
        chan = socket.socket(fileno=chan_fd)
        child = Actor(name, host_pid, chan, console=parent.console, host=parent.host,
                      parent=parent.name)
        self.actors[name] = child
        self.sel.register(chan, selectors.EVENT_READ, ("chan", child))
        msg.setdefault("value", {})["child_actor"] = name

    def _adopt_thread(self, creator: Actor, msg: dict[str, Any], chan_fd: int) -> None:
        proc = self.actors[creator.thread_of] if creator.thread_of else creator
        proc.threads_made += 1
        name = f"{proc.name}.t{proc.threads_made}"
        ns_tid = msg.get("value", {}).get("tid")
        host_tid = self._host_tid_of(proc.host_pid, ns_tid) if isinstance(ns_tid, int) else -1
        chan = socket.socket(fileno=chan_fd)
        thread = Actor(name, host_tid, chan, console=proc.console, host=proc.host,
                       parent=proc.name, thread_of=proc.name, lab_inodes=proc.lab_inodes,
                       channel_fds=proc.channel_fds)
        self.actors[name] = thread
        self.sel.register(chan, selectors.EVENT_READ, ("chan", thread))
        msg.setdefault("value", {})["child_actor"] = name
        end = time.monotonic() + 5.0
        seen = len(proc.lab_inodes)
        while len(proc.lab_inodes) == seen and thread.chan is not None and \
                time.monotonic() < end:
            self.pump(0.01)  # until its hello: its channel is hidden and it takes calls

    def _host_tid_of(self, host_pid: int, ns_tid: int) -> int:
        """The host's id of the thread that is ``ns_tid`` inside the lab (/proc/PID/task)."""
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{host_pid}/task")]
        except OSError:
            return -1
        for tid in tids:
            rec = self.observer.procfs.process(tid)
            if rec and rec.nspid[-1] == ns_tid:
                return tid
        return -1

    def _host_pid_of(self, parent_host_pid: int, ns_pid: int) -> int:
        for _ in range(500):
            for pid in self.observer.procfs.children(parent_host_pid):
                rec = self.observer.procfs.process(pid)
                if rec and rec.nspid[-1] == ns_pid:
                    return pid
            time.sleep(0.001)
        return -1

    def views(self) -> list[ActorView]:
        return [ActorView(a.name, a.host_pid, frozenset(a.lab_inodes),
                          a.pending.call if a.pending else None, a.host, a.thread_of)
                for a in self.actors.values() if not a.gone]

    def observe(self) -> dict[str, Any]:
        """What every reply that ends a step carries: the kernel's state, and the wire's."""
        self._settle_wire()
        self._settle_idle()
        out: dict[str, Any] = {"snapshot": self.observer.snapshot(self.views()).to_json()}
        if self.sysctl_names:
            out["snapshot"]["sysctls"] = self._sysctls(sorted(self.sysctl_names))
        out["counters"] = self._in_hosts(None, netstat.read)  # the runner keeps what moved
        if self.wire is not None:
            self.pump(0)  # the packets the snapshot's own moment produced
            out["wire"] = self.wire.report()
        return out

    def _settle_wire(self) -> None:
        """Let what the step set off cross the wire (a SYN, its SYN/ACK, the ACK) before we
        look, so the snapshot shows the kernels after the exchange, not halfway through it."""
        if self.wire is None or not self.wire.forwarding:
            return
        end = time.monotonic() + WIRE_SETTLE_MAX_S
        while (now := time.monotonic()) < end:
            wait = max(WIRE_QUIET_S - (now - self.wire.last_packet),
                       self.wire.answer_awaited(now))
            if wait <= 0:
                return
            self.pump(min(wait, end - now))

    def _settle_idle(self, limit: float = 0.05) -> None:
        """Let actors that owe us nothing get back to waiting on their channel before we look,
        so the snapshot does not catch our own bookkeeping (an actor still sending its reply
        shows as R). Actors in a call are left exactly as they are."""
        end = time.monotonic() + limit
        for a in self.actors.values():
            if a.gone or a.exiting or a.pending is not None or a.chan is None:
                continue
            while time.monotonic() < end and self._state(a.host_pid) == "R":
                time.sleep(0.0005)

    # -- requests --------------------------------------------------------------------
    def handle(self, req: dict[str, Any]) -> None:
        """One request line: read as its typed record (:mod:`.protocol`), then made."""
        try:
            r = request_from_json(req)
        except ProtocolError as exc:
            self.fail(req, "protocol", exc.message)
            return
        try:
            if isinstance(r, Spawn):
                self.op_spawn(req, r)
            elif isinstance(r, CallRequest):
                self.op_call(req, r)
            elif isinstance(r, Wait):
                self.op_wait(req, r)
            elif isinstance(r, Look):
                self.reply(req, **self.observe())
            elif isinstance(r, WireAction):
                self.op_wire(req, r)
            elif isinstance(r, Pause):
                self.op_pause(req, r)
            elif isinstance(r, SysctlRequest):
                self.op_sysctl(req, r)
            elif isinstance(r, Ping):
                self.reply(req)
            else:
                self.reply(req)
                self.shutdown(exit_code=0)
        except (UnknownCallError, ArgumentError) as exc:
            self.fail(req, "call", exc.message)
        except (RuleError, WireError) as exc:
            self.fail(req, "wire", exc.message)

    def op_spawn(self, req: dict[str, Any], r: Spawn) -> None:
        name = r.actor
        if not ACTOR_NAME.fullmatch(name):
            self.fail(req, "actor", Msg("'{name}' is not an actor name: use 1-15 lowercase "
                                        "letters, digits, '-' or '_', starting with a letter "
                                        "(fork() children are named server.1, server.2 by the "
                                        "lab)", name=name))
            return
        if name in self.actors:
            self.fail(req, "actor", Msg("there is already an actor named '{name}'", name=name))
            return
        host = r.host
        if self.hosts and host not in self.hosts:
            self.fail(req, "actor", Msg("say which host '{name}' runs on: {hosts} (this lab has "
                                        "a wire)", name=name, hosts=either(list(self.hosts))))
            return
        if not self.hosts and host is not None:
            self.fail(req, "actor", Msg("this lab has one host (network: loopback), not "
                                        "'{host}'; use network: wire for a client and a server "
                                        "host", host=str(host)))
            return
        try:
            a = self.spawn(name, host)
        except OSError as exc:
            self.fail(req, "environment", Msg("cannot start actor '{name}': {error}", name=name,
                                              error=exc.strerror))
            return
        self.reply(req, actor=name, host_pid=a.host_pid, host=host,
                   addr=self.hosts[host].addr if host else "127.0.0.1")

    def _actor(self, req: dict[str, Any], name: str) -> Actor | None:
        a = self.actors.get(str(name))
        if a is None:
            known = ", ".join(n for n, x in self.actors.items() if not x.gone) or Msg("none")
            self.fail(req, "actor", Msg("no actor named '{name}' (actors: {known})",
                                        name=str(name), known=known))
            return None
        if a.gone or a.chan is None:
            self.fail(req, "actor", Msg("'{name}' has exited; it can make no more calls",
                                        name=a.name))
            return None
        return a

    def op_call(self, req: dict[str, Any], r: CallRequest) -> None:
        self.pump(0)  # an actor that died since the last request is known to have exited now
        a = self._actor(req, r.actor)
        if a is None or a.chan is None:
            return
        name = r.call
        args = normalize_args(name, list(r.args))
        fd_args = [v for prm, v in zip(CALLS[name].params, args, strict=True) if prm.kind == "fd"]
        lab_fd = next((fd for fd in fd_args if fd in a.channel_fds), None)
        if lab_fd is not None:
            self.fail(req, "call", Msg("fd {fd} is the lab's own channel to '{name}', not part "
                                       "of the lesson; use the fds the lesson opened",
                                       fd=lab_fd, name=a.name))
            return
        if a.pending is not None:
            self.fail(req, "blocked",
                      Msg("'{name}' is still blocked in {call}(); it can make no other call "
                          "until that one returns (wait for it)", name=a.name,
                          call=a.pending.call))
            return
        self._late.pop(a.name, None)
        a.seq += 1
        _, nr = syscall_for(CALLS[name], self.arch)
        fd_arg = args[0] if CALLS[name].params and CALLS[name].params[0].kind == "fd" else None
        p = Pending(a.seq, name, args, nr, fd_arg)
        try:
            a.chan.send(json.dumps({"seq": p.seq, "call": name, "args": args}).encode())
        except OSError as exc:  # EPIPE/ECONNRESET: it died just now; EMSGSIZE: a bug of ours
            # Its death may not have been read yet (the EOF comes on the next poll): say so.
            self.fail(req, "actor", Msg("'{name}' has exited; it can make no more calls",
                                        name=a.name)
                      if exc.errno in (errno.EPIPE, errno.ECONNRESET)
                      else Msg("'{name}' cannot take the call: {error}", name=a.name,
                               error=exc.strerror))
            return
        a.pending = p
        blocked = self._await(a, p, deadline=time.monotonic() + MAX_STEP_S)
        self._finish_step(req, a, p, blocked)

    def _await(self, a: Actor, p: Pending, deadline: float) -> str | None:
        """Wait for the call to return. Returns None if it did, else how it is stuck."""
        blocked_since: float | None = None
        while p.result is None:
            self.pump(0.002)
            if p.result is not None:
                break
            if p.call == "exit":
                if a.chan is None:
                    break
            elif self._sleeping_in(a, p):
                now = time.monotonic()
                blocked_since = blocked_since or now
                if now - blocked_since >= SETTLE_S:
                    return "blocked"
            else:
                blocked_since = None
            if time.monotonic() > deadline:
                return "running"
        if p.call == "fork" and p.result is not None:
            # let the child say its own fork() = 0 before we look at the kernel
            child = (p.result.get("value") or {}).get("child_actor")
            end = time.monotonic() + 1.0
            while child and time.monotonic() < end:
                c = self.actors[child]
                if c.lab_inodes and self._child_settled(c):
                    break
                self.pump(0.002)
        if p.call == "exit":
            end = time.monotonic() + 1.0
            while time.monotonic() < end and self._state(a.host_pid) not in ("Z", None):
                self.pump(0.002)
        return None

    def _child_settled(self, c: Actor) -> bool:
        rec = self.observer.procfs.process(c.host_pid)
        return bool(rec and rec.syscall and rec.syscall.nr is not None)

    def _state(self, pid: int) -> str | None:
        parsed = self.observer.procfs.stat_fields(pid)
        return parsed[1][0] if parsed else None

    def _sleeping_in(self, a: Actor, p: Pending) -> bool:
        sc = self.observer.procfs.syscall(a.host_pid)
        if sc is None or sc.nr is None or sc.nr != p.expect_nr:
            return False
        return p.expect_fd is None or (bool(sc.args) and
                                       sc.args[0] == p.expect_fd & 0xFFFFFFFFFFFFFFFF)

    def _syscall_json(self, call: str) -> dict[str, Any]:
        name, nr = syscall_for(CALLS[call], self.arch)
        return {"name": name, "nr": nr}

    def _finish_step(self, req: dict[str, Any], a: Actor, p: Pending, stuck: str | None) -> None:
        if not stuck:
            self._drain_terminal(a, p)
        body: dict[str, Any] = {"actor": a.name, "call": p.call, "args": p.args, "seq": p.seq,
                                "syscall": self._syscall_json(p.call)}
        if stuck:
            p.waiter = False
            body.update(result=None, blocked=True, state=stuck,
                        c=format_call(p.call, p.args, None))
        else:
            res = p.result or {}
            if "internal_error" in res:
                self.fail(req, "internal", f"{a.name}: {res['internal_error']}")
                return
            body.update(result=_public(res), blocked=False, c=format_call(p.call, p.args, res))
        self.reply(req, **body, **self.observe())

    def op_wait(self, req: dict[str, Any], r: Wait) -> None:
        name = r.actor
        a = self.actors.get(name)
        if a is None:
            self.fail(req, "actor", Msg("no actor named '{name}'", name=name))
            return
        timeout = float(r.seconds)
        late = self._late.pop(name, None)
        if late is None and a.pending is None:
            gone = a.gone or a.chan is None
            self.fail(req, "actor", Msg("'{name}' has exited", name=name) if gone
                      else Msg("'{name}' is not blocked in any call", name=name))
            return
        if late is None:
            assert a.pending is not None
            p = a.pending
            end = time.monotonic() + timeout
            while p.result is None and time.monotonic() < end:
                self.pump(min(0.05, max(0.0, end - time.monotonic())))
            late = self._late.pop(name, None)
            if late is None:
                self.reply(req, actor=name, call=p.call, args=p.args, seq=p.seq, result=None,
                           blocked=True, c=format_call(p.call, p.args, None), **self.observe(),
                           syscall=self._syscall_json(p.call))
                return
        p, msg = late
        self.reply(req, actor=name, call=p.call, args=p.args, seq=p.seq, result=_public(msg),
                   blocked=False, c=format_call(p.call, p.args, msg), **self.observe(),
                   syscall=self._syscall_json(p.call))

    def op_wire(self, req: dict[str, Any], r: WireAction) -> None:
        """A step on the wire itself: add a rule, clear them, deliver or drop held packets."""
        if self.wire is None:
            self.fail(req, "wire", Msg("this lab has no packet capture (see 'syscall-lab "
                                       "doctor')"))
            return
        action = r.action
        done: dict[str, Any]
        if action == "rule":
            done = {"rule": self.wire.add_rule(Rule.from_json(r.rule))}
        elif action == "clear":
            done = {"cleared": self.wire.clear_rules()}
        elif action == "deliver":
            done = {"delivered": self.wire.deliver(r.packets)}
        elif action == "drop":
            done = {"dropped": self.wire.drop(r.packets)}
        elif action == "status":
            done = {}
        else:
            self.fail(req, "wire", Msg("unknown wire action {action} (rule, clear, deliver, "
                                       "drop or status)", action=repr(action)))
            return
        self.reply(req, action=action, **done, **self.observe())

    def _in_hosts(self, host: str | None, do: Any) -> dict[str, Any]:
        """``do()`` in each of the lab's network namespaces (or ``host``'s), by host name; a
        loopback lab has one, named ``lab``."""
        if not self.hosts:
            return {"lab": do()}
        out = {}
        for name, h in self.hosts.items():
            if host is None or name == host:
                with inside(h.netns):
                    out[name] = do()
        return out

    def _sysctls(self, names: list[str]) -> dict[str, dict[str, int | None]]:
        return self._in_hosts(None, lambda: {n: sysctls.read(n) for n in names})

    def op_sysctl(self, req: dict[str, Any], r: SysctlRequest) -> None:
        """``watch``: have every snapshot carry these sysctls; ``set``: write one in the lab's
        namespaces (or one host's), replying with the values it had."""
        names = list(r.names) or ([r.name] if r.name else [])
        if not all(isinstance(n, str) and n in sysctls.PER_NETNS for n in names):
            self.fail(req, "sysctl", Msg("not a network sysctl of the lab's own namespace: "
                                         "{names}", names=repr(names)))
            return
        host = r.host
        if host is not None and host not in (list(self.hosts) or ["lab"]):
            self.fail(req, "sysctl", Msg("this lab has no host {host}", host=repr(host)))
            return
        self.sysctl_names.update(names)
        if r.action == "set":
            value = r.value
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(req, "sysctl", Msg("a sysctl is set to a whole number, not {value}",
                                             value=repr(value)))
                return
            try:
                was = self._in_hosts(host, lambda: sysctls.write(names[0], value))
            except sysctls.SysctlError as exc:
                self.fail(req, "sysctl", exc.message)
                return
            self.reply(req, sysctl={"name": names[0], "value": value, "was": was},
                       **self.observe())
            return
        self.reply(req, **self.observe())

    def op_pause(self, req: dict[str, Any], r: Pause) -> None:
        """Let time pass with the lab running: timers fire, packets cross, calls may return."""
        seconds = r.seconds
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or \
                not 0 <= seconds <= MAX_PAUSE_S:
            self.fail(req, "pause", Msg("pause for 0 to {most} seconds, not {value}",
                                        most=f"{MAX_PAUSE_S:.0f}", value=repr(seconds)))
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.pump(left)
        self.reply(req, seconds=seconds, **self.observe())

    # -- the end ---------------------------------------------------------------------
    def shutdown(self, exit_code: int) -> NoReturn:
        try:
            os.kill(self.init_pid, signal.SIGKILL)  # the kernel kills the whole pid namespace
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
        os._exit(exit_code)


def _public(msg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in msg.items() if k not in ("call", "exiting")}


def _status(status: int) -> dict[str, Any]:
    """A wait status, for the 'exited' event: ``{"code": n}`` or ``{"signal": name}``."""
    return {k: v for k, v in describe_status(status).items() if k in ("code", "signal")}
