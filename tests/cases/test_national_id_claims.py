"""A national ID typed at sign-up is the person's claim, not proof of who they are.

Anyone can type anyone's ID. So a claimed ID reaches no registry record, consent or
record of data use, and a counter officer, holding the person's ID card, either confirms
it on the account that is theirs or registers the person, releasing the other claims.
(Security review F1: an impostor signed up with someone's ID and was shown that
person's registry record; the counter then filed the real person's application into the
impostor's account.) The registry side: tests/cases/test_once_only_flow.py.
"""

from __future__ import annotations

import html
from typing import Any

from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.selectors import user_by_national_id
from goodgov.cases.models import Case
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from goodgov.notifications.models import Message
from tests.conftest import ID_A
from tests.recorded import events_since, last_event_id

PASSWORD = "plum tree lantern 42"


def sign_up(client: Client, email: str, national_id: str = ID_A) -> User:
    """Sign up online, typing ``national_id`` (someone's, or one's own)."""
    response = client.post(
        "/en/accounts/signup/",
        {
            "full_name": email.split("@")[0],
            "email": email,
            "phone": "",
            "national_id": national_id,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return User.objects.get(email=email)


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_the_counter_registers_the_real_person_and_releases_the_claim(
    service_version: Any, counter_officer: User, as_user: Any, db: Any
) -> None:
    # given: an impostor's account claims ID_A; the real person comes to the counter
    impostor = Client()
    mallory = sign_up(impostor, "mallory@example.test")
    counter = as_user(counter_officer)

    # when: the officer looks the ID card up: the claim is shown, not taken as the person
    found = counter.post("/en/office/counter/", {"step": "find", "national_id": ID_A}, follow=True)

    # then
    page = _page(found)
    assert "1 account made online gives this number" in page
    assert "mallory" not in page  # nothing of the account: not its name, not its address
    assert "Choose the service" not in page
    # and the claimant learns nothing of it (no look-up on their tracker)
    assert "Looked you up" not in _page(impostor.get("/en/me/data/"))

    # when: none of them is the person's: the officer registers them
    mark = last_event_id()
    counter.post("/en/office/counter/", {"step": "register", "full_name": "สมชาย ใจดี", "phone": ""})

    # then: the new account holds the checked ID; the claim is gone, its owner told
    somchai = user_by_national_id(ID_A)
    assert somchai is not None and somchai.full_name == "สมชาย ใจดี"
    mallory.refresh_from_db()
    assert mallory.national_id_claimed == "" and mallory.national_id == ""
    told = Message.objects.get(user=mallory)
    assert told.subject == "The national ID number on your account was removed"  # in English,
    assert told.language == "en"  # the language they signed up in
    assert [e.action for e in events_since(mark)] == ["person.registered"]
    # and an application is filed for the real person, not into the impostor's account
    counter.post("/en/office/counter/start/", {"service": service_version.service.code})
    case = Case.objects.latest("id")
    assert case.applicant == somchai
    assert str(case.uuid) not in impostor.get("/en/cases/").content.decode()


def test_the_counter_confirms_the_claim_of_the_persons_own_account(
    service_version: Any, counter_officer: User, agency: Any, as_user: Any, db: Any
) -> None:
    # given: the person made their account online with their ID; someone else claims it too
    own = sign_up(Client(), "somchai@example.test")
    other = sign_up(Client(), "mallory@example.test")
    counter = as_user(counter_officer)
    counter.post("/en/office/counter/", {"step": "find", "national_id": ID_A})
    mark = last_event_id()

    # when: the officer types the address the person says their account signs in with
    response = counter.post(
        "/en/office/counter/",
        {"step": "confirm", "login": " SomChai@Example.test "},
        follow=True,
    )

    # then: the ID is the account's now, the other claim released, the act recorded
    assert "The national ID number is confirmed on the person's account." in _page(response)
    assert user_by_national_id(ID_A) == own
    other.refresh_from_db()
    assert other.national_id_claimed == ""
    assert Message.objects.filter(user=other).count() == 1
    # the confirmation, then the look-up, on the person's tracker now that it is theirs
    assert [e.action for e in events_since(mark)] == [
        "person.identity_confirmed",
        "person.viewed",
    ]
    event = Event.objects.get(action="person.identity_confirmed")
    assert event.public == {"person": commitment(own), "channel": "counter"}
    assert event.agency == agency and event.actor == counter_officer
    # and the counter goes on with that person
    counter.post("/en/office/counter/start/", {"service": service_version.service.code})
    assert Case.objects.latest("id").applicant == own


def test_only_an_account_claiming_the_id_that_signs_in_as_typed_is_confirmed(
    counter_officer: User, as_user: Any, db: Any
) -> None:
    # given: the real person's account and an impostor's look-alike both claim ID_A, and
    # someone else's account claims another ID
    own = sign_up(Client(), "somchai@gmail.example")
    sign_up(Client(), "so.mchai@gmail.example")
    stranger = sign_up(Client(), "stranger@example.test", national_id="3100500123458")
    counter = as_user(counter_officer)
    counter.post("/en/office/counter/", {"step": "find", "national_id": ID_A})
    mark = last_event_id()

    # when: the officer types an address no claimant of ID_A signs in with, then the
    # other account's
    typo = counter.post("/en/office/counter/", {"step": "confirm", "login": "somchai@gmail.exampl"})
    other = counter.post(
        "/en/office/counter/", {"step": "confirm", "login": "stranger@example.test"}
    )

    # then: refused, what was typed kept, nothing changed
    assert typo.status_code == 400 and other.status_code == 400
    assert "No account that gives this national ID number signs in with" in _page(typo)
    assert 'value="somchai@gmail.exampl"' in typo.content.decode()
    assert user_by_national_id(ID_A) is None
    stranger.refresh_from_db()
    assert stranger.national_id_claimed == "3100500123458"
    assert events_since(mark) == []

    # when: the address the person gives
    counter.post("/en/office/counter/", {"step": "confirm", "login": "somchai@gmail.example"})

    # then: theirs, not the look-alike
    assert user_by_national_id(ID_A) == own


def test_a_counter_officer_cannot_confirm_their_own_claim(
    agency: Any, as_user: Any, db: Any
) -> None:
    # given: a counter officer whose own account claims ID_A
    from goodgov.agencies.services import membership_grant

    officer = sign_up(Client(), "counter.self@example.test")
    membership_grant(actor=None, user=officer, agency=agency, role="counter")
    counter = as_user(officer)
    counter.post("/en/office/counter/", {"step": "find", "national_id": ID_A})

    # when
    response = counter.post(
        "/en/office/counter/", {"step": "confirm", "login": "counter.self@example.test"}
    )

    # then
    assert response.status_code == 400
    assert "You cannot confirm your own national ID" in _page(response)
    assert user_by_national_id(ID_A) is None


def test_a_citizen_cannot_confirm_a_claim(citizen_b: User, as_user: Any, db: Any) -> None:
    # given
    sign_up(Client(), "mallory@example.test")
    client = as_user(citizen_b)

    # when
    response = client.post(
        "/en/office/counter/", {"step": "confirm", "login": "mallory@example.test"}
    )

    # then
    assert response.status_code == 404
    assert user_by_national_id(ID_A) is None


def test_the_tracker_and_profile_say_the_id_is_not_checked(db: Any) -> None:
    # given
    client = Client()
    sign_up(client, "mallory@example.test")

    # when
    tracker = _page(client.get("/en/me/data/"))
    profile = _page(client.get("/en/me/"))

    # then
    assert "has not been checked against your ID card yet" in tracker
    assert "Not checked against your ID card yet." in profile
    assert "1-1017-00230-70-8" in profile  # the person sees what they typed


def test_ids_given_online_before_become_claims_when_migrating(
    counter_officer: User, db: Any
) -> None:
    """Migration accounts 0005: an ID typed at sign-up was trusted before; it becomes a
    claim. One registered at a counter (an officer saw the card) stays trusted."""
    import importlib

    from django.apps import apps

    from goodgov.accounts.services import person_register_at_counter, user_register

    # given: as before the change, an online sign-up holding a trusted ID, and a
    # person registered at a counter
    online = user_register(
        full_name="online", email="online@example.test", password=PASSWORD, national_id=ID_A
    )
    online.set_national_id(ID_A)
    online.save()
    at_counter = person_register_at_counter(
        actor=counter_officer, full_name="counter", national_id="3100500123458"
    )
    migration = importlib.import_module("goodgov.accounts.migrations.0005_user_national_id_claim")

    # when
    migration.ids_given_online_become_claims(apps, None)

    # then
    online.refresh_from_db()
    at_counter.refresh_from_db()
    assert (online.national_id, online.national_id_claimed) == ("", ID_A)
    assert user_by_national_id(ID_A) is None
    assert user_by_national_id("3100500123458") == at_counter


def test_the_persons_own_export_holds_the_id_they_gave(db: Any) -> None:
    """Their data, all of it: the ID they typed is theirs to download too, marked unchecked."""
    import json

    # given
    client = Client()
    sign_up(client, "mallory@example.test")

    # when
    data = json.loads(client.get("/en/me/data/export/my-data.json").content)

    # then
    assert data["account"]["national_id"] == ""
    assert data["account"]["national_id_unchecked"] == ID_A
    assert data["uses_of_data"] == [] and data["consents"] == []


def test_going_back_before_the_migration_makes_claims_ids_again(citizen_a: User) -> None:
    """Migration accounts 0005 reversed: an ID given online is the account's ID again, as
    it was before, unless another account holds it (then the claim goes with its column)."""
    import importlib

    from django.apps import apps

    # given: a claim of a free ID, and a claim of citizen A's checked one (sign-up refuses
    # that now; a claim made before citizen A's was confirmed)
    free = sign_up(Client(), "free@example.test", national_id="3100500123458")
    squat = sign_up(Client(), "squat@example.test", national_id="")
    squat.claim_national_id(citizen_a.national_id)
    squat.save()
    migration = importlib.import_module("goodgov.accounts.migrations.0005_user_national_id_claim")

    # when
    migration.claims_become_ids_again(apps, None)

    # then
    free.refresh_from_db()
    squat.refresh_from_db()
    assert free.national_id == "3100500123458"
    assert squat.national_id == ""
    assert user_by_national_id(citizen_a.national_id) == citizen_a
