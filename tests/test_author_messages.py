"""What an instructor writing a new lesson from the docs alone is told (issue 20's list): one
located message with its fix for each mistake, said in Korean too, and no follow-on noise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syscall_lab.engine.vocabulary import MSG_FLAGS
from syscall_lab.lesson import grammar as g
from syscall_lab.lesson.loader import load_lesson
from syscall_lab.lesson.model import Lesson
from syscall_lab.lesson.quoting import written
from syscall_lab.lesson.source import Problem

from .conftest import ROOT, run_cli

HEAD = """\
schema: 1
id: tiny
title: {en: Tiny, ko: 작은}
summary: {en: A tiny lesson., ko: 작은 레슨.}
languages: [en, ko]
actors: [server, client]
steps:
  - say: {en: Make a socket., ko: 소켓을 만듭니다.}
    do: server.socket(AF_INET, SOCK_STREAM, 0)
    as: s
"""


def problems(text: str) -> list[Problem]:
    result = load_lesson(text, "t.yaml")
    assert isinstance(result, list), "expected problems, the lesson loaded"
    return result


def step(body: str) -> str:
    return HEAD + "  - say: {en: Next., ko: 다음.}\n" + body


def said(p: Problem) -> tuple[int, int, str, str]:
    return p.line, p.col, p.render("en").split(": ", 1)[1], p.render("ko").split(": ", 1)[1]


def test_reusing_a_name_for_another_kind_is_said_where_it_is_reused_and_only_there() -> None:
    text = step("    do: server.getpid()\n    as: s\n") + "".join(
        "  - say: {en: Bind., ko: 바인드.}\n    do: server.bind(s, 127.0.0.1:8080)\n"
        "    expect: [ret == 0, s.state == CLOSE]\n" for _ in range(5))
    found = problems(text)
    assert len(found) == 1, "\n".join(map(str, found))
    line, col, en, ko = said(found[0])
    assert (line, col) == (13, 9)  # the second 'as: s'
    assert en == "'s' already names an fd (step 1); getpid() returns a value: give it another name"
    assert "'s'" in ko and "1" in ko and en != ko


def test_reusing_a_name_for_the_same_kind_is_allowed() -> None:
    text = step("    do: server.socket(AF_INET, SOCK_STREAM, 0)\n    as: s\n"
                "    expect: [s == 4]\n")
    assert isinstance(load_lesson(text, "t.yaml"), Lesson)


def test_an_unnamed_fd_is_said_once_with_the_fix() -> None:
    uses = "".join("  - say: {en: Use., ko: 사용.}\n    do: server.listen(conn, 5)\n"
                   "    expect: [ret == 0, conn.state == LISTEN, conn.backlog == 5]\n"
                   for _ in range(6))
    found = problems(HEAD + uses)
    assert len(found) == 1, "\n".join(map(str, found))
    line, col, en, ko = said(found[0])
    assert (line, col) == (12, 23)
    assert "as: conn" in en and "on the step that makes it" in en
    assert "as: conn" in ko and en != ko


def test_an_unknown_call_brings_no_complaint_about_its_checks() -> None:
    found = problems(step("    do: server.lisen(s, 5)\n"
                          "    expect: [ret == 0, errno == none, s.state == LISTEN]\n"))
    assert len(found) == 1, "\n".join(map(str, found))
    assert "did you mean 'listen'" in str(found[0])


@pytest.mark.parametrize(("check", "col", "fix"), [
    ("s.state == CLOSE-WAIT", 25, "write CLOSE_WAIT"),
    ("packets(from=server, proto=tcp) in [1, 2]", 41, "for a range write two checks"),
    ("s.state == None", 20, "write none, in lowercase"),
])
def test_a_check_written_like_other_languages_gets_its_fix(check: str, col: int,
                                                           fix: str) -> None:
    found = problems(step(f"    do: server.listen(s, 5)\n    expect:\n      - {check}\n"))
    assert len(found) == 1, "\n".join(map(str, found))
    line, c, en, ko = said(found[0])
    assert (line, c) == (14, col)
    assert fix in en and en != ko


def test_a_question_with_one_choice_says_how_many_it_may_have() -> None:
    found = problems(HEAD + "    ask:\n      question: {en: Q, ko: 질문}\n      choices:\n"
                     "        - {en: only, ko: 하나}\n      answer: 1\n")
    assert len(found) == 1, "\n".join(map(str, found))
    _, _, en, ko = said(found[0])
    assert en == "a question has 2 to 8 choices; this one has 1"
    assert "validation" not in en and "2" in ko and "8" in ko and "1" in ko


def test_msg_more_is_in_the_vocabulary() -> None:
    assert "MSG_MORE" in MSG_FLAGS
    text = step("    do: server.send(s, \"x\", MSG_MORE)\n")
    assert isinstance(load_lesson(text, "t.yaml"), Lesson)


def test_a_long_text_is_written_short_and_bounded() -> None:
    text = step('    do: server.send(s, "ab" * 8192)\n')
    lesson = load_lesson(text, "t.yaml")
    assert isinstance(lesson, Lesson)
    assert lesson.steps[1].args[1] == "ab" * 8192
    with pytest.raises(g.GrammarError) as err:
        g.parse_do('server.send(s, "ab" * 1000000)')
    assert "at most 65536 characters" in str(err.value.message)
    with pytest.raises(g.GrammarError):
        g.parse_do('server.send(s, "ab" * x)')
    over = problems(step(f'    do: server.send(s, "{"y" * 600}")\n'))
    assert "longer than 500 characters" in str(over[0])


def test_tabs_in_any_text_are_refused_where_they_are() -> None:
    found = problems(HEAD.replace("Make a socket.", "Make\ta socket."))
    assert len(found) == 1 and (found[0].line, found[0].col) == (8, 19)
    assert "U+0009" in str(found[0])
    block = HEAD.replace("  - say: {en: Make a socket., ko: 소켓을 만듭니다.}\n",
                         "  - say:\n      en: |\n        one\n        \ttwo\n"
                         "      ko: 하나\n")
    found = problems(block)
    assert found and (found[0].line, "U+0009" in str(found[0])) == (11, True)


def test_what_the_kernel_shows_is_said_in_the_lesson_words() -> None:
    assert written(None) == "none"
    assert written(True) == "true"
    assert written("hi\n") == "'hi\\n'"
    assert written(0.5) == "0.5"


def test_a_refused_duplicate_id_is_counted_invalid_and_not_run(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text(HEAD)
    r = run_cli("check", "--no-run", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"),
                str(tmp_path / "c.yaml"))
    assert r.returncode == 2
    assert r.stdout.count("ids must be unique") == 2
    assert "3 lessons: 1 valid, 2 invalid" in r.stdout, r.stdout
    assert f"INVALID {tmp_path / 'b.yaml'}" in r.stdout


def test_the_docs_say_what_the_program_does() -> None:
    """The authoring guide documents the limits and words the loader holds to."""
    guide = (ROOT / "docs" / "authoring.md").read_text()
    assert "from=any" in guide
    assert "1-9" not in guide and "1–9" not in (ROOT / "README.md").read_text()
    assert "500 characters" in guide and '"x" * 16384' in guide
    assert "watch 130s until" in guide and "before.count(" in guide
    schema = json.loads((ROOT / "lessons" / "lesson.schema.json").read_text())
    choices = schema["$defs"]["AskFile"]["properties"]["choices"]
    assert (choices["minItems"], choices["maxItems"]) == (2, 8)


@pytest.mark.kernel
def test_a_getsockopt_name_holds_the_option_and_optval_is_checkable(tmp_path: Path) -> None:
    f = tmp_path / "opt.yaml"
    f.write_text(HEAD + """\
  - say: {en: Reuse., ko: 재사용.}
    do: server.setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1)
  - say: {en: "It is {{ optval }}.", ko: "{{ optval }}입니다."}
    do: server.getsockopt(s, SOL_SOCKET, SO_REUSEADDR)
    as: reuse
    expect: [ret == 0, optval == 1, reuse == 1]
  - say: {en: No delay?, ko: 지연 없음?}
    do: server.getsockopt(s, IPPROTO_TCP, TCP_NODELAY)
    as: nodelay
    expect: [nodelay == 0, optval == 0]
""")
    r = run_cli("check", "--lang", "en", str(f))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 steps" not in r.stdout and "4 steps, 5 checks" in r.stdout
    said = problems(step("    do: server.listen(s, 1)\n    expect: [optval == 0]\n"))
    assert "'optval' is what getsockopt() wrote; this step's call is listen()" in str(said[0])
