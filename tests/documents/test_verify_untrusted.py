"""The public "Check a document" page never gives an uploaded file to a PDF parser
(security review F3): a PDF of under 200 bytes that declares millions of cross-reference
entries made pyHanko allocate hundreds of MB to gigabytes. The page still tells a genuine
document, a changed copy (appended to, or changed inside the signed bytes), a revoked one,
and a file that is not ours.

The bombs are made here, at run time. Whether the parser is reached is seen by counting
the pyHanko readers constructed while the page answers (the page's code runs unchanged);
one test also measures the memory the request allocates (tracemalloc), with a bomb small
enough not to hurt the test run were the parser ever reached again.
"""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader

from goodgov.documents import pdf, pdfs
from goodgov.documents.models import IssuedDocument
from goodgov.documents.services import document_revoke
from tests.documents.test_signature import appended_drawing, appended_metadata, flipped_byte

ALTERED = "Altered: this file is not the document as it was issued."
NOT_OURS = "Not issued here, or altered"
NOT_OURS_FILE = "This file is not one of the documents issued here"
APPENDED = "Something was added to the file after it was signed."
MODIFIED = "Part of the signed contents was changed."
VALID = "govuk-panel--confirmation"


def xref_stream_bomb(entries: int) -> bytes:
    """The review's reproduction: a cross-reference stream declaring ``entries`` objects."""
    head = b"%PDF-1.5\n1 0 obj<</Type/Catalog>>endobj\n"
    xref = (
        b"2 0 obj<</Type/XRef/Size %d/W[1 1 1]/Index[0 %d]/Root 1 0 R/Length 3>>stream\n"
        b"\x01\x00\x00\nendstream\nendobj\n" % (entries, entries)
    )
    return head + xref + b"startxref\n%d\n%%%%EOF\n" % len(head)


def xref_table_bomb() -> bytes:
    """A classic cross-reference table whose subsection declares a billion entries."""
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
    return head + (
        b"xref\n0 1000000000\n0000000000 65535 f \n"
        b"trailer<</Size 1000000000/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % len(head)
    )


def trailer_size_bomb() -> bytes:
    """A trailer declaring two billion objects."""
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
    return head + (
        b"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
        b"trailer<</Size 2000000000/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % len(head)
    )


def byte_range_bomb() -> bytes:
    """A bomb that also carries /ByteRange decoys: huge numbers, ranges past the end,
    thousands of them."""
    decoys = b"/ByteRange [0 999999999999 999999999999 999999999999]\n" * 3000
    return xref_stream_bomb(10_000_000).replace(b"%%EOF", decoys + b"%%EOF")


BOMBS = {
    "xref stream, 10 million entries": lambda: xref_stream_bomb(10_000_000),
    "xref table, a billion entries": xref_table_bomb,
    "trailer /Size, two billion": trailer_size_bomb,
    "with /ByteRange decoys": byte_range_bomb,
}


def refusing_readers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records every pyHanko reader constructed from now on (the size of the bytes it was
    given). It refuses to parse, so a regression fails the test, not the machine."""
    built: list[int] = []

    def refuse(self: Any, stream: Any, *args: Any, **kwargs: Any) -> None:
        built.append(len(stream.getbuffer()) if hasattr(stream, "getbuffer") else -1)
        raise AssertionError("an uploaded file reached pyHanko's reader")

    monkeypatch.setattr(PdfFileReader, "__init__", refuse)
    return built


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return refusing_readers(monkeypatch)


@pytest.fixture
def counting_readers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Records every pyHanko reader constructed from here on, and lets it parse."""
    built: list[int] = []
    original = PdfFileReader.__init__

    def count(self: Any, stream: Any, *args: Any, **kwargs: Any) -> None:
        built.append(len(stream.getbuffer()) if hasattr(stream, "getbuffer") else -1)
        original(self, stream, *args, **kwargs)

    monkeypatch.setattr(PdfFileReader, "__init__", count)
    yield built


def check(as_user: Any, data: bytes) -> tuple[int, str]:
    response = as_user(None).post(
        "/en/verify/", {"file": SimpleUploadedFile("document.pdf", data, "application/pdf")}
    )
    return response.status_code, response.content.decode()


# ----------------------------------------------------------------- bombs


@pytest.mark.parametrize("name", BOMBS)
def test_a_parser_bomb_is_told_it_is_not_ours_without_being_parsed(
    as_user: Any, issued: IssuedDocument, readers: list[int], name: str
) -> None:
    # given: a few hundred bytes that declare millions of objects
    data = BOMBS[name]()
    # when
    status, page = check(as_user, data)
    # then
    assert status == 200
    assert NOT_OURS in page
    assert NOT_OURS_FILE in page
    assert issued.code not in page
    assert readers == []


