"""Lesson text that quotes the kernel: ``{{ EXPR }}`` and ``{{ if CHECK }}...{{ end }}``, and the
bundled lessons' retransmission sentences held against what the lab's kernel does."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from syscall_lab.lesson.loader import load_lesson
from syscall_lab.lesson.quoting import QuoteError, fill, parts

from .conftest import ROOT, run_cli

LINEAR = Path("/proc/sys/net/ipv4/tcp_syn_linear_timeouts")


def test_tags_fill_with_what_was_read_and_pick_a_branch_by_its_check() -> None:
    text = "a {{ x }} b{{ if c }} yes {{ y }}{{ else }} no{{ end }}."
    assert [p.kind for p in parts(text)] == ["value", "if", "value", "else", "end"]
    assert fill(text, {"x": 3, "c": True, "y": 1.25}) == "a 3 b yes 1.25."
    assert fill(text, {"x": None, "c": False}) == "a ? b no."
    nested = "{{ if a }}A{{ if b }}B{{ else }}b{{ end }}{{ else }}-{{ end }}"
    assert [fill(nested, {"a": a, "b": b}) for a, b in ((1, 1), (1, 0), (0, 1))] == \
        ["AB", "Ab", "-"]
    assert fill("no tags {x}", {}) == "no tags {x}"
    assert fill("{{ v }}", {"v": "\x1b]0;pwned\x07"}) == "\\x1b]0;pwned\\x07"  # data, not control
    for bad, where in (("{{ if x > 1 }} open", 0), ("{{ end }}", 0), ("{{ }}", 0),
                       ("a }} b", 2)):
        with pytest.raises(QuoteError) as exc:
            parts(bad)
        assert exc.value.offset == where, bad


LESSON = """schema: 1
id: quotes
title: t
summary: t
actors: [server]
steps:
  - say: "{say}"
    do: server.socket(AF_INET, SOCK_STREAM, 0)
    as: lsock
