"""Is this document genuine, unaltered and not revoked? Answered for anyone, from a code
typed from the paper or from the PDF file itself.

A file is looked up by its SHA-256 first: the exact bytes we issued. A file we did not
issue byte for byte is checked with pyHanko: if its signature is intact but covers only an
earlier revision (something was appended after signing) and that revision is one of ours,
the page names the document and says it was altered. Text is never read from the PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from goodgov.documents import pdf
from goodgov.documents.models import IssuedDocument
from goodgov.documents.services import normalize_code
from goodgov.ledger.models import Event

VALID = "valid"
REVOKED = "revoked"
ALTERED = "altered"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    status: str  # VALID, REVOKED, ALTERED or UNKNOWN
    document: IssuedDocument | None = None
    issued_event: Event | None = None
    revoked_event: Event | None = None
    signature: pdf.SignatureCheck | None = None

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
    return Verification(status, document, issued, revoked, signature)


def _lookup(**filters: Any) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("agency", "case").filter(**filters).first()


def verify_code(code: str) -> Verification:
    document = _lookup(code=normalize_code(code))
    return _answer(document) if document is not None else Verification(UNKNOWN)


def verify_file(data: bytes) -> Verification:
    """The verdict on an uploaded file: exact bytes, then the signature."""
    document = _lookup(sha256=hashlib.sha256(data).hexdigest())
    signature = pdf.check_signature(data)
    if document is not None:
        if not signature.valid:  # our own bytes must validate; if not, say so loudly
            return Verification(ALTERED, document, *_events(document), signature)
        return _answer(document, signature=signature)
    if signature.signed and signature.signed_revision is not None:
        original = _lookup(sha256=hashlib.sha256(signature.signed_revision).hexdigest())
        if original is not None:
            return Verification(ALTERED, original, *_events(original), signature)
    return Verification(UNKNOWN, None, None, None, signature)
