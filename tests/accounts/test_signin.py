from __future__ import annotations

from typing import Any

from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from tests.accounts.helpers import PASSWORD, SECRET, en, totp_code


def _session_user(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_sign_in_page_is_ours(client: Client, db: Any) -> None:
    # when
    response = client.get(en("account_login"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert (
        '<label class="govuk-label" for="id_login">Email address or mobile phone number</label>'
        in html
    )
    assert 'autocomplete="current-password"' in html
    assert "placeholder" not in html
    assert en("account_signup") in html


def test_citizen_signs_in_with_email_and_password(client: Client, citizen_b: User) -> None:
    # when
    response = client.post(
        en("account_login"), {"login": "MALEE@example.test", "password": PASSWORD}
    )

    # then: no second factor for citizens
    assert response.status_code == 302
    assert _session_user(client) == str(citizen_b.pk)


def test_citizen_signs_in_with_a_phone_number_typed_the_thai_way(
    client: Client, citizen_a: User
) -> None:
    # given: citizen_a's phone is stored as +66812345678
    # when
    response = client.post(en("account_login"), {"login": "081-234-5678", "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert _session_user(client) == str(citizen_a.pk)


def test_wrong_password_is_refused_with_a_clear_message(client: Client, citizen_b: User) -> None:
    # when
    response = client.post(
        en("account_login"), {"login": "malee@example.test", "password": "wrong password"}
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "The email address or password is not correct." in html
    assert 'class="govuk-error-summary"' in html
    assert 'value="malee@example.test"' in html
    assert _session_user(client) is None


def test_sixth_failed_attempt_on_one_account_within_five_minutes_is_refused(
    client: Client, citizen_b: User
) -> None:
    # given: five failed attempts, each from a different address, so that only the
    # per-account limit (5 in 5 minutes) can stop the sixth
    for n in range(5):
        response = client.post(
            en("account_login"),
            {"login": "malee@example.test", "password": f"wrong {n}"},
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
        assert "The email address or password is not correct." in response.content.decode()

    # when: the sixth try, even with the right password, from yet another address
    response = client.post(
        en("account_login"),
        {"login": "malee@example.test", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.99",
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed attempts to sign in to this account. Wait 5 minutes" in html
    assert _session_user(client) is None


def test_another_account_is_not_locked_by_someone_elses_failures(
    client: Client, citizen_a: User, citizen_b: User
) -> None:
    # given
    for n in range(5):
        client.post(
            en("account_login"),
            {"login": "malee@example.test", "password": f"wrong {n}"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )

    # when
    response = client.post(
        en("account_login"),
        {"login": "somchai@example.test", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.50",
    )

    # then
    assert response.status_code == 302
    assert _session_user(client) == str(citizen_a.pk)


def test_officer_signs_in_with_password_then_totp_code_and_reaches_officer_pages(
    client: Client, agency_admin: User
) -> None:
    # given
    user_totp_activate(user=agency_admin, secret=SECRET)

    # when: the password ...
    response = client.post(
        en("account_login"), {"login": "admin@tbnk.example.test", "password": PASSWORD}
    )

    # then: ... is not enough
    assert response.status_code == 302
    assert response["Location"] == en("mfa_authenticate")
    assert _session_user(client) is None
    page = client.get(en("mfa_authenticate"))
    assert "Enter the code from your authenticator app" in page.content.decode()

    # when: a wrong code
    response = client.post(en("mfa_authenticate"), {"code": "000000"})
    # then
    assert response.status_code == 200
    assert _session_user(client) is None

    # when: the code the app shows
    response = client.post(en("mfa_authenticate"), {"code": totp_code(SECRET)})

    # then
    assert response.status_code == 302
    assert _session_user(client) == str(agency_admin.pk)
    officers = client.get(en("agencies:officers", code="TBNK"))
    assert officers.status_code == 200
    assert "admin@tbnk.example.test" in officers.content.decode()


def test_sign_out_is_a_post(client: Client, citizen_b: User) -> None:
    # given
    client.post(en("account_login"), {"login": "malee@example.test", "password": PASSWORD})
    assert _session_user(client) == str(citizen_b.pk)

    # when: a GET shows a confirmation page only
    page = client.get(en("account_logout"))
    # then
    assert page.status_code == 200
    assert _session_user(client) == str(citizen_b.pk)

    # when
    client.post(en("account_logout"))
    # then
    assert _session_user(client) is None


def test_officer_without_totp_goes_from_sign_in_straight_to_set_up(
    client: Client, clerk: User
) -> None:
    # when
    response = client.post(
        en("account_login"),
        {"login": "clerk@tbnk.example.test", "password": PASSWORD},
        follow=True,
    )

    # then: not asked for the password again on the way
    assert response.redirect_chain[-1][0] == en("mfa_activate_totp")
    assert response.status_code == 200
    assert "Set up your authenticator app" in response.content.decode()
