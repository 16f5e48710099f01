"""The trend charts: the points drawn are the published figures, read back from the SVG
alone (its axis labels give the scale), and the charts are accessible images."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from goodgov.cases import services as case_services
from goodgov.ledger import sequencer
from goodgov.performance import charts
from goodgov.performance import measures as m
from goodgov.performance.export import export_local
from tests.cases.conftest import submitted_case

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [
    {"month": "2025-01", "applications": 12, "decisions": 7, "within_sla": 0.5},
    {"month": "2025-02", "applications": 0, "decisions": None, "within_sla": None},
    {"month": "2025-03", "applications": 31, "decisions": 18, "within_sla": 0.8},
    {"month": "2025-05", "applications": 5, "decisions": 22, "within_sla": 1.0},
]


def svg_of(html: str, chart_id: str) -> ET.Element:
    """The ``<svg>`` element whose title has id ``<chart_id>-title``, parsed."""
    found = re.search(
        rf'<svg [^>]*aria-labelledby="{re.escape(chart_id)}-title {re.escape(chart_id)}-desc".*?</svg>',
        html,
        re.S,
    )
    assert found is not None, f"no chart {chart_id}"
    return ET.fromstring(found.group(0))


def _tick_value(label: str) -> float:
    return float(label.rstrip("%").replace(",", "")) / (100 if label.endswith("%") else 1)


def read_back(svg: ET.Element) -> dict[str, dict[str, float]]:
    """Every plotted point as ``{series: {month label on the x axis: value}}``, using only
    what the SVG shows: the y axis's labelled gridlines give the scale, the x axis's
    labelled ticks the months."""
    y_ticks = []
    for tick in svg.iter(f"{SVG}g"):
        if tick.get("class") == "gg-chart__y-tick":
            line, text = tick.find(f"{SVG}line"), tick.find(f"{SVG}text")
            y_ticks.append((float(line.get("y1")), _tick_value(text.text)))
    (y0, v0), (y1, v1) = y_ticks[0], y_ticks[-1]
    x_ticks = {}
    for tick in svg.iter(f"{SVG}g"):
        if tick.get("class") == "gg-chart__x-tick":
            x_ticks[round(float(tick.find(f"{SVG}line").get("x1")), 2)] = tick.find(
                f"{SVG}text"
            ).text
    points: dict[str, dict[str, float]] = {}
    for series in svg.iter(f"{SVG}g"):
        if series.get("class") != "gg-chart__series":
            continue
        mine = points.setdefault(series.get("data-series"), {})
        for point in series.iter(f"{SVG}g"):
            if point.get("class") != "gg-chart__point":
                continue
            x, y = (float(v) for v in re.findall(r"[-\d.]+", point.get("transform")))
            value = v0 + (y - y0) * (v1 - v0) / (y1 - y0)
            mine[x_ticks[round(x, 2)]] = round(value, 3)
    return points


def relative_luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_points_drawn_are_the_figures():
    # given
    with translation.override("en"):
        chart = charts.line_chart(
            id="c", title="T", description="D", rows=ROWS,
            series=[("applications", "Applications"), ("decisions", "Decisions")], unit=m.COUNT,
        )  # fmt: skip
        # when
        points = read_back(ET.fromstring(str(chart.svg).split("<ul")[0]))
    # then: every figure, at its month; no marker where there is no figure; April has no
    # row, so nothing is drawn for it
    assert points == {
        "applications": {"Jan 2025": 12, "Feb 2025": 0, "Mar 2025": 31, "May 2025": 5},
        "decisions": {"Jan 2025": 7, "Mar 2025": 18, "May 2025": 22},
    }


def test_the_scale_is_a_round_number_at_or_above_the_largest_figure():
    # given / when
    chart = charts.line_chart(
        id="c", title="T", description="D", rows=ROWS,
        series=[("applications", "A")], unit=m.COUNT,
    )  # fmt: skip
    # then: 31 is drawn on a scale up to 40, labelled every 10
    assert chart.top == 40
    assert [label for _y, label in chart.y_ticks] == ["0", "10", "20", "30", "40"]
    # counts step by whole numbers; days may step by halves
    assert [charts.scale(v, m.COUNT) for v in (0, 1, 2, 3, 15, 31, 999)] == [
        (1, 1), (1, 1), (2, 1), (3, 1), (15, 5), (40, 10), (1000, 250),
    ]  # fmt: skip
    assert charts.scale(2, m.DAYS) == (2, 0.5)
    assert charts.scale(12.4, m.DAYS) == (15, 5)
    assert charts.scale(0.2, m.RATIO) == (1, 0.25)


def test_a_ratio_is_drawn_from_0_to_100_percent():
    # given / when
    with translation.override("en"):
        chart = charts.line_chart(
            id="c", title="T", description="D", rows=ROWS,
            series=[("within_sla", "Within SLA")], unit=m.RATIO,
        )  # fmt: skip
        svg = ET.fromstring(str(chart.svg).split("<ul")[0])
    # then
    assert [label for _y, label in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert read_back(svg) == {"within_sla": {"Jan 2025": 0.5, "Mar 2025": 0.8, "May 2025": 1.0}}


def test_a_month_without_a_figure_breaks_the_line():
    # given / when
    chart = charts.line_chart(
        id="c", title="T", description="D", rows=ROWS,
        series=[("decisions", "Decisions")], unit=m.COUNT,
    )  # fmt: skip
    svg = ET.fromstring(str(chart.svg).split("<ul")[0])
    # then: January alone, then March to May
    [path] = svg.iter(f"{SVG}path")
    assert re.findall(r"[ML]", path.get("d")) == ["M", "M", "L"]


def test_no_chart_without_any_figure():
    # given
    rows = [{"month": "2025-01", "within_sla": None}]
    # when
    chart = charts.line_chart(
        id="c", title="T", description="D", rows=rows, series=[("within_sla", "S")],
        unit=m.RATIO,
    )  # fmt: skip
    # then
    assert chart is None


def test_the_chart_is_an_accessible_image_with_a_key():
    # given
    chart = charts.line_chart(
        id="sec-volume", title="Permit: <applications>", description="See the table “X”.",
        rows=ROWS, series=[("applications", "Applications"), ("decisions", "Decisions")],
        unit=m.COUNT,
    )  # fmt: skip
    # when
    html = str(chart.svg)
    svg = ET.fromstring(html.split("<ul")[0])
    # then
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "sec-volume-title sec-volume-desc"
    assert svg.find(f"{SVG}title").get("id") == "sec-volume-title"
    assert svg.find(f"{SVG}title").text == "Permit: <applications>"  # escaped, read back
    assert svg.find(f"{SVG}desc").text == "See the table “X”."
    assert "<script" not in html and "style=" not in html
    # the key names each series beside a sample of its line and marker
    key = ET.fromstring(html[html.index("<ul") :])
    assert ["".join(li.itertext()).strip() for li in key] == ["Applications", "Decisions"]
    assert all(li.find(f"{SVG}svg").get("aria-hidden") == "true" for li in key)


def test_series_differ_by_more_than_colour_and_every_colour_has_contrast():
    # given
    chart = charts.line_chart(
        id="c", title="T", description="D", rows=[{"month": "2025-01", "a": 1, "b": 2, "c": 3}],
        series=[("a", "A"), ("b", "B"), ("c", "C")], unit=m.DAYS,
    )  # fmt: skip
    # when
    styles = [(s.marker, s.dash) for s in chart.series]
    # then: a different marker and dash pattern for each; 3:1 or more against white
    assert len(set(styles)) == len({marker for marker, _ in styles}) == 3
    assert len({dash for _, dash in styles}) == 3
    for colour in (*charts.COLOURS, charts.INK):
        assert contrast(colour, charts.BACKGROUND) >= 3.0, colour


def test_many_months_get_at_most_twelve_labels():
    # given: 30 months
    rows = [{"month": m.month_label(2023 * 12 + i), "applications": i} for i in range(30)]
    # when
    chart = charts.line_chart(
        id="c", title="T", description="D", rows=rows, series=[("applications", "A")],
        unit=m.COUNT,
    )  # fmt: skip
    # then: every third month
    assert len(chart.x_ticks) == 10


@pytest.mark.django_db
def test_the_page_draws_each_services_figures(
    settings: Any, tmp_path: Path, citizen_a: Any, clerk: Any, approver: Any, service_version: Any
):
    # given: two cases submitted this month, one decided
    settings.DATA_DIR = tmp_path
    submitted_case(citizen_a, service_version)
    case = case_services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    case_services.case_approve(actor=approver, case=case)
    sequencer.sequence_all()
    export_local()
    [row] = list(
        csv.DictReader(io.StringIO(Client().get("/en/performance/figures.csv").content.decode()))
    )
    # when
    html = Client().get("/en/performance/").content.decode()
    # then: the charts' points are the CSV's figures
    volume = read_back(svg_of(html, "tbnk-test-permit-volume"))
    assert {k: list(v.values()) for k, v in volume.items()} == {
        "applications": [int(row["applications"])],
        "decisions": [int(row["decisions"])],
    }
    assert volume["applications"] == {next(iter(volume["applications"])): 2}
    processing = read_back(svg_of(html, "tbnk-test-permit-processing"))
    assert list(processing["deadline_days"].values()) == [float(row["deadline_days"])]
    assert list(processing["sla_days"].values()) == [float(row["sla_days"])]
    assert list(processing["processing_median_days"].values()) == [
        pytest.approx(float(row["processing_median_days"]), abs=0.05)
    ]
    sla = read_back(svg_of(html, "tbnk-test-permit-sla"))
    assert list(sla["within_sla"].values()) == [float(row["within_sla"])]
    # and the chart names the table that holds its numbers
    assert "in the table “Applications and decisions” below it." in html
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
