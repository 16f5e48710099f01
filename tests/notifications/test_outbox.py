"""``goodgov mail send``: the copies left for it (outbox delivery) and those whose send
failed go out once, in batches, and a failure is counted and tried again later."""

from __future__ import annotations

import datetime as dt
import io
import socket
import threading
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from goodgov.notifications import tasks
from goodgov.notifications.models import Message
from goodgov.notifications.services import message_send

pytestmark = pytest.mark.django_db


def _send(user: Any, subject: str = "Received", **kwargs: Any) -> Message:
    return message_send(user=user, subject=subject, body="Your application arrived.", **kwargs)


@pytest.fixture
def outbox_delivery(settings: Any) -> None:
    settings.GOODGOV_EMAIL_DELIVERY = "outbox"


def _refuse_connections(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens here
    settings.EMAIL_TIMEOUT = 2


def test_with_outbox_delivery_the_request_sends_nothing_and_the_sweep_sends_each_copy_once(
    citizen_a, citizen_b, outbox_delivery, django_capture_on_commit_callbacks
):
    # given: two messages written, their transactions committed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _send(citizen_a, "First")
        second = _send(citizen_b, "Second")
    assert callbacks == [] and mail.outbox == []
    # when: the sweep runs twice
    assert tasks.send_pending() == (2, 0)
    assert tasks.send_pending() == (0, 0)
    # then: one email each, oldest first, and each marked sent
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([citizen_a.email], "First"),
        ([citizen_b.email], "Second"),
    ]
    for message in (first, second):
        message.refresh_from_db()
        assert message.emailed_at is not None and message.email_attempts == 1


def test_a_sweep_takes_at_most_its_batch_and_the_command_drains_them_all(
    citizen_a, outbox_delivery
):
    # given
    for n in range(5):
        _send(citizen_a, f"Message {n}")
    # when
    assert tasks.send_pending(limit=2) == (2, 0)
    out = io.StringIO()
    call_command("mail", "send", "--batch", "2", stdout=out)
    # then
    assert out.getvalue().strip() == "sent 3 emails; 0 failed"
    assert [m.subject for m in mail.outbox] == [f"Message {n}" for n in range(5)]
    assert not Message.objects.filter(emailed_at__isnull=True).exists()


def test_a_failed_copy_is_counted_and_sent_by_a_later_sweep_until_the_attempts_run_out(
    citizen_a, citizen_b, outbox_delivery, settings
):
    # given: the mail server is down while two copies wait
    first, second = _send(citizen_a, "First"), _send(citizen_b, "Second")
    _refuse_connections(settings)
    # when: a sweep runs
    sent, failed = tasks.send_pending()
    # then: the first failure stops the batch; nothing is marked sent
    assert (sent, failed) == (0, 1)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.emailed_at, first.email_attempts) == (None, 1)
    assert (second.emailed_at, second.email_attempts) == (None, 0)
    # when: the server is back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_pending() == (2, 0)
    assert sorted(m.subject for m in mail.outbox) == ["First", "Second"]
    # and a copy that failed MAX_ATTEMPTS times is no longer tried
    third = _send(citizen_a, "Third")
    Message.objects.filter(pk=third.pk).update(email_attempts=tasks.MAX_ATTEMPTS)
    assert tasks.send_pending() == (0, 0)


def test_with_now_delivery_a_copy_whose_task_failed_is_sent_by_the_sweep(
    citizen_a, settings, django_capture_on_commit_callbacks
):
    # given: the copy's task ran after commit while the mail server was down
    _refuse_connections(settings)
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(citizen_a)
    message.refresh_from_db()
    assert (message.emailed_at, message.email_attempts) == (None, 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # when: the command runs with its default for 'now' delivery (messages 5 minutes old)
    out = io.StringIO()
    call_command("mail", "send", stdout=out)
    # then: too new, so left to its own task
    assert out.getvalue().strip() == "sent 0 emails; 0 failed"
    # when: later
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=6)
    )
    call_command("mail", "send", stdout=out)
    # then
    assert [m.to for m in mail.outbox] == [[citizen_a.email]]
    message.refresh_from_db()
    assert message.emailed_at is not None and message.email_attempts == 2


def test_a_person_without_an_email_address_is_not_swept(citizen_a, outbox_delivery):
    # given
    citizen_a.email = ""
    citizen_a.save(update_fields=["email"])
    message = _send(citizen_a)
    # when
    assert tasks.send_pending() == (0, 0)
    # then: the in-app message is there, unsent, and no email went out
    message.refresh_from_db()
    assert message.emailed_at is None and mail.outbox == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_senders_never_send_the_same_copy(citizen_a, outbox_delivery):
    # given: a sender holding a batch of copies (as while it talks to the mail server)
    for n in range(3):
        _send(citizen_a, f"Message {n}")
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_sender() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(tasks._statements(connection).pending, [5, timezone.now(), 2])
                assert len(cursor.fetchall()) == 2
                holding.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_sender)
    thread.start()
    holding.wait(10)
    # when: a second sender sweeps meanwhile
    try:
        sent = tasks.send_pending()
    finally:
        release.set()
        thread.join()
    # then: it took only the copy the first did not hold
    assert errors == []
    assert sent == (1, 0)
    assert [m.subject for m in mail.outbox] == ["Message 2"]


class _Recorder:
    """An aiosmtpd handler: counts connections (one EHLO each), keeps what is delivered,
    and refuses the recipients it is told to."""

    def __init__(self) -> None:
        self.connections = 0
        self.delivered: list[tuple[list[str], bytes]] = []
        self.refuse: set[str] = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server on a free local port, and the SMTP backend pointed at it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = _Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    try:
        yield recorder
    finally:
        controller.stop()


def test_a_batch_goes_to_the_mail_server_over_one_connection(
    citizen_a, citizen_b, outbox_delivery, smtp_server
):
    # given
    for n, person in enumerate([citizen_a, citizen_b, citizen_a]):
        _send(person, f"Message {n}")
    # when
    assert tasks.send_pending() == (3, 0)
    # then: three messages delivered, in one SMTP session
    assert smtp_server.connections == 1
    assert [to for to, _content in smtp_server.delivered] == [
        [citizen_a.email],
        [citizen_b.email],
        [citizen_a.email],
    ]
    assert b"Subject: Message 1" in smtp_server.delivered[1][1]


def test_a_refused_recipient_fails_alone_and_the_batch_goes_on(
    citizen_a, citizen_b, outbox_delivery, smtp_server
):
    # given: the mail server does not know citizen B's address
    smtp_server.refuse.add(citizen_b.email)
    first, refused, last = _send(citizen_a, "A1"), _send(citizen_b, "B"), _send(citizen_a, "A2")
    # when
    assert tasks.send_pending() == (2, 1)
    # then: the others went out; B's copy counts an attempt and waits
    assert [to for to, _content in smtp_server.delivered] == [[citizen_a.email]] * 2
    for message in (first, refused, last):
        message.refresh_from_db()
    assert first.emailed_at is not None and last.emailed_at is not None
    assert (refused.emailed_at, refused.email_attempts) == (None, 1)
