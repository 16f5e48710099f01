"""The JSON API's answers carry the security and language headers, though the API path
skips the page-only work of the locale and CSP middleware."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.cases.conftest import ANSWERS
from tests.conftest import login

pytestmark = pytest.mark.django_db

JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"


def test_a_json_answer_has_a_strict_policy_and_the_security_headers(citizen_a, service_version):
    # given
    client = login(Client(), citizen_a)
    # when
    response = client.post(
        "/api/v1/cases",
        json.dumps({"service": "test-permit", "answers": ANSWERS, "declaration": True}),
        content_type="application/json",
    )
    # then
    assert response.status_code == 201
    assert response["Content-Security-Policy"] == JSON_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Content-Language"] == "th"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(("asked", "given"), [("en", "en"), ("th", "th"), ("fr", "th"), ("", "th")])
def test_the_api_speaks_the_language_asked_for(db, asked, given):
    # when
    response = Client().get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE=asked)
    # then: refused (no session), in the client's language, said so in the headers
    assert response.status_code == 401
    assert response["Content-Language"] == given
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Security-Policy"] == JSON_POLICY


def test_an_unknown_api_path_gets_the_sites_404_page_and_policy(db):
    # when
    response = Client().get("/api/v1/nothing-here")
    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Content-Language"] == "th"


def test_pages_keep_the_sites_policy_and_their_language_from_the_path(db):
    # when
    thai, english = Client().get("/"), Client().get("/en/", HTTP_ACCEPT_LANGUAGE="th")
    # then
    assert thai["Content-Language"] == "th" and english["Content-Language"] == "en"
    for response in (thai, english):
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
