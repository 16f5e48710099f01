"""Adding an officer by email: who may be given an agency's roles, and what the admin is told.

An existing account may be given roles only if it is already an officer's (it holds or
held a role in some agency, or an agency made it). A person's own account is refused
without saying whose it is: nobody becomes an officer without their consent. Giving
nothing is not reported as success, and the message names only the roles given.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from goodgov.accounts.models import User
from goodgov.accounts.services import user_register
from goodgov.agencies import selectors, services
from goodgov.agencies.models import Agency, Membership
from goodgov.ledger.models import Event
from tests.accounts.helpers import en
from tests.agencies.conftest import sign_in
from tests.conftest import make_user

PERSONAL = (
    "This email address is used by a personal account. Use the person's work email "
    "address: a personal account cannot be given an agency's powers."
)
ALREADY = (
    "This person already holds every role you chose in this agency. Choose a role they "
    "do not hold yet."
)


def _state() -> tuple[Any, ...]:
    return (
        list(
            Membership.objects.order_by("id").values_list("user_id", "agency_id", "role", "active")
        ),
        Event.objects.count(),
        list(User.objects.order_by("id").values_list("id", "email", "full_name")),
    )


def _add(client: Client, **data: Any) -> Any:
    return client.post(en("agencies:officer_add", code="TBNK"), data)


def test_a_citizens_own_account_is_refused_without_naming_them(agency_admin: User) -> None:
    # given: a person who made their own account, under their own name
    citizen = make_user("malee.s@example.test")
    User.objects.filter(pk=citizen.pk).update(full_name="นางมาลี ศรีสุข")
    client = sign_in(Client(), agency_admin)
    before = _state()

    # when
    response = _add(
        client, email="Malee.S@example.test", full_name="ใครก็ได้", roles=["officer", "admin"]
    )

    # then: the form again, the error on the email, the name behind it not shown
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert f'<a href="#id_email">{PERSONAL}</a>' in page
    assert "นางมาลี ศรีสุข" not in page
    assert 'value="ใครก็ได้"' in page  # what the admin typed stays
    assert _state() == before
    assert not Membership.objects.filter(user=citizen).exists()


def test_the_service_refuses_a_personal_account_registered_online(
    agency: Agency, agency_admin: User
) -> None:
    # given
    citizen = user_register(full_name="นายสมหมาย", email="sommai@example.test", password="x" * 12)

    # when / then
    with pytest.raises(ValidationError) as raised:
        services.officer_add(
            actor=agency_admin,
            agency=agency,
            email="sommai@example.test",
            full_name="x",
            roles=["officer"],
        )
    with translation.override("en"):
        assert raised.value.message_dict == {"email": [PERSONAL]}
    assert not Membership.objects.filter(user=citizen).exists()


def test_an_account_an_agency_made_is_an_officer_account_even_without_roles(db: Any) -> None:
    # given: one account an agency made, one a person made
    made = user_register(full_name="นายงาน", email="work@tbnk.example.test", channel="agency")
    own = user_register(full_name="นายเอง", email="own@example.test", channel="online")
    counter = user_register(
        full_name="นางจุด", phone="0812345679", channel="counter", contact_required=False
    )

    # then
    assert selectors.is_officer_account(made) is True
    assert selectors.is_officer_account(own) is False
    assert selectors.is_officer_account(counter) is False


def test_only_officer_accounts_can_be_given_roles(
    agency_admin: User, foreign_officer: User, clerk: User, citizen_b: User
) -> None:
    """An officer of another agency (who has signed in), and a former officer of this
    one, are given roles; a person's own account is not."""
    # given: the clerk's only role in TBNK was removed; DEPT's officer has signed in
    sign_in(Client(), foreign_officer)
    services.membership_revoke(
        actor=agency_admin, membership=Membership.objects.get(user=clerk, role="officer")
    )
    client = sign_in(Client(), agency_admin)

    # when
    foreign = _add(client, email="officer@dept.example.test", full_name="x", roles=["counter"])
    former = _add(client, email="clerk@tbnk.example.test", full_name="clerk", roles=["officer"])
    own = _add(client, email="malee@example.test", full_name="malee", roles=["officer"])

    # then
    assert (foreign.status_code, former.status_code, own.status_code) == (302, 302, 400)
    assert foreign["Location"] == en("agencies:officer", code="TBNK", user_id=foreign_officer.pk)
    assert Membership.objects.get(user=foreign_officer, agency__code="TBNK").role == "counter"
    assert Membership.objects.get(user=clerk, role="officer").active is True
    assert not Membership.objects.filter(user=citizen_b).exists()


