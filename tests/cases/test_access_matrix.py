"""Every protected case operation, tried by every kind of client.

Anonymous, citizen A (the applicant), citizen B, an officer of the owning agency with
and without the role the workflow names, an officer of another agency, and the agency
admin. Refused clients get the same answer as for a case that does not exist (404, or
the sign-in page for anonymous), and nothing changes: no state, no event, no message.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.urls import reverse

from goodgov.cases import services
from goodgov.cases.models import Case
from goodgov.ledger import sequencer
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from tests.cases.conftest import ANSWERS, submitted_case

pytestmark = pytest.mark.django_db

CLIENTS = [
    "anonymous",
    "citizen_a",
    "citizen_b",
    "clerk",
    "approver",
    "counter_officer",
    "foreign_officer",
    "agency_admin",
]


def client_for(request: Any, as_user: Any, who: str) -> Any:
    return as_user(None if who == "anonymous" else request.getfixturevalue(who))


def snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.state,
        case.assignee_id,
        case.decided_at,
        Event.objects.count(),
        Message.objects.count(),
    )


def normalised(response: Any, asked: Any) -> str:
    """A page without the address asked for and the per-response CSRF token."""
    text = response.content.decode().replace(str(asked), "ID")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def assert_refused(response: Any, who: str) -> None:
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", CLIENTS)
def test_reading_a_case_page(request, as_user, submitted, who):
    response = client_for(request, as_user, who).get(
        reverse("cases:detail", kwargs={"case_id": submitted.uuid})
    )
    if who == "citizen_a":
        assert response.status_code == 200
        assert submitted.reference in response.content.decode()
    else:
        assert_refused(response, who)


@pytest.mark.parametrize("who", ["citizen_b", "clerk"])
def test_someone_elses_case_looks_exactly_like_a_missing_one(request, as_user, submitted, who):
    client = client_for(request, as_user, who)
    missing_id = uuid.uuid4()
    theirs = client.get(reverse("cases:detail", kwargs={"case_id": submitted.uuid}))
    missing = client.get(reverse("cases:detail", kwargs={"case_id": missing_id}))
    assert theirs.status_code == missing.status_code == 404
    # the pages differ only in the address asked for and the per-response CSRF token
    assert normalised(theirs, submitted.uuid) == normalised(missing, missing_id)


@pytest.mark.parametrize("who", CLIENTS)
def test_office_case_page(request, as_user, submitted, who):
    response = client_for(request, as_user, who).get(
        reverse("office:case", kwargs={"case_id": submitted.uuid})
    )
    if who in {"clerk", "approver", "counter_officer", "agency_admin"}:
        assert response.status_code == 200
    else:
        assert_refused(response, who)


@pytest.mark.parametrize("who", CLIENTS)
def test_claim(request, as_user, submitted, who):
    client = client_for(request, as_user, who)
    before = snapshot(submitted)
    response = client.post(reverse("office:claim", kwargs={"case_id": submitted.uuid}))
    if who in {"clerk", "approver"}:
        assert response.status_code == 302
        submitted.refresh_from_db()
        assert submitted.state == "in_review"
    else:
        assert_refused(response, who)
        assert snapshot(submitted) == before


@pytest.mark.parametrize("who", CLIENTS)
def test_request_information(request, as_user, in_review, who):
    client = client_for(request, as_user, who)
    before = snapshot(in_review)
    response = client.post(
        reverse("office:request_info", kwargs={"case_id": in_review.uuid}),
        {"message": "ขอเอกสารเพิ่มเติม"},
    )
    if who in {"clerk", "approver"}:
        assert response.status_code == 302
        in_review.refresh_from_db()
        assert in_review.state == "info_requested"
    else:
        assert_refused(response, who)
        assert snapshot(in_review) == before


@pytest.mark.parametrize("who", CLIENTS)
def test_approve(request, as_user, in_review, who):
    client = client_for(request, as_user, who)
    before = snapshot(in_review)
    response = client.post(
        reverse("office:approve", kwargs={"case_id": in_review.uuid}), {"conditions": ""}
    )
    if who == "approver":
        assert response.status_code == 302
        in_review.refresh_from_db()
        assert in_review.state == "approved"
    else:
        # the clerk is an officer of the agency without the approver role
        assert_refused(response, who)
        assert snapshot(in_review) == before


@pytest.mark.parametrize("who", CLIENTS)
def test_reject(request, as_user, in_review, who):
    client = client_for(request, as_user, who)
    before = snapshot(in_review)
    response = client.post(
        reverse("office:reject", kwargs={"case_id": in_review.uuid}),
        {"reasons": "ไม่ผ่านเกณฑ์", "legal_ground": "0"},
    )
    if who == "approver":
        assert response.status_code == 302
        in_review.refresh_from_db()
        assert in_review.state == "rejected"
    else:
        assert_refused(response, who)
        assert snapshot(in_review) == before


@pytest.mark.parametrize("who", ["clerk", "counter_officer", "agency_admin"])
@pytest.mark.parametrize("step", ["approve", "reject"])
def test_without_the_role_bad_input_is_refused_alike(request, as_user, in_review, who, step):
    # given: officers of the agency without the approver role, sending an empty form
    client = client_for(request, as_user, who)
    before = snapshot(in_review)

    # when
    response = client.post(reverse(f"office:{step}", kwargs={"case_id": in_review.uuid}), {})

    # then: refused as with good input (not a form error on a page they may read)
    assert response.status_code == 404
    assert snapshot(in_review) == before


@pytest.mark.parametrize("who", CLIENTS)
def test_withdraw(request, as_user, submitted, who):
    client = client_for(request, as_user, who)
    before = snapshot(submitted)
    response = client.post(reverse("cases:withdraw", kwargs={"case_id": submitted.uuid}))
    if who == "citizen_a":
        assert response.status_code == 302
        submitted.refresh_from_db()
        assert submitted.state == "withdrawn"
    else:
        assert_refused(response, who)
        assert snapshot(submitted) == before


@pytest.mark.parametrize("who", CLIENTS)
def test_answer_a_request_for_information(request, as_user, in_review, clerk, who):
    services.case_request_info(actor=clerk, case=in_review, message="ขอเอกสารเพิ่มเติม")
    client = client_for(request, as_user, who)
    before = snapshot(in_review)
    response = client.post(
        reverse("cases:answer", kwargs={"case_id": in_review.uuid}), {"response": "ส่งแล้ว"}
    )
    if who == "citizen_a":
        assert response.status_code == 302
        in_review.refresh_from_db()
        assert in_review.state == "in_review"
    else:
        assert_refused(response, who)
        assert snapshot(in_review) == before


@pytest.mark.parametrize("who", CLIENTS)
def test_editing_a_draft(request, as_user, citizen_a, service_version, who):
    draft = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    client = client_for(request, as_user, who)
    before = (Event.objects.count(), Case.objects.get(pk=draft.pk).data)
    url = reverse("cases:edit", kwargs={"case_id": draft.uuid})
    page = client.get(url)
    post = client.post(url, {"_action": "draft", "shop_name": "ร้านของคนอื่น"})
    if who == "citizen_a":
        assert page.status_code == 200 and post.status_code == 302
        assert Case.objects.get(pk=draft.pk).data == {"shop_name": "ร้านของคนอื่น"}
    else:
        assert_refused(page, who)
        assert_refused(post, who)
        assert (Event.objects.count(), Case.objects.get(pk=draft.pk).data) == before


@pytest.mark.parametrize(
    "who", ["clerk", "approver", "counter_officer", "agency_admin", "foreign_officer"]
)
def test_officers_never_see_drafts(request, as_user, citizen_a, service_version, who):
    draft = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    response = client_for(request, as_user, who).get(
        reverse("office:case", kwargs={"case_id": draft.uuid})
    )
    assert response.status_code == 404


def test_queue_lists_only_the_officers_agency(as_user, submitted, clerk, foreign_officer):
    mine = as_user(clerk).get(reverse("office:queue"))
    theirs = as_user(foreign_officer).get(reverse("office:queue"))
    assert submitted.reference in mine.content.decode()
    assert submitted.reference not in theirs.content.decode()


@pytest.mark.parametrize("who", ["citizen_a", "citizen_b"])
def test_citizens_have_no_queue(request, as_user, who):
    assert client_for(request, as_user, who).get(reverse("office:queue")).status_code == 404


def test_national_id_is_masked_for_officers_not_working_cases(
    as_user, submitted, agency_admin, clerk, citizen_a
):
    admin_page = (
        as_user(agency_admin)
        .get(reverse("office:case", kwargs={"case_id": submitted.uuid}))
        .content.decode()
    )
    clerk_page = (
        as_user(clerk)
        .get(reverse("office:case", kwargs={"case_id": submitted.uuid}))
        .content.decode()
    )
    assert citizen_a.national_id_masked in admin_page
    assert citizen_a.national_id_display not in admin_page
    assert citizen_a.national_id_display in clerk_page


# ----------------------------------------------------------------- the JSON API

API = "/api/v1/cases"


def counter_filed(counter_officer: Any, applicant: Any, service_version: Any) -> Case:
    """``applicant``'s case, filed and submitted for them by ``counter_officer``."""
    case = services.case_start(
        actor=counter_officer, applicant=applicant, service=service_version.service
    )
    services.case_save_draft(actor=counter_officer, case=case, answers=dict(ANSWERS))
    return services.case_submit(actor=counter_officer, case=case, declaration=True)


