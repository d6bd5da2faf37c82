"""A real terminal for end-to-end tests: the installed ``syscall-lab`` in tmux, typed into and
read back as a person would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

from .conftest import need_tool

PROGRAM = Path(sys.executable).parent / "syscall-lab"  # the console script pip installed


class Terminal:
    """A tmux window running one command, read and typed into as a person would. The command
    gets ``env`` and nothing else (no COLUMNS or LINES inherited from the test run)."""

    def __init__(self, tmux: str, command: list[str], env: dict[str, str],
                 size: tuple[int, int] = (160, 48), server: str | None = None) -> None:
        """``server``: a tmux server of its own (``-L``), with no configuration read, for a
        test that sets server options (the clipboard)."""
        self.tmux = tmux
        self.name = f"syscall-lab-e2e-{uuid.uuid4().hex[:8]}"
        self.server = server
        exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        start = ["new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                 f"env -i {exports} {' '.join(map(_quote, command))}"]
        # Two tests starting tmux's default server at once race ("server exited
        # unexpectedly"): the loser tries again once the winner's server is up.
        for attempt in range(5):
            done = self.run(*start, check=False)
            if done.returncode == 0 or self.running():
                break
            time.sleep(0.2 * (attempt + 1))
        else:
            raise AssertionError(f"tmux would not start a session: {done.stderr.strip()}")
        # A detached session may keep the server's default size: set ours for certain.
        self.run("resize-window", "-t", self.name, "-x", str(size[0]), "-y", str(size[1]))

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """A tmux command on this terminal's server."""
        prefix = [self.tmux] + (["-L", self.server, "-f", "/dev/null"] if self.server else [])
        return subprocess.run([*prefix, *args], capture_output=True, text=True, check=check)

    def show(self, fmt: str) -> str:
        """A tmux format of this pane: ``#{alternate_on}``, ``#{pane_title}``..."""
        return self.run("display", "-p", "-t", self.name, fmt).stdout.rstrip("\n")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name, check=False).stdout

    def wait_for(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if re.search(pattern, text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"never saw {pattern!r}; the screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def pid(self) -> int:
        return int(self.run("list-panes", "-t", self.name, "-F", "#{pane_pid}").stdout.split()[0])

    def running(self) -> bool:
        return self.run("has-session", "-t", self.name, check=False).returncode == 0

    def close(self) -> None:
        self.run("kill-session", "-t", self.name, check=False)
        if self.server:
            self.run("kill-server", check=False)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def _descendants(pid: int) -> set[int]:
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in out:
                    out.add(k)
                    todo.append(k)
    return out


def _terminal(tmp_path: Path, *args: str, shell: str | None = None,
              size: tuple[int, int] = (160, 48), server: str | None = None) -> Terminal:
    """``syscall-lab ARGS`` in a terminal (or a ``shell`` script that runs it)."""
    tmux = need_tool("tmux")
    assert PROGRAM.exists(), f"{PROGRAM} is missing: pip install -e '.[test]'"
    env = {"TERM": "xterm-256color", "SYSCALL_LAB_LANG": "en", "LANG": "C.UTF-8",
           "SYSCALL_LAB_TEST_RUN": os.environ["SYSCALL_LAB_TEST_RUN"],
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    command = ["sh", "-c", shell] if shell is not None else [str(PROGRAM), *args]
    return Terminal(tmux, command, env, size=size, server=server)


