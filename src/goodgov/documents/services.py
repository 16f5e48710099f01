"""Writes for evidence files. Uploads are checked by content before they get here."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from goodgov import ledger
from goodgov.documents.models import Evidence

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
            storage.delete(name)
        raise
    finally:
        _pending.reset(token)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def evidence_attach(
    *, actor: Any, case: Any, item: str, upload: UploadedFile, content_type: str
) -> Evidence:
    """Attach a checked upload to ``case`` as evidence ``item``, replacing an earlier one.

    Runs inside the calling service's transaction (and its ``files_discarded_on_failure``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("evidence_attach must run inside the calling service's transaction")
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
        transaction.on_commit(partial(storage.delete, name))
    evidence = Evidence(
        case=case,
        item=item,
        original_name=(upload.name or item)[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=_sha256(upload),
        uploaded_by=actor,
    )
    evidence.file.save(item, upload, save=False)
    pending = _pending.get()
    if pending is not None:
        pending.append((evidence.file.storage, evidence.file.name))
    evidence.save()
    ledger.record(
        actor=actor,
        action="evidence.uploaded",
        subject=evidence,
        agency=case.agency,
        public={"reference": case.reference, "item": item, "sha256": evidence.sha256},
    )
    return evidence
