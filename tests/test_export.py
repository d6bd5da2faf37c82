"""The Markdown report of a recording (``syscall-lab export FILE --markdown``).

Recordings are made by running real lessons headless (``run LESSON --record``) or by driving a
session as the lesson screen does; the report is then parsed with markdown-it (the parser
Rich's Markdown uses) and rendered with Rich, and what it says is compared with the recording.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console
from rich.markdown import Markdown

from syscall_lab.cli import main
from syscall_lab.i18n import pick, t
from syscall_lab.lesson.loader import load_file
from syscall_lab.lesson.quoting import said
from syscall_lab.lesson.recording import Recorder, Recording, read_recording
from syscall_lab.lesson.session import LessonSession
from syscall_lab.report.export import markdown
from syscall_lab.report.transcript import check_line

from .conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "recordings" / "handshake-v1.jsonl"
"""``run handshake --lang ko --record``, as syscall-lab 0.1.0 wrote it (frozen)."""

HANGUL = re.compile("[가-힣]")

GUESS = r"""schema: 1
id: guess
title: {en: "A *wrong* guess | on purpose", ko: "일부러 *틀린* 추측"}
summary: {en: "The lesson expects fd 4; the kernel <b>gives</b> 3.", ko: "레슨은 fd 4를 기대하고 커널은 3을 줍니다."}
languages: [en, ko]
actors: [app]
steps:
  - say: {en: "The app makes a socket. Which fd?", ko: "앱이 소켓을 만듭니다. 몇 번 fd일까요?"}
    ask:
      question: {en: "# fd: which one does socket() return?", ko: "# fd: socket()은 몇 번 fd를 돌려줄까요?"}
      choices: ["3", "4"]
      answer: 1
    do: app.socket(AF_INET, SOCK_STREAM, 0)
    as: lsock
    expect: [lsock == 4, ret >= 0]
  - say: {en: "Write **odd** text, with `code` and [a link](http://x).", ko: "**이상한** 글을 씁니다."}
    do: 'app.write(1, "1. **x** | _y_ <i> [l](u) ```t```\n")'
    expect: ret == 34
  - say: {en: "Listen.", ko: "listen()합니다."}
    ask:
      question: {en: Which state after listen()?, ko: listen() 뒤의 상태는?}
      choices: [CLOSE, LISTEN, ESTABLISHED]
      answer: 2
      explain: {en: listen() makes it LISTEN., ko: listen()이 LISTEN으로 만듭니다.}
    do: app.listen(lsock, 2)
    expect: lsock.state == LISTEN
