"""Who may see and change an agency's officers: its own admins, nobody else.

Every refused request must leave memberships and the ledger exactly as they were.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from goodgov.accounts.models import User
from goodgov.agencies.models import Membership
from goodgov.ledger.models import Event
from tests.accounts.helpers import en
from tests.agencies.conftest import sign_in

ACTORS = ["anonymous", "citizen_a", "clerk", "foreign_officer", "agency_admin"]
ALLOWED = {"agency_admin"}


def _memberships() -> list[tuple[Any, ...]]:
    return list(
        Membership.objects.order_by("id").values_list("user_id", "agency_id", "role", "active")
    )


def _client_for(actor: str, request: Any) -> tuple[Client, User | None]:
    user = None if actor == "anonymous" else request.getfixturevalue(actor)
    return sign_in(Client(), user), user


def _assert_refused(response: Any, actor: str) -> None:
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(en("account_login"))
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_list_officers_of_tbnk(actor: str, request: Any, clerk: User, agency_admin: User) -> None:
    # given
    client, _ = _client_for(actor, request)

    # when
    response = client.get(en("agencies:officers", code="TBNK"))

    # then
    if actor in ALLOWED:
        html = response.content.decode()
        assert response.status_code == 200
        assert "clerk@tbnk.example.test" in html
        assert "admin@tbnk.example.test" in html
        assert "Case officer" in html
    else:
        _assert_refused(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_see_one_officer_of_tbnk(actor: str, request: Any, clerk: User, agency_admin: User) -> None:
    # given
    client, _ = _client_for(actor, request)

    # when
    response = client.get(en("agencies:officer", code="TBNK", user_id=clerk.pk))

    # then
    if actor in ALLOWED:
        assert response.status_code == 200
        assert "clerk@tbnk.example.test" in response.content.decode()
    else:
        _assert_refused(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_grant_a_role_in_tbnk(actor: str, request: Any, clerk: User, agency_admin: User) -> None:
    # given
    client, _ = _client_for(actor, request)
    memberships, events = _memberships(), Event.objects.count()

    # when
    response = client.post(
        en("agencies:role_grant", code="TBNK", user_id=clerk.pk), {"role": "approver"}
    )

    # then
    if actor in ALLOWED:
        assert response.status_code == 302
        assert response["Location"] == en("agencies:officer", code="TBNK", user_id=clerk.pk)
        assert Membership.objects.filter(user=clerk, role="approver", active=True).exists()
        assert Event.objects.count() == events + 1
        assert Event.objects.last().action == "membership.granted"
        assert Event.objects.last().actor_id == agency_admin.pk
    else:
        _assert_refused(response, actor)
        assert _memberships() == memberships
        assert Event.objects.count() == events


@pytest.mark.parametrize("actor", ACTORS)
def test_revoke_a_role_in_tbnk(actor: str, request: Any, clerk: User, agency_admin: User) -> None:
    # given
    client, _ = _client_for(actor, request)
    memberships, events = _memberships(), Event.objects.count()

    # when
    response = client.post(
        en("agencies:role_revoke", code="TBNK", user_id=clerk.pk), {"role": "officer"}
    )

    # then
    if actor in ALLOWED:
        assert response.status_code == 302
        assert not Membership.objects.filter(user=clerk, role="officer", active=True).exists()
        assert Event.objects.count() == events + 1
        assert Event.objects.last().action == "membership.revoked"
    else:
        _assert_refused(response, actor)
        assert _memberships() == memberships
        assert Event.objects.count() == events


@pytest.mark.parametrize("actor", ACTORS)
def test_add_an_officer_to_tbnk(actor: str, request: Any, clerk: User, agency_admin: User) -> None:
    # given
    client, _ = _client_for(actor, request)
    memberships, events, users = _memberships(), Event.objects.count(), User.objects.count()

    # when
    response = client.post(
        en("agencies:officer_add", code="TBNK"),
        {"email": "new.officer@example.test", "full_name": "นายใหม่ ทดลอง", "roles": ["officer"]},
    )

    # then
    if actor in ALLOWED:
        assert response.status_code == 200
        assert User.objects.count() == users + 1
        assert Event.objects.count() == events + 2  # person.registered, membership.granted
    else:
        _assert_refused(response, actor)
        assert _memberships() == memberships
        assert Event.objects.count() == events
        assert User.objects.count() == users


def test_foreign_admin_can_manage_their_own_agency_only(
    client: Client, foreign_officer: User, clerk: User
) -> None:
    # given
    sign_in(client, foreign_officer)

    # when
    own = client.get(en("agencies:officers", code="DEPT"))
    other = client.get(en("agencies:officer", code="TBNK", user_id=clerk.pk))
    missing = client.get(en("agencies:officers", code="NOPE"))

    # then: another agency and an agency that does not exist look the same
    assert own.status_code == 200
    assert other.status_code == 404
    assert missing.status_code == 404


def test_admin_cannot_see_or_change_someone_who_is_not_an_officer_of_their_agency(
    client: Client, agency_admin: User, citizen_a: User, foreign_officer: User
) -> None:
    # given
    sign_in(client, agency_admin)
    memberships, events = _memberships(), Event.objects.count()

    # when
    seen = client.get(en("agencies:officer", code="TBNK", user_id=citizen_a.pk))
    granted = client.post(
        en("agencies:role_grant", code="TBNK", user_id=foreign_officer.pk), {"role": "officer"}
    )
    revoked = client.post(
        en("agencies:role_revoke", code="TBNK", user_id=foreign_officer.pk), {"role": "admin"}
    )

    # then
    assert (seen.status_code, granted.status_code, revoked.status_code) == (404, 404, 404)
    assert _memberships() == memberships
    assert Event.objects.count() == events
