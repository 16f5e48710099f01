"""Filing at the counter: an officer with the counter role finds or registers a person
who has no device and files for them; the case is recorded as filed at the counter.

The national ID travels only in POST bodies: a look-up keeps whom it found in the
session and redirects, so the ID never reaches a URL (access logs, browser history).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from goodgov.accounts.selectors import user_by_national_id
from goodgov.cases import office_views
from goodgov.cases.models import Case
from goodgov.exchange.models import RecordView
from goodgov.exchange.selectors import PURPOSES
from goodgov.exchange.services import LEGAL_BASES, LOOKUP_LEGAL_BASIS, LOOKUP_PURPOSE
from goodgov.ledger import schemas
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from tests.cases.conftest import ANSWERS
from tests.conftest import ID_A, ID_B, login, make_officer

pytestmark = pytest.mark.django_db

NEW_PERSON_ID = "1509901234569"
COUNTER = reverse("office:counter")


def find(client: Client, typed: str):
    return client.post(COUNTER, {"step": "find", "national_id": typed})


def test_counter_officer_finds_a_person_by_national_id_without_it_reaching_a_url(
    as_user, counter_officer, citizen_b, service_version
):
    client = as_user(counter_officer)
    # when
    response = find(client, "3-1006-00445-78-3")
    # then: Post/Redirect/Get to the bare page; the session keeps the account, not the ID
    assert response.status_code == 302 and response["Location"] == COUNTER
    assert client.session[office_views.COUNTER_PERSON] == citizen_b.pk
    assert ID_B not in str(dict(client.session))
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert citizen_b.full_name in html and "3-1006-00445-78-3" in html
    assert 'value="test-permit"' in html
    assert 'name="national_id"' not in html  # the service buttons post the service only


def test_the_look_up_form_posts_and_a_national_id_in_the_query_string_is_ignored(
    as_user, counter_officer, citizen_b, service_version
):
    client = as_user(counter_officer)
    # when
    page = client.get(COUNTER, {"national_id": ID_B})
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert '<form method="post" novalidate>' in html and 'method="get"' not in html
    assert citizen_b.full_name not in html
    assert office_views.COUNTER_PERSON not in client.session


def test_the_look_up_needs_a_csrf_token(counter_officer, citizen_b, service_version):
    # given: a client that checks CSRF as a browser's requests are checked
    client = login(Client(enforce_csrf_checks=True), counter_officer)
    # when
    response = client.post(COUNTER, {"step": "find", "national_id": ID_B})
    # then
    assert response.status_code == 403
    assert office_views.COUNTER_PERSON not in client.session


def test_a_bad_national_id_keeps_what_was_typed_and_links_the_error_to_the_field(
    as_user, counter_officer, service_version
):
    client = as_user(counter_officer)
    # when
    response = find(client, "1-2345-67890-12-3")
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="1-2345-67890-12-3"' in html
    assert '<a href="#id_national_id">กรุณากรอกเลขประจำตัวประชาชน 13 หลักที่ถูกต้อง</a>' in html
    assert "<title>ข้อผิดพลาด:" in html


def test_an_empty_look_up_says_so_in_english_on_the_english_page(
    as_user, counter_officer, service_version
):
    client = as_user(counter_officer)
    # when
    with translation.override("en"):
        response = client.post(reverse("office:counter"), {"step": "find", "national_id": ""})
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_national_id">Enter the person&#x27;s national ID number</a>' in html


def test_a_national_id_typed_in_thai_digits_finds_the_person(
    as_user, counter_officer, citizen_b, service_version
):
    client = as_user(counter_officer)
    # when: 3-1006-00445-78-3 in Thai digits, as printed on some documents
    response = find(client, "๓-๑๐๐๖-๐๐๔๔๕-๗๘-๓")
    # then
    assert response.status_code == 302
    assert client.session[office_views.COUNTER_PERSON] == citizen_b.pk


def test_registering_with_a_phone_number_someone_has_says_so_in_plain_words(
    as_user, counter_officer, citizen_a, service_version
):
    # given: citizen A's phone number
    citizen_a.phone = "+66812345678"
    citizen_a.save(update_fields=["phone"])
    client = as_user(counter_officer)
    find(client, NEW_PERSON_ID)
    # when: someone new is registered with it, typed another way
    with translation.override("en"):
        response = client.post(
            reverse("office:counter"),
            {"step": "register", "full_name": "นายมานะ", "phone": "081-234-5678"},
        )
    # then: the message names the field, in the platform's words; nothing is registered
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_phone">An account with this phone number already exists.</a>' in html
    assert "User with this" not in html
    assert 'value="081-234-5678"' in html and 'value="นายมานะ"' in html
    assert user_by_national_id(NEW_PERSON_ID) is None


def test_counter_officer_registers_a_person_without_email_or_phone_and_files_for_them(
    as_user, counter_officer, service_version
):
    client = as_user(counter_officer)
    # given: nobody has this national ID yet; the look-up keeps it, encrypted, for the next step
    looked_up = find(client, NEW_PERSON_ID)
    assert looked_up["Location"] == COUNTER
    assert NEW_PERSON_ID not in str(dict(client.session))
    page = client.get(COUNTER).content.decode()
    assert 'name="full_name"' in page and "1-5099-01234-56-9" in page
    assert 'name="national_id"' not in page
    # when: registered with a name only, then an application started and filed
    registered = client.post(COUNTER, {"step": "register", "full_name": "นายมานะ ไม่มีมือถือ"})
    assert registered["Location"] == COUNTER
    person = user_by_national_id(NEW_PERSON_ID)
    assert person is not None and person.email is None and person.phone is None
    assert not person.has_usable_password()
    assert client.session[office_views.COUNTER_PERSON] == person.pk
    assert "นายมานะ ไม่มีมือถือ" in client.get(COUNTER).content.decode()
    start = client.post(reverse("office:counter_start"), {"service": "test-permit"})
    case = Case.objects.get(applicant=person)
    assert start["Location"] == reverse("cases:edit", kwargs={"case_id": case.uuid})
    assert office_views.COUNTER_PERSON not in client.session  # the next person starts afresh
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


def test_registering_keeps_what_was_typed_when_the_name_is_missing(
    as_user, counter_officer, service_version
):
    client = as_user(counter_officer)
    find(client, NEW_PERSON_ID)
    # when
    response = client.post(COUNTER, {"step": "register", "full_name": "", "phone": "0812345678"})
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="0812345678"' in html
    assert '<a href="#id_full_name">' in html
    assert user_by_national_id(NEW_PERSON_ID) is None


def test_registration_takes_the_id_from_the_look_up_never_from_the_form(
    as_user, counter_officer, service_version
):
    client = as_user(counter_officer)
    # given: the officer looked up one new ID
    find(client, NEW_PERSON_ID)
    # when: a register post names another ID
    client.post(COUNTER, {"step": "register", "full_name": "นายมานะ", "national_id": ID_A})
    # then: the person looked up is registered, the other ID is not
    assert user_by_national_id(NEW_PERSON_ID) is not None
    assert user_by_national_id(ID_A) is None


def test_registering_without_a_look_up_registers_nobody(as_user, counter_officer):
    client = as_user(counter_officer)
    # when
    response = client.post(
        COUNTER, {"step": "register", "full_name": "นายมานะ", "national_id": NEW_PERSON_ID}
    )
    # then
    assert response.status_code == 302 and response["Location"] == COUNTER
    assert user_by_national_id(NEW_PERSON_ID) is None
    assert not Event.objects.filter(action="person.registered").exists()


def test_starting_needs_a_look_up_a_national_id_in_the_post_is_not_enough(
    as_user, counter_officer, citizen_b, service_version
):
    client = as_user(counter_officer)
    # when
    response = client.post(
        reverse("office:counter_start"), {"national_id": ID_B, "service": "test-permit"}
    )
    # then
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_find_another_person_forgets_the_one_found(
    as_user, counter_officer, citizen_b, service_version
):
    client = as_user(counter_officer)
    find(client, ID_B)
    # when
    response = client.post(COUNTER, {"step": "again"})
    # then
    assert response["Location"] == COUNTER
    assert office_views.COUNTER_PERSON not in client.session
    html = client.get(COUNTER).content.decode()
    assert citizen_b.full_name not in html and 'name="national_id"' in html


def test_look_ups_are_limited_per_officer(
    as_user, monkeypatch, agency, counter_officer, citizen_a, citizen_b, service_version
):
    # given: a limit of two a minute, both used (one found, one nobody)
    monkeypatch.setattr(office_views, "COUNTER_LOOKUPS_PER_MINUTE", 2)
    client = as_user(counter_officer)
    assert find(client, ID_A).status_code == 302
    assert find(client, NEW_PERSON_ID).status_code == 302
    assert find(client, "123").status_code == 400  # a malformed ID looks nobody up: not counted
    # when
    refused = find(client, ID_B)
    # then: refused with a message linked to the field, what was typed kept, nothing kept
    html = refused.content.decode()
    assert refused.status_code == 429
    assert f'value="{ID_B}"' in html
    assert '<a href="#id_national_id">' in html
    assert "<title>ข้อผิดพลาด:" in html
    assert office_views.COUNTER_PERSON not in client.session
    assert office_views.COUNTER_NEW in client.session  # still the earlier look-up's
    # and another officer has a limit of their own
    colleague = as_user(make_officer("counter2@tbnk.example.test", agency, "counter"))
    assert find(colleague, ID_B).status_code == 302


def test_the_look_up_limit_message_is_in_english_on_the_english_page(
    as_user, monkeypatch, counter_officer, citizen_b, service_version
):
    monkeypatch.setattr(office_views, "COUNTER_LOOKUPS_PER_MINUTE", 0)
    client = as_user(counter_officer)
    # when
    with translation.override("en"):
        refused = client.post(reverse("office:counter"), {"step": "find", "national_id": ID_B})
    # then
    assert refused.status_code == 429
    assert (
        '<a href="#id_national_id">You have looked up too many people in the last minute. '
        "Wait a minute, then try again.</a>"
    ) in refused.content.decode()


@pytest.mark.parametrize("who", ["citizen_a", "clerk", "approver", "foreign_officer"])
def test_only_counter_officers_of_the_agency_may_file_for_others(
    request, as_user, citizen_b, service_version, who
):
    client = as_user(request.getfixturevalue(who))
    events = Event.objects.count()
    looked_up = find(client, citizen_b.national_id)
    if who == "foreign_officer":  # a counter officer, but of another agency: not our services
        page = client.get(COUNTER)
        assert looked_up.status_code == 302
        assert page.status_code == 200 and 'value="test-permit"' not in page.content.decode()
    else:
        assert looked_up.status_code == 404 and client.get(COUNTER).status_code == 404
        # even with the person in their session, as if found at the counter
        session = client.session
        session[office_views.COUNTER_PERSON] = citizen_b.pk
        session.save()
    response = client.post(reverse("office:counter_start"), {"service": "test-permit"})
    assert response.status_code == 404
    assert not Case.objects.exists()
    # only the foreign counter officer's look-up itself is recorded (person.viewed)
    looked = ["person.viewed"] if who == "foreign_officer" else []
    assert list(Event.objects.order_by("id").values_list("action", flat=True)[events:]) == looked


# Every look-up that finds a person is on that person's data tracker (person.viewed).


def test_a_look_up_that_finds_a_person_records_person_viewed_without_name_or_id(
    as_user, counter_officer, citizen_b, service_version
):
    client = as_user(counter_officer)
    # when
    find(client, "3-1006-00445-78-3")
    # then: the public event names nobody: commitments, the agency, no case reference
    event = Event.objects.get(action="person.viewed")
    assert event.public == {
        "agency": "TBNK",
        "officer": commitment(counter_officer),
        "person": commitment(citizen_b),
        "reference": "",
    }
    schemas.check("person.viewed", event.public)
    public = json.dumps(event.public, ensure_ascii=False)
    assert ID_B not in public and "3-1006-00445-78-3" not in public
    assert citizen_b.full_name not in public and citizen_b.email not in public
    assert event.actor == counter_officer and event.agency.code == "TBNK"
    view = RecordView.objects.get()
    assert (view.person, view.officer, view.case, view.agency.code, view.purpose) == (
        citizen_b,
        counter_officer,
        None,
        "TBNK",
        "counter-lookup",
    )
    assert view.officer_roles == ["counter"]


@pytest.mark.parametrize(("prefix", "language"), [("", "th"), ("/en", "en")])
def test_the_person_sees_the_look_up_on_their_data_tracker(
    as_user, counter_officer, citizen_b, service_version, prefix, language
):
    # given
    find(as_user(counter_officer), ID_B)
    # when
    page = as_user(citizen_b).get(f"{prefix}/me/data/").content.decode()
    # then: when, which agency, which role, why and on what basis; no application
    with translation.override(language):
        purpose = str(PURPOSES[LOOKUP_PURPOSE])
        basis = str(LEGAL_BASES[LOOKUP_LEGAL_BASIS])
        role = str(translation.gettext("Counter officer (files on behalf of people)"))
        none = str(translation.gettext("no application"))
    table = page[page.index('data-testid="record-views"') :]
    table = table[: table.index("</table>")]
    rows = table.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 1
    cells = [c.split("</td>")[0] for c in rows[0].split('<td class="govuk-table__cell">')[1:]]
    agency = "Ban Na Subdistrict Municipality" if language == "en" else "เทศบาลตำบลบ้านนา"
    assert cells[1:] == [
        agency,
        role,
        f'<span aria-hidden="true">\u2013</span><span class="govuk-visually-hidden">{none}</span>',
        purpose,
        basis,
    ]
    assert cells[0].strip()  # the moment, in Buddhist-era form
    assert ID_B not in page and "3-1006-00445-78-3" not in page


def test_two_look_ups_of_the_same_person_within_the_window_record_once(
    as_user, counter_officer, citizen_b, service_version
):
    client = as_user(counter_officer)
    # when
    find(client, ID_B)
    client.post(COUNTER, {"step": "again"})
    find(client, ID_B)
    # then
    assert RecordView.objects.count() == 1
    assert Event.objects.filter(action="person.viewed").count() == 1
    assert client.session[office_views.COUNTER_PERSON] == citizen_b.pk


@pytest.mark.parametrize(
    ("typed", "status"), [(NEW_PERSON_ID, 302), ("1-2345-67890-12-3", 400), ("", 400)]
)
def test_a_look_up_that_finds_nobody_records_nothing(
    as_user, counter_officer, citizen_b, service_version, typed, status
):
    client = as_user(counter_officer)
    # when
    response = find(client, typed)
    # then
    assert response.status_code == status
    assert not RecordView.objects.exists()
    assert not Event.objects.filter(action="person.viewed").exists()


def test_a_refused_look_up_records_nothing(
    as_user, monkeypatch, counter_officer, citizen_b, service_version
):
    # given: no look-up left this minute
    monkeypatch.setattr(office_views, "COUNTER_LOOKUPS_PER_MINUTE", 0)
    client = as_user(counter_officer)
    # when
    response = find(client, ID_B)
    # then
    assert response.status_code == 429
    assert not RecordView.objects.exists()
    assert not Event.objects.filter(action="person.viewed").exists()
