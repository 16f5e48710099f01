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
    (with no usable password, to be set through a reset link) if they have none."""
    from goodgov.accounts.models import User
    from goodgov.accounts.services import user_register

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = user_register(
            actor=actor, full_name=full_name, email=email, password=None, channel="agency"
        )
    granted = []
    for role in roles:
        before = Membership.objects.filter(user=user, agency=agency, role=role, active=True)
        if not before.exists():
            granted.append(role)
        membership_grant(actor=actor, user=user, agency=agency, role=role)
    return OfficerAdded(user=user, created=created, granted=granted)
