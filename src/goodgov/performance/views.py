"""Public performance pages: every measure per agency, service and month, its trend
charts and its CSV."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from goodgov.catalogue.models import localized
from goodgov.core import access
from goodgov.performance import charts, published, selectors
from goodgov.performance import measures as m

#: The measures in four tables, so each fits the page.
TABLES = (
    (
        _("Applications and decisions"),
        ("applications", "decisions", "completion_rate", "digital_takeup"),
    ),
    (
        _("Processing time"),
        (
            "processing_median_days",
            "processing_p90_days",
            "deadline_days",
            "within_deadline",
            "sla_days",
            "within_sla",
        ),
    ),
    (_("At the end of the month"), ("backlog", "overdue")),
    (
        _("Satisfaction and cost"),
        ("satisfaction", "satisfaction_answers", "cost", "cost_per_transaction"),
    ),
)

#: The trend charts drawn above a table (by its position in ``TABLES``): a key, the
#: chart's title, its measures and their unit.
CHARTS = {
    0: (
        (
            "volume",
            _("Applications and decisions per month"),
            ("applications", "decisions"),
            m.COUNT,
        ),
    ),
    1: (
        (
            "processing",
            _("Processing time (median) against the statutory deadline, in days"),
            ("processing_median_days", "deadline_days", "sla_days"),
            m.DAYS,
        ),
        (
            "sla",
            _("Share of decisions made within the service level, per month"),
            ("within_sla",),
            m.RATIO,
        ),
    ),
}


def _shown(measure: m.Measure, value: Any) -> str:
    """A figure as the page shows it ("" for no data); baht to the satang."""
    if value is not None and measure.unit == m.BAHT:
        return f"{value:,.2f}"
    return selectors.shown(measure, value)


def _charts(section: dict[str, Any], position: int, caption: Any) -> list[charts.Chart]:
    rows = section["rows"]
    drawn = []
    for key, title, codes, unit in CHARTS.get(position, ()):
        series = [(code, localized(m.by_code(code).name)) for code in codes]
        months = [r["month"] for r in rows]
        chart = charts.line_chart(
            id=f"{section['id']}-{key}",
            title=f"{section['service']}: {title}",
            description=_(
                "A line chart of %(series)s from %(first)s to %(last)s. Its figures are "
                "in the table “%(table)s” below it."
            )
            % {
                "series": ", ".join(label for _code, label in series),
                "first": selectors.month_name(min(months)),
                "last": selectors.month_name(max(months)),
                "table": caption,
            },
            rows=rows,
            series=series,
            unit=unit,
        )
        if chart is not None:
            drawn.append(chart)
    return drawn


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        "agency": request.GET.get("agency", "").strip()[:64],
        "service": request.GET.get("service", "").strip()[:64],
    }


def _sections(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    agencies = selectors.agency_names({r["agency"] for r in rows})
    services = selectors.service_names({r["service"] for r in rows})
    sections: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["agency"], row["service"])
        section = sections.setdefault(
            key,
            {
                "agency": agencies[row["agency"]],
                "service": services[row["service"]],
                "id": f"{row['agency']}-{row['service']}".lower(),
                "rows": [],
            },
        )
        section["rows"].append(row)
    for section in sections.values():
        section["tables"] = [
            {
                "caption": caption,
                "id": f"{section['id']}-table-{position}",
                "charts": _charts(section, position, caption),
                "measures": [m.by_code(code) for code in codes],
                "rows": [
                    {
                        "month": selectors.month_name(row["month"]),
                        "complete": row["complete"],
                        "cells": [_shown(m.by_code(code), row[code]) for code in codes],
                    }
                    for row in section["rows"]
                ],
            }
            for position, (caption, codes) in enumerate(TABLES)
        ]
    return list(sections.values())


def _administered(request: HttpRequest) -> list[Any]:
    """The agencies whose services' costs the visitor enters (none for most visitors)."""
    if not request.user.is_authenticated:
        return []
    from goodgov.agencies.selectors import agencies_administered_by

    return list(agencies_administered_by(request.user))


@access.rule(access.PUBLIC, "service performance figures computed from the public log")
def index(request: HttpRequest) -> HttpResponse:
    figures = selectors.published_figures()
    chosen = _filters(request)
    rows = selectors.filtered(figures.rows, **chosen)
    all_agencies = selectors.agency_names({r["agency"] for r in figures.rows})
    all_services = selectors.service_names({r["service"] for r in figures.rows})
    return render(
        request,
        "performance/index.html",
        {
            "figures": figures,
            "chosen": chosen,
            "agencies": sorted(all_agencies.items(), key=lambda item: item[1]),
            "services": sorted(all_services.items(), key=lambda item: item[1]),
            "sections": _sections(rows),
            "measures": m.MEASURES,
            "query": request.GET.urlencode(),
            "cost_agencies": _administered(request),
        },
    )


@access.rule(access.PUBLIC, "service performance figures as CSV")
def figures_csv(request: HttpRequest) -> HttpResponse:
    figures = selectors.published_figures()
    rows = selectors.filtered(figures.rows, **_filters(request))
    response = HttpResponse(published.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="goodgov-performance.csv"'
    response[published.LOG_SIZE_HEADER] = str(figures.size)
    response["Access-Control-Allow-Origin"] = "*"
    return response
