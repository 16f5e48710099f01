"""Deployment checks of the platform's own settings (``goodgov check --deploy``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104 (names, not a bind)


@register(Tags.security, deploy=True)
def base_url_is_public(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """``GOODGOV_BASE_URL`` goes into issued documents' verification links, emailed links
    and this node's name in the exchange directory: in production it must be the public
    HTTPS address, not the development default."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    parts = urlsplit(settings.BASE_URL)
    if parts.scheme == "https" and parts.hostname and parts.hostname not in LOCAL_HOSTS:
        return []
    return [
        Warning(
            f"GOODGOV_BASE_URL is {settings.BASE_URL!r}: issued documents, emails and the "
            "exchange directory would point there.",
            hint="Set GOODGOV_BASE_URL to the platform's public HTTPS address, "
            "e.g. https://services.example.go.th.",
            id="goodgov.W001",
        )
    ]


@register(Tags.database)
def secret_key_opens_the_data(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Personal data is sealed with keys derived from the secret key: a new secret key
    (a fresh data directory beside an existing database, say, which generates one) makes
    every national ID unreadable. Try the latest sealed ID with the keys configured.

    A database check: ``goodgov migrate`` runs it (so ``make run`` and a deployment stop
    before serving), as does ``goodgov check --database default``."""
    from django.db import DatabaseError

    from goodgov.accounts.models import User
    from goodgov.core.national_id import UnknownKey, decrypt_text

    try:
        sealed = (
            User.objects.exclude(national_id_encrypted="")
            .order_by("-pk")
            .values_list("national_id_encrypted", flat=True)
            .first()
        )
    except DatabaseError:  # not migrated yet: nothing sealed to open
        return []
    if sealed is None:
        return []
    try:
        decrypt_text(sealed)
    except UnknownKey:
        return [
            Error(
                "The secret key does not open the personal data in the database: it was "
                "sealed with another key, so national ID numbers and answers cannot be read.",
                hint="Set GOODGOV_SECRET_KEY to the key the data was sealed with (the old "
                "data directory's secret_key file), or list that key in "
                "GOODGOV_SECRET_KEY_FALLBACKS and run `goodgov pii rekey`.",
                id="goodgov.E001",
            )
        ]
    return []
