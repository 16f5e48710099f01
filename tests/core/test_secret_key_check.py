"""``goodgov migrate`` (and ``check --database``) stops with a clear error when the
secret key does not open the personal data already in the database: a fresh data
directory beside an existing database would otherwise generate a new key, and every
national ID would become unreadable while the platform served pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks

from goodgov.core.checks import secret_key_opens_the_data
from tests.conftest import ID_A

pytestmark = pytest.mark.django_db

OLD = "old-secret-key-" + "o" * 40
NEW = "new-secret-key-" + "n" * 40


@pytest.fixture
def sealed_with_old(settings: Any, citizen_a: Any) -> Any:
    """A citizen whose national ID was sealed with the old key."""
    settings.SECRET_KEY = OLD
    settings.SECRET_KEY_FALLBACKS = []
    citizen_a.set_national_id(ID_A)
    citizen_a.save()
    return settings


def test_the_key_that_sealed_the_data_passes(sealed_with_old: Any) -> None:
    assert secret_key_opens_the_data() == []


def test_another_key_is_an_error_naming_what_to_set(sealed_with_old: Any) -> None:
    # given: a new key, the old one nowhere
    sealed_with_old.SECRET_KEY = NEW
    # when
    [error] = secret_key_opens_the_data()
    # then
    assert error.id == "goodgov.E001" and error.level == checks.ERROR
    assert "GOODGOV_SECRET_KEY" in (error.hint or "")


def test_the_old_key_among_the_fallbacks_passes(sealed_with_old: Any) -> None:
    # given: a rotation in progress
    sealed_with_old.SECRET_KEY = NEW
    sealed_with_old.SECRET_KEY_FALLBACKS = [OLD]
    # then
    assert secret_key_opens_the_data() == []


def test_migrate_runs_it(sealed_with_old: Any) -> None:
    # given
    sealed_with_old.SECRET_KEY = NEW
    # when: the checks migrate runs (those of its database)
    found = checks.run_checks(databases=["default"])
    # then
    assert "goodgov.E001" in [message.id for message in found]
