"""The GOV.UK date input: Buddhist-era years in Thai, Common Era in English."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from goodgov.cases.forms import application_form


def date_data(day: str, month: str, year: str) -> dict[str, str]:
    return {
        "shop_name": "A",
        "opening_date_0": day,
        "opening_date_1": month,
        "opening_date_2": year,
    }


def test_thai_reads_a_buddhist_era_year(service_version: Any) -> None:
    # given
    with translation.override("th"):
        form = application_form(service_version, data=date_data("24", "11", "2569"), files={})

        # when
        assert form.is_valid(), form.errors
        answers = form.answers()

    # then
    assert answers["opening_date"] == "2026-11-24"


def test_thai_hint_gives_a_buddhist_era_example(service_version: Any) -> None:
    # given / when
    with translation.override("th"):
        form = application_form(service_version)

    # then
    assert form["opening_date"].help_text.endswith("24 11 2569")


def test_english_reads_a_common_era_year(service_version: Any) -> None:
    # given
    with translation.override("en"):
        form = application_form(service_version, data=date_data("24", "11", "2026"), files={})

        # when
        assert form.is_valid(), form.errors

        # then
        assert form.answers()["opening_date"] == "2026-11-24"
        assert form["opening_date"].help_text == "For example, 24 11 2026"


def test_english_refuses_a_buddhist_era_year(service_version: Any) -> None:
    # given
    with translation.override("en"):
        form = application_form(service_version, data=date_data("24", "11", "2569"), files={})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors["opening_date"] == ["Enter the year in the Common Era (CE), like 2026"]
    assert form["opening_date"].error_parts == ["year"]


@pytest.mark.parametrize("language", ["th", "en"])
def test_an_impossible_date_is_refused(service_version: Any, language: str) -> None:
    # given
    year = "2569" if language == "th" else "2026"
    with translation.override(language):
        form = application_form(service_version, data=date_data("31", "2", year), files={})

        # when
        valid = form.is_valid()

    # then
    assert valid is False
    assert [e.code for e in form.errors.as_data()["opening_date"]] == ["date"]
    assert form["opening_date"].error_anchor == "id_opening_date_0"


def test_an_impossible_date_message_in_english(service_version: Any) -> None:
    # given
    with translation.override("en"):
        form = application_form(service_version, data=date_data("31", "2", "2026"), files={})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors["opening_date"] == ["Opening date must be a real date"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "parts"),
    [
        ("", "11", "2026", "Opening date must include a day", ["day"]),
        ("24", "", "", "Opening date must include a month and year", ["month", "year"]),
        ("24", "13", "2026", "Opening date must be a real date", ["day", "month", "year"]),
        ("2x", "11", "2026", "Opening date must be a real date", ["day"]),
        ("24", "11", "26", "Year must include 4 numbers", ["year"]),
    ],
)
def test_date_messages_name_the_problem(
    service_version: Any, day: str, month: str, year: str, message: str, parts: list[str]
) -> None:
    # given
    with translation.override("en"):
        form = application_form(service_version, data=date_data(day, month, year), files={})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors["opening_date"] == [message]
    assert form["opening_date"].error_parts == parts
    assert (
        form["opening_date"].error_anchor
        == f"id_opening_date_{['day', 'month', 'year'].index(parts[0])}"
    )


def test_thai_numerals_are_read(service_version: Any) -> None:
    # given
    with translation.override("th"):
        form = application_form(service_version, data=date_data("๒๔", "๑๑", "๒๕๖๙"), files={})

        # when
        assert form.is_valid(), form.errors

    # then
    assert form.answers()["opening_date"] == "2026-11-24"
