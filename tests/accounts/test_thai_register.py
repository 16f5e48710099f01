"""allauth's messages and pages speak our Thai (ท่าน, เข้าสู่ระบบ), not its own catalogue's
informal Thai (คุณ, ลงชื่อเข้าใช้, โปรด): our templates override its texts with our msgids."""

from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path
from typing import Any

import allauth
import pytest
from allauth.account.utils import user_display
from django.template.loader import get_template, render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

import goodgov.accounts
from goodgov.accounts.models import User
from tests.accounts.helpers import PASSWORD, en

# allauth's own Thai says these; ours never does. ("คุณ" alone: our Thai has ขอบคุณ and
# คุณธรรม, so it is looked for in the texts below, not in whole pages.)
OFF_REGISTER = ("คุณ", "ลงชื่อเข้าใช้", "โปรด")

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
OUR_TEMPLATES = Path(goodgov.accounts.__file__).parent / "templates"
MESSAGE_TEMPLATES = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES))
    for folder in ("account/messages", "mfa/messages")
    for path in (ALLAUTH_TEMPLATES / folder).glob("*.txt")
)


def th(name: str, **kwargs: object) -> str:
    """The Thai site's URL (no language prefix)."""
    with translation.override("th"):
        return reverse(name, kwargs=kwargs or None)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", htmlmod.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _banners(html: str) -> list[str]:
    return [
        _text(m)
        for m in re.findall(r'(?s)<p class="govuk-notification-banner__heading">(.*?)</p>', html)
    ]


def _main(html: str) -> str:
    main = re.search(r'(?s)<main class="govuk-main-wrapper" id="main-content">(.*)</main>', html)
    assert main is not None
    return _text(main.group(1))


def _assert_in_register(text: str) -> None:
    for word in OFF_REGISTER:
        assert word not in text


# --- Banners after signing in and out -------------------------------------------------


def test_signing_in_on_the_thai_site_says_so_in_our_thai(client: Client, citizen_a: User) -> None:
    # when
    response = client.post(
        th("account_login"), {"login": "somchai@example.test", "password": PASSWORD}, follow=True
    )

    # then
    banners = _banners(response.content.decode())
    assert f"ท่านเข้าสู่ระบบในชื่อ {user_display(citizen_a)}" in banners
    _assert_in_register(" ".join(banners))


def test_signing_in_on_the_english_site_says_so_in_english(client: Client, citizen_a: User) -> None:
    # when
    response = client.post(
        en("account_login"), {"login": "somchai@example.test", "password": PASSWORD}, follow=True
    )

    # then
    assert f"You are signed in as {user_display(citizen_a)}." in _banners(response.content.decode())


def test_signing_out_on_the_thai_site_says_so_in_our_thai(as_user: Any, citizen_a: User) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.post(th("account_logout"), follow=True)

    # then
    banners = _banners(response.content.decode())
    assert banners == ["ท่านออกจากระบบเรียบร้อยแล้ว"]
    _assert_in_register(" ".join(banners))


def test_signing_out_on_the_english_site_says_so_in_english(as_user: Any, citizen_a: User) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.post(en("account_logout"), follow=True)

    # then
    assert _banners(response.content.decode()) == ["You are signed out."]


# --- Every allauth message is ours ----------------------------------------------------


@pytest.mark.parametrize("name", MESSAGE_TEMPLATES)
def test_every_allauth_message_template_is_overridden_by_ours(name: str) -> None:
    # when
    template = get_template(name)

    # then: goodgov.accounts comes before allauth in INSTALLED_APPS
    assert Path(template.origin.name) == OUR_TEMPLATES / name  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", MESSAGE_TEMPLATES)
def test_allauth_messages_in_thai_are_in_our_register(name: str, citizen_a: User) -> None:
    # given
    context = {
        "user": citizen_a,
        "email": "somchai@example.test",
        "phone": "+66812345678",
        "recipient": "somchai@example.test",
        "MFA_RECOVERY_CODES_SHOW_ONCE": True,
    }

    # when
    with translation.override("th"):
        text = render_to_string(name, context).strip()

    # then
    assert text
    _assert_in_register(text)


# --- Pages ----------------------------------------------------------------------------


def test_email_page_in_thai_is_in_our_register(as_user: Any, citizen_a: User) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.get(th("account_email"))

    # then
    assert response.status_code == 200
    main = _main(response.content.decode())
    assert "อีเมลของท่าน" in main
    assert "บัญชีผู้ใช้ของท่านมีอีเมลดังต่อไปนี้" in main
    _assert_in_register(main)


def test_no_email_address_warning_in_thai_is_in_our_register() -> None:
    # when: what the email page shows an account without any address
    with translation.override("th"):
        text = _text(render_to_string("account/snippets/warn_no_email.html"))

    # then
    assert "บัญชีผู้ใช้ของท่านยังไม่มีอีเมล" in text
    _assert_in_register(text)


def test_email_page_in_english(as_user: Any, citizen_a: User) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.get(en("account_email"))

    # then
    main = _main(response.content.decode())
    assert "Your email addresses" in main
    assert "These email addresses are on your account:" in main
    assert "Make it the main address" in main


def test_change_password_page_in_thai_gives_one_reset_link_in_our_words(
    as_user: Any, citizen_a: User
) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.get(th("account_change_password"))

    # then: no allauth help text under the current password, only our link below
    html = response.content.decode()
    main = _main(html)
    assert response.status_code == 200
    assert html.count(f'href="{th("account_reset_password")}"') == 1
    assert "ลืมรหัสผ่าน" in main
    _assert_in_register(main)


def test_change_password_page_in_english_gives_one_reset_link_in_our_words(
    as_user: Any, citizen_a: User
) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.get(en("account_change_password"))

    # then
    html = response.content.decode()
    assert html.count(f'href="{en("account_reset_password")}"') == 1
    assert "I have forgotten my password" in html
    assert "Forgot your password?" not in html


@pytest.mark.parametrize("url", [th, en])
def test_sign_in_page_still_offers_the_reset_link(client: Client, db: Any, url: Any) -> None:
    # when
    response = client.get(url("account_login"))

    # then
    assert response.status_code == 200
    assert f'href="{url("account_reset_password")}"' in response.content.decode()


def test_confirm_it_is_you_page_offers_the_reset_link_in_our_words(
    as_user: Any, citizen_a: User
) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.get(th("account_reauthenticate"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(f'href="{th("account_reset_password")}"') == 1
    _assert_in_register(_main(html))
