"""Each action's public payload is declared once and checked on every record.

``additionalProperties: false`` everywhere, so nothing (personal data included) can
slip into the public log by accident. A payload must also be canonical JSON (RFC 8785) of at
most :data:`MAX_PUBLIC_BYTES`, so the sequencer can always publish it: a payload it could not
publish would stop the log at that event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema

from goodgov.core.fastschema import compile_schema as _compile
from goodgov.ledger.canonical import MAX_SAFE_INTEGER, canonical_json

_SCHEMAS: dict[str, dict[str, Any]] = {}
_VALIDATORS: dict[str, jsonschema.Draft202012Validator] = {}
#: Per action, a predicate compiled from its schema that says True only for payloads the
#: schema accepts (:mod:`goodgov.core.fastschema`); None for a schema it cannot compile.
#: Checking a payload with jsonschema took ~0.3 ms, and every event is checked.
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
