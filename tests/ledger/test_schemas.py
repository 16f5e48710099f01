"""The compiled fast path of ``ledger.schemas.check`` against jsonschema itself.

Every event's public payload is checked before it is recorded. The fast path may refuse a
payload jsonschema accepts (then jsonschema decides), but must never accept one it refuses:
that would let a payload outside its declared schema (personal data, say) into the public log.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodgov.ledger import schemas
from tests.schema_strategies import near, valid

ACTIONS = sorted(schemas._SCHEMAS)


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
    payload = data.draw(near(schemas._SCHEMAS[action]))
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
