"""Is this document genuine, unaltered and not revoked? Answered for anyone, from a code
typed from the paper or from the PDF file itself.

An uploaded file is untrusted and is never given to a PDF parser: a PDF of under 200 bytes
can declare a cross-reference table of ten million entries, and pyHanko's reader would
allocate gigabytes building it (security review, finding F3). The verdict is reached from
the bytes and our own records instead, in passes bounded by the file's size
(``documents.pdfs``):

1. the file's SHA-256 is the hash of a document we issued: it is that document, byte for
   byte (valid, or revoked). Its signature is then checked with pyHanko, which parses the
   bytes we ourselves signed and stored, not anything a visitor made;
2. otherwise, a signature's ``/ByteRange`` found by a bounded scan says the signed
   revision is ``file[:end]``; if that prefix is a document we issued, something was
   appended after signing (an incremental update): **altered**, and the page names it;
3. otherwise, the signature in the file (the hex string between the signed ranges) is the
   one in a document we issued, but the bytes it covers are not ours: the signed contents
   were changed: **altered**, named;
4. otherwise the file is not one of ours (or was changed beyond recognition): **unknown**.

Text is never read from the PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from goodgov.documents import pdf, pdfs
from goodgov.documents.models import IssuedDocument
from goodgov.documents.services import normalize_code
from goodgov.ledger.models import Event

VALID = "valid"
REVOKED = "revoked"
ALTERED = "altered"
UNKNOWN = "unknown"

#: How an altered file differs from the document as issued.
APPENDED = "appended"  # something was added after the signature (an incremental update)
MODIFIED = "modified"  # bytes the signature covers were changed
NOT_VALID = "not-valid"  # our own stored bytes no longer validate


@dataclass(frozen=True)
class Verification:
    status: str  # VALID, REVOKED, ALTERED or UNKNOWN
    document: IssuedDocument | None = None
    issued_event: Event | None = None
    revoked_event: Event | None = None
    signature: pdf.SignatureCheck | None = None
    change: str = ""  # for ALTERED: APPENDED, MODIFIED or NOT_VALID
    by_file: bool = False  # the answer is about an uploaded file, not a code

    @property
    def found(self) -> bool:
        return self.document is not None


def _events(document: IssuedDocument) -> tuple[Event | None, Event | None]:
    events = {
        e.action: e
        for e in Event.objects.filter(
            subject_type=IssuedDocument._meta.label_lower,
            subject_id=str(document.pk),
            action__in=["document.issued", "document.revoked"],
        )
    }
    return events.get("document.issued"), events.get("document.revoked")


def _answer(
    document: IssuedDocument, *, signature: pdf.SignatureCheck | None = None
) -> Verification:
    issued, revoked = _events(document)
    status = REVOKED if document.revoked_at is not None else VALID
    return Verification(status, document, issued, revoked, signature, by_file=signature is not None)


def _altered(document: IssuedDocument, change: str, signature: pdf.SignatureCheck) -> Verification:
    return Verification(ALTERED, document, *_events(document), signature, change, by_file=True)


def _lookup(**filters: Any) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("agency", "case").filter(**filters).first()


def verify_code(code: str) -> Verification:
    document = _lookup(code=normalize_code(code))
    return _answer(document) if document is not None else Verification(UNKNOWN)


#: What is said of the signature of a file whose signed bytes are ours but which has more
#: appended, and of one whose signed bytes were changed. Neither was parsed to say it.
_APPENDED_SIGNATURE = pdf.SignatureCheck(True, True, False, False, "", None)
_BROKEN_SIGNATURE = pdf.SignatureCheck(True, False, False, False, "", None)


def verify_file(data: bytes) -> Verification:
    """The verdict on an uploaded file (untrusted: no PDF parser ever reads it)."""
    document = _lookup(sha256=hashlib.sha256(data).hexdigest())
    if document is not None:
        # ``data`` is, byte for byte (SHA-256), the file we signed and stored: parsing it
        # parses our own output, not the visitor's.
        signature = pdf.check_signature(data)
        if not signature.valid:  # our own bytes must validate; if not, say so loudly
            return _altered(document, NOT_VALID, signature)
        return _answer(document, signature=signature)
    ranges = pdfs.signed_ranges(data)
    if not ranges:
        return Verification(UNKNOWN, by_file=True)
    prefixes = pdfs.prefix_digests(data, (signed.end for signed in ranges))
    for signed in ranges:
        if signed.end < len(data):
            original = _lookup(sha256=prefixes[signed.end])
            if original is not None:
                return _altered(original, APPENDED, _APPENDED_SIGNATURE)
    digests = {pdfs.signature_digest(data, signed) for signed in ranges}
    original = _lookup(signature_sha256__in=digests)
    if original is not None:
        return _altered(original, MODIFIED, _BROKEN_SIGNATURE)
    return Verification(UNKNOWN, by_file=True)
