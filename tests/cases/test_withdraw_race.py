"""Withdrawing or answering after the case has moved on (decided, or withdrawn in another
window) says so on the case page and changes nothing; only someone else's case is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.core import thai
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db

CLOSED = "This application has already been closed (%s). Nothing was changed."


def urls(case: Case) -> dict[str, str]:
    with translation.override("en"):
        return {
            name: reverse(f"cases:{name}", kwargs={"case_id": case.uuid})
            for name in ("withdraw", "answer", "detail")
        }


def snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.state, case.decided_at, Event.objects.count(), Message.objects.count())


@pytest.fixture
def info_requested(in_review: Case, clerk: Any) -> Case:
    services.case_request_info(actor=clerk, case=in_review, message="ขอสำเนาทะเบียนพาณิชย์")
    return in_review


def test_withdrawing_after_the_approver_decided_says_so_and_changes_nothing(
    as_user, in_review, approver, citizen_a
):
    # given: the citizen opens the withdraw page while the case is in review
    client = as_user(citizen_a)
    url = urls(in_review)
    opened = client.get(url["withdraw"])
    assert opened.status_code == 200
    # ... and meanwhile the approver decides
    services.case_approve(actor=approver, case=in_review)
    before = snapshot(in_review)
    # when: the citizen confirms
    response = client.post(url["withdraw"])
    page = client.get(response["Location"])
    # then: the case page, with the message; nothing changed
    assert (response.status_code, response["Location"]) == (302, url["detail"])
    assert CLOSED % "approved" in page.content.decode()
    assert snapshot(in_review) == before
    assert in_review.state == State.APPROVED
    assert not Event.objects.filter(action="case.withdrawn").exists()


def test_opening_the_withdraw_page_of_a_closed_case_says_it_is_closed(
    as_user, in_review, approver, citizen_a
):
    # given
    services.case_approve(actor=approver, case=in_review)
    client = as_user(citizen_a)
    url = urls(in_review)
    # when
    response = client.get(url["withdraw"])
    page = client.get(response["Location"])
    # then
    assert (response.status_code, response["Location"]) == (302, url["detail"])
    assert CLOSED % "approved" in page.content.decode()


def test_answering_after_withdrawing_in_another_window_says_so_and_changes_nothing(
    as_user, info_requested, citizen_a
):
    # given: the answer form is open; the citizen withdraws in another window
    client = as_user(citizen_a)
    url = urls(info_requested)
    services.case_withdraw(actor=citizen_a, case=info_requested)
    before = snapshot(info_requested)
    # when: they send the answer, or send it empty
    sent = client.post(url["answer"], {"response": "แนบแล้วค่ะ"})
    empty = client.post(url["answer"], {"response": ""})
    # then: both times the case page says it is closed, and shows the answer typed to
    # copy (it was not sent); nothing changed
    assert (sent.status_code, empty.status_code) == (409, 409)
    sent_page = sent.content.decode()
    assert CLOSED % "withdrawn" in sent_page
    assert "แนบแล้วค่ะ" in sent_page
    assert CLOSED % "withdrawn" in empty.content.decode()
    assert snapshot(info_requested) == before
    assert not Event.objects.filter(action="case.info_provided").exists()
    assert info_requested.information_requests.get().responded_at is None


def test_answering_an_open_request_still_works(as_user, info_requested, citizen_a):
    # given
    client = as_user(citizen_a)
    url = urls(info_requested)
    # when
    response = client.post(url["answer"], {"response": "แนบแล้วค่ะ"})
    # then
    assert (response.status_code, response["Location"]) == (302, url["detail"])
    info_requested.refresh_from_db()
    assert info_requested.state == State.IN_REVIEW
    assert info_requested.information_requests.get().response == "แนบแล้วค่ะ"


def test_an_empty_answer_to_an_open_request_is_asked_again(as_user, info_requested, citizen_a):
    # given
    client = as_user(citizen_a)
    # when
    with translation.override("en"):
        response = client.post(urls(info_requested)["answer"], {"response": " "})
    # then
    assert response.status_code == 400
    assert "Write your answer or upload a document." in response.content.decode()
    info_requested.refresh_from_db()
    assert info_requested.state == State.INFO_REQUESTED


def test_someone_elses_case_is_not_found(as_user, info_requested, citizen_b, clerk):
    # given
    before = snapshot(info_requested)
    url = urls(info_requested)
    for user in (citizen_b, clerk):
        client = as_user(user)
        # when
        responses = [
            client.get(url["withdraw"]),
            client.post(url["withdraw"]),
            client.post(url["answer"], {"response": "x"}),
        ]
        # then
        assert [r.status_code for r in responses] == [404, 404, 404]
    assert snapshot(info_requested) == before


def test_a_draft_has_nothing_to_withdraw_or_answer(as_user, citizen_a, service_version):
    # given
    draft = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    client = as_user(citizen_a)
    url = urls(draft)
    # when / then
    assert client.get(url["withdraw"]).status_code == 404
    assert client.post(url["withdraw"]).status_code == 404
    assert client.post(url["answer"], {"response": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_closed_applications_show_when_they_were_decided_not_a_due_date(
    as_user, in_review, citizen_a, service_version
):
    # given: one closed application (withdrawn) and one still open
    closed = services.case_withdraw(actor=citizen_a, case=in_review)
    decided = timezone.make_aware(dt.datetime(2026, 3, 9, 10, 0))
    due = timezone.make_aware(dt.datetime(2026, 4, 20, 10, 0))
    Case.objects.filter(pk=closed.pk).update(decided_at=decided, due_at=due)
    still_open = submitted_case(citizen_a, service_version)
    client = as_user(citizen_a)
    # when
    with translation.override("th"):
        thai_page = client.get(reverse("cases:mine")).content.decode()
    with translation.override("en"):
        english = client.get(reverse("cases:mine"))
    # then: the closed table heads "Decided on" and gives the decision date, BE in Thai
    closed_table = english.content.decode().split("<caption", 3)[2]
    assert "Closed</caption>" in closed_table
    assert '<th scope="col" class="govuk-table__header">Decided on</th>' in closed_table
    assert "Decision due by" not in closed_table
    assert "9 March 2026" in closed_table and "20 April 2026" not in closed_table
    assert thai.format_date(decided.date(), "th") in thai_page.split("<caption", 3)[2]
    assert "2569" in thai.format_date(decided.date(), "th")  # the Buddhist era
    open_table = english.content.decode().split("<caption", 3)[1]
    assert "Decision due by" in open_table and "Decided on" not in open_table
    assert still_open.reference in open_table
