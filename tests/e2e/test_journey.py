"""The whole journey in a real browser, every page audited by axe.

A citizen signs in and applies with an upload; an officer signs in with a password and a
TOTP code, takes the case and asks for information; the citizen answers; an approving
officer approves; the citizen sees the decision. Then the same in Thai for the parts a
Thai reader meets first: a Buddhist-era date and the reference number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from goodgov.accounts.services import user_totp_activate
from goodgov.cases.models import Case
from goodgov.ledger.models import Event

CLERK_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"
APPROVER_SECRET = "KRUGS4ZANFZSAYJAONSWG4TFOQQGC3TE"
PASSWORD = "correct horse battery"

# A small but real PDF: a header, one empty page and a trailer.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def totp_now(secret: str) -> str:
    """The current code, never one about to expire (as a person would wait for a fresh one)."""
    import time

    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in_for_real(page: Any, base: str, login: str, secret: str | None = None) -> None:
    """Through the real sign-in pages: password, then the TOTP code for officers."""
    page.goto(f"{base}/en/accounts/login/")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if secret is not None:
        page.locator("input[name=code]").fill(totp_now(secret))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def people(citizen_a: Any, clerk: Any, approver: Any) -> dict[str, Any]:
    user_totp_activate(user=clerk, secret=CLERK_SECRET)
    user_totp_activate(user=approver, secret=APPROVER_SECRET)
    return {"citizen": citizen_a, "clerk": clerk, "approver": approver}


def test_apply_request_information_answer_approve(
    live_server: Any, new_context: Any, service_version: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    walk_the_journey(lambda: new_context().new_page(), live_server.url, people, tmp_path)


def test_the_whole_journey_works_without_javascript(
    live_server: Any, browser: Any, service_version: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    # Each person's browser has JavaScript turned off (axe cannot run in it: the same
    # pages are audited with JavaScript on above).
    contexts: list[Any] = []

    def open_page() -> Any:
        contexts.append(browser.new_context(java_script_enabled=False))
        return contexts[-1].new_page()

    try:
        walk_the_journey(open_page, live_server.url, people, tmp_path)
    finally:
        for context in contexts:
            context.close()


def walk_the_journey(
    open_page: Callable[[], Any], base: str, people: dict[str, Any], tmp_path: Path
) -> None:
    """Apply with an upload, a mistake first; the clerk asks for information; the citizen
    answers; the approver approves with a condition; the citizen sees the decision. Each
    person in a browser of their own from ``open_page``."""
    plan = tmp_path / "floor-plan.pdf"
    plan.write_bytes(PDF)
    citizen = open_page()

    # given: the citizen signs in and finds the service
    sign_in_for_real(citizen, base, people["citizen"].email)
    citizen.goto(f"{base}/en/services/test-permit/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Test permit")
    citizen.get_by_role("button", name="Start now").click()  # the service page's start link
    expect(citizen.get_by_role("heading", name="Before you start")).to_be_visible()
    citizen.get_by_role("button", name="Start now").click()  # opens the draft

    # when: a mistake first, then the whole form with an upload
    citizen.get_by_label("Shop name").fill("Ban Na Noodles")
    citizen.get_by_label("Number of seats").fill("twenty")
    citizen.get_by_role("button", name="Continue", exact=True).last.click()
    expect(citizen.locator(".govuk-error-summary")).to_be_visible()
    expect(citizen.get_by_label("Shop name")).to_have_value("Ban Na Noodles")  # nothing lost
    citizen.get_by_label("Number of seats").fill("20")
    citizen.get_by_label("Day").fill("1")
    citizen.get_by_label("Month").fill("12")
    citizen.get_by_label("Year").fill("2026")
    citizen.get_by_label("Floor plan").set_input_files(str(plan))
    citizen.get_by_role("button", name="Continue", exact=True).last.click()

    # then: check your answers, declare, submit
    expect(citizen.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(citizen.get_by_text("Ban Na Noodles")).to_be_visible()
    expect(citizen.get_by_role("link", name="floor-plan.pdf")).to_be_visible()
    citizen.get_by_label(re.compile("I declare")).check()
    citizen.get_by_role("button", name="Accept and send").click()
    expect(citizen.get_by_role("heading", level=1)).to_contain_text(
        re.compile(r"TBNK-25\d\d-000001")
    )
    case = Case.objects.get()
    assert case.state == "submitted" and case.evidence.count() == 1

    # when: the clerk signs in with a TOTP code, takes the case and asks for information
    clerk = open_page()
    sign_in_for_real(clerk, base, people["clerk"].email, CLERK_SECRET)
    clerk.goto(f"{base}/en/office/")
    clerk.get_by_role("link", name=case.reference).click()
    clerk.get_by_role("button", name="Take this application").click()
    expect(clerk.get_by_text("You are now handling this application.")).to_be_visible()
    clerk.get_by_label("What do you need from the applicant?").fill(
        "Please send a photo of the kitchen."
    )
    clerk.get_by_role("button", name="Send the request").click()
    expect(clerk.get_by_text("Your request has been sent to the applicant.")).to_be_visible()
    expect(clerk.get_by_role("button", name="Approve the application")).to_have_count(
        0
    )  # not an approver

    # then: the citizen sees the request and answers it
    citizen.goto(f"{base}/en/cases/{case.uuid}/")
    expect(citizen.get_by_text("Please send a photo of the kitchen.").first).to_be_visible()
    citizen.get_by_label("Your answer").fill("The photo is attached.")
    citizen.get_by_label("Upload a document (optional)").set_input_files(str(plan))
    citizen.get_by_role("button", name="Send your answer").click()
    expect(citizen.get_by_text("Your answer has been sent to the officer.")).to_be_visible()

    # when: the approver signs in and approves with a condition
    approver = open_page()
    sign_in_for_real(approver, base, people["approver"].email, APPROVER_SECRET)
    approver.goto(f"{base}/en/office/cases/{case.uuid}/")
    expect(approver.get_by_text("The photo is attached.").first).to_be_visible()
    approver.get_by_label("Conditions (optional)").fill("Display food prices.")
    approver.get_by_role("button", name="Approve the application").click()
    expect(approver.get_by_text("The application is approved")).to_be_visible()

    # then: the citizen sees the decision, its condition and the whole history
    citizen.goto(f"{base}/en/cases/{case.uuid}/")
    expect(citizen.get_by_role("heading", name="Approved", exact=True)).to_be_visible()
    expect(citizen.get_by_text("Display food prices.")).to_be_visible()
    for step in (
        "Application submitted",
        "The officer asked for more information",
        "Application approved",
    ):
        expect(citizen.get_by_role("heading", name=step)).to_be_visible()
    assert list(
        Event.objects.filter(subject_id=str(case.pk), subject_type="cases.case")
        .exclude(action__in=["case.draft_saved", "person.viewed"])
        .values_list("action", flat=True)
    ) == [
        "case.started",
        "case.submitted",
        "case.claimed",
        "case.info_requested",
        "case.info_provided",
        "case.approved",
    ]


def test_thai_citizen_enters_a_buddhist_era_date(
    live_server: Any, new_context: Any, service_version: Any, citizen_a: Any
) -> None:
    base = live_server.url
    page = new_context().new_page()
    sign_in_for_real(page, base, citizen_a.email)

    # when: the Thai form, with the year in the Buddhist era
    page.goto(f"{base}/services/test-permit/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    page.locator(".govuk-button--start").first.click()
    page.locator(".govuk-button--start").click()
    page.locator("input[name=shop_name]").fill("ร้านข้าวแกงป้าแดง")
    page.locator("input[name=opening_date_0]").fill("24")
    page.locator("input[name=opening_date_1]").fill("11")
    page.locator("input[name=opening_date_2]").fill("2569")
    page.locator("button[name=_action][value=continue]").last.click()

    # then: stored in the Common Era, shown back in the Buddhist era
    case = Case.objects.get()
    assert case.data["opening_date"] == "2026-11-24"
    expect(page.get_by_text("24 พฤศจิกายน 2569")).to_be_visible()
