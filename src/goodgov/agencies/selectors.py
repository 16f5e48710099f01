from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goodgov.agencies.models import Agency, Membership


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
