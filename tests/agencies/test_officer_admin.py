from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from goodgov.accounts.models import User
from goodgov.agencies import services
from goodgov.agencies.models import Membership
from goodgov.ledger.models import Event
from tests.accounts.helpers import en
from tests.agencies.conftest import sign_in


def test_admin_adds_a_new_officer_who_sets_a_password_through_the_emailed_link(
    agency_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    admin_client = sign_in(Client(), agency_admin)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            en("agencies:officer_add", code="TBNK"),
            {
                "email": "Dao@Example.test",
                "full_name": "นางสาวดาว ทดลอง",
                "roles": ["officer", "approver"],
            },
        )

    # then: the account exists with no usable password; the admin is told the link was
    # emailed, and is not shown it
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    officer = User.objects.get(email="dao@example.test")
    assert officer.full_name == "นางสาวดาว ทดลอง"
    assert not officer.has_usable_password()
    assert set(
        Membership.objects.filter(user=officer, active=True).values_list("role", flat=True)
    ) == {"officer", "approver"}
    registered = Event.objects.get(action="person.registered", subject_id=str(officer.pk))
    assert registered.public["channel"] == "agency"
    assert registered.actor_id == agency_admin.pk
    assert (
        "We made an account for dao@example.test and emailed that address a link to choose "
        "a password."
    ) in page
    assert "The link works once, for 3 days." in page
    assert "/password/reset/key/" not in page

    # and: one email, to the new officer only, in their language (Thai: they have not
    # chosen one), holding the link
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["dao@example.test"]
    assert email.subject.endswith(" \u2013 บริการภาครัฐ goodgov")
    assert "เทศบาลตำบลบ้านนา" in email.body  # the agency, by its Thai name
    assert "ลิงก์นี้ใช้ได้ครั้งเดียว ภายใน 3 วัน" in email.body
    links = re.findall(r"https?://\S+/accounts/password/reset/key/\S+", email.body)
    assert len(links) == 1
    assert "/en/" not in links[0]
    link = urlsplit(links[0]).path

    # when: the new officer opens the link and chooses a password
    officer_client = Client()
    form_page = officer_client.get(link, follow=True)
    assert "ตั้งรหัสผ่านใหม่" in form_page.content.decode()
    done = officer_client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a quiet river at dawn", "password2": "a quiet river at dawn"},
    )

    # then
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a quiet river at dawn")
    # and the link works only once
    again = Client().get(link, follow=True)
    assert "ลิงก์นี้ใช้ไม่ได้" in again.content.decode()

    # when: they sign in, they are sent to set up their authenticator app
    signed_in = officer_client.post(
        en("account_login"),
        {"login": "dao@example.test", "password": "a quiet river at dawn"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == en("mfa_activate_totp")


def test_admin_gives_roles_to_an_officer_who_already_has_an_account(
    agency_admin: User, foreign_officer: User
) -> None:
    # given: an officer of another agency, who has signed in before (a person's own
    # account, and one nobody has signed in to, are refused:
    # tests/agencies/test_officer_add_rules.py)
    sign_in(Client(), foreign_officer)
    client = sign_in(Client(), agency_admin)
    users = User.objects.count()

    # when
    response = client.post(
        en("agencies:officer_add", code="TBNK"),
        {"email": "OFFICER@dept.example.test", "full_name": "officer", "roles": ["counter"]},
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == en("agencies:officer", code="TBNK", user_id=foreign_officer.pk)
    assert User.objects.count() == users
    assert Membership.objects.filter(
        user=foreign_officer, agency__code="TBNK", role="counter", active=True
    ).exists()
    foreign_officer.refresh_from_db()
    assert foreign_officer.full_name == "officer"
    page = client.get(response["Location"])
    assert "now holds these roles" in page.content.decode()


def test_adding_an_officer_without_a_role_keeps_what_was_typed(agency_admin: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)
    users, events = User.objects.count(), Event.objects.count()

    # when
    response = client.post(
        en("agencies:officer_add", code="TBNK"),
        {"email": "someone@example.test", "full_name": "นายใคร สักคน"},
    )

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select at least one role" in html
    assert 'href="#id_roles_0"' in html
    assert 'value="someone@example.test"' in html
    assert (User.objects.count(), Event.objects.count()) == (users, events)


def test_admin_cannot_remove_their_own_admin_role(agency_admin: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)
    events = Event.objects.count()

    # when
    response = client.post(
        en("agencies:role_revoke", code="TBNK", user_id=agency_admin.pk),
        {"role": "admin"},
        follow=True,
    )

    # then
    assert response.status_code == 200
    assert "You cannot remove your own administrator role." in response.content.decode()
    assert Membership.objects.filter(user=agency_admin, role="admin", active=True).exists()
    assert Event.objects.count() == events


def test_another_admin_can_remove_an_admin_role(agency_admin: User, agency: object) -> None:
    # given
    second = User.objects.create_user(email="second@tbnk.example.test", password="x" * 12)
    services.membership_grant(actor=agency_admin, user=second, agency=agency, role="admin")
    membership = Membership.objects.get(user=agency_admin, role="admin")

    # when
    services.membership_revoke(actor=second, membership=membership)

    # then
    membership.refresh_from_db()
    assert membership.active is False


def test_revoking_ones_own_admin_role_is_refused_by_the_service(agency_admin: User) -> None:
    # given
    membership = Membership.objects.get(user=agency_admin, role="admin")

    # when / then
    with pytest.raises(ValidationError):
        services.membership_revoke(actor=agency_admin, membership=membership)
    membership.refresh_from_db()
    assert membership.active is True


def test_changes_are_post_only(agency_admin: User, clerk: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)

    # when
    grant = client.get(en("agencies:role_grant", code="TBNK", user_id=clerk.pk) + "?role=admin")
    revoke = client.get(en("agencies:role_revoke", code="TBNK", user_id=clerk.pk) + "?role=officer")

    # then
    assert (grant.status_code, revoke.status_code) == (405, 405)
    assert not Membership.objects.filter(user=clerk, role="admin").exists()


def test_an_unknown_role_is_not_found(agency_admin: User, clerk: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)
    events = Event.objects.count()

    # when
    response = client.post(
        en("agencies:role_grant", code="TBNK", user_id=clerk.pk), {"role": "superuser"}
    )

    # then
    assert response.status_code == 404
    assert Event.objects.count() == events


def test_changes_need_the_csrf_token(agency_admin: User, clerk: User) -> None:
    # given
    client = sign_in(Client(enforce_csrf_checks=True), agency_admin)

    # when
    response = client.post(
        en("agencies:role_grant", code="TBNK", user_id=clerk.pk), {"role": "approver"}
    )

    # then
    assert response.status_code == 403
    assert not Membership.objects.filter(user=clerk, role="approver").exists()


def test_officer_page_offers_give_and_remove_for_each_role(
    agency_admin: User, approver: User
) -> None:
    # given
    client = sign_in(Client(), agency_admin)

    # when
    response = client.get(en("agencies:officer", code="TBNK", user_id=approver.pk))

    # then
    html = response.content.decode()
    assert html.count('value="officer"') == 1
    assert html.count(">Remove<") == 2  # officer, approver
    assert html.count(">Give<") == 3  # counter, admin, executive


def test_index_sends_a_single_agency_admin_to_their_officers(agency_admin: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)

    # when
    response = client.get(en("agencies:index"))

    # then
    assert response.status_code == 302
    assert response["Location"] == en("agencies:officers", code="TBNK")


def test_the_emailed_link_is_on_the_configured_address_whatever_host_the_admin_sends(
    agency_admin: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Review R4: the link was built from the admin's request, so an admin sending a Host
    of their own (one ``ALLOWED_HOSTS`` lets through) would have received its token."""
    # given: a platform in production on portal.gov.example, any of whose subdomains is
    # allowed
    settings.PRODUCTION = True
    settings.ALLOWED_HOSTS = [".gov.example"]
    settings.BASE_URL = "https://portal.gov.example"
    admin_client = sign_in(Client(), agency_admin)

    # when: the admin adds an officer through a host of their choosing
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            en("agencies:officer_add", code="TBNK"),
            {"email": "dao@example.test", "full_name": "นางสาวดาว", "roles": ["officer"]},
            HTTP_HOST="attacker.gov.example",
        )

    # then
    [email] = mail.outbox
    [link] = re.findall(r"https?://\S+/accounts/password/reset/key/\S+", email.body)
    assert link.startswith("https://portal.gov.example/accounts/password/reset/key/")
    assert "attacker" not in email.body
