"""Bad input to the cases API and the case services: each fault is refused with the rule
that was broken, named by its field, in the client's language, and nothing changes.

The API words a broken rule as the application form does (``cases.forms``), so a person
reads the same sentence whichever way they applied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from goodgov.cases import services
from goodgov.cases.models import Case, InformationRequest, State
from goodgov.catalogue.services import service_publish
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"
SOME_ANSWERS = "Some answers are missing or not valid. Check them and try again."
CONTROL = (
    "Remove the invisible control characters from this answer: they can come with text "
    "copied from elsewhere"
)
NOT_VALID = "The request is not valid. Correct the fields listed."


def post(client: Client, body: Any, language: str = "en") -> Any:
    return client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )


def publish(code: str) -> Any:
    """A real service's definition, published under the test agency."""
    path = Path(settings.SERVICES_DIR) / f"{code}.yaml"
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    definition["agency"] = "TBNK"
    return service_publish(actor=None, definition=definition, source="tests")


@pytest.fixture
def certificate(agency: Any) -> Any:
    """Copies of the house registration: ``copies`` is a whole number from 1 to 5."""
    return publish("residence-certificate")


@pytest.fixture
def correction(agency: Any) -> Any:
    """A PDPA correction: ``wrong`` is text of at most 2,000 characters; no required upload."""
    return publish("pdpa-correction")


CERTIFICATE = {"purpose": "job", "copies": 2, "delivery": "electronic"}
CORRECTION = {"where": "account", "wrong": "ชื่อสกุลสะกดผิด", "correct": "ใจดี"}


@pytest.fixture
def definition(definition: dict[str, Any]) -> dict[str, Any]:
    """The test service with a question of each other kind the API may be sent."""
    schema = definition["form"]["schema"]["properties"]
    ui = definition["form"]["ui"]
    schema.update(
        {
            "outdoor": {"type": "boolean"},
            "area": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1000},
            "contact": {"type": "string", "format": "email"},
            "licence": {"type": "string", "pattern": "^[0-9]{6}$", "minLength": 6},
            "shop_address": {"type": "object"},
        }
    )
    labels = {
        "outdoor": ("มีที่นั่งกลางแจ้ง", "Outdoor seating"),
        "area": ("พื้นที่ร้าน (ตารางเมตร)", "Shop area (square metres)"),
        "contact": ("อีเมลติดต่อ", "Contact email"),
        "licence": ("เลขที่ใบอนุญาตเดิม", "Previous licence number"),
        "shop_address": ("ที่ตั้งร้าน", "Shop address"),
    }
    widgets = {"outdoor": "checkbox", "contact": "email", "shop_address": "address"}
    for name, (th, en) in labels.items():
        ui["order"].append(name)
        ui["fields"][name] = {"label": {"th": th, "en": en}}
        if name in widgets:
            ui["fields"][name]["widget"] = widgets[name]
    return definition


def refused(response: Any, field: str, message: str) -> None:
    """The API's answer to one faulty answer: 400, that answer named, with that message."""
    assert response.status_code == 400
    assert response.json() == {
        "message": SOME_ANSWERS,
        "field": field,
        "errors": [{"field": field, "message": message}],
    }


@pytest.fixture
def in_english() -> Any:
    """The services' own messages in English (the tests start in Thai, the default)."""
    with translation.override("en"):
        yield


def nothing_changed(events_before: int) -> None:
    assert not Case.objects.exists()
    assert Event.objects.count() == events_before


# ------------------------------------------------------------------ the rule that was broken


@pytest.mark.parametrize(
    ("copies", "message"),
    [
        (-1, "Number of copies must be between 1 and 5"),
        (0, "Number of copies must be between 1 and 5"),
        (6, "Number of copies must be between 1 and 5"),
        ("2", "Enter the number of copies as a whole number, like 20"),
        (2.5, "Enter the number of copies as a whole number, like 20"),
        (True, "Enter the number of copies as a whole number, like 20"),
        (None, "Enter the number of copies as a whole number, like 20"),
        (float("nan"), "Enter the number of copies as a whole number, like 20"),
        (float("inf"), "Enter the number of copies as a whole number, like 20"),
    ],
)
def test_a_number_of_copies_out_of_range_or_not_a_whole_number_says_which(
    citizen_a, certificate, copies, message
):
    # given
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    # when
    body = {"service": "residence-certificate", "answers": {**CERTIFICATE, "copies": copies}}
    response = post(client, {**body, "declaration": True})
    # then
    refused(response, "answers.copies", message)
    nothing_changed(before)


