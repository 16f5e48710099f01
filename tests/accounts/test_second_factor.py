from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from goodgov.agencies import services as agency_services
from goodgov.agencies.models import Membership
from tests.accounts.helpers import SECRET, en, totp_code
from tests.conftest import login

PAGES = [
    ("web:home", {}),
    ("web:dashboard", {}),
    ("accounts:profile", {}),
    ("account_change_password", {}),
    ("agencies:index", {}),
    ("agencies:officers", {"code": "TBNK"}),
    ("office:queue", {}),
]


def _password_only(client: Client, user: User) -> Client:
    """Signed in, but the session never passed a second factor."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_officer_without_totp_is_sent_to_set_it_up_from_any_page(
    client: Client, agency_admin: User, name: str, kwargs: dict[str, Any]
) -> None:
    # given
    login(client, agency_admin, totp=False)

    # when
    response = client.get(en(name, **kwargs))

    # then
    assert response.status_code == 302
    assert response["Location"] == en("mfa_activate_totp")


def test_officer_without_totp_may_use_the_set_up_page_and_sign_out(
    client: Client, clerk: User
) -> None:
    # given
    login(client, clerk, totp=False)

    # when
    setup = client.get(en("mfa_activate_totp"))
    # then
    html = setup.content.decode()
    assert setup.status_code == 200
    assert "Set up your authenticator app" in html
    assert 'src="data:image/svg+xml;base64,' in html

    # when
    response = client.post(en("account_logout"))
    # then
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_officer_sets_up_totp_and_carries_on_signed_in(client: Client, clerk: User) -> None:
    # given
    login(client, clerk, totp=False)
    client.get(en("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    # when
    response = client.post(en("mfa_activate_totp"), {"code": totp_code(secret)})

    # then: recovery codes are shown, then the officer's pages open
    assert response.status_code == 302
    assert response["Location"] == en("mfa_view_recovery_codes")
    codes = client.get(en("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert "Recovery codes" in codes.content.decode()
    profile = client.get(en("accounts:profile"))
    assert profile.status_code == 200
    assert "Authenticator app" in profile.content.decode()


def test_wrong_code_at_set_up_keeps_the_officer_on_the_set_up_page(
    client: Client, clerk: User
) -> None:
    # given
    login(client, clerk, totp=False)
    client.get(en("mfa_activate_totp"))

    # when
    response = client.post(en("mfa_activate_totp"), {"code": "12345x"})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_code"' in html
    assert client.get(en("web:home"))["Location"] == en("mfa_activate_totp")


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_officer_with_totp_whose_session_skipped_it_is_signed_out(
    client: Client, clerk: User, name: str, kwargs: dict[str, Any]
) -> None:
    # given
    user_totp_activate(user=clerk, secret=SECRET)
    _password_only(client, clerk)

    # when
    response = client.get(en(name, **kwargs))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(en("account_login") + "?next=")
    assert "_auth_user_id" not in client.session


def test_officer_with_totp_and_a_full_sign_in_gets_through(
    client: Client, agency_admin: User
) -> None:
    # given
    user_totp_activate(user=agency_admin, secret=SECRET)
    login(client, agency_admin)

    # when
    response = client.get(en("agencies:officers", code="TBNK"))

    # then
    assert response.status_code == 200


def test_citizens_are_not_asked_for_a_second_factor(client: Client, citizen_a: User) -> None:
    # given
    _password_only(client, citizen_a)

    # when
    response = client.get(en("accounts:profile"))

    # then
    assert response.status_code == 200


def test_a_former_officer_is_treated_as_a_citizen(client: Client, clerk: User) -> None:
    # given
    for membership in Membership.objects.filter(user=clerk):
        agency_services.membership_revoke(actor=None, membership=membership)
    _password_only(client, clerk)

    # when
    response = client.get(en("accounts:profile"))

    # then
    assert response.status_code == 200
