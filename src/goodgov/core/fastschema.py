"""JSON Schema compiled into plain predicates, for the checks on every request.

Checking an instance with jsonschema took ~0.3 ms (its validator walks the schema through
generic keyword functions): every event's public payload is checked (``ledger.schemas``),
and every set of answers to a service's form (``catalogue``). Those schemas use a small
part of JSON Schema, so each is compiled once into plain predicates with the same meaning
as Draft 2020-12 for that part. A predicate may say no to an instance the schema accepts
(a float holding an integer, say): jsonschema then decides, and names the error. It must
never say yes to one the schema refuses; tests/ledger/test_schemas.py and
tests/catalogue/test_fast_answers.py compare both on every declared schema. A schema with
any other keyword is not compiled (None), and jsonschema alone judges it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema

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


def compile_schema(schema: Any) -> _Check | None:
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
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if type(value) not in (int, float):
            return None
        if keyword == "minimum":
            return lambda v: not _is_number(v) or v >= value
        if keyword == "maximum":
            return lambda v: not _is_number(v) or v <= value
        if keyword == "exclusiveMinimum":
            return lambda v: not _is_number(v) or v > value
        return lambda v: not _is_number(v) or v < value
    if keyword == "pattern":
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if keyword == "format":
        conforms = jsonschema.Draft202012Validator.FORMAT_CHECKER.conforms
        return lambda v: conforms(v, value)
    if keyword == "items":
        item = compile_schema(value)
        if item is None:
            return None
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if keyword == "anyOf":
        if not isinstance(value, list) or not value:
            return None
        options = [compile_schema(option) for option in value]
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
        check = compile_schema(subschema)
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
