"""Plan pages: public reading, officers' forms (kept on error), who gets 404, and the
six-month and annual reports as a page and a PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from goodgov.performance import plans, services
from goodgov.performance.models import IndicatorTarget, IndicatorValue, Plan
from tests.performance.test_plans import make_indicator, set_target

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = timezone.localdate()
YEAR = plans.fiscal_year_of(TODAY)  # the current fiscal year: its first half has started
YEAR_BE = plans.be(YEAR)


@pytest.fixture
def plan(agency: Any, agency_admin: Any, clerk: Any) -> Plan:
    plan = services.plan_create(
        actor=agency_admin,
        agency=agency,
        first_year=YEAR,
        last_year=YEAR + 1,
        title_th="แผนพัฒนาบริการดิจิทัล",
        title_en="Digital service plan",
        vision_th="บริการรวดเร็ว โปร่งใส",
        vision_en="Quick, open services",
        mission_th="ให้บริการออนไลน์",
        mission_en="Serve online",
    )
    objective = services.objective_add(
        actor=agency_admin, plan=plan, name_th="บริการรวดเร็ว", name_en="Quick service", weight=1
    )
    indicator = make_indicator(
        objective, baseline="70", owner=clerk, name="ความพึงพอใจ", name_en="Satisfaction"
    )
    set_target(indicator, "80", "h1", YEAR)
    set_target(indicator, "85", "year", YEAR)
    return plan


def the_indicator(plan: Plan) -> Any:
    return plan.objectives.get().indicators.get()


def pending_value(plan: Plan, by: Any, value: str = "75") -> IndicatorValue:
    return services.indicator_value_enter(
        actor=by,
        indicator=the_indicator(plan),
        fiscal_year=YEAR,
        period="h1",
        value=D(value),
        evidence_note="ผลสำรวจ",
    )


# Public reading -------------------------------------------------------------------------


def test_anyone_reads_a_plan_with_its_targets_and_results(
    plan: Plan, as_user: Any, clerk: Any, approver: Any
):
    # given: an approved value 75 against 80 from 70
    services.indicator_value_approve(actor=approver, value=pending_value(plan, clerk))
    # when
    response = as_user(None).get(f"/en/performance/plans/{plan.pk}/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Digital service plan" in html and "Quick, open services" in html
    assert "Objective 1: Quick service" in html and "1.1 Satisfaction" in html
    assert f"Fiscal year {YEAR_BE}" in html
    assert "O11" in html and "O12" in html
    assert f"/performance/plans/{plan.pk}/reports/{YEAR_BE}/h1/" in html
    assert clerk.full_name not in html  # the owner is shown to the agency's officers only
    assert "/edit/" not in html and "values/new" not in html


def test_the_plan_index_and_agency_page_list_plans(plan: Plan, as_user: Any):
    # given / when
    index = as_user(None).get("/en/performance/plans/")
    agency_page = as_user(None).get("/performance/plans/agency/TBNK/")
    missing = as_user(None).get("/performance/plans/agency/NOPE/")
    # then
    assert index.status_code == 200 and "Digital service plan" in index.content.decode()
    assert agency_page.status_code == 200 and "แผนพัฒนาบริการดิจิทัล" in agency_page.content.decode()
    assert missing.status_code == 404
    assert as_user(None).get("/performance/plans/999999/").status_code == 404


# Access -----------------------------------------------------------------------------------


def test_an_officer_of_another_agency_gets_404_everywhere(
    plan: Plan, as_user: Any, foreign_officer: Any, clerk: Any
):
    # given
    client = as_user(foreign_officer)
    indicator = the_indicator(plan)
    row = pending_value(plan, clerk)
    objective = plan.objectives.get()
    # when
    pages = [
        f"/en/performance/plans/agency/{plan.agency.code}/new/",
        f"/en/performance/plans/{plan.pk}/edit/",
        f"/en/performance/plans/{plan.pk}/objectives/new/",
        f"/en/performance/plans/{plan.pk}/approvals/",
        f"/en/performance/plans/objectives/{objective.pk}/edit/",
        f"/en/performance/plans/objectives/{objective.pk}/indicators/new/",
        f"/en/performance/plans/indicators/{indicator.pk}/edit/",
        f"/en/performance/plans/indicators/{indicator.pk}/targets/",
        f"/en/performance/plans/indicators/{indicator.pk}/values/new/",
    ]
    got = {page: client.get(page).status_code for page in pages}
    posted = client.post(
        f"/en/performance/plans/indicators/{indicator.pk}/values/new/",
        {"fiscal_year": str(YEAR), "period": "h1", "value": "99", "evidence_note": "x"},
    )
    approved = client.post(f"/en/performance/plans/values/{row.pk}/approve/")
    # then
    assert got == dict.fromkeys(pages, 404)
    assert posted.status_code == 404 and approved.status_code == 404
    row.refresh_from_db()
    assert row.approved_at is None
    assert IndicatorValue.objects.count() == 1


def test_a_citizen_cannot_enter_or_approve_values(
    plan: Plan, as_user: Any, citizen_a: Any, clerk: Any
):
    # given
    client = as_user(citizen_a)
    indicator = the_indicator(plan)
    row = pending_value(plan, clerk)
    # when
    form = client.get(f"/en/performance/plans/indicators/{indicator.pk}/values/new/")
    posted = client.post(
        f"/en/performance/plans/indicators/{indicator.pk}/values/new/",
        {"fiscal_year": str(YEAR), "period": "h1", "value": "99", "evidence_note": "x"},
    )
    approved = client.post(f"/en/performance/plans/values/{row.pk}/approve/")
    # then
    assert (form.status_code, posted.status_code, approved.status_code) == (404, 404, 404)
    assert IndicatorValue.objects.count() == 1
    row.refresh_from_db()
    assert row.approved_at is None


def test_a_case_officer_enters_values_but_does_not_build_the_plan(
    plan: Plan, as_user: Any, clerk: Any
):
    # given
    client = as_user(clerk)
    indicator = the_indicator(plan)
    # when
    edit = client.get(f"/en/performance/plans/{plan.pk}/edit/")
    approvals = client.get(f"/en/performance/plans/{plan.pk}/approvals/")
    entered = client.post(
        f"/en/performance/plans/indicators/{indicator.pk}/values/new/",
        {
            "fiscal_year": str(YEAR),
            "period": "h1",
            "value": "76.5",
            "evidence_url": "https://tbnk.example.test/survey",
        },
    )
    # then
    assert edit.status_code == 404 and approvals.status_code == 404
    assert entered.status_code == 302
    row = IndicatorValue.objects.get()
    assert (row.value, row.entered_by, row.approved_at) == (D("76.5"), clerk, None)


# Approving through the pages --------------------------------------------------------------


def test_approvers_see_the_four_eyes_rule_on_the_approvals_page(
    plan: Plan, as_user: Any, approver: Any, clerk: Any
):
    # given: one value entered by the approver, one by the clerk
    own = pending_value(plan, approver, "71")
    theirs = pending_value(plan, clerk, "72")
    client = as_user(approver)
    # when
    page = client.get(f"/en/performance/plans/{plan.pk}/approvals/")
    refused = client.post(f"/en/performance/plans/values/{own.pk}/approve/", follow=True)
    approved = client.post(f"/en/performance/plans/values/{theirs.pk}/approve/")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/values/{theirs.pk}/approve/" in html
    assert f"/values/{own.pk}/approve/" not in html
    assert "You entered this value" in html
    assert "another officer must approve it" in refused.content.decode()
    assert approved.status_code == 302
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.approved_at is None
    assert theirs.approved_by == approver


# Forms keep what was typed ------------------------------------------------------------------


def test_the_plan_form_keeps_what_was_typed_when_a_field_is_wrong(
    agency: Any, as_user: Any, agency_admin: Any
):
    # given
    client = as_user(agency_admin)
    typed = {
        "title_th": "แผนปฏิบัติราชการ",
        "first_year": "สองพัน",
        "last_year": "2572",
        "vision_th": "วิสัยทัศน์ที่พิมพ์ไว้",
        "mission_th": "พันธกิจที่พิมพ์ไว้",
    }
    # when
    response = client.post("/en/performance/plans/agency/TBNK/new/", typed)
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert 'href="#id_first_year"' in html
    assert 'value="แผนปฏิบัติราชการ"' in html and "วิสัยทัศน์ที่พิมพ์ไว้" in html
    assert 'value="สองพัน"' in html
    assert not Plan.objects.exists()


def test_the_plan_form_shows_the_services_refusal_on_its_field(
    agency: Any, as_user: Any, agency_admin: Any
):
    # given: the last year before the first
    client = as_user(agency_admin)
    typed = {
        "title_th": "แผนปฏิบัติราชการ",
        "first_year": "2572",
        "last_year": "2570",
        "vision_th": "วิสัยทัศน์",
        "mission_th": "พันธกิจ",
    }
    # when
    response = client.post("/en/performance/plans/agency/TBNK/new/", typed)
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_last_year"' in html
    assert "The last fiscal year must be the same as or after the first." in html
    assert 'value="2572"' in html and 'value="2570"' in html


def test_an_admin_creates_a_plan_in_buddhist_era_years(
    agency: Any, as_user: Any, agency_admin: Any
):
    # given
    client = as_user(agency_admin)
    # when
    response = client.post(
        "/en/performance/plans/agency/TBNK/new/",
        {
            "title_th": "แผนปฏิบัติราชการ",
            "first_year": "2570",
            "last_year": "2572",
            "vision_th": "วิสัยทัศน์",
            "mission_th": "พันธกิจ",
        },
    )
    # then
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/performance/plans/{plan.pk}/"
    assert (plan.first_year, plan.last_year) == (2027, 2029)


def test_the_targets_form_saves_each_period_and_keeps_input_on_error(
    plan: Plan, as_user: Any, agency_admin: Any
):
    # given
    client = as_user(agency_admin)
    indicator = the_indicator(plan)
    url = f"/en/performance/plans/indicators/{indicator.pk}/targets/"
    # when
    wrong = client.post(url, {f"y{YEAR}_h1": "81", f"y{YEAR}_h2": "eighty"})
    saved = client.post(url, {f"y{YEAR}_h1": "81", f"y{YEAR + 1}_year": "90.5"})
    # then
    html = wrong.content.decode()
    assert wrong.status_code == 400
    assert f'href="#id_y{YEAR}_h2"' in html
    assert 'value="81"' in html and 'value="eighty"' in html
    assert saved.status_code == 302
    assert {
        (t.fiscal_year, t.period): t.value
        for t in IndicatorTarget.objects.filter(indicator=indicator)
    } == {(YEAR, "h1"): D(81), (YEAR + 1, "year"): D("90.5")}


def test_the_value_form_keeps_input_and_asks_for_evidence(plan: Plan, as_user: Any, clerk: Any):
    # given: a value but no evidence
    client = as_user(clerk)
    indicator = the_indicator(plan)
    # when
    response = client.post(
        f"/en/performance/plans/indicators/{indicator.pk}/values/new/",
        {"fiscal_year": str(YEAR), "period": "h1", "value": "77.25"},
    )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_evidence_url"' in html
    assert 'value="77.25"' in html
    assert not IndicatorValue.objects.exists()


def test_the_indicator_form_keeps_input_when_the_owner_is_not_an_officer(
    plan: Plan, as_user: Any, agency_admin: Any
):
    # given: no kind chosen
    client = as_user(agency_admin)
    objective = plan.objectives.get()
    # when
    response = client.post(
        f"/en/performance/plans/objectives/{objective.pk}/indicators/new/",
        {
            "name_th": "จำนวนผู้ใช้บริการ",
            "unit_th": "คน",
            "baseline": "100",
            "direction": "up",
            "weight": "2",
            "data_source_th": "ทะเบียน",
        },
    )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_kind_0"' in html
    assert 'value="จำนวนผู้ใช้บริการ"' in html and 'value="100"' in html
    assert objective.indicators.count() == 1


# Reports ------------------------------------------------------------------------------------


def test_the_six_month_report_page_is_public_evidence_for_o11_and_o12(
    plan: Plan, as_user: Any, clerk: Any, approver: Any
):
    # given
    services.indicator_value_approve(actor=approver, value=pending_value(plan, clerk))
    # when
    response = as_user(None).get(f"/en/performance/plans/{plan.pk}/reports/{YEAR_BE}/h1/")
    thai_page = as_user(None).get(f"/performance/plans/{plan.pk}/reports/{YEAR_BE}/year/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Six-month progress report, fiscal year {YEAR_BE}" in html
    assert "O11" in html and "O12" in html
    assert f"1 October {YEAR - 1}" in html  # the period, from its first day
    assert thai_page.status_code == 200
    assert f"1 ตุลาคม {YEAR_BE - 1}" in thai_page.content.decode()


def test_reports_of_unknown_periods_or_years_are_not_found(plan: Plan, as_user: Any):
    # given / when / then
    client = as_user(None)
    assert client.get(f"/performance/plans/{plan.pk}/reports/{YEAR_BE}/q3/").status_code == 404
    assert client.get(f"/performance/plans/{plan.pk}/reports/2400/h1/").status_code == 404
    assert (
        client.get(f"/performance/plans/{plan.pk}/reports/{YEAR_BE + 1}/h1.pdf").status_code == 404
    )  # covered by the plan, but not started yet


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_report_pdf_renders_in_sarabun(plan: Plan, as_user: Any, tmp_path: Path):
    # given / when
    response = as_user(None).get(f"/performance/plans/{plan.pk}/reports/{YEAR_BE}/h1.pdf")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    # words without SARA AM (ำ), which WeasyPrint's text layer garbles
    assert "แผนพัฒนาบริการดิจิทัล" in text
    assert "ความพึงพอใจ" in text
    fonts = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert "Sarabun" in fonts


def test_the_demo_plan_is_made_once(agency: Any, agency_admin: Any, clerk: Any, approver: Any):
    # given
    from goodgov.performance.demo import demo_plan

    # when
    first = demo_plan(agency)
    second = demo_plan(agency)
    # then
    assert first.pk == second.pk
    assert Plan.objects.filter(agency=agency).count() == 1
    assert first.objectives.count() == 2
    assert sum(o.indicators.count() for o in first.objectives.all()) == 3
    value = IndicatorValue.objects.get()
    assert value.entered_by == clerk and value.approved_by == approver


def test_refresh_tells_nothing_before_the_plan_starts(plan: Plan):
    # given / when / then
    assert services.plan_progress_refresh(plan=plan, today=dt.date(2000, 1, 1)) == []
