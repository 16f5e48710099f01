"""A request larger than any the platform accepts is refused before its body is read,
with a page (or, for the API, JSON) in the person's language; nothing is saved."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client, RequestFactory

from goodgov.core.limits import RequestSizeMiddleware, request_max_bytes
from goodgov.ledger.models import Event

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")


def test_the_limit_is_one_cases_uploads_and_room_for_the_form(settings: Any) -> None:
    settings.GOODGOV_REQUEST_MAX_BYTES = None
    settings.GOODGOV_CASE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    assert request_max_bytes() == 51 * 1024 * 1024
    settings.GOODGOV_REQUEST_MAX_BYTES = 1000
    assert request_max_bytes() == 1000


def test_a_body_over_the_limit_is_never_read(settings: Any) -> None:
    # given: a request that says it carries more than the limit
    settings.GOODGOV_REQUEST_MAX_BYTES = 1000
    request = RequestFactory().post("/en/verify/", data=b"", content_type="application/pdf")
    request.META["CONTENT_LENGTH"] = "1001"
    request.META["wsgi.input"] = Unreadable()
    reached = []

    # when
    response = RequestSizeMiddleware(lambda r: reached.append(r))(request)  # type: ignore[arg-type,func-returns-value]

    # then
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert reached == []


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/verify/", "ไฟล์ที่ส่งมีขนาดใหญ่เกินกำหนด"), ("/en/verify/", "The files you sent are too large")],
)
def test_an_oversized_upload_to_a_public_form_gets_a_page_in_its_language(
    settings: Any, path: str, heading: str
) -> None:
    settings.GOODGOV_REQUEST_MAX_BYTES = 4096
    response = Client().post(path, {"file": io.BytesIO(b"%PDF-1.7\n" + b"0" * 8000)})
    assert response.status_code == 413
    assert heading in response.content.decode()


def test_the_page_gives_the_limits_as_the_upload_forms_do(settings: Any) -> None:
    # given: the default limits (10 MiB a file), a request over the whole allowance
    settings.GOODGOV_REQUEST_MAX_BYTES = 4096
    # when
    response = Client().post("/en/verify/", {"file": io.BytesIO(b"%PDF-1.7\n" + b"0" * 8000)})
    # then: "10 MB", as the forms' hints and errors say, not "10.0 MB"
    assert "Each file can be up to 10 MB," in response.content.decode()


def test_a_request_within_the_limit_is_served(settings: Any) -> None:
    settings.GOODGOV_REQUEST_MAX_BYTES = 64 * 1024
    response = Client().post("/en/verify/", {"file": io.BytesIO(b"%PDF-1.7\n" + b"0" * 8000)})
    assert response.status_code != 413


def test_the_api_answers_json_in_the_clients_language(settings: Any) -> None:
    settings.GOODGOV_REQUEST_MAX_BYTES = 1000
    response = Client().post(
        "/api/v1/cases",
        data=json.dumps({"answers": {"x": "y" * 2000}}),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large: at most 1000\xa0bytes."}


def test_an_oversized_draft_changes_nothing(
    settings: Any, as_user: Any, citizen_a: Any, service_version: Any
) -> None:
    # given: a draft
    from goodgov.cases import services

    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    events = Event.objects.count()
    settings.GOODGOV_REQUEST_MAX_BYTES = 4096

    # when: a form with a file over the limit is sent
    response = as_user(citizen_a).post(
        f"/en/cases/{case.uuid}/edit/",
        {"shop_name": "Somchai's", "floor_plan": io.BytesIO(b"%PDF-1.7\n" + b"0" * 8000)},
    )

    # then
    assert response.status_code == 413
    case.refresh_from_db()
    assert case.data == {}
    assert case.evidence.count() == 0
    assert Event.objects.count() == events
