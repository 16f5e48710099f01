"""The good-governance pages in a real browser, every page audited by axe
(tests/e2e/conftest.py): the public scorecard computed from the exported public ledger, in
Thai and English; the ITA checklist and its answer form (an error first) for the agency's
admin; the executive dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import translation
from playwright.sync_api import expect

from goodgov.cases import services as cases
from goodgov.governance import indicators, periods
from goodgov.governance import services as governance
from goodgov.governance.models import ItaAnswer
from goodgov.ledger import keys, sequencer
from goodgov.performance.export import export_local
from tests.cases.conftest import submitted_case
from tests.conftest import make_officer


def th(text: str) -> str:
    """What a Thai reader sees for an English msgid (the msgid itself until translated)."""
    with translation.override("th"):
        return translation.gettext(text)


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """A busy machine may be slow to answer: wait longer than the default 5 s."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(autouse=True)
def _own_data_dir(settings: Any, tmp_path: Path) -> None:
    """The pages read this test's own Parquet copy of the public ledger (the ledger's key
    stays the one of the data dir configured, which this process has read already)."""
    keys.signer_key()
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


def off_the_browser_loop(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread of its own: signing a PDF (pyHanko) starts an asyncio loop,
    which Python refuses in this thread while Playwright's loop counts as running here."""

    def run() -> Any:
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def decided(citizen_a: Any, service_version: Any, clerk: Any, approver: Any) -> None:
    """Two applications this fiscal year, one approved; the ledger sequenced and exported."""
    submitted_case(citizen_a, service_version)
    case = cases.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    off_the_browser_loop(lambda: cases.case_approve(actor=approver, case=case, conditions=""))
    sequencer.sequence_all()
    export_local()


def test_the_scorecard_in_thai_and_in_english(
    live_server: Any,
    new_context: Any,
    axe_check: Any,
    decided: None,
    agency: Any,
    other_agency: Any,
) -> None:
    page = new_context().new_page()

    # given: the scorecard's first page lists the agencies
    page.goto(f"{live_server.url}/governance/")
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Good-governance scorecard"))
    expect(page.get_by_role("link", name=agency.name_th)).to_be_visible()

    # when: the reader picks an agency and this fiscal year
    page.get_by_label(th("Agency"), exact=True).select_option("TBNK")
    page.get_by_label(th("Period"), exact=True).select_option(periods.current().code)
    page.get_by_role("button", name=th("Show the scorecard")).click()

    # then: scores by principle, some computed, some waiting for data
    expect(page.get_by_role("heading", level=2, name=agency.name_th)).to_be_visible()
    table = page.get_by_role("table", name=th("Scores by principle"))
    expect(table).to_be_visible()
    expect(table.locator("strong").first).to_have_text(re.compile(r"^\d+(\.\d)?$"))
    expect(page.get_by_text(th("No data yet")).first).to_be_visible()
    page.get_by_text(th("Digital government maturity")).scroll_into_view_if_needed()

    # when: the reader opens how a principle's indicators are defined
    page.locator(".govuk-details__summary").first.click()

    # then: the definitions show, and pass the audit too
    expect(page.locator(".govuk-details__text").first).to_be_visible()
    axe_check(page)

    # then: the same in English, the year in the Common Era
    page.goto(f"{live_server.url}/en/governance/?agency=TBNK&period={periods.current().code}")
    heading = page.get_by_role("heading", level=2, name=agency.name_en)
    expect(heading).to_contain_text("Fiscal year 2027 (October to September)")
    expect(page.get_by_role("table", name="Scores by principle")).to_be_visible()
    page.get_by_role("link", name="See the agency's ITA open-information checklist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ITA open-information checklist")


def test_an_admin_answers_an_ita_item_after_an_error(
    live_server: Any, new_context: Any, sign_in: Any, agency: Any, agency_admin: Any
) -> None:
    # given: the checklist, and the agency's admin signed in
    governance.ita_checklist_load(year=2568)
    page = new_context().new_page()
    sign_in(page, agency_admin)
    page.goto(f"{live_server.url}/en/governance/ita/TBNK/2568/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ITA open-information checklist")

    # when: the admin answers O1 with something that is not a link
    page.get_by_role("link", name="Answer O1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("O1")
    page.get_by_label("Link to where the agency publishes this item").fill("not a link")
    page.get_by_label("Evidence note (optional)").fill("The structure chart, page 1.")
    page.get_by_role("button", name="Save the answer").click()

    # then: the error leads to the field; what was typed is kept
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a real web address")
    expect(page).to_have_title(re.compile(r"^Error:"))
    summary.get_by_role("link").click()
    expect(page.get_by_label("Link to where the agency publishes this item")).to_be_focused()
    expect(page.get_by_label("Evidence note (optional)")).to_have_value(
        "The structure chart, page 1."
    )

    # when: corrected
    page.get_by_label("Link to where the agency publishes this item").fill(
        "https://www.example.go.th/ita/o1"
    )
    page.get_by_role("button", name="Save the answer").click()

    # then: back at the checklist, the item published
    expect(page.get_by_text("O1 is answered.")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Change O1"))
    expect(row.get_by_text("Published", exact=True)).to_be_visible()
    assert ItaAnswer.objects.get().url == "https://www.example.go.th/ita/o1"

    # then: the public checklist in Thai shows the link, with no answer links
    public = new_context().new_page()
    public.goto(f"{live_server.url}/governance/ita/TBNK/2568/")
    expect(public.get_by_role("link", name="https://www.example.go.th/ita/o1")).to_be_visible()
    expect(public.get_by_role("link", name=re.compile("O1$"))).to_have_count(0)


def test_the_executive_dashboard_in_thai_and_in_english(
    live_server: Any,
    new_context: Any,
    sign_in: Any,
    citizen_a: Any,
    service_version: Any,
    agency: Any,
) -> None:
    # given: an application this fiscal year, in the exported ledger; an executive
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    export_local()
    executive = make_officer("executive.tbnk@example.test", agency, "executive")
    page = new_context().new_page()
    sign_in(page, executive)

    # when
    page.goto(f"{live_server.url}/governance/dashboard/")

    # then: the agency's row, a cell per principle
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Executive dashboard"))
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=agency.name_th))
    expect(row.get_by_role("cell")).to_have_count(len(indicators.PRINCIPLES) + 1)  # + links

    # when: in English, another period, then the agency's scorecard
    page.goto(f"{live_server.url}/en/governance/dashboard/")
    page.get_by_label("Period", exact=True).select_option(f"{periods.current().fiscal_year}-1")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"period=\d{4}-1$"))
    expect(page.get_by_role("table")).to_contain_text("Fiscal year 2027, first half")
    page.get_by_role("link", name=agency.name_en, exact=True).click()

    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Good-governance scorecard")
    expect(page.get_by_role("heading", level=2, name=agency.name_en)).to_contain_text("first half")
