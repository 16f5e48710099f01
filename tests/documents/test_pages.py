"""The citizen's documents, downloads, public verification and revocation, over HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodgov.documents.models import IssuedDocument
from goodgov.documents.services import document_revoke
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from tests.cases.test_access_matrix import CLIENTS, assert_refused, client_for, normalised
from tests.documents.test_signature import appended_drawing


def download_url(document: IssuedDocument | uuid.UUID) -> str:
    return f"/documents/{getattr(document, 'uuid', document)}/download/"


def revoke_url(document: IssuedDocument | uuid.UUID) -> str:
    return f"/documents/office/{getattr(document, 'uuid', document)}/revoke/"


def unchanged(document: IssuedDocument) -> tuple[Any, ...]:
    """What a refused download or revocation must leave as it was."""
    document.refresh_from_db()
    return (
        document.revoked_at,
        document.revoked_reason,
        document.revoked_by_id,
        list(Event.objects.values_list("action", flat=True).order_by("id")),
        Message.objects.count(),
    )


# ----------------------------------------------------------------- my documents


def test_the_holder_lists_and_downloads_their_document(
    as_user: Any, issued: Any, citizen_a: Any
) -> None:
    client = as_user(citizen_a)
    # when
    listing = client.get("/documents/")
    response = client.get(download_url(issued))
    # then
    assert listing.status_code == 200
    assert issued.code in listing.content.decode()
    assert download_url(issued) in listing.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{issued.case.reference}-{issued.code}.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == issued.file.open("rb").read()


@pytest.mark.parametrize("who", CLIENTS)
def test_only_the_holder_downloads_it(request: Any, as_user: Any, issued: Any, who: str) -> None:
    client = client_for(request, as_user, who)
    before = unchanged(issued)
    # when
    response = client.get(download_url(issued))
    listing = client.get("/documents/")
    # then
    if who == "citizen_a":
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == issued.file.open("rb").read()
        assert issued.code in listing.content.decode()
    else:
        assert_refused(response, who)
        assert issued.code not in listing.content.decode()
    if who == "anonymous":
        assert_refused(listing, who)
    assert unchanged(issued) == before


@pytest.mark.parametrize("who", ["citizen_b", "approver", "agency_admin"])
def test_someone_elses_document_looks_exactly_like_a_missing_one(
    request: Any, as_user: Any, issued: Any, who: str
) -> None:
    client = client_for(request, as_user, who)
    missing_id = uuid.uuid4()
    # when
    theirs = client.get(download_url(issued))
    missing = client.get(download_url(missing_id))
    # then
    assert theirs.status_code == missing.status_code == 404
    assert normalised(theirs, issued.uuid) == normalised(missing, missing_id)


# ----------------------------------------------------------------- verification


def test_verify_by_code_from_the_qr_link(as_user: Any, issued: Any) -> None:
    # when
    response = as_user(None).get("/verify/", {"code": issued.code.lower().replace("-", " ")})
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="th"' in page
    assert "govuk-panel--confirmation" in page
    assert issued.code in page
    assert issued.sha256 in page
    assert issued.agency.name_th in page


def test_verify_in_english(as_user: Any, issued: Any) -> None:
    response = as_user(None).get("/en/verify/", {"code": issued.code})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This document was issued here and has not been revoked." in page
    assert issued.agency.name_en in page


def test_the_qr_code_points_at_the_verification_page(issued: Any, settings: Any) -> None:
    from goodgov.documents.services import verify_url

    assert verify_url(issued.code) == f"{settings.BASE_URL}/verify/?code={issued.code}"


def test_verify_upload_of_the_issued_file(as_user: Any, issued: Any) -> None:
    upload = SimpleUploadedFile("x.pdf", issued.file.open("rb").read(), "application/pdf")
    response = as_user(None).post("/verify/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-panel--confirmation" in page
    assert issued.code in page


def test_verify_upload_of_an_altered_file_names_the_original_and_says_altered(
    as_user: Any, issued: Any
) -> None:
    forged = appended_drawing(issued.file.open("rb").read())
    response = as_user(None).post(
        "/en/verify/", {"file": SimpleUploadedFile("x.pdf", forged, "application/pdf")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Altered: this file is not the document as it was issued." in page
    assert "govuk-panel--confirmation" not in page
    assert issued.code in page


def test_verify_unknown_code_and_unknown_file(as_user: Any, issued: Any) -> None:
    client = as_user(None)
    by_code = client.get("/en/verify/", {"code": "AAAA-BBBB-CCCC"}).content.decode()
    other = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    by_file = client.post(
        "/en/verify/", {"file": SimpleUploadedFile("x.pdf", other, "application/pdf")}
    ).content.decode()
    for page in (by_code, by_file):
        assert "Not issued here, or altered" in page
        assert issued.code not in page


def test_verify_needs_a_code_or_a_file_and_refuses_a_non_pdf(as_user: Any, db: Any) -> None:
    client = as_user(None)
    empty = client.post("/en/verify/", {})
    html = client.post(
        "/en/verify/", {"file": SimpleUploadedFile("x.pdf", b"<html></html>", "application/pdf")}
    )
    assert empty.status_code == 400
    assert 'href="#id_code"' in empty.content.decode()
    assert html.status_code == 400
    assert "The file must be a PDF" in html.content.decode()


def test_revocation_shows_at_verification_at_once(as_user: Any, issued: Any, approver: Any) -> None:
    # when
    document_revoke(actor=approver, document=issued, reason="ผู้รับอนุญาตขอยกเลิกกิจการ")
    # then
    page = as_user(None).get("/en/verify/", {"code": issued.code}).content.decode()
    assert "Revoked" in page
    assert "ผู้รับอนุญาตขอยกเลิกกิจการ" in page
    assert "govuk-panel--confirmation" not in page
    upload = SimpleUploadedFile("x.pdf", issued.file.open("rb").read(), "application/pdf")
    page = as_user(None).post("/en/verify/", {"file": upload}).content.decode()
    assert "This document was revoked on" in page


def test_verification_shows_the_ledger_entry_once_sequenced(as_user: Any, issued: Any) -> None:
    from goodgov.ledger import sequencer

    sequencer.sequence_all()
    event = Event.objects.get(action="document.issued")
    event.refresh_from_db()
    page = as_user(None).get("/en/verify/", {"code": issued.code}).content.decode()
    assert event.leaf_index is not None
    assert f"Entry {event.leaf_index} of the public log" in page
    assert f"/ledger/proof/inclusion?index={event.leaf_index}" in page


# ----------------------------------------------------------------- revocation


@pytest.mark.parametrize("who", ["approver", "agency_admin"])
def test_an_approver_or_admin_of_the_issuing_agency_revokes(
    request: Any, as_user: Any, issued: Any, who: str
) -> None:
    officer = request.getfixturevalue(who)
    client = as_user(officer)
    # when
    form = client.get(revoke_url(issued))
    response = client.post(revoke_url(issued), {"reason": "ออกเอกสารผิดคน"})
    # then
    assert form.status_code == 200
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.revoked_at is not None
    assert issued.revoked_reason == "ออกเอกสารผิดคน"
    assert issued.revoked_by == officer
    event = Event.objects.get(action="document.revoked")
    assert event.public == {"code": issued.code, "sha256": issued.sha256, "agency": "TBNK"}
    assert event.private == {"reason": "ออกเอกสารผิดคน"}


@pytest.mark.parametrize(
    "reason",
    [
        "ผู้ถือ เลขประจำตัว 1101700230708 เสียชีวิต",
        "holder 1-1017-00230-70-8 deceased",
        "โทร 081-234-5678 เพื่อสอบถาม",
    ],
)
def test_a_reason_with_a_national_id_or_phone_number_is_refused(
    as_user: Any, issued: Any, approver: Any, reason: str
) -> None:
    # given: the reason is shown to anyone who checks the document
    before = unchanged(issued)
    # when
    response = as_user(approver).post("/en" + revoke_url(issued), {"reason": reason})
    # then: the form again, what was typed kept, nothing revoked
    assert response.status_code == 400
    html = response.content.decode()
    assert "remove the national ID or phone number" in html
    assert 'href="#id_reason"' in html
    assert unchanged(issued) == before


@pytest.mark.parametrize(
    "who",
    ["anonymous", "citizen_a", "citizen_b", "clerk", "counter_officer", "foreign_officer"],
)
def test_nobody_else_may_revoke(request: Any, as_user: Any, issued: Any, who: str) -> None:
    # given: the holder, the clerk who handled the case, the agency's counter officer,
    # and an approver and administrator of another agency
    client = client_for(request, as_user, who)
    before = unchanged(issued)
    # when
    form = client.get(revoke_url(issued))
    response = client.post(revoke_url(issued), {"reason": "x"})
    # then
    assert_refused(form, who)
    assert_refused(response, who)
    assert unchanged(issued) == before
    assert issued.revoked_at is None
    assert not Event.objects.filter(action="document.revoked").exists()
    # and anyone who checks it is still told it is valid
    page = as_user(None).get("/en/verify/", {"code": issued.code}).content.decode()
    assert "This document was issued here and has not been revoked." in page


@pytest.mark.parametrize("who", ["clerk", "foreign_officer"])
def test_a_document_they_may_not_revoke_looks_exactly_like_a_missing_one(
    request: Any, as_user: Any, issued: Any, who: str
) -> None:
    client = client_for(request, as_user, who)
    missing_id = uuid.uuid4()
    # when
    theirs = client.post(revoke_url(issued), {"reason": "x"})
    missing = client.post(revoke_url(missing_id), {"reason": "x"})
    # then
    assert theirs.status_code == missing.status_code == 404
    assert normalised(theirs, issued.uuid) == normalised(missing, missing_id)


def test_the_service_itself_refuses_a_foreign_officer(issued: Any, foreign_officer: Any) -> None:
    from goodgov.documents.services import DocumentNotAllowed

    with pytest.raises(DocumentNotAllowed):
        document_revoke(actor=foreign_officer, document=issued, reason="x")
    issued.refresh_from_db()
    assert issued.revoked_at is None


def test_revoking_needs_a_reason_and_happens_once(as_user: Any, issued: Any, approver: Any) -> None:
    client = as_user(approver)
    empty = client.post(revoke_url(issued), {"reason": "  "})
    assert empty.status_code == 400
    assert 'href="#id_reason"' in empty.content.decode()
    document_revoke(actor=approver, document=issued, reason="ครั้งแรก")
    from goodgov.documents.services import DocumentError

    with pytest.raises(DocumentError):
        document_revoke(actor=approver, document=issued, reason="ครั้งที่สอง")
    issued.refresh_from_db()
    assert issued.revoked_reason == "ครั้งแรก"
    assert Event.objects.filter(action="document.revoked").count() == 1


def test_a_second_revocation_sent_meanwhile_is_told_so_and_keeps_its_reason(
    as_user: Any, issued: Any, approver: Any, agency_admin: Any
) -> None:
    # given: both opened the page; the approver revoked first
    admin = as_user(agency_admin)
    assert admin.get("/en" + revoke_url(issued)).status_code == 200
    document_revoke(actor=approver, document=issued, reason="ออกผิดราย")

    # when: the admin sends theirs
    response = admin.post("/en" + revoke_url(issued), {"reason": "เหตุผลของผู้ดูแล"})

    # then: 409, said at the top; the revocation that stands; the typed reason shown back
    html = response.content.decode()
    assert response.status_code == 409
    assert "This document has already been revoked. Nothing was changed." in html
    assert "Reason: ออกผิดราย" in html
    assert "What you typed has not been sent" in html and "เหตุผลของผู้ดูแล" in html
    issued.refresh_from_db()
    assert issued.revoked_reason == "ออกผิดราย" and issued.revoked_by == approver
    assert Event.objects.filter(action="document.revoked").count() == 1


def test_office_list_shows_only_own_agency_documents(
    as_user: Any, issued: Any, approver: Any, foreign_officer: Any
) -> None:
    mine = as_user(approver).get("/documents/office/").content.decode()
    theirs = as_user(foreign_officer).get("/documents/office/").content.decode()
    assert issued.code in mine
    assert revoke_url(issued) in mine
    assert issued.code not in theirs
