"""Each action's public payload is declared once and checked on every record.

``additionalProperties: false`` everywhere, so nothing (personal data included) can
slip into the public log by accident. A payload must also be canonical JSON (RFC 8785) of at
most :data:`MAX_PUBLIC_BYTES`, so the sequencer can always publish it: a payload it could not
publish would stop the log at that event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema

from goodgov.ledger.canonical import MAX_SAFE_INTEGER, canonical_json

_SCHEMAS: dict[str, dict[str, Any]] = {}
_VALIDATORS: dict[str, jsonschema.Draft202012Validator] = {}
#: Per action, a predicate compiled from its schema that says True only for payloads the
#: schema accepts (see :func:`_compile`); None for a schema it cannot compile.
_FAST: dict[str, Callable[[Any], bool] | None] = {}

COMMITMENT = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
REFERENCE = {"type": "string", "maxLength": 40}
CODE = {"type": "string", "maxLength": 64}

#: The most a public payload may take as canonical JSON. An entry (the payload with its action,
#: agency and time, about 200 bytes more) must fit an entry bundle's 16-bit length (65,535
#: bytes); 16 KiB keeps every entry far inside that, and a full bundle of 256 entries at most
#: ~4 MiB, while the largest payload declared today (a refusal's legal ground, 500 characters,
#: up to ~1.6 KB of Thai) fits ten times over. A payload is facts and commitments, not
#: documents: anything bigger belongs in ``private``.
MAX_PUBLIC_BYTES = 16 * 1024


class PublicPayloadError(ValueError):
    """A public payload the log cannot publish: not canonical JSON, or too large."""


def declare(action: str, properties: dict[str, Any], required: list[str] | None = None) -> None:
    """Declare the public schema of ``action`` (every property is required by default)."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    jsonschema.Draft202012Validator.check_schema(schema)  # once, here, not on every record
    _SCHEMAS[action] = schema
    _VALIDATORS[action] = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    _FAST[action] = _compile(schema)


