"""A person registered at the counter, with no way to sign in, whose application is asked
for more information: the counter officer who filed it records their answer (or their
withdrawal) when they come back, on their word. Before, nobody could: the case stayed
waiting for good, its clock stopped (review of the case workflow, finding 1)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodgov.accounts.services import person_register_at_counter
from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.documents.models import Evidence
from tests.cases.conftest import ANSWERS
from tests.conftest import make_officer
from tests.recorded import events_since, last_event_id

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def waiting(counter_officer: Any, clerk: Any, service_version: Any) -> Case:
    """Filed at the counter for someone with no email and no password, then asked."""
    person = person_register_at_counter(
        actor=counter_officer, full_name="นางสมศรี ใจงาม", national_id="1509901234569"
    )
    case = services.case_start(
        actor=counter_officer, applicant=person, service=service_version.service
    )
    services.case_save_draft(actor=counter_officer, case=case, answers=dict(ANSWERS))
    case = services.case_submit(actor=counter_officer, case=case, declaration=True)
    services.case_claim(actor=clerk, case=case)
    return case


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_the_officer_asking_is_told_the_person_cannot_read_it_online(
    waiting: Case, clerk: Any, as_user: Any
) -> None:
    # when
    response = as_user(clerk).post(
        f"/en/office/cases/{waiting.uuid}/request-info/",
        {"message": "กรุณานำสำเนาทะเบียนบ้านมาแสดง"},
        follow=True,
    )

    # then
    assert "they will not see this request online" in _page(response)


def test_the_counter_officer_who_filed_it_records_the_answer(
    waiting: Case, clerk: Any, counter_officer: Any, as_user: Any
) -> None:
    # given: asked for a document
    services.case_request_info(actor=clerk, case=waiting, message="ขอสำเนาทะเบียนบ้าน")
    counter = as_user(counter_officer)
    office = _page(counter.get(f"/en/office/cases/{waiting.uuid}/"))
    assert "record the applicant's answer, with them at the counter" in office
    mark = last_event_id()

    # when: the person comes back; the officer opens the application and answers for them
    page = _page(counter.get(f"/en/cases/{waiting.uuid}/"))
    response = counter.post(
        f"/en/cases/{waiting.uuid}/answer/",
        {
            "response": "นำสำเนาทะเบียนบ้านมาแสดงที่เคาน์เตอร์",
            "document": SimpleUploadedFile("house.pdf", PDF, "application/pdf"),
        },
    )

    # then: warned whose it is, the answer sent, recorded as the officer's act
    assert "You filed this application at the counter for นางสมศรี ใจงาม." in page
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == State.IN_REVIEW
    actions = [(e.action, e.actor_id) for e in events_since(mark)]
    assert ("case.info_provided", counter_officer.pk) in actions
    assert Evidence.objects.get(case=waiting).uploaded_by == counter_officer


def test_no_one_else_acts_for_the_person(
    waiting: Case, clerk: Any, agency: Any, as_user: Any
) -> None:
    # given: asked; another counter officer of the agency, and the clerk
    services.case_request_info(actor=clerk, case=waiting, message="ขอสำเนาทะเบียนบ้าน")
    colleague = make_officer("desk2@tbnk.example.test", agency, "counter")

    # when
    answers = [
        as_user(who).post(f"/en/cases/{waiting.uuid}/answer/", {"response": "x"}).status_code
        for who in (colleague, clerk)
    ]

    # then
    assert answers == [404, 404]
    waiting.refresh_from_db()
    assert waiting.state == State.INFO_REQUESTED


def test_the_filer_withdraws_for_the_person_but_neither_rates_nor_reads_receipts(
    waiting: Case, counter_officer: Any, approver: Any, as_user: Any
) -> None:
    # given
    counter = as_user(counter_officer)

    # when: the person asks to withdraw; then the filer tries what only they may do
    withdrawn = counter.post(f"/en/cases/{waiting.uuid}/withdraw/", {"confirm": "yes"})
    waiting.refresh_from_db()
    rated = counter.post(f"/en/cases/{waiting.uuid}/rate/", {"score": "5"})
    api = counter.get(f"/api/v1/cases/{waiting.uuid}")

    # then
    assert withdrawn.status_code == 302 and waiting.state == State.WITHDRAWN
    assert rated.status_code == 404
    assert api.status_code == 404
