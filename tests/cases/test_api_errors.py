"""The JSON API's refusals keep ninja's statuses and the ``detail`` key, and say why in
the client's language (Accept-Language, then the language cookie; Thai by default)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import translation

from goodgov.api import not_found
from goodgov.cases.models import Case
from tests.cases.conftest import ANSWERS
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"

NOT_FOUND = {"th": "ไม่พบข้อมูลที่ต้องการ", "en": "Not found."}
SIGN_IN = {"th": "กรุณาเข้าสู่ระบบก่อนใช้งาน", "en": "Sign in to use this."}
CSRF = {
    "th": "คำขอไม่มีโทเค็น CSRF ที่ถูกต้อง (ส่วนหัว X-CSRFToken) กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
    "en": "The request did not carry a valid CSRF token (the X-CSRFToken header). "
    "Reload the page and try again.",
}


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_request_without_a_session_is_told_to_sign_in(language):
    # when
    response = Client().get(URL, HTTP_ACCEPT_LANGUAGE=language)
    # then
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": SIGN_IN[language]}
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", ["th", "en"])
def test_someone_elses_case_is_not_found(citizen_a, citizen_b, submitted, language):
    # given
    client = login(Client(), citizen_b)
    # when
    response = client.get(f"{URL}/{submitted.uuid}", HTTP_ACCEPT_LANGUAGE=language)
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND[language]}


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_malformed_case_id_is_not_found_in_json(citizen_a, language):
    # given
    client = login(Client(), citizen_a)
    # when
    response = client.get(f"{URL}/not-a-uuid", HTTP_ACCEPT_LANGUAGE=language)
    # then: the same answer as any case that is not theirs, not the HTML error page
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": NOT_FOUND[language]}


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_post_without_the_csrf_token_is_refused_in_the_clients_language(
    citizen_a, service_version, language
):
    # given
    client = login(Client(enforce_csrf_checks=True), citizen_a)
    body = {"service": "test-permit", "answers": ANSWERS, "declaration": True}
    # when
    response = client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    # then
    assert response.status_code == 403
    assert response.json() == {"detail": CSRF[language]}
    assert not Case.objects.exists()


def test_the_language_cookie_counts_when_no_language_is_asked_for(db):
    # given
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when
    response = client.get(URL)
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": SIGN_IN["en"]}


def test_a_language_the_site_does_not_speak_gets_thai(db):
    # when
    response = Client().get(URL, HTTP_ACCEPT_LANGUAGE="fr")
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": SIGN_IN["th"]}


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_handler_finds_the_language_itself_when_no_middleware_chose_it(language):
    # given: a request ApiLanguageMiddleware never saw, in a thread speaking Thai
    request = RequestFactory().get(f"{URL}/x", HTTP_ACCEPT_LANGUAGE=language)
    # when
    with translation.override("th"):
        response = not_found(request, Http404())
        after = translation.get_language()
    # then: the answer in the language asked for, and the thread's language untouched
    assert response.status_code == 404
    assert json.loads(response.content) == {"detail": NOT_FOUND[language]}
    assert after == "th"


NOT_VALID = {
    "th": "คำขอไม่ถูกต้อง กรุณาแก้ไขข้อมูลตามรายการที่แจ้ง",
    "en": "The request is not valid. Correct the fields listed.",
}
NOT_JSON = {
    "th": "เนื้อหาของคำขอไม่อยู่ในรูปแบบ JSON ที่ถูกต้อง",
    "en": "The request body is not valid JSON",
}


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_body_that_is_not_json_is_named_in_the_clients_language(citizen_a, language):
    # given
    client = login(Client(), citizen_a)
    # when
    response = client.post(
        URL, "{bad json", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    # then: the same shape as any other invalid request, the body named as the field
    assert response.status_code == 400
    assert response.json() == {
        "message": NOT_VALID[language],
        "errors": [{"field": "body", "message": NOT_JSON[language]}],
    }
    assert not Case.objects.exists()
