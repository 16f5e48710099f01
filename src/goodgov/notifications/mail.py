"""A plain-text email built for a fraction of the CPU Django's ``EmailMessage`` spends.

Every submission emails its applicant, and building that message through Django cost
more than the rest of the email task: ``Header(...).encode()`` for the subject, then the
``compat32`` generator folding every header again through another ``Header``. This class
builds the same message (the same headers, the subject in RFC 2047 base64 encoded words
of whole characters, a UTF-8 body sent 8bit, or quoted-printable when a line is longer
than SMTP allows) and writes the headers that need no folding as they are. It is still an
``EmailMessage`` sent through the configured backend, and anything unusual (attachments,
extra headers, non-ASCII addresses) takes Django's own path.
"""

from __future__ import annotations

from base64 import b64encode
from email.header import Header
from email.message import Message
from email.policy import Compat32
from email.utils import formatdate, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    BadHeaderError,
    MIMEMixin,
    utf8_charset,
    utf8_charset_qp,
)
from django.core.mail.utils import DNS_NAME

#: RFC 2047: a line holding encoded words is at most 76 characters.
_ENCODED_LINE = 76
_CHROME = len("=?utf-8?b??=")


class _Policy(Compat32):
    """``compat32``, except that a header already short enough (or already folded into
    short ASCII lines) is written as it is instead of being folded again by ``Header``."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        limit = self.max_line_length
        if limit and isinstance(value, str) and value.isascii() and "\r" not in value:
            lines = value.split("\n")
            if len(name) + 2 + len(lines[0]) <= limit and all(
                len(line) <= limit and line[:1] in (" ", "\t") for line in lines[1:]
            ):
                return f"{name}: {self.linesep.join(lines)}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


_POLICY = _Policy()


class _MIMEText(MIMEMixin, Message):  # type: ignore[misc]  # as Django's SafeMIMEText
    """A ``text/plain`` message with Django's ``as_bytes`` (no ``>From`` mangling)."""


def encode_subject(subject: str, prefix: int = len("Subject: ")) -> str:
    """The subject as a header value: ASCII as it is (folded as Django folds it when too
    long), anything else as base64 encoded words of whole UTF-8 characters, one per line,
    each line at most 76 characters (the first after ``prefix`` characters)."""
    if subject.isascii():
        return subject if prefix + len(subject) <= 78 else Header(subject).encode()
    data = subject.encode()
    words = []
    start, room = 0, (_ENCODED_LINE - prefix - _CHROME) // 4 * 3
    while start < len(data):
        end = start + room
        while end < len(data) and 0x80 <= data[end] < 0xC0:  # inside a character
            end -= 1
        words.append(f"=?utf-8?b?{b64encode(data[start:end]).decode()}?=")
        start, room = end, (_ENCODED_LINE - 1 - _CHROME) // 4 * 3
    return "\n ".join(words)


class PlainEmail(EmailMessage):
    """A plain-text ``EmailMessage`` whose ``message()`` is cheap; sent as any other."""

    def message(self) -> Any:
        if (
            self.attachments
            or self.extra_headers
            or self.cc
            or self.reply_to
            or (self.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
            or not self.from_email.isascii()
            or not all(address.isascii() for address in self.to)
        ):
            return super().message()
        subject = str(self.subject)
        if "\n" in subject or "\r" in subject:
            raise BadHeaderError(f"Header values can't contain newlines (got {subject!r})")
        for address in (self.from_email, *self.to):
            if "\n" in address or "\r" in address:
                raise BadHeaderError(f"Header values can't contain newlines (got {address!r})")
        body = self.body
        data = body.encode()
        long_lines = len(data) > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
            len(line) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in data.splitlines()
        )
        msg = _MIMEText(policy=_POLICY)
        # Adds MIME-Version, Content-Type and Content-Transfer-Encoding, as Django does.
        msg.set_payload(body, utf8_charset_qp if long_lines else utf8_charset)
        msg["Subject"] = encode_subject(subject)
        msg["From"] = self.from_email
        if self.to:
            msg["To"] = ", ".join(self.to)
        msg["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
        msg["Message-ID"] = make_msgid(domain=DNS_NAME)
        return msg
