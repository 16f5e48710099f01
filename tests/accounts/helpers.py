"""Small helpers for the accounts tests."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import translation

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "correct horse battery"  # tests/conftest.py's make_user


def en(name: str, **kwargs: object) -> str:
    """The English site's URL: tests that read English text use it."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))
