"""Trend charts of the performance page: inline SVG drawn on the server, no JavaScript.

Each chart is one measure or a few, month by month, for one service. It is an image to
assistive technology (``role="img"``, a ``<title>`` and a ``<desc>`` naming the table that
holds its numbers), and its series differ by marker shape and dash pattern as well as by
colour, with a key beside it, so colour is never the only cue (WCAG 1.4.1). Every colour drawn
has at least 3:1 contrast with the white background (WCAG 1.4.11). Styling is by SVG
presentation attributes only: the page's CSP allows no inline styles.

A month with no figure ("no data") has no marker and breaks the line; it is never drawn
as 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from goodgov.core import thai
from goodgov.performance import measures as m

__all__ = ["COLOURS", "Chart", "Series", "line_chart", "scale"]

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 40, 16, 40  # room for the y labels and the x labels
BACKGROUND = "#ffffff"
INK = "#0b0c0c"  # axes and text (GOV.UK black: 19.5:1 on white)
GRID = "#b1b4b6"  # gridlines: a guide, not information
FONT = "Sarabun, arial, sans-serif"

#: Series styles in order: colour, dash pattern, marker. Colours are GOV.UK palette
#: colours of at least 3:1 contrast on white; shapes and dashes tell series apart too.
COLOURS = ("#1d70b8", "#0b0c0c", "#d4351c")
DASHES = ("", "8 4", "2 4")
MARKERS = ("circle", "square", "triangle")
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Point:
    month: int  # year * 12 + month - 1
    value: float | None
    x: float
    y: float | None


@dataclass
class Series:
    code: str
    label: str
    colour: str
    dash: str
    marker: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    description: str
    unit: str
    top: float
    series: list[Series]
    y_ticks: list[tuple[float, str]]  # (y, label)
    x_ticks: list[tuple[float, str]]  # (x, label)

    @property
    def svg(self) -> SafeString:
        return render(self)


def scale(largest: float, unit: str) -> tuple[float, float]:
    """The top of the y axis and the step between its labels: about four steps of 1, 2,
    2.5 or 5 times a power of ten (whole steps for counts), a ratio from 0 to 100%."""
    if unit == m.RATIO:
        return 1.0, 0.25
    wanted = max(largest, 1e-9) / 4
    power = 10.0 ** math.floor(math.log10(wanted))
    step = next(k * power for k in (1, 2, 2.5, 5, 10) if k * power >= wanted * (1 - 1e-12))
    if unit == m.COUNT and not float(step).is_integer():
        step = float(math.ceil(step))
    return max(step, math.ceil(largest / step - 1e-9) * step), step


def _number(value: float, unit: str) -> str:
    if unit == m.RATIO:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _month_label(month: int) -> str:
    year, index = divmod(month, 12)
    if (get_language() or "th").startswith("th"):
        return f"{thai.MONTHS_TH_SHORT[index]} {thai.be_year(year) % 100:02d}"
    return f"{thai.MONTHS_EN[index][:3]} {year}"


def line_chart(
    *,
    id: str,
    title: str,
    description: str,
    rows: Sequence[dict[str, Any]],
    series: Sequence[tuple[str, str]],
    unit: str,
) -> Chart | None:
    """A line chart of the measures ``series`` (``(code, label)``) over ``rows`` (one per
    month, ``month`` as ``YYYY-MM``), or None when no series has a figure."""
    months = [m.month_number(r["month"]) for r in rows]
    drawn = [(code, label) for code, label in series if any(r.get(code) is not None for r in rows)]
    if not months or not drawn:
        return None
    first, last = min(months), max(months)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [float(r[code]) for r in rows for code, _ in drawn if r.get(code) is not None]
    top, step = scale(max(values), unit)

    def x_of(month: int) -> float:
        if last == first:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (month - first) / (last - first)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    chart_series = []
    for index, (code, label) in enumerate(drawn):
        points = []
        for month, row in sorted(zip(months, rows, strict=True), key=lambda pair: pair[0]):
            value = row.get(code)
            value = None if value is None else float(value)
            points.append(Point(month, value, x_of(month), None if value is None else y_of(value)))
        chart_series.append(
            Series(code, label, COLOURS[index], DASHES[index], MARKERS[index], points)
        )
    y_ticks = [(y_of(step * i), _number(step * i, unit)) for i in range(round(top / step) + 1)]
    every = max(1, math.ceil((last - first + 1) / MAX_X_LABELS))
    x_ticks = [(x_of(month), _month_label(month)) for month in range(first, last + 1, every)]
    return Chart(id, title, description, unit, top, chart_series, y_ticks, x_ticks)


def _f(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _marker(kind: str, colour: str) -> str:
    """A marker centred on 0,0 (the caller translates it to the point)."""
    if kind == "circle":
        return f'<circle r="4.5" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="-4.5" y="-4.5" width="9" height="9" fill="{colour}"/>'
    return f'<polygon points="0,-6 5.5,4 -5.5,4" fill="{colour}"/>'


def _line(points: list[Point]) -> str:
    """Path data through the points with a figure, broken where one has none."""
    parts, pen_down = [], False
    for point in points:
        if point.y is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{_f(point.x)} {_f(point.y)}")
        pen_down = True
    return " ".join(parts)


def render(chart: Chart) -> SafeString:
    plot_bottom = HEIGHT - BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gg-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" focusable="false" '
        f'aria-labelledby="{chart.id}-title {chart.id}-desc" '
        f'font-family="{FONT}" font-size="14" fill="{INK}">',
        f'<title id="{chart.id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>',
    ]
    for y, label in chart.y_ticks:
        out.append(
            f'<g class="gg-chart__y-tick"><line x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{_f(y)}" y2="{_f(y)}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{_f(y + 5)}" text-anchor="end">{escape(label)}</text></g>'
        )
    for x, label in chart.x_ticks:
        out.append(
            f'<g class="gg-chart__x-tick"><line x1="{_f(x)}" x2="{_f(x)}" y1="{plot_bottom}" '
            f'y2="{plot_bottom + 6}" stroke="{INK}" stroke-width="1"/>'
            f'<text x="{_f(x)}" y="{plot_bottom + 24}" text-anchor="middle">{escape(label)}</text></g>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{plot_bottom}" stroke="{INK}" '
        f'stroke-width="1.5"/>'
    )
    for series in chart.series:
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        out.append(f'<g class="gg-chart__series" data-series="{escape(series.code)}">')
        path = _line(series.points)
        if path:
            out.append(
                f'<path d="{path}" fill="none" stroke="{series.colour}" stroke-width="2.5"{dash}/>'
            )
        for point in series.points:
            if point.y is None:
                continue
            out.append(
                f'<g class="gg-chart__point" data-month="{escape(m.month_label(point.month))}" '
                f'transform="translate({_f(point.x)} {_f(point.y)})">'
                f"{_marker(series.marker, series.colour)}</g>"
            )
        out.append("</g>")
    out.append("</svg>")
    out.append(_legend(chart))
    return mark_safe("".join(out))  # every text above is escaped


def _legend(chart: Chart) -> str:
    """The key, as text beside the chart: a sample of each line, marker and dash, and its
    name (the samples are decoration; the names are read)."""
    items = []
    for series in chart.series:
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        items.append(
            '<li class="gg-chart__key">'
            '<svg xmlns="http://www.w3.org/2000/svg" width="44" height="16" viewBox="0 0 44 16" '
            'aria-hidden="true" focusable="false">'
            f'<line x1="2" x2="42" y1="8" y2="8" stroke="{series.colour}" stroke-width="2.5"{dash}/>'
            f'<g transform="translate(22 8)">{_marker(series.marker, series.colour)}</g></svg> '
            f"{escape(series.label)}</li>"
        )
    return '<ul class="govuk-list govuk-body-s gg-chart__legend">' + "".join(items) + "</ul>"
