"""Numbers and years read as typed, or refused: never silently read as another value.

Numbers take commas only between thousands (``12,50`` was read as 1250). Years are in
the page's era: Buddhist era on Thai pages (with a Common Era year from 1900 to 2100
also taken, as the hint says), Common Era on English pages, and never a year such as
``0001`` or ``0069`` (it was stored as the year 1 or 69).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from goodgov.cases.forms import application_form
from tests.forms.conftest import parse, version_of

FOOD_SHOP = Path(settings.REPO_DIR) / "services" / "food-shop-permit.yaml"
AREA_COMMAS = (
    "Enter the floor area of the shop (square metres) as a number, with a full stop before "
    "any decimals and commas only between thousands, like 1,250.50"
)


@pytest.fixture
def food_shop() -> Any:
    """The real food-shop permit's form: ``area_sqm`` a number, ``seats`` a whole number."""
    return version_of(yaml.safe_load(FOOD_SHOP.read_text(encoding="utf-8")))


def render(form: Any) -> str:
    return render_to_string("cases/includes/application_form.html", {"form": form})


def read(version: Any, name: str, typed: str, language: str = "en") -> Any:
    """What the field ``name`` makes of ``typed``: the value, or its error messages."""
    with translation.override(language):
        form = application_form(version, data={name: typed}, files={}, mode="draft")
        form.is_valid()
        if name in form.errors:
            return list(form.errors[name])
        return form.cleaned_data[name]


def test_a_decimal_takes_commas_only_between_thousands(food_shop: Any) -> None:
    # given: what people type for a floor area, and what it must mean
    expected = {
        "1,250": Decimal("1250"),
        "12,500.5": Decimal("12500.5"),
        " 12.50 ": Decimal("12.50"),
        "๑,๒๕๐.๕": Decimal("1250.5"),
        "12,50": [AREA_COMMAS],  # a decimal comma: 12.5, not 1250
        "1,5": [AREA_COMMAS],
        "0,500": [AREA_COMMAS],
        "1,25,000": [AREA_COMMAS],
        "1,250,": [AREA_COMMAS],
        "2 0": ["Enter the floor area of the shop (square metres) as a number, like 12.50"],
    }

    # when
    found = {typed: read(food_shop, "area_sqm", typed) for typed in expected}

    # then
    assert found == expected


def test_a_whole_number_takes_commas_only_between_thousands(definition: dict[str, Any]) -> None:
    # given: seats without an upper limit, so large numbers reach the separator rule
    del definition["form"]["schema"]["properties"]["seats"]["maximum"]
    commas = (
        "Enter the number of seats as a whole number, with commas only between thousands, "
        "like 1,250"
    )
    expected = {
        "1,234,567": 1234567,
        " 20 ": 20,
        "๑,๒๐๐": 1200,
        "1,2,3": [commas],  # was 123
        "12,50": [commas],  # was 1250
        "1,2345": [commas],
        "2 0": ["Enter the number of seats as a whole number, like 20"],  # was 20
    }

    # when
    found = {typed: read(version_of(definition), "seats", typed) for typed in expected}

    # then
    assert found == expected


def test_a_refused_number_is_shown_again_as_typed_with_its_message(food_shop: Any) -> None:
    # given: a Thai applicant types a decimal comma, and commas between single digits
    data = {"shop_name": "ร้านป้าแดง", "area_sqm": "12,50", "seats": "1,2,3"}
    with translation.override("th"):
        form = application_form(food_shop, data=data, files={}, mode="draft")

        # when
        valid = form.is_valid()
        page = parse(render(form))

    # then: nothing was read as 1250 or 123; both inputs keep what was typed
    assert valid is False
    assert page.elements["id_area_sqm"]["value"] == "12,50"
    assert page.elements["id_seats"]["value"] == "1,2,3"
    assert page.summary_links == ["#id_area_sqm", "#id_seats"]
    errors = form.errors.as_data()
    assert [e.code for e in errors["area_sqm"] + errors["seats"]] == ["separator", "separator"]


# ---------------------------------------------------------------------------- years


def date_data(year: str, day: str = "24", month: str = "11") -> dict[str, str]:
    return {
        "shop_name": "A",
        "opening_date_0": day,
        "opening_date_1": month,
        "opening_date_2": year,
    }


def read_date(version: Any, year: str, language: str) -> tuple[Any, Any]:
    """(the stored answer or None, the English messages or None) for a year typed."""
    with translation.override(language):
        form = application_form(version, data=date_data(year), files={}, mode="draft")
        valid = form.is_valid()
        answer = form.answers().get("opening_date") if valid else None
    with translation.override("en"):
        errors = None if valid else list(form.errors["opening_date"])
    return answer, errors


