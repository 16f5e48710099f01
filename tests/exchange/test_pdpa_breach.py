"""The breach register and its 72-hour clock (PDPA section 37(4))."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodgov.exchange import breach
from goodgov.exchange.models import Breach
from goodgov.ledger import schemas
from goodgov.ledger.models import Event
from tests.exchange.conftest import dpo_urlpatterns

urlpatterns = dpo_urlpatterns()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

BANGKOK = dt.timezone(dt.timedelta(hours=7))
FOUND = dt.datetime(2026, 3, 2, 9, 15, tzinfo=BANGKOK)


def moment(name: str, day: str, month: str, year: str, hour: str, minute: str) -> dict[str, str]:
    """The inputs of a date and time field as the form posts them (``MomentInput``)."""
    parts = {"0_0": day, "0_1": month, "0_2": year, "1_0": hour, "1_1": minute}
    return {f"{name}_{part}": value for part, value in parts.items()}


def record(agency: Any, actor: Any = None, **extra: Any) -> Breach:
    facts = {
        "discovered_at": FOUND,
        "description": "A list of 40 applicants' phone numbers was emailed to a wrong address.",
        "affected_count": 40,
        "risk": "risk",
        **extra,
    }
    return breach.breach_record(actor=actor, agency=agency, **facts)


def test_the_office_is_due_exactly_72_hours_after_the_agency_found_out(agency: Any) -> None:
    # given
    found = record(agency)

    # when
    due = breach.due_at(found)

    # then
    assert due == dt.datetime(2026, 3, 5, 9, 15, tzinfo=BANGKOK)


def test_the_clock_runs_out_at_the_72nd_hour_and_not_a_second_before(agency: Any) -> None:
    # given
    found = record(agency)
    due = FOUND + dt.timedelta(hours=72)

    # when
    at_due = breach.clock(found, now=due)
    just_after = breach.clock(found, now=due + dt.timedelta(seconds=1))
    hour_and_a_half_before = breach.clock(found, now=due - dt.timedelta(minutes=90))

    # then
    assert (at_due.overdue, at_due.late) == (False, False)
    assert (just_after.overdue, just_after.late) == (True, True)
    assert hour_and_a_half_before.hours_left == 1
    assert hour_and_a_half_before.remaining == dt.timedelta(minutes=90)


def test_a_breach_unlikely_to_harm_anyone_is_never_overdue(agency: Any) -> None:
    found = record(agency, risk="unlikely")
    clock = breach.clock(found, now=FOUND + dt.timedelta(days=10))
    assert (clock.required, clock.overdue) == (False, False)


def test_telling_the_office_after_72_hours_is_recorded_as_late(
    agency: Any, agency_admin: Any
) -> None:
    # given
    found = record(agency, agency_admin)
    told = FOUND + dt.timedelta(hours=72, minutes=1)

    # when
    breach.breach_notify(actor=agency_admin, breach=found, whom="office", at=told)

    # then
    found.refresh_from_db()
    assert found.notified_office_at == told
    clock = breach.clock(found, now=told + dt.timedelta(days=1))
    assert (clock.notified, clock.late, clock.overdue) == (True, True, False)
    event = Event.objects.get(action="breach.notified")
    assert event.public == {
        "agency": "TBNK",
        "breach": str(found.uuid),
        "whom": "office",
        "at": told.isoformat(),
        "late": True,
    }


def test_the_ledger_gets_the_facts_and_never_the_description(
    agency: Any, agency_admin: Any
) -> None:
    # when
    found = record(agency, agency_admin)

    # then
    event = Event.objects.get(action="breach.recorded")
    assert event.public == {
        "agency": "TBNK",
        "breach": str(found.uuid),
        "risk": "risk",
        "affected": 40,
        "discovered_at": FOUND.isoformat(),
        "due": (FOUND + dt.timedelta(hours=72)).isoformat(),
    }
    schemas.check("breach.recorded", event.public)
    assert event.private == {"description": found.description}
    assert event.actor == agency_admin


def test_a_notification_before_the_discovery_or_twice_is_refused(
    agency: Any, agency_admin: Any
) -> None:
    # given
    found = record(agency)

    # when / then
    with pytest.raises(ValidationError):
        breach.breach_notify(
            actor=agency_admin, breach=found, whom="people", at=FOUND - dt.timedelta(minutes=1)
        )
    breach.breach_notify(actor=agency_admin, breach=found, whom="people", at=FOUND)
    with pytest.raises(ValidationError):
        breach.breach_notify(actor=agency_admin, breach=found, whom="people")
    assert Event.objects.filter(action="breach.notified").count() == 1


def test_the_admin_records_a_breach_through_the_form(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # when
    response = as_user(agency_admin).post(
        "/en/dpo/TBNK/breaches/new/",
        {
            **moment("discovered_at", "2", "3", "2026", "09", "15"),
            "description": "Wrong address",
            "affected_count": "40",
            "risk": "high",
        },
    )

    # then
    found = Breach.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/dpo/TBNK/breaches/{found.uuid}/"
    assert found.discovered_at == FOUND  # typed in Thai time
    assert (found.risk, found.affected_count, found.agency) == ("high", 40, agency)


def test_a_bad_form_keeps_what_was_typed_and_links_the_errors(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # when
    response = as_user(agency_admin).post(
        "/en/dpo/TBNK/breaches/new/",
        {
            **moment("discovered_at", "1", "1", "2099", "00", "00"),
            "description": "Kept text",
            "affected_count": "",
        },
    )

    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kept text" in page
    assert 'name="discovered_at_0_2" value="2099"' in page
    assert 'href="#id_affected_count"' in page
    assert 'href="#id_risk_0"' in page
    assert not Breach.objects.exists()


def test_a_future_discovery_is_refused_by_the_service(agency: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        record(agency, discovered_at=timezone.now() + dt.timedelta(hours=1))
    assert "discovered_at" in raised.value.message_dict


def test_the_register_highlights_an_overdue_breach(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # given: found out four days ago, nobody told
    record(agency, discovered_at=timezone.now() - dt.timedelta(days=4))
    record(agency, discovered_at=timezone.now() - dt.timedelta(hours=1))

    # when
    page = as_user(agency_admin).get("/en/dpo/TBNK/breaches/").content.decode()

    # then
    assert page.count('data-testid="overdue"') == 1
    assert "Overdue: the Office has not been told" in page
    assert "70 hours left to tell the Office" in page


def test_the_admin_records_the_notification_on_the_breach_page(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # given
    found = record(agency)
    browser = as_user(agency_admin)

    # when
    response = browser.post(f"/en/dpo/TBNK/breaches/{found.uuid}/", {"whom": "office"})

    # then
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.notified_office_at is not None
    assert (
        "Office told late" in browser.get(f"/en/dpo/TBNK/breaches/{found.uuid}/").content.decode()
    )


@pytest.mark.parametrize("who", ["citizen_a", "clerk", "approver", "foreign_officer"])
def test_nobody_but_the_agencys_admins_sees_or_records_breaches(
    request: Any, agency: Any, as_user: Any, who: str
) -> None:
    # given
    found = record(agency)
    browser = as_user(request.getfixturevalue(who))

    # when
    responses = [
        browser.get("/en/dpo/TBNK/breaches/"),
        browser.get(f"/en/dpo/TBNK/breaches/{found.uuid}/"),
        browser.post(f"/en/dpo/TBNK/breaches/{found.uuid}/", {"whom": "office"}),
        browser.post(
            "/en/dpo/TBNK/breaches/new/",
            {
                **moment("discovered_at", "2", "3", "2026", "09", "15"),
                "description": "x",
                "affected_count": "1",
                "risk": "risk",
            },
        ),
    ]

    # then
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    found.refresh_from_db()
    assert found.notified_office_at is None
    assert Breach.objects.count() == 1


def test_another_agencys_breach_is_not_found_by_its_admin_elsewhere(
    agency: Any, other_agency: Any, foreign_officer: Any, as_user: Any
) -> None:
    # given: a DEPT admin, and a TBNK breach
    found = record(agency)

    # when: asking for it under their own agency
    response = as_user(foreign_officer).get(f"/en/dpo/DEPT/breaches/{found.uuid}/")

    # then
    assert response.status_code == 404
