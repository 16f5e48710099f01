"""Correction and erasure requests are cases with the 30-day clock; an approved erasure
erases the person, and the public log still verifies but no longer points at them."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from goodgov.accounts.models import User
from goodgov.cases import selectors as case_selectors
from goodgov.cases import services as cases
from goodgov.core import national_id
from goodgov.exchange import erasure
from goodgov.exchange import services as exchange
from goodgov.exchange.models import Consent
from goodgov.exchange.models import PersonSalt as RegistrySalt
from goodgov.ledger import schemas, sequencer
from goodgov.ledger.models import Event, PersonSalt
from goodgov.ledger.services import commitment
from goodgov.ledger.verify import verify_log
from tests.cases.conftest import submitted_case
from tests.conftest import ID_A

pytestmark = pytest.mark.django_db


def file_request(applicant: Any, version: Any, answers: dict[str, Any]) -> Any:
    case = cases.case_start(actor=applicant, applicant=applicant, service=version.service)
    cases.case_save_draft(actor=applicant, case=case, answers=answers)
    return cases.case_submit(actor=applicant, case=case, declaration=True)


def test_a_correction_request_is_a_case_with_the_30_day_clock_in_the_queue(
    citizen_a: Any, clerk: Any, correction_service: Any
) -> None:
    # when
    case = file_request(
        citizen_a,
        correction_service,
        {"where": "account", "wrong": "My name is misspelt", "correct": "Somchai"},
    )

    # then
    assert correction_service.definition["deadline_days"] == 30
    assert case.due_at == case.submitted_at + dt.timedelta(days=30)
    assert case in case_selectors.queue(clerk)


def test_another_citizen_and_another_agencys_officer_cannot_open_the_request(
    citizen_a: Any, citizen_b: Any, foreign_officer: Any, erasure_service: Any, as_user: Any
) -> None:
    # given
    case = file_request(citizen_a, erasure_service, {"ground": "objected", "confirm": True})

    # when
    by_citizen = as_user(citizen_b).get(f"/en/cases/{case.uuid}/")
    by_officer = as_user(foreign_officer).get(f"/en/office/cases/{case.uuid}/")

    # then
    assert by_citizen.status_code == 404
    assert by_officer.status_code == 404


def test_an_approved_erasure_erases_the_person_and_the_log_still_verifies(
    citizen_a: Any,
    citizen_b: Any,
    clerk: Any,
    approver: Any,
    erasure_service: Any,
    service_version: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: the person has a case and a consent; the log is published
    submitted_case(citizen_a, service_version)
    submitted_case(citizen_b, service_version)
    person_hash = national_id.lookup_hash(ID_A)
    consent = exchange.consent_give(
        actor=citizen_a,
        person_hash=person_hash,
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    old = commitment(citizen_a)
    b_commitment = commitment(citizen_b)
    case = file_request(citizen_a, erasure_service, {"ground": "not_needed", "confirm": True})
    cases.case_claim(actor=clerk, case=case)
    sequencer.sequence_all()
    published = sum(1 for e in Event.objects.all() if old in e.public.values())
    assert published > 0
    mail.outbox.clear()

    # when: an approver approves the erasure request (case_approve runs the erasure)
    with django_capture_on_commit_callbacks(execute=True):
        case = cases.case_approve(actor=approver, case=case)
    sequencer.sequence_all()

    # then: the account's personal fields are gone and it cannot sign in
    person = User.objects.get(pk=citizen_a.pk)
    assert (person.full_name, person.email, person.phone) == ("", None, None)
    assert (person.national_id_hash, person.national_id_encrypted) == (None, "")
    assert not person.is_active
    assert not person.has_usable_password()
    # the salts are gone: no salt left here reproduces the old commitment
    assert not PersonSalt.objects.filter(user=person).exists()
    assert all(
        hashlib.sha256(f"{row.salt}:{row.user_id}".encode()).hexdigest() != old
        for row in PersonSalt.objects.all()
    )
    assert commitment(person) != old
    assert exchange.person_commitment(person_hash) != old
    # someone else's commitment is untouched
    assert commitment(User.objects.get(pk=citizen_b.pk)) == b_commitment
    # consents end
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    # the erasure is public, without anything of the person
    event = Event.objects.get(action="person.erased")
    assert event.public == {"agency": "TBNK", "reference": case.reference}
    schemas.check("person.erased", event.public)
    assert Event.objects.filter(action="person.salt_erased").count() == 1
    # the log still verifies, byte for byte, old commitments included
    assert verify_log() == Event.objects.count()
    # one more entry holds the old commitment: the approval, recorded before the salt went
    assert sum(1 for e in Event.objects.all() if old in e.public.values()) == published + 1
    # the person was told once, at the address that is now erased (the approval's own
    # message finds no address left)
    with translation.override("th"):  # the person's language
        subject = str(erasure.ERASED_SUBJECT)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["somchai@example.test"], subject)]


def test_the_registry_salt_of_a_person_without_an_account_here_is_deleted(
    citizen_a: Any, approver: Any
) -> None:
    # given: the exchange committed to the national ID with a salt of its own
    person_hash = national_id.lookup_hash(ID_A)
    RegistrySalt.objects.create(person_hash=person_hash, salt="ab" * 32)

    # when
    erasure.person_erase(actor=approver, person=citizen_a, reference="TBNK-2569-000001")

    # then
    assert not RegistrySalt.objects.filter(person_hash=person_hash).exists()


def test_erasing_twice_records_twice_but_changes_nothing_more(
    citizen_a: Any, approver: Any
) -> None:
    # given
    commitment(citizen_a)
    erasure.person_erase(actor=approver, person=citizen_a)

    # when
    erasure.person_erase(actor=approver, person=citizen_a)

    # then
    assert Event.objects.filter(action="person.salt_erased").count() == 1
    assert Event.objects.filter(action="person.erased").count() == 2
    assert User.objects.get(pk=citizen_a.pk).email is None


def test_approving_another_service_erases_nobody(
    citizen_a: Any, clerk: Any, approver: Any, service_version: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)
    cases.case_claim(actor=clerk, case=case)
    case = cases.case_approve(actor=approver, case=case)

    # when
    result = erasure.on_case_approved(actor=approver, case=case)

    # then
    assert result is None
    assert User.objects.get(pk=citizen_a.pk).email == "somchai@example.test"
    assert not Consent.objects.exists()
    assert not Event.objects.filter(action="person.erased").exists()
