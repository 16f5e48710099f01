"""The signed-in person's own profile."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from goodgov.accounts import phone as phones
from goodgov.agencies.selectors import memberships_of
from goodgov.core import access


@access.rule(access.SIGNED_IN, "the person's own profile only")
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "person": user,
            "phone_display": phones.display(user.phone or ""),  # type: ignore[union-attr]
            "has_totp": Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists(),
            "memberships": memberships_of(user),
        },
    )
