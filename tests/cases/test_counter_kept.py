"""The counter keeps what the officer typed when their session ended while a person stood
at the counter: after signing in again (password and code) they are back on the counter
page with it, and nothing was looked up, registered or opened on their behalf.

A look-up's national ID comes back in the find field. The details typed to register a
person come back once the officer has looked the ID up again (the ID itself was kept in
the session that ended, never in the page), sealed in the session until then.
"""

from __future__ import annotations

import html
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.selectors import user_by_national_id
from goodgov.cases import office_views
from goodgov.cases.models import Case
from goodgov.exchange.models import RecordView
from goodgov.ledger.models import Event
from tests.accounts.helpers import en
from tests.conftest import ID_B, make_officer
from tests.core.test_kept_forms import KEPT, end_session, login_target, sign_in_again

pytestmark = pytest.mark.django_db

NEW_PERSON_ID = "1509901234569"
NAME = "นางสาวสมศรี ใจดี"
PHONE = "0898765432"
LOOK_UP_AGAIN = "Look the person up again by their national ID"
KEPT_HEADING = "What you typed to register the person"
NOT_RECEIVED = "what you sent has not been received. Sign in again to carry on."


def counter() -> str:
    return en("office:counter")


def text_of(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def find(client: Client, typed: str) -> Any:
    return client.post(counter(), {"step": "find", "national_id": typed})


def registration_kept_after_signing_in_again(client: Client, officer: User) -> str:
    """The officer looked up a new ID, their session ended while they typed the person's
    details, they sent them and signed in again: the counter page they land on."""
    find(client, NEW_PERSON_ID)
    assert 'name="full_name"' in client.get(counter()).content.decode()
    end_session(client)
    response = client.post(counter(), {"step": "register", "full_name": NAME, "phone": PHONE})
    assert login_target(response) == counter()
    assert sign_in_again(client, officer, counter())["Location"] == counter()
    return text_of(client.get(counter()))


def test_a_look_up_sent_past_the_session_comes_back_in_the_find_field_unsent(
    as_user, counter_officer, citizen_b, service_version
):
    # given: an officer at the counter page whose session ends
    client = as_user(counter_officer)
    assert client.get(counter()).status_code == 200
    end_session(client)
    events_before = Event.objects.count()

    # when: they send a look-up
    response = client.post(counter(), {"step": "find", "national_id": "3-1006-00445-78-3"})

    # then: they are asked to sign in again, and nobody was looked up
    assert login_target(response) == counter()
    assert Event.objects.count() == events_before and not RecordView.objects.exists()

    # when: they sign in with password and code
    back = sign_in_again(client, counter_officer, counter())

    # then: the counter page has the ID they typed in the find field, says it was not sent,
    # and still nobody was looked up (no name shown, nothing on the person's data tracker)
    assert back["Location"] == counter()
    page = text_of(client.get(counter()))
    assert KEPT in page
    assert 'name="national_id"' in page and 'value="3-1006-00445-78-3"' in page
    assert citizen_b.full_name not in page
    assert not Event.objects.filter(action="person.viewed").exists()
    assert not RecordView.objects.exists()
    assert office_views.COUNTER_PERSON not in client.session

    # and: sending it again looks the person up, once
    find(client, "3-1006-00445-78-3")
    assert citizen_b.full_name in text_of(client.get(counter()))
    assert Event.objects.filter(action="person.viewed").count() == 1


def test_registration_details_sent_past_the_session_fill_the_form_after_a_new_look_up(
    as_user, counter_officer, service_version
):
    # given: the officer had looked up an ID nobody has and was typing the person's details
    client = as_user(counter_officer)
    users_before = User.objects.count()

    # when: their session ends, they send the details and sign in again
    page = registration_kept_after_signing_in_again(client, counter_officer)

    # then: nobody is registered; the page asks for the look-up again (the ID was in the
    # session that ended) and shows what they typed, which the session holds sealed
    assert user_by_national_id(NEW_PERSON_ID) is None and User.objects.count() == users_before
    assert not Event.objects.filter(action="person.registered").exists()
    assert KEPT in page and LOOK_UP_AGAIN in page and KEPT_HEADING in page
    assert NAME in page and PHONE in page
    assert 'name="national_id"' in page and 'name="full_name"' not in page
    stored = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert NAME not in stored.session_data and NAME not in str(stored.get_decoded())

    # when: they look the ID up again
    looked_up = find(client, NEW_PERSON_ID)

    # then: the registration form holds what they typed, still not sent
    assert looked_up["Location"] == counter()
    form = text_of(client.get(counter()))
    assert KEPT in form and "1-5099-01234-56-9" in form
    assert f'value="{NAME}"' in form and f'value="{PHONE}"' in form
    assert 'name="national_id"' not in form  # the ID stays in the session, never the page
    assert user_by_national_id(NEW_PERSON_ID) is None

    # when: they send it
    registered = client.post(counter(), {"step": "register", "full_name": NAME, "phone": PHONE})

    # then: the person is registered, with the details typed and the ID looked up
    assert registered["Location"] == counter()
    person = user_by_national_id(NEW_PERSON_ID)
    assert person is not None and person.full_name == NAME and person.phone == "+66898765432"
    assert Event.objects.filter(action="person.registered", subject_id=str(person.pk)).exists()
    assert NAME in text_of(client.get(counter()))


def test_a_bad_look_up_keeps_the_registration_details_for_the_next_one(
    as_user, counter_officer, service_version
):
    client = as_user(counter_officer)
    registration_kept_after_signing_in_again(client, counter_officer)

    # when: the officer mistypes the ID, then types it right
    mistyped = find(client, "1-2345-67890-12-3")
    find(client, NEW_PERSON_ID)

    # then: the mistake is shown with the details still kept, and they fill the form after
    assert mistyped.status_code == 400 and NAME in html.unescape(mistyped.content.decode())
    assert f'value="{NAME}"' in text_of(client.get(counter()))


def _start_again(client: Client, citizen_b: User) -> None:
    client.post(counter(), {"step": "again"})


def _look_up_someone_with_an_account(client: Client, citizen_b: User) -> None:
    find(client, ID_B)
    assert citizen_b.full_name in text_of(client.get(counter()))


@pytest.mark.parametrize("drop", [_start_again, _look_up_someone_with_an_account])
def test_kept_registration_details_go_when_the_officer_moves_on(
    as_user, counter_officer, citizen_b, service_version, drop
):
    # given: details kept from before the session ended
    client = as_user(counter_officer)
    assert NAME in registration_kept_after_signing_in_again(client, counter_officer)

    # when: the officer starts again, or the look-up finds someone who has an account
    drop(client, citizen_b)

    # then: the next new ID gets an empty registration form
    assert office_views.COUNTER_KEPT not in client.session
    assert NAME not in text_of(client.get(counter()))
    find(client, NEW_PERSON_ID)
    form = text_of(client.get(counter()))
    assert 'name="full_name"' in form and NAME not in form and PHONE not in form


def test_kept_registration_details_go_after_an_hour(
    as_user, counter_officer, service_version, monkeypatch
):
    client = as_user(counter_officer)
    assert NAME in registration_kept_after_signing_in_again(client, counter_officer)
    later = time.time() + office_views.kept_forms.MAX_AGE + 60
    monkeypatch.setattr(office_views.time, "time", lambda: later)

    # when
    page = text_of(client.get(counter()))
    find(client, NEW_PERSON_ID)

    # then
    assert NAME not in page and KEPT_HEADING not in page
    form = text_of(client.get(counter()))
    assert 'name="full_name"' in form and NAME not in form


def test_kept_registration_details_reach_no_other_officer(
    as_user, agency, counter_officer, service_version
):
    # given: details kept for one officer
    client = as_user(counter_officer)
    assert NAME in registration_kept_after_signing_in_again(client, counter_officer)
    colleague = make_officer("counter2@tbnk.example.test", agency, "counter")

    # when: a colleague at another desk looks up the same ID
    elsewhere = as_user(colleague)  # with the code app the desk's sign-in below asks for
    find(elsewhere, NEW_PERSON_ID)

    # then: their registration form is empty
    form = text_of(elsewhere.get(counter()))
    assert 'name="full_name"' in form and NAME not in form and KEPT not in form

    # when: the first officer signs out and the colleague signs in at the same desk
    client.post(en("account_logout"))
    sign_in_again(client, colleague, counter())
    page = text_of(client.get(counter()))
    find(client, NEW_PERSON_ID)

    # then: nothing of what the first officer typed is there
    assert NAME not in page and KEPT_HEADING not in page
    form = text_of(client.get(counter()))
    assert 'name="full_name"' in form and NAME not in form


@pytest.mark.parametrize("referer", [True, False])
def test_choosing_a_service_past_the_session_comes_back_to_the_counter_page(
    as_user, counter_officer, citizen_b, service_version, referer
):
    # given: the officer found the person, and their session ended before they chose
    client = as_user(counter_officer)
    find(client, ID_B)
    end_session(client)
    headers = {"HTTP_REFERER": f"http://testserver{counter()}"} if referer else {}

    # when: they choose the service (the browser may or may not say which page it was on)
    response = client.post(en("office:counter_start"), {"service": "test-permit"}, **headers)

    # then: asked to sign in, told nothing was received, no application opened
    assert NOT_RECEIVED in text_of(client.get(response["Location"]))
    back = sign_in_again(client, counter_officer, login_target(response))
    assert not Case.objects.exists()

    # when: they follow where signing in sends them
    page = client.get(back["Location"], follow=True)

    # then: the counter page, ready for a new look-up (the one found was in the old session)
    assert page.request["PATH_INFO"] == counter()
    text = text_of(page)
    assert 'name="national_id"' in text and citizen_b.full_name not in text
    assert not Case.objects.exists()


def test_starting_again_past_the_session_shows_an_empty_find_form_without_the_kept_banner(
    as_user, counter_officer, citizen_b, service_version
):
    # given: an officer with a person found at the counter, whose session ends
    client = as_user(counter_officer)
    find(client, "3-1006-00445-78-3")
    end_session(client)

    # when: they press "Find another person", then sign in again
    response = client.post(counter(), {"step": "again"})
    sign_in_again(client, counter_officer, login_target(response))
    page = text_of(client.get(counter()))

    # then: an empty find form, and no claim that something typed is shown again
    assert 'name="national_id"' in page and 'value="3-1006-00445-78-3"' not in page
    assert KEPT not in page
    assert citizen_b.full_name not in page