def test_someone_who_holds_every_role_chosen_is_told_so_and_nothing_is_recorded(
    agency_admin: User, approver: User
) -> None:
    # given: the approver holds "officer" and "approver"
    client = sign_in(Client(), agency_admin)
    before = _state()

    # when
    response = _add(
        client,
        email="approver@tbnk.example.test",
        full_name="นายพิมพ์ ยาวมาก",
        roles=["officer", "approver"],
    )

    # then: an error on the roles, no "Done", the typed name kept
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert f'<a href="#id_roles_0">{ALREADY}</a>' in page
    assert "now holds" not in page
    assert 'value="นายพิมพ์ ยาวมาก"' in page
    assert _state() == before


def test_the_message_names_only_the_roles_given(agency_admin: User, clerk: User) -> None:
    # given: the clerk holds "officer" already
    client = sign_in(Client(), agency_admin)
    events = Event.objects.count()

    # when
    response = _add(
        client, email="clerk@tbnk.example.test", full_name="clerk", roles=["officer", "approver"]
    )

    # then
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "clerk now holds these roles: Approving officer</p>" in page
    assert Event.objects.count() == events + 1
    assert Event.objects.last().public["role"] == "approver"  # type: ignore[union-attr]


def test_a_different_typed_name_is_said_not_to_be_used(agency_admin: User, clerk: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)

    # when
    response = _add(
        client, email="clerk@tbnk.example.test", full_name="นายเสมียน ใหม่", roles=["counter"]
    )

    # then: the account keeps its name, and the admin is told the typed one was not used
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert (
        "clerk already had an account, so the name you typed was not used. "
        "They now hold these roles: Counter officer (files on behalf of people)"
    ) in page
    clerk.refresh_from_db()
    assert clerk.full_name == "clerk"


def test_each_field_has_its_own_message_and_bad_input_is_a_400(agency_admin: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)

    # when
    empty = _add(client)
    malformed = _add(client, email="dao@", full_name="ดาว", roles=["officer"])
    thai = client.post("/agency/TBNK/officers/add/", {"email": "dao@"})

    # then
    assert (empty.status_code, malformed.status_code, thai.status_code) == (400, 400, 400)
    page = html.unescape(empty.content.decode())
    assert '<a href="#id_email">Enter the person\'s email address</a>' in page
    assert '<a href="#id_full_name">Enter the person\'s full name</a>' in page
    assert '<a href="#id_roles_0">Select at least one role</a>' in page
    assert "This field is required" not in page
    assert (
        '<a href="#id_email">Enter an email address in the correct format, '
        "like name@example.go.th</a>"
    ) in html.unescape(malformed.content.decode())
    # Django's own Thai ("enter a valid email address", "this field is required") is gone
    thai_page = thai.content.decode()
    assert "ป้อนที่อยู่อีเมลที่ถูกต้อง" not in thai_page
    assert "ฟิลด์นี้จำเป็น" not in thai_page


def test_a_former_officers_page_shows_only_what_this_agency_did(
    agency_admin: User, foreign_officer: User, agency: Agency
) -> None:
    # given: an officer of DEPT (four roles there) was given, then lost, a role in TBNK
    membership = services.membership_grant(
        actor=agency_admin, user=foreign_officer, agency=agency, role="officer"
    )
    services.membership_revoke(actor=agency_admin, membership=membership)
    client = sign_in(Client(), agency_admin)

    # when
    response = client.get(en("agencies:officer", code="TBNK", user_id=foreign_officer.pk))

    # then: still reachable (to give a role back), saying they hold none, with TBNK's two
    # acts only, and no reset offered
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "This person holds no role in this agency now." in page
    assert page.count("Given the role: ") == 1
    assert "Given the role: Case officer" in page
    assert "Role removed: Case officer" in page
    assert "Reset second factor" not in page
    assert not Membership.objects.filter(user=foreign_officer, agency=agency, active=True).exists()
    # and they are not listed among the agency's officers
    listed = client.get(en("agencies:officers", code="TBNK")).content.decode()
    assert "officer@dept.example.test" not in listed