def test_a_thai_page_reads_the_year_in_the_buddhist_era(service_version: Any) -> None:
    # given: years typed on a Thai page, and what they must give
    range_error = (None, ["Year must be between 2400 and 2700"])
    ask_for_be = (None, ["Enter the year in the Buddhist era (BE), like 2569"])
    expected = {
        "2569": ("2026-11-24", None),
        "2400": ("1857-11-24", None),
        "2700": ("2157-11-24", None),
        "0001": range_error,  # was stored as the year 1
        "0069": range_error,  # a typo of 2569, was stored as the year 69
        "2399": range_error,
        "2701": range_error,  # was CE 2158
        "1899": ask_for_be,  # a CE year outside 1900 to 2100
        "2101": ask_for_be,
    }

    # when
    found = {year: read_date(service_version, year, "th") for year in expected}

    # then
    assert found == expected


def test_a_thai_page_takes_a_common_era_year_and_its_hint_says_so(service_version: Any) -> None:
    # given
    with translation.override("th"):
        form = application_form(service_version)
    hint = str(form["opening_date"].help_text)

    # when
    found = [read_date(service_version, year, "th")[0] for year in ("1900", "2026", "2100")]

    # then: CE years 1900 to 2100 are read as CE, and the hint gives that range
    assert found == ["1900-11-24", "2026-11-24", "2100-11-24"]
    assert "1900" in hint and "2100" in hint
    assert hint.endswith("24 11 2569")


def test_an_english_page_reads_the_year_in_the_common_era(service_version: Any) -> None:
    # given: years typed on an English page, and what they must give
    range_error = (None, ["Year must be between 1857 and 2157"])
    expected = {
        "2026": ("2026-11-24", None),
        "1857": ("1857-11-24", None),
        "2157": ("2157-11-24", None),
        "0001": range_error,  # was stored as the year 1
        "1856": range_error,
        "2158": range_error,
        "2701": range_error,
        "2569": (None, ["Enter the year in the Common Era (CE), like 2026"]),
    }

    # when
    found = {year: read_date(service_version, year, "en") for year in expected}

    # then
    assert found == expected


def test_a_refused_year_is_shown_again_as_typed_and_marked(service_version: Any) -> None:
    # given
    with translation.override("th"):
        form = application_form(service_version, data=date_data("0069"), files={})

        # when
        valid = form.is_valid()
        page = parse(render(form))

    # then: the year input keeps "0069", is marked, and the summary links to it
    assert valid is False
    assert form["opening_date"].error_parts == ["year"]
    assert page.summary_links == ["#id_opening_date_2"]
    assert page.elements["id_opening_date_0"]["value"] == "24"
    assert page.elements["id_opening_date_2"]["value"] == "0069"
    assert "govuk-input--error" in str(page.elements["id_opening_date_2"]["class"])
    assert "govuk-input--error" not in str(page.elements["id_opening_date_0"]["class"])


@pytest.mark.parametrize(
    ("bounds", "day", "month", "year", "message"),
    [
        (
            {"formatMinimum": "2026-01-01", "formatMaximum": "2027-12-31"},
            "31",
            "12",
            "2025",
            "Opening date must be between 1 January 2026 and 31 December 2027",
        ),
        (
            {"formatMinimum": "2026-01-01"},
            "31",
            "12",
            "2025",
            "Opening date must be the same as or after 1 January 2026",
        ),
        (
            {"formatMaximum": "2027-12-31"},
            "1",
            "1",
            "2028",
            "Opening date must be the same as or before 31 December 2027",
        ),
    ],
)
def test_the_schemas_earliest_and_latest_dates_are_kept(
    definition: dict[str, Any],
    bounds: dict[str, str],
    day: str,
    month: str,
    year: str,
    message: str,
) -> None:
    # given: the service allows dates from formatMinimum to formatMaximum only
    definition["form"]["schema"]["properties"]["opening_date"].update(bounds)
    version = version_of(definition)
    with translation.override("en"):
        outside = application_form(
            version, data=date_data(year, day=day, month=month), files={}, mode="draft"
        )
        inside = application_form(version, data=date_data("2026", "1", "6"), files={})

        # when
        outside_valid = outside.is_valid()
        inside_valid = inside.is_valid()

        # then
        assert outside.errors.get("opening_date") == [message]
    assert (outside_valid, inside_valid) == (False, True)
    assert outside["opening_date"].error_parts == ["day", "month", "year"]


def test_the_schemas_bounds_are_written_in_the_buddhist_era_on_thai_pages(
    definition: dict[str, Any],
) -> None:
    # given
    definition["form"]["schema"]["properties"]["opening_date"]["formatMinimum"] = "2026-01-01"
    with translation.override("th"):
        form = application_form(version_of(definition), data=date_data("2568"), files={})

        # when
        valid = form.is_valid()
        error = form.errors.as_data()["opening_date"][0]

    # then: 24 11 2568 is 24 November 2025, before 1 January 2569 (2026)
    assert valid is False
    assert error.code == "date_range"
    assert error.params is not None
    assert error.params["min"] == "1 มกราคม 2569"
