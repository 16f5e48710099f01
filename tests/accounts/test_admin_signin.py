"""The Django admin: staff sign in through the platform's sign-in (allauth: throttled,
second factor), never the admin's own form, and must pass TOTP as officers do."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from goodgov.accounts import middleware
from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from tests.accounts.helpers import PASSWORD, SECRET, en, totp_code
from tests.accounts.test_request_user import request_for
from tests.conftest import login, make_user

STAFF_EMAIL = "staff@goodgov.example.test"


@pytest.fixture
def superuser(db: Any) -> User:
    """Django admin staff who holds no role in any agency."""
    return make_user(STAFF_EMAIL, is_staff=True, is_superuser=True)


def _session_user(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _sign_in_for_admin() -> str:
    """Where the admin sends a stranger: the platform's sign-in, back to the admin after."""
    return en("account_login") + "?next=" + quote(en("admin:index"), safe="")


def test_admin_sign_in_page_sends_you_to_the_platforms_sign_in(client: Client, db: Any) -> None:
    # when
    response = client.get(en("admin:index"), follow=True)

    # then
    assert response.redirect_chain == [
        (en("admin:login") + "?next=" + en("admin:index"), 302),
        (_sign_in_for_admin(), 302),
    ]
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in response.content.decode()


def test_admin_sign_in_form_does_not_check_passwords(client: Client, superuser: User) -> None:
    # when: the right password, posted to the admin's own form, as Django's form expects it
    response = client.post(
        en("admin:login") + "?next=" + en("admin:index"),
        {"username": STAFF_EMAIL, "password": PASSWORD},
    )

    # then: sent to the platform's sign-in, not signed in
    assert response.status_code == 302
    assert response["Location"] == _sign_in_for_admin()
    assert _session_user(client) is None


def test_repeated_wrong_passwords_for_staff_are_throttled_like_citizens(
    client: Client, superuser: User
) -> None:
    # given: five failed attempts, each from a different address (the per-account limit)
    sign_in = client.get(en("admin:login"))["Location"]
    for n in range(5):
        response = client.post(
            sign_in,
            {"login": STAFF_EMAIL, "password": f"wrong {n}"},
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
        assert "The email address or password is not correct." in response.content.decode()

    # when: the sixth try, even with the right password, from yet another address
    response = client.post(
        sign_in, {"login": STAFF_EMAIL, "password": PASSWORD}, REMOTE_ADDR="192.0.2.99"
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed attempts to sign in to this account. Wait 5 minutes" in html
    assert _session_user(client) is None
    assert client.get(en("admin:index"))["Location"].startswith(en("admin:login"))


def test_staff_without_totp_is_sent_to_set_it_up_before_the_admin(
    client: Client, superuser: User
) -> None:
    # when: the password at the sign-in the admin sent them to
    response = client.post(
        _sign_in_for_admin(), {"login": STAFF_EMAIL, "password": PASSWORD}, follow=True
    )

    # then
    assert response.redirect_chain[-1][0] == en("mfa_activate_totp")
    assert "Set up your authenticator app" in response.content.decode()
    admin_index = client.get(en("admin:index"))
    assert admin_index.status_code == 302
    assert admin_index["Location"] == en("mfa_activate_totp")

    # when: they set it up
    secret = client.session["mfa.totp.secret"]
    client.post(en("mfa_activate_totp"), {"code": totp_code(secret)})

    # then: the admin opens
    admin_index = client.get(en("admin:index"))
    assert admin_index.status_code == 200
    assert "Site administration" in admin_index.content.decode()


def test_staff_with_totp_who_passed_only_the_password_cannot_open_the_admin(
    client: Client, superuser: User
) -> None:
    # given
    user_totp_activate(user=superuser, secret=SECRET)

    # when: the password only
    response = client.post(_sign_in_for_admin(), {"login": STAFF_EMAIL, "password": PASSWORD})

    # then: asked for the code; not signed in, so the admin sends them to sign in
    assert response.status_code == 302
    assert response["Location"] == en("mfa_authenticate")
    assert _session_user(client) is None
    assert client.get(en("admin:index"))["Location"] == (
        en("admin:login") + "?next=" + en("admin:index")
    )

    # when: the code from the app
    response = client.post(en("mfa_authenticate"), {"code": totp_code(SECRET)})

    # then: back in the admin
    assert response.status_code == 302
    assert response["Location"] == en("admin:index")
    assert _session_user(client) == str(superuser.pk)
    assert client.get(en("admin:index")).status_code == 200


def test_staff_session_that_skipped_totp_is_signed_out(client: Client, superuser: User) -> None:
    # given: signed in some other way, with the password only
    user_totp_activate(user=superuser, secret=SECRET)
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")

    # when
    response = client.get(en("admin:index"))

    # then
    assert response.status_code == 302
    assert response["Location"] == en("account_login") + "?next=" + en("admin:index")
    assert _session_user(client) is None


@pytest.mark.parametrize(
    "flags", [{"is_staff": True}, {"is_superuser": True}], ids=["staff", "superuser"]
)
def test_staff_or_superuser_without_totp_may_use_nothing_but_the_set_up(
    client: Client, db: Any, flags: dict[str, bool]
) -> None:
    # given
    user = make_user(STAFF_EMAIL, None, **flags)
    login(client, user)

    # when
    response = client.get(en("web:dashboard"))

    # then
    assert response.status_code == 302
    assert response["Location"] == en("mfa_activate_totp")


def test_staff_standing_comes_with_the_user_without_a_query(
    superuser: User, django_assert_num_queries: Any
) -> None:
    # given
    user = middleware.get_user(request_for(login(Client(), superuser)))

    # when / then: read with the user, in the same statement
    with django_assert_num_queries(0):
        assert middleware._standing(user) == (True, False)


def test_signed_in_staff_posting_to_the_admin_form_stay_who_they_are(
    client: Client, superuser: User, citizen_b: User
) -> None:
    # given
    user_totp_activate(user=superuser, secret=SECRET)
    login(client, superuser)

    # when: someone else's password, posted to the admin's own form
    response = client.post(
        en("admin:login"), {"username": "malee@example.test", "password": PASSWORD}
    )

    # then: not checked; still the same staff member
    assert response.status_code == 302
    assert response["Location"] == en("admin:index")
    assert _session_user(client) == str(superuser.pk)


def test_signed_in_non_staff_are_answered_not_found_at_the_admin(
    client: Client, citizen_b: User
) -> None:
    # given
    login(client, citizen_b)

    # when
    response = client.get(en("admin:index"), follow=True)

    # then
    assert response.status_code == 404
    assert _session_user(client) == str(citizen_b.pk)
