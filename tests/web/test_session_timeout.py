"""The warning before a signed-in session ends, and the endpoint that keeps it alive
(WCAG 2.2 success criterion 2.2.1, Timing Adjustable)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goodgov.core import sessions
from tests.conftest import login
from tests.web.html import Element, Page

pytestmark = pytest.mark.django_db

ALIVE = "/en/session/alive/"


def expiry(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def descendants(element: Element) -> list[Element]:
    return [d for child in element.children for d in [child, *descendants(child)]]


def later(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Move the sessions' clock on (within the sliding middleware's minute)."""
    now = timezone.now() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: now)


def test_the_endpoint_is_where_the_dialog_says() -> None:
    with_language = reverse("web:session_alive")
    assert with_language in {ALIVE, "/session/alive/"}


def test_a_signed_in_person_gets_the_warning_dialog(as_user: Any, citizen_a: Any) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.get("/en/cases/")

    # then
    assert response.status_code == 200
    page = Page(response.content.decode())
    dialog = page.by_id("session-timeout")
    assert dialog.tag == "dialog"
    assert "hidden" in dialog.attrs
    assert dialog.attrs["aria-labelledby"] == "session-timeout-heading"
    assert page.by_id("session-timeout-heading").text == "You will be signed out soon"
    assert dialog.attrs["aria-describedby"] == "session-timeout-text session-timeout-loss"
    assert " ".join(page.by_id("session-timeout-text").text.split()) == (
        "You have not used this page for a while. To protect your information, "
        "you will be signed out in 2 minutes."
    )
    assert page.by_id("session-timeout-loss").text == (
        "Anything you have not saved or sent will be lost."
    )
    assert dialog.attrs["data-keep-alive-url"] == ALIVE
    assert dialog.attrs["data-sign-in-url"] == "/en/accounts/login/"
    assert page.find_all("input", name="csrfmiddlewaretoken")  # the sign-out form's, sent too
    assert dialog.attrs["data-warn-for"] == "120"
    countdown = json.loads(dialog.attrs["data-countdown"])
    assert countdown == {
        "120": "2 minutes",
        "105": "1 minute 45 seconds",
        "90": "1 minute 30 seconds",
        "75": "1 minute 15 seconds",
        "60": "1 minute",
        "45": "45 seconds",
        "30": "30 seconds",
        "15": "15 seconds",
    }
    assert json.loads(dialog.attrs["data-announcements"]) == {
        "60": "You will be signed out in 1 minute."
    }
    inside = descendants(dialog)
    assert [(e.attrs["type"], e.text) for e in inside if e.tag == "button"] == [
        ("button", "Stay signed in"),
        ("submit", "Sign out"),
    ]
    [form] = [e for e in inside if e.tag == "form"]
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/en/accounts/logout/")


def test_the_warning_time_follows_the_settings(as_user: Any, citizen_a: Any, settings: Any) -> None:
    # given: sessions of 30 minutes, pushed forward at most once a minute
    client = as_user(citizen_a)

    # when
    page = Page(client.get("/en/cases/").content.decode())

    # then: warned 2 minutes before the earliest the session can end
    expected = settings.SESSION_COOKIE_AGE - sessions.REFRESH_EVERY_SECONDS - 120
    assert expected == 30 * 60 - 60 - 120
    assert page.by_id("session-timeout").attrs["data-warn-after"] == str(expected)

    # when: an operator shortens sessions to 10 minutes
    settings.SESSION_COOKIE_AGE = 600
    page = Page(client.get("/en/cases/").content.decode())

    # then
    assert page.by_id("session-timeout").attrs["data-warn-after"] == "420"


def test_an_anonymous_visitor_gets_no_dialog(client: Client) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    assert "session-timeout" not in Page(response.content.decode()).ids()
    assert b"<dialog" not in response.content


def test_the_endpoint_sends_an_anonymous_visitor_to_sign_in(client: Client) -> None:
    for method in (client.get, client.post):
        response = method(ALIVE)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
    assert not Session.objects.exists()


def test_the_endpoint_answers_only_post(as_user: Any, citizen_a: Any) -> None:
    client = as_user(citizen_a)
    assert client.get(ALIVE).status_code == 405


def test_staying_signed_in_pushes_the_expiry_forward_now(
    as_user: Any, citizen_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a signed-in citizen who just loaded a page, and 30 seconds later...
    client = as_user(citizen_a)
    client.get("/en/cases/")
    first = expiry(client)
    later(monkeypatch, 30)
    # ...a page's own request would not move the expiry (at most once a minute)
    client.get("/en/cases/")
    assert expiry(client) == first

    # when: the person presses "Stay signed in"
    response = client.post(ALIVE)

    # then: the session ends 30 minutes from now, not from the page load
    assert response.status_code == 204
    assert response.content == b""
    assert response["Cache-Control"] == "no-store"
    assert dt.timedelta(seconds=30) <= expiry(client) - first < dt.timedelta(seconds=31)
    assert client.get("/en/cases/").status_code == 200  # still signed in


def test_the_endpoint_refuses_a_request_without_a_csrf_token(
    citizen_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a signed-in citizen whose browser checks CSRF like a real one
    client = login(Client(enforce_csrf_checks=True), citizen_a)
    client.get("/en/cases/")
    first = expiry(client)
    later(monkeypatch, 30)

    # when: a POST comes without the token (another site's form)
    response = client.post(ALIVE)

    # then: refused, and the session's expiry is what it was
    assert response.status_code == 403
    assert expiry(client) == first


def test_the_endpoint_accepts_the_token_from_the_dialog(
    citizen_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the token the page's dialog carries, as the script sends it
    client = login(Client(enforce_csrf_checks=True), citizen_a)
    page = Page(client.get("/en/cases/").content.decode())
    token = page.find_all("input", name="csrfmiddlewaretoken")[-1].attrs["value"]
    first = expiry(client)
    later(monkeypatch, 30)

    # when
    response = client.post(ALIVE, headers={"X-CSRFToken": token})

    # then
    assert response.status_code == 204
    assert expiry(client) > first
