"""The officers' case page when a colleague got there first, who decided, and the queue's
filters.

A step on a case that has moved on is refused with the same message whatever was typed
(complete or not), nothing changes, and what was typed is shown back to copy. The case
page names the officer who took the decision, not only the one who handled the case.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from goodgov.agencies.models import Agency
from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from tests.conftest import make_officer
from tests.core.test_kept_forms import end_session, sign_in_again

pytestmark = pytest.mark.django_db

CLOSED = "This application has already been closed (approved). Nothing was changed."
TYPED = "my long typed reasons"


def en(name: str, case: Case) -> str:
    with translation.override("en"):
        return reverse(name, kwargs={"case_id": case.uuid})


@pytest.fixture
def second_approver(agency: Agency) -> Any:
    return make_officer("approver2@tbnk.example.test", agency, "officer", "approver")


@pytest.fixture
def approved(in_review: Case, approver: Any) -> Case:
    return services.case_approve(actor=approver, case=in_review)


def snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.state, case.decided_at, Event.objects.count(), Message.objects.count())


@pytest.mark.parametrize(
    "data",
    [
        {"reasons": TYPED, "legal_ground": ""},  # incomplete
        {"reasons": TYPED, "legal_ground": "0"},  # complete
    ],
)
def test_refusing_a_case_a_colleague_approved_says_so_and_keeps_the_typing(
    as_user, approved, second_approver, clerk, data
):
    # given
    before = snapshot(approved)

    # when
    response = as_user(second_approver).post(en("office:reject", approved), data)
    without_role = as_user(clerk).post(en("office:reject", approved), data)

    # then: the conflict, whatever was typed; the reasons shown back; nothing changed
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert CLOSED in page
    assert "<title>Error:" in page
    assert "There is a problem" not in page  # no errors about a form that is not shown
    assert "What you typed has not been sent" in page
    assert f'<dd class="govuk-summary-list__value">{TYPED}</dd>' in page
    assert 'action="' + en("office:reject", approved) + '"' not in page
    assert snapshot(approved) == before
    assert approved.state == State.APPROVED
    assert not Event.objects.filter(action="case.rejected").exists()
    # an officer who could not have refused it is told nothing about it (404, as before)
    assert without_role.status_code == 404
    assert CLOSED not in without_role.content.decode()


def test_a_refusal_kept_over_sign_in_is_shown_back_when_a_colleague_approved_meanwhile(
    as_user, in_review, approver, second_approver
):
    # given: the second approver's session ends while they write a refusal, and they send it
    client = as_user(second_approver)
    end_session(client)
    sent = client.post(en("office:reject", in_review), {"reasons": TYPED, "legal_ground": "0"})
    assert sent.status_code == 302
    # ... and meanwhile a colleague approves
    services.case_approve(actor=approver, case=in_review)

    # when: they sign in again and come back to the case page
    page_url = en("office:case", in_review)
    sign_in_again(client, second_approver, page_url)
    page = html.unescape(client.get(page_url).content.decode())

    # then: why the refusal cannot be sent, and their reasons to copy
    assert CLOSED in page
    assert f'<dd class="govuk-summary-list__value">{TYPED}</dd>' in page
    in_review.refresh_from_db()
    assert in_review.state == State.APPROVED


def test_approving_with_nothing_typed_after_a_colleague_approved(
    as_user, approved, second_approver
):
    # given
    before = snapshot(approved)

    # when
    response = as_user(second_approver).post(en("office:approve", approved), {"conditions": ""})

    # then: the message, and no "what you typed" when nothing was
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert CLOSED in page
    assert "What you typed has not been sent" not in page
    assert snapshot(approved) == before


def test_claiming_a_case_a_colleague_claimed_says_so(as_user, in_review, approver):
    # when
    response = as_user(approver).post(en("office:claim", in_review))

    # then
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert "This application is now “in_review”, so this step is not possible." in page
    in_review.refresh_from_db()
    assert in_review.assignee.email == "clerk@tbnk.example.test"


def test_the_case_page_names_who_decided(as_user, in_review, approver, clerk):
    # given: the clerk handles the case, so far undecided
    client = as_user(clerk)
    undecided = client.get(en("office:case", in_review)).content.decode()

    # when: the approver decides
    services.case_approve(actor=approver, case=in_review)
    decided = client.get(en("office:case", in_review)).content.decode()

    # then
    assert "Decided by" not in undecided
    handled = (
        '<dt class="govuk-summary-list__key">Handled by</dt>'
        '<dd class="govuk-summary-list__value">clerk</dd>'
    )
    assert handled in decided
    assert (
        '<dt class="govuk-summary-list__key">Decided by</dt>'
        '<dd class="govuk-summary-list__value">approver</dd>'
    ) in decided


def test_the_case_page_names_who_refused(as_user, in_review, second_approver, clerk):
    # when
    services.case_reject(actor=second_approver, case=in_review, reasons=TYPED, legal_ground=0)
    page = as_user(clerk).get(en("office:case", in_review)).content.decode()

    # then
    assert (
        '<dt class="govuk-summary-list__key">Decided by</dt>'
        '<dd class="govuk-summary-list__value">approver2</dd>'
    ) in page


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("service", "Select a service from the list"),
        ("state", "Select a status from the list"),
        ("due", "Select a due date from the list"),
    ],
)
def test_an_unknown_queue_filter_is_named_plainly(as_user, clerk, submitted, field, message):
    # when
    with translation.override("en"):
        english = as_user(clerk).get(reverse("office:queue"), {field: "bogus"})
    thai = as_user(clerk).get(reverse("office:queue"), {field: "bogus"})

    # then: the field's own message (the other filters still apply), not Django's
    assert f'<a href="#id_{field}">{message}</a>' in english.content.decode()
    assert "Select a valid choice" not in english.content.decode()
    assert "เลือกตัวเลือกที่ถูกต้อง" not in thai.content.decode()
    assert submitted.reference in english.content.decode()
