"""Writes for agencies and memberships; each records its event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.agencies.models import Agency, Membership, Role
from goodgov.ledger.services import commitment

OWN_ADMIN_ROLE = _(
    "You cannot remove your own administrator role. Ask another administrator of this "
    "agency to do it."
)
#: Said when the email is a personal (citizen's) account's. It says that such an account
#: exists, never whose it is: the admin typed the address, and is signed in with a
#: second factor. Giving such an account an agency's powers needs the person's consent
#: (an invitation they accept), which is not built yet.
PERSONAL_ACCOUNT = _(
    "This email address is used by a personal account. Use the person's work email "
    "address: a personal account cannot be given an agency's powers."
)
ALREADY_HOLDS = _(
    "This person already holds every role you chose in this agency. Choose a role they "
    "do not hold yet."
)
NO_SECOND_FACTOR = _(
    "This officer has not set up an authenticator app, so there is nothing to reset. They "
    "will be asked to set one up when they next sign in."
)
OWN_SECOND_FACTOR = _(
    "You cannot reset your own second factor. Ask another administrator of this agency to do it."
)


@transaction.atomic
def agency_create(
    *, actor: Any, code: str, name_th: str, name_en: str, kind: str, **extra: Any
) -> Agency:
    agency = Agency(code=code, name_th=name_th, name_en=name_en, kind=kind, **extra)
    agency.full_clean()
    agency.save()
    ledger.record(
        actor=actor,
        action="agency.created",
        subject=agency,
        agency=agency,
        public={"agency": agency.code, "kind": agency.kind},
    )
    return agency


@transaction.atomic
def membership_grant(*, actor: Any, user: Any, agency: Agency, role: str) -> Membership:
    """Give ``user`` ``role`` in ``agency`` (re-activating a revoked one)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, agency=agency, role=role, defaults={"active": True}
    )
    if not created and membership.active:
        return membership
    if not created:
        membership.active = True
        membership.save(update_fields=["active", "updated_at"])
    ledger.record(
        actor=actor,
        action="membership.granted",
        subject=membership,
        agency=agency,
        public={"agency": agency.code, "role": role, "officer": commitment(user)},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> Membership:
    """Take a role away. An admin may not remove their own admin role, so an agency
    always keeps the admin who could give it back."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.active:
        return membership
    if (
        membership.role == Role.ADMIN
        and actor is not None
        and getattr(actor, "pk", None) == membership.user_id
    ):
        raise ValidationError(OWN_ADMIN_ROLE, code="own_admin_role")
    membership.active = False
    membership.save(update_fields=["active", "updated_at"])
    ledger.record(
        actor=actor,
        action="membership.revoked",
        subject=membership,
        agency=membership.agency,
        public={
            "agency": membership.agency.code,
            "role": membership.role,
            "officer": commitment(membership.user),
        },
    )
    return membership


@dataclass(frozen=True)
class OfficerAdded:
    user: Any
    created: bool
    granted: list[str]


@transaction.atomic
def officer_add(
    *, actor: Any, agency: Agency, email: str, full_name: str, roles: list[str]
) -> OfficerAdded:
    """Give ``roles`` in ``agency`` to the person with ``email``, making their account
    (with no usable password, to be set through a reset link) if they have none.

    An existing account gets roles only if it is already an officer's
    (:func:`~goodgov.agencies.selectors.is_officer_account`): a person's own account is
    refused, so that nobody is made an officer of an agency without their consent. One
    who already holds every role chosen is refused too (nothing to give, nothing
    recorded). ``full_name`` names a new account only; an existing one keeps its name.
    """
    from goodgov.accounts.models import User
    from goodgov.accounts.services import user_register
    from goodgov.agencies.selectors import is_officer_account

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = user_register(
            actor=actor, full_name=full_name, email=email, password=None, channel="agency"
        )
    elif not is_officer_account(user):
        raise ValidationError(
            {"email": [ValidationError(PERSONAL_ACCOUNT, code="personal_account")]}
        )
    held = set(
        Membership.objects.select_for_update()
        .filter(user=user, agency=agency, role__in=roles, active=True)
        .values_list("role", flat=True)
    )
    granted = [role for role in Role.values if role in roles and role not in held]
    if not granted:
        raise ValidationError({"roles": [ValidationError(ALREADY_HOLDS, code="already_holds")]})
    for role in granted:
        membership_grant(actor=actor, user=user, agency=agency, role=role)
    return OfficerAdded(user=user, created=created, granted=granted)


@transaction.atomic
def officer_second_factor_reset(*, actor: Any, agency: Agency, officer: Any) -> int:
    """Remove ``officer``'s authenticator app (TOTP) and recovery codes, for an officer who
    lost them, and end every session they have open; at their next sign-in they must set
    the app up again (``accounts.middleware.OfficerSecondFactorMiddleware``). Records
    ``officer.second_factor_reset`` and returns how many authenticators were removed;
    ``ValidationError`` and nothing recorded when there were none.

    Only for someone holding an active role in ``agency``. An admin may not reset their
    own: a stolen admin session could otherwise remove the factor that protects it.
    """
    from allauth.mfa.models import Authenticator

    from goodgov.accounts.services import user_end_sessions

    if actor is not None and getattr(actor, "pk", None) == officer.pk:
        raise ValidationError(OWN_SECOND_FACTOR, code="own_second_factor")
    if not Membership.objects.filter(user=officer, agency=agency, active=True).exists():
        raise ValueError("not an officer of this agency")
    removed, _by_model = Authenticator.objects.filter(
        user=officer,
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES],
    ).delete()
    if not removed:
        raise ValidationError(NO_SECOND_FACTOR, code="no_second_factor")
    # A session opened with the lost factor must not outlive it: whoever holds one
    # could otherwise set up an app of their own in its place.
    user_end_sessions(user=officer)
    ledger.record(
        actor=actor,
        action="officer.second_factor_reset",
        subject=officer,
        agency=agency,
        public={"agency": agency.code, "officer": commitment(officer)},
    )
    return removed
