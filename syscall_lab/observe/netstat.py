"""The network namespace's own counters: ``/proc/net/snmp`` and ``/proc/net/netstat``.

Each file is pairs of lines, a header and its values (``TcpExt: SyncookiesSent ...`` then
``TcpExt: 0 ...``); a counter is named ``Table.Name`` as ``nstat`` names it without the table's
prefix glued on (``TcpExt.ListenOverflows``, ``Tcp.InSegs``, ``Udp.InDatagrams``). The files
are read through ``/proc/thread-self``, so a thread that has entered a lab host's namespace
(``setns``) reads that namespace's counters, not the process's.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FILES", "parse", "read"]

FILES = ("snmp", "netstat")
MAX_BYTES = 1 << 16
"""Far more than either file holds (about 6 KiB on 6.x)."""


def parse(text: str) -> dict[str, int]:
    """``Table.Name`` to value, for every header/values pair of lines in ``text``."""
    out: dict[str, int] = {}
    lines = text.splitlines()
    for head, values in zip(lines[::2], lines[1::2], strict=False):
        table, _, names = head.partition(":")
        table2, _, numbers = values.partition(":")
        if table != table2:
            continue
        for name, number in zip(names.split(), numbers.split(), strict=False):
            try:
                out[f"{table}.{name}"] = int(number)
            except ValueError:
                continue
    return out


def read(base: str = "/proc/thread-self/net") -> dict[str, int]:
    """This thread's network namespace's counters (a file this kernel lacks is left out)."""
    out: dict[str, int] = {}
    for name in FILES:
        try:
            with open(Path(base) / name, "rb") as f:
                out.update(parse(f.read(MAX_BYTES).decode("ascii", "replace")))
        except OSError:
            continue
    return out
