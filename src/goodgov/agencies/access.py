"""Who may administer an agency: its own active admins, nobody else.

Views answer 404 both for an agency that does not exist and for one the user may
not administer, so nobody can probe which agencies or officers exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from goodgov.agencies.models import Agency, Membership, Role


def can_administer(user: Any, agency: Agency) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return Membership.objects.filter(
        user=user, agency=agency, role=Role.ADMIN, active=True
    ).exists()


def agency_to_administer(user: Any, code: str) -> Agency:
    """The agency with ``code`` if ``user`` administers it; ``Http404`` otherwise."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not can_administer(user, agency):
        raise Http404
    return agency
