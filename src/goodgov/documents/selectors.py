from __future__ import annotations

from typing import Any

from goodgov.documents.models import Evidence


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
