"""In-app messages, each copied by email after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from goodgov.core import rawsql
from goodgov.notifications import access
from goodgov.notifications.models import Message


def in_language_of(user: Any) -> Any:
    """Write to ``user`` in their preferred language (Thai when they have none): a message
    filled in with ``%`` is text at once, so build it inside this."""
    return translation.override(getattr(user, "preferred_language", None) or "th")


def message_send(*, user: Any, subject: str, body: str, case: Any = None) -> Message:
    """Create an in-app message for ``user`` and email a copy once the change commits
    (``GOODGOV_EMAIL_DELIVERY=now``), or leave the copy for ``goodgov mail send``
    (``outbox``).

    Lazy translations in ``subject`` and ``body`` are rendered in the person's preferred
    language; text filled in with ``%`` must be built inside :func:`in_language_of`.
    """
    with in_language_of(user):
        message = Message(
            user=user,
            case=case,
            subject=str(subject),
            body=str(body),
            language=translation.get_language(),
        )
    rawsql.insert([message])  # one a submission: plain SQL, as the ORM would write it
    if getattr(user, "email", None) and settings.GOODGOV_EMAIL_DELIVERY == "now":
        from goodgov.notifications.tasks import email_message

        transaction.on_commit(lambda: email_message.enqueue(message_id=message.pk))
    return message


def messages_mark_read(*, user: Any) -> int:
    """Mark the person's own unread messages read (only theirs: :mod:`.access`)."""
    from django.utils import timezone

    unread = access.own_messages(user).filter(read_at__isnull=True)
    return unread.update(read_at=timezone.now())
