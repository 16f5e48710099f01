from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from goodgov.accounts.models import User
from goodgov.accounts.selectors import user_by_national_id
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from tests.conftest import ID_A, ID_B

PASSWORD = "plum tree lantern 42"


def en(name: str) -> str:
    """The English site's URL: tests that read English text use it."""
    with translation.override("en"):
        return reverse(name)


def th(name: str) -> str:
    with translation.override("th"):
        return reverse(name)


def _signup(client: Client, **fields: str) -> Any:
    data = {
        "full_name": "นางสาวทดลอง ใช้ระบบ",
        "email": "",
        "phone": "",
        "national_id": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    return client.post(en("account_signup"), data)


def test_signup_page_shows_our_fields_in_govuk_markup(client: Client, db: Any) -> None:
    # when
    response = client.get(en("account_signup"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_full_name"' in html
    assert 'id="id_national_id"' in html
    assert 'type="tel"' in html
    assert "govuk-input" in html
    assert "placeholder" not in html
    assert '{% extends "base.html" %}' not in html
    assert 'class="govuk-skip-link"' in html


def test_signup_with_email_creates_the_account_and_records_registration(
    client: Client, db: Any
) -> None:
    # when
    response = _signup(client, email="Fah@Example.test", national_id="1-1017-00230-70-8")

    # then
    assert response.status_code == 302
    user = User.objects.get(email="fah@example.test")
    assert user.full_name == "นางสาวทดลอง ใช้ระบบ"
    assert user.phone is None
    assert user.check_password(PASSWORD)
    # the ID is kept as the person's claim: nobody has seen their ID card, so no
    # registry, consent or look-up reaches it until a counter officer confirms it
    assert user.national_id_claimed == ID_A
    assert user.national_id == ""
    assert user_by_national_id(ID_A) is None
    assert ID_A not in user.national_id_claim_encrypted
    assert user.preferred_language == "en"
    event = Event.objects.get(action="person.registered")
    assert event.subject_id == str(user.pk)
    assert event.actor_id == user.pk
    assert event.public["channel"] == "online"
    assert set(event.public) == {"person", "channel"}
    assert event.public["person"] == commitment(user)
    assert "fah" not in json.dumps(event.public)
    # and the person is signed in
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_a_thai_local_phone_number_stores_e164(client: Client, db: Any) -> None:
    # when
    response = _signup(client, phone="081-234-5678")

    # then
    assert response.status_code == 302
    user = User.objects.get(phone="+66812345678")
    assert user.email is None
    assert user.phone_verified is False
    assert Event.objects.filter(action="person.registered", subject_id=str(user.pk)).count() == 1


def test_signup_without_email_or_phone_is_refused(client: Client, db: Any) -> None:
    # when
    response = _signup(client)

    # then
    assert response.status_code == 200
    assert "Enter an email address or a mobile phone number" in response.content.decode()
    assert User.objects.count() == 0


def test_signup_with_an_invalid_phone_number_is_refused_and_keeps_what_was_typed(
    client: Client, db: Any
) -> None:
    # when
    response = _signup(client, phone="02-123", email="ploy@example.test")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a mobile phone number, like 081 234 5678 or +66 81 234 5678" in html
    assert 'value="02-123"' in html
    assert 'value="ploy@example.test"' in html
    assert User.objects.count() == 0


def test_bad_national_id_keeps_what_was_typed_and_says_why(client: Client, db: Any) -> None:
    # when: the check digit is wrong
    response = _signup(client, email="nok@example.test", national_id="1101700230709")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid 13-digit national ID number" in html
    assert 'href="#id_national_id"' in html
    assert 'value="1101700230709"' in html
    assert 'value="nok@example.test"' in html
    assert 'value="นางสาวทดลอง ใช้ระบบ"' in html
    assert User.objects.count() == 0
    assert Event.objects.filter(action="person.registered").count() == 0


def test_duplicate_national_id_is_refused_with_a_clear_message(
    client: Client, citizen_b: User
) -> None:
    # given
    events_before = Event.objects.count()

    # when
    response = _signup(client, email="other@example.test", national_id=ID_B)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "An account with this national ID number already exists." in html
    assert f'value="{ID_B}"' in html
    assert not User.objects.filter(email="other@example.test").exists()
    assert Event.objects.count() == events_before


def test_duplicate_phone_is_refused_in_any_form_it_is_typed(
    client: Client, citizen_a: User
) -> None:
    # when: citizen_a has +66812345678
    response = _signup(client, phone="081 234 5678")

    # then
    assert response.status_code == 200
    assert "An account with this phone number already exists." in response.content.decode()
    assert User.objects.filter(phone="+66812345678").count() == 1


def test_signup_errors_are_translated_on_the_thai_site(client: Client, db: Any) -> None:
    # given: the Thai catalogue may not have our messages yet, but Django's own are Thai
    # when
    response = client.post(
        th("account_signup"),
        {"full_name": "", "email": "x@example.test", "password1": "a", "password2": "a"},
        HTTP_ACCEPT_LANGUAGE="th",
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th"' in html
    assert '<a href="#id_full_name">กรุณากรอกชื่อและนามสกุล</a>' in html
    assert "ฟิลด์นี้จำเป็น" not in html  # not Django's generic "This field is required."


def test_national_id_is_not_readable_in_the_database(citizen_a: User) -> None:
    # when
    stored = User.objects.filter(pk=citizen_a.pk).values(
        "national_id_encrypted", "national_id_hash"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id_encrypted, national_id_hash FROM accounts_user")
        raw_rows = cursor.fetchall()

    # then: the model decrypts it ...
    assert citizen_a.national_id == ID_A
    # ... but the values in the row and in raw SQL do not hold the digits
    assert stored
    for row in stored:
        assert ID_A not in str(row["national_id_encrypted"])
        assert ID_A not in str(row["national_id_hash"])
    assert raw_rows
    for encrypted, hashed in raw_rows:
        assert encrypted.startswith("v1:")
        assert ID_A not in encrypted
        assert ID_A not in (hashed or "")
    # and the keyed hash finds the person, however the number is written
    assert user_by_national_id("1-1017-00230-70-8") == citizen_a
    assert user_by_national_id(ID_B) is None
