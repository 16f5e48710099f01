"""An agency admin acts only on people who belong to their own agency (security review F2).

- The second factor of someone who also holds a role in another agency, or is platform
  staff, is not theirs to reset: that is a platform operator's (F2a).
- The set-password link of an account an admin makes is emailed to its address, never
  shown to the admin, so the admin cannot keep the account (F2b).
- An officer account nobody has signed in to, and that never held a role in this
  agency, cannot be given roles here: it is another agency's, not yet in its owner's
  hands (F2b, and accounts made before the link was emailed).

A refusal changes nothing and records nothing.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from goodgov.accounts.models import User
from goodgov.accounts.services import user_register, user_totp_activate
from goodgov.agencies import selectors, services
from goodgov.agencies.models import Agency, Membership
from tests.accounts.helpers import PASSWORD, SECRET, en
from tests.agencies.conftest import sign_in
from tests.conftest import make_officer
from tests.recorded import events_since, last_event_id, summary

FOR_OPERATOR = (
    "You cannot reset this person's second factor, because they also hold a role in "
    "another agency or help run the platform. Ask the platform operator to do it."
)
UNCLAIMED = (
    "This email address belongs to an officer account that nobody has signed in to yet. "
    "Ask the person to sign in once (they can choose a password with “I have forgotten "
    "my password” on the sign-in page), then add them again."
)
KEY_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+")


def _state(user: User) -> tuple[Any, ...]:
    """Everything a reset or a grant could change about ``user``."""
    user.refresh_from_db()
    return (
        sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        user.session_generation,
        sorted(Membership.objects.filter(user=user).values_list("agency__code", "role", "active")),
    )


def _add(client: Client, code: str, email: str, roles: list[str], name: str = "x") -> Any:
    return client.post(
        en("agencies:officer_add", code=code), {"email": email, "full_name": name, "roles": roles}
    )


def _reset_url(user: User) -> str:
    return en("agencies:second_factor_reset", code="TBNK", user_id=user.pk)


def test_an_admin_cannot_reset_the_second_factor_of_another_agencys_admin(
    agency_admin: User, foreign_officer: User
) -> None:
    """The review's F2a: TBNK's admin gives DEPT's admin a role in TBNK, then tries to
    strip their second factor so that a password alone would take the account."""
    # given: DEPT's admin (no role in TBNK) has an authenticator and has signed in
    dept_admin = sign_in(Client(), foreign_officer)
    tbnk_admin = sign_in(Client(), agency_admin)
    # an officer account of another agency that has signed in may still be given roles
    assert _add(tbnk_admin, "TBNK", foreign_officer.email, ["executive"]).status_code == 302
    before, mark = _state(foreign_officer), last_event_id()

    # when: TBNK's admin opens the reset page, then posts it anyway
    confirm = tbnk_admin.get(_reset_url(foreign_officer))
    response = tbnk_admin.post(_reset_url(foreign_officer))

    # then: the page says why and offers no button; the post is refused with the same
    # words on the officer's page; nothing changed, nothing recorded
    confirm_page = html.unescape(confirm.content.decode())
    assert confirm.status_code == 200
    assert FOR_OPERATOR in confirm_page
    assert "Reset second factor</button>" not in confirm_page
    assert response.status_code == 302
    assert response["Location"] == en("agencies:officer", code="TBNK", user_id=foreign_officer.pk)
    officer_page = html.unescape(tbnk_admin.get(response["Location"]).content.decode())
    assert FOR_OPERATOR in officer_page
    assert "has been reset" not in officer_page
    assert (
        "This person also holds a role in another agency or helps run the platform, so only "
        "the platform operator can reset their second factor."
    ) in officer_page
    assert _reset_url(foreign_officer) not in officer_page
    assert _state(foreign_officer) == before
    assert events_since(mark) == []
    # DEPT's admin is still signed in, and a password alone does not get past the code
    assert dept_admin.get(en("agencies:officers", code="DEPT")).status_code == 200
    thief = Client()
    signed_in = thief.post(
        en("account_login"), {"login": foreign_officer.email, "password": PASSWORD}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] != en("mfa_activate_totp")
    assert thief.get(en("agencies:officers", code="DEPT")).status_code != 200


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_an_admin_cannot_reset_the_second_factor_of_platform_staff(
    flag: str, agency: Agency, agency_admin: User
) -> None:
    # given: platform staff whose only role is one TBNK's admin gave them
    staff = make_officer("ops@goodgov.example.test", agency, "executive")
    User.objects.filter(pk=staff.pk).update(**{flag: True})
    staff.refresh_from_db()
    user_totp_activate(user=staff, secret=SECRET)
    RecoveryCodes.activate(staff)
    before, mark = _state(staff), last_event_id()

    # when
    with pytest.raises(ValidationError) as raised:
        services.officer_second_factor_reset(actor=agency_admin, agency=agency, officer=staff)

    # then
    with translation.override("en"):
        assert raised.value.messages == [FOR_OPERATOR]
    assert raised.value.code == "second_factor_for_operator"
    assert _state(staff) == before
    assert _state(staff)[0] == ["recovery_codes", "totp"]
    assert events_since(mark) == []


def test_a_former_role_elsewhere_does_not_stop_a_reset(
    agency: Agency, other_agency: Agency, agency_admin: User
) -> None:
    """Only an active role in another agency makes the reset a platform operator's: an
    officer who has left DEPT for TBNK is TBNK's alone."""
    # given: an officer of TBNK whose DEPT role was removed
    mover = make_officer("mover@tbnk.example.test", agency, "officer")
    services.membership_revoke(
        actor=None,
        membership=services.membership_grant(
            actor=None, user=mover, agency=other_agency, role="officer"
        ),
    )
    user_totp_activate(user=mover, secret=SECRET)
    assert selectors.second_factor_is_for_operator(agency, mover) is False
    mark = last_event_id()

    # when
    removed = services.officer_second_factor_reset(actor=agency_admin, agency=agency, officer=mover)

    # then: exactly the one event
    assert removed == 1
    assert _state(mover)[0] == []
    assert summary(events_since(mark)) == [
        ("officer.second_factor_reset", agency_admin.pk, "TBNK", "accounts.user", str(mover.pk))
    ]


