"""The Korean of the messages the layers below the front ends say (:class:`~syscall_lab.i18n.
Msg`): the loader and the grammar, the vocabulary and the wire's rules, files, recordings and
the lab. One module per area, each a ``KO`` table from the English template to the Korean one;
they are read the first time a message is said in Korean, never before the first frame.
"""

from __future__ import annotations

from functools import cache

__all__ = ["AREAS", "table", "translation"]

AREAS = ("lesson", "grammar", "engine", "files", "recording", "lab", "checks")


@cache
def table(lang: str) -> dict[str, str]:
    """Every template's translation into ``lang`` (only Korean so far)."""
    if lang != "ko":
        return {}
    from importlib import import_module

    out: dict[str, str] = {}
    for area in AREAS:
        out.update(import_module(f".{area}", __name__).KO)
    return out


def translation(template: str, lang: str) -> str | None:
    return table(lang).get(template)