def test_the_rule_is_given_in_thai_by_default(citizen_a, certificate):
    client = login(Client(), citizen_a)
    body = {"service": "residence-certificate", "answers": {**CERTIFICATE, "copies": 9}}
    response = client.post(URL, json.dumps({**body, "declaration": True}), "application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "answers.copies", "message": "จำนวนฉบับ ต้องอยู่ระหว่าง 1 ถึง 5"}
    ]
    assert not Case.objects.exists()


def test_text_too_long_says_how_long_it_may_be(citizen_a, correction):
    # given
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    answers = {**CORRECTION, "wrong": "ก" * 10_000}
    # when
    response = post(client, {"service": "pdpa-correction", "answers": answers, "declaration": True})
    # then
    refused(response, "answers.wrong", "Which data is wrong? must be 2000 characters or fewer")
    nothing_changed(before)


@pytest.mark.parametrize("purpose", ["holiday", 5, ["job"]])
def test_an_answer_not_among_the_choices_lists_them(citizen_a, certificate, purpose):
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    body = {"service": "residence-certificate", "answers": {**CERTIFICATE, "purpose": purpose}}
    response = post(client, {**body, "declaration": True})
    refused(
        response,
        "answers.purpose",
        "The reason you need it must be one of: job, bank, education, benefit, court, other",
    )
    nothing_changed(before)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("shop_name", 12, "Enter the shop name as text"),
        ("shop_name", "ร" * 201, "Shop name must be 200 characters or fewer"),
        (
            "opening_date",
            "1/12/2026",
            "Enter the opening date as a date in the form YYYY-MM-DD, like 2026-11-24",
        ),
        (
            "opening_date",
            "2026-02-30",
            "Enter the opening date as a date in the form YYYY-MM-DD, like 2026-11-24",
        ),
        ("seats", -1, "Number of seats must be between 0 and 500"),
        ("outdoor", "yes", "Outdoor seating must be true or false"),
        ("outdoor", 1, "Outdoor seating must be true or false"),
        ("area", 0, "Shop area (square metres) must be more than 0"),
        ("area", 1000, "Shop area (square metres) must be less than 1000"),
        ("area", "12.5", "Enter the shop area (square metres) as a number, like 12.50"),
        ("area", float("nan"), "Enter the shop area (square metres) as a number, like 12.50"),
        ("area", float("-inf"), "Enter the shop area (square metres) as a number, like 12.50"),
        (
            "contact",
            "not-an-email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("licence", "12345", "Previous licence number must be 6 characters or more"),
        ("licence", "12345a", "Enter the previous licence number in the correct format"),
        ("shop_address", "10 Moo 2", "Enter the shop address as named parts (a JSON object)"),
    ],
)
def test_each_kind_of_rule_is_named_in_plain_words(
    citizen_a, service_version, name, value, message
):
    # given
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    # when
    answers = {**ANSWERS, name: value}
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    # then
    refused(response, f"answers.{name}", message)
    nothing_changed(before)


def test_every_broken_rule_comes_back_at_once(citizen_a, service_version):
    client = login(Client(), citizen_a)
    answers = {"shop_name": "ร้านป้าแดง", "seats": 501, "outdoor": "no", "colour": "red"}
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "answers.colour": "This service does not ask this question",
        "answers.opening_date": "Answer this question",
        "answers.seats": "Number of seats must be between 0 and 500",
        "answers.outdoor": "Outdoor seating must be true or false",
    }
    assert not Case.objects.exists()


