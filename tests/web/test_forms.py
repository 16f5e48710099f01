"""The form renderer: ordinary Django forms come out as GOV.UK Frontend markup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from goodgov.web.forms import GovukFormRenderer
from tests.web.html import Page


class ShopForm(forms.Form):
    shop_name = forms.CharField(label="Shop name", help_text="As on the licence", max_length=5)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"class": "govuk-input--width-20"}))
    kind = forms.ChoiceField(
        label="Kind of shop",
        choices=[("food", "Food"), ("drink", "Drink")],
        widget=forms.RadioSelect,
        help_text="Choose one",
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)
    district = forms.ChoiceField(choices=[("1", "Bang Rak"), ("2", "Pathum Wan")])
    agree = forms.BooleanField(label="I agree")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the English texts."""
    with translation.override("en"):
        yield


def test_settings_use_the_govuk_renderer() -> None:
    # given / when
    form = ShopForm()

    # then
    assert isinstance(form.renderer, GovukFormRenderer)


def test_text_field_with_an_error_is_govuk_markup_and_keeps_what_was_typed() -> None:
    # given
    form = ShopForm(data={"shop_name": "Too long a name", "email": "a@example.org"})

    # when
    form.is_valid()
    page = Page(str(form))

    # then
    field = page.by_id("id_shop_name")
    assert field.tag == "input"
    assert field.classes == {"govuk-input", "govuk-input--error"}
    assert field.attrs["value"] == "Too long a name"
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == "id_shop_name_helptext id_shop_name_error"
    label = page.find_all("label", for_="id_shop_name")
    assert [(lab.text, lab.classes) for lab in label] == [("Shop name", {"govuk-label"})]
    assert page.by_id("id_shop_name_helptext").classes == {"govuk-hint"}
    error = page.by_id("id_shop_name_error")
    assert error.tag == "p"
    assert error.classes == {"govuk-error-message"}
    assert error.children[0].classes == {"govuk-visually-hidden"}
    assert error.children[0].text == "Error:"
    assert "at most 5 characters" in error.text


def test_every_aria_describedby_points_to_an_element_that_exists() -> None:
    # given
    form = ShopForm(data={"shop_name": "Too long a name", "email": "not an email"})

    # when
    form.is_valid()
    page = Page(str(form))

    # then
    described = [e for e in page.elements if "aria-describedby" in e.attrs]
    referenced = {ref for e in described for ref in e.attrs["aria-describedby"].split()}
    assert referenced == {
        "id_shop_name_helptext",
        "id_shop_name_error",
        "id_email_error",
        "id_kind_helptext",
        "id_kind_error",
        "id_district_error",
        "id_agree_error",
    }
    assert referenced <= page.ids()


def test_form_groups_with_errors_are_marked_and_others_are_not() -> None:
    # given
    form = ShopForm(data={"shop_name": "Ok", "email": "a@example.org", "district": "1"})

    # when
    form.is_valid()
    page = Page(str(form))

    # then
    groups = page.with_class("govuk-form-group")
    erroneous = [g for g in groups if "govuk-form-group--error" in g.classes]
    assert len(groups) == 6
    assert [g.children[0].tag for g in erroneous] == ["fieldset", "p"]  # kind, agree
    assert page.by_id("id_email").classes == {"govuk-input", "govuk-input--width-20"}
    assert page.by_id("id_district").classes == {"govuk-select"}
    assert page.by_id("id_notes").classes == {"govuk-textarea"}


def test_radios_are_a_fieldset_with_a_legend_and_govuk_radios() -> None:
    # given
    form = ShopForm(data={"kind": "drink"})

    # when
    form.is_valid()
    page = Page(str(form))

    # then
    fieldset = next(e for e in page.elements if e.tag == "fieldset")
    assert fieldset.classes == {"govuk-fieldset"}
    assert fieldset.children[0].tag == "legend"
    assert fieldset.children[0].text == "Kind of shop"
    radios = page.find_all("input", type="radio")
    assert [(r.attrs["id"], r.classes, "checked" in r.attrs) for r in radios] == [
        ("id_kind_0", {"govuk-radios__input"}, False),
        ("id_kind_1", {"govuk-radios__input"}, True),
    ]
    assert [lab.text for lab in page.find_all("label", for_="id_kind_1")] == ["Drink"]


def test_single_checkbox_is_a_govuk_checkbox_with_its_label_after_it() -> None:
    # given
    form = ShopForm(data={"agree": "on"})

    # when
    page = Page(str(form))

    # then
    item = page.with_class("govuk-checkboxes__item")[0]
    assert [child.tag for child in item.children] == ["input", "label"]
    assert item.children[0].classes == {"govuk-checkboxes__input"}
    assert "checked" in item.children[0].attrs
    assert item.children[1].attrs["for"] == "id_agree"


def test_as_p_renders_the_same_govuk_markup_for_allauth() -> None:
    # given
    form = ShopForm(data={"shop_name": "Too long a name"})
    form.is_valid()

    # when / then
    assert form.as_p() == str(form)


def test_error_summary_links_each_error_to_its_field() -> None:
    # given
    form = ShopForm(data={"shop_name": "Too long a name", "email": "a@example.org"})
    form.is_valid()

    # when
    summary = Page(render_to_string("includes/error_summary.html", {"form": form}))
    fields = Page(str(form))

    # then
    links = [a.attrs["href"] for a in summary.find_all("a")]
    assert links == ["#id_shop_name", "#id_kind_0", "#id_district", "#id_agree"]
    assert {link[1:] for link in links} <= fields.ids()
    assert summary.with_class("govuk-error-summary__title")[0].text == "There is a problem"


def test_error_summary_is_empty_without_errors() -> None:
    # given
    form = ShopForm()

    # when
    html = render_to_string("includes/error_summary.html", {"form": form})

    # then
    assert html.strip() == ""


def test_one_field_as_field_group_is_a_whole_form_group() -> None:
    # given
    form = ShopForm(data={"shop_name": "Too long a name"})
    form.is_valid()

    # when
    page = Page(form["shop_name"].as_field_group())

    # then
    group = page.elements[0]
    assert group.classes == {"govuk-form-group", "govuk-form-group--error"}
    assert [child.tag for child in group.children] == ["label", "div", "p", "input"]


def test_help_text_is_escaped_unless_it_was_marked_safe():
    # given: a hint with markup in a plain string (it could come from data), and one
    # that the code marked safe on purpose
    class Hinted(forms.Form):
        name = forms.CharField(help_text="<script>alert(1)</script>")
        rules = forms.CharField(help_text=mark_safe("<strong>10</strong> characters"))

    # when
    html = Hinted(renderer=GovukFormRenderer()).as_div()
    # then: the plain one is shown as text, never run; the safe one keeps its markup
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>10</strong> characters" in html
