"""The statutory clock stops while the applicant is asked for information.

For a service whose definition says ``clock_stops_for_information`` (true when absent,
as the Licensing Facilitation Act B.E. 2558 counts time from a complete application),
the applicant's answer moves the due date and the service level's due date later by
exactly the time waited, and ``case.info_provided`` publishes both; while the case
waits, the officers' queue does not count it overdue and both case pages say the clock
is stopped. A service whose clock runs keeps its dates, and its event carries none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db

WAITED = dt.timedelta(days=10, hours=3)
STOPPED_OFFICER = (
    "The clock is stopped while the applicant is asked for information: when they answer, "
    "this date moves later by the time they took."
)
STOPPED_APPLICANT = (
    "The clock is stopped while we wait for your answer: when you answer, this date moves "
    "later by the time you took."
)


def later(monkeypatch: pytest.MonkeyPatch, by: dt.timedelta) -> dt.datetime:
    """Move the clock the services read on by ``by`` (the request keeps its own time)."""
    now = timezone.now() + by
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def clock_runs(definition: dict[str, Any]) -> dict[str, Any]:
    """The test service, saying its deadline runs while the applicant is asked (ask for
    this fixture before ``service_version``)."""
    definition["clock_stops_for_information"] = False
    return definition


def waiting_case(applicant: Any, clerk: Any, version: Any) -> Case:
    case = submitted_case(applicant, version)
    services.case_claim(actor=clerk, case=case)
    services.case_request_info(actor=clerk, case=case, message="ขอสำเนาใบทะเบียนพาณิชย์")
    case.refresh_from_db()
    return case


def test_the_answer_moves_the_due_dates_by_exactly_the_time_waited(
    monkeypatch, citizen_a, clerk, service_version
):
    # given: a case waiting for the applicant since the request
    case = waiting_case(citizen_a, clerk, service_version)
    due_before = case.due_at
    sla_before = dt.datetime.fromisoformat(
        Event.objects.get(action="case.submitted").public["sla_due"]
    )
    # when: the applicant answers ten days and three hours later
    answered_at = later(monkeypatch, WAITED)
    services.case_answer(actor=citizen_a, case=case, response="แนบแล้วค่ะ")
    # then: both due dates move by the time from the request to the answer, no more
    case.refresh_from_db()
    request = case.information_requests.get()
    assert request.responded_at == answered_at
    waited = answered_at - request.created_at
    assert WAITED <= waited < WAITED + dt.timedelta(minutes=1)
    assert case.due_at == due_before + waited
    assert case.state == State.IN_REVIEW
    provided = Event.objects.get(action="case.info_provided")
    assert provided.public == {
        "reference": case.reference,
        "agency": "TBNK",
        "due": case.due_at.isoformat(),
        "sla_due": (sla_before + waited).isoformat(),
    }
    assert provided.private == {"response": "แนบแล้วค่ะ"}


def test_a_second_request_adds_its_own_wait(monkeypatch, citizen_a, clerk, service_version):
    # given: a first request answered after ten days, then a second one
    case = waiting_case(citizen_a, clerk, service_version)
    original_due = case.due_at
    later(monkeypatch, WAITED)
    services.case_answer(actor=citizen_a, case=case, response="ส่งแล้ว")
    first = case.information_requests.get()
    first_wait = first.responded_at - first.created_at
    monkeypatch.undo()
    services.case_request_info(actor=clerk, case=case, message="ขอแผนผังร้านด้วย")
    # when: the second is answered two days later
    later(monkeypatch, dt.timedelta(days=2))
    services.case_answer(actor=citizen_a, case=case, response="แนบแผนผังแล้ว")
    # then: the due date moved by both waits, and the last event publishes it
    case.refresh_from_db()
    second = case.information_requests.order_by("created_at").last()
    assert second is not None and second.responded_at is not None
    assert case.due_at == original_due + first_wait + (second.responded_at - second.created_at)
    last = Event.objects.filter(action="case.info_provided").order_by("-id").first()
    assert last is not None and last.public["due"] == case.due_at.isoformat()


def test_the_request_publishes_whether_the_clock_stops(citizen_a, clerk, service_version):
    # when
    waiting_case(citizen_a, clerk, service_version)
    # then: the public log can tell the month-end figures the deadline stands still
    assert Event.objects.get(action="case.info_requested").public["clock_stopped"] is True


def test_a_service_whose_clock_runs_keeps_its_due_date_and_publishes_none(
    monkeypatch, clock_runs, citizen_a, clerk, service_version
):
    # given
    case = waiting_case(citizen_a, clerk, service_version)
    due_before = case.due_at
    assert Event.objects.get(action="case.info_requested").public["clock_stopped"] is False
    # when
    later(monkeypatch, WAITED)
    services.case_answer(actor=citizen_a, case=case, response="แนบแล้วค่ะ")
    # then
    case.refresh_from_db()
    assert case.due_at == due_before
    assert Event.objects.get(action="case.info_provided").public == {
        "reference": case.reference,
        "agency": "TBNK",
    }


def test_a_withdrawal_while_waiting_changes_no_due_date(
    monkeypatch, citizen_a, clerk, service_version
):
    # given
    case = waiting_case(citizen_a, clerk, service_version)
    due_before = case.due_at
    # when
    later(monkeypatch, WAITED)
    services.case_withdraw(actor=citizen_a, case=case)
    # then
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN and case.due_at == due_before
    assert Event.objects.get(action="case.withdrawn").public == {
        "reference": case.reference,
        "agency": "TBNK",
    }


def test_a_case_withdrawn_while_waiting_no_longer_says_it_waits_for_the_answer(
    as_user, citizen_a, clerk, service_version
):
    # given: a case withdrawn while its applicant was asked for information
    case = waiting_case(citizen_a, clerk, service_version)
    services.case_withdraw(actor=citizen_a, case=case)
    # when
    officer_page = as_user(clerk).get(f"/en/office/cases/{case.uuid}/").content.decode()
    # then: the officer is not told the case waits for an answer that cannot come
    assert "Waiting for the applicant to answer" not in officer_page
    assert STOPPED_OFFICER not in officer_page


def overdue_while_waiting(citizen_a: Any, citizen_b: Any, clerk: Any, version: Any) -> tuple:
    """Two cases past their due date: one waiting for its applicant, asked before the
    date passed, one in review."""
    from goodgov.cases.models import InformationRequest

    waiting = waiting_case(citizen_a, clerk, version)
    reviewed = submitted_case(citizen_b, version)
    services.case_claim(actor=clerk, case=reviewed)
    past = timezone.now() - dt.timedelta(days=1)
    Case.objects.filter(pk__in=[waiting.pk, reviewed.pk]).update(due_at=past)
    InformationRequest.objects.filter(case=waiting).update(created_at=past - dt.timedelta(days=2))
    return waiting, reviewed


def test_the_queue_does_not_count_a_case_waiting_for_the_applicant_overdue(
    as_user, citizen_a, citizen_b, clerk, service_version
):
    # given
    waiting, reviewed = overdue_while_waiting(citizen_a, citizen_b, clerk, service_version)
    # when
    overdue = as_user(clerk).get("/en/office/", {"due": "overdue"}).content.decode()
    everything = as_user(clerk).get("/en/office/").content.decode()
    # then: only the case in review is overdue; the waiting one is listed after it, marked
    assert reviewed.reference in overdue and waiting.reference not in overdue
    assert everything.index(reviewed.reference) < everything.index(waiting.reference)
    rows = everything.split('<tr class="govuk-table__row">')
    [waiting_row] = [r for r in rows if waiting.reference in r]
    [reviewed_row] = [r for r in rows if reviewed.reference in r]
    assert "Clock stopped" in waiting_row and "Overdue" not in waiting_row
    assert "Overdue" in reviewed_row and "Clock stopped" not in reviewed_row


def test_the_queue_counts_a_waiting_case_overdue_when_the_clock_runs(
    as_user, clock_runs, citizen_a, citizen_b, clerk, service_version
):
    # given
    waiting, reviewed = overdue_while_waiting(citizen_a, citizen_b, clerk, service_version)
    # when
    overdue = as_user(clerk).get("/en/office/", {"due": "overdue"}).content.decode()
    # then
    assert reviewed.reference in overdue and waiting.reference in overdue
    assert "Clock stopped" not in overdue


@pytest.mark.parametrize("runs", [False, True])
def test_due_within_a_week_lists_a_waiting_case_only_when_its_clock_runs(
    request, as_user, citizen_a, clerk, runs
):
    # given: a case due in three days, waiting for its applicant's answer
    if runs:
        request.getfixturevalue("clock_runs")
    version = request.getfixturevalue("service_version")
    case = waiting_case(citizen_a, clerk, version)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + dt.timedelta(days=3))
    # when
    week = as_user(clerk).get("/en/office/", {"due": "week"}).content.decode()
    # then: its date will move when the applicant answers, unless the clock runs
    assert (case.reference in week) is runs


def test_both_case_pages_say_the_clock_is_stopped_while_waiting(
    as_user, citizen_a, clerk, service_version
):
    # given
    case = waiting_case(citizen_a, clerk, service_version)
    # when
    officer_page = as_user(clerk).get(f"/en/office/cases/{case.uuid}/").content.decode()
    applicant_page = as_user(citizen_a).get(f"/en/cases/{case.uuid}/").content.decode()
    # then
    assert STOPPED_OFFICER in officer_page
    assert STOPPED_APPLICANT in applicant_page


def test_the_applicants_list_marks_the_clock_stopped_while_waiting(
    as_user, citizen_a, clerk, service_version
):
    # given
    case = waiting_case(citizen_a, clerk, service_version)
    client = as_user(citizen_a)
    # when / then: marked while the case waits for the answer, not after it
    rows = client.get("/en/cases/").content.decode().split('<tr class="govuk-table__row">')
    [row] = [r for r in rows if case.reference in r]
    assert "Clock stopped" in row
    services.case_answer(actor=citizen_a, case=case, response="แนบแล้วค่ะ")
    rows = client.get("/en/cases/").content.decode().split('<tr class="govuk-table__row">')
    [row] = [r for r in rows if case.reference in r]
    assert "Clock stopped" not in row


def test_the_case_pages_say_nothing_of_a_stopped_clock_once_answered(
    as_user, citizen_a, clerk, service_version
):
    # given
    case = waiting_case(citizen_a, clerk, service_version)
    services.case_answer(actor=citizen_a, case=case, response="แนบแล้วค่ะ")
    # when
    officer_page = as_user(clerk).get(f"/en/office/cases/{case.uuid}/").content.decode()
    applicant_page = as_user(citizen_a).get(f"/en/cases/{case.uuid}/").content.decode()
    # then
    assert STOPPED_OFFICER not in officer_page
    assert STOPPED_APPLICANT not in applicant_page


def test_the_case_pages_say_nothing_of_a_stopped_clock_when_it_runs(
    as_user, clock_runs, citizen_a, clerk, service_version
):
    # given
    case = waiting_case(citizen_a, clerk, service_version)
    # when
    officer_page = as_user(clerk).get(f"/en/office/cases/{case.uuid}/").content.decode()
    applicant_page = as_user(citizen_a).get(f"/en/cases/{case.uuid}/").content.decode()
    # then
    assert "The clock is stopped" not in officer_page
    assert "The clock is stopped" not in applicant_page


CLOCK_IN_MESSAGE = {
    "en": "Until you answer, the time we have to decide stands still: the date we must decide"
    " by moves later by the time you take.",
    "th": "ระหว่างที่ท่านยังไม่ได้ตอบ หน่วยงานจะหยุดนับระยะเวลาพิจารณา"
    " โดยวันที่หน่วยงานต้องพิจารณาให้แล้วเสร็จจะเลื่อนออกไปตามระยะเวลาที่ท่านใช้",
}


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("runs", [False, True])
def test_the_message_asking_for_information_says_whether_the_clock_stops(
    request, citizen_a, clerk, runs, language
):
    # given: an applicant who reads `language`, under a service whose clock stops or runs
    citizen_a.preferred_language = language
    citizen_a.save(update_fields=["preferred_language"])
    if runs:
        request.getfixturevalue("clock_runs")
    version = request.getfixturevalue("service_version")
    # when: an officer asks them for information
    case = waiting_case(citizen_a, clerk, version)
    # then: the message tells them the clock stands still until they answer, unless it runs
    body = Message.objects.filter(case=case).order_by("id").last().body
    assert "ขอสำเนาใบทะเบียนพาณิชย์" in body
    assert (CLOCK_IN_MESSAGE[language] in body) is not runs


def test_asking_after_the_deadline_stops_no_clock(monkeypatch, citizen_a, clerk, service_version):
    """Review (logic 3): a request made once the deadline had passed dropped the case from
    the overdue queue, and the answer moved its due date into the future, erasing the
    breach from the queue and the published figures. Now it stops nothing."""
    from goodgov.cases import selectors

    # given: a case in review whose deadline passed five days ago
    case = submitted_case(citizen_a, service_version)
    services.case_claim(actor=clerk, case=case)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(days=5))
    case.refresh_from_db()
    due = case.due_at

    # when: the officer asks for something now
    services.case_request_info(actor=clerk, case=case, message="ขอเอกสารเพิ่มเติม")
    case.refresh_from_db()

    # then: the clock runs on: the case stays overdue, and says so
    assert not case.clock_stopped
    assert Event.objects.get(action="case.info_requested").public["clock_stopped"] is False
    assert list(selectors.queue(clerk, due="overdue")) == [case]
    body = Message.objects.filter(case=case).latest("created_at").body
    assert "The clock is stopped" not in body and "หยุดนับ" not in body

    # when: the applicant answers ten days later
    later(monkeypatch, WAITED)
    services.case_answer(actor=citizen_a, case=case, response="แนบแล้วค่ะ")

    # then: the due date stays where it was, and none is published as moved
    case.refresh_from_db()
    assert case.due_at == due
    assert "due" not in Event.objects.get(action="case.info_provided").public


def test_asking_before_the_deadline_still_stops_the_clock_past_it(
    monkeypatch, citizen_a, clerk, service_version
):
    # given: a case asked for information a day before its deadline
    case = submitted_case(citizen_a, service_version)
    services.case_claim(actor=clerk, case=case)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + dt.timedelta(days=1))
    services.case_request_info(actor=clerk, case=case, message="ขอเอกสารเพิ่มเติม")
    case.refresh_from_db()
    due = case.due_at

    # when: the applicant answers ten days later (the old deadline long past)
    later(monkeypatch, WAITED)
    case.refresh_from_db()
    stopped_meanwhile = case.clock_stopped
    services.case_answer(actor=citizen_a, case=case, response="แนบแล้วค่ะ")

    # then: the clock stood still all that time, and the due date moved by it
    case.refresh_from_db()
    assert stopped_meanwhile
    assert WAITED <= case.due_at - due < WAITED + dt.timedelta(minutes=1)