def test_answers_that_keep_every_rule_are_filed(citizen_a, service_version):
    client = login(Client(), citizen_a)
    answers = {
        **ANSWERS,
        "outdoor": False,
        "area": 12.5,
        "contact": "daeng@example.com",
        "licence": "012345",
        "shop_address": {"line": "10 หมู่ 2", "postcode": "10200", "subdistrict": "100103"},
    }
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    assert response.status_code == 201
    # stored as the form stores an address: with the district and province of its
    # subdistrict
    assert Case.objects.get().data == {
        **answers,
        "shop_address": {**answers["shop_address"], "district": "1001", "province": "10"},
    }


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            {"line": "10 หมู่ 2", "postcode": "10200", "subdistrict": "840503"},
            "Select a subdistrict for postcode 10200",
        ),
        ({"line": "10 หมู่ 2", "postcode": "99999", "subdistrict": "100103"}, None),
        ({"line": "10 หมู่ 2", "postcode": "10200"}, None),
        ({"postcode": "10200", "subdistrict": "100103"}, None),
    ],
)
def test_an_address_is_held_to_the_forms_rules_through_the_api(
    citizen_a, service_version, in_english, address, message
):
    # given: an address the schema ({type: object}) accepts but the form does not
    client = login(Client(), citizen_a)
    events = Event.objects.count()
    answers = {**ANSWERS, "shop_address": address}
    # when
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    # then: refused as the page would refuse it, and nothing kept
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["answers.shop_address"]
    if message is not None:
        assert errors[0]["message"] == message
    nothing_changed(events)


@pytest.fixture
def staffed(definition: dict[str, Any]) -> dict[str, Any]:
    """A whole-number question with no bounds."""
    definition["form"]["schema"]["properties"]["staff"] = {"type": "integer"}
    ui = definition["form"]["ui"]
    ui["order"].append("staff")
    ui["fields"]["staff"] = {"label": {"th": "จำนวนพนักงาน", "en": "Number of staff"}}
    return definition


def test_a_whole_number_longer_than_the_form_takes_is_refused(
    citizen_a, staffed, service_version, in_english
):
    # given: 16 digits, within the schema (no bounds) but not what the form takes
    client = login(Client(), citizen_a)
    events = Event.objects.count()
    answers = {**ANSWERS, "staff": 10**15}
    # when
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    # then: the form's own limit
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "answers.staff",
            "message": "Enter the number of staff as a whole number with at most 15 digits",
        }
    ]
    nothing_changed(events)


def test_an_address_of_none_of_its_parts_is_no_answer(citizen_a, service_version):
    # given: an optional address with only keys the form does not read
    client = login(Client(), citizen_a)
    forged = {"province": "FAKE", "district": "FAKE", "x": "y" * 1000}
    answers = {**ANSWERS, "shop_address": forged}
    # when
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    # then: filed, without it, as the form would have left it
    assert response.status_code == 201
    assert Case.objects.get().data == ANSWERS


@pytest.fixture
def starting(definition: dict[str, Any]) -> dict[str, Any]:
    """A date question with an earliest date but no ``format: date`` in its schema."""
    definition["form"]["schema"]["properties"]["start"] = {
        "type": "string",
        "formatMinimum": "2020-01-01",
    }
    ui = definition["form"]["ui"]
    ui["order"].append("start")
    ui["fields"]["start"] = {"label": {"th": "วันเริ่ม", "en": "Start date"}, "widget": "date"}
    return definition


def test_a_date_that_does_not_exist_is_refused_though_the_schema_lacks_its_format(
    citizen_a, starting, service_version, in_english
):
    # given
    client = login(Client(), citizen_a)
    events = Event.objects.count()
    answers = {**ANSWERS, "start": "2026-02-30"}
    # when
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    # then
    from goodgov.cases.forms import form_rule_problem

    _stored, message = form_rule_problem(starting, "start", "2026-02-30", complete=True)
    assert message is not None
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "answers.start", "message": message}]
    nothing_changed(events)


@pytest.fixture
def dated(definition: dict[str, Any]) -> dict[str, Any]:
    """The opening date may not be before 1 January 2026 nor after 31 December 2027."""
    opening = definition["form"]["schema"]["properties"]["opening_date"]
    opening.update({"formatMinimum": "2026-01-01", "formatMaximum": "2027-12-31"})
    return definition


