"""Each service form's compiled check (``ServiceVersion.answers_accepted``) against
jsonschema itself: it must never accept answers the form's schema refuses, or a citizen's
bad answer would be filed; and it should accept valid answers, or every submission pays
for jsonschema."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodgov.catalogue.models import ServiceVersion
from tests.schema_strategies import near, valid

SERVICES = sorted((Path(__file__).resolve().parents[2] / "services").glob("*.yaml"))
CASES = [(path.stem, complete) for path in SERVICES for complete in (True, False)]


@functools.cache  # read each file once, not on every example
def _version(stem: str) -> ServiceVersion:
    definition = yaml.safe_load((SERVICES[0].parent / f"{stem}.yaml").read_text())
    return ServiceVersion(definition=definition, digest=f"test-fast-answers-{stem}")


def _schema(stem: str, complete: bool) -> dict[str, Any]:
    schema = dict(_version(stem).definition["form"]["schema"])
    if not complete:
        schema.pop("required", None)
    return schema


def test_every_service_form_is_compiled():
    assert len(SERVICES) >= 4
    assert [
        (stem, complete)
        for stem, complete in CASES
        if _version(stem)._answers_checks(complete)[1] is None
    ] == []


@pytest.mark.parametrize(("stem", "complete"), CASES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_answers_are_accepted_without_jsonschema(stem, complete, data):
    version = _version(stem)
    answers = data.draw(valid(_schema(stem, complete)))
    assert version.answers_validator(complete=complete).is_valid(answers)
    assert version.answers_accepted(answers, complete=complete)


@pytest.mark.parametrize(("stem", "complete"), CASES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_fast_check_never_accepts_what_jsonschema_refuses(stem, complete, data):
    version = _version(stem)
    answers = data.draw(near(_schema(stem, complete)))
    if version.answers_accepted(answers, complete=complete):
        assert version.answers_validator(complete=complete).is_valid(answers), answers
