"""The email copy is the message Django would build, valid for SMTP, in Thai and English."""

from __future__ import annotations

import base64
import re
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage

import pytest
from django.core.mail import EmailMessage
from django.core.mail.message import BadHeaderError
from django.core.mail.utils import DNS_NAME

from goodgov.notifications.mail import PlainEmail

THAI_SUBJECT = "ได้รับคำขอแล้ว: TBNK-2569-000123"
THAI_BODY = (
    "เราได้รับคำขอจดทะเบียนพาณิชย์ของท่านแล้ว หมายเลขอ้างอิงของท่านคือ TBNK-2569-000123 "
    "ท่านสามารถติดตามได้ที่ คำขอของฉัน\n\nhttp://127.0.0.1:8000"
)
ENGLISH_SUBJECT = "Application received: TBNK-2569-000123"
ENGLISH_BODY = (
    "We have received your application for Commercial registration. Your reference "
    "number is TBNK-2569-000123. You can follow it under My applications.\n\n"
    "From now on: http://127.0.0.1:8000"
)


def _wire(email: EmailMessage) -> bytes:
    """The bytes the SMTP backend hands to ``smtplib``."""
    return email.message().as_bytes(linesep="\r\n")


def _parsed(raw: bytes) -> ParsedMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def _assert_valid_for_smtp(raw: bytes) -> None:
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in raw.replace(b"\r\n", b""), "a bare LF"
    assert b"\r" not in raw.replace(b"\r\n", b""), "a bare CR"
    assert head.isascii(), "headers must be ASCII (RFC 2047 encoded)"
    for line in head.split(b"\r\n"):
        assert len(line) <= 78, line
    for line in raw.split(b"\r\n"):
        assert len(line) <= 998, line[:80]


@pytest.mark.parametrize(
    ("subject", "body", "transfer_encoding"),
    [(THAI_SUBJECT, THAI_BODY, "8bit"), (ENGLISH_SUBJECT, ENGLISH_BODY, "7bit")],
)
def test_the_email_parses_back_to_the_same_subject_body_and_addresses(
    subject, body, transfer_encoding
):
    # given
    email = PlainEmail(subject, body, None, ["somchai@example.test"])
    # when
    raw = _wire(email)
    # then
    _assert_valid_for_smtp(raw)
    parsed = _parsed(raw)
    assert str(parsed["Subject"]) == subject
    assert str(parsed["From"]) == "no-reply@goodgov.invalid"
    assert str(parsed["To"]) == "somchai@example.test"
    assert parsed["MIME-Version"] == "1.0"
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed["Content-Transfer-Encoding"] == transfer_encoding
    assert parsed["Date"].datetime is not None
    assert re.fullmatch(rf"<[0-9.]+@{re.escape(str(DNS_NAME))}>", str(parsed["Message-ID"]))
    assert parsed.get_content().replace("\r\n", "\n") == body
    assert not parsed.defects


@pytest.mark.parametrize(
    ("subject", "body"),
    [(THAI_SUBJECT, THAI_BODY), (ENGLISH_SUBJECT, ENGLISH_BODY)],
)
def test_it_is_the_message_django_builds(subject, body):
    # given
    ours = _wire(PlainEmail(subject, body, None, ["somchai@example.test"]))
    djangos = _wire(EmailMessage(subject, body, None, ["somchai@example.test"]))
    # when
    mine, theirs = _parsed(ours), _parsed(djangos)
    # then: the same headers with the same values (Date and Message-ID are of the moment;
    # Django folds the Thai subject onto a second line, which leaves a leading space)
    assert sorted(mine.keys()) == sorted(theirs.keys())
    for name in ("From", "To", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"):
        assert mine[name] == theirs[name], name
    assert str(mine["Subject"]) == str(theirs["Subject"]).strip() == subject
    assert mine.get_content() == theirs.get_content()
    if subject.isascii():  # then byte for byte, apart from the order of the headers
        assert _fixed_lines(ours) == _fixed_lines(djangos)


def _fixed_lines(raw: bytes) -> tuple[list[bytes], bytes]:
    """The header lines but Date and Message-ID, sorted, and the body."""
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = [h for h in head.split(b"\r\n") if not h.startswith((b"Date:", b"Message-ID:"))]
    return sorted(lines), body


def test_a_long_thai_subject_is_split_into_encoded_words_of_whole_characters():
    # given
    subject = "แจ้งผลการพิจารณาคำขอใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ " * 4
    subject = subject.strip()
    # when
    raw = _wire(PlainEmail(subject, THAI_BODY, None, ["somchai@example.test"]))
    # then
    _assert_valid_for_smtp(raw)
    head = raw.split(b"\r\n\r\n")[0].decode()
    folded = re.search(r"^Subject: (.*?)\r\n(?=\S)", head, re.M | re.S)
    assert folded is not None
    words = re.findall(r"=\?utf-8\?b\?([A-Za-z0-9+/=]+)\?=", folded.group(1))
    assert len(words) > 4
    for line in folded.group(0).split("\r\n")[:-1]:
        assert len(line) <= 76, line  # RFC 2047 section 2
    decoded = [base64.b64decode(word).decode("utf-8") for word in words]  # whole characters
    assert "".join(decoded) == subject
    assert str(_parsed(raw)["Subject"]) == subject


def test_a_body_line_longer_than_smtp_allows_goes_quoted_printable():
    # given: one line of 1,800 bytes
    body = "ก" * 600 + "\n\nhttp://127.0.0.1:8000"
    # when
    raw = _wire(PlainEmail(THAI_SUBJECT, body, None, ["somchai@example.test"]))
    # then
    _assert_valid_for_smtp(raw)
    parsed = _parsed(raw)
    assert parsed["Content-Transfer-Encoding"] == "quoted-printable"
    assert parsed.get_content().replace("\r\n", "\n") == body


def test_a_newline_in_the_subject_is_refused():
    # given
    email = PlainEmail("Received\r\nBcc: someone@example.test", "x", None, ["a@example.test"])
    # when / then
    with pytest.raises(BadHeaderError):
        email.message()


def test_an_address_that_is_not_ascii_is_written_as_django_writes_it():
    # given: an internationalised domain, which Django writes in punycode
    to = ["somchai@ตัวอย่าง.ไทย"]
    # when
    ours = _wire(PlainEmail(THAI_SUBJECT, THAI_BODY, None, to))
    djangos = _wire(EmailMessage(THAI_SUBJECT, THAI_BODY, None, to))
    # then
    assert _fixed_lines(ours) == _fixed_lines(djangos)
    assert b"\r\nTo: somchai@xn--" in ours


def test_extra_headers_take_djangos_own_path():
    # given
    headers = {"Date": "Tue, 24 Nov 2026 18:00:00 -0000", "Message-ID": "<1@example.test>"}
    # when
    ours = _wire(PlainEmail(THAI_SUBJECT, THAI_BODY, None, ["a@example.test"], headers=headers))
    djangos = _wire(
        EmailMessage(THAI_SUBJECT, THAI_BODY, None, ["a@example.test"], headers=headers)
    )
    # then
    assert ours == djangos