@pytest.mark.parametrize("day", ["2025-12-31", "2028-01-01"])
def test_a_date_outside_the_questions_limits_is_refused_through_the_api(
    citizen_a, dated, service_version, in_english, day
):
    # given
    client = login(Client(), citizen_a)
    events = Event.objects.count()
    # when
    response = post(
        client,
        {
            "service": "test-permit",
            "answers": {**ANSWERS, "opening_date": day},
            "declaration": True,
        },
    )
    # then: the page's own message for the same date
    from goodgov.cases.forms import form_rule_problem

    _stored, message = form_rule_problem(dated, "opening_date", day, complete=True)
    assert message is not None
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "answers.opening_date", "message": message}]
    nothing_changed(events)


# ------------------------------------------------------------------ control characters


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**CORRECTION, "wrong": "a\u0000b"}, "answers.wrong"),
        ({**CORRECTION, "correct": "ใจดี\u001b[31m"}, "answers.correct"),
        ({**CORRECTION, "reference": "\u0085"}, "answers.reference"),
        ({**CORRECTION, "wrong": "a\u007fb"}, "answers.wrong"),
    ],
)
def test_an_answer_with_a_control_character_is_refused(citizen_a, correction, answers, field):
    # given
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    # when
    response = post(client, {"service": "pdpa-correction", "answers": answers, "declaration": True})
    # then
    refused(response, field, CONTROL)
    nothing_changed(before)


def test_a_control_character_inside_an_answer_of_parts_is_refused(citizen_a, service_version):
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    answers = {**ANSWERS, "shop_address": {"line": "10\u0007 หมู่ 2", "postcode": "10200"}}
    response = post(client, {"service": "test-permit", "answers": answers, "declaration": True})
    refused(response, "answers.shop_address", CONTROL)
    nothing_changed(before)


def test_tabs_and_line_breaks_are_ordinary_text(citizen_a, correction):
    client = login(Client(), citizen_a)
    answers = {**CORRECTION, "wrong": "ชื่อ:\tสมชาย\r\nสกุล:\tใจดี"}
    response = post(client, {"service": "pdpa-correction", "answers": answers, "declaration": True})
    assert response.status_code == 201
    assert Case.objects.get().data["wrong"] == "ชื่อ:\tสมชาย\r\nสกุล:\tใจดี"


def test_a_draft_with_a_control_character_is_not_saved(citizen_a, service_version, in_english):
    # given
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    # when
    with pytest.raises(services.CaseError) as caught:
        services.case_save_draft(actor=citizen_a, case=case, answers={"shop_name": "ร้าน\u0000"})
    # then
    assert {k: str(v) for k, v in caught.value.errors.items()} == {"shop_name": CONTROL}
    case.refresh_from_db()
    assert case.data == {}


# ------------------------------------------------------------------ the declaration


@pytest.mark.parametrize("declaration", ["yes", "true", 1, 0, None, [True]])
def test_a_declaration_that_is_not_true_or_false_is_refused(
    citizen_a, service_version, declaration
):
    # given
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    # when
    body = {"service": "test-permit", "answers": ANSWERS, "declaration": declaration}
    response = post(client, body)
    # then
    assert response.status_code == 400
    assert response.json() == {
        "message": NOT_VALID,
        "errors": [{"field": "declaration", "message": "This field must be true or false"}],
    }
    nothing_changed(before)


def test_a_service_code_that_is_not_text_is_refused(citizen_a, service_version):
    client = login(Client(), citizen_a)
    response = post(client, {"service": 7, "answers": ANSWERS, "declaration": True})
    assert response.status_code == 400
    assert response.json() == {
        "message": NOT_VALID,
        "errors": [{"field": "service", "message": "This field must be text"}],
    }
    assert not Case.objects.exists()


def test_answers_that_are_not_named_are_refused(citizen_a, service_version):
    client = login(Client(), citizen_a)
    response = post(client, {"service": "test-permit", "answers": ["x"], "declaration": True})
    assert response.status_code == 400
    assert response.json() == {
        "message": NOT_VALID,
        "errors": [
            {"field": "answers", "message": "This field must be a JSON object of named values"}
        ],
    }
    assert not Case.objects.exists()


# ------------------------------------------------------------------ the officers' free text


