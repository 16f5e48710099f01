"""A decision issues its signed document in the same transaction, and records it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from goodgov.cases import services as cases
from goodgov.cases.models import Case, State
from goodgov.documents import pdf
from goodgov.documents.models import IssuedDocument
from goodgov.ledger.models import Event
from tests.documents.test_rendering import pdf_text


def test_approve_issues_a_signed_permit_and_records_document_issued(
    in_review: Case, approver: Any
) -> None:
    # when
    case = cases.case_approve(actor=approver, case=in_review, conditions="ห้ามจอดรถหน้าร้าน")
    # then
    document = IssuedDocument.objects.get(case=case)
    data = document.file.open("rb").read()
    assert document.kind == "permit"
    assert document.title == {"th": "ใบอนุญาต", "en": "Permit"}
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.file.name == f"issued/{document.sha256[:2]}/{document.sha256}.pdf"
    assert document.issued_by == approver
    assert pdf.check_signature(data).valid is True
    event = Event.objects.get(action="document.issued")
    assert event.public == {
        "code": document.code,
        "sha256": document.sha256,
        "kind": "permit",
        "agency": "TBNK",
        "reference": case.reference,
        "service": "test-permit",
    }
    assert event.subject_id == str(document.pk)
    actions = list(Event.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["case.approved", "document.issued"]


def test_codes_are_short_distinct_and_unambiguous(in_review: Case, approver: Any) -> None:
    from goodgov.documents.services import CODE_ALPHABET, new_code, normalize_code

    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
        assert not set(code) & set("01IO")
    assert normalize_code(" ab cd-efgh 2345 ") == "ABCD-EFGH-2345"


def test_reject_issues_a_decision_letter_with_reasons_ground_and_appeal(
    in_review: Case, approver: Any, tmp_path: Path
) -> None:
    # when
    case = cases.case_reject(
        actor=approver,
        case=in_review,
        reasons="พื้นที่ร้านไม่เป็นไปตามหลักเกณฑ์ด้านสุขลักษณะ",
        legal_ground=0,
    )
    # then
    document = IssuedDocument.objects.get(case=case)
    assert document.kind == "decision-letter"
    assert document.title["en"] == "Notice of refusal"
    text = pdf_text(document.file.open("rb").read(), tmp_path)
    assert "พื้นที่ร้านไม่เป็นไปตามหลักเกณฑ์ด้านสุขลักษณะ" in text
    # the ground the approver chose from the service's legal basis, in words
    ground = " ".join(text.split()).split("Legal ground", 1)[1].split("How to appeal", 1)[0]
    assert "Public Health Act B.E. 2535 (1992), Section 38" in ground
    assert "How to appeal" in text
    assert "Administrative Procedure Act" in text
    assert (
        Event.objects.filter(action="document.issued", public__kind="decision-letter").count() == 1
    )


def test_a_signing_failure_leaves_the_case_undecided_and_no_file(
    in_review: Case, approver: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # given
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("the signing device is unplugged")

    monkeypatch.setattr(pdf, "sign", broken)
    events_before = Event.objects.count()
    # when
    with pytest.raises(RuntimeError):
        cases.case_approve(actor=approver, case=in_review)
    # then
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW
    assert in_review.decided_at is None
    assert IssuedDocument.objects.count() == 0
    assert Event.objects.count() == events_before
    assert not (Path(settings.MEDIA_ROOT) / "issued").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "issued").rglob("*.pdf")
    )


def test_a_failure_after_the_file_is_stored_deletes_it(
    in_review: Case, approver: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # given: the ledger refuses the document event (after the PDF is written)
    from goodgov import ledger

    real = ledger.record

    def refuse(**kwargs: Any) -> Any:
        if kwargs["action"] == "document.issued":
            raise RuntimeError("ledger unavailable")
        return real(**kwargs)

    monkeypatch.setattr("goodgov.documents.services.ledger.record", refuse)
    # when
    with pytest.raises(RuntimeError):
        cases.case_approve(actor=approver, case=in_review)
    # then
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW
    assert IssuedDocument.objects.count() == 0
    assert list((Path(settings.MEDIA_ROOT) / "issued").rglob("*.pdf")) == []


def test_without_a_signing_key_in_production_the_decision_is_refused(
    in_review: Case, approver: Any, settings: Any, tmp_path: Path
) -> None:
    # given
    settings.PRODUCTION = True
    settings.GOODGOV_SIGNING_DIR = str(tmp_path / "empty")
    # when
    with pytest.raises(cases.CaseError) as error:
        cases.case_approve(actor=approver, case=in_review)
    # then
    from goodgov.documents.pki import SigningNotConfigured

    assert isinstance(error.value.__cause__, SigningNotConfigured)
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW
    assert not (tmp_path / "empty" / "tbnk.p12").exists()
