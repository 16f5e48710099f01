"""Template helpers: Buddhist-era dates, picking a language from a th/en mapping."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import get_language

from goodgov.catalogue.models import localized as _localized
from goodgov.core import thai

register = template.Library()


@register.filter
def be_date(value: dt.date | dt.datetime | None, style: str = "") -> str:
    """A date in the reader's language: Buddhist era in Thai."""
    if value is None:
        return ""
    language = get_language() or "th"
    if isinstance(value, dt.datetime):
        if style == "date":
            from django.utils import timezone

            return thai.format_date(timezone.localtime(value).date(), language)
        return thai.format_datetime(value, language)
    return thai.format_date(value, language, short=style == "short")


@register.filter
def localized(value: Any) -> str:
    return _localized(value)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None
