"""Who may do what in governance: the scorecard and the ITA checklist are public; an
agency's own active admins answer its ITA items; executives see the dashboard.

Every check answers 404 for "forbidden" and "does not exist" alike.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from goodgov.agencies.access import can_administer
from goodgov.agencies.models import Agency, Membership

#: The role that sees the executive dashboard (granted like any other role, by an agency admin).
EXECUTIVE_ROLES = ("executive",)


def agency_to_answer_ita(user: Any, code: str) -> Agency:
    """The agency with ``code`` if ``user`` is one of its active admins; 404 otherwise."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not can_administer(user, agency):
        raise Http404
    return agency


def agencies_overseen(user: Any) -> list[Agency]:
    """The agencies in which the user holds an executive role, and all agencies below them."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    roots = list(
        Agency.objects.filter(
            memberships__user=user,
            memberships__role__in=EXECUTIVE_ROLES,
            memberships__active=True,
        ).distinct()
    )
    seen: dict[int, Agency] = {a.pk: a for a in roots}
    frontier = [a.pk for a in roots]
    while frontier:
        children = list(Agency.objects.filter(parent_id__in=frontier).exclude(pk__in=seen))
        for child in children:
            seen[child.pk] = child
        frontier = [c.pk for c in children]
    return sorted(seen.values(), key=lambda a: a.code)


def is_executive(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(user=user, role__in=EXECUTIVE_ROLES, active=True).exists()
    )
