"""The syscall vocabulary: what an actor can be asked to do.

:mod:`.calls` is the registry, one entry per call; :mod:`.kinds` says how each kind of
argument is written, checked and printed; :mod:`.perform` holds what the entries share to make
their calls through the C library (only an actor loads it).
"""

from .calls import (
    CALLS,
    SYSCALL_NUMBERS,
    WORK_CALLS,
    Call,
    Shown,
    format_call,
    lookup,
    normalize_args,
    syscall_for,
    syscall_name_by_number,
)
from .kinds import (
    CPU_SET_SIZE,
    MSG_FLAGS,
    OPTVAL_BUFFER,
    SIGNALS,
    ArgumentError,
    Param,
    UnknownCallError,
    did_you_mean,
    either,
    epoll_events,
    machine_arch,
    normalize_arg,
    parse_addr,
)
from .perform import ADDR_BUFFER

__all__ = [
    "ADDR_BUFFER", "CALLS", "CPU_SET_SIZE", "MSG_FLAGS", "OPTVAL_BUFFER", "SIGNALS",
    "SYSCALL_NUMBERS", "WORK_CALLS", "ArgumentError", "Call", "Param", "Shown",
    "UnknownCallError", "did_you_mean", "either", "epoll_events", "format_call", "lookup",
    "machine_arch", "normalize_arg", "normalize_args", "parse_addr", "syscall_for",
    "syscall_name_by_number",
]
