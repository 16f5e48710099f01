"""The events of a person's consent and of a revoked access right: ``exchange.consent_given``
(the consent reference in the private part only) and ``exchange.right_revoked``, each the
one event its action records, and nothing when the action is refused or changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.db import DataError
from django.test import Client
from django.utils import timezone

from goodgov.accounts.services import user_totp_activate
from goodgov.core import national_id
from goodgov.exchange import services
from goodgov.exchange.models import AccessRight, Consent
from goodgov.ledger import schemas
from goodgov.ledger.services import commitment
from tests.conftest import ID_A, TOTP_SECRET, login, make_user
from tests.recorded import events_since, last_event_id, summary

pytestmark = pytest.mark.django_db

IN_30_DAYS = dt.timedelta(days=30)


@pytest.fixture
def node(provider_node: Any, other_agency: Any) -> Any:
    """This node is ddg, acting for the agency DEPT (which exists here)."""
    return other_agency


def give(actor: Any, person_hash: str, **overrides: Any) -> Consent:
    arguments: dict[str, Any] = {
        "actor": actor,
        "person_hash": person_hash,
        "client": "tbnk",
        "service": "population",
        "purpose": "elderly-allowance",
        "expires_at": timezone.now() + IN_30_DAYS,
        "fields": ["birth_date", "age", "birth_date"],
    }
    arguments.update(overrides)
    return services.consent_give(**arguments)


def staff(email: str, *, superuser: bool = False) -> Any:
    user = make_user(email, is_staff=True, is_superuser=superuser)
    user_totp_activate(user=user, secret=TOTP_SECRET)
    return user


# exchange.consent_given -----------------------------------------------------------------


def test_giving_consent_records_consent_given_with_the_persons_commitment_and_nothing_else(
    node: Any, citizen_a: Any
) -> None:
    # given: a person with an account here
    before = last_event_id()

    # when: they consent that tbnk may receive their record from population
    consent = give(citizen_a, national_id.lookup_hash(ID_A))

    # then: exactly one event, about that consent, under the node's agency
    events = events_since(before)
    assert summary(events) == [
        ("exchange.consent_given", citizen_a.pk, "DEPT", "exchange.consent", str(consent.pk))
    ]
    given = events[0]
    assert given.public == {
        "client": "tbnk",
        "service": "population",
        "purpose": "elderly-allowance",
        # the person is committed to as everywhere else in the ledger: their receipt covers it
        "person": commitment(citizen_a),
    }
    assert given.private == {"reference": str(consent.reference)}
    schemas.check("exchange.consent_given", given.public)
    # the reference would link a person's events across nodes: never public
    assert str(consent.reference) not in str(given.public)
    assert consent.fields == ["age", "birth_date"]


def test_consent_given_through_the_operators_command_is_recorded_without_an_actor(
    node: Any, citizen_a: Any
) -> None:
    # given
    before = last_event_id()

    # when
    out = StringIO()
    call_command(
        "exchange",
        "consent",
        "--id",
        ID_A,
        "--client",
        "tbnk",
        "--service",
        "population",
        "--purpose",
        "elderly-allowance",
        stdout=out,
    )

    # then
    consent = Consent.objects.get()
    assert out.getvalue().strip() == str(consent.reference)
    events = events_since(before)
    assert summary(events) == [
        ("exchange.consent_given", None, "DEPT", "exchange.consent", str(consent.pk))
    ]
    assert events[0].public == {
        "client": "tbnk",
        "service": "population",
        "purpose": "elderly-allowance",
        "person": commitment(citizen_a),
    }
    assert events[0].private == {"reference": str(consent.reference)}
    schemas.check("exchange.consent_given", events[0].public)


def test_a_consent_for_an_invalid_national_id_is_refused_and_records_nothing(node: Any) -> None:
    # given
    before = last_event_id()

    # when / then: the check digit is wrong
    with pytest.raises(CommandError):
        call_command(
            "exchange",
            "consent",
            "--id",
            ID_A[:-1] + str((int(ID_A[-1]) + 1) % 10),
            "--client",
            "tbnk",
            "--service",
            "population",
            "--purpose",
            "elderly-allowance",
            stdout=StringIO(),
        )
    assert events_since(before) == []
    assert not Consent.objects.exists()


def test_a_consent_for_a_client_name_too_long_is_refused_and_leaves_no_consent(
    node: Any, citizen_a: Any
) -> None:
    # given: a client name longer than a node name may be
    before = last_event_id()

    # when / then: PostgreSQL refuses the row itself; SQLite keeps any length, and the
    # public schema refuses the event; either way the whole action rolls back
    with pytest.raises((jsonschema.ValidationError, DataError)):
        give(citizen_a, national_id.lookup_hash(ID_A), client="n" * 65)
    assert events_since(before) == []
    assert not Consent.objects.exists()


# exchange.right_revoked -----------------------------------------------------------------


def test_revoking_a_right_records_right_revoked_with_client_service_and_method_and_nothing_else(
    node: Any, right: AccessRight
) -> None:
    # given
    operator = staff("operator@ddg.example.test", superuser=True)
    before = last_event_id()

    # when
    revoked = services.right_revoke(actor=operator, right=right)

    # then
    assert revoked.revoked_at is not None
    events = events_since(before)
    assert summary(events) == [
        ("exchange.right_revoked", operator.pk, "DEPT", "exchange.accessright", str(right.pk))
    ]
    assert events[0].public == {"client": "tbnk", "service": "population", "method": "person"}
    assert events[0].private is None
    schemas.check("exchange.right_revoked", events[0].public)


def test_revoking_a_right_already_revoked_records_nothing_more(
    node: Any, right: AccessRight
) -> None:
    # given
    first = services.right_revoke(actor=None, right=right)
    before = last_event_id()

    # when
    again = services.right_revoke(actor=None, right=right)

    # then: the first revocation stands as it was
    assert events_since(before) == []
    assert again.revoked_at == first.revoked_at


def test_an_operator_revokes_a_right_in_the_admin_and_it_is_recorded_once(
    node: Any, right: AccessRight
) -> None:
    # given
    operator = staff("operator@ddg.example.test", superuser=True)
    client = login(Client(), operator, totp=False)
    before = last_event_id()

    # when
    response = client.post(
        "/admin/exchange/accessright/",
        {"action": "revoke", "_selected_action": [str(right.pk)], "index": 0},
    )

    # then
    assert response.status_code == 302
    right.refresh_from_db()
    assert right.revoked_at is not None
    events = events_since(before)
    assert summary(events) == [
        ("exchange.right_revoked", operator.pk, "DEPT", "exchange.accessright", str(right.pk))
    ]
    assert events[0].public == {"client": "tbnk", "service": "population", "method": "person"}


def test_staff_who_may_only_view_access_rights_cannot_revoke_one(
    node: Any, right: AccessRight
) -> None:
    # given: a staff member allowed to look at access rights, not to change them
    from django.contrib.auth.models import Permission

    viewer = staff("viewer@ddg.example.test")
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_accessright", content_type__app_label="exchange")
    )
    client = login(Client(), viewer, totp=False)
    assert client.get("/admin/exchange/accessright/").status_code == 200
    before = last_event_id()

    # when
    client.post(
        "/admin/exchange/accessright/",
        {"action": "revoke", "_selected_action": [str(right.pk)], "index": 0},
    )

    # then
    right.refresh_from_db()
    assert right.revoked_at is None
    assert events_since(before) == []


def test_revoking_a_right_that_does_not_exist_is_refused_and_records_nothing(
    node: Any, right: AccessRight
) -> None:
    # given
    before = last_event_id()

    # when / then
    with pytest.raises(CommandError):
        call_command(
            "exchange",
            "revoke",
            "--client",
            "tbnk",
            "--service",
            "population",
            "--method",
            "household",
            stdout=StringIO(),
        )
    assert events_since(before) == []
    right.refresh_from_db()
    assert right.revoked_at is None
