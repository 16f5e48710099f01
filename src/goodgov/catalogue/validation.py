"""Checking a service definition: the JSON Schema, then what a schema cannot say.

Every problem names where it was found (the file or other source), the field path
(``form.ui.fields.bank.choices``) and what is wrong in plain words, so the author of a
YAML file can fix it without reading this code. All problems are collected; nothing
stops at the first.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).with_name("service.schema.json")

# Which JSON Schema types each widget can hold (as the application form reads them).
WIDGET_TYPES: dict[str, set[str]] = {
    "text": {"string"},
    "textarea": {"string"},
    "email": {"string"},
    "phone": {"string"},
    "national_id": {"string"},
    "date": {"string"},
    "number": {"integer", "number"},
    "address": {"object"},
    "checkbox": {"boolean"},
    "radios": {"string", "integer", "number", "boolean"},
    "select": {"string", "integer", "number", "boolean"},
}
CHOICE_WIDGETS = {"radios", "select"}
APPLICANT = "applicant"
APPLICANT_TRANSITIONS = {"answer", "withdraw"}
REQUIRED_TRANSITIONS = ("approve", "reject")
FIRST_STATE = "submitted"
RESERVED_PREFIX = "evidence_"  # the application form names its upload fields with it

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "object": "a mapping of named fields",
    "array": "a list",
    "boolean": "true or false",
    "null": "empty",
}
_LANGUAGE_WORDS = {"th": "the Thai text", "en": "the English text"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one definition."""

    source: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.path or '(top level)'}: {self.message}"


class DefinitionError(Exception):
    """One or more definitions are invalid; ``problems`` says where and why."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@functools.cache
def service_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = service_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _path(parts: Iterable[Any]) -> str:
    return ".".join(str(p) for p in parts)


def _join(base: str, *more: Any) -> str:
    return ".".join([p for p in [base, *(str(m) for m in more)] if p])


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    for type_name, python in (
        ("string", str),
        ("integer", int),
        ("number", float),
        ("object", dict),
        ("array", list),
    ):
        if isinstance(value, python):
            return _TYPE_WORDS[type_name]
    return "empty" if value is None else type(value).__name__


def _choices(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _schema_problems(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(path, plain message) for one JSON Schema error."""
    path = _path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    value: Any = error.validator_value
    instance = error.instance
    if "propertyNames" in error.relative_schema_path and isinstance(instance, str):
        # The error sits on the mapping; name the offending key itself.
        path = _join(path, instance)
    if kind == "required" and isinstance(instance, dict):
        for name in value:
            if name not in instance:
                yield _join(path, name), f"{_LANGUAGE_WORDS.get(name, 'this field')} is missing"
        return
    if kind == "additionalProperties" and isinstance(instance, dict) and value is False:
        known = set(schema.get("properties", {}))
        for name in instance:
            if name not in known:
                yield _join(path, name), "is not a field this format knows (a typo?)"
        return
    if schema.get("x-message") and kind in ("pattern", "minLength", "maxLength"):
        yield path, str(schema["x-message"])
        return
    if kind == "type":
        wanted = " or ".join(
            _TYPE_WORDS.get(t, t) for t in ([value] if isinstance(value, str) else value)
        )
        yield path, f"must be {wanted}, not {_describe(instance)}"
    elif kind == "enum":
        yield path, f"{instance!r} is not allowed here; use one of: {_choices(value)}"
    elif kind == "const":
        yield path, f"must be {value!r}"
    elif kind == "minimum":
        yield path, f"must be at least {value}"
    elif kind == "maximum":
        yield path, f"must be at most {value}"
    elif kind == "minItems":
        yield path, f"needs at least {value} {'entry' if value == 1 else 'entries'}"
    elif kind == "uniqueItems":
        yield path, "has the same entry more than once"
    elif kind == "minProperties":
        yield path, "must not be empty"
    elif kind == "maxLength":
        yield path, f"is too long (at most {value} characters)"
    elif kind == "minLength":
        yield path, "is empty"
    elif kind == "pattern":
        yield path, f"{instance!r} does not have the expected form"
    elif kind == "format":
        yield path, f"is not a valid {value}"
    else:
        yield path, error.message


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def widget_of(prop: dict[str, Any], ui: dict[str, Any]) -> str:
    """The widget a question gets: ``ui.widget`` if given, otherwise from the schema.

    The same rule the application form uses (``goodgov.cases.answers.field_kind``).
    """
    widget = ui.get("widget")
    kind = prop.get("type")
    if widget in (None, "text", "number") and kind in ("integer", "number"):
        return "number"
    if widget:
        return str(widget)
    if "enum" in prop or ui.get("choices"):
        return "radios"
    if kind == "boolean":
        return "checkbox"
    if prop.get("format") == "date":
        return "date"
    if prop.get("format") == "email":
        return "email"
    return "text"


#: The definition's field saying whether the deadline stands still while the applicant is
#: asked for information (``service.schema.json`` says what it means).
CLOCK_STOPS = "clock_stops_for_information"


