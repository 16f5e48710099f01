"""The email copy of an in-app message: sent once, and a failure is counted and retried."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from goodgov.notifications.models import Message
from goodgov.notifications.tasks import email_message

pytestmark = pytest.mark.django_db


def _message(user: Any) -> Message:
    return Message.objects.create(user=user, subject="Received", body="Your application arrived.")


def test_the_copy_goes_to_the_person_once_and_is_marked_sent(citizen_a):
    # given
    message = _message(citizen_a)
    # when: the task runs twice (a retry after a lost acknowledgement, say)
    email_message.call(message_id=message.pk)
    email_message.call(message_id=message.pk)
    # then: one email, to the person, with the message and the link to the platform
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [citizen_a.email]
    assert mail.outbox[0].subject == "Received"
    assert mail.outbox[0].body.startswith("Your application arrived.\n\n")
    message.refresh_from_db()
    assert message.emailed_at is not None
    assert message.email_attempts == 1


def test_a_person_without_an_email_address_gets_no_email(citizen_a):
    # given
    citizen_a.email = ""
    citizen_a.save(update_fields=["email"])
    message = _message(citizen_a)
    # when
    email_message.call(message_id=message.pk)
    # then
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.emailed_at is None


def test_a_failed_send_counts_the_attempt_and_raises_for_a_retry(citizen_a, settings):
    # given: a mail server that refuses connections
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens here
    settings.EMAIL_TIMEOUT = 2
    message = _message(citizen_a)
    # when / then
    with pytest.raises(OSError):
        email_message.call(message_id=message.pk)
    message.refresh_from_db()
    assert message.emailed_at is None
    assert message.email_attempts == 1
