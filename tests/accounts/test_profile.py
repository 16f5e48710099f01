from __future__ import annotations

from django.test import Client

from goodgov.accounts.models import User
from tests.accounts.helpers import en
from tests.conftest import login


def test_profile_shows_the_persons_own_details_in_full(client: Client, citizen_a: User) -> None:
    # given
    login(client, citizen_a)

    # when
    response = client.get(en("accounts:profile"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "somchai@example.test" in html
    assert "081-234-5678" in html
    assert "1-1017-00230-70-8" in html
    assert en("account_change_password") in html
    assert en("mfa_index") in html


def test_profile_needs_sign_in(client: Client, db: object) -> None:
    # when
    response = client.get(en("accounts:profile"))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(en("account_login"))


def test_profile_of_a_person_without_phone_or_id_says_none_given(
    client: Client, citizen_b: User
) -> None:
    # given
    citizen_b.national_id_encrypted = ""
    citizen_b.national_id_hash = None
    citizen_b.save(update_fields=["national_id_encrypted", "national_id_hash"])
    login(client, citizen_b)

    # when
    response = client.get(en("accounts:profile"))

    # then
    html = response.content.decode()
    assert html.count("None given") == 2