def clock_stops_for_information(definition: dict[str, Any]) -> bool:
    """Whether the deadline and the service level of a case filed under ``definition``
    stand still while the case waits for the applicant's answer to a request for
    information. True unless the definition says ``false``: the Licensing Facilitation
    Act B.E. 2558 counts time from when the application and its documents are complete."""
    return definition.get(CLOCK_STOPS) is not False


def _choice_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _form_problems(form: dict[str, Any]) -> Iterator[tuple[str, str]]:
    schema = form.get("schema")
    if isinstance(schema, dict):
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            where = _join("form.schema", _path(exc.absolute_path))
            yield where, f"is not a valid JSON Schema: {exc.message}"
    properties = _dict(_dict(schema).get("properties"))
    ui = _dict(form.get("ui"))
    order = [name for name in _list(ui.get("order")) if isinstance(name, str)]
    fields = _dict(ui.get("fields"))

    for index, name in enumerate(order):
        if name not in properties:
            yield f"form.ui.order.{index}", f"'{name}' is not a question in form.schema.properties"
    for name in properties:
        if name not in order:
            yield (
                f"form.schema.properties.{name}",
                "is not listed in form.ui.order, so it would never be asked",
            )
    for index, name in enumerate(_list(_dict(schema).get("required"))):
        if name not in properties:
            yield (
                f"form.schema.required.{index}",
                f"'{name}' is required but is not a question in form.schema.properties",
            )
    for name in properties:
        if name.startswith(RESERVED_PREFIX):
            yield (
                f"form.schema.properties.{name}",
                f"question names may not start with '{RESERVED_PREFIX}': "
                "the form uses that for evidence uploads",
            )
    for name in fields:
        if name not in properties:
            yield f"form.ui.fields.{name}", "has no question of that name in form.schema.properties"

    for name, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        where = f"form.ui.fields.{name}"
        if name not in fields:
            yield where, "is missing: every question needs a label in Thai and English"
            continue
        ui_field = _dict(fields[name])
        widget = widget_of(prop, ui_field)
        allowed = WIDGET_TYPES.get(widget)
        if allowed is None:
            continue  # an unknown widget is reported by the schema
        schema_type = prop.get("type")
        if schema_type in _TYPE_WORDS and schema_type not in allowed:
            yield (
                f"{where}.widget",
                f"the {widget} widget cannot hold {_TYPE_WORDS[schema_type]} "
                f"(form.schema.properties.{name}.type is {schema_type!r})",
            )
        if widget in CHOICE_WIDGETS:
            yield from _choice_problems(name, prop, ui_field, widget)
        if widget != "checkbox" and "noun" not in ui_field:
            for language, label in _dict(ui_field.get("label")).items():
                if isinstance(label, str) and reads_as_question(label, language):
                    yield (
                        f"{where}.noun",
                        f"is missing: the {language} label {label!r} reads as a question, "
                        "so error messages need what it asks for as a noun phrase "
                        "(noun: {th: วิธีรับเงิน, en: way you want to be paid}, for "
                        '"Select the way you want to be paid")',
                    )
                    break


_QUESTION_WORDS_EN = {
    "how", "what", "when", "where", "which", "who", "whom", "whose", "why",
    "do", "does", "did", "is", "are", "was", "were", "will", "would", "can", "could",
    "should", "have", "has",
}  # fmt: skip
_QUESTION_WORDS_TH = ("ใด", "อะไร", "อย่างไร", "ไหน", "หรือไม่", "เท่าไร", "เท่าใด", "เมื่อไร", "ทำไม")


def reads_as_question(label: str, language: str) -> bool:
    """Whether a label is a question or a clause ("How do you want to be paid?", "When
    you plan to open", "ประสงค์รับเงินโดยวิธีใด") rather than the name of a thing: error
    messages cannot put it after "Enter the" / "กรุณาระบุ"."""
    text = label.strip()
    if text.endswith("?"):
        return True
    if language == "th":
        return any(word in text for word in _QUESTION_WORDS_TH) or text.endswith("เพื่อ")
    first = text.split(maxsplit=1)[0].lower() if text else ""
    return first in _QUESTION_WORDS_EN


def _choice_problems(
    name: str, prop: dict[str, Any], ui_field: dict[str, Any], widget: str
) -> Iterator[tuple[str, str]]:
    where = f"form.ui.fields.{name}.choices"
    if "enum" in prop:
        values = [_choice_key(v) for v in _list(prop["enum"])]
    elif prop.get("type") == "boolean":
        values = ["true", "false"]
    else:
        yield (
            f"form.schema.properties.{name}.enum",
            f"is missing: a {widget} question needs the list of values people can choose",
        )
        return
    choices = ui_field.get("choices")
    if not isinstance(choices, dict):
        yield (
            where,
            f"is missing: a {widget} question needs a label for each of: {_choices(values)}",
        )
        return
    missing = [v for v in values if v not in choices]
    if missing:
        yield where, f"has no label for {_choices(missing)}"
    extra = [k for k in choices if k not in values]
    if extra:
        yield (
            where,
            f"labels {_choices(extra)}, which is not one of the values in "
            f"form.schema.properties.{name}.enum",
        )


