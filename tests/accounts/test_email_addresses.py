"""A person's email addresses (``/accounts/email/``): nothing there can take another
account's address, or leave an account nobody can sign in to."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress

from goodgov.accounts.models import User
from tests.accounts.helpers import PASSWORD, en
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def addresses(user: User) -> list[str]:
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", flat=True))


def test_another_accounts_address_is_refused_by_name(as_user, citizen_a, citizen_b):
    # given
    client = as_user(citizen_a)

    # when: citizen A adds citizen B's address
    response = client.post(en("account_email"), {"action_add": "", "email": citizen_b.email})

    # then: the form says whose it is not, and nothing was added (making it the main
    # address used to break the page on the unique email)
    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert citizen_b.email not in addresses(citizen_a)
    citizen_a.refresh_from_db()
    assert citizen_a.email == "somchai@example.test"


def test_a_new_address_of_ones_own_is_added(as_user, citizen_a):
    client = as_user(citizen_a)

    response = client.post(en("account_email"), {"action_add": "", "email": "work@example.test"})

    assert response.status_code == 302
    assert "work@example.test" in addresses(citizen_a)


def test_the_only_address_of_an_account_without_a_phone_stays(as_user, db):
    # given: an account with an email address and no phone number
    person = make_user("only@example.test")
    EmailAddress.objects.get_or_create(
        user=person, email=person.email, defaults={"primary": True, "verified": True}
    )
    client = as_user(person)

    # when: they try to remove it
    client.post(en("account_email"), {"action_remove": "", "email": person.email})

    # then: it stays, and they can still sign in with it
    assert addresses(person) == ["only@example.test"]
    fresh: Any = type(client)()
    signed_in = fresh.post(en("account_login"), {"login": person.email, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_an_account_with_a_phone_may_remove_its_only_address(as_user, citizen_a):
    # given: citizen A signs in by phone too
    assert citizen_a.phone
    EmailAddress.objects.get_or_create(
        user=citizen_a, email=citizen_a.email, defaults={"primary": True, "verified": True}
    )
    client = as_user(citizen_a)

    client.post(en("account_email"), {"action_remove": "", "email": citizen_a.email})

    assert addresses(citizen_a) == []


def test_a_wrong_current_password_is_named_in_our_words(as_user, citizen_a):
    client = as_user(citizen_a)

    response = client.post(
        en("account_change_password"),
        {
            "oldpassword": "not it",
            "password1": "a new long passphrase",
            "password2": "a new long passphrase",
        },
    )

    assert response.status_code == 200
    assert "Your current password is not correct." in response.content.decode()
    citizen_a.refresh_from_db()
    assert citizen_a.check_password(PASSWORD)
