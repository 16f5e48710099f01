"""Entering the cost of a service: who may, what is recorded, and the figure it makes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from goodgov.cases import services as case_services
from goodgov.ledger import sequencer
from goodgov.ledger.models import Event
from goodgov.ledger.schemas import check
from goodgov.performance import costs
from goodgov.performance.export import export_local
from goodgov.performance.models import ServiceCost
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db

URL = "/en/performance/costs/TBNK/"


def cost_events() -> list[dict[str, Any]]:
    return [e.public for e in Event.objects.filter(action="service.cost_set").order_by("id")]


def test_an_administrator_sees_the_form(agency_admin: Any, service_version: Any, as_user: Any):
    # given / when
    response = as_user(agency_admin).get(URL)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="test-permit">Test permit</option>' in html
    assert 'name="fiscal_year"' in html and 'name="amount"' in html
    assert "No costs have been entered yet." in html


def test_a_fiscal_year_cost_is_recorded_in_the_public_ledger(
    agency_admin: Any, service_version: Any, as_user: Any
):
    # given
    client = as_user(agency_admin)
    # when
    response = client.post(
        URL, {"service": "test-permit", "fiscal_year": "2569", "month": "", "amount": "120000"}
    )
    # then: fiscal year 2569 BE ends in 2026 CE
    assert response.status_code == 302 and response["Location"] == URL
    assert cost_events() == [
        {"agency": "TBNK", "service": "test-permit", "period": "FY2026", "amount": "120000.00"}
    ]
    check("service.cost_set", cost_events()[0])
    row = ServiceCost.objects.get()
    assert (row.period, row.amount, row.entered_by) == (
        "FY2026",
        Decimal("120000.00"),
        agency_admin,
    )
    html = client.get(URL).content.decode()
    assert "Fiscal year 2569" in html and "120,000.00" in html


@pytest.mark.parametrize(("month", "period"), [("11", "2025-11"), ("3", "2026-03")])
def test_a_month_of_a_fiscal_year_is_its_calendar_month(
    month: str, period: str, agency_admin: Any, service_version: Any, as_user: Any
):
    # given / when: fiscal year 2569 runs from October 2025 to September 2026
    as_user(agency_admin).post(
        URL, {"service": "test-permit", "fiscal_year": "2569", "month": month, "amount": "5.5"}
    )
    # then
    assert [e["period"] for e in cost_events()] == [period]
    assert cost_events()[0]["amount"] == "5.50"


def test_a_second_entry_for_a_period_corrects_the_first(
    agency_admin: Any, service_version: Any, as_user: Any
):
    # given
    client = as_user(agency_admin)
    data = {"service": "test-permit", "fiscal_year": "2569", "month": "11"}
    client.post(URL, {**data, "amount": "1000"})
    # when
    client.post(URL, {**data, "amount": "600"})
    # then: one row, two events (the log keeps both; the last counts)
    assert [e["amount"] for e in cost_events()] == ["1000.00", "600.00"]
    assert list(ServiceCost.objects.values_list("amount", flat=True)) == [Decimal("600.00")]


def test_a_wrong_amount_is_an_error_that_keeps_what_was_typed(
    agency_admin: Any, service_version: Any, as_user: Any
):
    # given / when
    response = as_user(agency_admin).post(
        URL, {"service": "test-permit", "fiscal_year": "2569", "month": "", "amount": "12.345"}
    )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_amount">Use at most two digits after the decimal point.</a>' in html
    assert 'value="12.345"' in html
    assert cost_events() == []


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [("125,000.50", "125000.50"), ("๑๒๕๐๐๐", "125000.00"), ("1 250", "1250.00")],
)
def test_an_amount_is_read_as_people_write_it(
    agency_admin: Any, service_version: Any, as_user: Any, typed: str, recorded: str
):
    # when
    response = as_user(agency_admin).post(
        URL, {"service": "test-permit", "fiscal_year": "2569", "month": "", "amount": typed}
    )
    # then
    assert response.status_code == 302
    assert [e["amount"] for e in cost_events()] == [recorded]


@pytest.mark.parametrize("typed", ["1e5", "NaN", "Infinity", "1,00", "12,34,567", "1.2.3"])
def test_an_amount_nobody_writes_is_refused(
    agency_admin: Any, service_version: Any, as_user: Any, typed: str
):
    # when
    response = as_user(agency_admin).post(
        URL, {"service": "test-permit", "fiscal_year": "2569", "month": "", "amount": typed}
    )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_amount">Enter the cost in baht, for example 125000.50.</a>' in html
    assert cost_events() == []


@pytest.mark.parametrize("year", ["2026", "2800"])
def test_a_year_outside_the_buddhist_era_says_which_era(
    agency_admin: Any, service_version: Any, as_user: Any, year: str
):
    # when: a Common Era year, most likely
    response = as_user(agency_admin).post(
        URL, {"service": "test-permit", "fiscal_year": year, "month": "", "amount": "100"}
    )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<a href="#id_fiscal_year">Enter the fiscal year in the Buddhist era, from 2543 to '
        "2743, for example 2570.</a>"
    ) in html
    assert f'value="{year}"' in html
    assert cost_events() == []


def test_a_service_of_another_agency_cannot_be_chosen(
    agency_admin: Any, service_version: Any, other_agency: Any, definition: Any, as_user: Any
):
    # given: DEPT has a service too
    from goodgov.catalogue.services import service_publish

    service_publish(
        actor=None, definition={**definition, "code": "dept-licence", "agency": "DEPT"},
        source="tests",
    )  # fmt: skip
    # when
    response = as_user(agency_admin).post(
        URL, {"service": "dept-licence", "fiscal_year": "2569", "month": "", "amount": "1"}
    )
    # then
    assert response.status_code == 400
    assert "dept-licence" not in response.content.decode().split("<form")[1].split("</select>")[0]
    assert cost_events() == []


@pytest.mark.parametrize(
    "who", ["citizen_a", "clerk", "approver", "counter_officer", "foreign_officer"]
)
def test_nobody_but_the_agencys_administrators_may_enter_costs(
    who: str, service_version: Any, as_user: Any, request: pytest.FixtureRequest
):
    # given: the foreign officer administers another agency
    client = as_user(request.getfixturevalue(who))
    # when
    page = client.get(URL)
    response = client.post(
        URL, {"service": "test-permit", "fiscal_year": "2569", "month": "", "amount": "1"}
    )
    # then
    assert page.status_code == 404
    assert response.status_code == 404
    assert cost_events() == [] and not ServiceCost.objects.exists()


def test_a_stranger_is_sent_to_sign_in(service_version: Any, as_user: Any):
    # given / when
    response = as_user(None).get(URL)
    # then
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_agency_is_not_found(agency_admin: Any, as_user: Any):
    # given / when / then
    assert as_user(agency_admin).get("/en/performance/costs/NOPE/").status_code == 404


def test_the_service_refuses_a_non_administrator(clerk: Any, service_version: Any):
    # given / when / then
    with pytest.raises(costs.CostNotAllowed):
        costs.service_cost_set(
            actor=clerk, service=service_version.service, period="FY2026", amount="1"
        )
    assert cost_events() == []


@pytest.mark.parametrize(
    ("period", "amount", "field"),
    [
        ("2026", "1", "period"),
        ("2025-13", "1", "period"),
        ("FY26", "1", "period"),
        ("FY2026", "-1", "amount"),
        ("FY2026", "1.001", "amount"),
        ("FY2026", "1000000000000", "amount"),
        ("FY2026", "NaN", "amount"),
        ("FY2026", "lots", "amount"),
    ],
)
def test_the_service_checks_period_and_amount(
    period: str, amount: str, field: str, agency_admin: Any, service_version: Any
):
    # given / when / then
    with pytest.raises(costs.CostError) as raised:
        costs.service_cost_set(
            actor=agency_admin, service=service_version.service, period=period, amount=amount
        )
    assert raised.value.field == field
    assert cost_events() == []


def test_cost_per_transaction_is_published_from_the_ledger(
    settings: Any,
    tmp_path: Path,
    agency_admin: Any,
    citizen_a: Any,
    clerk: Any,
    approver: Any,
    service_version: Any,
    as_user: Any,
):
    # given: this month's cost is 1,500.50 baht; two cases decided this month
    settings.DATA_DIR = tmp_path
    today = timezone.localdate()
    costs.service_cost_set(
        actor=agency_admin,
        service=service_version.service,
        period=f"{today.year:04d}-{today.month:02d}",
        amount="1500.50",
    )
    for _ in range(2):
        case = case_services.case_claim(
            actor=clerk, case=submitted_case(citizen_a, service_version)
        )
        case_services.case_approve(actor=approver, case=case)
    sequencer.sequence_all()
    export_local()
    # the table in the database is not what the figure is computed from
    ServiceCost.objects.all().delete()
    # when
    response = as_user(None).get("/en/performance/figures.csv")
    # then: 1,500.50 / 2
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["cost"] == "1500.5"
    assert row["cost_per_transaction"] == "750.25"
    assert row["decisions"] == "2"
    page = as_user(None).get("/en/performance/").content.decode()
    assert "750.25" in page
