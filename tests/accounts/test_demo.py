"""``goodgov demo``: fictional agencies and people, idempotent, through the services."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from goodgov.accounts.models import User
from goodgov.agencies.models import Agency, Membership
from goodgov.core import national_id
from goodgov.core.management.commands import demo
from goodgov.ledger.models import Event
from tests.accounts.helpers import en, totp_code


@pytest.fixture
def catalogue_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Stand in for ``goodgov catalogue load`` (another app's command) and record calls."""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(demo, "call_command", lambda *args, **kw: calls.append(args))
    return calls


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _run() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_creates_fictional_agencies_officers_and_citizens(
    db: Any, catalogue_calls: list[tuple[Any, ...]]
) -> None:
    # when
    output = _run()

    # then: agencies
    tbnk = Agency.objects.get(code="TBNK")
    assert tbnk.name_th == "เทศบาลตำบลบ้านนา (สมมติ)"
    assert tbnk.name_en == "Ban Na Subdistrict Municipality (fictional)"
    assert (tbnk.kind, tbnk.province_code, tbnk.district_code, tbnk.subdistrict_code) == (
        "local",
        "26",
        "2603",
        "260301",
    )
    ddg = Agency.objects.get(code="DDG")
    assert ddg.kind == "central"
    assert Agency.objects.filter(fictional=True).count() == 2
    # officers: four roles in each agency, each with TOTP
    for code in ("TBNK", "DDG"):
        roles = set(Membership.objects.filter(agency__code=code).values_list("role", flat=True))
        assert roles == {"admin", "officer", "approver", "counter"}
    approver = User.objects.get(email="approver.tbnk@example.test")
    assert set(approver.memberships.values_list("role", flat=True)) == {"officer", "approver"}
    assert Authenticator.objects.filter(type="totp").count() == 8
    # citizens: valid synthetic national IDs, one with a phone only
    citizens = User.objects.filter(memberships__isnull=True)
    assert citizens.count() == 5
    assert all(national_id.is_valid(c.national_id) for c in citizens)
    phone_only = citizens.get(email__isnull=True)
    assert phone_only.phone == "+66800000005"
    assert User.objects.filter(fictional=False).count() == 0
    # through the services: each registration and each role is in the ledger
    assert Event.objects.filter(action="agency.created").count() == 2
    assert Event.objects.filter(action="person.registered").count() == 13
    assert Event.objects.filter(action="membership.granted").count() == 10
    # the catalogue is loaded, the population registry filled, the sign-ins printed as fictional
    assert catalogue_calls == [("catalogue", "load"), ("exchange", "people", "--count", "1000")]
    assert "fictional" in output
    assert demo.PASSWORD in output
    assert "V7U77IEBQTTORJDHC55LQC35FJNWJZHR" in output
    assert "080-000-0005" in output


def test_running_demo_twice_changes_nothing_and_records_no_event(
    db: Any, catalogue_calls: list[tuple[Any, ...]]
) -> None:
    # given
    _run()
    counts, last_event = _row_counts(), Event.objects.order_by("-id").first()

    # when
    _run()

    # then
    assert _row_counts() == counts
    assert Event.objects.order_by("-id").first() == last_event


def test_a_missing_catalogue_command_gives_a_clear_error(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    def missing(*args: Any, **kwargs: Any) -> None:
        raise CommandError("Unknown command: 'catalogue'")

    monkeypatch.setattr(demo, "call_command", missing)

    # when / then
    with pytest.raises(CommandError, match="no `goodgov catalogue` command"):
        call_command("demo", stdout=StringIO())
    # and the people and agencies are in place all the same
    assert Agency.objects.count() == 2


def test_demo_officer_signs_in_with_the_printed_password_and_totp_secret(
    client: Client, db: Any, catalogue_calls: list[tuple[Any, ...]]
) -> None:
    # given
    _run()

    # when
    client.post(
        en("account_login"), {"login": "clerk.tbnk@example.test", "password": demo.PASSWORD}
    )
    response = client.post(
        en("mfa_authenticate"), {"code": totp_code("QSRADURS67T76B44VPEUKCBGBERVEKGB")}
    )

    # then
    assert response.status_code == 302
    clerk = User.objects.get(email="clerk.tbnk@example.test")
    assert client.session["_auth_user_id"] == str(clerk.pk)


def test_demo_citizen_signs_in_with_a_phone_number(
    client: Client, db: Any, catalogue_calls: list[tuple[Any, ...]]
) -> None:
    # given
    _run()

    # when
    response = client.post(
        en("account_login"), {"login": "080-000-0005", "password": demo.PASSWORD}
    )

    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(phone="+66800000005").pk)
