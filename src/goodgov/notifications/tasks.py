"""Email copies of in-app messages.

Two ways, chosen by ``GOODGOV_EMAIL_DELIVERY`` (``settings.GOODGOV_EMAIL_DELIVERY``):

- ``now`` (the default): each copy is a task enqueued when the message's transaction
  commits, run by the task backend (in-process by default, the database worker in
  production).
- ``outbox``: the request only writes the message; :func:`send_pending`, run by
  ``goodgov mail send --follow``, sends what waits in batches over one connection to the
  mail server. Cheaper per email, and the request never waits for the mail server.

Either way :func:`send_pending` (``goodgov mail send``) is what retries a copy that could
not be sent (a mail server down, a process stopped between commit and send).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
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


#: Copies sent per batch of :func:`send_pending`.
BATCH = 100
#: Attempts after which a copy is no longer tried (the in-app message stays).
MAX_ATTEMPTS = 5

_PENDING: dict[str, str] = {}


def _pending_statement(connection: Any) -> str:
    found = _PENDING.get(connection.vendor)
    if found is None:
        quote = connection.ops.quote_name
        user: Any = Message._meta.get_field("user").related_model

        def column(model: Any, name: str) -> str:
            return quote(model._meta.get_field(name).column)

        lock = (
            " FOR UPDATE OF m SKIP LOCKED"
            if connection.features.has_select_for_update_skip_locked
            else ""
        )
        pk = quote(Message._meta.pk.column)
        found = _PENDING[connection.vendor] = (
            f"SELECT m.{pk}, m.{column(Message, 'subject')}, m.{column(Message, 'body')},"  # noqa: S608 (names from the models)
            f" u.{column(user, 'email')} FROM {quote(Message._meta.db_table)} m"
            f" JOIN {quote(user._meta.db_table)} u"
            f" ON u.{quote(user._meta.pk.column)} = m.{column(Message, 'user')}"
            f" WHERE m.{column(Message, 'emailed_at')} IS NULL"
            f" AND m.{column(Message, 'email_attempts')} < %s"
            f" AND m.{column(Message, 'created_at')} <= %s"
            f" AND u.{column(user, 'email')} <> ''"
            f" ORDER BY m.{pk} LIMIT %s{lock}"
        )
    return found


def send_pending(*, limit: int = BATCH, older_than: float = 0.0) -> tuple[int, int]:
    """Email the copies still waiting, oldest first, at most ``limit``, over one
    connection to the mail server; returns how many were sent and how many failed.

    A copy waits when it was never sent: left for this sweep (``outbox`` delivery), or
    its send failed fewer than :data:`MAX_ATTEMPTS` times. Only messages at least
    ``older_than`` seconds old are taken (with ``now`` delivery, so as not to race the
    task sending a new one). A failed copy counts an attempt and waits for the next
    sweep; after a failure that is not about one recipient (the server is down, say)
    the rest of the batch waits too.

    On PostgreSQL the batch stays locked while it is sent (``SKIP LOCKED``), so several
    senders never send a copy twice; on SQLite run one sender.
    """
    connection = transaction.get_connection()
    locking = connection.features.has_select_for_update_skip_locked
    now = timezone.now()
    created = Message._meta.get_field("created_at")
    cutoff = created.get_db_prep_save(now - dt.timedelta(seconds=older_than), connection)
    _read, sent_sql, failed_sql = _statements(connection)
    with transaction.atomic() if locking else contextlib.nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(_pending_statement(connection), [MAX_ATTEMPTS, cutoff, limit])
            rows = cursor.fetchall()
        if not rows:
            return 0, 0
        sent: list[int] = []
        failed: list[int] = []
        mailer = get_connection(fail_silently=False)
        opened = False
        try:
            for message_id, subject, text, email in rows:
                body = f"{text}\n\n{settings.BASE_URL}"
                try:
                    if not opened:  # one connection for the batch (send() alone opens one each)
                        mailer.open()
                        opened = True
                    PlainEmail(subject, body, None, [email], connection=mailer).send()
                except smtplib.SMTPRecipientsRefused:
                    log.warning("email for message %s refused by the mail server", message_id)
                    failed.append(message_id)
                except Exception:
                    log.exception("email for message %s failed", message_id)
                    failed.append(message_id)
                    break
                else:
                    sent.append(message_id)
        finally:
            with contextlib.suppress(Exception):
                mailer.close()
        emailed_at = Message._meta.get_field("emailed_at").get_db_prep_save(
            timezone.now(), connection
        )
        with connection.cursor() as cursor:
            if sent:
                cursor.execute(*_for_all(sent_sql, sent, [emailed_at]))
            if failed:
                cursor.execute(*_for_all(failed_sql, failed, []))
    return len(sent), len(failed)


def _for_all(sql: str, ids: list[int], params: list[Any]) -> tuple[str, list[Any]]:
    """One of the task's statements for one message (``... WHERE pk = %s``, the id its last
    parameter) made into one statement for all of ``ids``."""
    head, _sep, _last = sql.rpartition(" = %s")
    return f"{head} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]
