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

from .i18n import Msg, say
from .shown import shown

__all__ = ["FileProblem", "file_kind", "open_output", "open_output_bytes", "os_reason",
           "read_input", "same_file", "size_text"]

CHUNK = 1 << 16


class FileProblem(OSError):
    """A file that cannot be read or written as asked: :attr:`reason` says why, in words, and
    :attr:`fix` what to do (each a :class:`~syscall_lab.i18n.Msg`, English as a ``str``)."""

    def __init__(self, path: str, reason: str, fix: str | None = None) -> None:
        super().__init__(reason)
        self.path, self.reason, self.fix = path, reason, fix
        self.filename = path
        self.strerror = reason

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str) -> str:
        """``path: reason`` with the reason said in ``lang`` (the path shown safe)."""
        return shown(f"{self.path}: {say(self.reason, lang)}")


_KINDS = ((stat.S_ISDIR, Msg("a directory")), (stat.S_ISFIFO, Msg("a FIFO (a named pipe)")),
          (stat.S_ISCHR, Msg("a character device")), (stat.S_ISBLK, Msg("a block device")),
          (stat.S_ISSOCK, Msg("a socket")), (stat.S_ISLNK, Msg("a symbolic link")))


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    return next((word for test, word in _KINDS if test(mode)), Msg("not a regular file"))


def size_text(n: int) -> str:
    """``513 KiB``, ``50 MiB``: a size as a message says it (rounded up)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{-(-n // scale)} {unit}"
    return Msg("{n} bytes", n=n)


_WHAT: dict[str, str] = {w: w for w in (Msg("file"), Msg("lesson"), Msg("recording"),
                                         Msg("progress"))}
"""The names :func:`read_input` is given for what a file should be, said in any language."""

_STRERRORS = {errno.EACCES: Msg("Permission denied"),
              errno.EPERM: Msg("Operation not permitted"),
              errno.ENOENT: Msg("No such file or directory"),
              errno.ENOTDIR: Msg("Not a directory"),
              errno.EISDIR: Msg("Is a directory"),
              errno.EROFS: Msg("Read-only file system"),
              errno.ENOSPC: Msg("No space left on device"),
              errno.EDQUOT: Msg("Disk quota exceeded"),
              errno.EIO: Msg("Input/output error")}
"""The C library's words for the usual errors, as a Msg when they are exactly these."""


def os_reason(exc: OSError) -> str:
    """Why an operation on a file failed, in words (a loop of links and a name too long said
    plainly; the usual errors translatable; any other as the C library says it)."""
    if exc.errno == errno.ELOOP:
        return Msg("a loop of symbolic links")
    if exc.errno == errno.ENAMETOOLONG:
        return Msg("the name is too long")
    known = _STRERRORS.get(exc.errno) if exc.errno is not None else None
    if known is not None and exc.strerror == known:
        return known
    return exc.strerror or str(exc)


def read_input(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them. Raises
    :class:`FileProblem` saying why not (missing, unreadable, not a regular file, too big:
    ``what`` names what it should have been, "a lesson")."""
    p = str(path)
    what = _WHAT.get(what, what)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of blocking.
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileProblem(p, os_reason(exc)) from None
        raise FileProblem(p, Msg("cannot read it: {why}", why=os_reason(exc))) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(p, Msg("{kind}, not a {what} file", kind=file_kind(st.st_mode),
                                     what=what))
        if st.st_size > limit:
            raise FileProblem(p, Msg("the file is {size}; a {what} is at most {limit}",
                                     size=size_text(st.st_size), what=what,
                                     limit=size_text(limit)))
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:  # it grew while we read it
            raise FileProblem(p, Msg("the file is more than {limit}; a {what} is at most {limit}",
                                     what=what, limit=size_text(limit)))
        return b"".join(chunks)
    except OSError as exc:
        if isinstance(exc, FileProblem):
            raise
        raise FileProblem(p, Msg("cannot read it: {why}", why=os_reason(exc))) from None
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
            raise FileProblem(p, Msg("it is a symbolic link, and syscall-lab never writes "
                                     "through one"),
                              Msg("remove the link or write to another name")) from None
        if exc.errno == errno.ENXIO:
            raise FileProblem(p, Msg("a FIFO (a named pipe), not a file")) from None
        raise FileProblem(p, Msg("cannot write it: {why}", why=os_reason(exc))) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(p, Msg("{kind}, not a file to write", kind=file_kind(st.st_mode)))
        if st.st_nlink > 1:
            raise FileProblem(p, Msg("it has {n} other hard links, and writing it would change "
                                     "them too", n=st.st_nlink - 1),
                              Msg("remove it or write to another name"))
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
