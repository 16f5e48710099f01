"""allauth's pages people see render in our layout with GOV.UK markup."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from goodgov.accounts.models import User
from goodgov.accounts.selectors import password_setting_path
from goodgov.accounts.services import user_totp_activate
from tests.accounts.helpers import SECRET, en
from tests.conftest import login


def _assert_our_layout(html: str, heading: str) -> None:
    assert 'class="govuk-skip-link"' in html
    assert re.search(r'<h1 class="govuk-(heading-l|panel__title)">\s*' + re.escape(heading), html)
    assert "Menu:" not in html  # allauth's own layout
    assert "<p><label" not in html  # Django's as_p rendering


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Create an account"),
        ("account_reset_password", "Reset your password"),
        ("account_reset_password_done", "Check your email"),
        ("account_reset_password_from_key_done", "Your password is changed"),
    ],
)
def test_entrance_pages(client: Client, db: object, name: str, heading: str) -> None:
    # when
    response = client.get(en(name))

    # then
    assert response.status_code == 200
    _assert_our_layout(response.content.decode(), heading)


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_logout", "Sign out"),
        ("account_change_password", "Change your password"),
        ("mfa_index", "Second step at sign-in"),
        ("mfa_generate_recovery_codes", "Make new recovery codes"),
        ("mfa_view_recovery_codes", "Recovery codes"),
        ("mfa_deactivate_totp", "Turn off the authenticator app"),
    ],
)
def test_signed_in_pages(client: Client, citizen_a: User, name: str, heading: str) -> None:
    # given: a citizen who chose to use an authenticator app
    user_totp_activate(user=citizen_a, secret=SECRET)
    login(client, citizen_a)
    client.get(en("mfa_generate_recovery_codes"))
    client.post(en("mfa_generate_recovery_codes"))

    # when
    response = client.get(en(name))

    # then
    assert response.status_code == 200
    _assert_our_layout(response.content.decode(), heading)


def test_set_password_link_opens_the_choose_a_password_page(
    client: Client, citizen_b: User
) -> None:
    # given: the link as an English-speaking admin is shown it
    with translation.override("en"):
        link = password_setting_path(citizen_b)

    # when
    response = client.get(link, follow=True)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a new password" in html
    assert 'id="id_password1"' in html


def test_a_used_or_bad_link_says_so(client: Client, citizen_b: User) -> None:
    # when
    response = client.get(en("account_login").replace("login/", "password/reset/key/1-bad/"))

    # then
    assert response.status_code == 200
    _assert_our_layout(response.content.decode(), "This link does not work")


def test_password_reset_mail_is_sent_for_a_known_address(
    client: Client, citizen_b: User, mailoutbox: list
) -> None:
    # when
    response = client.post(en("account_reset_password"), {"email": "malee@example.test"})

    # then
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/password/reset/key/" in mailoutbox[0].body
