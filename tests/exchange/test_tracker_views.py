"""person.viewed: an officer opening a person's record shows on that person's /me/data/."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone, translation

from goodgov.exchange import remote_uses, selectors, services
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


# A look-up at the counter (no case): person_lookup_record.


def test_a_look_up_is_recorded_once_per_officer_and_person_in_the_window(
    agency: Any, citizen_a: Any, counter_officer: Any, clerk: Any, service_version: Any
) -> None:
    # given: the officer also opened one of the person's cases, which is another record
    case = submitted_case(citizen_a, service_version)
    services.person_view_record(actor=clerk, case=case)
    first = services.person_lookup_record(actor=counter_officer, person=citizen_a, agency=agency)

    # when
    again = services.person_lookup_record(actor=counter_officer, person=citizen_a, agency=agency)
    by_clerk = services.person_lookup_record(actor=clerk, person=citizen_a, agency=agency)
    RecordView.objects.filter(pk=first.pk).update(
        viewed_at=timezone.now() - services.VIEW_WINDOW - dt.timedelta(seconds=1)
    )
    later = services.person_lookup_record(actor=counter_officer, person=citizen_a, agency=agency)

    # then: the clerk's case view does not hide their look-up, nor the look-up a case view
    assert first is not None and first.case is None
    assert first.purpose == services.LOOKUP_PURPOSE == "counter-lookup"
    assert again is None
    assert by_clerk is not None and by_clerk.officer_roles == ["officer"]
    assert later is not None
    assert services.person_view_record(actor=clerk, case=case) is None  # still in its window
    events = Event.objects.filter(action="person.viewed").order_by("id")
    assert [e.public["reference"] for e in events] == [case.reference, "", "", ""]
    lookup = events[1]
    assert (lookup.subject_type, lookup.subject_id) == ("accounts.user", str(citizen_a.pk))
    assert lookup.private is None


def test_an_officer_looking_themself_up_is_not_recorded(agency: Any, counter_officer: Any) -> None:
    # when
    recorded = services.person_lookup_record(
        actor=counter_officer, person=counter_officer, agency=agency
    )

    # then
    assert recorded is None
    assert not Event.objects.filter(action="person.viewed").exists()
    assert not RecordView.objects.exists()


def test_the_tracker_lists_a_look_up_beside_case_views_unchanged(
    agency: Any,
    citizen_a: Any,
    clerk: Any,
    counter_officer: Any,
    service_version: Any,
    as_user: Any,
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)
    services.person_view_record(actor=clerk, case=case)
    services.person_lookup_record(actor=counter_officer, person=citizen_a, agency=agency)

    # when
    with translation.override("en"):
        views = selectors.views_of_person(citizen_a)
    page = as_user(citizen_a).get("/en/me/data/").content.decode()

    # then: newest first; the case view as before, the look-up with no service or reference
    assert [(v.officer_role, v.service, v.reference, v.purpose) for v in views] == [
        ("Counter officer (files on behalf of people)", "", "", "Looked you up at the counter"),
        ("Case officer", "Test permit", case.reference, "Case processing"),
    ]
    assert views[0].legal_basis == (
        "PDPA section 24(4): a task in the public interest or official authority"
    )
    assert views[1].legal_basis == (
        "PDPA section 24(4): a task in the public interest or official authority; "
        "Public Health Act B.E. 2535 (1992), Section 38"
    )
    assert views[0].agency == views[1].agency == "Ban Na Subdistrict Municipality"
    assert page.count('<span class="govuk-visually-hidden">no application</span>') == 1
    assert "Looked you up at the counter" in page
    assert f'<span class="govuk-body-s">{case.reference}</span>' in page


def test_a_look_up_travels_to_other_nodes_trackers_without_a_case(
    agency: Any, citizen_a: Any, counter_officer: Any
) -> None:
    # given
    services.person_lookup_record(actor=counter_officer, person=citizen_a, agency=agency)

    # when: this node's record, as another node reads it
    record = selectors.uses_record(citizen_a.national_id_hash)
    with translation.override("en"):
        _uses, views = remote_uses.read_answer(
            json.loads(json.dumps(record)), node="tbnk", agency="Ban Na"
        )

    # then
    (row,) = record["views"]
    assert {k: row[k] for k in ("service", "reference", "purpose", "legal_basis", "laws")} == {
        "service": {},
        "reference": "",
        "purpose": "counter-lookup",
        "legal_basis": "pdpa-24-4",
        "laws": [],
    }
    assert row["officer_roles"] == ["counter"]
    assert [(v.service, v.reference, v.purpose, v.recorded_by) for v in views] == [
        ("", "", "Looked you up at the counter", ("Ban Na",))
    ]
    assert views[0].legal_basis == (
        "PDPA section 24(4): a task in the public interest or official authority"
    )


def test_the_export_lists_a_look_up_without_a_case(
    agency: Any, citizen_a: Any, counter_officer: Any, as_user: Any
) -> None:
    # given
    services.person_lookup_record(actor=counter_officer, person=citizen_a, agency=agency)

    # when
    data = json.loads(as_user(citizen_a).get("/en/me/data/export/my-data.json").content)
    pdf = as_user(citizen_a).get("/me/data/export/my-data.pdf")

    # then
    assert data["record_views"] == [
        {
            "at": data["record_views"][0]["at"],
            "agency": "Ban Na Subdistrict Municipality",
            "officer_role": "Counter officer (files on behalf of people)",
            "case": "",
            "purpose": "Looked you up at the counter",
            "legal_basis": "PDPA section 24(4): a task in the public interest or official "
            "authority",
        }
    ]
    assert [e["action"] for e in data["events"]].count("person.viewed") == 1
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
