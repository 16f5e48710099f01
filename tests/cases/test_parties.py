"""Nobody works on a case they are party to, and only the officers working a case see the
applicant's national ID and evidence in full.

A party is the applicant, or the counter officer who filed the case for them: they may
not claim, ask for information about, approve or reject it (an official does not decide
a matter they are party to). The officers working a case are the one handling it, the
counter officer who filed it, and those who may take one of its steps now.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goodgov.cases import access, services
from goodgov.cases.models import Case, State
from goodgov.documents.models import Evidence
from goodgov.exchange.models import RecordView
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS, submitted_case
from tests.conftest import ID_A, make_officer
from tests.forms.conftest import png_bytes

pytestmark = pytest.mark.django_db

PNG = png_bytes()


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return case.state, case.assignee_id, case.decided_at, Event.objects.count()


def _submitted_with_a_file(applicant: Any, service_version: Any) -> tuple[Case, Evidence]:
    """A case ``applicant`` submitted with a floor plan uploaded, and that file."""
    case = services.case_start(
        actor=applicant, applicant=applicant, service=service_version.service
    )
    upload = SimpleUploadedFile("plan.png", PNG, content_type="image/png")
    services.case_save_draft(
        actor=applicant,
        case=case,
        answers=dict(ANSWERS),
        uploads={"floor_plan": (upload, "image/png")},
    )
    services.case_submit(actor=applicant, case=case, declaration=True)
    return case, Evidence.objects.get(case=case)


def test_an_officer_cannot_claim_or_decide_their_own_application(
    agency: Any, service_version: Any, as_user: Any, clerk: Any
) -> None:
    # given: an approving officer of the agency applies to it for themself
    officer = make_officer("self@tbnk.example.test", agency, "officer", "approver")
    case = submitted_case(officer, service_version)
    before = _state(case)

    # when: they try to claim it, from the back office and through the service
    page = as_user(officer).post(reverse("office:claim", kwargs={"case_id": case.uuid}))

    # then: refused as if there were nothing to claim, and nothing changed
    assert page.status_code == 404
    with pytest.raises(services.NotAllowed):
        services.case_claim(actor=officer, case=case)
    assert _state(case) == before
    assert access.allowed_transitions(officer, case) == {"withdraw"}

    # and once a colleague has claimed it, they still cannot decide it
    services.case_claim(actor=clerk, case=case)
    case.refresh_from_db()
    assert access.allowed_transitions(officer, case) == {"withdraw"}
    approved = as_user(officer).post(
        reverse("office:approve", kwargs={"case_id": case.uuid}), {"conditions": ""}
    )
    assert approved.status_code == 404
    with pytest.raises(services.NotAllowed):
        services.case_approve(actor=officer, case=case, conditions="")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW and case.decided_at is None


def test_the_counter_officer_who_filed_a_case_cannot_decide_it(
    agency: Any, service_version: Any, citizen_a: Any, clerk: Any, approver: Any
) -> None:
    # given: an officer with every casework role files for a person at the counter
    filer = make_officer("desk@tbnk.example.test", agency, "counter", "officer", "approver")
    case = services.case_start(actor=filer, applicant=citizen_a, service=service_version.service)
    services.case_save_draft(actor=filer, case=case, answers=dict(ANSWERS))
    services.case_submit(actor=filer, case=case, declaration=True)
    case.refresh_from_db()

    # when / then: the filer takes none of the officers' steps, at any stage; only the
    # applicant's, for the person at the counter (withdraw here)
    assert access.allowed_transitions(filer, case) == {"withdraw"}
    services.case_claim(actor=clerk, case=case)
    case.refresh_from_db()
    assert access.allowed_transitions(filer, case) == {"withdraw"}
    with pytest.raises(services.NotAllowed):
        services.case_reject(actor=filer, case=case, reasons="x", legal_ground="x")

    # and a colleague who is not party to it decides it as usual
    assert "approve" in access.allowed_transitions(approver, case)


def test_only_officers_working_a_case_see_the_national_id_in_full(
    agency: Any,
    submitted: Case,
    clerk: Any,
    approver: Any,
    counter_officer: Any,
    agency_admin: Any,
    citizen_a: Any,
    as_user: Any,
) -> None:
    def page(user: Any) -> str:
        url = reverse("office:case", kwargs={"case_id": submitted.uuid})
        return as_user(user).get(url).content.decode()

    # given: a submitted case nobody has claimed
    # then: officers who may claim it see the ID; the counter officer, who may not, and
    # the administrator see it masked
    assert citizen_a.national_id_display in page(clerk)
    for outsider in (counter_officer, agency_admin):
        shown = page(outsider)
        assert citizen_a.national_id_masked in shown
        assert citizen_a.national_id_display not in shown

    # when: the clerk claims it and the approver approves it
    services.case_claim(actor=clerk, case=submitted)
    submitted.refresh_from_db()
    assert citizen_a.national_id_display in page(approver)  # deciding it
    services.case_approve(actor=approver, case=submitted, conditions="")
    submitted.refresh_from_db()

    # then: the one who handled it still sees it in full; once decided, others do not
    assert citizen_a.national_id_display in page(clerk)
    assert citizen_a.national_id_display not in page(approver)
    assert ID_A not in page(agency_admin)


def test_evidence_is_opened_only_by_officers_working_the_case_and_each_look_is_recorded(
    agency: Any,
    service_version: Any,
    citizen_a: Any,
    clerk: Any,
    counter_officer: Any,
    agency_admin: Any,
    as_user: Any,
) -> None:
    # given: a submitted case with an uploaded file
    _case, item = _submitted_with_a_file(citizen_a, service_version)
    url = reverse("documents:evidence", kwargs={"evidence_id": item.uuid})

    # when
    answers = {
        who: as_user(user).get(url)
        for who, user in (
            ("applicant", citizen_a),
            ("clerk", clerk),
            ("counter", counter_officer),
            ("admin", agency_admin),
        )
    }

    # then: the applicant and the clerk (who may claim it) get the file; the others 404
    assert {who: r.status_code for who, r in answers.items()} == {
        "applicant": 200,
        "clerk": 200,
        "counter": 404,
        "admin": 404,
    }
    with item.file.open("rb") as stored:  # images are re-encoded on upload, without metadata
        assert b"".join(answers["clerk"].streaming_content) == stored.read()
    # the clerk's look is on the person's data tracker; the applicant's own is not
    assert list(RecordView.objects.values_list("officer_id", flat=True)) == [clerk.pk]


def test_the_case_page_links_evidence_only_for_officers_who_may_open_it(
    service_version: Any, citizen_a: Any, clerk: Any, agency_admin: Any, as_user: Any
) -> None:
    # given: a submitted case with a file
    case, item = _submitted_with_a_file(citizen_a, service_version)
    link = reverse("documents:evidence", kwargs={"evidence_id": item.uuid})
    url = reverse("office:case", kwargs={"case_id": case.uuid})

    # when
    clerk_page = as_user(clerk).get(url).content.decode()
    admin_page = as_user(agency_admin).get(url).content.decode()

    # then: both see that the file is there; only the clerk gets a link that works
    assert link in clerk_page
    assert link not in admin_page and "plan.png" in admin_page
