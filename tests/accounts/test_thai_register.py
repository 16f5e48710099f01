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
from allauth.mfa.models import Authenticator
from django.template.loader import get_template, render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

import goodgov.accounts
from goodgov.accounts.models import User
from goodgov.accounts.selectors import password_setting_path
from goodgov.accounts.services import user_totp_activate
from tests.accounts.helpers import PASSWORD, SECRET, en
from tests.conftest import login, make_user

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


# --- The second step at sign-in (/accounts/2fa/) ----------------------------------------
# allauth's Thai called the code box "รหัสตรวจสอบความถูกต้อง" with a "รหัส" placeholder.


def _label(html: str, field_id: str) -> str:
    label = re.search(rf'(?s)<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', html)
    assert label is not None
    return _text(label.group(1))


def _code_input(html: str) -> str:
    box = re.search(r'<input[^>]*name="code"[^>]*>', html)
    assert box is not None
    return box.group(0)


def _error_summary(html: str) -> list[str]:
    summary = re.search(r'(?s)<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html)
    assert summary is not None
    return [_text(m) for m in re.findall(r"(?s)<li>(.*?)</li>", summary.group(1))]


def _at_code_step(client: Client, officer: User, url: Any) -> Any:
    """``officer`` (with TOTP) has typed the password and is asked for the code."""
    user_totp_activate(user=officer, secret=SECRET)
    signed_in = client.post(url("account_login"), {"login": officer.email, "password": PASSWORD})
    assert signed_in["Location"] == url("mfa_authenticate")
    return client


def test_totp_set_up_page_in_thai_names_the_code_box_in_our_words(
    client: Client, clerk: User
) -> None:
    # given
    login(client, clerk, totp=False)

    # when
    response = client.get(th("mfa_activate_totp"))

    # then
    html = response.content.decode()
    assert _label(html, "id_code") == "รหัสยืนยัน 6 หลักจากแอปยืนยันตัวตน"
    assert "placeholder" not in _code_input(html)
    assert "รหัสตรวจสอบความถูกต้อง" not in html
    _assert_in_register(_main(html))


def test_totp_set_up_page_in_english_names_the_code_box_plainly(
    client: Client, clerk: User
) -> None:
    # given
    login(client, clerk, totp=False)

    # when
    response = client.get(en("mfa_activate_totp"))

    # then: a numeric keyboard on phones, the code filled in from the app where it can be
    html = response.content.decode()
    assert _label(html, "id_code") == "6-digit code from your authenticator app"
    box = _code_input(html)
    assert 'inputmode="numeric"' in box
    assert 'autocomplete="one-time-code"' in box
    assert "placeholder" not in box
    assert "Authenticator code" not in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (th, ["กรุณากรอกรหัสยืนยัน 6 หลักจากแอปยืนยันตัวตน"]),
        (en, ["Enter the 6-digit code from your authenticator app"]),
    ],
    ids=["th", "en"],
)
def test_totp_set_up_without_a_code_says_what_to_enter(
    client: Client, clerk: User, url: Any, expected: list[str]
) -> None:
    # given
    login(client, clerk, totp=False)
    client.get(url("mfa_activate_totp"))

    # when
    response = client.post(url("mfa_activate_totp"), {"code": ""})

    # then: not Django's "ฟิลด์นี้จำเป็น" / "This field is required."
    assert _error_summary(response.content.decode()) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [(th, "รหัสไม่ถูกต้อง"), (en, "The code is not correct.")],
    ids=["th", "en"],
)
def test_a_wrong_code_at_set_up_is_named_in_our_words(
    client: Client, clerk: User, url: Any, expected: str
) -> None:
    # given
    login(client, clerk, totp=False)
    client.get(url("mfa_activate_totp"))

    # when
    response = client.post(url("mfa_activate_totp"), {"code": "000000"})

    # then: allauth's "Incorrect code." is not ours
    assert _error_summary(response.content.decode()) == [expected]


@pytest.mark.parametrize(
    ("url", "label"),
    [(th, "รหัสยืนยันจากแอปยืนยันตัวตน"), (en, "Code from your authenticator app")],
    ids=["th", "en"],
)
def test_code_step_at_sign_in_names_the_code_box_in_our_words(
    client: Client, clerk: User, url: Any, label: str
) -> None:
    # given
    _at_code_step(client, clerk, url)

    # when
    response = client.get(url("mfa_authenticate"))

    # then: recovery codes go in the same box, so no numeric keyboard
    html = response.content.decode()
    assert _label(html, "id_code") == label
    box = _code_input(html)
    assert "placeholder" not in box
    assert "inputmode" not in box
    _assert_in_register(_main(html))


