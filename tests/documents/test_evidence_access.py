"""Evidence files, tried by every kind of client.

The applicant downloads their own evidence. Once the case is submitted, so do the
officers working it (``cases.access.works_on``: the one handling it, the counter officer
who filed it, and whoever may take one of its workflow steps now); a draft's files are
seen only by the applicant and the counter officer filing it. Everyone else gets the
same 404 as for evidence that does not exist (the sign-in page when anonymous). An
officer's download is on the person's data tracker; a refused one records nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goodgov.cases import services
from goodgov.cases.models import Case
from goodgov.documents.models import Evidence
from goodgov.exchange.models import RecordView
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from tests.cases.conftest import ANSWERS
from tests.cases.test_access_matrix import CLIENTS, assert_refused, client_for, normalised

pytestmark = pytest.mark.django_db

#: A valid 1x1 PNG. (tests/cases/test_parties.py's has a wrong zlib checksum: Pillow
#: reads it only once WeasyPrint, imported, has set ``LOAD_TRUNCATED_IMAGES``.)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfex\xc4\xb2\xb0"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def case_with_upload(*, actor: Any, applicant: Any, service_version: Any) -> Case:
    """A draft of ``applicant``'s, started by ``actor``, with a floor plan uploaded."""
    case = services.case_start(actor=actor, applicant=applicant, service=service_version.service)
    upload = SimpleUploadedFile("plan.png", PNG, content_type="image/png")
    services.case_save_draft(
        actor=actor,
        case=case,
        answers=dict(ANSWERS),
        uploads={"floor_plan": (upload, "image/png")},
    )
    return case


@pytest.fixture
def draft_evidence(citizen_a: Any, service_version: Any) -> Evidence:
    case = case_with_upload(actor=citizen_a, applicant=citizen_a, service_version=service_version)
    return Evidence.objects.get(case=case)


@pytest.fixture
def submitted_evidence(draft_evidence: Evidence, citizen_a: Any) -> Evidence:
    services.case_submit(actor=citizen_a, case=draft_evidence.case, declaration=True)
    draft_evidence.refresh_from_db()
    return draft_evidence


def evidence_url(item: Evidence | uuid.UUID) -> str:
    evidence_id = item.uuid if isinstance(item, Evidence) else item
    return reverse("documents:evidence", kwargs={"evidence_id": evidence_id})


def recorded() -> tuple[Any, ...]:
    """What a download might leave behind: tracker entries, events, messages."""
    return (
        list(RecordView.objects.values_list("officer_id", "case_id")),
        list(Event.objects.values_list("action", flat=True).order_by("id")),
        Message.objects.count(),
    )


def assert_the_file(response: Any, item: Evidence) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    with item.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def assert_recorded_view(
    before: tuple[Any, ...], officer: Any, case: Case, after: tuple[Any, ...] | None = None
) -> None:
    """Between ``before`` and ``after`` (now by default), one look by ``officer`` at
    ``case`` was put on the applicant's tracker, and nothing else happened."""
    views, actions, messages = recorded() if after is None else after
    assert views == [*before[0], (officer.pk, case.pk)]
    assert actions == [*before[1], "person.viewed"]
    assert messages == before[2]
    view = RecordView.objects.get(officer=officer)
    assert view.person_id == case.applicant_id and view.agency_id == case.agency_id


@pytest.mark.parametrize("who", CLIENTS)
def test_evidence_of_a_submitted_case(request, as_user, submitted_evidence, who):
    # given: a submitted case nobody has claimed yet; the test workflow lets officers
    # ("officer" role: the clerk and the approver) claim it
    client = client_for(request, as_user, who)
    before = recorded()
    # when
    response = client.get(evidence_url(submitted_evidence))
    # then
    if who in {"citizen_a", "clerk", "approver"}:
        assert_the_file(response, submitted_evidence)
    else:
        assert_refused(response, who)
    if who in {"clerk", "approver"}:
        assert_recorded_view(before, request.getfixturevalue(who), submitted_evidence.case)
    else:
        # the applicant's own look is not on their tracker; a refused one leaves nothing
        assert recorded() == before


