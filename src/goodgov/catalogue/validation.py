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
from urllib.parse import unquote

import jsonschema
import referencing
import referencing.exceptions
from jsonschema.exceptions import ValidationError
from jsonschema.validators import validator_for

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
#: States a case stops in (goodgov.cases.models.FINAL_STATES).
FINAL_STATES = ("approved", "rejected", "withdrawn")
_DECIDED = {"approve": "approved", "reject": "refused"}
#: The agency role that takes no workflow step: an admin manages the agency's officers and
#: is not among goodgov.cases.access.CASEWORK_ROLES, who see IDs and evidence in full.
ADMIN = "admin"
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


def _refuse_retrieval(uri: str) -> referencing.Resource[Any]:
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


#: The only registry a validator built from a definition may resolve references with.
#: jsonschema's default fetches any URL a ``$ref`` names (``urllib.request.urlopen``):
#: a definition could make the server call a host of its author's choosing on every
#: submission. With this registry a reference resolves inside the schema itself (and
#: JSON Schema's own meta-schemas, which jsonschema adds); anything else fails with
#: ``referencing.exceptions.Unresolvable`` and nothing is fetched.
LOCAL_ONLY: referencing.Registry[Any] = referencing.Registry(  # type: ignore[call-arg]
    retrieve=_refuse_retrieval
)

#: The dialect forms are checked with (``form.schema.$schema`` may only name it).
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A Draft 2020-12 validator for ``schema`` (with format checks) that never fetches
    what a reference names: every validator built from a definition comes from here."""
    return jsonschema.Draft202012Validator(
        schema,
        registry=LOCAL_ONLY,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = service_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema_validator(schema)


@functools.cache
def _meta_validator() -> jsonschema.protocols.Validator:
    """Checks that a form's schema is a JSON Schema, reporting every error (as
    ``check_schema`` does, but it stops at the first)."""
    meta = jsonschema.Draft202012Validator.META_SCHEMA
    cls = validator_for(meta, default=jsonschema.Draft202012Validator)
    return cls(meta, format_checker=cls.FORMAT_CHECKER)


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


def _meta_problems(form: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Where ``form.schema`` is not a JSON Schema (every place, not only the first)."""
    schema = form.get("schema")
    if not isinstance(schema, dict):
        return
    for error in _meta_validator().iter_errors(schema):
        yield from _meta_words(error)