def check(action: str, public: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``public`` fits the action's schema, and
    :class:`PublicPayloadError` unless it is canonical JSON of at most ``MAX_PUBLIC_BYTES``."""
    validator = _VALIDATORS.get(action)
    if validator is None:
        raise LookupError(f"no public schema is declared for action {action!r}")
    fast = _FAST[action]
    if fast is None or not fast(public):
        # The fast path never says yes to a payload the schema refuses; when it says no
        # (or cannot judge), jsonschema decides, and names the error.
        error = jsonschema.exceptions.best_match(validator.iter_errors(public))
        if error is not None:
            raise error
    check_publishable(action, public)


def check_publishable(action: str, public: dict[str, Any]) -> None:
    """Raise :class:`PublicPayloadError` unless the log can publish ``public`` as it is stored:
    canonical JSON of at most ``MAX_PUBLIC_BYTES``, the same on SQLite and PostgreSQL."""
    try:
        encoded = canonical_json(public)
    except (TypeError, ValueError) as exc:
        raise PublicPayloadError(
            f"the public payload of {action} is not canonical JSON: {exc}"
        ) from exc
    if len(encoded) > MAX_PUBLIC_BYTES:
        raise PublicPayloadError(
            f"the public payload of {action} takes {len(encoded):,} bytes as canonical JSON; "
            f"the most is {MAX_PUBLIC_BYTES:,}"
        )
    problem = _unstorable(public)
    if problem:
        raise PublicPayloadError(f"the public payload of {action} holds {problem}")


def _unstorable(value: Any) -> str | None:
    """What in ``value`` would not come back from the database as it went in, if anything."""
    if isinstance(value, float) and abs(value) > MAX_SAFE_INTEGER:
        # PostgreSQL's jsonb gives an integral float back as an integer beyond the safe range.
        return "a number beyond ±(2**53 - 1): write it as a string"
    if isinstance(value, str) and "\x00" in value:
        return "a NUL character, which PostgreSQL's jsonb cannot store"
    if isinstance(value, dict):
        items: Any = [*value, *value.values()]
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    for item in items:
        problem = _unstorable(item)
        if problem:
            return problem
    return None


# The fast path. Checking a payload with jsonschema took ~0.3 ms (its validator walks the
# schema through generic keyword functions); every event is checked, several per request.
# Public schemas use a small part of JSON Schema, so each is compiled once into plain
# predicates with the same meaning as Draft 2020-12 for that part. A predicate may say no
# to a payload the schema accepts (a float holding an integer, say): jsonschema then
# decides. It must never say yes to one the schema refuses; tests/ledger/test_schemas.py
# compares both on every declared schema. A schema with any other keyword is not compiled.

_Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default"})
_TYPES: dict[str, _Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: type(v) is int,  # 1.0 is an integer too: jsonschema judges it
    "number": lambda v: type(v) is int or type(v) is float,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
    "array": lambda v: type(v) is list,
    "object": lambda v: type(v) is dict,
}


def _is_number(v: Any) -> bool:
    """Whether a number keyword applies to ``v``, as jsonschema decides it (bool is not)."""
    return isinstance(v, int | float) and not isinstance(v, bool)


def _compile(schema: Any) -> _Check | None:
    """A predicate true only for instances ``schema`` accepts, or None if it cannot tell."""
    if not isinstance(schema, dict):
        return None
    checks: list[_Check] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS or keyword in ("properties", "required"):
            continue
        check = _keyword(keyword, value, schema)
        if check is None:
            return None
        checks.append(check)
    if "properties" in schema or "required" in schema:
        check = _object(schema)
        if check is None:
            return None
        checks.append(check)
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _keyword(keyword: str, value: Any, schema: dict[str, Any]) -> _Check | None:
    if keyword == "type":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or any(n not in _TYPES for n in names):
            return None
        tests = [_TYPES[n] for n in names]
        return tests[0] if len(tests) == 1 else (lambda v: any(t(v) for t in tests))
    if keyword == "enum":
        if not isinstance(value, list) or not all(type(e) is str for e in value):
            return None
        allowed = frozenset(value)
        return lambda v: isinstance(v, str) and v in allowed
    if keyword in ("maxLength", "minLength", "maxItems", "minItems"):
        if type(value) is not int:
            return None
        kind: Any = str if keyword.endswith("Length") else list
        if keyword.startswith("max"):
            return lambda v: not isinstance(v, kind) or len(v) <= value
        return lambda v: not isinstance(v, kind) or len(v) >= value
    if keyword in ("minimum", "maximum"):
        if type(value) not in (int, float):
            return None
        if keyword == "minimum":
            return lambda v: not _is_number(v) or v >= value
        return lambda v: not _is_number(v) or v <= value
    if keyword == "pattern":
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if keyword == "format":
        conforms = jsonschema.Draft202012Validator.FORMAT_CHECKER.conforms
        return lambda v: conforms(v, value)
    if keyword == "items":
        item = _compile(value)
        if item is None:
            return None
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if keyword == "anyOf":
        if not isinstance(value, list) or not value:
            return None
        options = [_compile(option) for option in value]
        if any(option is None for option in options):
            return None
        return lambda v: any(option(v) for option in options)  # type: ignore[misc]
    if keyword == "additionalProperties":
        if value is not False or "patternProperties" in schema:
            return None
        allowed = frozenset(schema.get("properties", {}))
        return lambda v: not isinstance(v, dict) or v.keys() <= allowed
    return None


def _object(schema: dict[str, Any]) -> _Check | None:
    """``properties`` and ``required``, which apply to objects only."""
    properties: dict[str, _Check] = {}
    for name, subschema in schema.get("properties", {}).items():
        check = _compile(subschema)
        if check is None:
            return None
        properties[name] = check
    required = frozenset(schema.get("required", ()))

    def check_object(v: Any) -> bool:
        if type(v) is not dict:
            return not isinstance(v, dict)  # another mapping type: let jsonschema judge
        if not required <= v.keys():
            return False
        for name, value in v.items():
            check = properties.get(name)
            if check is not None and not check(value):
                return False
        return True

    return check_object
