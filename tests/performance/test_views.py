"""The public performance pages and the CSV of the published figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from goodgov.cases import services as case_services
from goodgov.core import thai
from goodgov.ledger import sequencer
from goodgov.performance.export import export_local
from goodgov.performance.published import LOG_SIZE_HEADER, columns
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(
    settings: Any, tmp_path: Path, citizen_a: Any, clerk: Any, approver: Any, service_version: Any
) -> int:
    """One case submitted, claimed and approved this month, sequenced and exported."""
    settings.DATA_DIR = tmp_path
    case = submitted_case(citizen_a, service_version)
    case = case_services.case_claim(actor=clerk, case=case)
    case_services.case_approve(actor=approver, case=case)
    sequencer.sequence_all()
    return export_local().size


def this_month() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, today.month


def test_the_page_says_so_when_nothing_is_published(settings: Any, tmp_path: Path, db: Any):
    # given: nothing exported
    settings.DATA_DIR = tmp_path
    # when
    response = Client().get("/en/performance/")
    # then
    assert response.status_code == 200
    assert "No figures have been published yet." in response.content.decode()


def test_the_page_shows_each_service_month_by_month(exported: int):
    # given: the exported log
    year, month = this_month()
    # when
    response = Client().get("/en/performance/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Test permit" in html and "Ban Na Subdistrict Municipality" in html
    assert f"{thai.MONTHS_EN[month - 1]} {year}" in html
    assert f"the first {exported} entries of the public ledger" in html
    assert 'class="govuk-table__caption govuk-table__caption--m">Processing time</caption>' in html
    assert ">100.0%<" in html  # completion rate and digital take-up: 1 of 1


def test_the_thai_page_shows_buddhist_era_months(exported: int):
    # given
    year, month = this_month()
    # when
    response = Client().get("/performance/")
    # then
    assert f"{thai.MONTHS_TH[month - 1]} {year + 543}" in response.content.decode()


def test_the_csv_holds_every_figure_and_the_log_size(exported: int):
    # given
    year, month = this_month()
    # when
    response = Client().get("/en/performance/figures.csv")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response[LOG_SIZE_HEADER] == str(exported)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == columns()
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in ("agency", "service", "month", "complete")} == {
        "agency": "TBNK",
        "service": "test-permit",
        "month": f"{year:04d}-{month:02d}",
        "complete": "false",
    }
    assert {
        k: row[k]
        for k in (
            "applications", "decisions", "completion_rate", "digital_takeup",
            "deadline_days", "within_deadline", "sla_days", "within_sla", "backlog", "overdue",
        )
    } == {
        "applications": "1", "decisions": "1", "completion_rate": "1.0",
        "digital_takeup": "1.0", "deadline_days": "15.0", "within_deadline": "1.0",
        "sla_days": "13.0", "within_sla": "1.0", "backlog": "", "overdue": "",
    }  # fmt: skip
    assert 0 < float(row["processing_median_days"]) < 1


def test_the_figures_can_be_filtered_by_agency(exported: int):
    # given / when
    page = Client().get("/en/performance/", {"agency": "DEPT"})
    data = Client().get("/en/performance/figures.csv", {"agency": "DEPT"})
    # then: the other agency has no figures
    assert "There are no figures for this agency and service." in page.content.decode()
    assert data.content.decode().splitlines() == [",".join(columns())]


def test_every_measure_is_defined_on_the_page(exported: int):
    # given / when
    html = Client().get("/en/performance/").content.decode()
    # then
    from goodgov.performance.measures import MEASURES

    for measure in MEASURES:
        assert measure.definition["en"] in html
        assert f"<code>{measure.code}</code>" in html
