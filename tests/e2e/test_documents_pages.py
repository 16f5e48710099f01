"""Issued documents in a real browser, every page audited by axe (tests/e2e/conftest.py):
anyone checks a document by its code or its file (valid, revoked, not found, an error);
the holder lists their documents; an approver revokes one, with an error first. The
check also works with JavaScript turned off."""

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
from goodgov.documents.models import IssuedDocument
from goodgov.documents.services import document_revoke
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
def issued(citizen_a: Any, service_version: Any, clerk: Any, approver: Any) -> IssuedDocument:
    """A signed permit, issued when the approver approved citizen A's application."""
    case = cases.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    approved = off_the_browser_loop(
        lambda: cases.case_approve(actor=approver, case=case, conditions="เปิดได้ถึง 22.00 น.")
    )
    return approved.issued_documents.get()


def test_anyone_checks_a_document_by_code_and_by_file_in_english(
    live_server: Any, new_context: Any, issued: IssuedDocument, tmp_path: Path
) -> None:
    page = new_context().new_page()
    pdf = tmp_path / "permit.pdf"
    pdf.write_bytes(issued.file.open("rb").read())

    # given: the empty form
    page.goto(f"{live_server.url}/en/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a document")

    # when: nothing given
    page.get_by_role("button", name="Check the document").click()

    # then: the error leads to the code field
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the document code or upload the PDF file")
    expect(page).to_have_title(re.compile(r"^Error: Check a document"))
    summary.get_by_role("link").click()
    expect(page.get_by_label("Document code")).to_be_focused()

    # when: a code no document has
    page.get_by_label("Document code").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Check the document").click()

    # then
    expect(page.get_by_text("Not issued here, or altered")).to_be_visible()

    # when: the code printed on the permit
    page.get_by_label("Document code").fill(issued.code)
    page.get_by_role("button", name="Check the document").click()

    # then
    expect(page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(page.get_by_text(issued.sha256)).to_be_visible()
    expect(page.get_by_text("Ban Na Subdistrict Municipality")).to_be_visible()

    # when: the file itself is uploaded
    page.get_by_label("Or upload the PDF file").set_input_files(str(pdf))
    page.get_by_role("button", name="Check the document").click()

    # then: valid, and its signature holds
    expect(page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(page.get_by_text("The file's electronic signature is intact")).to_be_visible()


def test_the_holder_sees_it_an_approver_revokes_it_and_checking_says_so(
    live_server: Any,
    new_context: Any,
    sign_in: Any,
    issued: IssuedDocument,
    citizen_a: Any,
    approver: Any,
) -> None:
    # given: the holder's documents, in Thai
    citizen = new_context().new_page()
    sign_in(citizen, citizen_a)
    citizen.goto(f"{live_server.url}/documents/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text(th("My documents"))
    row = citizen.get_by_role("row").filter(has_text=issued.code)
    expect(row.get_by_text(th("Valid"), exact=True)).to_be_visible()

    # when: the approver opens the issued documents and revokes it, forgetting the reason
    officer = new_context().new_page()
    sign_in(officer, approver)
    officer.goto(f"{live_server.url}/en/documents/office/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Issued documents")
    officer.get_by_role("link", name=f"Revoke {issued.code}").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Revoke document {issued.code}")
    officer.get_by_role("button", name="Revoke the document").click()

    # then: the error leads to the reason
    summary = officer.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give the reason for revoking the document.")
    expect(officer).to_have_title(re.compile(r"^Error: Revoke document"))
    summary.get_by_role("link").click()
    expect(officer.get_by_label("Reason for revoking")).to_be_focused()

    # when: with the reason
    officer.get_by_label("Reason for revoking").fill("The permit was issued to the wrong shop.")
    officer.get_by_role("button", name="Revoke the document").click()

    # then: back at the list, revoked
    expect(officer.get_by_text(f"Document {issued.code} is revoked.")).to_be_visible()
    row = officer.get_by_role("row").filter(has_text=issued.code)
    expect(row.get_by_text("Revoked", exact=True)).to_be_visible()

    # then: anyone who checks it in Thai is told, with the reason; the holder sees it too
    citizen.goto(f"{live_server.url}/verify/?code={issued.code}")
    expect(citizen.get_by_role("heading", name=th("Revoked"), exact=True)).to_be_visible()
    expect(citizen.get_by_text("The permit was issued to the wrong shop.")).to_be_visible()
    citizen.goto(f"{live_server.url}/documents/")
    row = citizen.get_by_role("row").filter(has_text=issued.code)
    expect(row.get_by_text(th("Revoked"), exact=True)).to_be_visible()


def test_checking_a_document_works_without_javascript(
    live_server: Any, browser: Any, issued: IssuedDocument, approver: Any, tmp_path: Path
) -> None:
    # given: a revoked document, and a browser with JavaScript turned off (axe cannot run
    # in it: the same pages are audited with JavaScript on above)
    document_revoke(actor=approver, document=issued, reason="ผู้รับอนุญาตเลิกกิจการ")
    pdf = tmp_path / "permit.pdf"
    pdf.write_bytes(issued.file.open("rb").read())
    context = browser.new_context(java_script_enabled=False, locale="th-TH")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/verify/")

        # when: by code
        page.get_by_label(th("Document code")).fill(issued.code)
        page.get_by_role("button", name=th("Check the document")).click()

        # then
        expect(page.get_by_role("heading", name=th("Revoked"), exact=True)).to_be_visible()
        expect(page.get_by_text("ผู้รับอนุญาตเลิกกิจการ")).to_be_visible()

        # when: by file, in English
        page.goto(f"{live_server.url}/en/verify/")
        page.get_by_label("Or upload the PDF file").set_input_files(str(pdf))
        page.get_by_role("button", name="Check the document").click()

        # then
        expect(page.get_by_text("This document was revoked on")).to_be_visible()
        expect(page.get_by_text(issued.code, exact=True)).to_be_visible()
    finally:
        context.close()
