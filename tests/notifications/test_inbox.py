"""The messages page: each message in the language it was written in, marked as such
when the page is in the other one (WCAG 3.1.2, language of parts)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy as _

from goodgov.accounts.services import user_set_notice_language
from goodgov.notifications.services import message_send
from tests.conftest import login
from tests.web.html import Page

SWITCHER = {"ภาษาไทย", "English"}  # the language switch names each language in itself


def _marked(page: Page, tag: str) -> list[tuple[str | None, str]]:
    return [
        (e.attrs.get("lang"), e.text)
        for e in page.find_all(tag)
        if e.attrs.get("lang") and e.text not in SWITCHER
    ]


pytestmark = pytest.mark.django_db


def test_a_message_in_thai_is_marked_thai_on_the_english_page(citizen_a: Any) -> None:
    # given: written in Thai (the person's language then), read on the English page
    user_set_notice_language(user=citizen_a, language="th")
    message = message_send(user=citizen_a, subject=_("Messages"), body=_("Messages"))
    client = login(Client(), citizen_a)

    # when
    english = Page(client.get("/en/messages/").content.decode())
    thai = Page(client.get("/messages/").content.decode())

    # then: stored in Thai; marked lang="th" among English, unmarked among Thai
    assert (message.language, message.subject) == ("th", "ข้อความ")
    assert _marked(english, "span") == [("th", "ข้อความ")]
    assert _marked(english, "p") == [("th", "ข้อความ")]
    assert _marked(thai, "span") + _marked(thai, "p") == []


def test_a_message_in_english_is_marked_english_on_the_thai_page(citizen_a: Any) -> None:
    # given
    user_set_notice_language(user=citizen_a, language="en")
    message = message_send(user=citizen_a, subject=_("Messages"), body=_("Messages"))
    client = login(Client(), citizen_a)

    # when
    thai = Page(client.get("/messages/").content.decode())

    # then
    assert (message.language, message.subject) == ("en", "Messages")
    assert _marked(thai, "span") == [("en", "Messages")]
