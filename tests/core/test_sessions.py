"""Signed-in sessions end after 30 minutes without use, and stay alive while used."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from goodgov.core import sessions

pytestmark = pytest.mark.django_db


def expiry(client: Any) -> float:
    return Session.objects.get(session_key=client.session.session_key).expire_date.timestamp()


def test_a_used_session_has_its_expiry_pushed_forward(as_user, citizen_a, monkeypatch):
    # given: a signed-in citizen whose session was last refreshed long ago
    client = as_user(citizen_a)
    client.get(reverse("cases:mine"))
    first = expiry(client)
    later = time.time() + sessions.REFRESH_EVERY_SECONDS + 5
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    # when
    client.get(reverse("cases:mine"))
    # then
    assert expiry(client) > first


def test_requests_within_a_minute_write_nothing(as_user, citizen_a):
    client = as_user(citizen_a)
    client.get(reverse("cases:mine"))
    first = expiry(client)
    client.get(reverse("cases:mine"))
    assert expiry(client) == first


def test_an_idle_session_is_signed_out(as_user, citizen_a):
    # given
    client = as_user(citizen_a)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=Session.objects.get(session_key=client.session.session_key).expire_date.replace(
            year=2000
        )
    )
    # when
    response = client.get(reverse("cases:mine"))
    # then
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
