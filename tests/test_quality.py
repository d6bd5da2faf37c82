"""The code stays as the team agreed: ruff, mypy --strict, and the import contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

BIN = Path(sys.executable).parent  # the venv's console scripts


@pytest.mark.parametrize("command", [
    ["ruff", "check", "syscall_lab", "tests", "bench", "scripts"],
    ["mypy", "--strict", "syscall_lab"],
    ["lint-imports", "--config", "pyproject.toml"],
], ids=["ruff", "mypy", "import-linter"])
def test_tool_is_clean(command: list[str]) -> None:
    tool = BIN / command[0]
    assert tool.exists(), f"{command[0]} is missing: pip install -e '.[test]'"
    r = subprocess.run([str(tool), *command[1:]], capture_output=True, text=True, cwd=ROOT,
                       check=False)
    assert r.returncode == 0, r.stdout + r.stderr