def _evidence_problems(evidence: list[Any]) -> Iterator[tuple[str, str]]:
    seen: dict[str, int] = {}
    for index, item in enumerate(evidence):
        key = _dict(item).get("key")
        if not isinstance(key, str):
            continue
        if key in seen:
            yield f"evidence.{index}.key", f"'{key}' is already used by evidence.{seen[key]}"
        else:
            seen[key] = index
    for index, item in enumerate(evidence):
        yield from _fetched_problems(f"evidence.{index}", _dict(item))


FETCHED_ONLY = ("registry", "fields", "legal_basis", "consent", "fallback")


def _fetched_problems(where: str, item: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A fetched item names a data service that exists, its fields, and why it may ask."""
    if item.get("kind") != "fetched":
        for name in FETCHED_ONLY:
            if name in item:
                yield f"{where}.{name}", "is only for evidence of kind fetched"
        return
    from goodgov.exchange.once_only import source_problems

    for path, message in source_problems(item):
        yield f"{where}.{path}", message


def _workflow_problems(workflow: dict[str, Any]) -> Iterator[tuple[str, str]]:
    states = _dict(workflow.get("states"))
    transitions = _list(workflow.get("transitions"))
    if states and FIRST_STATE not in states:
        yield "workflow.states", f"must declare '{FIRST_STATE}', where every application starts"
    by_name: dict[str, tuple[int, Any, Any]] = {}
    by_name_role: dict[tuple[str, str], int] = {}
    for index, transition in enumerate(transitions):
        t = _dict(transition)
        where = f"workflow.transitions.{index}"
        for n, state in enumerate(_list(t.get("from"))):
            if isinstance(state, str) and state not in states:
                yield f"{where}.from.{n}", f"'{state}' is not declared in workflow.states"
        target = t.get("to")
        if isinstance(target, str) and target not in states:
            yield f"{where}.to", f"'{target}' is not declared in workflow.states"
        name, role = t.get("name"), t.get("role")
        if not isinstance(name, str) or not isinstance(role, str):
            continue
        if name in APPLICANT_TRANSITIONS and role != APPLICANT:
            yield (
                f"{where}.role",
                f"'{name}' is the applicant's own step: its role must be applicant",
            )
        if name not in APPLICANT_TRANSITIONS and role == APPLICANT:
            yield f"{where}.role", f"'{name}' is taken by the agency: applicant cannot take it"
        if (name, role) in by_name_role:
            yield (
                where,
                f"repeats '{name}' for role {role} (see transitions.{by_name_role[name, role]})",
            )
        by_name_role.setdefault((name, role), index)
        shape = (sorted(map(str, _list(t.get("from")))), target)
        if name in by_name and (by_name[name][1], by_name[name][2]) != shape:
            yield (
                where,
                f"'{name}' is also in transitions.{by_name[name][0]} with other states: "
                "a step given to several roles must go from and to the same states",
            )
        by_name.setdefault(name, (index, shape[0], shape[1]))
    if transitions:
        for name in REQUIRED_TRANSITIONS:
            if name not in by_name:
                yield (
                    "workflow.transitions",
                    f"has no '{name}' step: every application must be decided",
                )


def _other_problems(definition: dict[str, Any]) -> Iterator[tuple[str, str]]:
    deadline = definition.get("deadline_days")
    if isinstance(deadline, int) and not isinstance(deadline, bool) and deadline >= 1:
        for step, days in _dict(definition.get("sla_days")).items():
            if isinstance(days, int) and days > deadline:
                yield (
                    f"sla_days.{step}",
                    f"{days} days is longer than the statutory deadline ({deadline} days)",
                )


def definition_problems(definition: Any, *, source: str) -> list[Problem]:
    """Everything wrong with ``definition`` (a decoded YAML/JSON document)."""
    if not isinstance(definition, dict):
        return [Problem(source, "", "must be a mapping of named fields (is the file empty?)")]
    found: list[tuple[str, str]] = []
    errors = sorted(
        _validator().iter_errors(definition), key=lambda e: list(map(str, e.absolute_path))
    )
    for error in errors:
        found.extend(_schema_problems(error))
    form = _dict(definition.get("form"))
    found.extend(_form_problems(form))
    found.extend(_evidence_problems(_list(definition.get("evidence"))))
    found.extend(_workflow_problems(_dict(definition.get("workflow"))))
    found.extend(_other_problems(definition))
    unique: dict[tuple[str, str], None] = dict.fromkeys(found)
    return [Problem(source, path, message) for path, message in unique]


def canonical_json(definition: dict[str, Any]) -> str:
    """The one text of a definition its digest is computed from."""
    return json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
