"""docs/authoring.md lists the whole vocabulary, written from the registry itself."""

from __future__ import annotations

from pathlib import Path

from syscall_lab.engine.vocabulary import CALLS
from syscall_lab.engine.vocabulary.doc import BEGIN, END, markdown, rewrite

AUTHORING = Path(__file__).parent.parent / "docs" / "authoring.md"


def test_the_authoring_guide_lists_the_registry_as_it_is() -> None:
    text = AUTHORING.read_text(encoding="utf-8")
    assert rewrite(text) == text, "docs/authoring.md is out of date: run `make docs`"
    table = text[text.index(BEGIN):text.index(END)]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(CALLS)
    for name, call in CALLS.items():  # each row says which syscall it enters, by number
        row = next(r for r in rows if r.startswith(f"| `{name}` |"))
        for arch, (syscall, nr) in call.syscalls.items():
            assert f"{arch} `{syscall}` #{nr}" in row


def test_a_changed_entry_makes_the_guide_out_of_date() -> None:
    stale = f"before\n{BEGIN}\n| `socket` | old |\n{END}\nafter\n"
    fresh = rewrite(stale)
    assert fresh != stale and fresh.startswith("before\n") and fresh.endswith("\nafter\n")
    assert markdown() in fresh
