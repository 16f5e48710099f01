"""The public catalogue pages: home (search, life events, agencies), a service, an agency."""

from __future__ import annotations

import pytest
from django.test import Client

from goodgov.catalogue.models import Service
from tests.web.html import Page


def get(path: str, **params: str) -> tuple[int, Page, str]:
    response = Client().get(path, params)
    html = response.content.decode()
    return response.status_code, Page(html), html


def links(page: Page) -> dict[str, str]:
    return {a.attrs["href"]: " ".join(a.text.split()) for a in page.find_all("a")}


def test_home_lists_every_service_by_life_event_and_by_agency(loaded):
    # when
    status, page, _html = get("/en/")

    # then
    assert status == 200
    assert [h.text for h in page.find_all("h1")] == ["Find a public service"]
    headings = [h.text for h in page.find_all("h2")]
    assert headings[:2] == ["Services by life event", "Services by agency"]
    assert [h.text.strip() for h in page.find_all("h3")] == [
        "Running a business",
        "Housing and building",
        "Older age",
        "Documents and certificates",
        "Ban Na Subdistrict Municipality",
        "Department of Public Services (fictional)",
    ]
    found = links(page)
    assert found["/en/services/food-shop-permit/"] == "Licence or notification for a food shop"
    assert (
        found["/en/services/residence-certificate/"] == "Certified copy of your house registration"
    )
    assert found["/en/services/agency/DDG/"] == "Department of Public Services (fictional)"
    label = page.find_all("label", for_="q")[0]
    assert label.text == "Search for a service"
    assert page.by_id("q").attrs["name"] == "q"
    assert page.find_all("form", role="search")[0].attrs["method"] == "get"


def test_home_search_shows_results_in_thai(loaded):
    # when
    status, page, _html = get("/", q="อนุญาต")

    # then
    assert status == 200
    results = page.find_all("ul", data_testid="results")[0]
    result_links = [
        a.attrs["href"] for item in results.children for a in item.children if a.tag == "a"
    ]
    assert result_links == ["/services/building-permit/", "/services/food-shop-permit/"]
    assert page.by_id("q").attrs["value"] == "อนุญาต"


def test_home_search_says_when_nothing_matches(loaded):
    # when
    _status, page, _html = get("/en/", q="passport")

    # then
    assert page.find_all("p", data_testid="result-count")[0].text.split() == [
        "0",
        "services",
        "match",
        "“passport”.",
    ]
    assert not page.find_all("ul", data_testid="results")


def test_service_page_shows_law_fee_deadline_and_start(loaded):
    # when
    status, page, html = get("/en/services/food-shop-permit/")

    # then
    assert status == 200
    assert [h.text for h in page.find_all("h1")] == ["Licence or notification for a food shop"]
    assert page.find_all("a", href="https://www.anamai.moph.go.th/")[0].text == (
        "Public Health Act B.E. 2535 (1992)"
    )
    assert page.find_all("p", data_testid="fee")[0].text == "500 baht"
    assert "500 baht a year in this example" in html
    deadline = page.find_all("dd", data_testid="deadline")[0]
    assert " ".join(deadline.text.split()) == (
        "within 30 days of receiving your complete application"
    )
    practice = page.find_all("dd", data_testid="in-practice")[0]
    assert practice.text == "not enough applications have been decided yet to say"
    assert page.find_all("p", data_testid="clock")[0].text == (
        "If we ask you for more information, the time until you answer does not count: the"
        " date we must decide by moves later by that time."
    )
    start = page.find_all("a", href="/en/cases/start/food-shop-permit/")[0]
    assert start.attrs["role"] == "button"
    assert " ".join(start.text.split()) == "Start now"
    assert "Plan of the shop&#x27;s location and layout" in html
    assert "This agency is fictional" in html


def test_service_page_shows_time_in_practice_from_decided_cases(loaded, decided_case):
    # given
    service = Service.objects.get(code="food-shop-permit")
    for days in (2, 3, 12):
        decided_case(service, days=days)

    # when
    _status, page, _html = get("/en/services/food-shop-permit/")

    # then
    practice = page.find_all("dd", data_testid="in-practice")[0]
    assert " ".join(practice.text.split()) == (
        "half of all applications were decided within 3 days (from 3 decided applications)"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "half of all applications were decided within a day (from 3 decided applications)"),
        ("th", "ครึ่งหนึ่งของคำขอทั้งหมดพิจารณาแล้วเสร็จภายในวันเดียว (จากคำขอที่พิจารณาแล้ว 3 รายการ)"),
    ],
)
def test_decided_the_same_day_reads_as_within_a_day_not_0_days(
    loaded, decided_case, language, expected
):
    # given: each decided within a day of coming in
    service = Service.objects.get(code="food-shop-permit")
    for days in (0, 0.2, 0.9):
        decided_case(service, days=days)

    # when
    prefix = "/en" if language == "en" else ""
    _status, page, _html = get(f"{prefix}/services/food-shop-permit/")

    # then
    practice = page.find_all("dd", data_testid="in-practice")[0]
    assert " ".join(practice.text.split()) == expected


def test_service_page_separates_uploads_from_what_we_fetch(loaded):
    # when
    _status, _page, html = get("/en/services/elderly-allowance/")

    # then
    assert "Copy of the bank book&#x27;s first page (if you have it)" in html
    assert "House registration (from the civil registration database" in html
    assert "Free: there is no fee." in html


def test_service_page_in_thai(loaded):
    # when
    status, page, html = get("/services/residence-certificate/")

    # then
    assert status == 200
    assert [h.text for h in page.find_all("h1")] == ["ขอคัดและรับรองสำเนาทะเบียนบ้าน"]
    assert page.find_all("html")[0].attrs["lang"] == "th"
    assert "พระราชบัญญัติการทะเบียนราษฎร พ.ศ. 2534" in html


def test_unknown_or_inactive_service_is_not_found(loaded):
    # given
    Service.objects.filter(code="building-permit").update(active=False)

    # then
    assert Client().get("/en/services/no-such-service/").status_code == 404
    assert Client().get("/en/services/building-permit/").status_code == 404


def test_agency_page_lists_its_services(loaded):
    # when
    status, page, html = get("/en/services/agency/TBNK/")

    # then
    assert status == 200
    assert [h.text for h in page.find_all("h1")] == ["Ban Na Subdistrict Municipality"]
    service_links = [
        href for href in links(page) if href.startswith("/en/services/") and "agency" not in href
    ]
    assert service_links == [
        "/en/services/food-shop-permit/",
        "/en/services/building-permit/",
        "/en/services/elderly-allowance/",
    ]
    assert "This agency is fictional" in html
    assert Client().get("/en/services/agency/NOPE/").status_code == 404


def test_a_service_whose_clock_runs_says_the_time_asked_for_information_counts(loaded):
    # when: a data protection request, whose 30 days run on while the person is asked
    _status, page, _html = get("/en/services/pdpa-erasure/")

    # then
    assert page.find_all("p", data_testid="clock")[0].text == (
        "If we ask you for more information, the time until you answer counts too: the law"
        " does not let this time stand still."
    )