"""


@pytest.mark.parametrize(("say", "message"), [
    ("{{ lsock.stat }}", "7:20: no field 'stat' - did you mean 'state'?"),
    ("{{ if lsock.state = LISTEN }}x{{ end }}", "7:29: compare with '=='"),
    ("{{ sysctl(net.ipv4.tcp_syn_retriez) }}", "7:21: 'net.ipv4.tcp_syn_retriez' is not a network "
     "sysctl of the lab's own namespace - did you mean 'net.ipv4.tcp_syn_retries'?"),
    ("{{ sysctl(kernel.hostname) }}", "is not a network sysctl of the lab's own namespace"),
    ("{{ if ret == 3 }}x", "this {{ if ... }} has no {{ end }}"),
    ("{{ ret == 3 }}", "{{ EXPR }} quotes one value; to choose a sentence by a check, write "
     "{{ if CHECK }}...{{ end }}"),
])
def test_a_bad_quote_is_one_located_message(say: str, message: str) -> None:
    problems = load_lesson(LESSON.replace("{say}", say), "q.yaml")
    assert isinstance(problems, list), problems
    rendered = [p.render("en") for p in problems]
    assert any(message in line for line in rendered), rendered
    assert len(rendered) == 1, rendered


def test_a_sysctl_outside_the_labs_namespaces_is_refused_where_it_is_written() -> None:
    text = LESSON.replace('"{say}"', "x").replace("server.socket(AF_INET, SOCK_STREAM, 0)",
                                                  "sysctl kernel.pid_max = 10")
    problems = load_lesson(text.replace("    as: lsock\n", ""), "q.yaml")
    assert isinstance(problems, list)
    assert "q.yaml:8:16: 'kernel.pid_max' is not a network sysctl of the lab's own namespace" \
        in problems[0].render("en")


def _syn_gaps(out: str) -> list[float]:
    times = [p["t"] for line in out.splitlines() for p in json.loads(line)["packets"]
             if p["from"] == "client" and p["flags"] == ["SYN"]]
    return [round(b - a) for a, b in itertools.pairwise(times)]


@pytest.mark.kernel
@pytest.mark.timeout(240)
def test_the_retransmission_sentences_say_what_the_labs_kernel_does(tmp_path: Path) -> None:
    """The handshake and backlog lessons state the SYN schedule from the lab's own
    tcp_syn_linear_timeouts; with it at its default and at 0 the sentence changes, and the
    schedule the kernel then keeps (read from the packets) is the one the sentence states."""
    settings = [None, 0] if LINEAR.exists() else [None]
    for linear in settings:
        for name in ("handshake", "backlog"):
            text = (ROOT / "lessons" / f"{name}.yaml").read_text()
            if linear is not None:
                host = "client " if name == "handshake" else ""
                text = text.replace("\nsteps:\n", f"\nsteps:\n  - do: sysctl {host}"
                                    f"net.ipv4.tcp_syn_linear_timeouts = {linear}\n", 1)
            f = tmp_path / f"{name}.yaml"
            f.write_text(text)
            r = run_cli("run", str(f), "--lang", "en", timeout=120)
            assert r.returncode == 0, r.stdout + r.stderr
            said = " ".join(r.stdout.split())
            lab_linear = (int(LINEAR.read_text()) if LINEAR.exists() else 0) \
                if linear is None else linear
            if lab_linear >= 1:
                assert f"after each of its first {lab_linear} resends" in said or \
                    f"after each of the first {lab_linear} resends" in said, said
            else:
                assert "first after 1 s, then 2 s, 4 s" in said, said
                assert "tcp_syn_linear_timeouts says" not in said
        # What the kernel does with that setting: a SYN the wire drops, watched 8 s.
        probe = tmp_path / "probe.yaml"
        probe.write_text(
            "schema: 1\nid: probe\ntitle: t\nsummary: t\nnetwork: wire\n"
            "actors: {server: {host: server}, client: {host: client}}\nsteps:\n"
            + (f"  - do: sysctl net.ipv4.tcp_syn_linear_timeouts = {linear}\n"
               if linear is not None else "")
            + "  - do: wire.drop(from=client, flags=SYN)\n"
              "  - do: client.socket(AF_INET, SOCK_STREAM, 0)\n    as: s\n"
              "  - do: client.connect(s, 10.0.0.2:8080)\n    expect: blocked\n"
              "  - do: watch 8s\n")
        r = run_cli("run", str(probe), "--json", timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        gaps = _syn_gaps(r.stdout)
        expected = [1] * (lab_linear + 1) + [2 ** k for k in range(1, 4)]
        assert gaps == expected[:len(gaps)] and len(gaps) >= 3, (linear, gaps)


def test_the_authoring_guides_sysctl_list_is_the_labs_and_its_quoting_example_loads() -> None:
    from syscall_lab.net.sysctls import PER_NETNS

    doc = (ROOT / "docs" / "authoring.md").read_text()
    listed = doc.split("## The lab's sysctls", 1)[1].split("## ", 1)[0]
    short = {n.removeprefix("net.ipv4.") for n in PER_NETNS}
    found = {n.removeprefix("net.ipv4.") for n in
             re.findall(r"`((?:net\.ipv4\.|net\.core\.)?[a-z_0-9]+)`", listed)}
    assert found >= short, short - found
    block = doc.split("<!-- quoting example: start -->", 1)[1].split("<!-- quoting", 1)[0]
    body = re.search(r"```yaml\n(.*?)```", block, re.S)
    assert body
    steps = "\n".join("  " + line for line in body.group(1).splitlines())
    lesson = load_lesson("schema: 1\nid: q\ntitle: T\nsummary: T\nlanguages: [en, ko]\n"
                         "actors: [app]\nsteps:\n" + steps + "\n", "guide.yaml")
    assert not isinstance(lesson, list), [p.render("en") for p in lesson]
    kinds = {kind for _, kind, _ in lesson.steps[0].quotes}
    assert kinds == {"if", "value"} and lesson.sysctls == (
        "net.ipv4.tcp_syn_linear_timeouts", "net.ipv4.tcp_syn_retries")
