"""The rendered form: GOV.UK markup, typed values kept, error links that land."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from goodgov.cases.forms import application_form
from tests.forms.conftest import parse, valid_full_data


def render(form: Any) -> str:
    return render_to_string("cases/includes/application_form.html", {"form": form})


def test_a_failed_form_keeps_everything_typed(full_version: Any) -> None:
    # given: every question filled, one date part wrong
    data = valid_full_data(opening_date_0="31", opening_date_1="2", opening_date_2="2569")
    with translation.override("th"):
        form = application_form(full_version, data=data, files={}, existing_evidence={"id_card"})
        assert form.is_valid() is False

        # when
        page = parse(render(form))

    # then
    el = page.elements
    assert (
        el["id_opening_date_0"]["value"],
        el["id_opening_date_1"]["value"],
        el["id_opening_date_2"]["value"],
    ) == ("31", "2", "2569")
    assert el["id_shop_name"]["value"] == "Somchai Noodles"
    assert el["id_seats"]["value"] == "20"
    assert el["id_applicant_id"]["value"] == "1-1017-00230-70-8"
    assert el["id_home_0"]["value"] == "10200"
    assert el["id_home_2"]["value"] == "12 Ratchadamnoen Road"
    assert ("100101", "แขวงพระบรมมหาราชวัง, เขตพระนคร, กรุงเทพมหานคร", True) in page.options[
        "id_home_1"
    ]
    assert "checked" in el["id_bank"]  # the first radio, Krungthai
    assert ("2", "2", True) in page.options["id_floor"]
    assert el["id_phone"]["value"] == "081-234-5678"
    assert "checked" in el["id_agree"]


def test_every_error_link_lands_on_an_element(full_version: Any) -> None:
    # given: an error in every kind of question
    data = {
        "seats": "many",
        "opening_date_1": "11",
        "applicant_id": "123",
        "home_postcode": "10200",
        "floor": "9",
        "phone": "1",
        "email": "x",
        "notes": "x" * 21,
    }
    with translation.override("en"):
        form = application_form(full_version, data=data, files={})
        assert form.is_valid() is False

        # when
        page = parse(render(form))

    # then
    assert len(page.summary_links) == 13
    assert set(form.errors) == {
        "shop_name",
        "opening_date",
        "seats",
        "applicant_id",
        "home",
        "bank",
        "floor",
        "phone",
        "email",
        "notes",
        "agree",
        "evidence_id_card",
    }
    for link in page.summary_links:
        assert link.startswith("#") and link[1:] in page.ids, link
    for name in form.errors:
        assert form[name].error_anchor in page.ids
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"


def test_hints_and_errors_are_tied_to_their_inputs(full_version: Any) -> None:
    # given
    with translation.override("en"):
        form = application_form(full_version, data={"seats": "many"}, files={})
        form.is_valid()

        # when
        html = render(form)
    page = parse(html)

    # then
    assert page.elements["id_seats"]["aria-describedby"] == "id_seats_error"
    assert page.elements["id_seats"]["inputmode"] == "numeric"
    assert page.elements["id_seats"]["type"] == "text"
    assert "id_seats_error" in page.ids
    assert page.elements["id_evidence_id_card"]["aria-describedby"] == (
        "id_evidence_id_card_helptext id_evidence_id_card_error"
    )
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Opening date</legend>'
        in html
    )
    assert 'aria-describedby="id_opening_date_helptext id_opening_date_error"' in html


def test_uploaded_evidence_and_exchange_notes_are_shown(full_version: Any) -> None:
    # given
    with translation.override("en"):
        form = application_form(full_version, existing_evidence={"id_card"})

        # when
        html = render(form)

    # then
    assert "Uploaded: Copy of ID card" in html
    assert "We will get this from the civil registration database for you." in html
    assert "House registration" in html
    assert 'name="evidence_house_registration"' not in html
    assert 'name="_lookup" value="home"' in html
