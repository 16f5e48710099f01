"""Deployment checks of the platform's own settings (``goodgov check --deploy``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

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
