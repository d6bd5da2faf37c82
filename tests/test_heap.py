"""The heap settles out of the collector's way and is given back when a lab is replaced."""

from __future__ import annotations

import gc

from syscall_lab import heap


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_settle_collects_garbage_then_freezes_the_living() -> None:
    heap.renew()
    try:
        garbage = Cycle()
        alive = Cycle()
        del garbage
        heap.settle()
        assert gc.get_freeze_count() > 0
        assert any(o is alive for o in gc.get_objects()) is False  # frozen: out of the walk
        heap.renew()
        assert gc.get_freeze_count() == 0
        assert any(o is alive for o in gc.get_objects())
        assert not any(type(o) is Cycle and o is not alive for o in gc.get_objects())
    finally:
        heap.renew()
