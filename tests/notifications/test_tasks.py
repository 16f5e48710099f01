"""The in-app message and its email copy: sent once, through the configured backend, and a
failure is counted and retried."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from goodgov.notifications.models import Message
from goodgov.notifications.services import message_send
from goodgov.notifications.tasks import email_message
from tests.cases.conftest import submitted_case

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


class _MailServer:
    """Stands in for ``smtplib.SMTP``: keeps what the SMTP backend hands it."""

    sent: list[tuple[str, list[str], bytes]] = []

    def __init__(self, host: str, port: int, **kwargs: Any) -> None:
        self.host, self.port = host, port

    def sendmail(self, from_addr: str, to_addrs: list[str], msg: bytes) -> dict[str, Any]:
        self.sent.append((from_addr, to_addrs, msg))
        return {}

    def quit(self) -> None:
        pass


def _thai_message(user: Any) -> Message:
    return Message.objects.create(
        user=user,
        subject="ได้รับคำขอแล้ว: TBNK-2569-000123",
        body="เราได้รับคำขอของท่านแล้ว หมายเลขอ้างอิงของท่านคือ TBNK-2569-000123",
    )


def test_over_smtp_the_thai_copy_goes_out_with_crlf_lines_and_encoded_headers(
    citizen_a, settings, monkeypatch
):
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.BASE_URL = "https://gov.example.test"
    monkeypatch.setattr("smtplib.SMTP", _MailServer)
    monkeypatch.setattr(_MailServer, "sent", [])
    message = _thai_message(citizen_a)
    # when
    email_message.call(message_id=message.pk)
    # then
    [(sender, recipients, raw)] = _MailServer.sent
    assert (sender, recipients) == ("no-reply@goodgov.invalid", [citizen_a.email])
    assert b"\n" not in raw.replace(b"\r\n", b"")
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert max(len(line) for line in head.split(b"\r\n")) <= 78
    parsed = message_from_bytes(raw, policy=policy.default)
    assert str(parsed["Subject"]) == "ได้รับคำขอแล้ว: TBNK-2569-000123"
    assert str(parsed["From"]) == "no-reply@goodgov.invalid"
    assert str(parsed["To"]) == citizen_a.email
    assert parsed["Content-Type"] == 'text/plain; charset="utf-8"'
    assert parsed.get_content() == (
        "เราได้รับคำขอของท่านแล้ว หมายเลขอ้างอิงของท่านคือ TBNK-2569-000123\r\n\r\n"
        "https://gov.example.test/messages/"
    )
    message.refresh_from_db()
    assert message.emailed_at is not None
    assert message.email_attempts == 1


def test_the_file_backend_writes_the_thai_copy_that_parses_back(citizen_a, settings, tmp_path):
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    message = _thai_message(citizen_a)
    # when
    email_message.call(message_id=message.pk)
    # then: one file, one message, then the backend's separator line
    [written] = tmp_path.iterdir()
    raw, separator = written.read_bytes().rsplit(b"\n" + b"-" * 79 + b"\n", 1)
    assert separator == b""
    parsed = message_from_bytes(raw, policy=policy.default)
    assert str(parsed["Subject"]) == "ได้รับคำขอแล้ว: TBNK-2569-000123"
    assert str(parsed["To"]) == citizen_a.email
    assert parsed.get_content().startswith("เราได้รับคำขอของท่านแล้ว")


def test_a_deleted_message_sends_nothing(citizen_a):
    # given
    message = _message(citizen_a)
    message_id = message.pk
    message.delete()
    # when
    email_message.call(message_id=message_id)
    # then
    assert mail.outbox == []


def test_message_send_stores_the_message_in_the_persons_language_and_emails_it_after_commit(
    citizen_a, django_capture_on_commit_callbacks
):
    # given
    subject = gettext_lazy("Your application")
    with translation.override("th"):
        thai = str(subject)
    assert thai != "Your application"  # the catalogue has it
    # when
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        message = message_send(user=citizen_a, subject=subject, body="Body")
    # then
    stored = Message.objects.get(pk=message.pk)
    assert (stored.user_id, stored.case_id, stored.subject, stored.body) == (
        citizen_a.pk,
        None,
        thai,
        "Body",
    )
    assert stored.created_at == message.created_at
    assert stored.read_at is None
    assert stored.emailed_at is not None
    assert stored.email_attempts == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [([citizen_a.email], thai)]


@pytest.mark.parametrize(("language", "prefix"), [("th", ""), ("en", "/en")])
def test_the_copy_of_a_message_about_a_case_links_to_the_case_in_its_language(
    citizen_a, service_version, settings, language, prefix
):
    # given: the applicant reads in ``language``; a message about their case
    settings.BASE_URL = "https://gov.example.test"
    submitted = submitted_case(citizen_a, service_version)
    applicant = submitted.applicant
    applicant.preferred_language = language
    applicant.save(update_fields=["preferred_language"])
    message = Message.objects.create(
        user=applicant, case=submitted, subject="Received", body="Your application arrived."
    )
    # when
    email_message.call(message_id=message.pk)
    # then: the link opens the case's own page, not the home page
    [sent] = [m for m in mail.outbox if m.subject == "Received"]
    assert sent.body.endswith(f"https://gov.example.test{prefix}/cases/{submitted.uuid}/")
