"""Each action's public payload is declared once and checked on every record.

``additionalProperties: false`` everywhere, so nothing (personal data included) can
slip into the public log by accident.
"""

from __future__ import annotations

from typing import Any

import jsonschema

_SCHEMAS: dict[str, dict[str, Any]] = {}
_VALIDATORS: dict[str, jsonschema.Draft202012Validator] = {}

COMMITMENT = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
REFERENCE = {"type": "string", "maxLength": 40}
CODE = {"type": "string", "maxLength": 64}


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


def check(action: str, public: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``public`` fits the action's schema."""
    validator = _VALIDATORS.get(action)
    if validator is None:
        raise LookupError(f"no public schema is declared for action {action!r}")
    error = jsonschema.exceptions.best_match(validator.iter_errors(public))
    if error is not None:
        raise error


def declared() -> dict[str, dict[str, Any]]:
    return dict(_SCHEMAS)
