"""The shape of a lesson file, as pydantic models, and the JSON Schema editors use.

These models check the file's *shape* (which keys, which types) and give editors completion
through ``syscall-lab schema``. What the ``do:`` and ``expect:`` lines mean is checked by
:mod:`.loader` with our own grammar, because only it knows the lesson's actors and names.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = ["SCHEMA_VERSION", "CourseFile", "LessonFile", "StepFile", "json_schema", "keys_of"]

SCHEMA_VERSION = 1
LANG_NAMES = {"en": "English", "ko": "Korean"}
ID_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"

_TEXT_SCHEMA: dict[str, Any] = {
    "description": "Text for students: a string, or one string per language.",
    "anyOf": [
        {"type": "string"},
        {"type": "object", "properties": {k: {"type": "string"} for k in LANG_NAMES},
         "additionalProperties": False, "minProperties": 1},
    ],
}


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value:
        for k, v in value.items():
            if k not in LANG_NAMES:
                raise PydanticCustomError("text_lang", "'{lang}' is not a language of "
                                          "syscall-lab (en, ko)", {"lang": str(k)})
            if not isinstance(v, str):
                raise PydanticCustomError("text", "the {lang} text must be a string",
                                          {"lang": k})
        return value
    raise PydanticCustomError("text", "write text, or one text per language: "
                                      "{en: ..., ko: ...}")


def _one_or_many(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    raise PydanticCustomError("one_or_many", "write one line, or a list of lines")


def _actors(value: Any) -> Any:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    if isinstance(value, dict) and value:
        return value  # each entry is checked by the loader, which knows the network mode
    raise PydanticCustomError("actors", "list the actors, [server, client], or map each to "
                                        "its host: {server: {host: server}}")


Text = Annotated[Any, PlainValidator(_text), WithJsonSchema(_TEXT_SCHEMA)]

_ACTORS_SCHEMA: dict[str, Any] = {
    "description": "The processes of the lesson: a list of names, or in a wire lab a mapping "
                   "of each name to its host.",
    "anyOf": [
        {"type": "array", "items": {"type": "string", "pattern": NAME_PATTERN},
         "minItems": 1},
        {"type": "object", "minProperties": 1,
         "additionalProperties": {
             "type": "object", "additionalProperties": False,
             "properties": {"host": {"enum": ["client", "server"],
                                     "description": "The host it runs on (wire labs)."}}}},
    ],
}


class _Strict(BaseModel):
    # strict: '2' is not 2 and 2.0 is not 2 (a lesson file says what it means)
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class AskFile(_Strict):
    """A multiple-choice question asked before the step runs."""

    question: Text
    choices: list[Text] = Field(min_length=2, max_length=8)
    answer: int = Field(ge=1, le=8, description="The right choice, counted from 1.")
    explain: Text | None = Field(None, description="Shown once the student has answered.")


class StepFile(_Strict):
    """One step: what to say, what to do, what the kernel should then show."""

    say: Text | None = Field(None, description="Markdown shown beside the lab.")
    do: str | None = Field(None, description=(
        "One call by an actor, server.listen(lsock, 2); a wire action, "
        "wire.hold(from=server, flags=SYN+ACK); wait client; or watch 1.5s."),
        examples=["server.socket(AF_INET, SOCK_STREAM)", "server.listen(lsock, 2)",
                  "client.connect(sock, 127.0.0.1:8080)", "wait client 10s", "watch 1.5s",
                  "wire.hold(from=server, flags=SYN+ACK)", "wire.deliver(all)"])
    as_: Annotated[Any, PlainValidator(_one_or_many),
                   WithJsonSchema({"anyOf": [{"type": "string", "pattern": NAME_PATTERN},
                                             {"type": "array", "items": {
                                                 "type": "string", "pattern": NAME_PATTERN}}],
                                   "description": "A name for what the call returns (the "
                                                  "new fd, the child), used by later steps; "
                                                  "two names for pipe()."})
                   ] = Field(None, alias="as")
    expect: Annotated[Any, PlainValidator(_one_or_many),
                      WithJsonSchema({"anyOf": [{"type": "string"},
                                                {"type": "array", "items": {"type": "string"}}],
                                      "description": "Checks on the live kernel after the "
                                                     "step.",
                                      "examples": [["lsock.state == LISTEN",
                                                    "lsock.backlog == 2", "ret == 0"]]})
                      ] = None
    ask: AskFile | None = None
    hint: Text | None = Field(None, description="Help shown when the student asks for it.")


class LessonFile(_Strict):
    """A syscall-lab lesson."""

    schema_: Literal[1] = Field(alias="schema", description="The lesson format's version.")
    id: str = Field(pattern=ID_PATTERN, description="Unique; how `syscall-lab run` names it.")
    title: Text
    summary: Text
    level: Literal["beginner", "intermediate", "advanced"] = "beginner"
    topics: list[str] = Field(default_factory=list)
    languages: list[Literal["en", "ko"]] = Field(
        default_factory=lambda: ["en"], min_length=1,  # type: ignore[arg-type]
        description="Every text of the lesson exists in each of these languages.")
    network: Literal["loopback", "wire"] = Field(
        "loopback", description="loopback: one host (127.0.0.1); wire: hosts client "
                                "(10.0.0.1) and server (10.0.0.2) joined by the lab's wire.")
    actors: Annotated[Any, PlainValidator(_actors), WithJsonSchema(_ACTORS_SCHEMA)]
    steps: list[StepFile] = Field(min_length=1, max_length=300)


def keys_of(loc: tuple[str | int, ...]) -> tuple[str, ...]:
    """The keys a mapping at ``loc`` may have (for 'did you mean')."""
    model: type[BaseModel] = LessonFile
    if len(loc) >= 2 and loc[0] == "steps":
        model = AskFile if len(loc) >= 3 and loc[2] == "ask" else StepFile
    return tuple(f.alias or name for name, f in model.model_fields.items())


class UnitFile(_Strict):
    """One topic of a course and the lessons that teach it, in order."""

    topic: Text
    notes: str = Field(min_length=1, description="The course notes' heading this unit teaches.")
    lessons: list[str] = Field(min_length=1, description="Lesson ids, in teaching order.")


class CourseFile(_Strict):
    """A syscall-lab course (``*.course.yaml``): lessons in the order they are taught."""

    schema_: Literal[1] = Field(alias="schema", description="The course format's version.")
    id: str = Field(min_length=1)
    title: Text
    units: list[UnitFile] = Field(min_length=1)


def json_schema(course: bool = False) -> str:
    """The JSON Schema of lesson files (``course``: of course files), for editors."""
    schema = (CourseFile if course else LessonFile).model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
