"""Template helpers: Buddhist-era dates, th/en mappings, GOV.UK form markup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.translation import get_language

from goodgov.catalogue.models import localized as _localized
from goodgov.core import thai
from goodgov.web import forms as _forms

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
def legal_ground(words: str) -> str:
    """A refusal's legal ground in the page's language (``cases.selectors.legal_ground_in``)."""
    from goodgov.cases.selectors import legal_ground_in

    return legal_ground_in(words, get_language())


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def govuk_attrs(widget: dict[str, Any], base_class: str | None = None) -> dict[str, Any]:
    """A widget's attributes with its GOV.UK class (and error modifier) added."""
    return _forms.widget_attrs(widget, base_class)


@register.filter
def govuk_error_links(field: BoundField) -> list[tuple[str, str]]:
    """Each of a field's errors with the id its error summary link should point to."""
    return _forms.field_error_links(field)


@register.filter
def govuk_target(field: BoundField) -> str:
    """The id an error summary link should point to for this field."""
    return _forms.field_target_id(field)
