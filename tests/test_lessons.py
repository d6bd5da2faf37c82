"""Lesson files: the loader's located errors, its safety rules, names, sources and languages.

Each error class is tested on a small bad file with the exact line and column it must report.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syscall_lab.lesson.catalog import bundled_dir, discover
from syscall_lab.lesson.course import COURSE_SUFFIX
from syscall_lab.lesson.loader import load_lesson
from syscall_lab.lesson.model import Lesson, Ref
from syscall_lab.lesson.source import Problem

from .conftest import ROOT, run_cli

BASE = """\
schema: 1
id: tiny
title: {en: Tiny, ko: 작은}
summary: {en: A tiny lesson., ko: 작은 레슨.}
languages: [en, ko]
actors: [server, client]
steps:
  - say: {en: Make a socket., ko: 소켓을 만듭니다.}
    do: server.socket(AF_INET, SOCK_STREAM)
    as: lsock
    expect: [lsock == 3, lsock.state == CLOSE]
  - say: {en: Listen., ko: 듣습니다.}
    do: server.listen(lsock, 2)
    expect: lsock.state == LISTEN
"""


def problems(text: str) -> list[Problem]:
    result = load_lesson(text, "t.yaml")
    assert isinstance(result, list), "expected problems, the lesson loaded"
    return result


def only(text: str) -> Problem:
    found = problems(text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_the_base_lesson_loads_with_names_resolved_later() -> None:
    lesson = load_lesson(BASE, "t.yaml")
    assert isinstance(lesson, Lesson), lesson
    first, second = lesson.steps
    assert first.call == "socket" and first.names == ("lsock",)
    assert second.args == (Ref("lsock"), 2)  # a name, not a number guessed at load time
    assert [e.source for e in first.expect] == ["lsock == 3", "lsock.state == CLOSE"]
    assert (first.expect[1].line, first.expect[1].col) == (11, 26)
    assert first.line == 8 and lesson.languages == ("en", "ko")


# One case per error class: (replace this, with this) in BASE -> line, column, message.
ERRORS = [
    ("yaml syntax", "    as: lsock\n", "    as: [lsock\n", 11, 11,
     "YAML syntax: while parsing a flow sequence (from line 10, column 9) did not find expected"),
    ("yaml tab", "    as: lsock\n", "\tas: lsock\n", 10, 1, "(a tab: indent with spaces)"),
    ("colon in plain value", "do: server.listen(lsock, 2)", "do: server.write(1, \"a: b\")", 13, 27,
     "put the value in quotes"),
    ("duplicate key", "    as: lsock\n", "    as: lsock\n    as: other\n", 11, 5,
     "duplicate key 'as' (first written at line 10)"),
    ("unknown key", "    expect: lsock.state", "    expct: lsock.state", 14, 5,
     "unknown key 'expct' - did you mean 'expect'?"),
    ("missing key", "title: {en: Tiny, ko: 작은}\n", "", 1, 1, "the lesson has no 'title' (add it)"),
    ("bad choice", "actors:", "network: wir\nactors:", 6, 10,
     "network must be loopback or wire, not 'wir' - did you mean 'wire'?"),
    ("schema version", "schema: 1", "schema: 2", 1, 9, "this syscall-lab reads lesson schema 1, not 2"),
    ("bad id", "id: tiny", "id: Tiny Lesson", 2, 5, "id must be lowercase letters"),
    ("wrong type", "title: {en: Tiny, ko: 작은}", "title: [Tiny]", 3, 8, "title: write text, or one text per language"),
    ("unknown syscall", "server.listen(lsock, 2)", "server.lisen(lsock, 2)", 13, 16,
     "unknown syscall 'lisen' - did you mean 'listen'?"),
    ("unknown actor", "server.listen(lsock, 2)", "sever.listen(lsock, 2)", 13, 9,
     "no actor or name 'sever' - did you mean 'server'?"),
    ("used before named", "server.listen(lsock, 2)", "server.listen(conn, 2)\n    as: conn2\n  - do: server.accept(lsock)\n    as: conn",
     13, 23, "'conn' is used before any step names it (step 3 does, with as: conn)"),
    ("bad argument", "server.listen(lsock, 2)", "server.listen(lsock)", 13, 22,
     "listen() takes 2 arguments (sockfd, backlog), got 1"),
    ("bad constant", "socket(AF_INET, SOCK_STREAM)", "socket(AF_INET, SOCK_STRAEM)", 9, 32,
     "unknown socket() : type (socket type) 'SOCK_STRAEM' - did you mean 'SOCK_STREAM'?".replace(" : ", ": ")),
    ("grammar", "lsock.state == LISTEN", "lsock.state = LISTEN", 14, 25,
     "compare with '==' (one '=' names a wire rule's key)"),
    ("unknown field", "lsock.state == LISTEN", "lsock.stat == LISTEN", 14, 19,
     "no field 'stat' - did you mean 'state'?"),
    ("linux state name", "lsock.state == LISTEN", "lsock.state == SYN_RECEIVED", 14, 28,
     "Linux calls SYN_RECEIVED 'SYN_RECV'"),
    ("missing korean", "  - say: {en: Listen., ko: 듣습니다.}", "  - say: Listen.", 12, 10,
     "missing Korean text for step 2 (write say: {en: ..., ko: ...})"),
    ("empty translation", "{en: Listen., ko: 듣습니다.}", "{en: Listen., ko: ' '}", 12, 28,
     "the Korean text is empty"),
    ("as without a call", "    do: server.listen(lsock, 2)\n", "    do: watch 1s\n    as: x\n", 14, 5,
     "'as' names what a call returns; this step makes no call"),
    ("result without a call", "    do: server.listen(lsock, 2)\n    expect: lsock.state == LISTEN",
     "    do: watch 1s\n    expect: ret == 0", 14, 13, "'ret' is what a call returned; this step makes no call"),
    ("wire on loopback", "server.listen(lsock, 2)", "wire.hold(from=server)", 13, 9,
     "wire actions need a wire: add 'network: wire' to the lesson"),
    ("ask answer", "  - say: {en: Listen., ko: 듣습니다.}\n",
     "  - say: {en: Listen., ko: 듣습니다.}\n    ask: {question: Q?, choices: ['1', '2'], answer: 3}\n", 13, 54,
     "answer is counted from 1: it must be 1 to 2 for 2 choices"),
    ("yaml tag", "    as: lsock\n", "    as: !!python/object:os.system lsock\n", 10, 9,
     "YAML tags like 'tag:yaml.org,2002:python/object:os.system' are not used in lessons"),
    ("too long wait", "server.listen(lsock, 2)", "watch 200s", 13, 15, "watch for more than 0 and at most 120 seconds"),
    ("softirq name", "lsock.state == LISTEN", "softirqs(NET_RXX) >= 1", 14, 22,
     "softirqs takes one of HI, TIMER, NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, "
     "RCU or all - did you mean 'NET_RX'?"),
    ("interrupt line", "lsock.state == LISTEN", "interrupts() >= 1", 14, 13,
     "interrupts takes one line of /proc/interrupts: its label (LOC, 1), its device (i8042, "
     "\"virtio0-input\") or all"),
    ("wchan is text", "lsock.state == LISTEN", "server.wchan == accept", 14, 29,
     "wchan is text: write it in quotes, \"hello\""),
    ("work figure of another call", "lsock.state == LISTEN", "cores >= 1.5", 14, 13,
     "'cores' is what a work call measured (py_threads, threads, work, workers); this step's "
     "call is listen()"),
    ("two conditions", "lsock.state == LISTEN", "lsock.state == LISTEN if ret == 0 if ret == 0",
     14, 47, "a check has one 'if'; join its conditions with 'and'"),
    ("second condition located", "lsock.state == LISTEN",
     "lsock.state == LISTEN if ret == 0 and server.cpuz >= 2", 14, 58,
     "no field 'cpuz' - did you mean 'cpu'?"),
    ("empty condition", "lsock.state == LISTEN", "lsock.state == LISTEN if", 14, 37,
     "say when to check: ... if server.cpus >= 2"),
    ("condition located", "lsock.state == LISTEN", "lsock.state == LISTEN if server.cpuz >= 2",
     14, 45, "no field 'cpuz' - did you mean 'cpu'?"),
    ("cpu named twice", "server.listen(lsock, 2)", "server.sched_setaffinity(0, [0, 0])", 13, 38,
     "sched_setaffinity(): mask names a CPU twice"),
    ("work too long", "server.listen(lsock, 2)", "server.work(60s)", 13, 21,
     "work(): cpu_seconds must be between 0.01 and 5 seconds, not 60"),
    ("different kinds compared", "lsock.state == LISTEN", "lsock.local == lsock.backlog", 14,
     28, "local and backlog are different kinds of value"),
    ("compared with an unknown name", "lsock.state == LISTEN", "lsock.local == sock.local", 14,
     28, "no actor or name 'sock' - did you mean 'lsock'?"),
    ("nothing to compare with", "lsock.state == LISTEN", "lsock.state ==", 14, 27,
     "expected a value"),
    ("decimal for a whole number", "lsock.state == LISTEN", "lsock.backlog == 1.5", 14, 30,
     "backlog is a whole number"),
]


@pytest.mark.parametrize("old,new,line,col,message", [e[1:] for e in ERRORS],
                         ids=[e[0] for e in ERRORS])
def test_each_error_is_located_exactly(old: str, new: str, line: int, col: int,
                                       message: str) -> None:
    assert old in BASE
    p = only(BASE.replace(old, new, 1))
    assert (p.line, p.col) == (line, col), str(p)
    assert message in p.message, str(p)
    assert str(p).startswith(f"t.yaml:{line}:{col}: ")


def test_not_utf8_is_located() -> None:
    p = only(BASE.encode().replace(b"Tiny,", b"Tiny\xff,", 1))
    assert (p.line, p.col) == (3, 17) and "not UTF-8" in p.message


def test_every_problem_is_reported_at_once() -> None:
    bad = (BASE.replace("server.listen(lsock, 2)", "server.lisen(lsock, 2)")
               .replace("lsock.state == CLOSE", "lsock.state == CLSE")
               .replace("{en: Tiny, ko: 작은}", "Tiny")
               .replace("    as: lsock", "    as: lsock\n    hnt: typo"))
    found = problems(bad)
    assert [(p.line, p.message.split(" -")[0].split(" (")[0]) for p in found] == [
        (3, "missing Korean text for title"),
        (11, "unknown key 'hnt'"),
        (12, "unknown TCP state 'CLSE'"),
        (14, "unknown syscall 'lisen'"),
    ]


@pytest.mark.parametrize("old,new,message", [
    ("server.listen(lsock, 2)", "server.connect(lsock, 8.8.8.8:53)",
     "8.8.8.8 is outside the lab: this loopback lab has 127.0.0.1 (and ::1)"),
    ("server.listen(lsock, 2)", "server.connect(lsock, [::ffff:8.8.8.8]:53)", "is outside the lab"),
    ("server.listen(lsock, 2)", "server.bind(lsock, 10.0.0.2:80)", "10.0.0.2 is outside the lab"),
    ("server.listen(lsock, 2)", "server.open(\"/etc/shadow\")", "'/etc/shadow' is outside the lab's files"),
    ("server.listen(lsock, 2)", "server.open(\"/proc/self/../../etc/shadow\")", "outside the lab's files"),
    ("server.listen(lsock, 2)", "server.open(\"etc/hostname\")", "outside the lab's files"),
    ("server.listen(lsock, 2)", "server.system(\"sh\")", "unknown syscall 'system'"),
    ("server.listen(lsock, 2)", "server.__class__(1)", "unknown syscall '__class__'"),
    ("server.listen(lsock, 2)", "__import__(\"os\").system(\"id\")", "write a call like server.listen"),
])
def test_a_lesson_cannot_reach_the_host(old: str, new: str, message: str) -> None:
    p = only(BASE.replace(old, new))
    assert message in p.message and p.line == 13, str(p)


def test_the_lab_addresses_and_files_are_allowed() -> None:
    ok = BASE.replace("server.listen(lsock, 2)", "server.bind(lsock, 0.0.0.0:8080)")
    assert isinstance(load_lesson(ok, "t.yaml"), Lesson)
    ok = BASE.replace("server.listen(lsock, 2)", "server.open(\"/proc/interrupts\")")
    assert isinstance(load_lesson(ok, "t.yaml"), Lesson)
    wire = (BASE.replace("actors: [server, client]",
                         "network: wire\nactors: {server: {host: server}, client: {host: client}}")
                .replace("server.listen(lsock, 2)", "server.connect(lsock, 10.0.0.1:8080)"))
    assert isinstance(load_lesson(wire, "t.yaml"), Lesson)


def test_wire_lessons_need_hosts_and_check_their_rules() -> None:
    wire = BASE.replace("actors: [server, client]", "network: wire\nactors: [server, client]")
    assert [p.message for p in problems(wire)] == [
        "in a wire lab, say which host 'server' runs on: server: {host: server}",
        "in a wire lab, say which host 'client' runs on: client: {host: client}"]
    wire = (BASE.replace("actors: [server, client]",
                         "network: wire\nactors: {server: {host: server}, client: {host: client}}")
                .replace("server.listen(lsock, 2)", "wire.hold(from=server, flags=SYNN+ACK)"))
    p = only(wire)
    assert (p.line, p.col) == (14, 38)
    assert p.message.startswith("unknown TCP flag 'SYNN' - did you mean 'SYN'?")


def test_names_for_fork_children_and_pipes() -> None:
    text = BASE.replace(
        "  - say: {en: Listen., ko: 듣습니다.}\n    do: server.listen(lsock, 2)\n"
        "    expect: lsock.state == LISTEN\n",
        "  - do: server.fork()\n    as: child\n    say: {en: Fork., ko: 포크.}\n"
        "  - do: child.close(lsock)\n    say: {en: Close., ko: 닫기.}\n"
        "    expect:\n      - child.fd[lsock].exists == false\n      - lsock.state == CLOSE\n"
        "  - do: child.pipe()\n    as: [r, w]\n    say: {en: Pipe., ko: 파이프.}\n"
        "    expect: [r == 3, w == 4, r.kind == pipe]\n")
    lesson = load_lesson(text, "t.yaml")
    assert isinstance(lesson, Lesson), "\n".join(map(str, lesson))
    assert lesson.steps[2].actor == "child" and lesson.steps[3].names == ("r", "w")
    first, second = problems(text.replace("as: [r, w]", "as: r"))
    assert "pipe() returns two fds: as: [read_end, write_end]" in first.message
    assert second.message.startswith("no actor or name 'w': name what a call returns with "
                                     "'as: w'")  # r is still known: no second complaint


def test_random_and_mutated_files_only_ever_give_a_lesson_or_located_problems() -> None:
    seeds = [BASE, (ROOT / "lessons" / "backlog.yaml").read_text(),
             (ROOT / "lessons" / "handshake.yaml").read_text()]

    def check(raw: str | bytes) -> None:
        result = load_lesson(raw, "f.yaml")
        if isinstance(result, list):
            assert result, "an empty problem list"
            for p in result:
                assert p.line >= 1 and p.col >= 1 and p.message and "\n" not in p.message
        else:
            assert isinstance(result, Lesson)

    @st.composite
    def mutated(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from(seeds))
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(text)))
            j = draw(st.integers(i, min(len(text), i + 40)))
            insert = draw(st.sampled_from(["", ":", "- ", "[", "]", "{", "}", "\n", "  ", "\t",
                                           "'", '"', "&a ", "*a", "!!str ", "(", ")", ",", "==",
                                           "lsock", "10.0.0.9:1", "#", "---\n", "\x00", "ä",
                                           "한국어", "\r\n", "\u2028"]))
            text = text[:i] + draw(st.sampled_from([insert, text[i:j]])) + text[j:]
        return text

    limit = settings(max_examples=400, deadline=2000,
                     suppress_health_check=list(HealthCheck))
    limit(given(mutated())(check))()
    limit(given(st.text(max_size=300))(check))()
    limit(given(st.binary(max_size=300))(check))()


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,  # libyaml is quadratic in nesting; we stop at 32 levels
    "- " * 50_000 + "x",
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)),  # a billion laughs
    "x" * 600_000,
    "",
    "just a sentence",
    "- a list\n- of things\n",
])
def test_hostile_files_end_in_one_clear_problem(text: str) -> None:
    found = problems(text)
    assert found and all(p.line >= 1 for p in found)


def test_the_json_schema_is_current_and_validates_the_bundled_lessons() -> None:
    r = run_cli("schema")
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    assert (ROOT / "lessons" / "lesson.schema.json").read_text() == r.stdout, \
        "lessons/lesson.schema.json is stale: syscall-lab schema > lessons/lesson.schema.json"
    lessons = [f for f in sorted((ROOT / "lessons").glob("*.yaml"))
               if not f.name.endswith(COURSE_SUFFIX)]  # a course is not a lesson
    assert len(lessons) >= 10
    for f in lessons:
        jsonschema.validate(yaml.safe_load(f.read_text()), schema)
        assert f.read_text().startswith("# yaml-language-server: $schema=./lesson.schema.json")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": 1, "id": "x", "title": "t", "summary": "s",
                             "actors": ["a"], "steps": [{"sai": "typo"}]}, schema)


def test_the_course_schema_is_current_and_validates_the_course_not_a_lesson() -> None:
    r = run_cli("schema", "--course")
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    assert (ROOT / "lessons" / "course.schema.json").read_text() == r.stdout, \
        "lessons/course.schema.json is stale: syscall-lab schema --course > " \
        "lessons/course.schema.json"
    courses = sorted((ROOT / "lessons").glob("*" + COURSE_SUFFIX))
    assert courses
    for f in courses:
        assert f.read_text().startswith("# yaml-language-server: $schema=./course.schema.json")
        jsonschema.validate(yaml.safe_load(f.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):  # a lesson is not a course
        jsonschema.validate(yaml.safe_load((ROOT / "lessons" / "sockets.yaml").read_text()),
                            schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": 1, "id": "c", "title": "t",
                             "units": [{"topic": "x", "notes": "n", "lesson": ["a"]}]}, schema)


def _write(d: Path, name: str, lesson_id: str) -> Path:
    f = d / name
    f.write_text(BASE.replace("id: tiny", f"id: {lesson_id}"))
    return f


def test_lessons_come_from_the_package_the_user_and_the_environment(tmp_path: Path) -> None:
    user = tmp_path / "data" / "syscall-lab" / "lessons"
    user.mkdir(parents=True)
    extra = tmp_path / "extra"
    extra.mkdir()
    _write(user, "mine.yaml", "mine")
    _write(extra, "theirs.yml", "theirs")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "SYSCALL_LAB_LESSONS":
           str(extra)}
    r = run_cli("list", "--lang", "en", env=env)
    assert r.returncode == 0, r.stderr
    ids = [line.split()[0] for line in r.stdout.splitlines()]
    course = discover([str(bundled_dir())], search=False).courses[0]
    assert ids == [*course.order(), "mine", "theirs"]  # the course's order, then the others


def test_an_id_clash_names_both_files(tmp_path: Path) -> None:
    a, b = _write(tmp_path, "a.yaml", "same"), _write(tmp_path, "b.yaml", "same")
    cat = discover([str(tmp_path)], search=False)
    assert "same" not in cat.lessons and cat.clashes["same"] == [str(a), str(b)]
    (p,) = cat.problems
    assert (p.path, p.line) == (str(b), 2)
    assert p.message == f"lesson id 'same' is also used by {a}:2; ids must be unique: rename one of them"
    env = {**os.environ, "SYSCALL_LAB_LESSONS": str(tmp_path)}
    r = run_cli("run", "same", env=env)
    assert r.returncode == 2 and f"{a}, {b}" in r.stderr and "rename one" in r.stderr
    r = run_cli("list", env=env)
    assert r.returncode == 2 and "ids must be unique" in r.stderr


def test_run_and_check_report_every_problem_of_a_file_and_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BASE.replace("listen(lsock, 2)", "lisen(lsock, 2)").replace("CLOSE", "CLSE"))
    for args in (("run", str(f)), ("check", "--no-run", str(f))):
        r = run_cli(*args)
        assert r.returncode == 2, r.stdout + r.stderr
        out = r.stdout + r.stderr
        assert f"{f}:11:41: unknown TCP state 'CLSE'" in out
        assert f"{f}:13:16: unknown syscall 'lisen' - did you mean 'listen'?" in out
        assert "Traceback" not in out
    r = run_cli("check", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2 and "no such file or directory" in r.stdout


def test_a_missing_translation_falls_back_to_english_with_a_marker() -> None:
    from syscall_lab.i18n import pick

    assert pick({"en": "Listen."}, "ko") == "[번역 없음] Listen."
    assert pick({"ko": "듣기"}, "en") == "[no English text] 듣기"
    assert pick({"en": "Listen.", "ko": "듣기"}, "ko") == "듣기"


def test_korean_text_wraps_within_the_terminal_width() -> None:
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from syscall_lab.report.transcript import Transcript

    lesson = load_lesson((ROOT / "lessons" / "backlog.yaml").read_bytes(), "backlog.yaml")
    assert isinstance(lesson, Lesson)
    out = io.StringIO()
    printer = Transcript(lesson, "ko", console=Console(file=out, width=40, highlight=False))
    printer.header()
    lines = out.getvalue().splitlines()
    assert len(lines) > 3
    assert all(cell_len(line) <= 40 for line in lines), [(cell_len(x), x) for x in lines]
    r = run_cli("list", "--lang", "ko")
    rows = r.stdout.splitlines()
    starts = {cell_len(row[:row.index("[")]) for row in rows}
    assert len(starts) == 1, rows  # the topics column lines up under Korean titles


def test_the_documented_errors_are_the_real_ones() -> None:
    doc = (ROOT / "docs" / "authoring.md").read_text()
    block = doc.split("## Errors", 1)[1].split("```", 2)[1]
    messages = [re.sub(r"^my\.yaml:\d+:\d+: ", "", line) for line in block.strip().splitlines()]
    variants = [
        BASE.replace("server.listen(lsock, 2)", "server.lisen(lsock, 2)"),
        BASE.replace("server.listen(lsock, 2)", "server.listen(conn, 2)\n    as: x\n"
                     "  - do: server.accept(lsock)\n    as: conn\n    say: {en: a, ko: 가}"),
        BASE.replace("  - say: {en: Listen., ko: 듣습니다.}", "  - say: Listen."),
        BASE.replace("actors: [server, client]", "network: wire\nactors: {server: {host: "
                     "server}, client: {host: client}}").replace(
                         "server.listen(lsock, 2)", "wire.hold(flags=SYNN)"),
        BASE.replace("server.listen(lsock, 2)", "server.connect(lsock, 8.8.8.8:53)"),
        BASE.replace("    expect: lsock.state", "    expct: lsock.state"),
    ]
    real = [p.message for v in variants for p in problems(v)]
    for documented in messages:
        head = re.sub(r"step \d+", "step N", documented.split(" (flags:")[0].rstrip("."))
        assert any(head in re.sub(r"step \d+", "step N", m) for m in real), documented


def test_the_readme_example_loads() -> None:
    readme = (ROOT / "README.md").read_text()
    body = readme.split("## Writing lessons", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    lesson = load_lesson(body, "README.md")
    assert isinstance(lesson, Lesson), "\n".join(map(str, lesson))
    assert lesson.steps[2].args == (Ref("lsock"), 2)


WIRE_BASE = BASE.replace("actors: [server, client]",
                         "network: wire\nactors: {server: {host: server}, client: {host: client}}")


@pytest.mark.parametrize("text,line,col,message", [
    (BASE.replace("server.listen(lsock, 2)", 'server.open("/proc/self/root/etc/shadow")'), 13, 21,
     "'/proc/self/root/etc/shadow' is outside the lab's files"),
    (BASE.replace("server.listen(lsock, 2)", 'server.open("/proc/self/cwd/notes.txt")'), 13, 21,
     "is outside the lab's files"),
    (BASE.replace("schema: 1", "schema: " + "9" * 5000), 1, 9, "this syscall-lab reads lesson schema 1"),
    (BASE.replace("languages: [en, ko]", "languages: [[ko]]"), 5, 13, "languages must be en or ko, not ['ko']"),
    (WIRE_BASE.replace("server.listen(lsock, 2)", "wire.hold(proto=[tcp])"), 14, 19,
     "proto= takes one value, not a list"),
    (WIRE_BASE.replace("server.listen(lsock, 2)", "wire.deliver(-1)"), 14, 22,
     "wire.deliver() takes packet numbers (1, 2, ...) or all"),
    (BASE.replace("  - say: {en: Listen., ko: 듣습니다.}\n",
                  "  - say: {en: Listen., ko: 듣습니다.}\n"
                  "    ask: {question: Q?, choices: ['1', '2'], answer: '2'}\n"), 13, 54,
     "answer: input should be a valid integer"),
    (BASE.replace("do: server.listen(lsock, 2)", 'do: "server.write(1,\\tbogus)"'), 13, 25,
     "a tab U+0009: remove it (indent and align with spaces)"),
    (BASE.replace("do: server.listen(lsock, 2)", "do: 'server.write(1, ''x'', bogus)'"), 13, 33,
     "no actor or name 'bogus'"),
    (BASE.replace("server.listen(lsock, 2)", 'server.connect(lsock, "localhost:80")'), 13, 31,
     "'localhost' is not an IP address (the lab does no DNS)"),
    (BASE.replace("server.listen(lsock, 2)", "server.close(client)"), 13, 22,
     "'client' is a process (an actor), not a value"),
    (BASE.replace("    as: lsock\n", '    as: "lsock\\n"\n').replace("lsock", "s"), 10, 9,
     "cannot be a name"),
    (BASE.replace("  - say: {en: Listen., ko: 듣습니다.}", "  - say: 듣습니다."), 12, 10,
     "missing English text for step 2"),
    (BASE.replace("server.listen(lsock, 2)", "client.close(lsock)"), 13, 22,
     "'lsock' is server's fd; client has an fd table of its own"),
    (BASE.replace("lsock.state == LISTEN", "client.fd[lsock].state == LISTEN"), 14, 23,
     "'lsock' is server's fd; client has an fd table of its own"),
    (BASE.replace("server.socket(AF_INET, SOCK_STREAM)", "server.socket(17, 3, 768)"), 9, 23,
     "socket(): domain 17 is not one the lab knows (AF_INET, AF_INET6, AF_UNIX)"),
    (BASE.replace("server.listen(lsock, 2)", "server.listen(lsock, ３)"), 13, 30, "unexpected '３'"),
    (BASE.replace("{en: Listen., ko: 듣습니다.}", '{en: "\\e]0;pwned\\a", ko: 듣습니다.}'), 12, 16,
     "control character U+001B (ESC): remove it"),
    (BASE.replace("do: server.listen(lsock, 2)", 'do: "server.listen(lsock,\\a 2)"'), 13, 30,
     "control character U+0007 (BEL): remove it"),
    (BASE.replace("lsock.state == LISTEN", '"lsock.state == \\u202eLISTEN"'), 14, 29,
     "bidirectional control U+202E (it reorders the text around it): remove it"),
    (BASE.replace("actors: [server, client]", "actors: [server, client, server]"), 6, 26,
     "actor 'server' is listed twice"),
    (BASE.replace("    as: lsock\n", "    as: lsock\n    <<: {hint: x}\n"), 11, 5,
     "YAML merge keys (<<) are not supported"),
    (BASE.replace("title: {en: Tiny, ko: 작은}", "title: {en: Tiny, ko: 작은\x01}"), 3, 25,
     "control character U+0001: remove it (a lesson file is text"),
])
def test_review_findings_stay_fixed(text: str, line: int, col: int, message: str) -> None:
    p = only(text)
    assert (p.line, p.col) == (line, col), str(p)
    assert message.lower() in p.message.lower(), str(p)


def test_byte_problems_are_located_in_characters() -> None:
    p = only(BASE.encode().replace(b"Tiny,", "작은\xff".encode("utf-8", "surrogateescape")
                                   if False else "작은".encode() + b"\xff,", 1))
    assert (p.line, p.col) == (3, 15) and "byte 0xff" in p.message
    p = only(b"\xef\xbb\xbf" + BASE.encode().replace(b"Tiny,", b"Tiny\xfe,", 1))
    assert (p.line, p.col) == (3, 17) and "byte 0xfe" in p.message
    assert isinstance(load_lesson(b"\xef\xbb\xbf" + BASE.encode(), "t.yaml"), Lesson)
    assert isinstance(load_lesson(BASE.replace("\n", "\r\n"), "t.yaml"), Lesson)


def test_many_problems_stop_early_instead_of_taking_minutes() -> None:
    steps = "".join(f"  - do: server.listen(n{i:03d}, 2)\n    expect: [nope{i} == 1]\n"
                    for i in range(300))
    text = BASE.split("steps:")[0] + "steps:\n" + steps
    found = problems(text)  # 600 problems; each of them costs a 'did you mean'
    assert len(found) == 51 and found[-1].message.startswith("stopped after 50 problems")


def test_bindings_of_a_failed_fork_and_a_short_pipe() -> None:
    from syscall_lab.lesson.model import Bindings, Step, Unbound

    env = Bindings()
    fork = Step("f", actor="server", call="fork", names=("kid",))
    env._result(fork, "server", {"ret": -1, "errno": "EAGAIN"})
    with pytest.raises(Unbound, match="server's fork\\(\\) failed with EAGAIN"):
        env.actor("kid")
    pipe = Step("p", actor="server", call="pipe", names=("r", "w"))
    env._result(pipe, "server", {"ret": 0, "value": {"fds": [3]}})
    assert env.fd(Ref("r")) == ("server", 3)
    with pytest.raises(Unbound, match="gave no fd"):
        env.fd(Ref("w"))


def test_an_errno_with_two_names_is_accepted_by_either() -> None:
    for alias in ("EOPNOTSUPP", "ENOTSUP", "EWOULDBLOCK", "EAGAIN"):
        lesson = load_lesson(BASE.replace("lsock.state == LISTEN", f"errno == {alias}"), "t.yaml")
        assert isinstance(lesson, Lesson), lesson
        check = lesson.steps[1].expect[0]
        assert check.value == errno.errorcode[getattr(errno, alias)] and check.text == \
            f"errno == {alias}"
    assert "not a errno" in only(BASE.replace("lsock.state == LISTEN", "errno == ENOPE")).message
