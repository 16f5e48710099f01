"""Dates and times on the breach register are typed as everywhere else on the platform:
day, month and year (Buddhist era on Thai pages), then hour and minute, Thai time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone, translation

from goodgov.exchange import breach
from goodgov.exchange.models import Breach
from tests.exchange.conftest import dpo_urlpatterns
from tests.exchange.test_pdpa_breach import moment

urlpatterns = dpo_urlpatterns()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

BANGKOK = ZoneInfo("Asia/Bangkok")
FACTS = {
    "description": "A list of 40 applicants' phone numbers was emailed to a wrong address.",
    "affected_count": "40",
    "risk": "high",
}


def record(agency: Any, found: dt.datetime) -> Breach:
    return breach.breach_record(
        actor=None,
        agency=agency,
        discovered_at=found,
        description=FACTS["description"],
        affected_count=40,
        risk="high",
    )


def inputs(page: str, name: str) -> dict[str, tuple[str, bool]]:
    """Each input of a date and time field: its value and whether it is marked in error."""
    found = {}
    for tag in re.findall(rf'<input type="text" name="{name}_[01]_[0-9]"[^>]*>', page):
        part = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        assert part is not None
        found[part.group(1)] = (value.group(1) if value else "", "govuk-input--error" in tag)
    return found


def test_a_thai_dpo_types_the_buddhist_era_and_the_same_instant_is_stored(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # when: 31/3/2569 14:30 typed on the Thai page
    response = as_user(agency_admin).post(
        "/dpo/TBNK/breaches/new/",
        {**moment("discovered_at", "31", "3", "2569", "14", "30"), **FACTS},
    )

    # then: 31 March 2026, 14:30 in Bangkok (07:30 UTC), as the old ISO field stored it
    found = Breach.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dpo/TBNK/breaches/{found.uuid}/"
    assert found.discovered_at == dt.datetime(2026, 3, 31, 14, 30, tzinfo=BANGKOK)
    assert found.discovered_at == dt.datetime(2026, 3, 31, 7, 30, tzinfo=dt.UTC)
    before = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"]).clean("2026-03-31T14:30")
    assert found.discovered_at == before
    assert breach.due_at(found) == dt.datetime(2026, 4, 3, 14, 30, tzinfo=BANGKOK)


def test_an_english_dpo_types_the_common_era_and_gets_the_same_instant(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # when
    response = as_user(agency_admin).post(
        "/en/dpo/TBNK/breaches/new/",
        {**moment("discovered_at", "31", "3", "2026", "14", "30"), **FACTS},
    )

    # then
    assert response.status_code == 302
    assert Breach.objects.get().discovered_at == dt.datetime(2026, 3, 31, 14, 30, tzinfo=BANGKOK)


def test_thai_digits_and_spaces_are_read_too(agency: Any, agency_admin: Any, as_user: Any) -> None:
    # when
    response = as_user(agency_admin).post(
        "/dpo/TBNK/breaches/new/",
        {**moment("discovered_at", " ๓๑ ", "๓", "๒๕๖๙", "๑๔", "๐๕"), **FACTS},
    )

    # then
    assert response.status_code == 302
    assert Breach.objects.get().discovered_at == dt.datetime(2026, 3, 31, 14, 5, tzinfo=BANGKOK)


def test_a_date_that_does_not_exist_is_refused_on_its_field_and_the_rest_is_kept(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # when: 31 February 2569
    response = as_user(agency_admin).post(
        "/dpo/TBNK/breaches/new/",
        {**moment("discovered_at", "31", "2", "2569", "14", "30"), **FACTS},
    )

    # then: a Thai message, on the date, linked from the summary to the day
    assert response.status_code == 400
    page = response.content.decode()
    assert not Breach.objects.exists()
    start = page.index("govuk-error-summary__list")
    summary = page[start : page.index("</ul>", start)]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert len(links) == 1
    anchor, message = links[0]
    assert anchor == "id_discovered_at_0_0"
    assert message.endswith("ต้องเป็นวันที่ที่มีอยู่จริง")
    assert (
        f'id="id_discovered_at_error"><span class="govuk-visually-hidden">ข้อผิดพลาด:</span> {message}</p>'
        in page
    )
    # the date's three inputs are marked, the time's are not; everything typed is kept
    assert inputs(page, "discovered_at") == {
        "discovered_at_0_0": ("31", True),
        "discovered_at_0_1": ("2", True),
        "discovered_at_0_2": ("2569", True),
        "discovered_at_1_0": ("14", False),
        "discovered_at_1_1": ("30", False),
    }
    assert FACTS["description"].replace("'", "&#x27;") in page
    assert 'name="affected_count" value="40"' in page
    assert re.search(r'<input[^>]*name="risk"[^>]*value="high"[^>]*checked', page)


@pytest.mark.parametrize(
    ("language", "typed", "anchor", "message"),
    [
        (
            "en",
            ("31", "3", "2569", "14", "30"),
            "id_discovered_at_0_2",
            "Enter the year in the Common Era (CE), like 2026",
        ),
        (
            "en",
            ("31", "", "2026", "14", "30"),
            "id_discovered_at_0_1",
            "Date and time found out must include a month",
        ),
        (
            "en",
            ("31", "3", "2026", "", ""),
            "id_discovered_at_1_0",
            "Date and time found out must include a time, like 14 30",
        ),
        (
            "en",
            ("31", "3", "2026", "14", ""),
            "id_discovered_at_1_1",
            "Date and time found out must include a minute",
        ),
        (
            "en",
            ("31", "3", "2026", "24", "00"),
            "id_discovered_at_1_0",
            "Date and time found out must be a real time on the 24-hour clock, like 14 30",
        ),
        (
            "en",
            ("31", "3", "2026", "9", "60"),
            "id_discovered_at_1_1",
            "Date and time found out must be a real time on the 24-hour clock, like 14 30",
        ),
        (
            "en",
            ("", "", "", "14", "30"),
            "id_discovered_at_0_0",
            "Date and time found out must include a day, month and year",
        ),
        ("en", ("", "", "", "", ""), "id_discovered_at_0_0", "Enter when the agency found out"),
        ("th", ("", "", "", "", ""), "id_discovered_at_0_0", "กรุณาระบุเวลาที่หน่วยงานทราบเหตุ"),
    ],
)
def test_each_mistake_is_named_and_linked_to_the_first_input_it_concerns(
    agency: Any,
    agency_admin: Any,
    as_user: Any,
    language: str,
    typed: tuple[str, str, str, str, str],
    anchor: str,
    message: str,
) -> None:
    # when
    prefix = "/en" if language == "en" else ""
    response = as_user(agency_admin).post(
        f"{prefix}/dpo/TBNK/breaches/new/", {**moment("discovered_at", *typed), **FACTS}
    )

    # then
    assert response.status_code == 400
    assert f'<li><a href="#{anchor}">{message}</a></li>' in response.content.decode()
    assert not Breach.objects.exists()


def test_a_moment_in_the_future_is_refused_by_the_service_on_the_field(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # when
    response = as_user(agency_admin).post(
        "/en/dpo/TBNK/breaches/new/",
        {**moment("discovered_at", "1", "1", "2099", "00", "00"), **FACTS},
    )

    # then: the service's message, every input marked, the link on the day
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<li><a href="#id_discovered_at_0_0">The time you found out cannot be in the future</a></li>'
        in page
    )
    assert all(marked for _value, marked in inputs(page, "discovered_at").values())


def test_the_forms_hint_with_an_example_in_the_pages_era(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # given
    browser = as_user(agency_admin)
    found = record(agency, dt.datetime(2026, 3, 2, 9, 15, tzinfo=BANGKOK))

    # when
    pages = {
        (language, which): browser.get(f"{prefix}/dpo/TBNK/breaches/{path}").content.decode()
        for language, prefix in (("th", ""), ("en", "/en"))
        for which, path in (("new", "new/"), ("breach", f"{found.uuid}/"))
    }

    # then
    for (language, which), page in pages.items():
        name = "discovered_at" if which == "new" else "notified_at"
        example = "31 3 2569" if language == "th" else "31 3 2026"
        assert re.search(rf'id="id_{name}_helptext">[^<]*{example}[^<]*14 30', page)
        assert inputs(page, name) == {
            f"{name}_{part}": ("", False) for part in ("0_0", "0_1", "0_2", "1_0", "1_1")
        }
        assert "datetime-local" not in page
        assert "T14:30" not in page
    with translation.override("th"):
        year = translation.gettext("Year")
    assert f'for="id_discovered_at_0_2">{year}</label>' in pages["th", "new"]


def test_the_breach_page_reads_the_moment_back_in_the_buddhist_era_in_thai(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # given: typed in Thai
    browser = as_user(agency_admin)
    browser.post(
        "/dpo/TBNK/breaches/new/",
        {**moment("discovered_at", "31", "3", "2569", "14", "30"), **FACTS},
    )
    found = Breach.objects.get()

    # when
    thai = browser.get(f"/dpo/TBNK/breaches/{found.uuid}/").content.decode()
    english = browser.get(f"/en/dpo/TBNK/breaches/{found.uuid}/").content.decode()

    # then: the same day and time back, BE in Thai, CE in English
    assert "31 มี.ค. 2569 14:30 น." in thai
    assert 'data-testid="due">3 เม.ย. 2569 14:30 น.</dd>' in thai
    assert "31 Mar 2026, 14:30" in english
    # and nobody told yet, said as such (not "not reached yet")
    assert '<dd class="govuk-summary-list__value">ยังไม่ได้แจ้ง</dd>' in thai


def test_a_thai_dpo_records_when_the_office_was_told_in_the_buddhist_era(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # given
    found = record(agency, dt.datetime(2026, 3, 31, 14, 30, tzinfo=BANGKOK))

    # when
    response = as_user(agency_admin).post(
        f"/dpo/TBNK/breaches/{found.uuid}/",
        {"whom": "office", **moment("notified_at", "2", "4", "2569", "09", "00")},
    )

    # then
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.notified_office_at == dt.datetime(2026, 4, 2, 9, 0, tzinfo=BANGKOK)
    assert found.notified_people_at is None


def test_a_bad_notification_time_keeps_who_was_told_and_what_was_typed(
    agency: Any, agency_admin: Any, as_user: Any
) -> None:
    # given
    found = record(agency, dt.datetime(2026, 3, 31, 14, 30, tzinfo=BANGKOK))

    # when: 2 April 2569 at 25:00
    response = as_user(agency_admin).post(
        f"/en/dpo/TBNK/breaches/{found.uuid}/",
        {"whom": "people", **moment("notified_at", "2", "4", "2026", "25", "00")},
    )

    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<li><a href="#id_notified_at_1_0">Date and time told must be a real time on the '
        "24-hour clock, like 14 30</a></li>"
    ) in page
    assert inputs(page, "notified_at") == {
        "notified_at_0_0": ("2", False),
        "notified_at_0_1": ("4", False),
        "notified_at_0_2": ("2026", False),
        "notified_at_1_0": ("25", True),
        "notified_at_1_1": ("00", False),
    }
    assert re.search(r'<input[^>]*name="whom"[^>]*value="people"[^>]*checked', page)
    found.refresh_from_db()
    assert (found.notified_office_at, found.notified_people_at) == (None, None)


def test_a_notification_left_empty_is_now(agency: Any, agency_admin: Any, as_user: Any) -> None:
    # given
    found = record(agency, dt.datetime(2026, 3, 31, 14, 30, tzinfo=BANGKOK))
    before = timezone.now()

    # when
    response = as_user(agency_admin).post(
        f"/dpo/TBNK/breaches/{found.uuid}/",
        {"whom": "people", **moment("notified_at", "", "", "", "", "")},
    )

    # then
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.notified_people_at is not None
    assert before <= found.notified_people_at <= timezone.now()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("discovered_at", {**moment("discovered_at", "1", "1", "0001", "00", "00")}),
        ("discovered_at", {**moment("discovered_at", "1", "1", "9999", "00", "00")}),
        ("affected_count", {"affected_count": str(2**63)}),
        ("affected_count", {"affected_count": str(10**30)}),
    ],
)
def test_out_of_range_values_are_errors_on_their_field_not_server_errors(
    agency: Any, agency_admin: Any, as_user: Any, field: str, values: dict[str, str]
) -> None:
    # given: otherwise a good breach
    data = {**moment("discovered_at", "1", "3", "2026", "09", "00"), **FACTS, **values}

    # when
    response = as_user(agency_admin).post("/en/dpo/TBNK/breaches/new/", data)

    # then
    assert response.status_code == 400
    assert f'href="#id_{field}' in response.content.decode()
    assert not Breach.objects.exists()
