"""person.viewed: an officer opening a person's record shows on that person's /me/data/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from goodgov.exchange import services
from goodgov.exchange.models import RecordView
from goodgov.ledger import schemas
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


def test_an_officer_opening_a_case_records_person_viewed(
    citizen_a: Any, clerk: Any, service_version: Any, as_user: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)

    # when
    response = as_user(clerk).get(f"/en/office/cases/{case.uuid}/")

    # then
    assert response.status_code == 200
    event = Event.objects.get(action="person.viewed")
    assert event.public == {
        "agency": "TBNK",
        "officer": commitment(clerk),
        "person": commitment(citizen_a),
        "reference": case.reference,
    }
    schemas.check("person.viewed", event.public)
    assert event.actor == clerk
    assert (event.subject_type, event.subject_id) == ("cases.case", str(case.pk))
    view = RecordView.objects.get()
    assert (view.person, view.officer, view.case, view.agency.code) == (
        citizen_a,
        clerk,
        case,
        "TBNK",
    )
    assert view.officer_roles == ["officer"]


def test_the_person_sees_who_opened_their_record_and_why(
    citizen_a: Any, clerk: Any, service_version: Any, as_user: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)
    as_user(clerk).get(f"/en/office/cases/{case.uuid}/")

    # when
    page = as_user(citizen_a).get("/en/me/data/").content.decode()

    # then
    assert "Officers who opened your record" in page
    assert "Ban Na Subdistrict Municipality" in page
    assert "Case officer" in page
    assert "Case processing" in page
    assert case.reference in page
    assert "PDPA section 24(4)" in page
    assert "Public Health Act B.E. 2535 (1992), Section 38" in page


def test_another_person_does_not_see_the_view(
    citizen_a: Any, citizen_b: Any, clerk: Any, service_version: Any, as_user: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)
    as_user(clerk).get(f"/en/office/cases/{case.uuid}/")

    # when
    page = as_user(citizen_b).get("/en/me/data/").content.decode()

    # then
    assert case.reference not in page
    assert "No officer has opened your record yet." in page


def test_an_officer_of_another_agency_gets_404_and_nothing_is_recorded(
    citizen_a: Any, foreign_officer: Any, service_version: Any, as_user: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)

    # when
    response = as_user(foreign_officer).get(f"/en/office/cases/{case.uuid}/")

    # then
    assert response.status_code == 404
    assert not Event.objects.filter(action="person.viewed").exists()
    assert not RecordView.objects.exists()


def test_views_within_the_window_count_once_and_after_it_again(
    citizen_a: Any, clerk: Any, approver: Any, service_version: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)
    first = services.person_view_record(actor=clerk, case=case)

    # when
    again = services.person_view_record(actor=clerk, case=case)
    other_officer = services.person_view_record(actor=approver, case=case)
    RecordView.objects.filter(pk=first.pk).update(
        viewed_at=timezone.now() - services.VIEW_WINDOW - dt.timedelta(seconds=1)
    )
    later = services.person_view_record(actor=clerk, case=case)

    # then
    assert first is not None
    assert again is None
    assert other_officer is not None
    assert other_officer.officer_roles == ["approver", "officer"]
    assert later is not None
    assert Event.objects.filter(action="person.viewed").count() == 3


def test_the_applicant_is_not_recorded_viewing_their_own_case(
    citizen_a: Any, service_version: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)

    # when
    recorded = services.person_view_record(actor=citizen_a, case=case)

    # then
    assert recorded is None
    assert not Event.objects.filter(action="person.viewed").exists()
