"""Evidence uploaded for a case, and documents issued on decisions. Files of both are
served only through access-checked views."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from goodgov.core.models import Timestamped


def _evidence_path(instance: Evidence, filename: str) -> str:
    """Stored under its content hash, never under a name the sender chose: the same bytes
    uploaded twice are one file (shared by both rows; deleted with the last of them)."""
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(Timestamped):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="evidence")
    item = models.CharField(
        max_length=64, help_text="The evidence item key in the service definition"
    )
    file = models.FileField(upload_to=_evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "created_at"]


def _issued_path(instance: IssuedDocument, filename: str) -> str:
    """Under the content hash, in the media dir that no URL serves (only the access-checked
    download view reads it)."""
    return f"issued/{instance.sha256[:2]}/{instance.sha256}.pdf"


class IssuedDocument(Timestamped):
    """A signed PDF issued on a decision. The bytes are fixed once stored: their SHA-256
    is in the ledger (``document.issued``), and revocation never touches them."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("Permit")
        CERTIFICATE = "certificate", _("Certificate")
        LETTER = "letter", _("Letter")
        DECISION_LETTER = "decision-letter", _("Decision letter")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="issued_documents"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.JSONField(help_text="The document's title, {th, en}")
    code = models.CharField(
        max_length=32, unique=True, help_text="Short verification code printed on the document"
    )
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    signature_sha256 = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text=(
            "SHA-256 of the signature in the file (the /Contents hex string): finds the "
            "document from a copy whose signed bytes were changed"
        ),
    )
    file = models.FileField(upload_to=_issued_path, max_length=200)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_reason=""),
                name="issueddocument_revocation_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