@pytest.fixture
def own_cases(
    request: Any, submitted: Case, citizen_a: Any, counter_officer: Any, service_version: Any
) -> dict[str, set[str]]:
    """Every signed-in client's own cases: citizen A has one made online, one filed for
    them at the counter and a draft; everyone else (officers too) one application."""
    draft = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    at_counter = counter_filed(counter_officer, citizen_a, service_version)
    mine = {"citizen_a": {str(submitted.uuid), str(at_counter.uuid), str(draft.uuid)}}
    for who in CLIENTS:
        if who not in ("anonymous", "citizen_a"):
            own = submitted_case(request.getfixturevalue(who), service_version)
            mine[who] = {str(own.uuid)}
    return mine


@pytest.mark.parametrize("who", CLIENTS)
def test_api_lists_only_the_clients_own_cases(request, as_user, own_cases, who):
    # given
    client = client_for(request, as_user, who)
    before = Event.objects.count(), Message.objects.count()
    # when
    response = client.get(API)
    # then: "my cases": an officer sees none of citizen A's cases here, not even the one
    # the counter officer filed for them
    if who == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 200
        ids = [case["id"] for case in response.json()]
        assert sorted(ids) == sorted(own_cases[who])
    assert (Event.objects.count(), Message.objects.count()) == before


