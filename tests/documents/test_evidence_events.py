"""The events an evidence upload records: ``evidence.uploaded`` for each file attached,
``evidence.removed`` for the file it replaces, each in the transaction of the case action
that carries the upload, and nothing at all when that action is refused."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodgov.cases import services as cases
from goodgov.cases.models import Case
from goodgov.documents.models import Evidence
from goodgov.ledger import schemas
from tests.cases.conftest import submitted_case
from tests.recorded import events_since, last_event_id, summary

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OTHER_PDF = PDF.replace(b"Catalog", b"Catalog /Lang (th)")


def pdf_upload(data: bytes = PDF, name: str = "plan.pdf") -> dict[str, Any]:
    return {"floor_plan": (SimpleUploadedFile(name, data, "application/pdf"), "application/pdf")}


@pytest.fixture
def draft(citizen_a: Any, service_version: Any) -> Case:
    return cases.case_start(actor=citizen_a, applicant=citizen_a, service=service_version.service)


def test_uploading_evidence_records_evidence_uploaded_with_the_item_and_the_files_hash(
    draft: Case, citizen_a: Any
) -> None:
    # given: a draft with no file yet
    before = last_event_id()

    # when: the applicant saves the draft with a floor plan
    cases.case_save_draft(actor=citizen_a, case=draft, answers={}, uploads=pdf_upload())

    # then: the upload, then the draft save, and nothing more
    evidence = Evidence.objects.get(case=draft, item="floor_plan")
    events = events_since(before)
    assert summary(events) == [
        ("evidence.uploaded", citizen_a.pk, "TBNK", "documents.evidence", str(evidence.pk)),
        ("case.draft_saved", citizen_a.pk, "TBNK", "cases.case", str(draft.pk)),
    ]
    uploaded = events[0]
    assert uploaded.public == {
        "reference": None,  # a draft has no reference yet
        "item": "floor_plan",
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    assert uploaded.private is None
    schemas.check("evidence.uploaded", uploaded.public)
    # no file name, no personal data in the public part
    assert "plan.pdf" not in str(uploaded.public)


def test_replacing_a_file_records_evidence_removed_for_the_old_one_before_the_new_upload(
    draft: Case, citizen_a: Any
) -> None:
    # given: a floor plan already attached
    cases.case_save_draft(actor=citizen_a, case=draft, answers={}, uploads=pdf_upload())
    old = Evidence.objects.get(case=draft, item="floor_plan")
    before = last_event_id()

    # when: the applicant uploads another floor plan
    cases.case_save_draft(
        actor=citizen_a, case=draft, answers={}, uploads=pdf_upload(OTHER_PDF, "plan-2.pdf")
    )

    # then: the old file's removal, the new file's upload, the draft save
    new = Evidence.objects.get(case=draft, item="floor_plan")
    assert new.pk != old.pk
    events = events_since(before)
    assert summary(events) == [
        ("evidence.removed", citizen_a.pk, "TBNK", "documents.evidence", str(old.pk)),
        ("evidence.uploaded", citizen_a.pk, "TBNK", "documents.evidence", str(new.pk)),
        ("case.draft_saved", citizen_a.pk, "TBNK", "cases.case", str(draft.pk)),
    ]
    removed, uploaded = events[0], events[1]
    assert removed.public == {"reference": None, "item": "floor_plan"}
    assert removed.private is None
    schemas.check("evidence.removed", removed.public)
    assert uploaded.public == {
        "reference": None,
        "item": "floor_plan",
        "sha256": hashlib.sha256(OTHER_PDF).hexdigest(),
    }
    schemas.check("evidence.uploaded", uploaded.public)


def test_a_file_sent_with_an_answer_to_an_officer_records_the_upload_under_the_case_reference(
    citizen_a: Any, service_version: Any, clerk: Any
) -> None:
    # given: a submitted case whose officer asked for more information
    case = submitted_case(citizen_a, service_version)
    case = cases.case_claim(actor=clerk, case=case)
    cases.case_request_info(actor=clerk, case=case, message="โปรดส่งแผนผังร้าน")
    case.refresh_from_db()
    before = last_event_id()

    # when: the applicant answers with the floor plan
    cases.case_answer(actor=citizen_a, case=case, response="แนบแล้ว", uploads=pdf_upload())

    # then
    evidence = Evidence.objects.get(case=case, item="floor_plan")
    events = events_since(before)
    assert summary(events) == [
        ("evidence.uploaded", citizen_a.pk, "TBNK", "documents.evidence", str(evidence.pk)),
        ("case.info_provided", citizen_a.pk, "TBNK", "cases.case", str(case.pk)),
    ]
    assert events[0].public == {
        "reference": case.reference,
        "item": "floor_plan",
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    schemas.check("evidence.uploaded", events[0].public)


def test_someone_else_uploading_to_a_persons_draft_is_refused_and_records_nothing(
    draft: Case, citizen_b: Any
) -> None:
    # given
    before = last_event_id()

    # when / then
    with pytest.raises(cases.NotAllowed):
        cases.case_save_draft(actor=citizen_b, case=draft, answers={}, uploads=pdf_upload())
    assert events_since(before) == []
    assert not Evidence.objects.filter(case=draft).exists()


def test_a_replacement_over_the_case_size_limit_is_refused_and_records_no_removal(
    draft: Case, citizen_a: Any, settings: Any
) -> None:
    # given: a floor plan attached, and a limit the next file breaks
    cases.case_save_draft(actor=citizen_a, case=draft, answers={}, uploads=pdf_upload())
    old = Evidence.objects.get(case=draft, item="floor_plan")
    settings.GOODGOV_CASE_UPLOAD_MAX_BYTES = len(PDF) + 1
    before = last_event_id()

    # when / then
    with pytest.raises(cases.CaseError) as refused:
        cases.case_save_draft(
            actor=citizen_a, case=draft, answers={}, uploads=pdf_upload(PDF + b" " * 64)
        )
    assert refused.value.field == "evidence_floor_plan"
    assert events_since(before) == []
    assert list(Evidence.objects.filter(case=draft)) == [old]  # the old file is kept
