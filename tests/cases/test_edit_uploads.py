"""A file that passed its checks is kept when another answer needs fixing, and the page
that asks for the fix says so: nobody sends the same file twice from a slow phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goodgov.cases import services
from goodgov.documents.models import Evidence
from tests.forms.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_a_kept_upload_shows_as_uploaded_beside_the_other_answers_errors(
    as_user: Any, citizen_a: Any, service_version: Any
) -> None:
    # given: a draft
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    plan = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")

    # when: a good file, and a number of seats that is not a number
    response = as_user(citizen_a).post(
        "/en" + reverse("cases:edit", kwargs={"case_id": case.uuid}),
        {
            "shop_name": "Somchai's kitchen",
            "seats": "many",
            "evidence_floor_plan": plan,
            "_action": "continue",
        },
    )

    # then: the file is kept and the page says so; the error and what was typed remain
    assert response.status_code == 400
    page = response.content.decode()
    assert Evidence.objects.filter(case=case, item="floor_plan").count() == 1
    assert "Uploaded: Floor plan" in page
    assert 'value="many"' in page
    assert 'href="#id_seats"' in page
