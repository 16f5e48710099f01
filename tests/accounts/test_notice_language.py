"""The language of a person's messages and emails, chosen on the account page (``/me/``).

In-app messages and emails are written in ``User.preferred_language``; until this page,
only sign-up set it. Only the signed-in person changes their own; an unknown language
is refused with a message and changes nothing; it is a private preference, so no event
reaches the public ledger.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from goodgov.accounts import services
from goodgov.accounts.models import User
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from goodgov.notifications.services import message_send
from tests.accounts.helpers import en
from tests.conftest import login


def _thai(name: str) -> str:
    with translation.override("th"):
        return reverse(name)


def _language(user: User) -> str:
    return User.objects.values_list("preferred_language", flat=True).get(pk=user.pk)


def test_account_page_shows_the_current_language_and_a_form_to_change_it(
    client: Client, citizen_a: User
) -> None:
    # given: signed up on the Thai site
    login(client, citizen_a)

    # when
    response = client.get(en("accounts:profile"))

    # then: the choice is shown, and a form that works without JavaScript changes it
    html = response.content.decode()
    assert response.status_code == 200
    assert "Language of messages and emails" in html
    # in the page's language, as the rest of the summary (WCAG 3.1.2)
    assert '<dd class="govuk-summary-list__value">Thai</dd>' in html
    assert f'<form method="post" action="{en("accounts:notice_language")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'type="radio" name="language" value="th" required id="id_language_0" checked' in html
    assert 'type="radio" name="language" value="en" required id="id_language_1"' in html
    assert '<span lang="en">English</span>' in html
    assert "Messages already sent stay in the language they were written in." in html


def test_citizen_chooses_english_and_later_notices_come_in_english(
    client: Client, citizen_a: User
) -> None:
    # given
    login(client, citizen_a)

    # when
    response = client.post(en("accounts:notice_language"), {"language": "en"})

    # then: back on the account page, which says so and shows the new choice
    assert response.status_code == 302
    assert response["Location"] == en("accounts:profile")
    assert _language(citizen_a) == "en"
    page = client.get(response["Location"]).content.decode()
    assert "The language of your messages and emails is saved." in page
    assert '<dd class="govuk-summary-list__value">English</dd>' in page
    assert 'value="en" required id="id_language_1" checked' in page


def test_the_chosen_language_is_the_language_of_the_next_message(
    client: Client, citizen_a: User
) -> None:
    # given: a person who chose English, on the Thai site
    login(client, citizen_a)
    client.post(_thai("accounts:notice_language"), {"language": "en"})
    citizen_a.refresh_from_db()

    # when: a message is sent to them while the active language is Thai
    with translation.override("th"):
        message = message_send(
            user=citizen_a, subject=gettext_lazy("Your profile"), body=gettext_lazy("Security")
        )

    # then: written in English ("ข้อมูลส่วนตัว" before)
    stored = Message.objects.get(pk=message.pk)
    assert (stored.subject, stored.body) == ("Your profile", "Security")


def test_changing_back_to_thai_works_from_the_english_site(client: Client, citizen_a: User) -> None:
    # given
    citizen_a.preferred_language = "en"
    citizen_a.save(update_fields=["preferred_language"])
    login(client, citizen_a)

    # when
    response = client.post(en("accounts:notice_language"), {"language": "th"})

    # then
    assert response.status_code == 302
    assert _language(citizen_a) == "th"


@pytest.mark.parametrize("sent", [{"language": "fr"}, {"language": ""}, {}])
def test_an_unknown_language_is_refused_clearly_and_changes_nothing(
    client: Client, citizen_a: User, sent: dict[str, str]
) -> None:
    # given
    login(client, citizen_a)

    # when
    response = client.post(en("accounts:notice_language"), sent)

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Your profile" in html
    assert 'class="govuk-error-summary"' in html
    assert (
        '<a href="#id_language_0">Choose Thai or English for your messages and emails</a>' in html
    )
    assert _language(citizen_a) == "th"


def test_an_unknown_language_is_refused_in_thai_on_the_thai_site(
    client: Client, citizen_a: User
) -> None:
    # given
    login(client, citizen_a)

    # when
    response = client.post(_thai("accounts:notice_language"), {"language": "fr"})

    # then: the page is in Thai and says what is wrong
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="th"' in html
    assert 'class="govuk-error-summary"' in html
    assert _language(citizen_a) == "th"


def test_a_stranger_cannot_change_anyones_language(client: Client, citizen_a: User) -> None:
    # when: no session (nobody signed in), naming no one, and naming citizen_a
    for data in ({"language": "en"}, {"language": "en", "user": str(citizen_a.pk)}):
        response = client.post(en("accounts:notice_language"), data)

        # then: sent to sign in; nothing changed
        assert response.status_code == 302
        assert response["Location"].startswith(en("account_login"))
    assert _language(citizen_a) == "th"


def test_a_person_changes_only_their_own_language(
    client: Client, citizen_a: User, citizen_b: User
) -> None:
    # given
    login(client, citizen_b)

    # when: trying to name another account
    response = client.post(
        en("accounts:notice_language"), {"language": "en", "user": str(citizen_a.pk)}
    )

    # then: their own changed, the other's did not
    assert response.status_code == 302
    assert _language(citizen_b) == "en"
    assert _language(citizen_a) == "th"


def test_the_page_without_a_csrf_token_is_refused(citizen_a: User) -> None:
    # given: a client that checks CSRF as browsers' requests are checked
    client = Client(enforce_csrf_checks=True)
    login(client, citizen_a)

    # when
    response = client.post(en("accounts:notice_language"), {"language": "en"})

    # then
    assert response.status_code == 403
    assert _language(citizen_a) == "th"


def test_a_get_of_the_form_address_changes_nothing(client: Client, citizen_a: User) -> None:
    # given
    login(client, citizen_a)

    # when
    response = client.get(en("accounts:notice_language"), {"language": "en"})

    # then
    assert response.status_code == 405
    assert _language(citizen_a) == "th"


def test_the_service_refuses_an_unknown_language_and_changes_nothing(citizen_a: User) -> None:
    # when
    with pytest.raises(ValidationError) as info:
        services.user_set_notice_language(user=citizen_a, language="xx")

    # then
    with translation.override("en"):
        assert info.value.message_dict == {
            "language": ["Choose Thai or English for your messages and emails"]
        }
    assert _language(citizen_a) == "th"


def test_choosing_a_language_is_private_and_records_no_public_event(citizen_a: User) -> None:
    # given
    before = Event.objects.count()

    # when
    services.user_set_notice_language(user=citizen_a, language="en")

    # then
    assert _language(citizen_a) == "en"
    assert Event.objects.count() == before
