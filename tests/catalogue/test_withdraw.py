"""Withdrawing a service (``goodgov catalogue withdraw``) and reopening it: the service
leaves the catalogue and takes no application, the cases already submitted go on, and
each step is an official act in the ledger with its reason public."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from goodgov.cases import services as cases
from goodgov.cases.models import Case, State
from goodgov.catalogue.models import Service
from goodgov.catalogue.services import (
    ServiceStateError,
    service_publish,
    service_reopen,
    service_withdraw,
)
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS, submitted_case

REASON = "Replaced by the province's one-stop licence service from 1 January."


def _events(action: str) -> list[dict[str, Any]]:
    return list(Event.objects.filter(action=action).order_by("id").values_list("public", flat=True))


def test_a_withdrawn_service_leaves_the_catalogue_and_takes_no_application(
    service_version: Any, citizen_a: Any, citizen_b: Any, as_user: Any
) -> None:
    # given: a draft by citizen B, and the service's page open to all
    code = service_version.service.code
    draft = cases.case_start(actor=citizen_b, applicant=citizen_b, service=service_version.service)
    cases.case_save_draft(actor=citizen_b, case=draft, answers=dict(ANSWERS))
    assert as_user(None).get(f"/en/services/{code}/").status_code == 200

    # when
    service_withdraw(actor=None, code=code, reason=REASON)

    # then: its page, its place in the list and the API are gone
    assert as_user(None).get(f"/en/services/{code}/").status_code == 404
    listed = [s["code"] for s in as_user(None).get("/api/v1/services").json()]
    assert code not in listed
    # and no one can start an application or submit a draft
    with pytest.raises(cases.CaseError):
        cases.case_start(
            actor=citizen_a, applicant=citizen_a, service=Service.objects.get(code=code)
        )
    with pytest.raises(cases.CaseError):
        cases.case_submit(actor=citizen_b, case=draft, declaration=True)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.reference is None


def test_the_cases_already_submitted_go_on_to_their_decisions(
    service_version: Any, citizen_a: Any, clerk: Any, approver: Any
) -> None:
    # given
    case = submitted_case(citizen_a, service_version)
    service_withdraw(actor=None, code=service_version.service.code, reason=REASON)

    # when
    cases.case_claim(actor=clerk, case=case)
    cases.case_approve(actor=approver, case=Case.objects.get(pk=case.pk), conditions="")

    # then
    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_withdrawing_records_the_act_with_its_public_reason(service_version: Any) -> None:
    # when
    service_withdraw(
        actor=None, code=service_version.service.code, reason=f"  {REASON}\n  (see notice) "
    )

    # then: one event, the reason as typed with its spacing tidied
    assert _events("service.withdrawn") == [
        {"service": "test-permit", "agency": "TBNK", "reason": f"{REASON} (see notice)"}
    ]


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [
        ("test-permit", "   ", "give the reason"),
        ("test-permit", "x" * 501, "at most 500 characters"),
        ("no-such-service", REASON, "no service has the code 'no-such-service'"),
    ],
)
def test_a_withdrawal_without_a_reason_or_a_service_changes_nothing(
    service_version: Any, code: str, reason: str, message: str
) -> None:
    with pytest.raises(ServiceStateError, match=message):
        service_withdraw(actor=None, code=code, reason=reason)
    assert Service.objects.get(code="test-permit").active
    assert _events("service.withdrawn") == []


def test_a_service_is_withdrawn_once_and_reopened_once(service_version: Any) -> None:
    code = service_version.service.code
    # given
    service_withdraw(actor=None, code=code, reason=REASON)
    # when / then: withdrawing again is refused and records nothing
    with pytest.raises(ServiceStateError, match="already withdrawn"):
        service_withdraw(actor=None, code=code, reason=REASON)
    assert len(_events("service.withdrawn")) == 1

    # when: reopened, it takes applications again, under its current version
    service_reopen(actor=None, code=code)
    service = Service.objects.get(code=code)
    assert service.active and service.current_id == service_version.pk
    assert _events("service.reopened") == [{"service": code, "agency": "TBNK"}]
    # and reopening an open service is refused
    with pytest.raises(ServiceStateError, match="is not withdrawn"):
        service_reopen(actor=None, code=code)
    assert len(_events("service.reopened")) == 1


def test_publishing_a_new_version_does_not_reopen_a_withdrawn_service(
    service_version: Any, definition: dict[str, Any]
) -> None:
    # given
    service_withdraw(actor=None, code="test-permit", reason=REASON)
    # when
    definition["fee"]["amount"] = 123
    version = service_publish(actor=None, definition=definition, source="tests")
    # then: the version is current, the service still withdrawn
    service = Service.objects.get(code="test-permit")
    assert service.current_id == version.pk and version.number == 2
    assert not service.active


def test_the_command_withdraws_and_reopens_and_names_what_is_wrong(service_version: Any) -> None:
    out = StringIO()
    call_command("catalogue", "withdraw", "test-permit", "--reason", REASON, stdout=out)
    assert out.getvalue() == (
        "test-permit: withdrawn; its submitted cases go on to their decisions.\n"
    )
    with pytest.raises(CommandError, match="'test-permit' is already withdrawn"):
        call_command("catalogue", "withdraw", "test-permit", "--reason", REASON)

    out = StringIO()
    call_command("catalogue", "reopen", "test-permit", stdout=out)
    assert out.getvalue() == "test-permit: taking applications again.\n"
    assert Service.objects.get(code="test-permit").active