@pytest.fixture
def api_cases(submitted: Case, citizen_a: Any, counter_officer: Any, service_version: Any):
    """Citizen A's cases of each kind, by name."""
    return {
        "online": submitted,
        "draft": services.case_start(
            actor=citizen_a, applicant=citizen_a, service=service_version.service
        ),
        "filed_at_counter": counter_filed(counter_officer, citizen_a, service_version),
    }


@pytest.mark.parametrize("kind", ["online", "draft", "filed_at_counter"])
@pytest.mark.parametrize("who", CLIENTS)
def test_api_reads_a_case_for_its_applicant_only(request, as_user, api_cases, who, kind):
    # given
    case = api_cases[kind]
    client = client_for(request, as_user, who)
    before = snapshot(case)
    missing_id = uuid.uuid4()
    # when
    theirs = client.get(f"{API}/{case.uuid}")
    missing = client.get(f"{API}/{missing_id}")
    # then
    if who == "citizen_a":
        assert theirs.status_code == 200
        body = theirs.json()
        assert body["id"] == str(case.uuid)
        assert body["reference"] == case.reference and body["state"] == case.state
        assert missing.status_code == 404
    else:
        # refused exactly as a case that does not exist is (401 when not signed in);
        # whatever the body says, it is the same for both
        assert theirs.status_code == missing.status_code == (401 if who == "anonymous" else 404)
        assert theirs.content == missing.content
        assert theirs["Content-Type"] == missing["Content-Type"]
        assert str(case.uuid) not in theirs.content.decode()
        if case.reference:
            assert case.reference not in theirs.content.decode()
    assert snapshot(case) == before


