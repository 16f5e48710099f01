from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goodgov.agencies.models import Agency, Membership, Role


def roles_of(user: Any, agency: Agency) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, agency=agency, active=True).values_list(
            "role", flat=True
        )
    )


def agencies_of(user: Any) -> QuerySet[Agency]:
    """Agencies in which the user holds any active role."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user, memberships__active=True).distinct()


def is_officer(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(user=user, active=True).exists()
    )


def memberships_of(user: Any) -> QuerySet[Membership]:
    """The user's active roles, with their agencies."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, active=True)
        .select_related("agency")
        .order_by("agency__code", "role")
    )


def agencies_administered_by(user: Any) -> QuerySet[Agency]:
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user=user, memberships__active=True, memberships__role=Role.ADMIN
    ).distinct()


def officers_of(agency: Agency) -> list[dict[str, Any]]:
    """Everyone with an active role in ``agency``: ``{"user", "roles"}``, by name."""
    by_user: dict[int, dict[str, Any]] = {}
    rows = (
        Membership.objects.filter(agency=agency, active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "user_id")
    )
    for membership in rows:
        entry = by_user.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        entry["roles"].append(membership.role)
    for entry in by_user.values():
        entry["roles"] = [role for role in Role.values if role in entry["roles"]]
    return list(by_user.values())


def officer_in(agency: Agency, user_id: int) -> Any | None:
    """A user who holds, or once held, a role in ``agency``; None for anyone else."""
    membership = (
        Membership.objects.filter(agency=agency, user_id=user_id).select_related("user").first()
    )
    return membership.user if membership is not None else None
