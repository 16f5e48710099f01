"""`bench/pages.py`'s report, from made-up measurements (no browser, no server): each
target is called met or not met correctly, and the largest transfers are named."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_pages", REPO / "bench" / "pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


FACTS = {"nproc": "2", "cpu": "test CPU", "python": "3.11", "chromium": "1.0", "load": "0.1"}


def measurements(
    bench: ModuleType, *, home_first: list[tuple[int, float]], next_visit: tuple[int, float]
) -> dict[str, dict[str, list[Any]]]:
    """Every page with three runs; the home page's first visits as (bytes, FCP ms); every
    next visit as (bytes, load ms)."""
    home_resources = [
        bench.Resource("/", 3_000),
        bench.Resource("/static/goodgov/goodgov.css", 11_000),
        bench.Resource("/static/goodgov/fonts/thai-400.woff2", 10_000),
        bench.Resource("/static/goodgov/fonts/latin-700.woff2", 12_000),
        bench.Resource("/static/goodgov/govuk-frontend.min.js", 10_500),
        bench.Resource("/favicon.ico", 2_400),
    ]
    results: dict[str, dict[str, list[Any]]] = {}
    for page in bench.PAGES:
        if page.key == "home":
            first = [
                bench.Visit(b, 6, fcp, fcp + 1000, list(home_resources)) for b, fcp in home_first
            ]
        else:
            first = [bench.Visit(70_000, 9, 1500.0, 2500.0, []) for _ in range(3)]
        results[page.key] = {
            "first": first,
            "next": [bench.Visit(next_visit[0], 1, 500.0, next_visit[1], []) for _ in range(3)],
            "first_nojs": [bench.Visit(58_000, 6, 1400.0, 2400.0, []) for _ in range(3)],
        }
    return results


def test_within_every_target_the_report_says_met_and_names_the_three_largest_transfers(
    bench: ModuleType,
) -> None:
    # given: the home page's first visit at 80, 90 and 200 KB (median 90) with FCP at 1.5,
    # 1.6 and 4 s (median 1.6 s); every next visit 3 KB and loaded in 0.9 s
    results = measurements(
        bench,
        home_first=[(80_000, 1500.0), (200_000, 4000.0), (90_000, 1600.0)],
        next_visit=(3_000, 900.0),
    )
    # when
    text = bench.render(results, FACTS, bench.parse_args([]))
    # then: every target met, on the medians
    assert "**90.0 KB** transferred (target ≤ 150 KB: met)" in text
    assert "first contentful paint at **1.60 s** (target ≤ 3 s: met)" in text
    assert "at most **3.0 KB** transferred" in text and "(target ≤ 30 KB: met)." in text
    assert "(target ≤ 2 s: met)." in text
    assert "not met" not in text
    assert (
        "The three largest transfers of the first visit to the Thai home page: "
        "`/static/goodgov/fonts/latin-700.woff2` 12.0 KB; "
        "`/static/goodgov/goodgov.css` 11.0 KB; "
        "`/static/goodgov/govuk-frontend.min.js` 10.5 KB."
    ) in text
    assert "| home page (Thai) `/` | first visit | 90.0 KB | 6 | 1.60 s | 2.60 s |" in text
    assert "400 kbit/s down, 400 kbit/s up, 400 ms round trip" in text


def test_over_the_targets_the_report_says_not_met_and_names_the_pages_over_them(
    bench: ModuleType,
) -> None:
    # given: the home page's first visit at 160 KB with FCP at 3.2 s; every next visit
    # 31 KB, loaded in 2.5 s
    results = measurements(
        bench,
        home_first=[(160_000, 3200.0)] * 3,
        next_visit=(31_000, 2500.0),
    )
    # when
    text = bench.render(results, FACTS, bench.parse_args([]))
    # then
    assert "**160.0 KB** transferred (target ≤ 150 KB: **not met**)" in text
    assert "first contentful paint at **3.20 s** (target ≤ 3 s: **not met**)" in text
    assert "(target ≤ 30 KB: **not met**); over it: home page (Thai) 31.0 KB," in text
    assert "(target ≤ 2 s: **not met**); over it: home page (Thai) 2.50 s," in text
    assert "`/static/goodgov/fonts/latin-700.woff2` 12.0 KB" in text


def test_one_page_over_the_next_visit_targets_fails_them_for_all(bench: ModuleType) -> None:
    # given: every target met but the sign-in page's next visit, 40 KB loaded in 2.1 s
    results = measurements(bench, home_first=[(90_000, 1600.0)] * 3, next_visit=(3_000, 900.0))
    results["login"]["next"] = [bench.Visit(40_000, 3, 600.0, 2100.0, []) for _ in range(3)]
    # when
    text = bench.render(results, FACTS, bench.parse_args([]))
    # then: the home page's targets are met, the next-visit ones not, naming the page
    assert "(target ≤ 150 KB: met)" in text and "(target ≤ 3 s: met)" in text
    assert "at most **40.0 KB** transferred (sign-in page (Thai))" in text
    assert "(target ≤ 30 KB: **not met**); over it: sign-in page (Thai) 40.0 KB." in text
    assert "(target ≤ 2 s: **not met**); over it: sign-in page (Thai) 2.10 s." in text


def test_the_home_pages_later_visit_counts_against_the_next_visit_targets(
    bench: ModuleType,
) -> None:
    # given: every next visit within the targets but the home page's visit a minute later,
    # which revalidates files the server let be cached only briefly: loaded in 2.4 s
    results = measurements(bench, home_first=[(90_000, 1600.0)] * 3, next_visit=(3_000, 900.0))
    results["home"]["later"] = [bench.Visit(3_600, 3, 700.0, 2400.0, []) for _ in range(3)]
    # when
    text = bench.render(results, FACTS, bench.parse_args(["--later-s", "65"]))
    # then: it has its row, and fails the load target, named
    assert "| home page (Thai) `/` | next visit, over a minute later | 3.6 KB | 3 |" in text
    assert "(target ≤ 30 KB: met)." in text
    assert "(target ≤ 2 s: **not met**); over it: home page (Thai), 65 s later 2.40 s." in text
