"""PDF bytes: rendered from HTML in Sarabun (WeasyPrint), signed PAdES (pyHanko), inspected.

The document's authoritative text and hash live in the database and the ledger: text
extracted from a PDF is never trusted (WeasyPrint's text layer garbles SARA AM, ``ำ``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import segno
from django.template.loader import render_to_string

from goodgov.documents import pki

T = TypeVar("T")

# Signatures are a few KB; reserving room up front spares pyHanko a second pass.
SIGNATURE_BYTES = 16384
FONT_WEIGHTS = {400: "normal", 700: "bold"}


@cache
def font_faces() -> str:
    """``@font-face`` rules for Sarabun, from the TTFs that fontpkg-sarabun installs."""
    import fontpkg

    rules = []
    for weight in FONT_WEIGHTS:
        for style in ("normal", "italic"):
            path = fontpkg.path("Sarabun", weight=weight, style=style)
            rules.append(
                "@font-face { font-family: 'Sarabun'; "
                f"src: url('{path.as_uri()}'); font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(rules)


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#000"))


@cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _fetcher() -> Any:
    """Only local fonts and data: URIs; a document never fetches from the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    """Render ``html``, which brings its own styles and fonts."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_fetcher())
    return bytes(document.write_pdf(font_config=_font_config()))


def render(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, {**context, "font_faces": font_faces()})
    return html_to_pdf(html)


def _outside_any_event_loop(work: Callable[[], T]) -> T:
    """Run ``work`` here, or in a thread of its own if this thread runs an asyncio loop.

    pyHanko's synchronous API calls ``asyncio.run``, which Python refuses in a thread whose
    loop is running (an async server's thread, or a test driving a browser). ``work`` must
    not touch the database: a worker thread has connections of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign(pdf: bytes, *, agency: Any, reason: str, location: str) -> bytes:
    """Sign ``pdf`` PAdES-B-B with ``agency``'s key: the whole file is covered."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = pki.signer_for(agency)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    out = _outside_any_event_loop(
        lambda: signers.sign_pdf(writer, meta, signer=signer, bytes_reserved=SIGNATURE_BYTES)
    )
    return bytes(out.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko says of a PDF's signature."""

    signed: bool  # has a signature at all
    intact: bool  # the signed bytes are unchanged (digest and signature match)
    trusted: bool  # the signer's certificate chains to a trusted root
    whole_file: bool  # the signature covers the whole file: nothing appended after signing
    signer: str  # the certificate's subject, human-readable
    signed_revision: bytes | None  # the file as it was when signed

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


UNSIGNED = SignatureCheck(False, False, False, False, "", None)


def check_signature(data: bytes) -> SignatureCheck:
    """Validate the (first) signature of ``data`` against our trust roots; never raises
    for a bad file, it just says it is not valid.

    Only for bytes we made: pyHanko's reader builds the whole cross-reference table a
    file declares, so a PDF of a few hundred bytes can make it allocate gigabytes. An
    upload reaches it only when its SHA-256 is that of a document we issued
    (``verification.verify_file``); anything else is judged without a parser.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        return UNSIGNED
    if not signatures:
        return UNSIGNED
    sig = signatures[0]
    roots = pki.trust_roots()
    # Without a root the path builder logs a loud error and simply reports "untrusted".
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko.sign.validation").setLevel(logging.CRITICAL)
    try:
        status = _outside_any_event_loop(
            lambda: validate_pdf_signature(sig, ValidationContext(trust_roots=roots))
        )
    except Exception:
        return SignatureCheck(True, False, False, False, "", None)
    byte_range = sig.sig_object["/ByteRange"]
    end = int(byte_range[2]) + int(byte_range[3])
    coverage = getattr(status, "coverage", None)
    modification = getattr(status, "modification_level", None)
    whole = end == len(data) and str(getattr(coverage, "name", "")) == "ENTIRE_FILE"
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=whole and str(getattr(modification, "name", "NONE")) == "NONE",
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signed_revision=data[:end],
    )
