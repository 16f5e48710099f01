"""A person's email addresses (``/accounts/email/``): nothing there can take another
account's address, or leave an account nobody can sign in to."""

from __future__ import annotations

import html as htmlmod
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse
from django.utils import translation

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


# --- Addresses another account holds, from before adding one was checked --------------


PRIMARY_TAKEN = {
    "en": "Another account uses this email address. It cannot be your main address: remove "
    "it from your account.",
    "th": "อีเมลนี้มีบัญชีผู้ใช้อื่นใช้อยู่แล้ว จึงไม่สามารถตั้งเป็นอีเมลหลักของท่านได้ กรุณานำอีเมลนี้ออกจากบัญชีผู้ใช้ของท่าน",
}
CONFIRM_TAKEN = {
    "en": "Another account uses this email address, so it cannot be confirmed for yours.",
    "th": "อีเมลนี้มีบัญชีผู้ใช้อื่นใช้อยู่แล้ว จึงไม่สามารถยืนยันเป็นอีเมลของบัญชีผู้ใช้ของท่านได้",
}


def url(language: str, name: str, **kwargs: object) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def banners(page: Any) -> list[str]:
    found = re.findall(
        r'(?s)<p class="govuk-notification-banner__heading">(.*?)</p>', page.content.decode()
    )
    return [re.sub(r"\s+", " ", htmlmod.unescape(text)).strip() for text in found]


def legacy_row(owner: User, email: str) -> EmailAddress:
    """An address on ``owner``'s account that another account holds: such rows were
    made before adding an address was checked against other accounts."""
    return EmailAddress.objects.create(user=owner, email=email, primary=False, verified=False)


def own_main_address(person: User) -> None:
    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"primary": True, "verified": False}
    )


def main_address(person: User) -> str | None:
    return (
        EmailAddress.objects.filter(user=person, primary=True)
        .values_list("email", flat=True)
        .first()
    )


@pytest.mark.parametrize("language", ["th", "en"])
def test_making_another_accounts_address_the_main_one_is_refused(
    as_user, citizen_a, citizen_b, language
):
    # given: citizen A's account holds citizen B's address (B's sign-in address)
    own_main_address(citizen_a)
    legacy_row(citizen_a, citizen_b.email)
    client = as_user(citizen_a)

    # when
    response = client.post(
        url(language, "account_email"),
        {"action_primary": "", "email": citizen_b.email},
        follow=True,
    )

    # then: refused in words, and neither account changed (it was a 500 on the unique
    # User.email, after A's main address had already been moved)
    assert response.status_code == 200
    assert banners(response) == [PRIMARY_TAKEN[language]]
    citizen_a.refresh_from_db()
    citizen_b.refresh_from_db()
    assert citizen_a.email == "somchai@example.test"
    assert main_address(citizen_a) == "somchai@example.test"
    assert citizen_b.email == "malee@example.test"


def test_an_address_another_account_confirmed_does_not_become_a_second_accounts_main_one(
    as_user, citizen_a, citizen_b
):
    # given: citizen B confirmed an address that is not B's main one; A's account holds
    # it too
    EmailAddress.objects.create(user=citizen_b, email="shared@example.test", verified=True)
    own_main_address(citizen_a)
    legacy_row(citizen_a, "shared@example.test")
    client = as_user(citizen_a)

    # when
    response = client.post(
        en("account_email"), {"action_primary": "", "email": "shared@example.test"}, follow=True
    )

    # then: A does not sign in with B's address
    assert banners(response) == [PRIMARY_TAKEN["en"]]
    citizen_a.refresh_from_db()
    assert citizen_a.email == "somchai@example.test"
    assert main_address(citizen_a) == "somchai@example.test"


def test_making_ones_own_address_the_main_one_still_works(as_user, citizen_a):
    # given
    own_main_address(citizen_a)
    legacy_row(citizen_a, "work@example.test")
    client = as_user(citizen_a)

    # when
    client.post(en("account_email"), {"action_primary": "", "email": "work@example.test"})

    # then
    citizen_a.refresh_from_db()
    assert citizen_a.email == "work@example.test"
    assert main_address(citizen_a) == "work@example.test"


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("has_main_address", [True, False])
def test_confirming_another_accounts_address_is_refused(
    as_user, citizen_a, citizen_b, has_main_address, language
):
    # given: A's account holds B's address, unconfirmed, and A follows its link
    if has_main_address:
        own_main_address(citizen_a)
    address = legacy_row(citizen_a, citizen_b.email)
    key = EmailConfirmationHMAC(address).key
    client = as_user(citizen_a)

    # when
    response = client.post(url(language, "account_confirm_email", key=key), follow=True)

    # then: refused in words; the address stays unconfirmed and nobody's main address
    # moved (without a main address of A's own, it was a 500 on the unique User.email)
    assert banners(response) == [CONFIRM_TAKEN[language]]
    address.refresh_from_db()
    assert (address.verified, address.primary) == (False, False)
    citizen_a.refresh_from_db()
    assert citizen_a.email == "somchai@example.test"


def test_an_address_another_account_has_not_confirmed_is_refused_too(as_user, citizen_a, citizen_b):
    # given: B added an address and has not confirmed it (confirmation is off here)
    EmailAddress.objects.create(user=citizen_b, email="new@example.test", verified=False)
    client = as_user(citizen_a)

    # when: A adds the same address
    response = client.post(en("account_email"), {"action_add": "", "email": "new@example.test"})

    # then: refused, as a confirmed one is; otherwise either could make it their main
    # address and sign in with the other's
    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert "new@example.test" not in addresses(citizen_a)


def test_the_email_page_is_only_for_someone_signed_in_and_changes_nothing_otherwise(
    client, citizen_a
):
    # given: someone not signed in, posting to make citizen A's other address the main one
    own_main_address(citizen_a)
    legacy_row(citizen_a, "work@example.test")

    # when
    shown = client.get(en("account_email"))
    sent = client.post(en("account_email"), {"action_primary": "", "email": "work@example.test"})

    # then: both lead to the sign-in page, and A's main address is unchanged
    for response in (shown, sent):
        assert response.status_code == 302
        assert response["Location"].startswith(en("account_login"))
    citizen_a.refresh_from_db()
    assert citizen_a.email == "somchai@example.test"
    assert main_address(citizen_a) == "somchai@example.test"