def test_an_admin_cannot_keep_an_account_made_for_another_agencys_officer(
    agency_admin: User, foreign_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The review's F2b: TBNK's admin makes an account for a DEPT address, hoping to set
    its password, drop the TBNK role and keep the account once DEPT adds it."""
    # given: TBNK's admin makes the account
    tbnk_admin = sign_in(Client(), agency_admin)
    mark = last_event_id()
    with django_capture_on_commit_callbacks(execute=True):
        made = _add(tbnk_admin, "TBNK", "newhire@dept.example.test", ["officer"], "New hire")

    # then: the admin's page has no link; the one email, to the address, has it
    newhire = User.objects.get(email="newhire@dept.example.test")
    assert made.status_code == 200
    assert "/password/reset/key/" not in made.content.decode()
    assert [m.to for m in mail.outbox] == [["newhire@dept.example.test"]]
    assert len(KEY_LINK.findall(mail.outbox[0].body)) == 1
    membership = Membership.objects.get(user=newhire)
    assert summary(events_since(mark)) == [
        ("person.registered", agency_admin.pk, None, "accounts.user", str(newhire.pk)),
        ("membership.granted", agency_admin.pk, "TBNK", "agencies.membership", str(membership.pk)),
    ]

    # when: TBNK's admin drops the role, and DEPT's admin later adds the address
    tbnk_admin.post(
        en("agencies:role_revoke", code="TBNK", user_id=newhire.pk), {"role": "officer"}
    )
    dept_admin = sign_in(Client(), foreign_officer)
    before, mark = _state(newhire), last_event_id()
    refused = _add(dept_admin, "DEPT", "newhire@dept.example.test", ["approver"], "New hire")

    # then: refused, on the email field, until the owner has signed in; nothing changed
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 400
    assert f'<a href="#id_email">{UNCLAIMED}</a>' in page
    assert "เทศบาลตำบลบ้านนา" not in page and "Ban Na" not in page  # not whose it is
    assert _state(newhire) == before
    assert events_since(mark) == []

    # when: the new hire chooses a password through the emailed link and signs in
    owner = Client()
    form_page = owner.get(urlsplit(KEY_LINK.findall(mail.outbox[0].body)[0]).path, follow=True)
    owner.post(
        form_page.redirect_chain[-1][0],
        {"password1": "the new hire's own words", "password2": "the new hire's own words"},
    )
    owner.post(
        en("account_login"),
        {"login": "newhire@dept.example.test", "password": "the new hire's own words"},
    )
    newhire.refresh_from_db()
    assert newhire.last_login is not None
    added = _add(dept_admin, "DEPT", "newhire@dept.example.test", ["approver"], "New hire")

    # then: DEPT's admin can add them, and the account is the new hire's
    assert added.status_code == 302
    assert Membership.objects.filter(
        user=newhire, agency__code="DEPT", role="approver", active=True
    ).exists()
    newhire.refresh_from_db()
    assert newhire.check_password("the new hire's own words")


def test_an_account_whose_password_was_set_but_never_used_is_refused(
    agency: Agency, other_agency: Agency, agency_admin: User
) -> None:
    """An account made before links were emailed may have had its password set by the
    admin who saw the link, and then been left unused: it is refused to every other
    agency until someone signs in with it (its owner can take it back first with
    "I have forgotten my password")."""
    # given: DEPT made an account and gave it a role; a password was set, never used
    held = user_register(
        full_name="Held", email="held@dept.example.test", password=None, channel="agency"
    )
    services.membership_grant(actor=None, user=held, agency=other_agency, role="officer")
    held.set_password("someone else knows this")
    held.save(update_fields=["password"])
    before, mark = _state(held), last_event_id()

    # when
    with pytest.raises(ValidationError) as raised:
        services.officer_add(
            actor=agency_admin,
            agency=agency,
            email="held@dept.example.test",
            full_name="x",
            roles=["officer"],
        )

    # then
    with translation.override("en"):
        assert raised.value.message_dict == {"email": [UNCLAIMED]}
    assert _state(held) == before
    assert events_since(mark) == []
    assert mail.outbox == []


def test_an_unused_account_this_agency_gave_a_role_may_get_roles_again(
    agency: Agency, agency_admin: User
) -> None:
    """The rule is about other agencies' accounts: one this agency made, or gave a role,
    is its own, signed in to or not."""
    # given: TBNK made an account, and removed its only role before anyone used it
    added = services.officer_add(
        actor=agency_admin,
        agency=agency,
        email="later@tbnk.example.test",
        full_name="Later",
        roles=["officer"],
    )
    services.membership_revoke(
        actor=agency_admin, membership=Membership.objects.get(user=added.user)
    )
    assert selectors.is_unclaimed_elsewhere(agency, added.user) is False
    mark = last_event_id()

    # when
    again = services.officer_add(
        actor=agency_admin,
        agency=agency,
        email="later@tbnk.example.test",
        full_name="Later",
        roles=["officer"],
    )

    # then: one grant, no new account, no new email
    membership = Membership.objects.get(user=added.user)
    assert (again.created, again.granted) == (False, ["officer"])
    assert summary(events_since(mark)) == [
        ("membership.granted", agency_admin.pk, "TBNK", "agencies.membership", str(membership.pk))
    ]
