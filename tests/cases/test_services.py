"""Case services: the workflow, the events each step records, and what bad requests leave."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.core import thai
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from goodgov.notifications.models import Message
from tests.cases.conftest import ANSWERS, submitted_case

pytestmark = pytest.mark.django_db


def actions_since(event_id: int) -> list[str]:
    return list(Event.objects.filter(id__gt=event_id).values_list("action", flat=True))


def last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_submit_assigns_reference_due_date_and_records_exact_events(citizen_a, service_version):
    # given
    before = last_event_id()
    # when
    case = submitted_case(citizen_a, service_version)
    # then
    year_be = thai.be_year(timezone.localtime(case.submitted_at).year)
    assert case.reference == f"TBNK-{year_be}-000001"
    assert case.state == State.SUBMITTED
    assert (case.due_at - case.submitted_at).days == 15
    assert actions_since(before) == ["case.started", "case.draft_saved", "case.submitted"]
    submitted = Event.objects.get(action="case.submitted")
    assert submitted.public == {
        "case": str(case.uuid),
        "reference": case.reference,
        "service": "test-permit",
        "version": 1,
        "agency": "TBNK",
        "applicant": commitment(citizen_a),
        "channel": "online",
        "due": case.due_at.isoformat(),
        # the test service promises review in 3 days and a decision in 10 more
        "sla_due": (case.submitted_at + dt.timedelta(days=13)).isoformat(),
    }
    assert submitted.actor == citizen_a


def test_public_events_carry_no_personal_data(citizen_a, service_version):
    # given / when
    case = submitted_case(citizen_a, service_version)
    # then
    public_text = str(list(Event.objects.values_list("public", flat=True)))
    for personal in (
        citizen_a.email,
        citizen_a.national_id,
        citizen_a.full_name,
        ANSWERS["shop_name"],
        str(citizen_a.pk) + '"',
    ):
        assert personal not in public_text
    assert case.reference in public_text


def test_references_count_up_per_agency_and_year(citizen_a, citizen_b, service_version):
    first = submitted_case(citizen_a, service_version)
    second = submitted_case(citizen_b, service_version)
    assert first.reference.endswith("-000001")
    assert second.reference.endswith("-000002")
    assert re.fullmatch(r"TBNK-25\d\d-\d{6}", second.reference)


def test_submit_sends_in_app_message_and_email(
    citizen_a, service_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_case(citizen_a, service_version)
    message = Message.objects.get(user=citizen_a, case=case)
    assert case.reference in message.subject
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [citizen_a.email]
    assert case.reference in mail.outbox[0].subject


def test_submit_without_declaration_changes_nothing(citizen_a, service_version):
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    services.case_save_draft(actor=citizen_a, case=case, answers=dict(ANSWERS))
    before = last_event_id()
    with pytest.raises(services.CaseError):
        services.case_submit(actor=citizen_a, case=case, declaration=False)
    case.refresh_from_db()
    assert case.state == State.DRAFT and case.reference is None
    assert actions_since(before) == []


def test_submit_with_missing_answer_changes_nothing(citizen_a, service_version):
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    services.case_save_draft(actor=citizen_a, case=case, answers={"seats": 3})
    before = last_event_id()
    with pytest.raises(services.CaseError):
        services.case_submit(actor=citizen_a, case=case, declaration=True)
    case.refresh_from_db()
    assert case.state == State.DRAFT and case.reference is None
    assert actions_since(before) == []


def test_draft_keeps_half_filled_answers(citizen_a, service_version):
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    services.case_save_draft(actor=citizen_a, case=case, answers={"shop_name": "ร้านใหม่"})
    assert Case.objects.get(pk=case.pk).data == {"shop_name": "ร้านใหม่"}


def test_case_data_is_encrypted_at_rest(citizen_a, service_version):
    from django.db import connection

    case = submitted_case(citizen_a, service_version)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM cases_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert ANSWERS["shop_name"] not in raw and "shop_name" not in raw


def test_another_citizen_cannot_edit_or_submit_my_draft(citizen_a, citizen_b, service_version):
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    before = last_event_id()
    with pytest.raises(services.NotAllowed):
        services.case_save_draft(actor=citizen_b, case=case, answers=dict(ANSWERS))
    with pytest.raises(services.NotAllowed):
        services.case_submit(actor=citizen_b, case=case, declaration=True)
    assert actions_since(before) == []


def test_full_journey_records_each_step(submitted, clerk, approver, citizen_a):
    # when
    before = last_event_id()
    services.case_claim(actor=clerk, case=submitted)
    services.case_request_info(actor=clerk, case=submitted, message="ขอสำเนาใบทะเบียนพาณิชย์")
    services.case_answer(actor=citizen_a, case=submitted, response="แนบแล้วค่ะ")
    case = services.case_approve(actor=approver, case=submitted, conditions="ติดป้ายราคาอาหาร")
    # then
    assert case.state == State.APPROVED and case.decided_at is not None
    assert case.decision_conditions == "ติดป้ายราคาอาหาร"
    assert actions_since(before) == [
        "case.claimed",
        "case.info_requested",
        "case.info_provided",
        "case.approved",
        "document.issued",
    ]
    requested = Event.objects.get(action="case.info_requested")
    assert requested.public == {
        "reference": case.reference,
        "agency": "TBNK",
        "officer": commitment(clerk),
        "clock_stopped": True,  # the test service's deadline stands still meanwhile
    }
    assert requested.private == {"message": "ขอสำเนาใบทะเบียนพาณิชย์"}
    approved = Event.objects.get(action="case.approved")
    assert approved.public == {
        "reference": case.reference,
        "agency": "TBNK",
        "officer": commitment(approver),
        "applicant": commitment(citizen_a),
        "with_conditions": True,
    }
    answered = case.information_requests.get()
    assert answered.response == "แนบแล้วค่ะ" and answered.responded_at is not None


@pytest.mark.parametrize(
    "who", ["citizen_a", "citizen_b", "counter_officer", "foreign_officer", "agency_admin"]
)
def test_only_the_officer_role_may_claim(request, submitted, who):
    actor = request.getfixturevalue(who)
    before = last_event_id()
    with pytest.raises(services.NotAllowed):
        services.case_claim(actor=actor, case=submitted)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and submitted.assignee is None
    assert actions_since(before) == []


@pytest.mark.parametrize(
    "who", ["citizen_a", "clerk", "counter_officer", "foreign_officer", "agency_admin"]
)
def test_only_an_approver_of_the_owning_agency_may_decide(request, in_review, who):
    actor = request.getfixturevalue(who)
    before = last_event_id()
    with pytest.raises(services.NotAllowed):
        services.case_approve(actor=actor, case=in_review)
    with pytest.raises(services.NotAllowed):
        services.case_reject(actor=actor, case=in_review, reasons="x", legal_ground=0)
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW
    assert actions_since(before) == []


def test_second_decision_on_the_same_case_is_refused_clearly(in_review, approver, agency):
    from tests.conftest import make_officer

    other_approver = make_officer("approver2@tbnk.example.test", agency, "officer", "approver")
    services.case_approve(actor=approver, case=in_review)
    stale = Case.objects.get(pk=in_review.pk)
    stale.state = State.IN_REVIEW  # what the second officer's page still shows
    before = last_event_id()
    with pytest.raises(services.Conflict) as raised, translation.override("en"):
        services.case_reject(actor=other_approver, case=stale, reasons="late", legal_ground=0)
    assert "already" in str(raised.value.message)
    in_review.refresh_from_db()
    assert in_review.state == State.APPROVED and in_review.decision_reasons == ""
    assert actions_since(before) == []


def test_reject_requires_reasons_and_one_of_the_services_legal_grounds(in_review, approver):
    # given: the test service cites one legal basis (index 0)
    before = last_event_id()
    # when / then: no reasons
    with pytest.raises(services.CaseError) as raised:
        services.case_reject(actor=approver, case=in_review, reasons=" ", legal_ground=0)
    assert raised.value.field == "reasons"
    # when / then: a ground that is not an entry of the version's legal_basis (\u0e50: Thai 0)
    for ground in ("", " ", "มาตรา 38", 1, "1", -1, "-1", "\u0e50", True, None):
        with pytest.raises(services.CaseError) as raised:
            services.case_reject(
                actor=approver, case=in_review, reasons="สถานที่ไม่ถูกสุขลักษณะ", legal_ground=ground
            )
        assert raised.value.field == "legal_ground", ground
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW and actions_since(before) == []
    # when: the first (and only) entry, as the form posts it
    case = services.case_reject(
        actor=approver, case=in_review, reasons="สถานที่ไม่ถูกสุขลักษณะ", legal_ground="0"
    )
    # then
    assert case.state == State.REJECTED
    assert actions_since(before) == ["case.rejected", "document.issued"]
    assert Event.objects.get(action="case.rejected").private == {"reasons": "สถานที่ไม่ถูกสุขลักษณะ"}


def test_applicant_may_withdraw_an_open_case_but_not_a_decided_one(
    submitted, citizen_a, citizen_b, clerk, approver
):
    with pytest.raises(services.NotAllowed):
        services.case_withdraw(actor=citizen_b, case=submitted)
    case = services.case_withdraw(actor=citizen_a, case=submitted)
    assert case.state == State.WITHDRAWN
    with pytest.raises(services.Conflict):
        services.case_claim(actor=clerk, case=case)


def test_counter_officer_files_on_behalf_of_a_person(counter_officer, citizen_b, service_version):
    # when
    case = services.case_start(
        actor=counter_officer, applicant=citizen_b, service=service_version.service
    )
    services.case_save_draft(actor=counter_officer, case=case, answers=dict(ANSWERS))
    case = services.case_submit(actor=counter_officer, case=case, declaration=True)
    # then
    assert (
        case.applicant == citizen_b
        and case.filed_by == counter_officer
        and case.channel == "counter"
    )
    assert Event.objects.get(action="case.submitted").public["channel"] == "counter"
    assert Event.objects.get(action="case.submitted").actor == counter_officer


def test_an_officer_without_the_counter_role_cannot_file_for_others(
    clerk, foreign_officer, citizen_b, service_version
):
    for actor in (clerk, foreign_officer):
        with pytest.raises(services.NotAllowed):
            services.case_start(actor=actor, applicant=citizen_b, service=service_version.service)
    assert not Case.objects.exists()


def test_open_case_keeps_its_version_when_the_service_changes(submitted, definition, clerk):
    from goodgov.catalogue.services import service_publish

    definition["deadline_days"] = 30
    v2 = service_publish(actor=None, definition=definition, source="tests")
    assert v2.number == 2
    case = services.case_claim(actor=clerk, case=submitted)
    assert case.version.number == 1
    assert case.version.definition["deadline_days"] == 15


@pytest.mark.parametrize(("preferred", "site"), [("en", "th"), ("th", "en")])
def test_messages_to_the_applicant_are_in_their_language_not_the_sites(
    citizen_a, clerk, approver, service_version, preferred, site
):
    # given: an applicant who reads `preferred`, and every step taken on the `site` site
    citizen_a.preferred_language = preferred
    citizen_a.save(update_fields=["preferred_language"])
    with translation.override(site):
        # when: they apply, an officer asks for more, then approves
        case = submitted_case(citizen_a, service_version)
        services.case_claim(actor=clerk, case=case)
        services.case_request_info(actor=clerk, case=case, message="ขอสำเนา")
        services.case_answer(actor=citizen_a, case=case, response="แนบแล้ว")
        services.case_approve(actor=approver, case=case)
    # then: each message reads as the applicant's language has it, service name included
    subjects = list(Message.objects.filter(case=case).order_by("id").values_list("subject", "body"))
    with translation.override(preferred):
        name = case.version.name
        expected = [
            str(services._("Application received: %(reference)s") % {"reference": case.reference}),
            str(
                services._("More information needed: %(reference)s") % {"reference": case.reference}
            ),
            str(services._("Application approved: %(reference)s") % {"reference": case.reference}),
        ]
    assert [subject for subject, _body in subjects] == expected
    assert name in subjects[0][1] and name in subjects[2][1]
    with translation.override(site):  # the site's language would have read otherwise
        assert case.version.name != name
        assert (
            str(services._("Application received: %(reference)s") % {"reference": ""})
            not in (expected[0])
        )
