from __future__ import annotations

from django.http import FileResponse, HttpRequest

from goodgov.core import access as rules
from goodgov.documents.access import evidence_for


@rules.rule(rules.SIGNED_IN, "the applicant, or officers of the owning agency after submission")
def evidence(request: HttpRequest, evidence_id: str) -> FileResponse:
    item = evidence_for(request.user, evidence_id)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        item.content_type, "bin"
    )
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=f"{item.case.reference or 'draft'}-{item.item}.{extension}",
        content_type=item.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
