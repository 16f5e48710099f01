"""A draft moves to its service's current version when the person opens it or submits it:
the answers the new form still accepts are kept, the rest dropped, and the person checks
them before sending. Submitted cases keep the version they were filed under."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from goodgov.cases import services
from goodgov.cases.models import Case, FetchedFact, State
from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.services import service_publish
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS, submitted_case
from tests.conftest import FETCHED

pytestmark = pytest.mark.django_db

CHANGED = "This service's form has changed since you started. Please check your answers."
CHANGED_HTML = escape(CHANGED)


def last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def actions_since(event_id: int) -> list[str]:
    return list(Event.objects.filter(id__gt=event_id).values_list("action", flat=True))


def second_version(definition: dict[str, Any]) -> dict[str, Any]:
    """Version 2 of the test service: a higher fee, the opening date no longer asked, at
    most 10 seats, a new required question and a new required upload."""
    v2 = copy.deepcopy(definition)
    v2["fee"] = {"amount": 300}
    form = v2["form"]
    del form["schema"]["properties"]["opening_date"]
    form["schema"]["properties"]["seats"]["maximum"] = 10
    form["schema"]["properties"]["licence_holder"] = {"type": "string", "maxLength": 200}
    form["schema"]["required"] = ["shop_name", "licence_holder"]
    form["ui"]["order"] = ["shop_name", "licence_holder", "seats"]
    del form["ui"]["fields"]["opening_date"]
    form["ui"]["fields"]["licence_holder"] = {
        "label": {"th": "ชื่อผู้ถือใบอนุญาต", "en": "Licence holder"}
    }
    v2["evidence"].append(
        {
            "key": "health_certificate",
            "name": {"th": "ใบรับรองแพทย์", "en": "Health certificate"},
            "kind": "upload",
            "required": True,
            "accept": ["application/pdf"],
        }
    )
    return v2


@pytest.fixture
def draft(citizen_a: Any, service_version: ServiceVersion) -> Case:
    """A complete draft started under version 1."""
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    return services.case_save_draft(actor=citizen_a, case=case, answers=dict(ANSWERS))


@pytest.fixture
def v2(definition: dict[str, Any], service_version: ServiceVersion) -> ServiceVersion:
    version = service_publish(actor=None, definition=second_version(definition), source="tests")
    assert version.number == 2
    return version


def fresh(case: Case) -> Case:
    return Case.objects.select_related("service", "version", "agency", "applicant").get(pk=case.pk)


def test_a_draft_moves_keeping_the_answers_the_new_form_accepts(draft, v2, citizen_a):
    # given
    before = last_event_id()
    # when
    moved = services.case_move_version(actor=citizen_a, case=fresh(draft))
    # then
    assert moved is not None and moved.version == v2
    draft.refresh_from_db()
    assert draft.version_id == v2.pk and draft.state == State.DRAFT
    assert draft.data == {"shop_name": ANSWERS["shop_name"]}
    assert actions_since(before) == ["case.version_moved"]
    event = Event.objects.get(action="case.version_moved")
    assert event.public == {"case": str(draft.uuid), "service": "test-permit", "from": 1, "to": 2}
    assert event.private == {"answers_dropped": ["opening_date", "seats"], "facts_dropped": []}
    assert event.actor == citizen_a


def test_a_draft_on_the_current_version_does_not_move_and_costs_no_query(
    draft, citizen_a, django_assert_num_queries
):
    # given
    case = fresh(draft)
    before = last_event_id()
    # when
    with django_assert_num_queries(0):
        moved = services.case_move_version(actor=citizen_a, case=case)
    # then
    assert moved is None and actions_since(before) == []


def test_nobody_else_moves_my_draft(draft, v2, citizen_b):
    # given
    before = last_event_id()
    # when / then
    with pytest.raises(services.NotAllowed):
        services.case_move_version(actor=citizen_b, case=fresh(draft))
    draft.refresh_from_db()
    assert draft.version.number == 1 and actions_since(before) == []


def test_a_submitted_case_keeps_its_version(citizen_a, service_version, definition):
    # given
    case = submitted_case(citizen_a, service_version)
    service_publish(actor=None, definition=second_version(definition), source="tests")
    before = last_event_id()
    # when / then
    with pytest.raises(services.NotAllowed):
        services.case_move_version(actor=citizen_a, case=fresh(case))
    case.refresh_from_db()
    assert case.version.number == 1 and case.data == ANSWERS
    assert actions_since(before) == []


def test_submitting_under_a_superseded_version_submits_nothing(draft, v2, citizen_a):
    # given
    before = last_event_id()
    # when / then
    with pytest.raises(services.VersionChanged):
        services.case_submit(actor=citizen_a, case=fresh(draft), declaration=True)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.reference is None
    assert draft.version.number == 1
    assert actions_since(before) == []


def test_a_service_that_stopped_taking_applications_takes_no_submission(draft, citizen_a):
    # given
    Service.objects.filter(pk=draft.service_id).update(active=False)
    before = last_event_id()
    # when / then
    with pytest.raises(services.CaseError) as raised:
        services.case_submit(actor=citizen_a, case=fresh(draft), declaration=True)
    with translation.override("en"):
        assert str(raised.value.message) == "This service is not taking applications."
    assert services.case_move_version(actor=citizen_a, case=fresh(draft)) is None
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and actions_since(before) == []


def test_filing_in_one_step_files_under_the_current_version(citizen_a, v2):
    # given: the service as the API finds it, and answers to version 1's form
    service = Service.objects.select_related("current", "agency").get(pk=v2.service_id)
    # when / then: version 2 is the form the answers are checked against
    with pytest.raises(services.CaseError) as raised:
        services.case_file(
            actor=citizen_a,
            applicant=citizen_a,
            service=service,
            answers=dict(ANSWERS),
            declaration=True,
        )
    assert set(raised.value.errors) == {"opening_date", "seats", "licence_holder"}
    # and version 2's answers are taken, but not without version 2's required upload
    with pytest.raises(services.CaseError) as raised:
        services.case_file(
            actor=citizen_a,
            applicant=citizen_a,
            service=service,
            answers={"shop_name": "ร้านใหม่", "licence_holder": "ผู้ถือ"},
            declaration=True,
        )
    with translation.override("en"):
        assert str(raised.value.message) == "Upload every required document before you submit."
    assert not Case.objects.exists()


def test_opening_the_draft_moves_it_and_says_so(as_user, draft, v2, citizen_a):
    # given
    client = as_user(citizen_a)
    # when
    with translation.override("en"):
        response = client.get(reverse("cases:edit", kwargs={"case_id": draft.uuid}))
    # then: the new form, with the answers kept, and the notice
    html = response.content.decode()
    assert response.status_code == 200
    assert CHANGED_HTML in html
    assert 'name="licence_holder"' in html and 'name="opening_date' not in html
    assert f'value="{ANSWERS["shop_name"]}"' in html
    assert 'value="20"' not in html
    assert "Health certificate" in html
    draft.refresh_from_db()
    assert draft.version_id == v2.pk
    # and opening it again says nothing more
    with translation.override("en"):
        again = client.get(reverse("cases:edit", kwargs={"case_id": draft.uuid}))
    assert CHANGED_HTML not in again.content.decode()
    assert Event.objects.filter(action="case.version_moved").count() == 1


def test_checking_the_answers_moves_the_draft_and_sends_the_person_to_edit(
    as_user, draft, v2, citizen_a
):
    # given
    client = as_user(citizen_a)
    # when
    with translation.override("en"):
        response = client.get(reverse("cases:review", kwargs={"case_id": draft.uuid}), follow=True)
        edit = reverse("cases:edit", kwargs={"case_id": draft.uuid})
    # then
    assert response.redirect_chain == [(edit, 302)]
    assert CHANGED_HTML in response.content.decode()
    draft.refresh_from_db()
    assert draft.version_id == v2.pk


def test_sending_under_the_old_version_sends_nothing_and_shows_the_new_form(
    as_user, draft, v2, citizen_a
):
    # given: the check-your-answers page was opened under version 1 (before v2)
    client = as_user(citizen_a)
    # when: the person confirms after version 2 was published
    with translation.override("en"):
        url = reverse("cases:review", kwargs={"case_id": draft.uuid})
        response = client.post(url, {"declaration": "on"})
        page = client.get(response["Location"])
        edit = reverse("cases:edit", kwargs={"case_id": draft.uuid})
    # then
    assert (response.status_code, response["Location"]) == (302, edit)
    assert CHANGED_HTML in page.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.reference is None
    assert draft.version_id == v2.pk
    assert not Event.objects.filter(action="case.submitted").exists()


def test_a_version_published_while_sending_is_caught_by_the_submission(
    as_user, draft, v2, citizen_a, monkeypatch
):
    # given: the view's own check runs just before version 2 is seen (a race)
    real = services.case_move_version
    calls: list[int] = []

    def late(*, actor: Any, case: Case) -> Case | None:
        calls.append(1)
        return None if len(calls) == 1 else real(actor=actor, case=case)

    monkeypatch.setattr(services, "case_move_version", late)
    client = as_user(citizen_a)
    # when
    with translation.override("en"):
        response = client.post(
            reverse("cases:review", kwargs={"case_id": draft.uuid}), {"declaration": "on"}
        )
        moves = len(calls)
        page = client.get(response["Location"])
        edit = reverse("cases:edit", kwargs={"case_id": draft.uuid})
    # then: submit refused it, the draft moved, the person is on the edit page, told why
    assert (response.status_code, response["Location"]) == (302, edit)
    assert moves == 2  # the view's check, then the move after the refused submission
    assert CHANGED_HTML in page.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.version_id == v2.pk


def test_what_was_typed_into_the_old_form_is_shown_in_the_new_one_unsaved(
    as_user, draft, v2, citizen_a
):
    # given
    client = as_user(citizen_a)
    # when: the person presses Continue on the version 1 form after version 2 was published
    with translation.override("en"):
        response = client.post(
            reverse("cases:edit", kwargs={"case_id": draft.uuid}),
            {"_action": "continue", "shop_name": "ร้านป้าแดงสาขาสอง", "seats": "8"},
        )
    # then: the new form, what they typed in it, the notice, nothing saved or submitted
    html = response.content.decode()
    assert response.status_code == 200
    assert CHANGED_HTML in html
    assert 'value="ร้านป้าแดงสาขาสอง"' in html and 'name="licence_holder"' in html
    draft.refresh_from_db()
    assert draft.data == {"shop_name": ANSWERS["shop_name"]}
    assert draft.version_id == v2.pk and draft.state == State.DRAFT
    assert list(Event.objects.filter(subject_id=str(draft.pk)).values_list("action", flat=True))[
        -1
    ] == ("case.version_moved")


def test_the_person_is_told_when_the_service_stopped_taking_applications(as_user, draft, citizen_a):
    # given
    Service.objects.filter(pk=draft.service_id).update(active=False)
    client = as_user(citizen_a)
    # when
    with translation.override("en"):
        url = reverse("cases:review", kwargs={"case_id": draft.uuid})
        shown = client.get(url)
        sent = client.post(url, {"declaration": "on"})
    # then: no way to send it, and sending anyway is refused
    assert shown.status_code == 200
    assert "This service is not taking applications." in shown.content.decode()
    assert "Accept and send" not in shown.content.decode()
    assert sent.status_code == 400
    assert "This service is not taking applications." in sent.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_fact_fetched_for_an_item_the_new_version_asks_differently_is_dropped(
    agency, citizen_a, definition
):
    # given: a service that fetches the registry record, and a draft holding it
    definition["evidence"] = [dict(FETCHED), {**FETCHED, "key": "second_record"}]
    v1 = service_publish(actor=None, definition=definition, source="tests")
    case = services.case_start(actor=citizen_a, applicant=citizen_a, service=v1.service)
    for item in ("registry_record", "second_record"):
        FetchedFact.objects.create(
            case=case,
            item=item,
            node="ddg",
            service="population",
            method="person",
            purpose="test-permit",
            legal_basis="pdpa-24-4",
            data={"age": 40},
            fetched_at=timezone.now(),
        )
    changed = copy.deepcopy(definition)
    changed["evidence"][0]["fields"] = ["age"]  # the first item now asks for less
    service_publish(actor=None, definition=changed, source="tests")
    # when
    moved = services.case_move_version(actor=citizen_a, case=fresh(case))
    # then
    assert moved is not None
    assert list(case.facts.values_list("item", flat=True)) == ["second_record"]
    event = Event.objects.get(action="case.version_moved")
    assert event.private == {"answers_dropped": [], "facts_dropped": ["registry_record"]}
