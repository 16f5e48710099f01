"""allauth's hooks: phone numbers on our ``User``, registration through our service, and
the emails allauth sends (password reset and the like) in our words and our name."""

from __future__ import annotations

import logging
import math
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from goodgov.accounts import mfa_secrets, selectors, services
from goodgov.accounts import phone as phones
from goodgov.accounts.models import User

logger = logging.getLogger(__name__)

#: How the platform names itself: the same words as every page's title.
SITE_NAME = _("goodgov public services")

#: Confirming an address another account holds (a row from before adding one was
#: checked) is refused: it would make two accounts answer to one address.
CONFIRM_TAKEN = _("Another account uses this email address, so it cannot be confirmed for yours.")

#: Signing in with something that is neither an email address nor a phone number: the
#: platform has no usernames, so allauth's words for it ("username and/or password")
#: would send people looking for one.
NOT_EMAIL_OR_PHONE = _(
    "Enter an email address or a mobile phone number in the correct format, like "
    "name@example.com or 081 234 5678"
)


def too_many_from_network(minutes: int) -> str:
    """Failed sign-ins from one address (IP) reached its limit: it is the device or the
    network that waits, whichever account it signs in to."""
    return ngettext(
        "Too many failed sign-in attempts from this device or network. Try again in "
        "%(minutes)d minute.",
        "Too many failed sign-in attempts from this device or network. Try again in "
        "%(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def network_wait(request: HttpRequest) -> float | None:
    """Seconds until ``request``'s address may try to sign in again, when it has used up
    a per-address (``/ip``) limit of failed sign-ins (``ACCOUNT_RATE_LIMITS["login_failed"]``);
    None when it has not, so a refusal came from the per-account limit.

    allauth refuses with one message for both limits and has no public way to tell which
    was reached; this reads the counts where its rate limiter keeps them.
    """
    now = time.time()
    waits = []
    for rate in allauth_ratelimit.get_rates(app="allauth.account", action="login_failed"):
        if rate.per != "ip":
            continue
        key = allauth_ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate
        )
        recent = sorted(at for at in cache.get(key, []) if at > now - rate.duration)
        if len(recent) >= rate.amount:
            # Allowed again once enough of these failures have left the rate's window.
            waits.append(recent[len(recent) - rate.amount] + rate.duration - now)
    return max(waits) if waits else None


