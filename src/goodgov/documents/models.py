"""Evidence uploaded for a case. Files are served only through an access-checked view."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from goodgov.core.models import Timestamped


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.case.uuid}/{uuid.uuid4().hex}"


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
