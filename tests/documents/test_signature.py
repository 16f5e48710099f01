"""Issued documents validate with pyHanko and with an independent validator (poppler's
pdfsig), and a PDF altered after signing fails both, an incremental update included."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from goodgov.documents import pdf, pki

needs_pdfsig = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="no poppler-utils")


def pyhanko_bottom_line(data: bytes, root: Path) -> bool:
    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(root))])
    return bool(validate_pdf_signature(sig, context).bottom_line)


def pdfsig(data: bytes, tmp_path: Path, nssdir: str | None = None) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    args = ["pdfsig", *(["-nssdir", nssdir] if nssdir else []), str(path)]
    # pdfsig exits 0 even on a digest mismatch: only its output says what it found.
    return subprocess.run(args, capture_output=True, text=True, check=False).stdout


def pdfsig_valid(output: str) -> bool:
    lines = [line.strip() for line in output.splitlines()]
    return (
        "- Total document signed" in lines
        and "- Signature Validation: Signature is Valid." in lines
        and "- Certificate Validation: Certificate is Trusted." in lines
    )


def appended_drawing(data: bytes) -> bytes:
    """A forger's incremental update after signing: a red box drawn over page 1."""
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    overlay = writer.add_object(generic.StreamObject(stream_data=b"q 1 0 0 rg 50 50 200 20 re f Q"))
    contents = page.raw_get("/Contents")
    old = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*old, overlay])
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def appended_metadata(data: bytes) -> bytes:
    """An incremental update that changes only the document's title metadata."""
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("x")})
    writer.trailer["/Info"] = writer.add_object(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flipped_byte(data: bytes) -> bytes:
    """One byte changed inside the signed range (in the page content's compressed data)."""
    at = data.index(b"stream", 200) + 20
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_issued_document_validates_with_pyhanko_against_the_demo_root(
    issued: Any, pki_dir: Path
) -> None:
    # given
    data = issued.file.open("rb").read()
    # then
    assert pyhanko_bottom_line(data, pki_dir / pki.ROOT_CERT) is True
    check = pdf.check_signature(data)
    assert check.valid is True
    assert "TBNK document signing" in check.signer


@needs_pdfsig
def test_issued_document_validates_with_pdfsig(
    issued: Any, nss_db: str | None, tmp_path: Path
) -> None:
    if nss_db is None:
        pytest.skip("certutil (libnss3-tools) is not installed")
    # when
    out = pdfsig(issued.file.open("rb").read(), tmp_path, nss_db)
    # then
    assert pdfsig_valid(out), out
    assert "TBNK document signing (demo)" in out
    assert "Signature Type: ETSI.CAdES.detached" in out  # PAdES


@needs_pdfsig
def test_without_the_demo_root_pdfsig_does_not_trust_the_certificate(
    issued: Any, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-nss"
    empty.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{empty}", "--empty-password"], check=True)
    out = pdfsig(issued.file.open("rb").read(), tmp_path, f"sql:{empty}")
    assert "Signature is Valid." in out
    assert "Certificate is Trusted." not in out
    assert pdfsig_valid(out) is False


@needs_pdfsig
def test_incremental_update_after_signing_fails_both_validators(
    issued: Any, pki_dir: Path, nss_db: str | None, tmp_path: Path
) -> None:
    # given
    forged = appended_drawing(issued.file.open("rb").read())
    # then
    assert pyhanko_bottom_line(forged, pki_dir / pki.ROOT_CERT) is False
    assert pdf.check_signature(forged).valid is False
    out = pdfsig(forged, tmp_path, nss_db)
    assert "Not total document signed" in out
    assert pdfsig_valid(out) is False


@needs_pdfsig
def test_a_changed_byte_inside_the_signed_range_fails_both_validators(
    issued: Any, pki_dir: Path, nss_db: str | None, tmp_path: Path
) -> None:
    # given
    forged = flipped_byte(issued.file.open("rb").read())
    # then
    assert pyhanko_bottom_line(forged, pki_dir / pki.ROOT_CERT) is False
    assert pdf.check_signature(forged).valid is False
    out = pdfsig(forged, tmp_path, nss_db)
    assert "Signature is Valid." not in out
    assert pdfsig_valid(out) is False


@needs_pdfsig
def test_even_a_metadata_only_update_after_signing_is_not_the_issued_document(
    issued: Any, nss_db: str | None, tmp_path: Path
) -> None:
    # given: pyHanko tolerates this kind of update, so our check also requires that the
    # signature covers the whole file, as pdfsig's "Total document signed" does
    forged = appended_metadata(issued.file.open("rb").read())
    # then
    check = pdf.check_signature(forged)
    assert check.intact is True
    assert check.whole_file is False
    assert check.valid is False
    out = pdfsig(forged, tmp_path, nss_db)
    assert "Not total document signed" in out
    assert pdfsig_valid(out) is False


def test_signing_and_checking_work_inside_a_running_event_loop(agency: Any) -> None:
    # given: a thread whose asyncio loop is running (an async server, a browser test)
    import asyncio

    rendered = pdf.html_to_pdf("<p>ใบอนุญาต</p>")

    async def inside_a_loop() -> pdf.SignatureCheck:
        signed = pdf.sign(rendered, agency=agency, reason="test", location="test")
        return pdf.check_signature(signed)

    # when
    check = asyncio.run(inside_a_loop())

    # then
    assert check.valid