def emailed_url(request: HttpRequest | None, location: str) -> str:
    """The absolute address of ``location`` (a path, or a URL) for a link sent by email.

    In production, and with no request, on the platform's configured address
    (``GOODGOV_BASE_URL``), never the host a request named: with a wildcard in
    ``ALLOWED_HOSTS`` a stranger's request naming a host of their own would otherwise mail
    a link, token and all, that leads to them. Outside production, where the address is
    whatever the developer serves, the request's."""
    if request is not None and not settings.PRODUCTION:
        return request.build_absolute_uri(location)
    link, base = urlsplit(location), urlsplit(settings.BASE_URL)
    return urlunsplit((base.scheme, base.netloc, link.path, link.query, link.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def get_reset_password_from_key_url(self, key: str) -> str:
        return emailed_url(self.request, super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return emailed_url(request, url)

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed attempts to sign in to this account. Wait 5 minutes and try "
            "again, or reset your password."
        ),
        "email_password_mismatch": _("The email address or password is not correct."),
        "phone_password_mismatch": _("The phone number or password is not correct."),
        # What was typed is neither an email address nor a phone number (allauth calls
        # it a username, which the platform does not have).
        "username_password_mismatch": NOT_EMAIL_OR_PHONE,
        "invalid_login": NOT_EMAIL_OR_PHONE,
        "email_taken": _("An account with this email address already exists."),
        "phone_taken": _("An account with this phone number already exists."),
        # allauth's own Thai for these is not in the register of the rest of the site.
        "account_inactive": _("This account is not active."),
        "cannot_remove_primary_email": _("You cannot remove your main email address."),
        "duplicate_email": _("This email address is already on your account."),
        "enter_current_password": _("Your current password is not correct."),
        "incorrect_code": _("The code is not correct."),
        "incorrect_password": _("The password is not correct."),
        "invalid_or_expired_key": _("This link has expired or is not valid."),
        "invalid_password_reset": _(
            "This link to reset your password has expired or is not valid. Ask for a new one."
        ),
        "max_email_addresses": _("You cannot add more than %d email addresses."),
        "unverified_primary_email": _("Confirm your main email address first."),
        "same_as_current": _("The new value must be different from the current one."),
        "rate_limited": _("You have tried too many times. Wait a few minutes and try again."),
    }

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        """allauth's, except that a refusal for too many failed sign-ins says which limit
        was reached: this device or network's (per IP), or the account's."""
        if code == "too_many_login_attempts":
            request = self.request or allauth_context.request
            wait = network_wait(request) if request is not None else None
            if wait is not None:
                minutes = max(1, math.ceil(wait / 60))
                return ValidationError(too_many_from_network(minutes), code=code)
        return super().validation_error(code, *args)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins are counted per account: by email address, or by phone number in
        E.164, however it was typed. allauth's key reads only an email address or a
        username, so every sign-in by phone shared one count, and five failures to any
        number refused every phone number's right password."""
        number = credentials.get("phone")
        if number and not credentials.get("email") and not credentials.get("username"):
            e164 = phones.normalise(number) if phones.is_valid(number) else number
            return str(super()._get_login_attempts_cache_key(request, username=e164))
        return str(super()._get_login_attempts_cache_key(request, **credentials))

    def can_delete_email(self, email_address: Any) -> bool:
        """allauth's rule, and never the last address of an account with no phone number:
        with sign-in by email or phone, allauth allows it, and the person could no longer
        sign in."""
        if not super().can_delete_email(email_address):
            return False
        from allauth.account.models import EmailAddress

        user = email_address.user
        others = EmailAddress.objects.filter(user_id=user.pk).exclude(pk=email_address.pk)
        return bool(user.phone) or others.exists()

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        """allauth's, except for an address another account holds: confirming one makes
        it this account's main address when it has none, which saved it as its
        ``User.email`` (a 500 on the unique column), or leaves it confirmed on two
        accounts."""
        if selectors.email_taken_by_another(email_address.email, email_address.user):
            self.add_message(request, messages.ERROR, message=str(CONFIRM_TAKEN))
            return False
        return bool(super().confirm_email(request, email_address))

    # Sign-up: the form's data goes through ``accounts.services.user_register``, which
    # records ``person.registered`` in the same transaction.
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        if not commit:
            return super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        return services.user_register(
            full_name=data.get("full_name", ""),
            email=data.get("email") or None,
            phone=data.get("phone") or None,
            password=data.get("password1"),
            national_id=data.get("national_id") or None,
            channel="online",
            preferred_language=getattr(request, "LANGUAGE_CODE", None),
        )

    # A sign-in in the last few minutes counts as confirming it is you: an officer sent
    # straight from signing in to setting up TOTP is not asked for the password again.
    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = self.request or allauth_context.request
        if not required or request is None or not request.user.is_authenticated:
            return required
        records = get_authentication_records(request, request.user)
        now = time.time()
        return not any(
            now - float(record.get("at", 0)) < account_settings.REAUTHENTICATION_TIMEOUT
            for record in records
        )

    # Emails: our templates (``templates/account/email/``, ``templates/mfa/email/``) are
    # rendered in the active language, which is the language of the page the person used
    # (``/`` Thai, ``/en/`` English). Without ``django.contrib.sites`` allauth would name
    # the platform after the request's host ("[testserver] ..."): these name it ours.
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        site_name = str(SITE_NAME)
        timeout = int(settings.PASSWORD_RESET_TIMEOUT)
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "site_name": site_name,
            "site_url": emailed_url(request, reverse("web:home")),
            "current_site": SimpleNamespace(
                name=site_name, domain=request.get_host() if request is not None else ""
            ),
            # How long a password-reset link works (Django's token), in whole days.
            "link_days": max(1, timeout // 86400),
            # Notices of a change end with the way to take the account back.
            "forgotten_password_url": emailed_url(request, reverse("account_reset_password")),
        }
        ctx.update(context)
        self.render_mail(template_prefix, email, ctx).send()

    def format_email_subject(self, subject: str) -> str:
        # As a page's title: the subject, an en dash, the platform's name.
        return f"{subject} \u2013 {SITE_NAME}"

    # Phone numbers: E.164 in ``User.phone``; Thai local forms accepted everywhere.
    def phone_form_field(self, **kwargs: Any) -> Any:
        from goodgov.accounts.forms import PhoneField

        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return phones.normalise(phone)

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        services.user_set_phone(user=user, phone=phone, verified=verified)

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        if not getattr(user, "phone", None):
            return None
        return (user.phone, bool(user.phone_verified))

    def set_phone_verified(self, user: Any, phone: str) -> None:
        services.user_set_phone_verified(user=user)

    def get_user_by_phone(self, phone: str) -> User | None:
        return selectors.user_by_phone(phone)

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        # No SMS gateway is configured and phone verification is off in settings;
        # if a flow asks anyway, say so in the log (never the code itself).
        logger.warning(
            "An SMS verification code was requested for user %s, but no SMS gateway is "
            "configured; nothing was sent.",
            getattr(user, "pk", None),
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        logger.info("No SMS gateway: not telling an unknown phone number it has no account.")

    def send_account_already_exists_sms(self, phone: str) -> None:
        logger.info("No SMS gateway: not telling a phone number it already has an account.")


class MFAAdapter(DefaultMFAAdapter):
    """The second step's error messages in our words: allauth's own Thai for them is not
    in the register of the rest of the site."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _(
            "You cannot add an email address while your account uses an authenticator app."
        ),
        "cannot_delete_authenticator": _("You cannot turn off the authenticator app."),
        "cannot_generate_recovery_codes": _(
            "Set up an authenticator app before you make recovery codes."
        ),
        "incorrect_code": _("The code is not correct."),
        "unverified_email": _("Confirm your email address before you set up an authenticator app."),
    }

    def encrypt(self, text: str) -> str:
        """A second factor's secret, sealed before allauth stores it (``mfa_secrets``)."""
        return mfa_secrets.seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.open_(encrypted_text)
