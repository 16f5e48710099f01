"""Hypothesis strategies for the part of JSON Schema our schemas use: instances a schema
accepts, and instances near them (most of which it refuses). The compiled fast checks
(``goodgov.core.fastschema``) are tested with these against jsonschema itself."""

from __future__ import annotations

import collections
import string
import uuid
from typing import Any

from hypothesis import strategies as st

# Anything JSON-ish, and a few things that are not (tuples, a dict subclass, floats that hold
# integers, bools where numbers go), to try in place of each value.
ANY: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, 1.0, 2025.0, -1.0, 1e20])
    | st.text(max_size=80)
    | st.sampled_from(
        ["", "x" * 65, "a" * 64, "0" * 64, "g" * 64, str(uuid.uuid4()), "2026-11-24T10:00:00Z"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=2).map(collections.OrderedDict)
    ),
    max_leaves=6,
)


def valid(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Instances ``schema`` accepts, for the part of JSON Schema the public schemas use."""
    if "anyOf" in schema:
        return st.one_of([valid(option) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([valid({**schema, "type": k}) for k in kind])
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        return st.fixed_dictionaries(
            {name: valid(properties[name]) for name in required},
            optional={name: valid(sub) for name, sub in properties.items() if name not in required},
        )
    if kind == "array":
        return st.lists(valid(schema.get("items", {})), max_size=min(schema.get("maxItems", 3), 3))
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -(10**6) - 1) + 1)
        high = schema.get("maximum", schema.get("exclusiveMaximum", 10**6 + 1) - 1)
        return st.integers(low, high)
    if kind == "number":
        return st.floats(
            schema.get("minimum", schema.get("exclusiveMinimum", -1e6)),
            schema.get("maximum", schema.get("exclusiveMaximum", 1e6)),
            exclude_min="exclusiveMinimum" in schema,
            exclude_max="exclusiveMaximum" in schema,
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if schema.get("format") == "uuid":
        return st.uuids().map(str)
    if schema.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    if schema.get("format") == "date-time":
        return st.just("2026-11-24T10:00:00+07:00")
    if "pattern" in schema:
        least, most = schema.get("minLength", 0), schema.get("maxLength", 10**6)
        return st.from_regex(schema["pattern"]).filter(lambda text: least <= len(text) <= most)
    return st.text(
        string.ascii_letters + "ก่ข",
        min_size=schema.get("minLength", 0),
        max_size=schema.get("maxLength", 20),
    )


def just_outside(schema: dict[str, Any]) -> list[Any]:
    """Values at the edges of what ``schema`` allows, mostly just beyond them."""
    edges: list[Any] = [None, True, 0, 1.5, "", [], {}]
    if "maxLength" in schema:
        edges += ["x" * schema["maxLength"], "x" * (schema["maxLength"] + 1)]
        edges += ["ก" * (schema["maxLength"] + 1)]
    for bound, step in (
        ("minimum", -1),
        ("maximum", 1),
        ("exclusiveMinimum", 0),
        ("exclusiveMaximum", 0),
    ):
        if bound in schema:
            edges += [schema[bound], schema[bound] + step, float(schema[bound] + step)]
    if "enum" in schema:
        edges += [value + "x" for value in schema["enum"]] + [
            value.upper() for value in schema["enum"]
        ]
    if "pattern" in schema:
        edges += ["0" * 64 + "\n", "0" * 63, "A" * 64, "10", "01", "100", "9"]
    if "maxItems" in schema:
        edges += [["x"] * (schema["maxItems"] + 1), ("x",), ["x" * 65]]
    return edges


@st.composite
def near(draw: Any, schema: dict[str, Any]) -> Any:
    """A valid instance of an object ``schema`` with one member replaced (by a value at
    the edge of its schema, or by anything), dropped or added; or anything at all."""
    payload = dict(draw(valid(schema)))
    how = draw(st.sampled_from(["replace", "edge", "drop", "add", "whole"]))
    if how == "edge" and payload:
        name = draw(st.sampled_from(sorted(payload)))
        payload[name] = draw(st.sampled_from(just_outside(schema["properties"][name])))
    elif how == "replace" and payload:
        payload[draw(st.sampled_from(sorted(payload)))] = draw(ANY)
    elif how == "drop" and payload:
        del payload[draw(st.sampled_from(sorted(payload)))]
    elif how == "add":
        payload[draw(st.text(max_size=12))] = draw(ANY)
    elif how == "whole":
        return draw(ANY)
    return payload
