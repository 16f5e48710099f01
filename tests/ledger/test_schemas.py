"""The compiled fast path of ``ledger.schemas.check`` against jsonschema itself.

Every event's public payload is checked before it is recorded. The fast path may refuse a
payload jsonschema accepts (then jsonschema decides), but must never accept one it refuses:
that would let a payload outside its declared schema (personal data, say) into the public log.
"""

from __future__ import annotations

import collections
import string
import uuid
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodgov.ledger import schemas

ACTIONS = sorted(schemas._SCHEMAS)

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
        return st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**6))
    if kind == "number":
        return st.floats(schema.get("minimum", -1e6), schema.get("maximum", 1e6))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if schema.get("format") == "uuid":
        return st.uuids().map(str)
    if schema.get("format") == "date-time":
        return st.just("2026-11-24T10:00:00+07:00")
    if "pattern" in schema:
        most = schema.get("maxLength", 10**6)
        return st.from_regex(schema["pattern"]).filter(lambda text: len(text) <= most)
    return st.text(string.ascii_letters + "ก่ข", max_size=schema.get("maxLength", 20))


def just_outside(schema: dict[str, Any]) -> list[Any]:
    """Values at the edges of what ``schema`` allows, mostly just beyond them."""
    edges: list[Any] = [None, True, 0, 1.5, "", [], {}]
    if "maxLength" in schema:
        edges += ["x" * schema["maxLength"], "x" * (schema["maxLength"] + 1)]
        edges += ["ก" * (schema["maxLength"] + 1)]
    for bound, step in (("minimum", -1), ("maximum", 1)):
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


def jsonschema_accepts(action: str, payload: Any) -> bool:
    return schemas._VALIDATORS[action].is_valid(payload)


def test_every_declared_schema_is_compiled():
    # given: every app's events, declared when Django loaded the apps
    # then: each has a fast path (a schema that fell back to jsonschema alone would cost
    # ~0.3 ms on every one of its events)
    assert len(ACTIONS) >= 40
    assert [action for action in ACTIONS if schemas._FAST[action] is None] == []


@pytest.mark.parametrize("action", ACTIONS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_accepts_valid_payloads(action, data):
    # given: a payload the action's schema accepts
    payload = data.draw(valid(schemas._SCHEMAS[action]))
    assert jsonschema_accepts(action, payload)
    # then: the fast path accepts it too, so jsonschema is not run for it
    assert schemas._FAST[action](payload)


@pytest.mark.parametrize("action", ACTIONS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_never_accepts_what_jsonschema_refuses(action, data):
    # given: a valid payload with one member replaced, dropped or added, or anything at all
    schema = schemas._SCHEMAS[action]
    payload = dict(data.draw(valid(schema)))
    how = data.draw(st.sampled_from(["replace", "edge", "drop", "add", "whole"]))
    if how == "edge" and payload:
        name = data.draw(st.sampled_from(sorted(payload)))
        payload[name] = data.draw(st.sampled_from(just_outside(schema["properties"][name])))
    elif how == "replace" and payload:
        payload[data.draw(st.sampled_from(sorted(payload)))] = data.draw(ANY)
    elif how == "drop" and payload:
        del payload[data.draw(st.sampled_from(sorted(payload)))]
    elif how == "add":
        payload[data.draw(st.text(max_size=12))] = data.draw(ANY)
    elif how == "whole":
        payload = data.draw(ANY)
    # then: whatever the fast path accepts, jsonschema accepts
    if schemas._FAST[action](payload):
        assert jsonschema_accepts(action, payload), payload


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"client": "tbnk", "service": "population", "method": "person"}, "'fields' is a required"),
        (
            {
                "client": "tbnk",
                "service": "population",
                "method": "person",
                "fields": ["x"],
                "id": 1,
            },
            "Additional properties are not allowed ('id' was unexpected)",
        ),
        (
            {"client": "tbnk", "service": "population", "method": "person", "fields": "age"},
            "'age' is not of type 'array'",
        ),
        (
            {"client": "t" * 65, "service": "population", "method": "person", "fields": []},
            "is too long",
        ),
    ],
)
def test_check_refuses_with_jsonschemas_message(payload, message):
    # given: payloads of exchange.right_granted the schema refuses
    # when / then: check() raises jsonschema's error, naming what is wrong
    with pytest.raises(
        jsonschema.ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        schemas.check("exchange.right_granted", payload)


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_check_accepts_a_float_holding_an_integer_as_jsonschema_does(data):
    # given: a payload the fast path cannot judge (2025.0 for an integer)
    action = "indicator.target_set"
    schema = schemas._SCHEMAS[action]
    integer = next(n for n, p in schema["properties"].items() if p.get("type") == "integer")
    payload = data.draw(valid(schema))
    payload[integer] = float(payload[integer])
    # then: the fast path says no, jsonschema says yes, and check() follows jsonschema
    assert not schemas._FAST[action](payload)
    assert jsonschema_accepts(action, payload)
    schemas.check(action, payload)
