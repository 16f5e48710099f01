"""Each action's public payload is declared once and checked on every record.

``additionalProperties: false`` everywhere, so nothing (personal data included) can
slip into the public log by accident.
"""

from __future__ import annotations

from typing import Any

import jsonschema

_SCHEMAS: dict[str, dict[str, Any]] = {}

COMMITMENT = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
REFERENCE = {"type": "string", "maxLength": 40}
CODE = {"type": "string", "maxLength": 64}


def declare(action: str, properties: dict[str, Any], required: list[str] | None = None) -> None:
    """Declare the public schema of ``action`` (every property is required by default)."""
    _SCHEMAS[action] = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def check(action: str, public: dict[str, Any]) -> None:
    schema = _SCHEMAS.get(action)
    if schema is None:
        raise LookupError(f"no public schema is declared for action {action!r}")
    jsonschema.validate(public, schema)


def declared() -> dict[str, dict[str, Any]]:
    return dict(_SCHEMAS)
