"""Sign-in: what a refused sign-in says, and phone numbers however they are typed.

The platform has no usernames: a failure speaks of an email address or a mobile phone
number. The limit on failed sign-ins is kept per address (IP) and per account
(``ACCOUNT_RATE_LIMITS``), and the message says which one was reached. A phone number
is found however it is typed: Thai digits, spaces, dashes, +66.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

import pytest
from allauth.core.internal.ratelimit import Rate, get_rates
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from goodgov.accounts import phone
from goodgov.accounts.models import User
from tests.accounts.helpers import PASSWORD, en

NOT_EMAIL_OR_PHONE = (
    "Enter an email address or a mobile phone number in the correct format, like "
    "name@example.com or 081 234 5678"
)
FROM_THIS_NETWORK = "Too many failed sign-in attempts from this device or network."
THIS_ACCOUNT = "Too many failed attempts to sign in to this account."


def _session_user(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return match.group(0) if match else ""


def _thai(name: str) -> str:
    with translation.override("th"):
        return reverse(name)


# Neither an email address nor a phone number.


def test_sign_in_with_neither_email_nor_phone_says_so_in_english(
    client: Client, citizen_a: User
) -> None:
    # when
    response = client.post(en("account_login"), {"login": "somchai", "password": PASSWORD})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert NOT_EMAIL_OR_PHONE in _error_summary(html)
    assert "username" not in _error_summary(html).lower()
    assert _session_user(client) is None


@pytest.mark.parametrize("typed", ["somchai", "a" * 10_000, "somchai@", "081 234"])
def test_neither_email_nor_phone_is_an_error_on_the_field_linked_from_the_summary(
    client: Client, citizen_a: User, typed: str
) -> None:
    # when
    response = client.post(en("account_login"), {"login": typed, "password": PASSWORD})

    # then: the summary links to the field, which carries the message and what was typed
    html = response.content.decode()
    assert f'<a href="#id_login">{NOT_EMAIL_OR_PHONE}</a>' in _error_summary(html)
    assert (
        f'id="id_login_error"><span class="govuk-visually-hidden">Error:</span> '
        f"{NOT_EMAIL_OR_PHONE}</p>"
    ) in html
    assert (
        'aria-describedby="id_login_error" id="id_login" class="govuk-input govuk-input--error"'
        in html
    )
    assert f'value="{typed}"' in html
    assert _session_user(client) is None


def test_sign_in_with_neither_email_nor_phone_never_speaks_of_a_username_in_thai(
    client: Client, citizen_a: User
) -> None:
    # when: the Thai site (allauth's own Thai says "ชื่อผู้ใช้และ/หรือรหัสผ่าน...")
    response = client.post(_thai("account_login"), {"login": "somchai", "password": PASSWORD})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _error_summary(html)
    assert "ชื่อผู้ใช้" not in html
    assert _session_user(client) is None


@pytest.mark.parametrize("code", ["username_password_mismatch", "invalid_login"])
def test_no_sign_in_failure_speaks_of_a_username(code: str) -> None:
    # given
    from allauth.account.adapter import get_adapter

    # when
    with translation.override("en"):
        text = str(get_adapter().error_messages[code])

    # then
    assert "username" not in text.lower() and "login" not in text.lower()


# Phone numbers typed in any accepted form.


@pytest.mark.parametrize(
    "typed",
    [
        "๐๘๑๒๓๔๕๖๗๘",  # Thai digits
        "๐๘๑-๒๓๔-๕๖๗๘",
        "+๖๖ ๘๑ ๒๓๔ ๕๖๗๘",
        "081\u2013234\u20135678",  # en dashes, as pasted from a document
    ],
)
def test_citizen_signs_in_with_a_phone_number_typed_any_accepted_way(
    client: Client, citizen_a: User, typed: str
) -> None:
    # given: citizen_a's phone is stored as +66812345678
    # when
    response = client.post(en("account_login"), {"login": typed, "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert _session_user(client) == str(citizen_a.pk)


def test_thai_digits_become_ascii_digits() -> None:
    assert phone.normalise("๐๘๑๒๓๔๕๖๗๘") == "+66812345678"
    assert phone.normalise("+๖๖ ๘๑ ๒๓๔ ๕๖๗๘") == "+66812345678"


def test_other_scripts_digits_are_not_stored() -> None:
    # Arabic-Indic digits are digits to a regex's \d, but not a phone number we store.
    with pytest.raises(ValidationError) as info:
        phone.normalise("+668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668")
    assert info.value.code == "invalid_phone"


def test_sign_up_with_a_phone_number_in_thai_digits_stores_it_in_e164(
    client: Client, db: Any
) -> None:
    # when
    response = client.post(
        en("account_signup"),
        {
            "full_name": "สมศรี ทดสอบ",
            "phone": "๐๙๑-๒๓๔-๕๖๗๘",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )

    # then
    assert response.status_code == 302
    assert User.objects.get(full_name="สมศรี ทดสอบ").phone == "+66912345678"


# Too many failed sign-ins: which limit was reached.


def _fail(client: Client, login: str, n: int, ip: str) -> str:
    response = client.post(
        en("account_login"), {"login": login, "password": f"wrong {n}"}, REMOTE_ADDR=ip
    )
    return response.content.decode()


def _per_address_limit() -> Rate:
    """The per-address (IP) limit of failed sign-ins in ``ACCOUNT_RATE_LIMITS``."""
    rates = get_rates(app="allauth.account", action="login_failed")
    return next(rate for rate in rates if rate.per == "ip")


def _use_up_the_address_limit(client: Client, ip: str) -> None:
    # Failed sign-ins to many accounts (some nobody's), none of them five times, so only
    # the limit per address can be reached.
    for n in range(_per_address_limit().amount):
        login = "malee@example.test" if n < 3 else f"nobody{n // 4}@example.test"
        assert "The email address or password is not correct." in _fail(client, login, n, ip)


def test_failures_from_one_network_say_so_when_another_account_signs_in(
    client: Client, citizen_a: User, citizen_b: User
) -> None:
    # given: the limit of failed sign-ins from one address used up, on other accounts
    _use_up_the_address_limit(client, "203.0.113.7")
    minutes = math.ceil(_per_address_limit().duration / 60)

    # when: another person's right password, from the same address
    response = client.post(
        en("account_login"),
        {"login": "somchai@example.test", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )

    # then: refused, and the message is about this device or network, not the account
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{FROM_THIS_NETWORK} Try again in {minutes} minutes." in html
    assert THIS_ACCOUNT not in html
    assert _session_user(client) is None

    # and: the same person from another network still signs in
    response = client.post(
        en("account_login"),
        {"login": "somchai@example.test", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert _session_user(client) == str(citizen_a.pk)


def test_failures_from_one_network_are_told_in_thai_without_blaming_the_account(
    client: Client, citizen_a: User, citizen_b: User
) -> None:
    # given
    _use_up_the_address_limit(client, "203.0.113.11")

    # when: on the Thai site
    response = client.post(
        _thai("account_login"),
        {"login": "somchai@example.test", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.11",
    )

    # then: not the per-account sentence ("...เข้าสู่ระบบบัญชีนี้...")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert "บัญชีนี้" not in html
    assert _session_user(client) is None


def test_network_limit_message_counts_down_the_minutes(
    client: Client, citizen_a: User, citizen_b: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the limit of one address used up
    _use_up_the_address_limit(client, "203.0.113.10")
    minutes_left = math.ceil((_per_address_limit().duration - 150) / 60)

    # when: two and a half minutes later
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 150)
    response = client.post(
        en("account_login"),
        {"login": "somchai@example.test", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.10",
    )

    # then: the oldest failure stops counting in two and a half minutes
    html = response.content.decode()
    unit = "minute" if minutes_left == 1 else "minutes"
    assert f"{FROM_THIS_NETWORK} Try again in {minutes_left} {unit}." in html


def test_failures_for_one_phone_number_do_not_lock_other_phone_numbers(
    client: Client, citizen_a: User, citizen_b: User
) -> None:
    # given: citizen_b has a phone number too; five failed sign-ins to citizen_a's
    # number, typed in different ways, from different addresses
    citizen_b.phone = "+66899999999"
    citizen_b.save(update_fields=["phone"])
    for n, typed in enumerate(
        ["0812345678", "081-234-5678", "+66 81 234 5678", "๐๘๑๒๓๔๕๖๗๘", "66812345678"]
    ):
        assert "The phone number or password is not correct." in _fail(
            client, typed, n, f"192.0.2.{n + 10}"
        )

    # when: citizen_b signs in with their number from yet another address
    response = client.post(
        en("account_login"),
        {"login": "089-999-9999", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.60",
    )

    # then
    assert response.status_code == 302
    assert _session_user(client) == str(citizen_b.pk)

    # and: citizen_a's number, however typed, has reached the per-account limit
    client.logout()
    response = client.post(
        en("account_login"),
        {"login": "+66812345678", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.61",
    )
    assert THIS_ACCOUNT in response.content.decode()
    assert _session_user(client) is None
