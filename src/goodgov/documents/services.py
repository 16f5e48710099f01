"""Writes for evidence files and issued documents.

Uploads are checked by content before they get here (``documents.validation``).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.documents import images, pdf, pdfs
from goodgov.documents.models import Evidence, IssuedDocument, _evidence_path

_pending: contextvars.ContextVar[list[tuple[Storage, str]] | None] = contextvars.ContextVar(
    "goodgov_pending_files", default=None
)


@contextlib.contextmanager
def files_discarded_on_failure() -> Iterator[None]:
    """Delete files stored inside the block if the block raises (its transaction rolls back).

    Wrap a service's ``transaction.atomic`` block with it, so a failed request leaves
    neither rows nor files behind.
    """
    stored: list[tuple[Storage, str]] = []
    token = _pending.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            _delete_unless_shared(storage, name)
        raise
    finally:
        _pending.reset(token)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _clean_image(upload: UploadedFile, content_type: str) -> Any:
    """JPEG and PNG without their metadata (EXIF and GPS position included)."""
    if content_type not in images.FORMATS:
        return upload
    upload.seek(0)
    clean = images.without_metadata(upload.read(), content_type)
    return ContentFile(clean, name=upload.name or "upload")


def case_upload_limit() -> int:
    return int(getattr(settings, "GOODGOV_CASE_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))


def _check_case_total(case: Any, item: str, size: int) -> None:
    """All of a case's evidence together stays under ``GOODGOV_CASE_UPLOAD_MAX_BYTES``
    (the file this one replaces does not count)."""
    from django.db.models import Sum

    from goodgov.cases.services import CaseError
    from goodgov.documents.validation import size_text

    kept = (
        Evidence.objects.filter(case=case).exclude(item=item).aggregate(total=Sum("size"))["total"]
        or 0
    )
    limit = case_upload_limit()
    if kept + size > limit:
        raise CaseError(
            _("All the files of one application together must be smaller than %(size)s")
            % {"size": size_text(limit)},
            field=f"evidence_{item}",
        )


def _delete_unless_shared(storage: Storage, name: str) -> None:
    """Delete a replaced upload's file, unless another row holds the same bytes."""
    if not Evidence.objects.filter(file=name).exists():
        storage.delete(name)


def evidence_attach(
    *, actor: Any, case: Any, item: str, upload: UploadedFile, content_type: str
) -> Evidence:
    """Attach a checked upload to ``case`` as evidence ``item``, replacing an earlier one.

    Runs inside the calling service's transaction (and its ``files_discarded_on_failure``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("evidence_attach must run inside the calling service's transaction")
    upload = _clean_image(upload, content_type)
    _check_case_total(case, item, upload.size or 0)
    for old in Evidence.objects.filter(case=case, item=item):
        storage, name = old.file.storage, old.file.name
        ledger.record(
            actor=actor,
            action="evidence.removed",
            subject=old,
            agency=case.agency,
            public={"reference": case.reference, "item": item},
        )
        old.delete()
        transaction.on_commit(partial(_delete_unless_shared, storage, name))
    evidence = Evidence(
        case=case,
        item=item,
        original_name=(upload.name or item)[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=_sha256(upload),
        uploaded_by=actor,
    )
    storage = evidence.file.storage
    stored_as = _evidence_path(evidence, "")
    if storage.exists(stored_as) and Evidence.objects.filter(file=stored_as).exists():
        # these bytes are stored already, for a row this transaction can see (committed,
        # or its own): share the file. One another request stored but has not committed
        # is not shared: that request deletes it if it fails.
        evidence.file.name = stored_as
    else:
        evidence.file.save(item, upload, save=False)
        pending = _pending.get()
        if pending is not None:
            pending.append((storage, evidence.file.name))
    evidence.save()
    ledger.record(
        actor=actor,
        action="evidence.uploaded",
        subject=evidence,
        agency=case.agency,
        public={"reference": case.reference, "item": item, "sha256": evidence.sha256},
    )
    return evidence


# ------------------------------------------------------------------ issued documents


class DocumentError(Exception):
    """A request about a document that cannot be carried out; ``message`` is translated."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class DocumentNotAllowed(DocumentError):
    """The actor may not do this. Views answer 404 so nothing is revealed."""

    def __init__(self) -> None:
        super().__init__(_("You cannot do this."))


CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by people


def new_code() -> str:
    """``XXXX-XXXX-XXXX``: 60 random bits, unguessable, short enough to type from paper."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(text: str) -> str:
    """What a person typed, as stored: upper case, spaces and dashes ignored."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw[:32]


DECISION_TITLE = {"th": "หนังสือแจ้งคำสั่งไม่อนุญาต", "en": "Notice of refusal"}


