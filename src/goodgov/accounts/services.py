"""Writes for people's accounts; registration records its event.

Profile details a person keeps for themselves (phone, second factor, the language of
their messages and emails) are not official acts and record no event.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.accounts import phone as phones
from goodgov.accounts.models import User
from goodgov.core import national_id as nid
from goodgov.ledger.services import commitment

CHANNELS = ("online", "counter", "agency")

NATIONAL_ID_INVALID = _("Enter a valid 13-digit national ID number")
NATIONAL_ID_TAKEN = _(
    "An account with this national ID number already exists. Sign in, or reset your password."
)
EMAIL_OR_PHONE_REQUIRED = _("Enter an email address or a mobile phone number")
PHONE_TAKEN = _("An account with this phone number already exists.")
EMAIL_TAKEN = _("An account with this email address already exists.")
NOTICE_LANGUAGE_UNKNOWN = _("Choose Thai or English for your messages and emails")
NATIONAL_ID_NOT_CLAIMED = _(
    "This account no longer gives a national ID number to confirm. Look the person up again."
)


def national_id_digits(value: str) -> str:
    """The 13 digits of a valid, unused national ID, or ``ValidationError``."""
    try:
        digits = nid.clean(value)
    except nid.InvalidNationalID as exc:
        raise ValidationError(NATIONAL_ID_INVALID, code="invalid") from exc
    if User.objects.filter(national_id_hash__in=nid.lookup_hashes(digits)).exists():
        raise ValidationError(NATIONAL_ID_TAKEN, code="taken")
    return digits


@transaction.atomic
def user_register(
    *,
    actor: Any = None,
    full_name: str,
    email: str | None = None,
    phone: str | None = None,
    password: str | None = None,
    national_id: str | None = None,
    channel: str = "online",
    fictional: bool = False,
    preferred_language: str | None = None,
    contact_required: bool = True,
    national_id_checked: bool = False,
) -> User:
    """Create a person's account and record ``person.registered``.

    ``password`` None gives an unusable password (the person sets one through a
    reset link). ``actor`` is who registered them: None for people who sign up
    themselves, the officer for accounts made at a counter or by an agency.

    ``national_id`` is kept as the person's claim only (never trusted: see
    ``User.national_id_claim_encrypted``) unless ``national_id_checked``: someone saw it
    on their ID card (a counter officer; the demo's fictional people). A checked ID
    releases other accounts' claims of it (:func:`_release_claims`).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown registration channel {channel!r}")
    email = (email or "").strip().lower() or None
    phone_e164 = None
    errors: dict[str, list[Any]] = {}
    if phone:
        try:
            phone_e164 = phones.normalise(phone)
        except ValidationError as exc:
            errors["phone"] = exc.error_list
    if contact_required and not email and not phone:
        errors["email"] = [ValidationError(EMAIL_OR_PHONE_REQUIRED, code="required")]
    # Said here, in our words, rather than by ``full_clean``'s "User with this ... already
    # exists" (the database's unique constraints still stand behind it).
    if phone_e164 and User.objects.filter(phone=phone_e164).exists():
        errors["phone"] = [ValidationError(PHONE_TAKEN, code="taken")]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [ValidationError(EMAIL_TAKEN, code="taken")]
    digits = None
    if national_id:
        try:
            digits = national_id_digits(national_id)
        except ValidationError as exc:
            errors["national_id"] = exc.error_list
    if errors:
        raise ValidationError(errors)

    user = User(email=email, phone=phone_e164, full_name=full_name.strip(), fictional=fictional)
    if preferred_language:
        user.preferred_language = preferred_language
    if digits and national_id_checked:
        user.set_national_id(digits)
    elif digits:
        user.claim_national_id(digits)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["national_id_encrypted", "national_id_claim_encrypted"])
    user.save()
    if digits and national_id_checked:
        _release_claims(actor=actor, digits=digits, keep=user)
    ledger.record(
        actor=actor if actor is not None else user,
        action="person.registered",
        subject=user,
        agency=None,
        public={"person": commitment(user), "channel": channel},
    )
    return user


def person_register_at_counter(
    *, actor: Any, full_name: str, national_id: str, phone: str | None = None
) -> User:
    """Register a person who came to an agency's counter, on the word of a counter officer.

    They need no email, phone or device: the officer files for them. The account has
    no usable password, so nobody can sign in as them until they are given access.
    """
    from goodgov.agencies.models import Membership, Role

    if not Membership.objects.filter(user=actor, role=Role.COUNTER, active=True).exists():
        raise PermissionDenied
    if not (full_name or "").strip():
        raise ValidationError({"full_name": [ValidationError(_("Enter the person's full name"))]})
    return user_register(
        actor=actor,
        full_name=full_name,
        phone=phone or None,
        national_id=national_id,
        channel="counter",
        contact_required=False,
        national_id_checked=True,
    )


#: The message to an account whose claimed national ID was confirmed as someone else's,
#: and so taken off it (saying neither where nor by whom: whoever claims someone's ID
#: must not learn where its owner goes).
CLAIM_RELEASED_SUBJECT = _("The national ID number on your account was removed")
CLAIM_RELEASED_BODY = _(
    "The national ID number you gave when you made your account has been confirmed, "
    "with an ID card, as someone else's. It has been removed from your account; nothing "
    "else has changed. If the number is yours, bring your ID card to the counter of any "
    "agency that uses this service."
)


