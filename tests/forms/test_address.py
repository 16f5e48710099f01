"""The Thai address question: postcode look-up without JavaScript, official codes stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from goodgov.cases.forms import application_form
from goodgov.core import thai_address
from tests.forms.conftest import parse, version_of

PHRA_NAKHON_10200 = [f"1001{n:02d}" for n in range(1, 13)]


@pytest.fixture
def address_version() -> Any:
    return version_of(
        {
            "code": "address-only",
            "form": {
                "schema": {
                    "type": "object",
                    "required": ["shop_name", "home"],
                    "properties": {"shop_name": {"type": "string"}, "home": {"type": "object"}},
                },
                "ui": {
                    "order": ["shop_name", "home"],
                    "fields": {
                        "shop_name": {"label": {"th": "ชื่อร้าน", "en": "Shop name"}},
                        "home": {"label": {"th": "ที่อยู่", "en": "Address"}, "widget": "address"},
                    },
                },
            },
            "evidence": [],
        }
    )


def test_lookup_shows_no_errors_and_offers_the_postcodes_subdistricts(address_version: Any) -> None:
    # given: the required shop name is still empty
    data = {"home_postcode": "10200", "home_line": "", "_lookup": "home"}
    with translation.override("en"):
        form = application_form(address_version, data=data, files={})

        # when
        valid = form.is_valid()
        html = render_to_string("cases/includes/application_form.html", {"form": form})

    # then
    assert form.lookup_requested is True
    assert valid is False
    assert form.errors == {}
    page = parse(html)
    assert page.summary_links == []
    options = page.options["id_home_1"]
    assert [value for value, _, _ in options] == ["", *PHRA_NAKHON_10200]
    assert options[1][1] == "Phra Borom Maha Ratchawang, Phra Nakhon, Bangkok"
    assert page.elements["id_home_0"]["value"] == "10200"
    assert page.elements["id_home_0"]["name"] == "home_postcode"


def test_subdistrict_options_are_labelled_in_thai(address_version: Any) -> None:
    # given
    data = {"home_postcode": "10200", "_lookup": "home"}
    with translation.override("th"):
        form = application_form(address_version, data=data, files={})

        # when
        html = render_to_string("cases/includes/application_form.html", {"form": form})

    # then
    options = parse(html).options["id_home_1"]
    assert options[1][1] == "แขวงพระบรมมหาราชวัง, เขตพระนคร, กรุงเทพมหานคร"


def test_choosing_a_subdistrict_stores_the_official_codes(address_version: Any) -> None:
    # given
    data = {
        "shop_name": "A",
        "home_postcode": "10200",
        "home_subdistrict": "100103",
        "home_line": "12 Ratchabophit Road",
    }
    form = application_form(address_version, data=data, files={})

    # when
    assert form.is_valid(), form.errors
    answers = form.answers()

    # then
    assert form.lookup_requested is False
    assert answers["home"] == {
        "line": "12 Ratchabophit Road",
        "postcode": "10200",
        "subdistrict": "100103",
        "district": "1001",
        "province": "10",
    }


def test_a_subdistrict_outside_the_postcode_is_refused(address_version: Any) -> None:
    # given: Ko Tao (840503) is not in 10200
    data = {
        "shop_name": "A",
        "home_postcode": "10200",
        "home_subdistrict": "840503",
        "home_line": "1",
    }
    with translation.override("en"):
        form = application_form(address_version, data=data, files={})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {"home": ["Select a subdistrict for postcode 10200"]}
    assert form["home"].error_parts == ["subdistrict"]
    assert form["home"].error_anchor == "id_home_1"


def test_an_unknown_postcode_is_reported_on_lookup(address_version: Any) -> None:
    # given
    data = {"home_postcode": "99999", "_lookup": "home"}
    with translation.override("en"):
        form = application_form(address_version, data=data, files={})

        # when
        valid = form.is_valid()
        html = render_to_string("cases/includes/application_form.html", {"form": form})

        # then
        assert valid is False
        assert form.errors == {"home": ["We could not find postcode 99999. Check it and try again"]}
    page = parse(html)
    assert page.summary_links == ["#id_home_0"]
    assert "id_home_0" in page.ids
    assert "id_home_1" not in page.ids  # no subdistricts to choose from


def test_submitting_without_subdistrict_and_line_names_each_part(address_version: Any) -> None:
    # given
    data = {"shop_name": "A", "home_postcode": "10200"}
    with translation.override("en"):
        form = application_form(address_version, data=data, files={})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {
            "home": ["Select the subdistrict", "Enter the house number, village (moo) and road"]
        }
    assert form["home"].error_parts == ["subdistrict", "line"]


def test_each_address_error_in_the_summary_links_to_its_own_input(address_version: Any) -> None:
    # given: the subdistrict not chosen and the line left empty
    data = {"shop_name": "A", "home_postcode": "10200"}
    with translation.override("en"):
        form = application_form(address_version, data=data, files={})
        form.is_valid()

        # when
        html = render_to_string("includes/error_summary.html", {"form": form})

        # then: "Enter the house number..." leads to the line, not to the postcode
        assert form["home"].error_links == [
            ("Select the subdistrict", "id_home_1"),
            ("Enter the house number, village (moo) and road", "id_home_2"),
        ]
    assert parse(html).summary_links == ["#id_home_1", "#id_home_2"]


def test_a_draft_keeps_a_partial_address(address_version: Any) -> None:
    # given
    data = {"home_postcode": "10200", "home_line": "12"}
    form = application_form(address_version, data=data, files={}, mode="draft")

    # when
    assert form.is_valid(), form.errors

    # then
    assert form.answers() == {"home": {"line": "12", "postcode": "10200"}}


def test_format_address_reads_names_from_codes() -> None:
    # given
    address = {
        "line": "12",
        "postcode": "84280",
        "subdistrict": "840503",
        "district": "8405",
        "province": "84",
    }

    # when
    thai = thai_address.format_address(address, "th")
    english = thai_address.format_address(address, "en")

    # then
    assert thai == "12 ตำบลเกาะเต่า อำเภอเกาะพะงัน จังหวัดสุราษฎร์ธานี 84280"
    assert english == "12, Ko Tao, Ko Pha-ngan, Surat Thani 84280"
