"""The cases API: a person files and reads their own cases; bad input changes nothing
and comes back as one translated message a field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from goodgov.cases.models import Case
from goodgov.catalogue.models import Service
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"


def post(client: Client, body: Any, **headers: str) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_citizen_files_an_application_in_one_step(citizen_a, service_version):
    # given
    client = login(Client(), citizen_a)
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # when
    response = post(client, {"service": "test-permit", "answers": ANSWERS, "declaration": True})
    # then
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    assert body["reference"] == case.reference and body["state"] == "submitted"
    assert body["id"] == str(case.uuid) and body["version"] == 1
    assert list(Event.objects.filter(id__gt=before).values_list("action", flat=True)) == [
        "case.started",
        "case.submitted",
    ]
    assert case.data == ANSWERS


def test_bad_answers_get_a_message_each_and_leave_nothing_behind(citizen_a, service_version):
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    response = post(
        client,
        {
            "service": "test-permit",
            "answers": {"seats": "twenty", "colour": "red"},
            "declaration": True,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "answers.shop_name": "Answer this question",
        "answers.opening_date": "Answer this question",
        "answers.seats": "Enter the number of seats as a whole number, like 20",
        "answers.colour": "This service does not ask this question",
    }
    assert not Case.objects.exists()
    assert Event.objects.count() == before


DECLARATION = {
    "th": "กรุณายืนยันคำรับรองเพื่อยื่นคำขอของท่าน",
    "en": "Confirm the declaration to submit your application.",
}
SOME_ANSWERS = {
    "th": "ข้อมูลบางรายการยังไม่ครบหรือไม่ถูกต้อง กรุณาตรวจสอบแล้วลองใหม่อีกครั้ง",
    "en": "Some answers are missing or not valid. Check them and try again.",
}
ANSWER_MISSING = {"th": "กรุณาตอบคำถามนี้", "en": "Answer this question"}
UNKNOWN_SERVICE = {"th": "ไม่พบบริการที่มีรหัสนี้", "en": "No service has this code."}
NOT_TAKING = {
    "th": "บริการนี้ไม่เปิดรับคำขอในขณะนี้",
    "en": "This service is not taking applications.",
}


def test_errors_are_in_thai_by_default(citizen_a, service_version):
    client = login(Client(), citizen_a)
    response = post(client, {"service": "test-permit", "answers": ANSWERS, "declaration": False})
    assert response.status_code == 400
    assert response.json() == {
        "message": DECLARATION["th"],
        "field": "declaration",
        "errors": [{"field": "declaration", "message": DECLARATION["th"]}],
    }
    assert not Case.objects.exists()


def test_errors_are_in_english_when_asked_for(citizen_a, service_version):
    client = login(Client(), citizen_a)
    body = {"service": "test-permit", "answers": ANSWERS, "declaration": False}
    response = post(client, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "message": DECLARATION["en"],
        "field": "declaration",
        "errors": [{"field": "declaration", "message": DECLARATION["en"]}],
    }


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_field_at_fault_is_named_as_in_the_request(citizen_a, service_version, language):
    # given
    client = login(Client(), citizen_a)
    answers = {k: v for k, v in ANSWERS.items() if k != "shop_name"}
    # when
    response = post(
        client,
        {"service": "test-permit", "answers": answers, "declaration": True},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "message": SOME_ANSWERS[language],
        "field": "answers.shop_name",
        "errors": [{"field": "answers.shop_name", "message": ANSWER_MISSING[language]}],
    }


@pytest.mark.parametrize("language", ["th", "en"])
def test_an_unknown_service_is_bad_input(citizen_a, service_version, language):
    # given
    client = login(Client(), citizen_a)
    before = Event.objects.count()
    # when
    response = post(
        client,
        {"service": "no-such-service", "answers": ANSWERS, "declaration": True},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "message": UNKNOWN_SERVICE[language],
        "field": "service",
        "errors": [{"field": "service", "message": UNKNOWN_SERVICE[language]}],
    }
    assert not Case.objects.exists()
    assert Event.objects.count() == before


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_service_not_taking_applications_says_so(citizen_a, service_version, language):
    # given
    Service.objects.filter(code="test-permit").update(active=False)
    client = login(Client(), citizen_a)
    # when
    response = post(
        client,
        {"service": "test-permit", "answers": ANSWERS, "declaration": True},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "message": NOT_TAKING[language],
        "field": "service",
        "errors": [{"field": "service", "message": NOT_TAKING[language]}],
    }
    assert not Case.objects.exists()


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_fault_comes_back_at_once(citizen_a, service_version, language):
    # given
    client = login(Client(), citizen_a)
    answers = {"shop_name": "ร้านข้าวแกงป้าแดง", "seats": 20}
    # when
    response = post(
        client,
        {"service": "test-permit", "answers": answers, "declaration": False},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then: the declaration and the answer together, the declaration first
    assert response.status_code == 400
    assert response.json() == {
        "message": SOME_ANSWERS[language],
        "field": "declaration",
        "errors": [
            {"field": "declaration", "message": DECLARATION[language]},
            {"field": "answers.opening_date", "message": ANSWER_MISSING[language]},
        ],
    }
    assert not Case.objects.exists()


def test_a_malformed_request_names_the_missing_field(citizen_a, service_version):
    client = login(Client(), citizen_a)
    response = post(client, {"service": "test-permit", "answers": {}}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "declaration", "message": "This field is required"}
    ]
    assert not Case.objects.exists()


def test_anonymous_clients_are_refused(service_version):
    response = post(Client(), {"service": "test-permit", "answers": ANSWERS, "declaration": True})
    assert response.status_code == 401
    assert not Case.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(citizen_a, service_version):
    client = login(Client(enforce_csrf_checks=True), citizen_a)
    response = post(client, {"service": "test-permit", "answers": ANSWERS, "declaration": True})
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_citizen_reads_only_their_own_cases(citizen_a, citizen_b, service_version):
    mine = login(Client(), citizen_a)
    case_id = post(
        mine, {"service": "test-permit", "answers": ANSWERS, "declaration": True}
    ).json()["id"]
    theirs = login(Client(), citizen_b)
    assert mine.get(f"{URL}/{case_id}").status_code == 200
    assert theirs.get(f"{URL}/{case_id}").status_code == 404
    assert theirs.get(URL).json() == []
    assert [c["id"] for c in mine.get(URL).json()] == [case_id]