def test_the_reviews_bomb_allocates_little(as_user: Any, issued: IssuedDocument) -> None:
    # given: the review's 167-byte file, which made the request peak at ~270 MiB; the
    # page is visited once first, so that loading templates and catalogues is not counted
    data = xref_stream_bomb(1_000_000)
    assert len(data) < 200
    as_user(None).get("/en/verify/")
    # when
    tracemalloc.start()
    try:
        status, page = check(as_user, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then
    assert status == 200
    assert NOT_OURS_FILE in page
    assert peak < 32 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_a_bomb_appended_to_an_issued_document_is_named_and_altered_unparsed(
    as_user: Any, issued: IssuedDocument, readers: list[int]
) -> None:
    # given: the genuine file with a bomb appended as an "incremental update"
    original = issued.file.open("rb").read()
    bomb = (
        b"\n3 0 obj<</Type/XRef/Size 10000000/W[1 1 1]/Index[0 10000000]/Root 1 0 R"
        b"/Prev 0/Length 3>>stream\n\x01\x00\x00\nendstream\nendobj\n"
    )
    data = original + bomb + b"startxref\n%d\n%%%%EOF\n" % (len(original) + 1)
    # when
    status, page = check(as_user, data)
    # then
    assert status == 200
    assert ALTERED in page
    assert APPENDED in page
    assert issued.code in page
    assert readers == []


# ----------------------------------------------------------------- the page still does its job


def test_a_genuine_document_is_valid_and_only_our_own_bytes_are_parsed(
    as_user: Any, issued: IssuedDocument, counting_readers: list[int]
) -> None:
    # given
    data = issued.file.open("rb").read()
    # when
    status, page = check(as_user, data)
    # then: valid, the signature holds, and the one reader built read our stored bytes
    assert status == 200
    assert VALID in page
    assert issued.code in page
    assert "electronic signature is intact, covers the whole file" in page
    assert counting_readers == [issued.size]
    assert hashlib.sha256(data).hexdigest() == issued.sha256


@pytest.mark.parametrize("change", [appended_drawing, appended_metadata])
def test_an_incremental_update_after_signing_is_altered_and_named(
    as_user: Any, issued: IssuedDocument, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    # given: a forger's update, made with pyHanko's writer before the spy is set
    forged = change(issued.file.open("rb").read())
    built = refusing_readers(monkeypatch)
    # when
    status, page = check(as_user, forged)
    # then
    assert status == 200
    assert ALTERED in page
    assert APPENDED in page
    assert VALID not in page
    assert issued.code in page
    assert "does not hold for the file as it is" in page
    assert built == []


def flipped_in_the_tail(data: bytes) -> bytes:
    """One byte changed in the second signed range, after the signature's dictionary."""
    at = len(data) - 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.mark.parametrize("change", [flipped_byte, flipped_in_the_tail])
def test_a_byte_changed_inside_the_signed_range_is_altered_and_named(
    as_user: Any, issued: IssuedDocument, readers: list[int], change: Any
) -> None:
    # given
    original = issued.file.open("rb").read()
    forged = change(original)
    assert len(forged) == len(original) and forged != original
    # when
    status, page = check(as_user, forged)
    # then
    assert status == 200
    assert ALTERED in page
    assert MODIFIED in page
    assert VALID not in page
    assert issued.code in page
    assert readers == []


def test_a_changed_byte_and_an_appended_update_together_are_altered(
    as_user: Any, issued: IssuedDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = appended_metadata(flipped_byte(issued.file.open("rb").read()))
    built = refusing_readers(monkeypatch)
    status, page = check(as_user, forged)
    assert status == 200
    assert ALTERED in page
    assert issued.code in page
    assert built == []


def test_a_revoked_document_is_revoked_and_its_altered_copy_says_so_too(
    as_user: Any, issued: IssuedDocument, approver: Any
) -> None:
    # given
    original = issued.file.open("rb").read()
    forged = appended_drawing(original)
    document_revoke(actor=approver, document=issued, reason="ผู้รับอนุญาตขอยกเลิกกิจการ")
    # when
    _, genuine = check(as_user, original)
    _, altered = check(as_user, forged)
    # then
    assert "This document was revoked on" in genuine
    assert "ผู้รับอนุญาตขอยกเลิกกิจการ" in genuine
    assert VALID not in genuine
    assert ALTERED in altered
    assert "The document as it was issued was also revoked on" in altered


def test_a_pdf_that_is_not_ours_is_told_so(
    as_user: Any, issued: IssuedDocument, agency: Any
) -> None:
    # given: an unsigned PDF, and a PDF signed with the agency's own key but never issued
    unsigned = pdf.html_to_pdf("<p>ใบอนุญาตปลอม</p>")
    signed = pdf.sign(unsigned, agency=agency, reason="test", location="test")
    for data in (unsigned, signed):
        # when
        status, page = check(as_user, data)
        # then
        assert status == 200
        assert NOT_OURS in page
        assert NOT_OURS_FILE in page
        assert issued.code not in page
        assert VALID not in page


def test_the_upload_limit_still_applies(as_user: Any, db: Any, settings: Any) -> None:
    settings.GOODGOV_UPLOAD_MAX_BYTES = 1000
    status, page = check(as_user, xref_stream_bomb(10) + b"%" * 2000)
    assert status == 400
    assert "The file must be smaller than" in page


# ----------------------------------------------------------------- the scan itself


def test_an_issued_document_records_its_signatures_hash(issued: IssuedDocument) -> None:
    data = issued.file.open("rb").read()
    [signed] = pdfs.signed_ranges(data)
    assert signed.end == len(data)
    assert data[signed.hole_start : signed.hole_start + 1] == b"<"
    assert issued.signature_sha256 == pdfs.signature_digest(data, signed)
    assert len(issued.signature_sha256) == 64


def test_documents_issued_before_get_their_signatures_hash_from_the_stored_file(
    issued: IssuedDocument,
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "goodgov.documents.migrations.0003_issueddocument_signature_sha256"
    )
    expected = issued.signature_sha256
    IssuedDocument.objects.filter(pk=issued.pk).update(signature_sha256="")
    migration.fill_in(apps, None)
    issued.refresh_from_db()
    assert issued.signature_sha256 == expected


def test_the_scan_keeps_only_plausible_byte_ranges() -> None:
    body = b"%PDF-1.7\n" + b"x" * 100 + b"/Contents <abcd>" + b"y" * 100
    hole = body.index(b"<abcd>")
    decoys = b"\n".join(
        [
            b"/ByteRange [5 %d %d 3]" % (hole, hole + 6),  # does not start at 0
            b"/ByteRange [0 %d %d 99999999]" % (hole, hole + 6),  # past the end
            b"/ByteRange [0 3 9 1]",  # the hole holds no hex string
            b"/ByteRange [0 999999999999 999999999999 999999999999]",
            b"/ByteRange [0 1 2 3 4]",
        ]
    )
    good = b"/ByteRange [0 %010d %010d %010d]"
    tail = b"\n%%EOF\n"
    size = len(body) + len(good % (0, 0, 0)) + 1 + len(decoys) + len(tail)
    tail_length = size - (hole + 6)
    data = body + (good % (hole, hole + 6, tail_length)) + b"\n" + decoys + tail
    assert len(data) == size
    assert pdfs.signed_ranges(data) == [pdfs.SignedRange(hole, hole + 6, tail_length)]


def test_the_scan_looks_at_a_bounded_number_of_matches() -> None:
    data = b"%PDF-1.7\n<ab>" + b"/ByteRange [0 9 13 0]" * 100_000
    assert len(pdfs.signed_ranges(data)) <= pdfs.MAX_SIGNATURES
    decoys = b"/ByteRange [0 1 2 3]" * (pdfs.MAX_MATCHES + 1)
    real = b"/ByteRange [0 9 13 0]"
    assert pdfs.signed_ranges(b"%PDF-1.7\n<ab>" + decoys + real) == []


def test_prefix_digests_are_those_of_the_prefixes() -> None:
    data = bytes(range(256)) * 40
    ends = [10, 5000, 10, len(data), len(data) + 1, -1]
    assert pdfs.prefix_digests(data, ends) == {
        end: hashlib.sha256(data[:end]).hexdigest() for end in (10, 5000, len(data))
    }


def test_files_checked_from_one_address_are_limited_a_minute(
    as_user: Any, issued: IssuedDocument, settings: Any
) -> None:
    """Each file costs a pass over up to the upload limit (and a genuine one its signature
    check): one address checks at most so many a minute; codes stay open."""
    # given: a limit of three a minute
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify_file": "3/m/ip"}
    data = xref_stream_bomb(10)
    answers = [check(as_user, data)[0] for _ in range(3)]

    # when: a fourth file, then the code
    status, page = check(as_user, data)
    by_code = as_user(None).get(f"/en/verify/?code={issued.code}")

    # then: told to wait (or type the code), which still works
    assert answers == [200, 200, 200]
    assert status == 429
    assert "Too many files have been checked from your network in the last minute." in page
    assert 'href="#id_file"' in page
    assert by_code.status_code == 200 and VALID in by_code.content.decode()