def test_a_legal_ground_of_thousands_of_digits_is_refused_like_any_other(
    as_user, in_review, approver
):
    # given
    client = as_user(approver)
    url = "/en" + reverse("office:reject", kwargs={"case_id": in_review.uuid})
    before = Event.objects.count()
    # when
    response = client.post(url, {"legal_ground": "9" * 5000, "reasons": "ไม่ครบ"})
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_legal_ground_0">Choose the legal ground for the refusal.</a>' in html
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW and Event.objects.count() == before


@pytest.mark.parametrize("legal_ground", ["9" * 5000, "0" * 5000 + "1", "-1", "1e3", "\u0e50"])
def test_the_service_refuses_a_legal_ground_it_does_not_have(
    in_review, approver, legal_ground, in_english
):
    with pytest.raises(services.CaseError) as caught:
        services.case_reject(
            actor=approver, case=in_review, reasons="ไม่ครบ", legal_ground=legal_ground
        )
    assert caught.value.field == "legal_ground"
    assert str(caught.value.message) == "Choose the legal ground for the refusal."
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW


def _info_requested(case: Case, clerk: Any) -> Case:
    services.case_request_info(actor=clerk, case=case, message="ขอสำเนาบัตร")
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("text", ["a\u0000b", "เหตุผล\u0008", "\u009bx"])
@pytest.mark.parametrize("step", ["request_info", "answer", "approve", "reject", "rate"])
def test_free_text_with_a_control_character_is_refused_and_changes_nothing(
    in_review, clerk, approver, citizen_a, step, text, in_english
):
    # given
    case = in_review
    if step == "answer":
        case = _info_requested(case, clerk)
    if step == "rate":
        case = services.case_withdraw(actor=citizen_a, case=case)
    state = case.state
    before = Event.objects.count()
    requests = list(InformationRequest.objects.values_list("id", "response"))
    call, field = {
        "request_info": (
            lambda: services.case_request_info(actor=clerk, case=case, message=text),
            "message",
        ),
        "answer": (
            lambda: services.case_answer(actor=citizen_a, case=case, response=text),
            "response",
        ),
        "approve": (
            lambda: services.case_approve(actor=approver, case=case, conditions=text),
            "conditions",
        ),
        "reject": (
            lambda: services.case_reject(actor=approver, case=case, reasons=text, legal_ground=0),
            "reasons",
        ),
        "rate": (
            lambda: services.case_rate(actor=citizen_a, case=case, score=4, comment=text),
            "comment",
        ),
    }[step]
    # when
    with pytest.raises(services.CaseError) as caught:
        call()
    # then
    assert caught.value.field == field
    assert str(caught.value.message) == CONTROL
    assert {k: str(v) for k, v in caught.value.errors.items()} == {field: CONTROL}
    case.refresh_from_db()
    assert case.state == state
    assert Event.objects.count() == before
    assert list(InformationRequest.objects.values_list("id", "response")) == requests


@pytest.mark.parametrize("body", ["", "[]", '"x"', "null", "3"])
def test_a_body_that_is_not_a_json_object_is_named_as_such(
    body: str, citizen_a: Any, service_version: Any
) -> None:
    """Review: an empty body, or JSON that is not an object, was answered with every field
    "required", as if the client had sent an object missing them."""
    # given
    client = login(Client(), citizen_a)

    # when
    response = client.post(
        "/api/v1/cases", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "body", "message": "The request body must be a JSON object"}
    ]
    assert not Case.objects.exists()


def test_an_answer_name_that_is_not_text_is_never_sent_back(
    citizen_a: Any, service_version: Any
) -> None:
    """Review: a lone surrogate in an answer's name came back in ``field``, which strict
    JSON clients cannot read."""
    # given
    client = login(Client(), citizen_a)
    body = (
        '{"service": "test-permit", "declaration": true, '
        '"answers": {"shop_name": "ร้าน", "\\ud800": "1"}}'
    )

    # when
    response = client.post(
        "/api/v1/cases", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    # then: named as the answers as a whole, and the body is plain UTF-8
    assert response.status_code == 400
    response.content.decode("utf-8")
    assert "\\ud800" not in response.content.decode()
    assert response.json()["errors"][0]["field"] == "answers"
    assert not Case.objects.exists()