@pytest.mark.parametrize("who", CLIENTS)
def test_evidence_of_a_draft(request, as_user, draft_evidence, who):
    # given: citizen A's draft, not yet submitted
    client = client_for(request, as_user, who)
    before = recorded()
    # when
    response = client.get(evidence_url(draft_evidence))
    # then
    if who == "citizen_a":
        assert_the_file(response, draft_evidence)
    else:
        assert_refused(response, who)
    assert recorded() == before


@pytest.mark.parametrize("who", CLIENTS)
def test_evidence_of_a_case_in_review_is_for_its_handler_and_deciders(
    request, as_user, submitted_evidence, clerk, who
):
    # given: the clerk has claimed it; now the clerk handles it and approvers may decide
    services.case_claim(actor=clerk, case=submitted_evidence.case)
    client = client_for(request, as_user, who)
    before = recorded()
    # when
    response = client.get(evidence_url(submitted_evidence))
    # then
    if who in {"citizen_a", "clerk", "approver"}:
        assert_the_file(response, submitted_evidence)
    else:
        assert_refused(response, who)
    if who in {"clerk", "approver"}:
        assert_recorded_view(before, request.getfixturevalue(who), submitted_evidence.case)
    else:
        assert recorded() == before


@pytest.mark.parametrize("who", CLIENTS)
def test_evidence_of_a_decided_case_is_for_the_one_who_handled_it(
    request, as_user, submitted_evidence, clerk, approver, who
):
    # given: claimed by the clerk and approved: nobody may take a step any more
    case = services.case_claim(actor=clerk, case=submitted_evidence.case)
    services.case_approve(actor=approver, case=case, conditions="")
    client = client_for(request, as_user, who)
    before = recorded()
    # when
    response = client.get(evidence_url(submitted_evidence))
    # then
    if who in {"citizen_a", "clerk"}:
        assert_the_file(response, submitted_evidence)
    else:
        assert_refused(response, who)
    if who == "clerk":
        assert_recorded_view(before, clerk, submitted_evidence.case)
    else:
        assert recorded() == before


@pytest.mark.parametrize("who", CLIENTS)
def test_evidence_filed_at_the_counter(
    request, as_user, citizen_a, counter_officer, service_version, who
):
    # given: the counter officer files citizen A's application, with a file, and submits
    case = case_with_upload(
        actor=counter_officer, applicant=citizen_a, service_version=service_version
    )
    item = Evidence.objects.get(case=case)
    client = client_for(request, as_user, who)
    # when: asked while it is a draft, and again once submitted
    before = recorded()
    as_draft = client.get(evidence_url(item))
    after_draft = recorded()
    services.case_submit(actor=counter_officer, case=case, declaration=True)
    before_submitted = recorded()
    as_submitted = client.get(evidence_url(item))
    # then: the filer sees it throughout; officers who may claim it once it is submitted
    if who in {"citizen_a", "counter_officer"}:
        assert_the_file(as_draft, item)
    else:
        assert_refused(as_draft, who)
    if who in {"citizen_a", "counter_officer", "clerk", "approver"}:
        assert_the_file(as_submitted, item)
    else:
        assert_refused(as_submitted, who)
    # the filer's look at the draft is an officer looking at the person's data
    if who == "counter_officer":
        assert_recorded_view(before, counter_officer, case, after_draft)
    else:
        assert after_draft == before
    if who in {"clerk", "approver"}:
        assert_recorded_view(before_submitted, request.getfixturevalue(who), case)
    elif who != "counter_officer":  # the filer's second look falls in the same window
        assert recorded() == before_submitted


@pytest.mark.parametrize("who", ["citizen_b", "counter_officer", "foreign_officer", "agency_admin"])
@pytest.mark.parametrize("stage", ["draft", "submitted"])
def test_someone_elses_evidence_looks_exactly_like_missing_evidence(
    request, as_user, citizen_a, draft_evidence, who, stage
):
    # given
    if stage == "submitted":
        services.case_submit(actor=citizen_a, case=draft_evidence.case, declaration=True)
    client = client_for(request, as_user, who)
    missing_id = uuid.uuid4()
    # when
    theirs = client.get(evidence_url(draft_evidence))
    missing = client.get(evidence_url(missing_id))
    # then
    assert theirs.status_code == missing.status_code == 404
    # the pages differ only in the address asked for and the per-response CSRF token
    assert normalised(theirs, draft_evidence.uuid) == normalised(missing, missing_id)
    assert dict(theirs.items()) == dict(missing.items())
