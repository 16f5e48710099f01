"""The append-only event table: one row for every official act.

``public`` holds no personal data and will be published; people appear in it only as
salted commitments (see :class:`PersonSalt`). ``private`` is encrypted at rest and
never published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodgov.core.fields import EncryptedJSONField


class Event(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    public = models.JSONField()
    private = EncryptedJSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "id"])]

    def __str__(self) -> str:
        return f"{self.id} {self.action} {self.subject_type}:{self.subject_id}"


class PersonSalt(models.Model):
    """The secret that turns a person into a commitment in public events.

    Deleting it (erasure) leaves the public log intact but unlinkable to the person.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_salt"
    )
    salt = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"salt of user {self.user_id}"
