from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from goodgov.agencies.models import Membership, Role
from goodgov.documents.access import REVOKING_ROLES


def site(request: HttpRequest) -> dict[str, Any]:
    """What the header needs: which back-office links this person gets."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_officer": False, "is_agency_admin": False, "revokes_documents": False}
    roles = set(Membership.objects.filter(user=user, active=True).values_list("role", flat=True))
    return {
        "is_officer": bool(roles),
        "is_agency_admin": Role.ADMIN in roles,
        # the issued-documents page lists only what its reader may revoke
        "revokes_documents": bool(roles & REVOKING_ROLES),
    }
