"""Filing at the counter: an officer with the counter role finds or registers a person
who has no device and files for them; the case is recorded as filed at the counter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goodgov.accounts.selectors import user_by_national_id
from goodgov.cases.models import Case
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS

pytestmark = pytest.mark.django_db

NEW_PERSON_ID = "1509901234569"


def test_counter_officer_finds_a_person_by_national_id(
    as_user, counter_officer, citizen_b, service_version
):
    response = as_user(counter_officer).get(
        reverse("office:counter"), {"national_id": "3-1006-00445-78-3"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert citizen_b.full_name in html
    assert "Test permit" in html or "ใบอนุญาตทดสอบ" in html


def test_counter_officer_registers_a_person_without_email_or_phone_and_files_for_them(
    as_user, counter_officer, service_version
):
    client = as_user(counter_officer)
    # given: nobody has this national ID yet
    page = client.get(reverse("office:counter"), {"national_id": NEW_PERSON_ID})
    assert 'name="full_name"' in page.content.decode()
    # when: registered with a name only, then an application started and filed
    client.post(
        reverse("office:counter"), {"national_id": NEW_PERSON_ID, "full_name": "นายมานะ ไม่มีมือถือ"}
    )
    person = user_by_national_id(NEW_PERSON_ID)
    assert person is not None and person.email is None and person.phone is None
    assert not person.has_usable_password()
    start = client.post(
        reverse("office:counter_start"), {"national_id": NEW_PERSON_ID, "service": "test-permit"}
    )
    case = Case.objects.get(applicant=person)
    assert start["Location"] == reverse("cases:edit", kwargs={"case_id": case.uuid})
    filled = client.post(
        start["Location"],
        {
            "_action": "continue",
            "shop_name": ANSWERS["shop_name"],
            "opening_date_0": "1",
            "opening_date_1": "12",
            "opening_date_2": "2569",  # Buddhist era, on the Thai form
        },
    )
    assert filled.status_code == 302
    submitted = client.post(
        reverse("cases:review", kwargs={"case_id": case.uuid}), {"declaration": "on"}
    )
    # then
    case.refresh_from_db()
    assert submitted.status_code == 302 and case.state == "submitted"
    assert (
        case.channel == "counter" and case.filed_by == counter_officer and case.applicant == person
    )
    registered = Event.objects.get(action="person.registered", subject_id=str(person.pk))
    assert registered.public["channel"] == "counter" and registered.actor == counter_officer


@pytest.mark.parametrize("who", ["citizen_a", "clerk", "approver", "foreign_officer"])
def test_only_counter_officers_of_the_agency_may_file_for_others(
    request, as_user, citizen_b, service_version, who
):
    client = as_user(request.getfixturevalue(who))
    events = Event.objects.count()
    page = client.get(reverse("office:counter"), {"national_id": citizen_b.national_id})
    if who == "foreign_officer":  # a counter officer, but of another agency: not our services
        assert page.status_code == 200 and 'value="test-permit"' not in page.content.decode()
    else:
        assert page.status_code == 404
    response = client.post(
        reverse("office:counter_start"),
        {"national_id": citizen_b.national_id, "service": "test-permit"},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()
    assert Event.objects.count() == events
