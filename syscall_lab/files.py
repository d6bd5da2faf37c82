"""Files from outside and files we write: read bounded and typed, written without following links.

Every file syscall-lab reads that a user or another program chose (a lesson, a course, a
recording) is read with :func:`read_input`: it must be a regular file (a FIFO would block
forever, ``/dev/zero`` never ends, a directory is no file), it is refused past a size cap
before it is read (its real size, as the kernel has it, is what the message says), and it is
read incrementally up to that cap, so a file that grows while read cannot exhaust memory.

Every file syscall-lab writes (``--record``, ``--pcap``, ``export -o``, ``--screenshots``) is
opened with :func:`open_output`: never through a symbolic link in its last component
(``O_NOFOLLOW``: a planted ``sess.pcap -> victim.txt`` is refused, not truncated), only a
regular file (not a FIFO, device or directory), and not one with other hard links. It is
truncated only once all of that held.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO, TextIO

__all__ = ["FileProblem", "file_kind", "open_output", "open_output_bytes", "read_input",
           "same_file", "size_text"]

CHUNK = 1 << 16


class FileProblem(OSError):
    """A file that cannot be read or written as asked: :attr:`reason` says why, in words."""

    def __init__(self, path: str, reason: str, fix: str | None = None) -> None:
        super().__init__(reason)
        self.path, self.reason, self.fix = path, reason, fix
        self.filename = path
        self.strerror = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (a named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"))


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    return next((word for test, word in _KINDS if test(mode)), "not a regular file")


def size_text(n: int) -> str:
    """``513 KiB``, ``50 MiB``: a size as a message says it (rounded up)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{-(-n // scale)} {unit}"
    return f"{n} bytes"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    return exc.strerror or str(exc)


def read_input(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them. Raises
    :class:`FileProblem` saying why not (missing, unreadable, not a regular file, too big:
    ``what`` names what it should have been, "a lesson")."""
    p = str(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of blocking.
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileProblem(p, _reason(exc)) from None
        raise FileProblem(p, f"cannot read it: {_reason(exc)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(p, f"{file_kind(st.st_mode)}, not a {what} file")
        if st.st_size > limit:
            raise FileProblem(p, f"the file is {size_text(st.st_size)}; a {what} is at most "
                                 f"{size_text(limit)}")
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:  # it grew while we read it
            raise FileProblem(p, f"the file is more than {size_text(limit)}; a {what} is at "
                                 f"most {size_text(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        if isinstance(exc, FileProblem):
            raise
        raise FileProblem(p, f"cannot read it: {_reason(exc)}") from None
    finally:
        os.close(fd)


def open_output(path: str | Path) -> TextIO:
    """``path`` opened for writing text (UTF-8) from its start, created if need be. Raises
    :class:`FileProblem` for a symbolic link, a file that is not a regular one, or a file with
    other hard links, before anything in it is touched."""
    return os.fdopen(_output_fd(str(path)), "w", encoding="utf-8")


def open_output_bytes(path: str | Path) -> BinaryIO:
    """:func:`open_output`, for bytes (a pcap)."""
    return os.fdopen(_output_fd(str(path)), "wb")


def _output_fd(p: str) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY
    try:
        fd = os.open(p, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileProblem(p, "it is a symbolic link, and syscall-lab never writes through "
                                 "one", "remove the link or write to another name") from None
        if exc.errno == errno.ENXIO:
            raise FileProblem(p, "a FIFO (a named pipe), not a file") from None
        raise FileProblem(p, f"cannot write it: {_reason(exc)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(p, f"{file_kind(st.st_mode)}, not a file to write")
        if st.st_nlink > 1:
            raise FileProblem(p, f"it has {st.st_nlink - 1} other hard links, and writing it "
                                 "would change them too", "remove it or write to another name")
        os.set_blocking(fd, True)
        os.ftruncate(fd, 0)
        return fd
    except BaseException:
        os.close(fd)
        raise


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file: the same after resolving links, or (both existing) the
    same inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
