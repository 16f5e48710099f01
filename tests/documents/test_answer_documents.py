"""Each answer to a request for information keeps its documents: the second answer's
upload no longer replaces the first's (review of the case workflow, finding 2: every
answer's upload went under one evidence key, and a key's upload replaces the one before)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodgov.cases import services
from goodgov.documents.models import Evidence
from goodgov.ledger.models import Event

pytestmark = pytest.mark.django_db

LEASE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIRE = b"%PDF-1.4\n2 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name: str, data: bytes) -> dict[str, Any]:
    return {"additional": (SimpleUploadedFile(name, data), "application/pdf")}


def test_a_second_answer_keeps_the_first_answers_document(
    in_review: Any, clerk: Any, citizen_a: Any, as_user: Any
) -> None:
    # given: the applicant answered a first request with the lease
    services.case_request_info(actor=clerk, case=in_review, message="ขอสัญญาเช่า")
    services.case_answer(
        actor=citizen_a, case=in_review, response="แนบสัญญาเช่า", uploads=_upload("lease.pdf", LEASE)
    )

    # when: a second request, answered with the fire certificate
    services.case_request_info(actor=clerk, case=in_review, message="ขอใบรับรองความปลอดภัย")
    services.case_answer(
        actor=citizen_a, case=in_review, response="แนบใบรับรอง", uploads=_upload("fire.pdf", FIRE)
    )

    # then: both documents are there, nothing removed, both on the officer's page
    names = sorted(Evidence.objects.filter(case=in_review).values_list("original_name", flat=True))
    assert names == ["fire.pdf", "lease.pdf"]
    assert not Event.objects.filter(action="evidence.removed").exists()
    page = as_user(clerk).get(f"/en/office/cases/{in_review.uuid}/").content.decode()
    assert "lease.pdf" in page and "fire.pdf" in page
    for evidence in Evidence.objects.filter(case=in_review):
        assert evidence.file.storage.exists(evidence.file.name)
