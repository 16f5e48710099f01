"""Required questions in submit mode, nothing required in a draft, answers and the schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from goodgov.cases.forms import AnswersMismatch, application_form
from tests.forms.conftest import valid_full_data, version_of


def test_submit_mode_requires_the_schemas_required_questions(service_version: Any) -> None:
    # given
    with translation.override("en"):
        form = application_form(service_version, data={"seats": "20"}, files={}, mode="submit")

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {
            "shop_name": ["Enter the shop name"],
            "opening_date": ["Enter the opening date"],
        }


def test_draft_mode_saves_a_half_filled_form(service_version: Any) -> None:
    # given
    form = application_form(service_version, data={"seats": "20"}, files={}, mode="draft")

    # when
    valid = form.is_valid()

    # then
    assert valid is True
    assert form.answers() == {"seats": 20}


def test_draft_mode_still_refuses_what_is_malformed(service_version: Any) -> None:
    # given
    with translation.override("en"):
        form = application_form(
            service_version,
            data={"seats": "twenty", "opening_date_0": "24"},
            files={},
            mode="draft",
        )

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {
            "seats": ["Enter the number of seats as a whole number, like 20"],
            "opening_date": ["Opening date must include a month and year"],
        }


def test_schema_limits_become_plain_messages(service_version: Any) -> None:
    # given
    data = {
        "shop_name": "x" * 201,
        "opening_date_0": "1",
        "opening_date_1": "1",
        "opening_date_2": "2026",
        "seats": "501",
    }
    with translation.override("en"):
        form = application_form(service_version, data=data, files={})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {
            "shop_name": ["Shop name must be 200 characters or fewer"],
            "seats": ["Number of seats must be between 0 and 500"],
        }


def test_answers_have_the_stored_shape_and_validate_against_the_schema(
    full_version: Any, full_definition: dict[str, Any]
) -> None:
    # given
    with translation.override("en"):
        form = application_form(
            full_version, data=valid_full_data(), files={}, existing_evidence={"id_card"}
        )

        # when
        assert form.is_valid(), form.errors
        answers = form.answers()

    # then
    assert answers == {
        "shop_name": "Somchai Noodles",
        "opening_date": "2026-11-24",
        "seats": 20,
        "applicant_id": "1101700230708",
        "home": {
            "line": "12 Ratchadamnoen Road",
            "postcode": "10200",
            "subdistrict": "100101",
            "district": "1001",
            "province": "10",
        },
        "bank": "ktb",
        "floor": 2,
        "phone": "+66812345678",
        "email": "somchai@example.test",
        "notes": "Near the temple",
        "agree": True,
    }
    jsonschema.Draft202012Validator(
        full_definition["form"]["schema"], format_checker=jsonschema.FormatChecker()
    ).validate(answers)


def test_empty_optional_questions_are_left_out(full_version: Any) -> None:
    # given
    data = valid_full_data(seats="", floor="", phone="", email="", notes="")
    form = application_form(full_version, data=data, files={}, existing_evidence={"id_card"})

    # when
    assert form.is_valid(), form.errors
    answers = form.answers()

    # then
    assert set(answers) == {"shop_name", "opening_date", "applicant_id", "home", "bank", "agree"}


def test_answers_the_schema_refuses_raise_as_a_bug(definition: dict[str, Any]) -> None:
    # given: a schema rule the form does not ask about
    definition["form"]["schema"]["properties"]["seats"]["multipleOf"] = 5
    data = {
        "shop_name": "A",
        "opening_date_0": "1",
        "opening_date_1": "1",
        "opening_date_2": "2026",
        "seats": "7",
    }
    form = application_form(version_of(definition), data=data, files={})
    assert form.is_valid()

    # when / then
    with pytest.raises(AnswersMismatch, match="seats"):
        form.answers()


def test_answers_of_an_invalid_form_are_refused(service_version: Any) -> None:
    # given
    form = application_form(service_version, data={}, files={})

    # when / then
    with pytest.raises(ValueError, match="valid form"):
        form.answers()


def test_choices_radios_select_phone_and_checkbox_messages(full_version: Any) -> None:
    # given
    data = valid_full_data(bank="", floor="9", phone="12345", email="not-an-email", agree="")
    data.pop("agree")
    with translation.override("en"):
        form = application_form(full_version, data=data, files={}, existing_evidence={"id_card"})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {
            "bank": ["Select the bank"],
            "floor": ["Select one of the options for the floor"],
            "phone": ["Enter a phone number, like 081 234 5678 or 02 123 4567"],
            "email": ["Enter an email address in the correct format, like name@example.com"],
            "agree": ["Select the box to confirm: I confirm the information is correct"],
        }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("081 234 5678", "+66812345678"),
        ("+66 81 234 5678", "+66812345678"),
        ("02-123-4567", "+6621234567"),
        ("053 123 456", "+6653123456"),
        ("๐๙๑๒๓๔๕๖๗๘", "+66912345678"),
    ],
)
def test_phone_numbers_are_stored_in_e164(full_version: Any, typed: str, stored: str) -> None:
    # given
    form = application_form(
        full_version, data=valid_full_data(phone=typed), files={}, existing_evidence={"id_card"}
    )

    # when
    assert form.is_valid(), form.errors

    # then
    assert form.answers()["phone"] == stored


def test_saved_answers_prefill_the_form(full_version: Any) -> None:
    # given
    saved = {
        "opening_date": "2026-11-24",
        "applicant_id": "1101700230708",
        "phone": "+66812345678",
        "bank": "bbl",
        "floor": 3,
        "home": {
            "line": "12",
            "postcode": "10200",
            "subdistrict": "100102",
            "district": "1001",
            "province": "10",
        },
        "retired_question": "from an older version",
    }

    # when
    with translation.override("th"):
        form = application_form(full_version, initial=saved, mode="draft")
        html = str(form["opening_date"].widget_html()) + str(form["home"].widget_html())

    # then
    assert form["applicant_id"].value() == "1-1017-00230-70-8"
    assert form["phone"].value() == "081 234 5678"
    assert form["bank"].value() == "bbl"
    assert form["floor"].value() == "3"
    assert 'value="2569"' in html
    assert '<option value="100102" selected>' in html


def test_schema_enum_and_email_are_checked_on_free_text(definition: dict[str, Any]) -> None:
    # given: constraints the schema has but a plain text box does not show
    props = definition["form"]["schema"]["properties"]
    props["shop_name"].update({"enum": ["Noodles", "Rice"]})
    props["contact"] = {"type": "string", "format": "email"}
    definition["form"]["ui"]["order"].append("contact")
    definition["form"]["ui"]["fields"]["contact"] = {"label": {"th": "ติดต่อ", "en": "Contact"}}
    data = {
        "shop_name": "Soup",
        "opening_date_0": "1",
        "opening_date_1": "1",
        "opening_date_2": "2026",
        "contact": "nobody",
    }
    with translation.override("en"):
        form = application_form(version_of(definition), data=data, files={})

        # when
        valid = form.is_valid()

        # then
        assert valid is False
        assert form.errors == {
            "shop_name": ["Select one of the options for the shop name"],
            "contact": ["Enter an email address in the correct format, like name@example.com"],
        }


def test_a_widget_that_cannot_hold_the_schema_type_is_a_configuration_error(
    definition: dict[str, Any],
) -> None:
    # given
    definition["form"]["ui"]["fields"]["seats"]["widget"] = "date"

    # when / then
    with pytest.raises(ImproperlyConfigured, match="seats"):
        application_form(version_of(definition))
