"""The signed-in person's own profile (and the language of their messages and emails),
and allauth's email-address page with our rule."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.views import EmailView as AllauthEmailView
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from goodgov.accounts import phone as phones
from goodgov.accounts import selectors, services
from goodgov.accounts.forms import NoticeLanguageForm
from goodgov.accounts.models import User
from goodgov.agencies.selectors import memberships_of
from goodgov.core import access

#: Making an address another account holds the main one is refused (see ``EmailView``).
PRIMARY_TAKEN = _(
    "Another account uses this email address. It cannot be your main address: remove it "
    "from your account."
)


#: Every other session of the person has ended (the account page's banner).
SIGNED_OUT_ELSEWHERE = _(
    "You are signed out on every other device and browser. You are still signed in here."
)

#: The language of messages and emails is saved (the account page's banner).
NOTICE_LANGUAGE_SAVED = _("The language of your messages and emails is saved.")


def _profile_page(
    request: HttpRequest, user: User, *, language_form: NoticeLanguageForm | None = None
) -> HttpResponse:
    if language_form is None:
        language_form = NoticeLanguageForm(initial={"language": user.preferred_language})
    return render(
        request,
        "accounts/profile.html",
        {
            "person": user,
            "phone_display": phones.display(user.phone or ""),
            "has_totp": Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists(),
            "memberships": memberships_of(user),
            # in the page's language here ("Thai" on an English page); the chooser below
            # names each language in itself
            "notice_language": dict(settings.LANGUAGES).get(user.preferred_language, ""),
            "language_form": language_form,
        },
        status=400 if language_form.errors else 200,
    )


@access.rule(access.SIGNED_IN, "the person's own profile only")
def profile(request: HttpRequest) -> HttpResponse:
    return _profile_page(request, request.user)  # type: ignore[arg-type]


@require_POST
@access.rule(access.SIGNED_IN, "the person's own language of messages and emails only")
def notice_language(request: HttpRequest) -> HttpResponse:
    """The language the signed-in person's messages and emails are written in: their
    own only (no account is named in the request), through the service."""
    user: User = request.user  # type: ignore[assignment]
    form = NoticeLanguageForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_notice_language(user=user, language=form.cleaned_data["language"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, NOTICE_LANGUAGE_SAVED)
            return redirect("accounts:profile")
    return _profile_page(request, user, language_form=form)


@require_POST
@access.rule(access.SIGNED_IN, "ends the person's own other sessions only")
def sign_out_elsewhere(request: HttpRequest) -> HttpResponse:
    """End every session the signed-in person has open on other devices and browsers (a
    lost phone, a shared computer), keeping this one: its session hash is brought up
    to date, as after a password change, and its key renewed. Their own sessions only:
    no account is named in the request."""
    user: User = request.user  # type: ignore[assignment]
    services.user_end_sessions(user=user)
    update_session_auth_hash(request, user)
    messages.success(request, SIGNED_OUT_ELSEWHERE)
    return redirect("accounts:profile")  # the banner at the top of the page says so


class EmailView(AllauthEmailView):
    """allauth's ``/accounts/email/``, except that an address another account holds
    cannot be made the main one.

    Adding such an address is refused (``forms.AddEmailForm``), but rows from before that
    check may exist. allauth would save the address as this account's ``User.email``:
    a 500 on the unique column after the main address had moved, or, for an address the
    other account holds besides its own, two accounts signing in with one address.
    allauth 65 has no form or adapter hook for this action, hence the view."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        typed = request.POST.get("email", "")
        if (
            "action_primary" in request.POST
            and typed
            and selectors.email_taken_by_another(typed, request.user)  # type: ignore[arg-type]
        ):
            get_adapter(request).add_message(request, messages.ERROR, message=str(PRIMARY_TAKEN))
            return HttpResponseRedirect(reverse("account_email"))
        return super().post(request, *args, **kwargs)


email = access.rule(access.SIGNED_IN, "the person's own email addresses only")(EmailView.as_view())
