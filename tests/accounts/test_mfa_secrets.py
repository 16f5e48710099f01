"""The second factor's secrets are sealed at rest: a database dump does not give anyone
the officers' TOTP keys or recovery-code seeds, and they still work, including those
stored in clear before sealing began (until the migration or ``goodgov pii rekey``
seals them)."""

from __future__ import annotations

import importlib
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from goodgov.core.rekey import rekey_all
from tests.accounts.helpers import PASSWORD, SECRET, en, totp_code

pytestmark = pytest.mark.django_db

SEAL = importlib.import_module("goodgov.accounts.migrations.0003_seal_mfa_secrets")
OLD = "old-secret-key-" + "o" * 40
NEW = "new-secret-key-" + "n" * 40


def stored(user: User, kind: str) -> str:
    """The authenticator's data as the database holds it (what a dump shows)."""
    table = Authenticator._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT data FROM {table} WHERE user_id = %s AND type = %s", [user.pk, kind]
        )
        return str(cursor.fetchone()[0])


def signs_in(user: User, login: str, *, step: int = 0) -> bool:
    """Password then code; ``step`` 1 uses the next 30-second code (a code signs in
    once, and the next step's is accepted: MFA_TOTP_TOLERANCE)."""
    client = Client()
    client.post(en("account_login"), {"login": login, "password": PASSWORD})
    client.post(en("mfa_authenticate"), {"code": totp_code(SECRET, at=time.time() + 30 * step)})
    return client.session.get("_auth_user_id") == str(user.pk)


def test_a_totp_key_is_stored_sealed_and_still_signs_in(agency_admin: User) -> None:
    # when
    user_totp_activate(user=agency_admin, secret=SECRET)
    # then
    assert SECRET not in stored(agency_admin, "totp")
    assert '"v1:' in stored(agency_admin, "totp")
    assert signs_in(agency_admin, "admin@tbnk.example.test")


def test_recovery_codes_seed_is_stored_sealed_and_the_codes_stay_the_same(
    agency_admin: User,
) -> None:
    # when
    codes = RecoveryCodes.activate(agency_admin)
    seed = codes.instance.data["seed"]
    # then
    assert seed.startswith("v1:")
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).generate_codes() == (
        codes.generate_codes()
    )


def test_a_key_stored_in_clear_before_still_works_and_the_migration_seals_it(
    agency_admin: User,
) -> None:
    # given: a TOTP key as allauth stored it before sealing began
    user_totp_activate(user=agency_admin, secret=SECRET)
    Authenticator.objects.filter(user=agency_admin).update(data={"secret": SECRET})
    assert SECRET in stored(agency_admin, "totp")
    assert signs_in(agency_admin, "admin@tbnk.example.test")
    # when
    SEAL.seal_all(django_apps, None)
    # then
    assert SECRET not in stored(agency_admin, "totp")
    assert signs_in(agency_admin, "admin@tbnk.example.test", step=1)


def test_rekey_moves_the_secrets_to_the_new_key(settings: Any, agency_admin: User) -> None:
    # given: a key sealed under the old secret key, then a rotation
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    user_totp_activate(user=agency_admin, secret=SECRET)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    # when
    first = rekey_all()
    second = rekey_all()
    # then: sealed with the new key alone, so the old key can go
    assert first["mfa.Authenticator"] == 1 and second["mfa.Authenticator"] == 0
    settings.SECRET_KEY_FALLBACKS = []
    assert signs_in(agency_admin, "admin@tbnk.example.test")
