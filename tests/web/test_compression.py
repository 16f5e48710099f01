"""Pages come compressed to a browser that asks (a slow line carries a third of the
bytes); the data exchange's signed answers come exactly as signed."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(service_version) -> None:
    # when
    plain = Client().get("/en/")
    packed = Client().get("/en/", headers={"accept-encoding": "gzip, br"})

    # then
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert gzip.decompress(packed.content).decode().count("<h1") == 1
    assert plain.get("Content-Encoding") is None


def test_the_exchanges_machine_endpoints_are_not_compressed() -> None:
    # the node's signed description: long enough that the page middleware would pack it
    response = Client().get("/exchange/node", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert len(response.content) > 200
    assert response.get("Content-Encoding") is None


def test_a_downloaded_file_is_sent_as_it_is(as_user, citizen_a, service_version) -> None:
    # given: a draft with a PDF (compressed already: gzipping it again costs CPU for nothing)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from goodgov.cases import services
    from goodgov.documents.models import Evidence
    from tests.forms.conftest import PDF_BYTES

    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    plan = SimpleUploadedFile("plan.pdf", PDF_BYTES * 20, content_type="application/pdf")
    services.case_save_draft(
        actor=citizen_a, case=case, answers={}, uploads={"floor_plan": (plan, "application/pdf")}
    )
    item = Evidence.objects.get(case=case)

    # when
    response = as_user(citizen_a).get(
        f"/en/documents/evidence/{item.uuid}/", headers={"accept-encoding": "gzip"}
    )

    # then
    assert response.status_code == 200
    assert response.get("Content-Encoding") is None
    assert b"".join(response.streaming_content) == PDF_BYTES * 20
