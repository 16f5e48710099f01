"""Erasing a person deletes their salt: the log stays verifiable and byte for byte the same,
but nobody without the salt (the node included) can link its entries to the person."""

from __future__ import annotations

import hashlib
import json

import pytest

from goodgov.accounts.models import User
from goodgov.ledger import sequencer, services, tiles
from goodgov.ledger.models import Event, PersonSalt
from goodgov.ledger.verify import verify_log
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


def receipt_check(salt: str, user_pk: int, commitment: str) -> bool:
    """What a receipt lets its holder check: that a commitment in the log is theirs."""
    return hashlib.sha256(f"{salt}:{user_pk}".encode()).hexdigest() == commitment


def published_entries() -> list[bytes]:
    entries: list[bytes] = []
    for bundle in range(-(-Event.objects.count() // tiles.TILE_WIDTH)):
        width = min(tiles.TILE_WIDTH, Event.objects.count() - bundle * tiles.TILE_WIDTH)
        entries += tiles.parse_entry_bundle(sequencer.fetch_tile(tiles.ENTRIES, bundle, width))
    return entries


@pytest.fixture
def erased(citizen_a, citizen_b, service_version):
    """citizen_a's case in the log, then citizen_a erased (by themselves) and sequenced."""
    submitted_case(citizen_a, service_version)
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all()
    salt = PersonSalt.objects.get(user=citizen_a).salt
    before = published_entries()
    started = Event.objects.get(action="case.started", actor=citizen_a)
    deleted = services.person_salt_erase(actor=citizen_a, user=citizen_a)
    sequencer.sequence_all()
    return {
        "salt": salt,
        "before": before,
        "commitment": started.public["applicant"],
        "deleted": deleted,
    }


def test_the_node_can_link_a_commitment_to_a_person_before_erasure(citizen_a, service_version):
    # given
    submitted_case(citizen_a, service_version)
    # when
    salt = PersonSalt.objects.get(user=citizen_a).salt
    started = Event.objects.get(action="case.started")
    # then
    assert receipt_check(salt, citizen_a.pk, started.public["applicant"])


def test_after_erasure_the_log_still_verifies(erased):
    assert erased["deleted"] == 1
    assert verify_log() == Event.objects.count()


def test_after_erasure_the_published_entries_are_byte_for_byte_the_same(erased):
    # when
    after = published_entries()
    # then: the old entries unchanged, and one more: the erasure, which names nobody
    assert after[: len(erased["before"])] == erased["before"]
    assert len(after) == len(erased["before"]) + 1
    erasure = json.loads(after[-1])
    assert erasure["action"] == "person.salt_erased"
    assert erasure["data"] == {} and erasure["agency"] is None
    assert erased["commitment"].encode() not in after[-1]


def test_after_erasure_the_node_holds_no_salt_that_links_the_person(erased, citizen_a):
    # then: the person's salt is gone, and no salt the node holds opens the commitment
    assert not PersonSalt.objects.filter(user=citizen_a).exists()
    assert PersonSalt.objects.exists()  # other people keep theirs
    assert not any(
        receipt_check(salt, citizen_a.pk, erased["commitment"])
        for salt in PersonSalt.objects.values_list("salt", flat=True)
    )
    # but the person, holding the salt from a receipt, still can
    assert receipt_check(erased["salt"], citizen_a.pk, erased["commitment"])
    assert erased["commitment"].encode() in b"".join(published_entries())


def test_a_new_commitment_after_erasure_differs_from_the_old(erased, citizen_a, service_version):
    # when: the same person is committed to again, on the instance used before and afresh
    again = services.commitment(citizen_a)
    fresh = services.commitment(User.objects.get(pk=citizen_a.pk))
    submitted_case(citizen_a, service_version)
    # then: a new salt, so a commitment unlinkable to the old one
    new_salt = PersonSalt.objects.get(user=citizen_a).salt
    assert new_salt != erased["salt"]
    assert again == fresh != erased["commitment"]
    latest = Event.objects.filter(action="case.started").latest("id")
    assert latest.public["applicant"] == again
    assert receipt_check(new_salt, citizen_a.pk, again)


def test_erasing_a_person_without_a_salt_records_nothing(erased, citizen_a):
    # given: already erased
    count = Event.objects.count()
    # when
    deleted = services.person_salt_erase(actor=None, user=citizen_a)
    # then
    assert deleted == 0
    assert Event.objects.count() == count
