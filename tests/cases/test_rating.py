"""The satisfaction survey: offered on a closed case, to its applicant only, once."""

from __future__ import annotations

from typing import Any

import pytest

from goodgov.cases import services
from goodgov.cases.models import Case
from goodgov.ledger.models import Event
from goodgov.ledger.schemas import check
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db

QUESTION = "How satisfied are you with this service?"


@pytest.fixture
def approved(in_review: Case, approver: Any) -> Case:
    return services.case_approve(actor=approver, case=in_review)


def ratings() -> list[Event]:
    return list(Event.objects.filter(action="case.rated").order_by("id"))


def rate_url(case: Case) -> str:
    return f"/en/cases/{case.uuid}/rate/"


def detail_url(case: Case) -> str:
    return f"/en/cases/{case.uuid}/"


def test_the_applicant_is_asked_once_the_case_is_closed(
    approved: Case, citizen_a: Any, as_user: Any
):
    # given / when
    html = as_user(citizen_a).get(detail_url(approved)).content.decode()
    # then
    assert QUESTION in html
    assert f'action="{rate_url(approved)}"' in html
    assert 'name="score" value="5"' in html and 'name="score" value="1"' in html


def test_an_open_case_offers_no_survey(in_review: Case, citizen_a: Any, as_user: Any):
    # given / when
    html = as_user(citizen_a).get(detail_url(in_review)).content.decode()
    # then
    assert QUESTION not in html


def test_an_answer_is_recorded_with_the_comment_kept_private(
    approved: Case, citizen_a: Any, as_user: Any
):
    # given
    client = as_user(citizen_a)
    # when
    response = client.post(rate_url(approved), {"score": "4", "comment": "  Quick, thanks.  "})
    # then
    assert response.status_code == 302 and response["Location"] == detail_url(approved)
    [event] = ratings()
    assert event.public == {
        "reference": approved.reference,
        "agency": "TBNK",
        "service": "test-permit",
        "score": 4,
    }
    assert event.private == {"comment": "Quick, thanks."}
    assert event.agency.code == "TBNK"
    check("case.rated", event.public)
    html = client.get(detail_url(approved)).content.decode()
    assert QUESTION not in html
    assert "you have told us how satisfied you are with this service" in html


def test_an_answer_without_a_comment_has_no_private_part(
    approved: Case, citizen_a: Any, as_user: Any
):
    # given / when
    as_user(citizen_a).post(rate_url(approved), {"score": "1", "comment": ""})
    # then
    [event] = ratings()
    assert event.public["score"] == 1
    assert event.private is None


def test_a_second_answer_is_not_recorded(approved: Case, citizen_a: Any, as_user: Any):
    # given
    client = as_user(citizen_a)
    client.post(rate_url(approved), {"score": "5"})
    # when
    response = client.post(rate_url(approved), {"score": "1"}, follow=True)
    # then
    assert [e.public["score"] for e in ratings()] == [5]
    assert "You have already told us how satisfied you are." in response.content.decode()


def test_a_missing_score_is_an_error_that_keeps_the_comment(
    approved: Case, citizen_a: Any, as_user: Any
):
    # given / when
    response = as_user(citizen_a).post(rate_url(approved), {"comment": "Too slow"})
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_score_0">Choose how satisfied you are with this service.</a>' in html
    assert "\nToo slow</textarea>" in html
    assert ratings() == []


@pytest.mark.parametrize("who", ["citizen_b", "clerk", "approver", "foreign_officer"])
def test_nobody_but_the_applicant_may_answer(
    who: str, approved: Case, as_user: Any, request: pytest.FixtureRequest
):
    # given
    client = as_user(request.getfixturevalue(who))
    # when
    page = client.get(detail_url(approved))
    response = client.post(rate_url(approved), {"score": "1"})
    # then
    assert page.status_code == 404
    assert response.status_code == 404
    assert ratings() == []


def test_a_stranger_is_sent_to_sign_in(approved: Case, as_user: Any):
    # given / when
    response = as_user(None).post(rate_url(approved), {"score": "1"})
    # then
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert ratings() == []


def test_an_open_case_cannot_be_rated(in_review: Case, citizen_a: Any, as_user: Any):
    # given / when
    response = as_user(citizen_a).post(rate_url(in_review), {"score": "3"})
    # then
    assert response.status_code == 404
    assert ratings() == []


def test_a_withdrawn_case_can_be_rated(submitted: Case, citizen_a: Any):
    # given
    case = services.case_withdraw(actor=citizen_a, case=submitted)
    # when
    services.case_rate(actor=citizen_a, case=case, score=2)
    # then
    assert [e.public["score"] for e in ratings()] == [2]


def test_a_refused_case_can_be_rated(in_review: Case, approver: Any, citizen_a: Any):
    # given
    case = services.case_reject(
        actor=approver, case=in_review, reasons="Incomplete", legal_ground=0
    )
    # when
    services.case_rate(actor=citizen_a, case=case, score=3, comment="ok")
    # then
    assert [e.public["score"] for e in ratings()] == [3]


@pytest.mark.parametrize("score", [0, 6, True, "5"])
def test_the_service_takes_scores_from_1_to_5_only(score: Any, approved: Case, citizen_a: Any):
    # given / when / then
    with pytest.raises(services.CaseError) as raised:
        services.case_rate(actor=citizen_a, case=approved, score=score)
    assert raised.value.field == "score"
    assert ratings() == []


def test_the_service_refuses_a_long_comment(approved: Case, citizen_a: Any):
    # given / when / then
    with pytest.raises(services.CaseError) as raised:
        services.case_rate(actor=citizen_a, case=approved, score=3, comment="x" * 2001)
    assert raised.value.field == "comment"
    assert ratings() == []


def test_the_service_refuses_another_person(approved: Case, citizen_b: Any, service_version: Any):
    # given: citizen B has a closed case of their own too
    own = services.case_withdraw(actor=citizen_b, case=submitted_case(citizen_b, service_version))
    # when / then
    with pytest.raises(services.NotAllowed):
        services.case_rate(actor=citizen_b, case=approved, score=5)
    services.case_rate(actor=citizen_b, case=own, score=5)
    assert [e.public["reference"] for e in ratings()] == [own.reference]
