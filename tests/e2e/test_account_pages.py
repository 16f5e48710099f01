"""The person's own profile in a real browser, audited by axe in both languages
(tests/e2e/conftest.py): signing out on every other device from it keeps this browser
signed in and signs the other one out."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.test_data_pages import th


def test_signing_out_on_other_devices_from_the_profile(
    live_server: Any, page: Any, new_context: Any, sign_in: Any, citizen_a: Any
) -> None:
    # given: citizen A signed in on this browser and on a second one
    other = new_context().new_page()
    sign_in(page, citizen_a)
    sign_in(other, citizen_a)
    other.goto(f"{live_server.url}/en/cases/")
    expect(other.get_by_role("heading", level=1)).to_have_text("My applications")
    page.goto(f"{live_server.url}/en/me/")  # the English page, audited too

    # when: from the Thai profile
    page.goto(f"{live_server.url}/me/")
    page.get_by_role("button", name=th("Sign out on every other device")).click()

    # then: told so on the profile, still signed in here; the other browser is signed out
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Your profile"))
    expect(
        page.get_by_text(
            th(
                "You are signed out on every other device and browser. "
                "You are still signed in here."
            )
        )
    ).to_be_visible()
    other.goto(f"{live_server.url}/en/cases/")
    expect(other).to_have_url(f"{live_server.url}/en/accounts/login/?next=/en/cases/")
