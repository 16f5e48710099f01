from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goodgov.agencies.selectors import agencies_of
from goodgov.documents.access import REVOKING_ROLES
from goodgov.documents.models import Evidence, IssuedDocument


def evidence_of(case: Any) -> list[Evidence]:
    return list(Evidence.objects.filter(case=case).order_by("item", "created_at"))


def evidence_by_item(version: Any, evidence: list[Evidence]) -> list[dict[str, Any]]:
    """Each evidence item of the service with the files provided for it, then extra documents."""
    items = [
        {"item": item, "docs": [e for e in evidence if e.item == item["key"]]}
        for item in version.definition.get("evidence", [])
    ]
    known = {row["item"]["key"] for row in items}
    extra = [e for e in evidence if e.item not in known]
    if extra:
        items.append(
            {"item": {"key": "additional", "kind": "upload", "required": False}, "docs": extra}
        )
    return items


def documents_held_by(user: Any) -> QuerySet[IssuedDocument]:
    """Every document issued to ``user``, newest first."""
    return IssuedDocument.objects.filter(case__applicant=user).select_related("case", "agency")


def documents_of_case(case: Any) -> list[IssuedDocument]:
    return list(IssuedDocument.objects.filter(case=case).order_by("issued_at", "id"))


def documents_revocable_by(user: Any) -> QuerySet[IssuedDocument]:
    """Documents of the agencies where ``user`` is an approver or administrator."""
    agencies = agencies_of(user).filter(
        memberships__user=user, memberships__active=True, memberships__role__in=REVOKING_ROLES
    )
    return IssuedDocument.objects.filter(agency__in=agencies).select_related("case", "agency")
