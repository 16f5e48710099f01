"""Writes for agencies and memberships; each records its event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from goodgov import ledger
from goodgov.agencies.models import Agency, Membership
from goodgov.ledger.services import commitment


@transaction.atomic
def agency_create(*, actor: Any, code: str, name_th: str, name_en: str, kind: str, **extra: Any) -> Agency:
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
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.active:
        return membership
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
