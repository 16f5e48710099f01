"""The counter in a real browser, every page audited by axe (tests/e2e/conftest.py): an
account made online claims the ID on the person's card; the officer types the address
the person signs in with, confirms the ID on that account and goes on to file for them."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from goodgov.accounts.selectors import user_by_national_id
from goodgov.accounts.services import user_register
from tests.conftest import ID_A


def test_the_counter_confirms_an_id_claimed_online(
    live_server: Any, page: Any, sign_in: Any, counter_officer: Any, service_version: Any
) -> None:
    # given: the person made their account online, typing their ID (a claim, unchecked)
    own = user_register(
        full_name="สมชาย ใจดี", email="somchai@example.test", password="x" * 16, national_id=ID_A
    )
    sign_in(page, counter_officer)

    # when: the officer looks up the ID card
    page.goto(f"{live_server.url}/en/office/counter/")
    page.get_by_label("The person's national ID number").fill(ID_A)
    page.get_by_role("button", name="Find the person").click()

    # then: the claim is counted, nothing of the account shown
    expect(
        page.get_by_role("heading", name="Accounts made online give this national ID number")
    ).to_be_visible()
    expect(page.get_by_text("1 account made online gives this number")).to_be_visible()

    # when: the officer types an address the person did not sign up with: an error,
    # linked from the summary, what was typed kept
    field = page.get_by_label("The email address or mobile number of their account")
    field.fill("somchai@example.tst")
    page.get_by_role("button", name="Confirm the ID on their account").click()
    expect(page.get_by_role("alert")).to_contain_text("No account that gives this national ID")
    expect(field).to_have_value("somchai@example.tst")

    # when: the address the person gives
    field.fill("somchai@example.test")
    page.get_by_role("button", name="Confirm the ID on their account").click()

    # then: confirmed, and the counter goes on to the services
    expect(
        page.get_by_text("The national ID number is confirmed on the person's account.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Choose the service")).to_be_visible()
    assert user_by_national_id(ID_A) == own
