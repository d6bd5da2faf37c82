"""Screens as SVG snapshots (pytest-textual-snapshot), against a real lab.

What differs from run to run (host pids, inode numbers, ephemeral ports, timestamps) is printed
as dots by the app's own ``mask_volatile`` option; everything else on these screens is what the
kernel reported: fd numbers, states, queue depths, the handshake's flags and relative numbers.
Regenerate after a deliberate change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at the report it writes before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from .tui_support import app_for, press_steps, settled

pytestmark = pytest.mark.kernel

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
# The backlog lesson: step 2 is bind() (so the screen is "before listen()"), step 3 listen(),
# step 5 client1's connect() (a connection arrives and waits in the accept queue).
MOMENTS = {"before_listen": 2, "after_listen": 3, "connection_arrived": 5}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", list(SIZES))
def test_picker(snap_compare: Any, tmp_path: Path, size: str, lang: str) -> None:
    assert snap_compare(app_for(tmp_path, lang=lang), terminal_size=SIZES[size])


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_lesson_screen(snap_compare: Any, tmp_path: Path, moment: str, size: str,
                       lang: str) -> None:
    app = app_for(tmp_path, lang=lang, lesson="backlog")

    async def run_before(pilot: Pilot[int]) -> None:
        await press_steps(pilot, app, MOMENTS[moment])
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
