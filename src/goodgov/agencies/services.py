"""Writes for agencies and memberships; each records its event."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.agencies.models import Agency, Membership, Role
from goodgov.ledger.services import commitment

log = logging.getLogger(__name__)

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
#: Said when the officer also holds a role in another agency, or is platform staff: an
#: admin of one agency must not remove the factor that guards another's powers.
SECOND_FACTOR_FOR_OPERATOR = _(
    "You cannot reset this person's second factor, because they also hold a role in "
    "another agency or help run the platform. Ask the platform operator to do it."
)
#: Said when the account is another agency's and nobody has signed in to it yet
#: (``selectors.is_unclaimed_elsewhere``). It says no more than that: not which agency.
UNCLAIMED_ELSEWHERE = _(
    "This email address belongs to an officer account that nobody has signed in to yet. "
    "Ask the person to sign in once (they can choose a password with “I have forgotten "
    "my password” on the sign-in page), then add them again."
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
    (with no usable password) if they have none. A new account's set-password link is
    emailed to ``email`` once the change commits, never shown to the admin: the account
    belongs to whoever reads that mailbox, not to the admin who made it.

    An existing account gets roles only if it is already an officer's
    (:func:`~goodgov.agencies.selectors.is_officer_account`): a person's own account is
    refused, so that nobody is made an officer of an agency without their consent. So is
    an officer account nobody has signed in to that never held a role in ``agency``
    (:func:`~goodgov.agencies.selectors.is_unclaimed_elsewhere`): another agency's,
    not yet in its owner's hands. One who already holds every role chosen is refused too
    (nothing to give, nothing recorded). ``full_name`` names a new account only; an
    existing one keeps its name.
    """
    from goodgov.accounts.models import User
    from goodgov.accounts.services import user_register
    from goodgov.agencies.selectors import is_officer_account, is_unclaimed_elsewhere

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
    elif is_unclaimed_elsewhere(agency, user):
        raise ValidationError(
            {"email": [ValidationError(UNCLAIMED_ELSEWHERE, code="unclaimed_elsewhere")]}
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
    if created:
        made = user
        transaction.on_commit(lambda: _email_password_setting_link(user=made, agency=agency))
    return OfficerAdded(user=user, created=created, granted=granted)


def _email_password_setting_link(*, user: Any, agency: Agency) -> None:
    """Email a new officer account's set-password link to its own address, in the
    person's language, through allauth's adapter (as its password-reset emails are sent).

    Run after the account's transaction commits. The link is made here and goes nowhere
    else: not to the admin's page, not to the database. A failure is logged, not raised:
    the account stands, and the person can still ask for a link with "I have forgotten
    my password".
    """
    from allauth.account.adapter import get_adapter
    from allauth.core import context as allauth_context

    from goodgov.accounts.adapter import emailed_url
    from goodgov.accounts.selectors import password_setting_path
    from goodgov.notifications.services import in_language_of

    try:
        with in_language_of(user):
            request = allauth_context.request
            # in production never on the request's Host: an admin sending a Host of
            # their own would otherwise receive the link's token
            url = emailed_url(request, password_setting_path(user))
            get_adapter(request).send_mail(
                "agencies/email/officer_account_made",
                user.email,
                {"user": user, "agency": agency, "password_reset_url": url},
            )
    except Exception:
        log.exception("emailing the set-password link of account %s failed", user.pk)


@transaction.atomic
def officer_second_factor_reset(*, actor: Any, agency: Agency, officer: Any) -> int:
    """Remove ``officer``'s authenticator app (TOTP) and recovery codes, for an officer who
    lost them, and end every session they have open; at their next sign-in they must set
    the app up again (``accounts.middleware.OfficerSecondFactorMiddleware``). Records
    ``officer.second_factor_reset`` and returns how many authenticators were removed;
    ``ValidationError`` and nothing recorded when there were none.

    Only for someone holding an active role in ``agency``. An admin may not reset their
    own: a stolen admin session could otherwise remove the factor that protects it. Nor
    that of someone who holds an active role in another agency, or is Django staff or a
    superuser (:func:`~goodgov.agencies.selectors.second_factor_is_for_operator`): that
    is a platform operator's to do, else an admin could give such a person a role here
    and strip the factor guarding the other agency's or the platform's powers.
    """
    from goodgov.accounts.services import second_factor_remove
    from goodgov.agencies.selectors import second_factor_is_for_operator

    if actor is not None and getattr(actor, "pk", None) == officer.pk:
        raise ValidationError(OWN_SECOND_FACTOR, code="own_second_factor")
    # Locked, so that no role is given or taken between this check and the reset.
    held = list(
        Membership.objects.select_for_update()
        .filter(user=officer, active=True)
        .values_list("agency_id", flat=True)
    )
    if agency.pk not in held:
        raise ValueError("not an officer of this agency")
    if second_factor_is_for_operator(agency, officer):
        raise ValidationError(SECOND_FACTOR_FOR_OPERATOR, code="second_factor_for_operator")
    removed = second_factor_remove(user=officer)
    if not removed:
        raise ValidationError(NO_SECOND_FACTOR, code="no_second_factor")
    ledger.record(
        actor=actor,
        action="officer.second_factor_reset",
        subject=officer,
        agency=agency,
        public={"agency": agency.code, "officer": commitment(officer)},
    )
    return removed
