"""Email delivery, run by the task backend (in-process by default, the database worker in production)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from goodgov.notifications.models import Message

log = logging.getLogger(__name__)


@task()
def email_message(message_id: int) -> None:
    """Email a copy of an in-app message; a failure counts an attempt and raises (retry)."""
    # Three columns, not two model instances: this runs after every submission.
    row = (
        Message.objects.filter(pk=message_id, emailed_at__isnull=True)
        .values_list("subject", "body", "user__email")
        .first()
    )
    if row is None:
        return
    subject, text, email = row
    if not email:
        return
    body = f"{text}\n\n{settings.BASE_URL}"
    try:
        send_mail(subject, body, None, [email], fail_silently=False)
    except Exception:
        Message.objects.filter(pk=message_id).update(email_attempts=F("email_attempts") + 1)
        log.exception("email for message %s failed", message_id)
        raise
    Message.objects.filter(pk=message_id).update(
        emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1
    )
