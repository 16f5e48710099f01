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
    action = models.CharField(max_length=64)
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
    leaf_index = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="Position in the public log, once sequenced"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            # By action, without the ``LIKE`` index ``db_index`` adds on PostgreSQL (no query
            # matches actions by pattern); the name is the one ``db_index`` gave it.
            models.Index(fields=["action"], name="ledger_event_action_aed8d493"),
            models.Index(fields=["subject_type", "subject_id", "id"]),
            models.Index(
                fields=["id"],
                condition=models.Q(leaf_index__isnull=True),
                name="ledger_event_unsequenced",
            ),
        ]

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


class SequencerState(models.Model):
    """The one row the sequencer locks: the log's size and root as last published."""

    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, default=bytes)

    def __str__(self) -> str:
        return f"log of {self.size} entries"


class Tile(models.Model):
    """A C2SP tlog tile: level >= 0 holds hashes; level -1 holds entry bundles.

    A full tile (256 hashes or entries) never changes; the rightmost partial tile of a level
    is rewritten as it grows (``width`` says how many it holds).
    """

    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    width = models.PositiveSmallIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_tile_unique")
        ]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.index} ({self.width})"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP tlog-checkpoint) of the log at one size."""

    size = models.BigIntegerField(unique=True)
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"checkpoint at {self.size}"