# ----------------------------------------------------------------- receipts and ratings


@pytest.fixture
def receipt_index(submitted: Case) -> int:
    """The ledger index of the case's submission, once sequenced."""
    sequencer.sequence_all()
    return Event.objects.get(
        subject_type="cases.case", subject_id=str(submitted.pk), action="case.submitted"
    ).leaf_index


def receipt_url(case_id: Any, index: int) -> str:
    return reverse("cases:receipt", kwargs={"case_id": case_id, "index": index})


@pytest.mark.parametrize("who", CLIENTS)
def test_receipt(request, as_user, submitted, receipt_index, citizen_a, who):
    # given
    client = client_for(request, as_user, who)
    before = snapshot(submitted)
    # when
    response = client.get(receipt_url(submitted.uuid, receipt_index))
    # then
    if who == "citizen_a":
        assert response.status_code == 200
        assert json.loads(response.content)["person"]["user"] == citizen_a.pk
    else:
        assert_refused(response, who)
    assert snapshot(submitted) == before


@pytest.mark.parametrize("who", ["citizen_b", "clerk", "approver"])
def test_someone_elses_receipt_looks_exactly_like_a_missing_case(
    request, as_user, submitted, receipt_index, who
):
    client = client_for(request, as_user, who)
    missing_id = uuid.uuid4()
    # when
    theirs = client.get(receipt_url(submitted.uuid, receipt_index))
    missing = client.get(receipt_url(missing_id, receipt_index))
    # then
    assert theirs.status_code == missing.status_code == 404
    assert normalised(theirs, submitted.uuid) == normalised(missing, missing_id)


@pytest.fixture
def approved(in_review: Case, approver: Any) -> Case:
    return services.case_approve(actor=approver, case=in_review, conditions="")


def rate_url(case_id: Any) -> str:
    return reverse("cases:rate", kwargs={"case_id": case_id})


def ratings() -> list[Any]:
    return list(Event.objects.filter(action="case.rated").values_list("actor_id", "public"))


@pytest.mark.parametrize("who", CLIENTS)
def test_rate(request, as_user, approved, citizen_a, who):
    # given: a closed case, not yet rated
    client = client_for(request, as_user, who)
    before = snapshot(approved)
    # when
    response = client.post(rate_url(approved.uuid), {"score": "4", "comment": "ดี"})
    # then
    if who == "citizen_a":
        assert response.status_code == 302
        assert [public["score"] for _actor, public in ratings()] == [4]
    else:
        assert_refused(response, who)
        assert snapshot(approved) == before
        assert ratings() == []


@pytest.mark.parametrize("who", ["citizen_b", "clerk", "approver"])
def test_rating_someone_elses_case_looks_exactly_like_a_missing_one(
    request, as_user, approved, who
):
    client = client_for(request, as_user, who)
    missing_id = uuid.uuid4()
    # when
    theirs = client.post(rate_url(approved.uuid), {"score": "1"})
    missing = client.post(rate_url(missing_id), {"score": "1"})
    # then
    assert theirs.status_code == missing.status_code == 404
    assert normalised(theirs, approved.uuid) == normalised(missing, missing_id)
    assert ratings() == []
