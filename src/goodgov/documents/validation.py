"""Checks on uploaded evidence: size, a type judged from the file's own bytes, whether an
image or a PDF is whole (``documents.images``, ``documents.pdfs``), and a virus scan
when clamd is configured (``documents.scanning``).

The file name and the content type the browser sends are chosen by the sender, so
neither is trusted: an HTML page or a program renamed ``x.pdf`` is refused.
"""

from __future__ import annotations

import hashlib
import logging

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goodgov.core.thai import text_list
from goodgov.documents import images, pdfs, scanning

logger = logging.getLogger(__name__)

# How far into a file the signatures of the accepted types lie (OOXML needs a few KB).
HEAD_BYTES = 8192

# Short names people know, for messages and hints.
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/heic": "HEIC",
    "image/tiff": "TIFF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
}


def type_names(accept: list[str]) -> str:
    """``PDF, JPG or PNG`` in the current language."""
    names = [TYPE_NAMES.get(mime, mime.rsplit("/", 1)[-1].upper()) for mime in accept]
    return text_list(names, gettext("or"))


def size_text(max_bytes: int) -> str:
    """``10 MB``: whole megabytes when the limit is one, else kilobytes."""
    mib = 1024 * 1024
    if max_bytes >= mib and max_bytes % mib == 0:
        return gettext("%(count)s MB") % {"count": max_bytes // mib}
    if max_bytes >= mib:
        return gettext("%(count)s MB") % {"count": f"{max_bytes / mib:.1f}"}
    return gettext("%(count)s KB") % {"count": max(1, max_bytes // 1024)}


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return bytes(head)


def detect_type(head: bytes) -> str | None:
    """The content type the bytes show, or None when they match nothing we know."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    kind = filetype.guess(head)
    if kind is None or kind.mime == "application/pdf":
        # filetype finds "%PDF" anywhere near the start; we want it first.
        return None
    return str(kind.mime)


def check_upload(upload: UploadedFile, *, accept: list[str], max_bytes: int | None = None) -> str:
    """The content type detected from the file's bytes, if it is accepted.

    ``max_bytes`` defaults to ``settings.GOODGOV_UPLOAD_MAX_BYTES`` (read at call time,
    so a test may override it). Raises a translated ``ValidationError`` for an empty
    file, a file too large, or a type not in ``accept``.
    """
    limit = settings.GOODGOV_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The selected file is empty"), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file must be smaller than %(size)s"),
            code="too_large",
            params={"size": size_text(limit)},
        )
    detected = detect_type(_head(upload))
    if detected is None or detected not in accept:
        raise ValidationError(
            _("The file must be a %(types)s"),
            code="type",
            params={"types": type_names(accept)},
        )
    try:
        upload.seek(0)
        data = upload.read()
        images.check_whole(data, detected)
        if detected == "application/pdf":
            pdfs.check_whole(data)
    except (images.DamagedImage, pdfs.DamagedPdf) as exc:
        raise ValidationError(
            _("The file is damaged or incomplete. Save or scan it again and upload it"),
            code="damaged",
        ) from exc
    except images.ImageTooLarge as exc:
        raise ValidationError(
            _(
                "The image has too many pixels: at most %(megapixels)s million. Take the "
                "photo or scan the page at a lower resolution and upload it"
            ),
            code="too_many_pixels",
            params={"megapixels": images.MAX_PIXELS // 1_000_000},
        ) from exc
    finally:
        upload.seek(0)
    _check_for_viruses(upload)
    return detected


def _check_for_viruses(upload: UploadedFile) -> None:
    """Ask clamd, when one is configured (``GOODGOV_CLAMD_SOCKET``; off by default)."""
    try:
        found = scanning.scan(upload)
    except scanning.ScannerUnavailable as exc:
        logger.error("virus scanner unavailable, upload refused: %s", exc)
        raise ValidationError(
            _("The file could not be checked for viruses just now. Try again later"),
            code="scanner",
        ) from exc
    if found:
        logger.warning("virus scanner refused an upload: %s", found)
        raise ValidationError(
            _("The file contains a virus or other harmful content and cannot be used"),
            code="virus",
        )


def sha256_of(upload: UploadedFile) -> str:
    """SHA-256 of the whole file, read in chunks so a large file is never held in memory."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
