"""Every message a student or an author reads exists in English and Korean: our own words
(:data:`syscall_lab.i18n.MESSAGES`) and every message the layers below say (each ``Msg``
template written anywhere in the code), with the same placeholders in both."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from syscall_lab.i18n import Msg, say
from syscall_lab.i18n_ko import AREAS, table

PACKAGE = Path(__file__).resolve().parent.parent / "syscall_lab"


def templates() -> dict[str, list[str]]:
    """Each ``Msg("...")`` template in the package, with where it is written."""
    out: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if path.name != "i18n.py" and isinstance(node, ast.Call) and \
                    isinstance(node.func, ast.Name) and \
                    node.func.id == "Msg":
                first = node.args[0] if node.args else None
                where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), \
                    f"{where}: a Msg's template is a plain string literal (no f-string)"
                out.setdefault(first.value, []).append(where)
    return out


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_template_has_its_korean_with_the_same_placeholders() -> None:
    found = templates()
    assert len(found) > 100, len(found)
    ko = table("ko")
    missing = [f"{where[0]}: {tpl!r}" for tpl, where in found.items() if tpl not in ko]
    assert not missing, "no Korean for:\n" + "\n".join(missing)
    for tpl in found:
        assert _fields(ko[tpl]) == _fields(tpl), (tpl, ko[tpl])


def test_no_korean_is_left_over_from_a_template_that_is_gone() -> None:
    found = templates()
    stale = [tpl for tpl in table("ko") if tpl not in found]
    assert not stale, "translations of templates no longer in the code:\n" + "\n".join(stale)


def test_a_message_says_itself_and_its_parts_in_the_language_asked() -> None:
    from syscall_lab.i18n_ko import lesson

    assert AREAS and lesson.KO is not None
    hint = Msg("{x} - did you mean '{y}'?", x="a", y="b")
    assert str(hint) == "a - did you mean 'b'?" and say(hint, "en") == str(hint)
    assert say("plain", "ko") == "plain"
    copy = Msg.from_json(hint.to_json(), "english")
    assert isinstance(copy, Msg) and copy.template == hint.template and copy == hint
    assert Msg.from_json({"template": 3}, "english") == "english"


def test_a_template_written_in_two_areas_has_one_korean() -> None:
    from importlib import import_module

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for area in AREAS:
        for tpl, ko in import_module(f"syscall_lab.i18n_ko.{area}").KO.items():
            if tpl in seen and seen[tpl][1] != ko:
                clashes.append(f"{tpl!r}: {seen[tpl][0]} {seen[tpl][1]!r} vs {area} {ko!r}")
            seen.setdefault(tpl, (area, ko))
    assert not clashes, "\n".join(clashes)
