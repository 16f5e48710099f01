"""A platform operator resets the second factor of someone an agency admin may not (an
officer of several agencies, platform staff): ``goodgov accounts second-factor-reset``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from goodgov.agencies.models import Agency
from goodgov.agencies.services import membership_grant
from goodgov.ledger.services import commitment
from tests.accounts.helpers import SECRET, en
from tests.conftest import login, make_officer
from tests.recorded import events_since, last_event_id


@pytest.fixture
def two_agency_officer(agency: Agency, other_agency: Agency) -> User:
    officer = make_officer("both@example.test", agency, "officer")
    membership_grant(actor=None, user=officer, agency=other_agency, role="approver")
    user_totp_activate(user=officer, secret=SECRET)
    return officer


def test_the_operator_removes_the_factor_ends_the_sessions_and_it_is_recorded(
    two_agency_officer: User, capsys: Any
) -> None:
    # given: the officer signed in
    device = login(Client(), two_agency_officer)
    assert device.get(en("office:queue")).status_code == 200
    mark = last_event_id()

    # when
    call_command("accounts", "second-factor-reset", "Both@Example.test")

    # then: no authenticator left, the session ended, one event with no personal data
    assert not Authenticator.objects.filter(user=two_agency_officer).exists()
    response = device.get(en("office:queue"))
    assert response.status_code == 302 and response["Location"].startswith(en("account_login"))
    [event] = events_since(mark)
    assert event.action == "person.second_factor_reset"
    assert event.public == {"person": commitment(two_agency_officer), "by": "operator"}
    assert event.agency is None and event.actor is None
    assert "removed 1 authenticator(s)" in capsys.readouterr().out


def test_nothing_to_remove_or_nobody_found_is_refused_and_changes_nothing(
    citizen_a: User,
) -> None:
    # given
    mark = last_event_id()

    # when / then
    with pytest.raises(CommandError, match="no authenticator app or recovery codes"):
        call_command("accounts", "second-factor-reset", citizen_a.email)
    with pytest.raises(
        CommandError, match=re.escape("no account signs in with 'nobody@example.test'")
    ):
        call_command("accounts", "second-factor-reset", "nobody@example.test")
    assert events_since(mark) == []