"""


# -- reading the Markdown back -------------------------------------------------------------

PARSER = MarkdownIt("commonmark").enable("strikethrough").enable("table")  # as rich.markdown


def inline_text(token: Token) -> str:
    """What an inline token shows: its text and code, markup gone, escapes resolved."""
    out = []
    for c in token.children or []:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


@dataclass
class Parsed:
    headings: list[tuple[int, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    fences: list[tuple[str, str]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    """Each table's rows (the header first), each row its cells' text."""

    @property
    def rows(self) -> Iterator[list[str]]:
        for table in self.tables:
            yield from table[1:]


def parse(md: str) -> Parsed:
    """The report's parts, after checking it is clean CommonMark: no raw HTML, and every
    table row (in the source, counting unescaped ``|``) has as many cells as its header."""
    tokens = PARSER.parse(md)
    lines = md.splitlines()
    out = Parsed()
    stack: list[str] = []
    for i, tok in enumerate(tokens):
        assert tok.type not in ("html_block", "html_inline")
        for child in tok.children or []:
            assert child.type != "html_inline", f"raw HTML: {child.content!r}"
        if tok.type.endswith("_open"):
            stack.append(tok.type[:-5])
            if tok.type == "table_open":
                out.tables.append([])
                assert tok.map is not None
                source = lines[tok.map[0]:tok.map[1]]
                widths = {len(re.split(r"(?<!\\)\|", row.strip())) for row in source}
                assert len(widths) == 1, f"a table with rows of different widths: {source}"
            elif tok.type == "tr_open":
                out.tables[-1].append([])
        elif tok.type.endswith("_close"):
            stack.pop()
        elif tok.type == "fence":
            out.fences.append((tok.info, tok.content.rstrip("\n")))
        elif tok.type == "inline":
            text = inline_text(tok)
            where = stack[-1]
            if where.startswith("heading"):
                out.headings.append((int(tokens[i - 1].tag[1]), text))
            elif where in ("th", "td"):
                out.tables[-1][-1].append(text)
            elif "list_item" in stack:
                out.items.append(text)
            else:
                out.paragraphs.append(text)
    for table in out.tables:
        assert all(len(row) == len(table[0]) for row in table), table
    return out


def shown(md: str) -> str:
    """The report as Rich draws it on a terminal (the lesson screen's renderer)."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(Markdown(md))
    return capture.get()


def one_line(text: str) -> str:
    return " ".join(text.split())


def step_headings(parsed: Parsed) -> list[str]:
    return [h for level, h in parsed.headings if level == 2]


def section(md: str, heading: str) -> Parsed:
    """The part of the report under the level-2 heading that starts with ``heading``."""
    parts = re.split(r"^(?=## )", md, flags=re.M)
    found = [p for p in parts if p.startswith(f"## {heading}")]
    assert len(found) == 1, f"{len(found)} sections '{heading}'"
    return parse(found[0])


# -- recordings of real runs -------------------------------------------------------------------

def record(path: Path, lesson: str, expect: int) -> Recording:
    assert main(["run", lesson, "--lang", "en", "--record", str(path)]) == expect
    return read_recording(path)


@pytest.fixture(scope="module")
def handshake(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    return record(tmp_path_factory.mktemp("export") / "handshake.jsonl", "handshake", 0)


@pytest.fixture(scope="module")
def guess(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    d = tmp_path_factory.mktemp("guess")
    (d / "guess.yaml").write_text(GUESS, encoding="utf-8")
    return record(d / "guess.jsonl", str(d / "guess.yaml"), 1)  # lsock == 4 fails


@pytest.mark.kernel
def test_the_report_tells_each_step_its_call_checks_fds_and_packets(handshake: Recording) -> None:
    md = markdown(handshake, "en")
    parsed = parse(md)
    lesson, records = handshake.lesson, handshake.frames[-1].state.records
    assert [r.index for r in records] == list(range(1, len(lesson.steps) + 1))
    # the header
    assert parsed.headings[0] == (1, pick(lesson.title, "en"))
    assert f"Lesson: {lesson.id}" in parsed.items and "Made by: run" in parsed.items
    assert f"Recorded: {handshake.started}" in parsed.items
    assert any(handshake.machine["kernel"] in i and handshake.machine["arch"] in i
               for i in parsed.items if i.startswith("Machine: "))
    assert f"syscall-lab version: {handshake.header['syscall_lab']}" in parsed.items
    assert "incomplete" not in md and "went back" not in md
    # the summary
    made = sum(r.tally[0] for r in records)
    assert f"Steps done: {len(lesson.steps)} of {len(lesson.steps)}" in parsed.items
    assert f"Checks: {made} passed, 0 failed, 0 not made on this machine" in parsed.items
    assert "Predictions: none made (the lesson asks 2 questions)" in parsed.items
    # every step of the lesson, in order, with its text
    headings = step_headings(parsed)
    assert headings[0] == "Summary"
    assert [h.split(":")[0] for h in headings[1:]] == [f"Step {n}" for n in
                                                         range(1, len(lesson.steps) + 1)]
    assert headings[3] == "Step 3: listen(lsock, 5): the socket is now LISTEN and its accept " \
                          "queue is empty."
    at = [md.index(one_line(said(r.step.say, "en", r.quoted))) for r in records]
    assert at == sorted(at)
    # each call exactly as the kernel's C text, each check as the transcript writes it
    assert [c for info, c in parsed.fences if info == "c"] == \
        [r.outcome.c for r in records if r.outcome is not None]
    checks = [one_line(check_line(c, "en").plain) for r in records for c in r.checks]
    assert len(checks) == made and all(c.startswith("✓ ") for c in checks)
    assert [i for i in parsed.items if i[:2] in ("✓ ", "✗ ", "– ")] == checks
    # the listening socket in the server's fd table, with its accept queue
    assert ["3", "socket", "tcp LISTEN 10.0.0.2:8080", "0/6"] in parsed.rows
    assert ["3", "socket", "tcp LISTEN 10.0.0.2:8080", "1/6"] in parsed.rows  # waiting, of backlog 5 + 1
    assert any(i.startswith("server: tcp SYN_RECV 10.0.0.2:8080 -> 10.0.0.1:") for i in parsed.items)
    # what changed, as the transcript says it: an fd's socket is told by its fd alone
    step3 = section(md, "Step 3:").items
    assert "server: fd 3 state CLOSE -> LISTEN, recv_q 0 -> -, send_q 0 -> -, backlog - -> 5" \
        in step3
    assert not [i for i in step3 if i.startswith("kernel socket")]
    step8 = section(md, "Step 8:").items  # connect(), with the SYN/ACK held
    assert [i for i in step8 if i.startswith("kernel socket")] == \
        [i for i in step8 if re.fullmatch(r"kernel socket tcp 10\.0\.0\.2:8080 10\.0\.0\.1:\d+: "
                                          r"SYN_RECV, no fd holds it yet", i)] != []
    assert "client is blocked in connect() - the kernel put it to sleep" in step8
    held = records[7].wire.held  # the SYN/ACK the lesson holds
    assert held and "held on the wire: " + ", ".join(f"#{n}" for n in held) in step8
    # the handshake's packets with Wireshark's summary
    packets = [p for r in records for p in r.wire.packets]
    syn = next(p for p in packets if p.flags == ("SYN",))
    syn_ack = next(p for p in packets if p.flags == ("SYN", "ACK"))
    assert [str(syn.n), f"{syn.t:.3f}", "client", syn.summary(), "passed"] in parsed.rows
    assert [str(syn_ack.n), f"{syn_ack.t:.3f}", "server", syn_ack.summary(), "HELD"] in parsed.rows
    # it renders cleanly
    drawn = shown(md)
    assert "**" not in drawn and "__" not in drawn and not re.search(r"\\[|_*\[\]<`]", drawn)
    assert not HANGUL.search(md), "Korean words in the English report"


@pytest.mark.kernel
def test_the_korean_report_is_korean(handshake: Recording) -> None:
    md = markdown(handshake, "ko")
    parsed = parse(md)
    lesson = handshake.lesson
    assert parsed.headings[0] == (1, pick(lesson.title, "ko"))
    headings = step_headings(parsed)
    assert headings[0] == "요약"
    assert [h.split(":")[0] for h in headings[1:]] == [f"{n}단계" for n in range(1, 13)]
    assert headings[2] == "2단계: 서버가 소켓을 10.0.0.2:8080에 bind()합니다."
    assert (3, "검사") in parsed.headings and (3, "커널에서 바뀐 것") in parsed.headings
    assert "진행한 단계: 12단계 중 12단계" in parsed.items
    assert not {"Summary", "Checks", "What the kernel changed"} & {h for _, h in parsed.headings}
    assert one_line(pick(lesson.steps[7].say, "ko")) in md
    assert markdown(handshake) == markdown(handshake, handshake.lang) == markdown(handshake, "en")


@pytest.mark.kernel
def test_a_failing_check_shows_what_the_kernel_showed(guess: Recording) -> None:
    md = markdown(guess, "en")
    parsed = parse(md)
    assert "- ✗ lsock == 4 (the kernel shows 3)" in md.splitlines()
    assert "✓ ret >= 0" in parsed.items and "✓ lsock.state == LISTEN" in parsed.items
    assert "Checks: 3 passed, 1 failed, 0 not made on this machine" in parsed.items
    # headless, nobody predicts: the question is there, with its answer, and no prediction
    assert "Predictions: none made (the lesson asks 2 questions)" in parsed.items
    assert "# fd: which one does socket() return?" in parsed.paragraphs  # not a heading
    assert "No prediction was made." in parsed.items and "Answer: 2. LISTEN" in parsed.items
    # the lesson's own texts and the program's output are shown as written, never as markup
    assert parsed.headings[0] == (1, "A *wrong* guess | on purpose")
    assert "The lesson expects fd 4; the kernel <b>gives</b> 3." in parsed.paragraphs
    assert "app wrote: 1. **x** | _y_ <i> [l](u) ```t```" in parsed.items
    write = guess.frames[-1].state.records[1].outcome
    assert write is not None and ("c", write.c) in parsed.fences  # its backticks do not end it


@pytest.mark.kernel
def test_table_cells_keep_their_pipes_and_backticks(guess: Recording, tmp_path: Path) -> None:
    """An fd's target is whatever the kernel's link says (a file name may hold ``|`` and
    backticks): the cell shows it as it is and the table keeps its columns."""
    odd = "/tmp/a|b `c` *d* <e>/"
    text = Path(guess.path).read_text(encoding="utf-8")
    assert '"target":"/dev/pts/' in text
    path = tmp_path / "odd.jsonl"
    path.write_text(text.replace('"target":"/dev/pts/', f'"target":"{odd}'), encoding="utf-8")
    rec = read_recording(path)
    pts = rec.frames[-1].state.snapshot.processes[0].fd(0)
    assert pts is not None and pts.target.startswith(odd)
    parsed = parse(markdown(rec, "en"))
    assert ["0", "tty", pts.target, ""] in parsed.rows
    assert all(len(row) == 4 for row in parsed.rows)


def cut_copy(tmp_path: Path, keep: int, tail: str = "") -> Recording:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "cut.jsonl"
    path.write_text("".join(lines[:keep]) + tail, encoding="utf-8")
    return read_recording(path)


def test_a_recording_without_its_end_line_is_reported_incomplete(tmp_path: Path) -> None:
    whole = read_recording(FIXTURE)
    assert t("report_incomplete", "en") not in markdown(whole, "en")
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    no_end = cut_copy(tmp_path, len(lines) - 1)  # killed after its last step
    assert no_end.end is None and no_end.cut is None
    md = markdown(no_end, "en")
    parse(md)
    assert f"> ⚠ {t('report_incomplete', 'en')}" in md.splitlines()
    assert "Steps done: 10 of 10" in parse(md).items
    ko = markdown(no_end, "ko")
    assert f"> ⚠ {t('report_incomplete', 'ko')}" in ko.splitlines()
    # killed while it wrote step 10: the report ends at step 9 and says where the file stops
    cut = cut_copy(tmp_path, len(lines) - 2, lines[-2][:100])
    assert cut.cut == len(lines) - 1 and cut.end is None
    parsed = parse(markdown(cut, "en"))
    assert f"⚠ {t('report_cut', 'en', line=cut.cut)}" in parsed.paragraphs
    assert f"⚠ {t('report_incomplete', 'en')}" in parsed.paragraphs
    assert "Steps done: 9 of 10" in parsed.items
    headings = step_headings(parsed)
    assert headings[-2].startswith("Step 9: ") and headings[-1] == "Steps not reached"
    assert parsed.items[-1].startswith("Step 10: accept() takes the connection")


@pytest.mark.kernel
def test_a_session_that_went_back_is_reported_as_its_final_run(tmp_path: Path) -> None:
    """As the lesson screen records: predictions with each step, then back (a fresh lab
    replays step 1), and step 2 and 3 again."""
    f = tmp_path / "guess.yaml"
    f.write_text(GUESS, encoding="utf-8")
    lesson = load_file(f)
    session = LessonSession(lesson)
    recorder = Recorder(tmp_path / "s.jsonl", lesson, "ko", "tui")
    try:
        def keep(state: Any, cause: str, answers: dict[int, int]) -> None:
            recorder.frame(state, cause, answers=answers, packet=session.packet_bytes)

        keep(session.start(), "start", {})
        keep(session.step(), "step", {1: 1})
        keep(session.step(), "step", {1: 1})
        keep(session.back(), "back", {1: 1})
        keep(session.step(), "step", {1: 1})
        keep(session.step(), "step", {1: 1, 3: 3})
    finally:
        session.close()
        recorder.close()
    rec = read_recording(tmp_path / "s.jsonl")
    md = markdown(rec, "en")
    parsed = parse(md)
    assert f"> ⚠ {t('report_went_back', 'en', n=1)}" in md.splitlines()
    assert [h.split(":")[0] for h in step_headings(parsed)] == ["Summary", "Step 1", "Step 2",
                                                                 "Step 3"]
    assert "Predictions: 1 of 2 right" in parsed.items
    assert "✓ You predicted 1. 3 - right." in parsed.items
    assert "✗ You predicted 3. ESTABLISHED - not what happens." in parsed.items
    assert "Answer: 2. LISTEN" in parsed.items and "listen() makes it LISTEN." in parsed.items
    ko = parse(markdown(rec))
    assert "예측: 2개 중 1개 맞음" in ko.items


@pytest.mark.kernel
def test_export_writes_the_report(handshake: Recording, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert main(["export", handshake.path, "--markdown", "-o", str(out), "--lang", "ko"]) == 0
    assert out.read_text(encoding="utf-8") == markdown(handshake, "ko")


def test_the_report_needs_neither_textual_nor_scapy() -> None:
    code = ("import sys\n"
            "import syscall_lab.report.export\n"
            "from syscall_lab.lesson.recording import read_recording\n"
            f"syscall_lab.report.export.markdown(read_recording({str(FIXTURE)!r}))\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'scapy'}))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       check=True)
    assert r.stdout.strip() == "[]", r.stdout
