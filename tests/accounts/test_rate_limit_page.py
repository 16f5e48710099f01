"""A rate limit reached (allauth's: sign-in, password reset) answers with our page in the
reader's language, not allauth's bare English one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.accounts.helpers import en

pytestmark = pytest.mark.django_db


def ask_for_resets(client: Client, url: str, times: int) -> list[int]:
    return [client.post(url, {"email": "somchai@example.test"}).status_code for _ in range(times)]


def test_too_many_password_resets_get_our_page_in_english(client: Client, citizen_a):
    # given: three requests a minute for one address are allowed (settings)
    statuses = ask_for_resets(client, en("account_reset_password"), 4)

    # then: the fourth is refused with our page
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429
    page = client.post(en("account_reset_password"), {"email": "somchai@example.test"})
    text = page.content.decode()
    assert page.status_code == 429
    assert "<title>Too many attempts" in text and 'id="main-content"' in text
    assert "Wait a few minutes, then try again." in text


def test_too_many_password_resets_get_our_page_in_thai(client: Client, citizen_a):
    with translation.override("th"):
        url = reverse("account_reset_password")
    statuses = ask_for_resets(client, url, 4)

    assert statuses[3] == 429
    page = client.post(url, {"email": "somchai@example.test"})
    assert page.status_code == 429
    assert '<html lang="th"' in page.content.decode()
    assert "Too many attempts" not in page.content.decode()
