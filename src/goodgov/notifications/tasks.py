"""Email delivery, run by the task backend (in-process by default, the database worker in production)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from goodgov.notifications.mail import PlainEmail
from goodgov.notifications.models import Message

log = logging.getLogger(__name__)

#: The task's three statements per database vendor: (read, sent, failed).
_SQL: dict[str, tuple[str, str, str]] = {}


def _statements(connection: Any) -> tuple[str, str, str]:
    """Plain SQL: this runs after every submission, and the ORM took several times
    longer to build these statements than the database took to run them."""
    found = _SQL.get(connection.vendor)
    if found is None:
        quote = connection.ops.quote_name
        user: Any = Message._meta.get_field("user").related_model

        def column(model: Any, name: str) -> str:
            return quote(model._meta.get_field(name).column)

        table, pk = quote(Message._meta.db_table), quote(Message._meta.pk.column)
        emailed, attempts = column(Message, "emailed_at"), column(Message, "email_attempts")
        found = _SQL[connection.vendor] = (
            f"SELECT m.{column(Message, 'subject')}, m.{column(Message, 'body')},"  # noqa: S608 (names from the models)
            f" u.{column(user, 'email')} FROM {table} m JOIN {quote(user._meta.db_table)} u"
            f" ON u.{quote(user._meta.pk.column)} = m.{column(Message, 'user')}"
            f" WHERE m.{pk} = %s AND m.{emailed} IS NULL",
            f"UPDATE {table} SET {emailed} = %s, {attempts} = {attempts} + 1"  # noqa: S608
            f" WHERE {pk} = %s",
            f"UPDATE {table} SET {attempts} = {attempts} + 1 WHERE {pk} = %s",  # noqa: S608
        )
    return found


@task()
def email_message(message_id: int) -> None:
    """Email a copy of an in-app message; a failure counts an attempt and raises (retry)."""
    connection = transaction.get_connection()
    read, sent, failed = _statements(connection)
    with connection.cursor() as cursor:
        cursor.execute(read, [message_id])
        row = cursor.fetchone()
    if row is None:  # gone, or already sent
        return
    subject, text, email = row
    if not email:
        return
    body = f"{text}\n\n{settings.BASE_URL}"
    try:
        PlainEmail(subject, body, None, [email]).send()
    except Exception:
        with connection.cursor() as cursor:
            cursor.execute(failed, [message_id])
        log.exception("email for message %s failed", message_id)
        raise
    emailed_at = Message._meta.get_field("emailed_at").get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(sent, [emailed_at, message_id])
