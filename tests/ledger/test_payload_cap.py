"""A public payload the log could not publish is refused when it is recorded, before
anything is written: too large for an entry bundle, or not canonical JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction

from goodgov import ledger
from goodgov.ledger import schemas, sequencer, tiles
from goodgov.ledger.canonical import canonical_json
from goodgov.ledger.models import Event
from goodgov.ledger.verify import verify_log

pytestmark = pytest.mark.django_db

schemas.declare("test.noted", {"text": {"type": "string"}}, required=[])
schemas.declare("test.counted", {"n": {"type": "number"}}, required=[])
WRAPPER = len(b'{"text":""}')


def record(agency: Any, action: str, public: dict[str, Any]) -> Event:
    with transaction.atomic():
        return ledger.record(
            actor=None, action=action, subject=agency, agency=agency, public=public
        )


def test_the_cap_leaves_room_for_the_entry_in_a_bundle():
    # An entry adds its action (64 characters at most), agency code and time to the payload.
    assert schemas.MAX_PUBLIC_BYTES + 1024 < tiles.MAX_ENTRY_SIZE


def test_a_payload_of_exactly_the_cap_is_recorded_and_published(agency):
    # given: Thai text, three bytes a character, up to the last byte
    thai = "ก" * ((schemas.MAX_PUBLIC_BYTES - WRAPPER) // 3)
    public = {"text": thai + "x" * (schemas.MAX_PUBLIC_BYTES - WRAPPER - len(thai) * 3)}
    assert len(canonical_json(public)) == schemas.MAX_PUBLIC_BYTES
    # when
    event = record(agency, "test.noted", public)
    sequencer.sequence_all()
    # then
    event.refresh_from_db()
    assert event.leaf_index is not None
    assert len(sequencer.entry_bytes(event)) < tiles.MAX_ENTRY_SIZE
    assert verify_log() == Event.objects.count()


def test_one_byte_over_the_cap_is_refused_before_anything_is_written(agency):
    # given
    before = Event.objects.count()
    public = {"text": "x" * (schemas.MAX_PUBLIC_BYTES - WRAPPER + 1)}
    # when
    with pytest.raises(schemas.PublicPayloadError) as refused:
        record(agency, "test.noted", public)
    # then
    assert str(refused.value) == (
        "the public payload of test.noted takes 16,385 bytes as canonical JSON; the most is 16,384"
    )
    assert Event.objects.count() == before


def test_escaping_counts_towards_the_cap(agency):
    # given: control characters take six bytes each as canonical JSON
    public = {"text": "\x01" * (schemas.MAX_PUBLIC_BYTES // 6)}
    # when / then
    with pytest.raises(schemas.PublicPayloadError, match="takes 16,3"):
        record(agency, "test.noted", public)


def test_a_refused_payload_rolls_back_the_service_that_recorded_it(
    citizen_a, service_version, monkeypatch
):
    # given: a cap lowered below the service's payload (every declared schema keeps its
    # payloads far below the real one)
    from goodgov.cases import services

    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    before = Event.objects.count()
    monkeypatch.setattr(schemas, "MAX_PUBLIC_BYTES", 50)
    # when
    with pytest.raises(schemas.PublicPayloadError, match="the most is 50"):
        services.case_save_draft(actor=citizen_a, case=case, answers={"shop_name": "ร้าน"})
    # then: neither the event nor the change it records was kept
    case.refresh_from_db()
    assert case.data == {}
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "is not canonical JSON: nan is not a JSON number"),
        (float("inf"), "is not canonical JSON: inf is not a JSON number"),
        (2**53, "is not canonical JSON: 9007199254740992 is beyond the integers"),
        (2.0**53, "holds a number beyond ±(2**53 - 1): write it as a string"),
        (-1e300, "holds a number beyond ±(2**53 - 1): write it as a string"),
    ],
)
def test_numbers_the_log_cannot_publish_are_refused(agency, value, problem):
    with pytest.raises(schemas.PublicPayloadError, match=re.escape(problem)):
        record(agency, "test.counted", {"n": value})
    assert not Event.objects.filter(action="test.counted").exists()


def test_safe_numbers_are_recorded(agency):
    for value in (2**53 - 1, -(2**53 - 1), 0.5, 1e-7, 2.0**52):
        record(agency, "test.counted", {"n": value})
    sequencer.sequence_all()
    assert verify_log() == Event.objects.count()


@pytest.mark.parametrize(
    ("public", "problem"),
    [
        ({"text": "a\x00b"}, "holds a NUL character, which PostgreSQL's jsonb cannot store"),
        ({"text": "\ud800"}, "is not canonical JSON: a JSON string holds a lone surrogate"),
    ],
)
def test_text_the_log_cannot_publish_is_refused(agency, public, problem):
    with pytest.raises(schemas.PublicPayloadError, match=re.escape(problem)):
        record(agency, "test.noted", public)