def verify_url(code: str) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("verify:verify")
    return f"{settings.BASE_URL.rstrip('/')}{path}?{urlencode({'code': code})}"


def _document_context(case: Any, code: str, issued_at: dt.datetime) -> dict[str, Any]:
    from goodgov.core import thai
    from goodgov.documents.wording import WORDING

    definition = case.version.definition
    day = timezone.localtime(issued_at).date()
    url = verify_url(code)
    return {
        "w": WORDING,
        "agency": case.agency,
        "code": code,
        "reference": case.reference,
        "issued": {"th": thai.format_date(day, "th"), "en": thai.format_date(day, "en")},
        "holder": case.applicant.full_name or case.applicant.email or "",
        "service": definition.get("name", {}),
        "legal_basis": definition.get("legal_basis", []),
        "decision": case.state,
        "conditions": case.decision_conditions,
        "reasons": case.decision_reasons,
        "legal_ground": case.decision_legal_ground,
        "verify_url": url,
        "qr": pdf.qr_data_uri(url),
    }


def document_issue(*, actor: Any, case: Any) -> IssuedDocument:
    """Issue the signed PDF for ``case``'s decision: the service's output document on
    approval, a decision letter (reasons, legal ground, how to appeal) on refusal.

    Call it inside the deciding service's transaction, after the case is saved: if
    rendering or signing fails, the decision rolls back with it and the stored file is
    deleted, so a case is never decided without its document. Records ``document.issued``.
    """
    from goodgov.cases.models import State

    if case.state == State.APPROVED:
        output = case.version.definition.get("output", {})
        kind = output.get("kind") or IssuedDocument.Kind.PERMIT
        title = output.get("title") or {}
    elif case.state == State.REJECTED:
        kind, title = IssuedDocument.Kind.DECISION_LETTER, DECISION_TITLE
    else:
        raise DocumentError(_("Only a decided application has a document to issue."))
    joined = _pending.get() is not None
    with contextlib.ExitStack() as stack:
        if not joined:
            stack.enter_context(files_discarded_on_failure())
        stack.enter_context(transaction.atomic())
        issued_at = timezone.now()
        code = new_code()
        while IssuedDocument.objects.filter(code=code).exists():  # pragma: no cover (2**-60)
            code = new_code()
        rendered = pdf.render(
            "documents/pdf/document.html",
            {
                **_document_context(case, code, issued_at),
                "title": title,
            },
        )
        signed = pdf.sign(
            rendered,
            agency=case.agency,
            reason=f"{title.get('th', '')} {case.reference}".strip(),
            location=case.agency.name_th,
        )
        digest = hashlib.sha256(signed).hexdigest()
        document = IssuedDocument(
            case=case,
            agency=case.agency,
            kind=kind,
            title=title,
            code=code,
            sha256=digest,
            size=len(signed),
            signature_sha256=pdfs.issued_signature_digest(signed),
            issued_at=issued_at,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        document.file.save(f"{digest}.pdf", ContentFile(signed), save=False)
        pending = _pending.get()
        if pending is not None:
            pending.append((document.file.storage, document.file.name))
        document.save()
        ledger.record(
            actor=actor,
            action="document.issued",
            subject=document,
            agency=case.agency,
            public={
                "code": code,
                "sha256": digest,
                "kind": str(kind),
                "agency": case.agency.code,
                "reference": case.reference,
                "service": case.service.code,
            },
        )
    return document


def document_revoke(*, actor: Any, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke ``document`` with a reason; verification says so from this moment on.

    Only an approver or administrator of the issuing agency may. Records ``document.revoked``
    (the reason stays in the event's private part: it is free text an officer typed).
    """
    from goodgov.documents import access

    reason = (reason or "").strip()
    if not access.may_revoke(actor, document):
        raise DocumentNotAllowed()
    if not reason:
        raise DocumentError(_("Give the reason for revoking the document."), field="reason")
    with transaction.atomic():
        document = (
            IssuedDocument.objects.select_for_update().select_related("agency").get(pk=document.pk)
        )
        if document.revoked_at is not None:
            raise DocumentError(_("This document has already been revoked. Nothing was changed."))
        document.revoked_at = timezone.now()
        document.revoked_reason = reason
        document.revoked_by = actor
        document.save(update_fields=["revoked_at", "revoked_reason", "revoked_by", "updated_at"])
        ledger.record(
            actor=actor,
            action="document.revoked",
            subject=document,
            agency=document.agency,
            public={
                "code": document.code,
                "sha256": document.sha256,
                "agency": document.agency.code,
            },
            private={"reason": reason},
        )
    return document
