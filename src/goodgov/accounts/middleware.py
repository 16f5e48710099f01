"""Officers and staff must use a second factor (TOTP); citizens may
(the rule: :mod:`goodgov.accounts.access`).

A signed-in member of any agency, or Django admin staff (``is_staff`` or
``is_superuser``), who has no TOTP authenticator is sent to set one up and may use
nothing else meanwhile (sign-out, the set-up pages and the language switch excepted).
One who has TOTP but whose session did not pass it (for instance a session from
before they became an officer) is signed out and sent to sign in, where allauth asks
for the code.

The Django admin's own sign-in page is closed (:func:`secure_admin_login`): staff sign
in through allauth like everyone else, throttled, with the second-factor step.

``AuthenticationMiddleware`` replaces Django's: the same sign-in, checked the same way,
but the person is read with what this check needs (roles, TOTP) and their ledger salt in
one statement, which every signed-in request runs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.decorators import secure_admin_login as allauth_secure_admin_login
from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from goodgov.accounts import access
from goodgov.agencies.models import Membership
from goodgov.ledger.models import PersonSalt
from goodgov.ledger.services import commitment_remember


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _passed_second_factor(request: HttpRequest, user: Any) -> bool:
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def _has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


_STANDING = "_goodgov_standing"  # (needs TOTP, has TOTP), set on the user by the loader


def _standing_sql(quote: Callable[[str], str]) -> str:
    """Three columns about user ``%s`` (given three times): holds an active role in an
    agency, has a TOTP authenticator, their ledger salt (NULL if none yet)."""
    membership = quote(Membership._meta.db_table)
    authenticator = quote(Authenticator._meta.db_table)
    salts = quote(PersonSalt._meta.db_table)
    user_id, active, kind, salt = (quote(c) for c in ("user_id", "active", "type", "salt"))
    return (
        f"EXISTS (SELECT 1 FROM {membership} WHERE {user_id} = %s AND {active} = %s), "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {authenticator} WHERE {user_id} = %s AND {kind} = %s), "
        f"(SELECT {salt} FROM {salts} WHERE {user_id} = %s)"
    )


def _standing_params(user_id: Any) -> list[Any]:
    return [user_id, True, user_id, Authenticator.Type.TOTP.value, user_id]


def _remember_standing(user: Any, officer: Any, totp: Any, salt: str | None) -> None:
    needs_totp = access.must_use_second_factor(user, holds_role=bool(officer))
    setattr(user, _STANDING, (needs_totp, bool(totp)))
    if salt is not None:
        commitment_remember(user, salt)  # ledger.commitment(user) needs no look-up now


def _standing(user: Any) -> tuple[bool, bool]:
    """Whether ``user`` must use a second factor (holds an active role in an agency, or
    is Django admin staff: ``is_staff`` or ``is_superuser``), and has TOTP.

    Read with the user by :class:`AuthenticationMiddleware`; otherwise (a user set on
    the request some other way) one statement here.
    """
    known = getattr(user, _STANDING, None)
    if known is not None:
        return known
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_standing_sql(connection.ops.quote_name)}", _standing_params(user.pk)
        )
        officer, totp, salt = cursor.fetchone()
    _remember_standing(user, officer, totp, salt)
    return getattr(user, _STANDING)


def _user_query() -> tuple[str, list[Any]]:
    """The statement that reads a user with their standing, and each column's converters
    (as the ORM would apply them), built once per database connection (the converters are
    the connection's own methods)."""
    cached: tuple[str, list[Any]] | None = getattr(connection, "_goodgov_user_query", None)
    if cached is None:
        model = get_user_model()
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        columns = ", ".join(f"u.{quote(f.column)}" for f in fields)
        sql = (
            f"SELECT {columns}, {_standing_sql(quote)} "  # noqa: S608
            f"FROM {quote(model._meta.db_table)} u WHERE u.{quote(model._meta.pk.column)} = %s"
        )
        converters = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            converters.append(
                (
                    column,
                    connection.ops.get_db_converters(column) + column.get_db_converters(connection),
                )
            )
        cached = (sql, converters)
        connection._goodgov_user_query = cached  # type: ignore[attr-defined]
    return cached


def _load_user(user_id: Any) -> Any:
    """What ``ModelBackend.get_user``'s query returns (the user, or None), with their
    standing and ledger salt, in one statement."""
    model = get_user_model()
    sql, converters = _user_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_standing_params(user_id), user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for (column, convert_all), value in zip(converters, row[: len(converters)], strict=True):
        for convert in convert_all:
            value = convert(value, column, connection)
        values.append(value)
    user = model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], values)
    _remember_standing(user, *row[len(converters) :])
    return user


def get_user(request: HttpRequest) -> Any:
    """``django.contrib.auth.get_user``, reading the user with :func:`_load_user` when the
    session's backend reads users as ``ModelBackend`` does (ours: Django's and allauth's).
    Any other backend goes through Django's own function. The session checks below are
    Django 5.2's, line for line: backend still configured, user active, session hash
    (with the secret-key fallbacks, which rotate the session)."""
    try:
        user_id = auth._get_user_session_key(request)  # type: ignore[attr-defined]
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = auth.load_backend(backend_path)
    if not isinstance(backend, ModelBackend) or type(backend).get_user is not ModelBackend.get_user:
        return auth.get_user(request)
    user = _load_user(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return AnonymousUser()
    session_hash = request.session.get(HASH_SESSION_KEY)
    if not session_hash:
        session_hash_verified = False
    else:
        session_auth_hash = user.get_session_auth_hash()
        session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
    if not session_hash_verified:
        if session_hash and any(
            constant_time_compare(session_hash, fallback_auth_hash)
            for fallback_auth_hash in user.get_session_auth_fallback_hash()
        ):
            request.session.cycle_key()
            request.session[HASH_SESSION_KEY] = session_auth_hash
        else:
            request.session.flush()
            return AnonymousUser()
    return user


def _cached_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthMiddleware):
    """Django's ``AuthenticationMiddleware`` with :func:`get_user` behind ``request.user``
    (``request.auser``, for async code, stays Django's)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]


class OfficerSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        needs_totp, totp = _standing(user)
        if not needs_totp:
            return self.get_response(request)
        if totp:
            if _passed_second_factor(request, user):
                return self.get_response(request)
            logout(request)
            return redirect_to_login(request.get_full_path())
        if _url_name(request) not in access.SECOND_FACTOR_SETUP_PAGES:
            return redirect("mfa_activate_totp")
        response = self.get_response(request)
        if _has_totp(user):
            # Setting TOTP up took a valid code from the app: that is the second
            # factor for this session too, so the officer carries on signed in.
            record_authentication(request, user, method="mfa", type="totp")
        return response


def secure_admin_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The Django admin's sign-in view (``admin.site.login``), closed.

    Its own form checks passwords with ``django.contrib.auth.authenticate``, outside
    allauth's rate limits and without the second-factor step. So it never runs:

    - a stranger is sent to the platform's sign-in with ``next`` kept
      (allauth's ``secure_admin_login``), and lands back in the admin;
    - signed-in active staff go on to ``next`` (if safe) or the admin's index,
      whatever the method: a POST of someone's password is not checked here either;
    - anyone else signed in is answered "not found", as the platform answers
      "forbidden".
    """
    to_sign_in = allauth_secure_admin_login(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return to_sign_in(request, *args, **kwargs)
        if not (user.is_active and user.is_staff):
            raise Http404
        return redirect(get_next_redirect_url(request) or reverse("admin:index"))

    return wrapper
