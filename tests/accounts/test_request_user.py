"""Who a request is signed in as: ``accounts.middleware.AuthenticationMiddleware`` reads the
user with their standing in one statement, ``core.sessions.SessionStore`` reads the
session in one; every check Django makes on a session must still hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from goodgov.accounts import middleware
from goodgov.accounts.models import User
from goodgov.agencies import services as agency_services
from goodgov.core.sessions import SessionStore
from goodgov.ledger.services import commitment
from tests.accounts.helpers import en
from tests.conftest import ID_A, login

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"


def request_for(client: Client) -> Any:
    """A request carrying ``client``'s session, as the middleware sees it."""
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    return request


def test_the_user_is_read_as_the_orm_reads_them(citizen_a: User) -> None:
    # given
    citizen_a.phone = "+66812345678"
    citizen_a.set_national_id(ID_A)
    citizen_a.save()
    client = login(Client(), citizen_a)
    expected = User.objects.get(pk=citizen_a.pk)
    # when
    user = middleware.get_user(request_for(client))
    # then
    assert type(user) is User and user.pk == citizen_a.pk
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user.national_id == ID_A
    assert timezone.is_aware(user.date_joined)
    assert user._state.adding is False and user._state.db == "default"


def test_the_standing_and_salt_come_with_the_user(citizen_a: User, clerk: User) -> None:
    # given: the citizen has a ledger salt; the clerk holds a role but has no TOTP
    expected = commitment(User.objects.get(pk=citizen_a.pk))
    citizen = middleware.get_user(request_for(login(Client(), citizen_a)))
    officer = middleware.get_user(request_for(login(Client(), clerk, totp=False)))
    # then
    assert middleware._standing(citizen) == (False, False)
    assert citizen._ledger_commitment == expected
    assert middleware._standing(officer) == (True, False)


def test_a_session_from_before_a_password_change_is_signed_out(citizen_a: User) -> None:
    # given
    client = login(Client(), citizen_a)
    assert client.get(API).status_code == 200
    citizen_a.set_password("a brand new password 123")
    citizen_a.save()
    # when
    response = client.get(API)
    # then
    assert response.status_code == 401
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_an_inactive_user_is_not_signed_in(citizen_a: User) -> None:
    # given
    client = login(Client(), citizen_a)
    User.objects.filter(pk=citizen_a.pk).update(is_active=False)
    # when / then
    assert client.get(API).status_code == 401


def test_a_session_naming_a_backend_no_longer_configured_is_not_signed_in(
    citizen_a: User,
) -> None:
    # given
    client = login(Client(), citizen_a)
    session = client.session
    session[BACKEND_SESSION_KEY] = "some.removed.Backend"
    session.save()
    # when / then
    assert client.get(API).status_code == 401


def test_a_session_without_its_hash_is_not_signed_in(citizen_a: User) -> None:
    # given
    client = login(Client(), citizen_a)
    session = client.session
    del session[HASH_SESSION_KEY]
    session.save()
    # when / then
    assert client.get(API).status_code == 401


def test_a_session_made_under_the_previous_secret_key_is_kept_and_rotated(
    citizen_a: User, settings: Any
) -> None:
    # given: signed in under the old key
    old_key = settings.SECRET_KEY
    client = login(Client(), citizen_a)
    old_session = client.cookies["sessionid"].value
    # when: the key is rotated, the old one kept as a fallback
    with override_settings(
        SECRET_KEY="a-new-secret-key-" + "x" * 40, SECRET_KEY_FALLBACKS=[old_key]
    ):
        response = client.get(API)
        # then
        assert response.status_code == 200
        assert client.cookies["sessionid"].value != old_session
        new_hash = User.objects.get(pk=citizen_a.pk).get_session_auth_hash()
        assert client.session[HASH_SESSION_KEY] == new_hash


def test_an_unknown_or_expired_session_is_anonymous(citizen_a: User) -> None:
    # given
    client = login(Client(), citizen_a)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    stranger = Client()
    stranger.cookies["sessionid"] = "x" * 32
    # when / then
    assert client.get(API).status_code == 401
    assert stranger.get(API).status_code == 401


def test_the_session_store_reads_what_djangos_reads(citizen_a: User) -> None:
    # given
    client = login(Client(), citizen_a)
    key = client.cookies["sessionid"].value
    # when
    ours, theirs = SessionStore(key), DjangoSessionStore(key)
    # then
    assert ours.load() == theirs.load() and ours.session_key == key
    assert SessionStore("not-a-session-key").load() == {}
    missing = SessionStore("y" * 32)
    assert missing.load() == {} and missing.session_key is None


def test_a_role_granted_during_a_session_applies_on_the_next_request(
    citizen_a: User, agency: Any
) -> None:
    # given: a citizen signed in with their password only
    client = login(Client(), citizen_a)
    assert client.get(en("accounts:profile")).status_code == 200
    # when: they are made an officer meanwhile
    agency_services.membership_grant(actor=None, agency=agency, user=citizen_a, role="officer")
    response = client.get(en("accounts:profile"))
    # then: the next request already treats them as an officer (TOTP to set up)
    assert response.status_code == 302
    assert response["Location"] == en("mfa_activate_totp")
