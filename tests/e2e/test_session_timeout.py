"""A signed-in person is warned before their session ends and can stay signed in
(WCAG 2.2 success criterion 2.2.1, Timing Adjustable); if nobody answers, they are
signed out and land on the sign-in page, which brings them back.

The browser's clock is Playwright's (``page.clock``): the tests jump to the warning
instead of waiting 27 minutes. The server's clock is real.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from goodgov.web.templatetags.session_timeout import WARN_FOR_SECONDS, warn_after_seconds

PAGE = "/en/cases/"
ALIVE = re.compile(r"/en/session/alive/$")
IN_DIALOG = "() => document.getElementById('session-timeout').contains(document.activeElement)"
MODULE = re.compile(r"/session-timeout(\.[0-9a-f]+)?\.js$")


def open_watched(page: Any, url: str) -> None:
    """Open ``url`` and wait until the warning's module has started (init.js imports it
    once the page is parsed; it shows its dialog element, still closed)."""
    page.goto(url)
    page.wait_for_function("() => document.getElementById('session-timeout').hidden === false")


def session_key(page: Any) -> str:
    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    return str(cookie["value"])


def expiry(page: Any) -> Any:
    return Session.objects.get(session_key=session_key(page)).expire_date


def test_the_warning_comes_and_staying_signed_in_extends_the_session(
    live_server: Any, page: Any, sign_in: Any, citizen_a: Any, axe_check: Any
) -> None:
    # given: a signed-in citizen on a page, the browser's clock under the test's control
    page.clock.install()
    sign_in(page, citizen_a)
    open_watched(page, live_server.url + PAGE)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # when: nothing happens until shortly before the session would end
    page.clock.fast_forward((warn_after_seconds() - 5) * 1000)
    # then: no warning yet
    expect(dialog).to_be_hidden()

    # when: the warning time comes
    page.clock.fast_forward(6 * 1000)

    # then: the warning is shown, with the time left, and holds the focus
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("you will be signed out in 2 minutes.")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_visible()
    expect(dialog.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(IN_DIALOG)
    axe_check(page)

    # when: 20 seconds pass, the countdown moves on (in steps of 15 seconds)
    page.clock.fast_forward(20 * 1000)
    expect(dialog.locator("[data-session-timeout-countdown]")).to_have_text("1 minute 45 seconds")

    # when: the person stays signed in
    before = expiry(page)
    with page.expect_response(ALIVE) as kept:
        dialog.get_by_role("button", name="Stay signed in").click()

    # then: the dialog closes and the session's expiry moved forward
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
    after = expiry(page)
    assert after > before

    # when: the warning comes again, and the person presses Escape
    page.clock.fast_forward((warn_after_seconds() + 1) * 1000)
    expect(dialog).to_be_visible()
    assert page.evaluate(IN_DIALOG)
    with page.expect_response(ALIVE) as kept:
        page.keyboard.press("Escape")

    # then: that counts as staying signed in too
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
    assert expiry(page) > after
    expect(page).to_have_url(live_server.url + PAGE)


def test_when_the_time_runs_out_the_person_is_signed_out_to_the_sign_in_page(
    live_server: Any, page: Any, sign_in: Any, citizen_a: Any
) -> None:
    # given: a signed-in citizen who was warned
    page.clock.install()
    sign_in(page, citizen_a)
    open_watched(page, live_server.url + PAGE)
    key = session_key(page)
    page.clock.fast_forward((warn_after_seconds() + 1) * 1000)
    expect(page.get_by_role("dialog", name="You will be signed out soon")).to_be_visible()

    # when: nobody answers
    page.clock.fast_forward(WARN_FOR_SECONDS * 1000)

    # then: signed out, on the sign-in page, which leads back to the page they were on
    expect(page).to_have_url(re.compile(r"/en/accounts/login/\?next=%2Fen%2Fcases%2F$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not Session.objects.filter(session_key=key).exists()


def test_staying_signed_in_after_the_session_ended_leads_to_the_sign_in_page(
    live_server: Any, page: Any, sign_in: Any, citizen_a: Any
) -> None:
    # given: a warned citizen whose session ended meanwhile (signed out in another tab)
    page.clock.install()
    sign_in(page, citizen_a)
    open_watched(page, live_server.url + PAGE)
    page.clock.fast_forward((warn_after_seconds() + 1) * 1000)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    Session.objects.filter(session_key=session_key(page)).delete()

    # when
    dialog.get_by_role("button", name="Stay signed in").click()

    # then: the page again, which sends them to sign in and back
    expect(page).to_have_url(re.compile(r"/en/accounts/login/\?next=/en/cases/$"))


def test_visitors_who_are_not_signed_in_never_fetch_the_warning(
    live_server: Any, page: Any, sign_in: Any, citizen_a: Any
) -> None:
    # given: a visitor, not signed in, watched for the module's request
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))

    # when: they open the home page and the sign-in page
    page.goto(live_server.url + "/en/")
    page.goto(live_server.url + "/en/accounts/login/")
    page.wait_for_load_state("networkidle")

    # then: GOV.UK Frontend's components started, and no warning module came down the line
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert not [url for url in fetched if MODULE.search(url)]

    # when: they sign in and open a page
    sign_in(page, citizen_a)
    open_watched(page, live_server.url + PAGE)

    # then: now it is fetched, and started
    assert [url for url in fetched if MODULE.search(url)]
