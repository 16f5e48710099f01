"""A person can sign out on every other device from their profile, and stay signed in
on the one they use (a lost phone, a shared computer)."""

from __future__ import annotations

import html

from django.test import Client

from goodgov.accounts.models import User
from tests.accounts.helpers import PASSWORD, en
from tests.agencies.conftest import sign_in

URL = "accounts:sign_out_elsewhere"


def _signed_out(client: Client, page: str) -> bool:
    response = client.get(en(page))
    return response.status_code == 302 and response["Location"].startswith(en("account_login"))


def test_other_devices_are_signed_out_and_this_one_stays(citizen_a: User, citizen_b: User) -> None:
    # given: citizen A on a phone and a computer, citizen B on their own
    phone, computer = sign_in(Client(), citizen_a), sign_in(Client(), citizen_a)
    other_person = sign_in(Client(), citizen_b)

    # when: A signs out everywhere else from the computer
    response = computer.post(en(URL), follow=True)

    # then: the computer is still signed in and says so; the phone is signed out
    assert response.redirect_chain[-1][0] == en("accounts:profile")
    assert "You are signed out on every other device and browser." in html.unescape(
        response.content.decode()
    )
    assert computer.get(en("cases:mine")).status_code == 200
    assert _signed_out(phone, "cases:mine")
    # nobody else is touched, and A's password still works
    assert other_person.get(en("cases:mine")).status_code == 200
    again = Client().post(
        en("account_login"), {"login": citizen_a.email, "password": PASSWORD}, follow=True
    )
    assert again.context["user"] == citizen_a


def test_an_officer_keeps_their_second_factor_here(approver: User) -> None:
    # given: an officer signed in, second factor passed, on two devices
    desk, laptop = sign_in(Client(), approver), sign_in(Client(), approver)
    assert desk.get(en("office:queue")).status_code == 200

    # when
    desk.post(en(URL))

    # then: the desk still works the queue without signing in again; the laptop is out
    assert desk.get(en("office:queue")).status_code == 200
    assert _signed_out(laptop, "office:queue")


def test_the_session_key_is_renewed(citizen_a: User) -> None:
    # given
    client = sign_in(Client(), citizen_a)
    before = client.session.session_key

    # when
    client.post(en(URL))

    # then: the old key no longer names a session (a copy of the cookie is useless)
    assert client.session.session_key != before
    stale = Client()
    stale.cookies["sessionid"] = before
    assert _signed_out(stale, "cases:mine")


def test_only_a_signed_in_post_with_its_token_ends_sessions(citizen_a: User) -> None:
    # given: A signed in on a phone
    phone = sign_in(Client(), citizen_a)
    generation = User.objects.get(pk=citizen_a.pk).session_generation

    # when: a stranger posts, A's browser is led to a GET, a forged form has no token
    stranger = Client().post(en(URL))
    by_link = sign_in(Client(), citizen_a).get(en(URL))
    forged = sign_in(Client(enforce_csrf_checks=True), citizen_a).post(en(URL))

    # then: sent to sign in, 405 and 403; no session ended
    assert stranger.status_code == 302
    assert stranger["Location"].startswith(en("account_login"))
    assert by_link.status_code == 405
    assert forged.status_code == 403
    assert User.objects.get(pk=citizen_a.pk).session_generation == generation
    assert phone.get(en("cases:mine")).status_code == 200


def test_the_profile_offers_it_in_thai_and_english(citizen_a: User) -> None:
    # given
    client = sign_in(Client(), citizen_a)

    # when
    english = html.unescape(client.get(en("accounts:profile")).content.decode())
    thai = html.unescape(client.get("/me/").content.decode())

    # then: a form posting to the action, with its button, in each language
    assert f'action="{en(URL)}"' in english
    assert "Sign out on every other device" in english
    assert 'action="/me/sign-out-elsewhere/"' in thai
    assert "Sign out on every other device" not in thai