@pytest.mark.parametrize(
    ("url", "code", "expected"),
    [
        (th, "", "กรุณากรอกรหัสจากแอปยืนยันตัวตน"),
        (th, "000000", "รหัสไม่ถูกต้อง"),
        (en, "", "Enter the code from your authenticator app"),
        (en, "000000", "The code is not correct."),
    ],
    ids=["th-empty", "th-wrong", "en-empty", "en-wrong"],
)
def test_code_step_at_sign_in_names_errors_in_our_words(
    client: Client, clerk: User, url: Any, code: str, expected: str
) -> None:
    # given
    _at_code_step(client, clerk, url)

    # when
    response = client.post(url("mfa_authenticate"), {"code": code})

    # then: still at the code step, not signed in
    assert _error_summary(response.content.decode()) == [expected]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("url", "label"),
    [(th, "รหัสยืนยันจากแอปยืนยันตัวตน"), (en, "Code from your authenticator app")],
    ids=["th", "en"],
)
def test_confirm_it_is_you_with_the_app_names_the_code_box_in_our_words(
    as_user: Any, clerk: User, url: Any, label: str
) -> None:
    # given: an officer, signed in with the app
    client = as_user(clerk)

    # when
    response = client.get(url("mfa_reauthenticate"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _label(html, "id_code") == label
    assert "placeholder" not in _code_input(html)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (th, "กรุณาตั้งค่าแอปยืนยันตัวตนก่อนสร้างรหัสกู้คืน"),
        (en, "Set up an authenticator app before you make recovery codes."),
    ],
    ids=["th", "en"],
)
def test_recovery_codes_without_an_app_are_refused_in_our_words(
    as_user: Any, citizen_a: User, url: Any, expected: str
) -> None:
    # given: a citizen without an authenticator app
    client = as_user(citizen_a)

    # when
    response = client.post(url("mfa_generate_recovery_codes"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _error_summary(html) == [expected]
    assert not Authenticator.objects.filter(user=citizen_a).exists()
    _assert_in_register(_main(html))


# --- Password pages' labels -------------------------------------------------------------


def _password_labels(html: str, *names: str) -> list[str]:
    return [_label(html, f"id_{name}") for name in names]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (th, ["รหัสผ่านปัจจุบัน", "รหัสผ่านใหม่", "พิมพ์รหัสผ่านใหม่อีกครั้ง"]),
        (en, ["Current password", "New password", "Type the new password again"]),
    ],
    ids=["th", "en"],
)
def test_change_password_labels_are_ours(
    as_user: Any, citizen_a: User, url: Any, expected: list[str]
) -> None:
    # given
    client = as_user(citizen_a)

    # when
    response = client.get(url("account_change_password"))

    # then: sentence case, not allauth's "Current Password", "New Password (again)"
    html = response.content.decode()
    assert _password_labels(html, "oldpassword", "password1", "password2") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [(th, ["รหัสผ่าน", "พิมพ์รหัสผ่านอีกครั้ง"]), (en, ["Password", "Type the password again"])],
    ids=["th", "en"],
)
def test_set_password_labels_are_ours(as_user: Any, db: Any, url: Any, expected: list[str]) -> None:
    # given: an account without a password (made at a counter)
    person = make_user("counter@example.test")
    person.set_unusable_password()
    person.save(update_fields=["password"])
    client = as_user(person)

    # when
    response = client.get(url("account_set_password"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _password_labels(html, "password1", "password2") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (th, ["รหัสผ่านใหม่", "พิมพ์รหัสผ่านใหม่อีกครั้ง"]),
        (en, ["New password", "Type the new password again"]),
    ],
    ids=["th", "en"],
)
def test_reset_password_from_a_link_labels_are_ours(
    client: Client, citizen_a: User, url: Any, expected: list[str]
) -> None:
    # given: the link from the reset email
    with translation.override("th" if url is th else "en"):
        link = password_setting_path(citizen_a)

    # when: allauth moves the key into the session, then shows the form
    form_page = client.get(client.get(link)["Location"])

    # then
    html = form_page.content.decode()
    assert form_page.status_code == 200
    assert _password_labels(html, "password1", "password2") == expected
