"""Template helpers of the governance pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A 0-100 score with one decimal ("" for no data, which the page says in words)."""
    if value is None:
        return ""
    return f"{value:.1f}"