def _release_claims(*, actor: Any, digits: str, keep: User) -> int:
    """Take the national ID ``digits`` off every other account that claims it (in the
    caller's transaction), and tell each one why. Returns how many."""
    from goodgov.notifications.services import in_language_of, message_send

    claimants = list(
        User.objects.select_for_update()
        .filter(national_id_claim_hash__in=nid.lookup_hashes(digits))
        .exclude(pk=keep.pk)
    )
    for claimant in claimants:
        claimant.national_id_claim_encrypted = ""
        claimant.national_id_claim_hash = ""
        claimant.save(update_fields=["national_id_claim_encrypted", "national_id_claim_hash"])
        with in_language_of(claimant):
            message_send(
                user=claimant, subject=str(CLAIM_RELEASED_SUBJECT), body=str(CLAIM_RELEASED_BODY)
            )
    return len(claimants)


@transaction.atomic
def person_national_id_confirm(*, actor: Any, person: User, agency: Any) -> User:
    """A counter officer of ``agency`` saw the person's ID card, and it bears the
    national ID their account claims: the ID is the account's from now on (registry
    records, consents and the record of data use reach it), and other accounts'
    claims of it are released. Records ``person.identity_confirmed``."""
    from goodgov.agencies.models import Membership, Role

    if not Membership.objects.filter(
        user=actor, agency=agency, role=Role.COUNTER, active=True
    ).exists():
        raise PermissionDenied
    if getattr(actor, "pk", None) == person.pk:
        raise PermissionDenied  # nobody confirms their own ID
    person = User.objects.select_for_update().get(pk=person.pk)
    digits = person.national_id_claimed
    if not digits:
        raise ValidationError(NATIONAL_ID_NOT_CLAIMED, code="not_claimed")
    if User.objects.filter(national_id_hash__in=nid.lookup_hashes(digits)).exists():
        raise ValidationError(NATIONAL_ID_TAKEN, code="taken")
    person.set_national_id(digits)
    person.save(
        update_fields=[
            "national_id_encrypted",
            "national_id_hash",
            "national_id_claim_encrypted",
            "national_id_claim_hash",
        ]
    )
    _release_claims(actor=actor, digits=digits, keep=person)
    ledger.record(
        actor=actor,
        action="person.identity_confirmed",
        subject=person,
        agency=agency,
        public={"person": commitment(person), "channel": "counter"},
    )
    return person


@transaction.atomic
def user_set_phone(*, user: User, phone: str, verified: bool) -> User:
    """Give a person a (normalised) mobile number."""
    user.phone = phones.normalise(phone)
    user.phone_verified = verified
    user.full_clean(exclude=["national_id_encrypted", "password"])
    user.save(update_fields=["phone", "phone_verified"])
    return user


@transaction.atomic
def user_set_notice_language(*, user: User, language: str) -> User:
    """Choose the language a person's in-app messages and emails are written in: one of
    the site's languages (``settings.LANGUAGES``), or ``ValidationError`` and nothing
    changes.

    Messages already sent keep their language: they are stored as written. A personal
    preference, not an official act, so no ledger event (see the module's docstring).
    """
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(
            {"language": [ValidationError(NOTICE_LANGUAGE_UNKNOWN, code="invalid_choice")]}
        )
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


@transaction.atomic
def user_end_sessions(*, user: User) -> None:
    """End every session ``user`` has open, on any device: their next request finds them
    signed out, as after a password change, and their password still works. Sessions
    are ended through the session hash (``User.session_generation``), so none has to be
    found: they may be in the database, the cache or signed cookies.

    Not an event of its own: it is part of the act that calls it (a second-factor reset).
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def second_factor_remove(*, user: User) -> int:
    """Remove ``user``'s authenticator app (TOTP) and recovery codes and end every session
    they have open, in the caller's transaction; returns how many authenticators went.
    At their next sign-in an officer must set an app up again. The caller decides who
    may, and records the act."""
    from allauth.mfa.models import Authenticator

    removed, _by_model = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).delete()
    if removed:
        # A session opened with the lost factor must not outlive it: whoever holds one
        # could otherwise set up an app of their own in its place.
        user_end_sessions(user=user)
    return int(removed)


#: Said by the operator's reset when the person has no second factor to remove.
NO_SECOND_FACTOR_TO_RESET = _("This person has no authenticator app or recovery codes to remove.")


@transaction.atomic
def person_second_factor_reset(*, actor: Any, person: User) -> int:
    """A platform operator's reset of anyone's second factor (from the command line:
    ``goodgov accounts second-factor-reset``), for those an agency admin may not reset:
    officers of several agencies, Django staff. Records ``person.second_factor_reset``;
    ``ValidationError`` and nothing recorded when there is nothing to remove."""
    person = User.objects.select_for_update().get(pk=person.pk)
    removed = second_factor_remove(user=person)
    if not removed:
        raise ValidationError(NO_SECOND_FACTOR_TO_RESET, code="no_second_factor")
    ledger.record(
        actor=actor,
        action="person.second_factor_reset",
        subject=person,
        agency=None,
        public={"person": commitment(person), "by": "operator"},
    )
    return removed


@transaction.atomic
def user_set_phone_verified(*, user: User) -> User:
    user.phone_verified = True
    user.save(update_fields=["phone_verified"])
    return user


@transaction.atomic
def user_totp_activate(*, user: User, secret: str) -> Any:
    """Give a person a TOTP authenticator with a known base32 ``secret``.

    The web flow (allauth's set-up page) makes its own; this is for accounts made
    by command, such as the demo's officers, whose secrets are printed.
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return existing
    return TOTP.activate(user, secret).instance
