"""In-app messages, and the email outbox that delivers copies after commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Message(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=255)
    body = models.TextField()
    # The language it was written in (the person's choice when it was sent): pages in the
    # other language mark it so that a screen reader reads it in the right voice.
    language = models.CharField(max_length=8, default="th")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # What `goodgov mail send` looks for, without reading every message ever sent.
            models.Index(
                fields=["id"],
                condition=models.Q(emailed_at__isnull=True),
                name="notifications_unsent",
            )
        ]

    def __str__(self) -> str:
        return self.subject
