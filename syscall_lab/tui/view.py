"""What every pane is given to draw: the session's state, the language, and how to print
values that change from run to run.

Panes never ask the lab anything; the lesson screen hands each of them a :class:`View` after
every request, and they redraw from it. :class:`Volatile` is the one place that knows which
values differ between two runs of the same lesson (host pids, inodes, ephemeral ports, pty
numbers, timestamps); snapshot tests and the screenshot script mask them, a student sees them
all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size

if TYPE_CHECKING:  # not before the first frame: the picker needs only Volatile
    from ..engine.snapshot import Change, Snapshot
    from ..lesson.model import Lesson
    from ..lesson.runner import StepRecord
    from ..lesson.session import SessionState

__all__ = ["View", "Volatile", "fit_address", "update"]

EPHEMERAL_LOW = 32768
"""The bottom of Linux's default ``net.ipv4.ip_local_port_range``; ports a client is given."""

_PORT = re.compile(r":(\d{5})\b")
_INODE = re.compile(r"(socket|pipe):\[(\d+)\]")
_PTY = re.compile(r"/dev/pts/\d+")
_HTONS = re.compile(r"htons\((\d+)\)")
_POINTER = re.compile(r"\b0x[0-9a-f]{6,}\b")


def fit_address(text: str, width: int) -> str:
    """A label with addresses (``client1 fd 3 127.0.0.1:58082 → 127.0.0.1:8080``) in
    ``width`` cells, never cut inside an address, so no port is ever misread: first the
    loopback host goes (every address of a loopback lab is 127.0.0.1), then the remote end
    (``→ …:8080``, then nothing), then the local address, and only then a word-boundary cut
    with an ellipsis."""
    if cell_len(text) <= width:
        return text
    short = text.replace("127.0.0.1:", ":")
    if cell_len(short) <= width:
        return short
    head, arrow, remote = short.partition(" → ")
    if arrow:
        port = remote[remote.rfind(":"):] if ":" in remote else ""
        for candidate in (f"{head} → …{port}", head):
            if cell_len(candidate) <= width:
                return candidate
        short = head
    words = short.split(" ")
    while len(words) > 1 and cell_len(" ".join(words)) > width:
        words.pop()  # an address is one word: it goes whole
    cut = " ".join(words)
    if cell_len(cut) <= width:
        return cut
    return set_cell_size(short, max(0, width - 1)).rstrip() + "…" if width > 1 else ""


@dataclass(frozen=True)
class Volatile:
    """Prints values that differ between runs, or masks them (``mask=True``)."""

    mask: bool = False

    def pid(self, pid: int) -> str:
        return "·····" if self.mask else str(pid)

    def time(self, seconds: float) -> str:
        return "··.···" if self.mask else f"{seconds:6.3f}"

    def text(self, value: str | None) -> str:
        """An address, a ``/proc/PID/fd`` target or a line of either: ephemeral ports, inode
        and pty numbers masked."""
        if value is None:
            return "-"
        if not self.mask:
            return value
        value = _PORT.sub(lambda m: ":·····" if int(m.group(1)) >= EPHEMERAL_LOW
                          else m.group(0), value)
        value = _HTONS.sub(lambda m: "htons(·····)" if int(m.group(1)) >= EPHEMERAL_LOW
                           else m.group(0), value)  # a peer's port as strace prints it
        value = _PTY.sub("/dev/pts/·", value)  # the host's pty numbers: other labs take some
        value = _POINTER.sub("0x······", value)  # where an actor's buffer is (ASLR)
        return _INODE.sub(lambda m: f"{m.group(1)}:[·····]", value)


@dataclass(frozen=True)
class View:
    """One moment of a lesson, as every pane draws it."""

    lesson: Lesson
    state: SessionState
    lang: str
    volatile: Volatile = field(default_factory=Volatile)
    focus: int | None = None
    """The step the student selected in the syscall log (a 1-based index into the records):
    every pane highlights what that step caused. None: the latest step."""

    @property
    def snapshot(self) -> Snapshot:
        return self.state.snapshot

    @property
    def before(self) -> Snapshot:
        """The kernel before the last step (what "changed" is measured from)."""
        records = self.state.records
        return records[-2].snapshot if len(records) >= 2 else self.state.initial

    @property
    def focused_record(self) -> StepRecord | None:
        records = self.state.records
        if self.focus is None or not 1 <= self.focus <= len(records):
            return None
        return records[self.focus - 1]

    def changes(self) -> list[Change]:
        """What the last step changed, and whatever changed since, up to now; with a step in
        focus, what that step changed."""
        if not self.state.records:
            return []
        from ..engine.snapshot import diff

        focused = self.focused_record
        if focused is not None:
            return list(focused.changes)
        return diff(self.before, self.snapshot)


def update(static: Any, renderable: Any) -> None:
    """``static.update(renderable)``, unless it already shows the same: an update lays the
    whole screen out again, so a pane redrawn from an unchanged state costs nothing. Texts and
    groups of texts compare by their content; anything else (Markdown) by identity."""
    key = _key(renderable)
    if key is not None and getattr(static, "_shown_key", None) == key:
        return
    static._shown_key = key
    static.update(renderable)


def _key(renderable: Any) -> Any:
    from rich.console import Group
    from rich.text import Text

    if isinstance(renderable, Text):
        return ("text", renderable.plain, tuple(renderable.spans), str(renderable.style),
                renderable.no_wrap, renderable.overflow)
    if isinstance(renderable, str):
        return ("str", renderable)
    if isinstance(renderable, Group):
        parts = [_key(r) for r in renderable.renderables]
        return None if any(k is None for k in parts) else ("group", tuple(parts))
    return None
