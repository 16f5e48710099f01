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
import uuid
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from goodgov.notifications.mail import PlainEmail
from goodgov.notifications.models import Message

log = logging.getLogger(__name__)


class _Statements(NamedTuple):
    """Plain SQL: this runs after every submission, and the ORM took several times
    longer to build these statements than the database took to run them."""

    read: str  # one message's subject, body, address, language, case, unless sent (%s: its id)
    pending: str  # the copies waiting (%s: attempts below, created by, how many)
    sent: str  # mark sent now and count an attempt (%s: the time), then ``WHERE pk``
    failed: str  # count an attempt, then ``WHERE pk``


_SQL: dict[str, _Statements] = {}  # per database vendor


def _statements(connection: Any) -> _Statements:
    found = _SQL.get(connection.vendor)
    if found is None:
        quote = connection.ops.quote_name
        user: Any = Message._meta.get_field("user").related_model

        def column(model: Any, name: str) -> str:
            return quote(model._meta.get_field(name).column)

        case: Any = Message._meta.get_field("case").related_model
        table, pk = quote(Message._meta.db_table), quote(Message._meta.pk.column)
        emailed, attempts = column(Message, "emailed_at"), column(Message, "email_attempts")
        joined = (
            f" u.{column(user, 'email')}, u.{column(user, 'preferred_language')},"
            f" c.{column(case, 'uuid')}"
            f" FROM {table} m JOIN {quote(user._meta.db_table)} u"
            f" ON u.{quote(user._meta.pk.column)} = m.{column(Message, 'user')}"
            f" LEFT JOIN {quote(case._meta.db_table)} c"
            f" ON c.{quote(case._meta.pk.column)} = m.{column(Message, 'case')}"
            f" WHERE m.{emailed} IS NULL"
        )
        text = f"m.{column(Message, 'subject')}, m.{column(Message, 'body')},"
        lock = (
            " FOR UPDATE OF m SKIP LOCKED"
            if connection.features.has_select_for_update_skip_locked
            else ""
        )
        found = _SQL[connection.vendor] = _Statements(
            read=f"SELECT {text}{joined} AND m.{pk} = %s",
            pending=(
                f"SELECT m.{pk}, {text}{joined}"
                f" AND m.{attempts} < %s AND m.{column(Message, 'created_at')} <= %s"
                f" AND u.{column(user, 'email')} <> '' ORDER BY m.{pk} LIMIT %s{lock}"
            ),
            sent=f"UPDATE {table} SET {emailed} = %s, {attempts} = {attempts} + 1 WHERE {pk}",  # noqa: S608
            failed=f"UPDATE {table} SET {attempts} = {attempts} + 1 WHERE {pk}",  # noqa: S608
        )
    return found


def link(language: str | None, case_uuid: Any) -> str:
    """Where the email sends its reader: the case's page when the message is about one,
    else their messages; in the language the message is written in."""
    with translation.override(language or settings.LANGUAGE_CODE):
        if case_uuid:
            path = reverse("cases:detail", kwargs={"case_id": uuid.UUID(str(case_uuid))})
        else:
            path = reverse("notifications:inbox")
    return settings.BASE_URL.rstrip("/") + path


def _copy(subject: str, text: str, email: str, url: str, mailer: Any = None) -> PlainEmail:
    """The email copy of a message: its text and the link to read it on the platform."""
    return PlainEmail(subject, f"{text}\n\n{url}", None, [email], connection=mailer)


def _mark(connection: Any, ids: list[int], *, sent: bool) -> None:
    """Count an attempt on each of ``ids`` and, if ``sent``, mark them sent now: one
    statement."""
    statements = _statements(connection)
    where = " = %s" if len(ids) == 1 else f" IN ({', '.join(['%s'] * len(ids))})"
    params = ids
    if sent:
        emailed_at = Message._meta.get_field("emailed_at")
        params = [emailed_at.get_db_prep_save(timezone.now(), connection), *ids]
    with connection.cursor() as cursor:
        cursor.execute((statements.sent if sent else statements.failed) + where, params)


@task()
def email_message(message_id: int) -> None:
    """Email a copy of an in-app message; a failure counts an attempt and raises (retry)."""
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_statements(connection).read, [message_id])
        row = cursor.fetchone()
    if row is None:  # gone, or already sent
        return
    subject, text, email, language, case_uuid = row
    if not email:
        return
    try:
        _copy(subject, text, email, link(language, case_uuid)).send()
    except Exception:
        _mark(connection, [message_id], sent=False)
        log.exception("email for message %s failed", message_id)
        raise
    _mark(connection, [message_id], sent=True)


#: Copies sent per batch of :func:`send_pending`.
BATCH = 100
#: Attempts after which a copy is no longer tried (the in-app message stays).
MAX_ATTEMPTS = 5


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
    created = Message._meta.get_field("created_at")
    cutoff = created.get_db_prep_save(timezone.now() - dt.timedelta(seconds=older_than), connection)
    with transaction.atomic() if locking else contextlib.nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(_statements(connection).pending, [MAX_ATTEMPTS, cutoff, limit])
            rows = cursor.fetchall()
        if not rows:
            return 0, 0
        sent: list[int] = []
        failed: list[int] = []
        mailer = get_connection(fail_silently=False)
        opened = False
        try:
            for message_id, subject, text, email, language, case_uuid in rows:
                try:
                    if not opened:  # one connection for the batch (send() alone opens one each)
                        mailer.open()
                        opened = True
                    _copy(subject, text, email, link(language, case_uuid), mailer).send()
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
            try:
                mailer.close()
            except Exception:  # what went out went out; the batch is still marked
                log.exception("closing the connection to the mail server failed")
        if sent:
            _mark(connection, sent, sent=True)
        if failed:
            _mark(connection, failed, sent=False)
    return len(sent), len(failed)
