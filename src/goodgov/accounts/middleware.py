"""Officers must use a second factor (TOTP); citizens may.

A signed-in member of any agency who has no TOTP authenticator is sent to set one
up and may use nothing else meanwhile (sign-out, the set-up pages and the language
switch excepted). One who has TOTP but whose session did not pass it (for instance
a session from before they became an officer) is signed out and sent to sign in,
where allauth asks for the code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.mfa.models import Authenticator
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

# Pages an officer without TOTP may still use: setting it up, confirming their
# password on the way (allauth asks when the sign-in is old), signing out.
SETUP_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "account_reauthenticate",
        "account_logout",
        "set_language",
    }
)


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


class OfficerSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if not user.memberships.filter(active=True).exists():
            return self.get_response(request)
        if _has_totp(user):
            if _passed_second_factor(request, user):
                return self.get_response(request)
            logout(request)
            return redirect_to_login(request.get_full_path())
        if _url_name(request) not in SETUP_URL_NAMES:
            return redirect("mfa_activate_totp")
        response = self.get_response(request)
        if _has_totp(user):
            # Setting TOTP up took a valid code from the app: that is the second
            # factor for this session too, so the officer carries on signed in.
            record_authentication(request, user, method="mfa", type="totp")
        return response
