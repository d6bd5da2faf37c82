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


def test_the_core_and_the_headless_runner_never_load_textual_or_scapy_early() -> None:
    """As harlequin checks: import the core in a fresh interpreter and look at sys.modules.
    The headless commands must not pay for Textual, and nothing but the lab pays for scapy."""
    code = ("import sys\n"
            "import syscall_lab.engine.lab, syscall_lab.lesson.session, syscall_lab.cli\n"
            "import syscall_lab.report.transcript\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'scapy'}))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       check=True)
    assert r.stdout.strip() == "[]", r.stdout


def test_the_tui_starts_without_scapy() -> None:
    """The first frame must not wait for scapy: the TUI's modules do not import it."""
    code = ("import sys\n"
            "import syscall_lab.tui\n"
            "print('scapy' in {m.split('.')[0] for m in sys.modules})\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       check=True)
    assert r.stdout.strip() == "False", r.stdout


def test_dependencies_are_bounded_and_pinned_within_their_ranges() -> None:
    """Every dependency has an upper bound (a new major release is tried deliberately), and
    constraints.txt, which CI and the README install from, pins a version inside each range."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in
              [*project["dependencies"], *project["optional-dependencies"]["test"]]]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    for req in wanted:
        if not req.name.startswith("types-"):  # stub packages follow their library
            assert any(s.operator in ("<", "<=", "~=", "==") for s in req.specifier), \
                f"{req}: give it an upper bound"
        pin = pins.get(canonicalize_name(req.name))
        assert pin is not None, f"{req.name} is not pinned in constraints.txt (make constraints)"
        assert req.specifier.contains(pin, prereleases=True), f"{req.name}=={pin} is outside {req}"
    assert "version" in project.get("dynamic", []), "one source for the version"