def _meta_words(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(path, plain message) for one meta-schema error. For ``anyOf``/``oneOf``, whose
    own message ("not valid under any of the given schemas") says nothing: what the
    alternatives expect, or, where the value has the right shape but something inside
    it is wrong (a list of types with one misspelt), what that is."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        for path, message in _schema_problems(error):
            yield _join("form.schema", path), message
        return
    deeper = [e for e in error.context if e.relative_path]
    if deeper:
        for sub in deeper:
            yield from _meta_words(sub)
        return
    values: list[str] = []
    kinds: list[str] = []
    for sub in error.context:
        wanted: Any = sub.validator_value
        if sub.validator == "enum":
            values.extend(str(v) for v in wanted)
        elif sub.validator == "const":
            values.append(str(wanted))
        elif sub.validator == "type":
            names = [wanted] if isinstance(wanted, str) else wanted
            kinds.extend(_TYPE_WORDS.get(t, str(t)) for t in names)
        else:
            yield _join("form.schema", _path(error.absolute_path)), error.message
            return
    if values:
        expected = f"use one of: {_choices(values)}"
        expected += f", or {' or '.join(kinds)}" if kinds else ""
    else:
        expected = f"must be {' or '.join(kinds)}"
    yield (
        _join("form.schema", _path(error.absolute_path)),
        f"{error.instance!r} is not allowed here; {expected}",
    )


#: Keywords whose values are data, not schemas: a "$ref" key inside them means nothing.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})
#: Keywords whose values map names to schemas.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)


def _pointer_target(root: Any, reference: str) -> bool:
    """Whether ``reference`` ("#" or "#/a/b") names a place inside ``root``."""
    node = root
    for token in reference[2:].split("/") if reference != "#" else []:
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def _reference_problems(form: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A form's schema refers only to places inside itself.

    A ``$ref`` to a URL would make the server fetch it to check answers (validators are
    built with :data:`LOCAL_ONLY`, so it would fail every submission instead); ``$id``
    moves what references resolve against, and ``$schema`` naming another dialect would
    promise checks the platform does not make.
    """
    root = form.get("schema")

    def visit(node: Any, where: str) -> Iterator[tuple[str, str]]:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            here = _join(where, key)
            if key in _DATA_KEYWORDS:
                continue
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                if value != "#" and not value.startswith("#/"):
                    yield (
                        here,
                        f"{value!r} points outside this form: a reference must be a JSON "
                        "pointer into form.schema, starting with '#/' (such as "
                        "'#/$defs/address'); schemas are never fetched from elsewhere",
                    )
                elif not _pointer_target(root, value):
                    yield here, f"{value!r} points to nothing in form.schema"
            elif key == "$id":
                yield (
                    here,
                    "is not allowed in a form: it would make references point somewhere "
                    "other than this form's schema",
                )
            elif key == "$schema":
                if where != "form.schema":
                    yield here, "is only allowed at the top of form.schema"
                elif value != DIALECT:
                    yield (
                        here,
                        f"must be {DIALECT!r} or left out: forms are checked as JSON Schema "
                        "draft 2020-12",
                    )
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                for name, subschema in value.items():
                    yield from visit(subschema, _join(here, name))
            elif isinstance(value, dict):
                yield from visit(value, here)
            elif isinstance(value, list):
                for index, subschema in enumerate(value):
                    yield from visit(subschema, _join(here, index))

    yield from visit(root, "form.schema")


def _form_problems(form: dict[str, Any]) -> Iterator[tuple[str, str]]:
    schema = form.get("schema")
    yield from _reference_problems(form)
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
        if (
            isinstance(schema_type, str)
            and schema_type in _TYPE_WORDS
            and schema_type not in allowed
        ):
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
    yield from _step_problems(workflow)
    yield from _reachability_problems(workflow)


def _step_problems(workflow: dict[str, Any]) -> Iterator[tuple[str, str]]:
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
        if role == ADMIN:
            yield (
                f"{where}.role",
                f"admin cannot take '{name}': administrators manage the agency's officers, "
                "and officers, approvers and counter officers work on cases "
                "(give the step to officer or approver)",
            )
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


def _quoted(names: Iterable[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _reachability_problems(workflow: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every step can be taken by some case, and every case can be decided.

    A case starts in ``submitted`` and moves only by the workflow's steps until it is
    closed (approved, rejected, withdrawn); a step none of whose ``from`` states an open
    case can be in is dead, and if that step is ``approve`` or ``reject`` no application
    could ever get that decision.
    """
    states = _dict(workflow.get("states"))
    steps: list[tuple[int, str, list[str], str]] = []
    for index, transition in enumerate(_list(workflow.get("transitions"))):
        t = _dict(transition)
        name, target, sources = t.get("name"), t.get("to"), _list(t.get("from"))
        if any(isinstance(s, str) and s not in states for s in [*sources, target]):
            return  # a state nobody declared is reported on its own, and breaks the graph
        if not isinstance(name, str) or not isinstance(target, str) or not sources:
            continue
        steps.append((index, name, [s for s in sources if isinstance(s, str)], target))
    if FIRST_STATE not in states or not steps:
        return
    reached = {FIRST_STATE}
    grew = True
    while grew:
        grew = False
        for _index, _name, sources, target in steps:
            if target not in reached and reached.intersection(sources) - set(FINAL_STATES):
                reached.add(target)
                grew = True
    open_states = reached - set(FINAL_STATES)

    dead = False
    for index, name, sources, _target in steps:
        if open_states.intersection(sources):
            continue
        dead = dead or name in REQUIRED_TRANSITIONS
        reasons = []
        for state in sources:
            leading = sorted({n for _i, n, _s, t in steps if t == state})
            if state in FINAL_STATES:
                reasons.append(f"'{state}' is where a case ends")
            elif leading:
                reasons.append(
                    f"'{state}' is reached only by {_quoted(leading)}, which can never be "
                    "taken either"
                )
            else:
                reasons.append(f"no step leads to '{state}'")
        decided = (
            f", so no application could ever be {_DECIDED[name]}"
            if name in REQUIRED_TRANSITIONS
            else ""
        )
        yield (
            f"workflow.transitions.{index}",
            f"'{name}' can never be taken{decided}: every case starts in '{FIRST_STATE}', "
            f"and {'; '.join(reasons)}",
        )
    if dead:
        return  # every other case is then undecidable too: say it once, above

    deciding = {s for _i, n, sources, _t in steps if n in REQUIRED_TRANSITIONS for s in sources}
    grew = True
    while grew:
        grew = False
        for _index, _name, sources, target in steps:
            if target in deciding:
                for state in sources:
                    if state not in deciding:
                        deciding.add(state)
                        grew = True
    for state in states:
        if state in open_states and state not in deciding:
            yield (
                f"workflow.states.{state}",
                f"a case that reaches '{state}' can never be decided: no step leads from "
                "it to approve or reject",
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
        if (
            error.validator == "enum"
            and error.instance == ADMIN
            and list(error.absolute_path)[-1:] == ["role"]
        ):
            continue  # _step_problems says why an admin takes no step, and to whom to give it
        found.extend(_schema_problems(error))
    # Where the service's own schema already said what is wrong with a field of
    # form.schema (required: where), the meta-schema's view of it would say it again.
    said = {path for path, _message in found}
    form = _dict(definition.get("form"))
    found.extend(_form_problems(form))
    found.extend((path, m) for path, m in _meta_problems(form) if path not in said)
    found.extend(_evidence_problems(_list(definition.get("evidence"))))
    found.extend(_workflow_problems(_dict(definition.get("workflow"))))
    found.extend(_other_problems(definition))
    unique: dict[tuple[str, str], None] = dict.fromkeys(found)
    return [Problem(source, path, message) for path, message in unique]


def canonical_json(definition: dict[str, Any]) -> str:
    """The one text of a definition its digest is computed from."""
    return json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
