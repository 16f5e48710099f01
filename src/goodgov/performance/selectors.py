"""Reads for the performance pages: the published figures and the names to show with them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from goodgov.core import thai
from goodgov.performance import engine
from goodgov.performance import measures as m
from goodgov.performance.export import default_log


def published_figures() -> engine.Figures:
    """This node's figures, from its Parquet copy of the public log as last exported."""
    return engine.figures_for(default_log())


def filtered(
    rows: list[dict[str, Any]], *, agency: str = "", service: str = ""
) -> list[dict[str, Any]]:
    return [
        r
        for r in rows
        if (not agency or r["agency"] == agency) and (not service or r["service"] == service)
    ]


def agency_names(codes: set[str]) -> dict[str, str]:
    from goodgov.agencies.models import Agency

    names = {a.code: a.name for a in Agency.objects.filter(code__in=codes)}
    return {code: names.get(code, code) for code in codes}


def service_names(codes: set[str]) -> dict[str, str]:
    from goodgov.catalogue.models import Service

    names = {
        s.code: s.name for s in Service.objects.filter(code__in=codes).select_related("current")
    }
    return {code: names.get(code) or code for code in codes}


def month_name(label: str) -> str:
    """``2025-01`` as the reader reads it: ``มกราคม 2568`` or ``January 2025``."""
    year, month = (int(part) for part in label.split("-"))
    if (get_language() or "th").startswith("th"):
        return f"{thai.MONTHS_TH[month - 1]} {thai.be_year(year)}"
    return f"{thai.MONTHS_EN[month - 1]} {year}"


def shown(measure: m.Measure, value: Any) -> str:
    """A figure as the page shows it ("" for no data)."""
    if value is None:
        return ""
    if measure.unit == m.COUNT:
        return f"{int(value):,}"
    if measure.unit == m.RATIO:
        return f"{value * 100:.1f}%"
    return f"{value:,.1f}"
