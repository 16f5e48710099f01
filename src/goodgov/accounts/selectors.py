from __future__ import annotations

from goodgov.accounts.models import User
from goodgov.core import national_id


def user_by_national_id(value: str) -> User | None:
    try:
        digits = national_id.clean(value)
    except national_id.InvalidNationalID:
        return None
    # every key's hash: a row hashed under a fallback key still matches until it is rekeyed
    return User.objects.filter(national_id_hash__in=national_id.lookup_hashes(digits)).first()


def user_by_phone(value: str) -> User | None:
    """The account with this mobile number, typed in any accepted form."""
    from django.core.exceptions import ValidationError

    from goodgov.accounts import phone

    try:
        e164 = phone.normalise(value)
    except ValidationError:
        return None
    return User.objects.filter(phone=e164).first()


def email_taken_by_another(email: str, user: User) -> bool:
    """Whether an account other than ``user``'s holds ``email``: as its own address, or
    as one of its addresses (allauth's ``EmailAddress``), confirmed or not.

    Unconfirmed ones count too: confirmation is off, and either account could otherwise
    make the address its main one and sign in with the other's."""
    from allauth.account.models import EmailAddress

    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        return True
    return EmailAddress.objects.filter(email__iexact=email).exclude(user_id=user.pk).exists()


def password_setting_path(user: User) -> str:
    """Where ``user`` sets a password: allauth's reset page with a fresh key.

    The key stops working once a password is set (it hashes the current one).
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


def users_claiming_national_id(value: str) -> list[User]:
    """The accounts that give this national ID themselves and have not had it checked
    (``User.national_id_claim_encrypted``): for a counter officer to confirm one of them
    against the person's ID card. Active accounts only, oldest first."""
    try:
        digits = national_id.clean(value)
    except national_id.InvalidNationalID:
        return []
    return list(
        User.objects.filter(
            national_id_claim_hash__in=national_id.lookup_hashes(digits), is_active=True
        ).order_by("date_joined", "pk")
    )
