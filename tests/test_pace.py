"""Checks that hold at any pace: ``before.`` reads the kernel as it was when a step began, and
``watch N until CHECK`` ends at its event, not at its limit (on a real lab)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from syscall_lab.lesson.loader import load_lesson
from syscall_lab.lesson.model import Expect, Lesson

from .conftest import ROOT, run_cli

LESSON = """\
schema: 1
id: pace
title: {en: Pace, ko: 속도}
summary: {en: S, ko: S}
languages: [en, ko]
network: wire
actors: {server: {host: server}, client: {host: client}}
steps:
  - say: {en: Socket., ko: 소켓.}
    do: server.socket(AF_INET, SOCK_STREAM, 0)
    as: lsock
  - say: {en: Bind., ko: 바인드.}
    do: server.bind(lsock, 10.0.0.2:8080)
  - say:
      en: "It was {{ before.lsock.state }}.{{ if before.count(LISTEN) == 0 }} No listener yet.{{ end }}"
      ko: "{{ before.lsock.state }}였습니다."
    do: server.listen(lsock, 5)
    expect:
      - before.lsock.state == CLOSE
      - lsock.state == LISTEN
      - before.count(LISTEN) == 0
      - count(LISTEN) == 1
  - say: {en: Hold., ko: 붙잡기.}
    do: wire.hold(from=server, flags=SYN+ACK)
  - say: {en: Client., ko: 클라이언트.}
    do: client.socket(AF_INET, SOCK_STREAM, 0)
    as: sock
  - say: {en: Connect., ko: 연결.}
    do: client.connect(sock, 10.0.0.2:8080)
  - say: {en: Watch., ko: 지켜보기.}
    do: watch 60s until packets(from=server, flags=SYN+ACK, mark=retransmission) >= 1
    expect:
      - packets(from=server, flags=SYN+ACK, mark=retransmission) >= 1
      - before.sock.state == SYN_SENT
      - before.sysctl(net.ipv4.tcp_synack_retries) == 5
"""


@pytest.mark.kernel
def test_before_reads_the_start_of_the_step_and_a_watch_ends_at_its_event(
        tmp_path: Path) -> None:
    f = tmp_path / "pace.yaml"
    f.write_text(LESSON)
    rec = tmp_path / "pace.rec"
    r = run_cli("run", "--json", "--record", str(rec), str(f))
    assert r.returncode == 0, r.stdout + r.stderr
    steps = [json.loads(line) for line in r.stdout.splitlines()]
    listen, watch = steps[2], steps[6]
    assert [c["actual"] for c in listen["checks"]] == ["CLOSE", "LISTEN", 0, 1]
    assert all(c["ok"] for s in steps for c in s["checks"]), steps
    # The SYN/ACK is sent again about 1 s after the first: the watch ended then, far from its
    # 60 s limit (the whole lesson's clock, 't', is read when the step ended).
    assert watch["t"] < 30, watch["t"]
    # A recording keeps what the kernel held when each step began: re-judged, nothing altered.
    out = run_cli("export", str(rec))
    assert out.returncode == 0, out.stderr
    assert "✓ before.lsock.state == CLOSE" in out.stdout
    assert re.search(r"watched the kernel for \d+\.\d s", out.stdout)
    assert "altered" not in out.stdout.lower()


def test_before_is_refused_where_it_reads_nothing() -> None:
    base = LESSON.split("  - say: {en: Hold.")[0]
    for check, said in [
        ("before", "say what to read as it was when the step began"),
        ("before.ret == 0", "not what the step itself did"),
        ("before.packets(from=server) == 0", "not what the step itself did"),
    ]:
        text = base.replace("      - count(LISTEN) == 1", f"      - {check}")
        found = load_lesson(text, "p.yaml")
        assert isinstance(found, list), check
        assert any(said in p.render("en") for p in found), [p.render("en") for p in found]
    assert isinstance(load_lesson(LESSON, "p.yaml"), Lesson)
    with pytest.raises(ValueError):
        Expect(subject="result", field="ret", value=0, at="before")


def test_the_guides_before_example_loads() -> None:
    doc = (ROOT / "docs" / "authoring.md").read_text()
    body = re.search(r"`before\.` reads the kernel as it was then, after the pause:\n\n```yaml\n"
                     r"(.*?)```", doc, re.S)
    assert body, "the guide's before. example"
    steps = "\n".join("  " + line for line in body.group(1).splitlines())
    lesson = load_lesson("schema: 1\nid: q\ntitle: T\nsummary: T\nlanguages: [en, ko]\n"
                         "network: wire\nactors: {server: {host: server}, client: {host: "
                         "client}}\nsteps:\n" + steps + "\n", "guide.yaml")
    assert isinstance(lesson, Lesson), [p.render("en") for p in lesson]
    assert lesson.steps[0].reads_before
