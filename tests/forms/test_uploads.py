"""Evidence uploads are judged by their bytes, not their name or claimed type."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from goodgov.cases.forms import application_form
from goodgov.documents.validation import check_upload, sha256_of
from tests.forms.conftest import PDF_BYTES, png_bytes, valid_full_data

ACCEPT = ["application/pdf", "image/jpeg", "image/png"]


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages are made in the language of the request; these tests read English."""
    with translation.override("en"):
        yield


def message(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_real_pdf_is_accepted() -> None:
    # given
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")

    # when
    detected = check_upload(upload, accept=ACCEPT)

    # then
    assert detected == "application/pdf"


def test_a_real_png_is_accepted_whatever_its_name_and_claimed_type() -> None:
    # given
    upload = SimpleUploadedFile("photo.txt", png_bytes(), content_type="text/plain")

    # when
    detected = check_upload(upload, accept=ACCEPT)

    # then
    assert detected == "image/png"


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64,
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
        b"junk before %PDF-1.4 trailer",
    ],
    ids=["html", "windows-exe", "elf", "pdf-not-first"],
)
def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(content: bytes) -> None:
    # given
    upload = SimpleUploadedFile("x.pdf", content, content_type="application/pdf")

    # when
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, accept=ACCEPT)

    # then
    assert caught.value.code == "type"
    assert message(caught.value) == "The file must be a PDF, JPG or PNG"


def test_a_type_outside_the_accepted_list_is_refused() -> None:
    # given
    upload = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")

    # when
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, accept=["application/pdf"])

    # then
    assert message(caught.value) == "The file must be a PDF"


def test_an_oversize_file_is_refused(settings: Any) -> None:
    # given
    settings.GOODGOV_UPLOAD_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile(
        "big.pdf", PDF_BYTES + b"0" * (1024 * 1024), content_type="application/pdf"
    )

    # when
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, accept=ACCEPT)

    # then
    assert caught.value.code == "too_large"
    assert message(caught.value) == "The file must be smaller than 1 MB"


def test_the_default_limit_is_ten_megabytes() -> None:
    # given
    upload = SimpleUploadedFile(
        "big.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )

    # when
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, accept=ACCEPT)

    # then
    assert message(caught.value) == "The file must be smaller than 10 MB"


def test_an_empty_file_is_refused() -> None:
    # given
    upload = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")

    # when
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, accept=ACCEPT)

    # then
    assert caught.value.code == "empty"
    assert message(caught.value) == "The selected file is empty"


def test_sha256_of_reads_the_whole_file_and_rewinds() -> None:
    # given
    content = PDF_BYTES + b"x" * (3 * 64 * 1024 + 17)
    upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")

    # when
    digest = sha256_of(upload)

    # then
    assert digest == hashlib.sha256(content).hexdigest()
    assert upload.read(5) == b"%PDF-"


def test_the_form_returns_checked_uploads_with_the_detected_type(full_version: Any) -> None:
    # given
    files = {
        "evidence_id_card": SimpleUploadedFile(
            "id.png", png_bytes(), content_type="application/octet-stream"
        ),
        "evidence_floor_plan": SimpleUploadedFile(
            "plan.pdf", PDF_BYTES, content_type="application/pdf"
        ),
    }
    form = application_form(full_version, data=valid_full_data(), files=files)

    # when
    assert form.is_valid(), form.errors
    uploads = form.uploads()

    # then
    assert set(uploads) == {"id_card", "floor_plan"}
    assert uploads["id_card"].content_type == "image/png"
    assert uploads["floor_plan"].name == "plan.pdf"


def test_the_form_refuses_an_html_page_named_pdf(full_version: Any) -> None:
    # given
    files = {
        "evidence_id_card": SimpleUploadedFile(
            "x.pdf", b"<html></html>", content_type="application/pdf"
        )
    }
    with translation.override("en"):
        form = application_form(full_version, data=valid_full_data(), files=files)

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {"evidence_id_card": ["The file must be a PDF or PNG"]}
    assert form.uploads() == {}


def test_a_required_upload_is_required_until_uploaded(full_version: Any) -> None:
    # given
    with translation.override("en"):
        missing = application_form(full_version, data=valid_full_data(), files={})
        already = application_form(
            full_version, data=valid_full_data(), files={}, existing_evidence={"id_card"}
        )
        draft = application_form(full_version, data=valid_full_data(), files={}, mode="draft")

        # when
        results = (missing.is_valid(), already.is_valid(), draft.is_valid())

        # then
        assert results == (False, True, True)
        assert missing.errors == {"evidence_id_card": ["Select a file for the copy of ID card"]}


def test_valid_uploads_survive_another_fields_error(full_version: Any) -> None:
    # given
    files = {
        "evidence_id_card": SimpleUploadedFile("id.pdf", PDF_BYTES, content_type="application/pdf")
    }
    form = application_form(full_version, data=valid_full_data(shop_name=""), files=files)

    # when
    valid = form.is_valid()

    # then
    assert valid is False
    assert list(form.uploads()) == ["id_card"]
