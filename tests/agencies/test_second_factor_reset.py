"""An agency admin resets the second factor of an officer who lost it.

Only an active admin of an agency where the officer holds an active role may; anyone
else gets the same answer as for an officer who does not exist, and nothing changes.
The reset removes the officer's authenticator app and recovery codes and records
``officer.second_factor_reset``; the officer sets the app up again at next sign-in.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from goodgov.agencies import services
from goodgov.agencies.models import Agency, Membership
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from tests.accounts.helpers import PASSWORD, SECRET, en
from tests.agencies.conftest import sign_in
from tests.conftest import login

ACTORS = ["anonymous", "citizen_a", "clerk", "foreign_officer", "agency_admin"]


def _factors(user: User) -> list[str]:
    return sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))


@pytest.fixture
def lost(approver: User) -> User:
    """An officer of TBNK with an authenticator app and recovery codes."""
    user_totp_activate(user=approver, secret=SECRET)
    RecoveryCodes.activate(approver)
    assert _factors(approver) == ["recovery_codes", "totp"]
    return approver


def _client_for(actor: str, request: Any) -> Client:
    return sign_in(Client(), None if actor == "anonymous" else request.getfixturevalue(actor))


def _refused(response: Any, actor: str) -> None:
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(en("account_login"))
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_resetting_an_officers_second_factor(
    actor: str, request: Any, lost: User, agency_admin: User
) -> None:
    # given
    client = _client_for(actor, request)
    events = Event.objects.count()
    url = en("agencies:second_factor_reset", code="TBNK", user_id=lost.pk)

    # when
    confirm = client.get(url)
    after_confirm = _factors(lost)
    response = client.post(url)

    # then
    if actor == "agency_admin":
        assert confirm.status_code == 200
        assert "Reset second factor</button>" in confirm.content.decode()
        assert after_confirm == ["recovery_codes", "totp"]  # the GET only asks to confirm
        assert _factors(lost) == []
        assert response.status_code == 302
        assert response["Location"] == en("agencies:officer", code="TBNK", user_id=lost.pk)
        assert Event.objects.count() == events + 1
        event = Event.objects.last()
        assert event is not None
        assert (event.action, event.actor_id, event.agency.code) == (
            "officer.second_factor_reset",
            agency_admin.pk,
            "TBNK",
        )
        assert (event.subject_type, event.subject_id) == ("accounts.user", str(lost.pk))
        assert event.public == {"agency": "TBNK", "officer": commitment(lost)}
        page = html.unescape(client.get(response["Location"]).content.decode())
        assert (
            "The second factor of approver has been reset and they have been signed out. "
            "They must set up their authenticator app again the next time they sign in."
        ) in page
        assert _factors(agency_admin) == ["totp"]  # the admin's own is untouched
    else:
        _refused(confirm, actor)
        _refused(response, actor)
        assert _factors(lost) == ["recovery_codes", "totp"]
        assert Event.objects.count() == events


def test_the_officer_must_set_up_the_app_again_at_next_sign_in(
    lost: User, agency_admin: User, agency: Agency
) -> None:
    # given
    services.officer_second_factor_reset(actor=agency_admin, agency=agency, officer=lost)

    # when: they sign in with their password alone
    signed_in = Client().post(
        en("account_login"), {"login": lost.email, "password": PASSWORD}, follow=True
    )

    # then: no code is asked for; they are sent to set up an authenticator app
    assert signed_in.redirect_chain[-1][0] == en("mfa_activate_totp")


def test_the_reset_ends_every_session_the_officer_has_open(
    lost: User, agency_admin: User, agency: Agency, citizen_a: User
) -> None:
    # given: the officer signed in on two devices, an admin and a citizen on their own
    devices = [sign_in(Client(), lost), sign_in(Client(), lost)]
    admin = sign_in(Client(), agency_admin)
    citizen = sign_in(Client(), citizen_a)
    queue = en("office:queue")
    assert [device.get(queue).status_code for device in devices] == [200, 200]

    # when: the admin resets the officer's second factor through the page
    admin.post(en("agencies:second_factor_reset", code="TBNK", user_id=lost.pk))

    # then: both devices are signed out; nobody else is
    for device in devices:
        response = device.get(queue)
        assert response.status_code == 302
        assert response["Location"].startswith(en("account_login"))
    assert admin.get(en("agencies:officer", code="TBNK", user_id=lost.pk)).status_code == 200
    assert citizen.get(en("cases:mine")).status_code == 200
    # their password still works, and leads them to set up an app again
    signed_in = Client().post(
        en("account_login"), {"login": lost.email, "password": PASSWORD}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == en("mfa_activate_totp")


def test_a_stale_copy_of_the_officer_saved_later_does_not_open_the_ended_sessions(
    lost: User, agency_admin: User, agency: Agency
) -> None:
    # given: a device signed in, and a copy of the officer read before the reset (a
    # request under way elsewhere)
    device = sign_in(Client(), lost)
    stale = User.objects.get(pk=lost.pk)
    services.officer_second_factor_reset(actor=agency_admin, agency=agency, officer=lost)

    # when: that copy is saved whole afterwards
    stale.full_name = "approver (renamed)"
    stale.save()

    # then: the generation stays raised, and the device stays signed out
    assert User.objects.get(pk=lost.pk).session_generation == 1
    assert device.get(en("office:queue")).status_code == 302


def test_a_refused_reset_ends_no_session(lost: User, agency_admin: User) -> None:
    # given: the admin signed in; an officer with no second factor to reset, signed in
    admin = sign_in(Client(), agency_admin)
    Authenticator.objects.filter(user=lost).delete()
    device = login(Client(), lost, totp=False)
    device.get(en("office:queue"))  # sent to set up the app, but signed in
    # when
    admin.post(en("agencies:second_factor_reset", code="TBNK", user_id=lost.pk))
    # then: still signed in (the set-up page answers, not the sign-in page)
    response = device.get(en("mfa_activate_totp"))
    assert response.status_code == 200
    assert User.objects.get(pk=lost.pk).session_generation == 0


def test_an_admin_cannot_reset_their_own(agency_admin: User) -> None:
    # given
    client = sign_in(Client(), agency_admin)
    url = en("agencies:second_factor_reset", code="TBNK", user_id=agency_admin.pk)
    events = Event.objects.count()

    # when
    page = client.get(url)
    response = client.post(url, follow=True)

    # then: told why, no button offered, nothing changed
    assert page.status_code == 200
    assert "You cannot reset your own second factor." in page.content.decode()
    assert "<button" not in page.content.decode().split('id="main-content"')[1].split("</main>")[0]
    assert response.redirect_chain == [
        (en("agencies:officer", code="TBNK", user_id=agency_admin.pk), 302)
    ]
    assert (
        "You cannot reset your own second factor. Ask another administrator of this agency "
        "to do it."
    ) in html.unescape(response.content.decode())
    assert _factors(agency_admin) == ["totp"]
    assert Event.objects.count() == events


def test_not_for_a_former_officer_or_an_officer_of_another_agency(
    agency_admin: User, lost: User, foreign_officer: User
) -> None:
    # given: the approver no longer holds any role in TBNK
    for membership in Membership.objects.filter(user=lost):
        services.membership_revoke(actor=agency_admin, membership=membership)
    user_totp_activate(user=foreign_officer, secret=SECRET)
    client = sign_in(Client(), agency_admin)
    events = Event.objects.count()

    # when
    former = client.post(en("agencies:second_factor_reset", code="TBNK", user_id=lost.pk))
    foreign = client.post(
        en("agencies:second_factor_reset", code="TBNK", user_id=foreign_officer.pk)
    )

    # then
    assert (former.status_code, foreign.status_code) == (404, 404)
    assert _factors(lost) == ["recovery_codes", "totp"]
    assert _factors(foreign_officer) == ["totp"]
    assert Event.objects.count() == events


def test_the_officer_page_offers_the_reset_and_lists_it_afterwards(
    agency_admin: User, lost: User
) -> None:
    # given
    client = sign_in(Client(), agency_admin)
    officer_page = en("agencies:officer", code="TBNK", user_id=lost.pk)
    reset = en("agencies:second_factor_reset", code="TBNK", user_id=lost.pk)

    # when
    before = client.get(officer_page).content.decode()
    client.post(reset)
    after = html.unescape(client.get(officer_page).content.decode())

    # then
    assert f'href="{reset}"' in before
    assert '<td class="govuk-table__cell">Second factor reset</td>' in after


def test_an_officer_with_no_app_set_up_has_nothing_to_reset(
    agency_admin: User, clerk: User
) -> None:
    # given: the clerk never set up an authenticator app
    client = sign_in(Client(), agency_admin)
    url = en("agencies:second_factor_reset", code="TBNK", user_id=clerk.pk)
    events = Event.objects.count()

    # when
    officer_page = client.get(en("agencies:officer", code="TBNK", user_id=clerk.pk))
    response = client.post(url, follow=True)

    # then: no button offered, nothing recorded, and the admin is told why
    assert f'href="{url}"' not in officer_page.content.decode()
    assert (
        "This officer has not set up an authenticator app, so there is nothing to reset."
    ) in html.unescape(response.content.decode())
    assert Event.objects.count() == events
