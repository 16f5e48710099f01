"""A case's state is shown with the name its service gives it (services/*.yaml,
``workflow.states.<state>.label``), in the page's language, on the citizen's and the
officers' pages; the generic name only where the service gives none (a draft: services
name only the states of the workflow, which starts on submission)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goodgov.cases import services
from tests.cases.conftest import submitted_case
from tests.web.html import Page

IN_REVIEW = {"th": "อยู่ระหว่างตรวจพิจารณาแบบแปลน", "en": "Plans being checked"}
REFUSED = {"th": "ไม่อนุญาต", "en": "Permit refused"}


@pytest.fixture
def definition(definition: dict[str, Any]) -> dict[str, Any]:
    """The test service, naming two of its states as the building permit does."""
    states = definition["workflow"]["states"]
    states["in_review"]["label"] = IN_REVIEW
    states["rejected"]["label"] = REFUSED
    return definition


def tags(html: str) -> list[str]:
    return [tag.text.strip() for tag in Page(html).with_class("govuk-tag")]


def test_my_applications_name_each_state_as_the_service_does(
    citizen_a: Any, clerk: Any, service_version: Any, as_user: Any
) -> None:
    # given: an application being checked, and one not yet sent
    services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    services.case_start(actor=citizen_a, applicant=citizen_a, service=service_version.service)
    client = as_user(citizen_a)

    # when
    english = client.get("/en/cases/").content.decode()
    thai = client.get("/cases/").content.decode()

    # then: the service's name in each language; a draft, which it does not name, the
    # generic one
    assert tags(english) == ["Plans being checked", "Draft"]
    assert tags(thai) == ["อยู่ระหว่างตรวจพิจารณาแบบแปลน", "ร่าง"]


def test_my_applications_read_the_names_without_a_query_per_application(
    citizen_a: Any, clerk: Any, service_version: Any, as_user: Any
) -> None:
    # given: one application, then three more
    client = as_user(citizen_a)
    services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    client.get("/en/cases/")  # the first request of a session writes to it
    with CaptureQueriesContext(connection) as one:
        client.get("/en/cases/")
    for _ in range(3):
        services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))

    # when
    with CaptureQueriesContext(connection) as four:
        page = client.get("/en/cases/").content.decode()

    # then
    assert tags(page) == ["Plans being checked"] * 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_case_page_names_the_state_as_the_service_does(
    citizen_a: Any, approver: Any, service_version: Any, as_user: Any
) -> None:
    # given: a refused application
    case = services.case_claim(actor=approver, case=submitted_case(citizen_a, service_version))
    services.case_reject(actor=approver, case=case, reasons="ไม่ครบถ้วน", legal_ground=0)
    client = as_user(citizen_a)

    # when
    english = client.get(f"/en/cases/{case.uuid}/").content.decode()
    thai = client.get(f"/cases/{case.uuid}/").content.decode()

    # then
    assert tags(english)[0] == "Permit refused"
    assert tags(thai)[0] == "ไม่อนุญาต"
    assert "Rejected" not in tags(english)


def test_the_officers_queue_and_case_page_use_the_services_names(
    citizen_a: Any, clerk: Any, service_version: Any, as_user: Any
) -> None:
    # given
    case = services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    client = as_user(clerk)

    # when
    queue = client.get("/en/office/").content.decode()
    page = client.get(f"/en/office/cases/{case.uuid}/").content.decode()

    # then
    assert "Plans being checked" in tags(queue)
    assert tags(page)[0] == "Plans being checked"
