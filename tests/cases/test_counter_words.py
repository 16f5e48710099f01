"""What the counter officer and the deciding officer are told about the applicant: the
counter officer gives the reference number to the person in front of them; an officer
deciding for someone who cannot read messages online is told to hand the decision over."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from goodgov.accounts.services import user_register
from goodgov.cases import services
from goodgov.cases.models import Case
from tests.cases.conftest import ANSWERS
from tests.conftest import ID_B

pytestmark = pytest.mark.django_db

OFFLINE = "The applicant has no email address and cannot sign in, so they will not see this online"


def en(name: str, case: Case) -> str:
    with translation.override("en"):
        return reverse(name, kwargs={"case_id": case.uuid})


@pytest.fixture
def offline_person() -> Any:
    """Registered at the counter with a name only: no email, no phone, no password."""
    return user_register(
        full_name="นายมานะ ไม่มีมือถือ", national_id=ID_B, channel="counter", contact_required=False
    )


def counter_draft(counter_officer: Any, person: Any, service_version: Any) -> Case:
    case = services.case_start(
        actor=counter_officer, applicant=person, service=service_version.service
    )
    return services.case_save_draft(actor=counter_officer, case=case, answers=dict(ANSWERS))


def test_the_counter_officer_is_asked_to_give_the_reference_to_the_applicant(
    as_user, counter_officer, offline_person, service_version
):
    # given
    case = counter_draft(counter_officer, offline_person, service_version)
    client = as_user(counter_officer)
    # when
    submitted = client.post(en("cases:review", case), {"declaration": "on"}, follow=True)
    # then: not "your reference number", said to the officer
    html = submitted.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted"
    assert f"Give them its reference number: {case.reference}" in html
    assert "Your reference number" not in html


@pytest.mark.parametrize("step", ["approve", "reject"])
def test_deciding_for_someone_offline_says_to_hand_over_the_decision(
    as_user, counter_officer, approver, clerk, offline_person, service_version, step
):
    # given: a counter-filed case of a person with no email and no password, in review
    case = counter_draft(counter_officer, offline_person, service_version)
    case = services.case_submit(actor=counter_officer, case=case, declaration=True)
    services.case_claim(actor=clerk, case=case)
    data = {"conditions": ""} if step == "approve" else {"reasons": "ไม่ครบ", "legal_ground": "0"}
    # when
    page = as_user(approver).post(en(f"office:{step}", case), data, follow=True)
    # then
    assert OFFLINE in page.content.decode()


def test_deciding_for_someone_with_an_email_address_says_nothing_more(
    as_user, approver, clerk, submitted
):
    # given
    services.case_claim(actor=clerk, case=submitted)
    # when
    page = as_user(approver).post(en("office:approve", submitted), {"conditions": ""}, follow=True)
    # then
    html = page.content.decode()
    assert "The application is approved" in html and OFFLINE not in html
