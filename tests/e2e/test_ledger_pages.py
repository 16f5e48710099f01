"""The public ledger's pages in a real browser, in Thai and English, every page audited by
axe (tests/e2e/conftest.py): the entries with filters, one entry with its proof, and the
receipt checker (empty, a valid short code, input it cannot use). The checker also works
with JavaScript turned off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from goodgov.ledger import merkle, receipts, sequencer
from goodgov.ledger.models import Event
from tests.cases.conftest import submitted_case


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


@pytest.fixture
def sequenced(citizen_a: Any, service_version: Any) -> Event:
    """A submitted application, sequenced into the log; the submission event."""
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    return Event.objects.get(
        subject_type="cases.case", subject_id=str(case.pk), action="case.submitted"
    )


def short_code(event: Event) -> str:
    event.refresh_from_db()
    return receipts.short_code(event.leaf_index, merkle.leaf_hash(sequencer.entry_bytes(event)))


def test_the_ledger_filters_entries_and_shows_one_with_its_proof_in_thai(
    live_server: Any, new_context: Any, sequenced: Event
) -> None:
    page = new_context().new_page()
    size = Event.objects.filter(leaf_index__isnull=False).count()

    # given: the ledger page, every entry listed
    page.goto(f"{live_server.url}/ledger/")
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Public ledger"))
    expect(page.locator(".govuk-summary-card")).to_have_count(min(size, 25))

    # when: the reader filters by agency, action and a Buddhist-era date
    page.get_by_label(th("Agency"), exact=True).select_option("TBNK")
    page.get_by_label(th("Action"), exact=True).select_option("case.submitted")
    page.get_by_label(th("From"), exact=True).fill("1/1/2568")
    page.get_by_role("button", name=th("Apply filters")).click()

    # then: only the submission, and the filters kept
    expect(page.locator(".govuk-summary-card")).to_have_count(1)
    card = page.locator(".govuk-summary-card")
    expect(card.get_by_role("heading")).to_contain_text(str(sequenced.leaf_index))
    expect(card.get_by_text("case.submitted", exact=True)).to_be_visible()
    expect(page.get_by_label(th("From"), exact=True)).to_have_value("1/1/2568")
    assert "agency=TBNK" in page.url and "action=case.submitted" in page.url

    # when: the reader opens the entry
    card.get_by_role("link").click()

    # then: its proof verifies against the checkpoint, its time in the Buddhist era
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(sequenced.leaf_index))
    expect(page.get_by_text(th("Verified"), exact=True)).to_be_visible()
    expect(page.locator("time").first).to_contain_text(re.compile(r"25[6-9]\d"))
    expect(page.get_by_text(short_code(sequenced))).to_be_visible()


def test_the_ledger_in_english_with_filters_a_bad_date_and_an_entry(
    live_server: Any, new_context: Any, sequenced: Event
) -> None:
    page = new_context().new_page()

    # when: a date that does not exist
    page.goto(f"{live_server.url}/en/ledger/?agency=TBNK&date_from=31/2/2026")

    # then: the error summary leads to the field, which keeps what was typed
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a real date, like 24/11/2026")
    expect(page).to_have_title(re.compile(r"^Error: Public ledger"))
    summary.get_by_role("link").click()
    expect(page.get_by_label("From", exact=True)).to_be_focused()
    expect(page.get_by_label("From", exact=True)).to_have_value("31/2/2026")

    # when: corrected, in the Common Era
    page.get_by_label("From", exact=True).fill("1/1/2025")
    page.get_by_label("Action", exact=True).select_option("case.submitted")
    page.get_by_role("button", name="Apply filters").click()

    # then
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_text("1 entry", exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Entry and its proof of entry {sequenced.leaf_index}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Entry {sequenced.leaf_index}")
    expect(page.get_by_text("Verified", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="This inclusion proof as JSON")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "th"])
def test_a_receipt_code_is_checked_and_bad_input_explained(
    live_server: Any, new_context: Any, sequenced: Event, language: str
) -> None:
    say = (lambda text: text) if language == "en" else th
    prefix = "/en" if language == "en" else ""
    page = new_context().new_page()
    code = short_code(sequenced)

    # given: the empty checker
    page.goto(f"{live_server.url}{prefix}/ledger/verify")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Check a ledger receipt"))

    # when: nothing given, then a code that cannot be one
    page.get_by_role("button", name=say("Check the receipt")).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        say("Paste a receipt, upload a receipt file or type a short code")
    )
    page.get_by_label(say("Or type the short code")).fill("12-XYZ")
    page.get_by_role("button", name=say("Check the receipt")).click()

    # then: the error leads to the field, which keeps what was typed
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(say("Enter the code as printed, like 42-ABCD-EFGH-IJKL-MNOP"))
    expect(page).to_have_title(re.compile("^" + re.escape(say("Error:"))))
    summary.get_by_role("link").click()
    expect(page.get_by_label(say("Or type the short code"))).to_be_focused()
    expect(page.get_by_label(say("Or type the short code"))).to_have_value("12-XYZ")

    # when: the printed code
    page.get_by_label(say("Or type the short code")).fill(code)
    page.get_by_role("button", name=say("Check the receipt")).click()

    # then: valid, with the entry
    expect(page.get_by_role("heading", name=say("The receipt is valid"))).to_be_visible()
    expect(page.get_by_text("case.submitted", exact=True)).to_be_visible()
    page.get_by_role("link", name=str(sequenced.leaf_index), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(sequenced.leaf_index))


def test_the_receipt_checker_works_without_javascript(
    live_server: Any, browser: Any, sequenced: Event
) -> None:
    # given: a browser with JavaScript turned off (axe cannot run in it: the same pages
    # are audited with JavaScript on above)
    context = browser.new_context(java_script_enabled=False, locale="th-TH")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/ledger/verify")

        # when: an unknown code, then the right one
        code = short_code(sequenced)
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        page.get_by_label("Or type the short code").fill(wrong)
        page.get_by_role("button", name="Check the receipt").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "This ledger has no entry with this code"
        )
        page.get_by_label("Or type the short code").fill(code)
        page.get_by_role("button", name="Check the receipt").click()

        # then
        expect(page.get_by_role("heading", name="The receipt is valid")).to_be_visible()
        expect(
            page.get_by_text(f"Entry {sequenced.leaf_index} is in the public ledger.")
        ).to_be_visible()

        # and the ledger's filters work as a plain form too
        page.goto(f"{live_server.url}/ledger/")
        page.get_by_label(th("Action"), exact=True).select_option("case.submitted")
        page.get_by_role("button", name=th("Apply filters")).click()
        expect(page.locator(".govuk-summary-card")).to_have_count(1)
    finally:
        context.close()
