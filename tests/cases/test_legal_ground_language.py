"""A refusal names its legal ground in both languages where it is kept (the signed letter,
the public log); a page shows the line of its own language."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from goodgov.cases import selectors, services
from goodgov.cases.models import Case
from goodgov.ledger.models import Event
from tests.conftest import login

pytestmark = pytest.mark.django_db

THAI = "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535 มาตรา 38"
ENGLISH = "Public Health Act B.E. 2535 (1992), Section 38"


@pytest.fixture
def refused(in_review: Case, approver: Any) -> Case:
    return services.case_reject(actor=approver, case=in_review, reasons="ไม่ครบ", legal_ground=0)


def test_the_public_log_keeps_both_languages(refused: Case) -> None:
    assert Event.objects.get(action="case.rejected").public["legal_ground"] == f"{THAI}\n{ENGLISH}"


@pytest.mark.parametrize(("language", "shown"), [("th", THAI), ("en", ENGLISH)])
def test_the_timeline_shows_the_ground_in_the_pages_language(
    refused: Case, language: str, shown: str
) -> None:
    # when
    with translation.override(language):
        [entry] = [e for e in selectors.timeline(refused) if e.action == "case.rejected"]
    # then
    assert entry.detail == shown


@pytest.mark.parametrize(("language", "shown"), [("th", THAI), ("en", ENGLISH)])
def test_the_filter_shows_the_stored_ground_in_the_pages_language(
    refused: Case, language: str, shown: str
) -> None:
    template = Template("{% load goodgov %}{{ case.decision_legal_ground|legal_ground }}")
    with translation.override(language):
        assert template.render(Context({"case": refused})) == shown


@pytest.mark.parametrize("words", ["มาตรา 38", "a ground typed whole\nover\nthree lines", ""])
def test_a_ground_not_in_two_lines_stays_whole(words: str) -> None:
    assert selectors.legal_ground_in(words, "en") == words


@pytest.mark.parametrize(
    ("prefix", "shown", "hidden"), [("", THAI, ENGLISH), ("/en", ENGLISH, THAI)]
)
def test_the_officers_case_page_shows_the_ground_in_its_language(
    refused: Case, approver: Any, prefix: str, shown: str, hidden: str
) -> None:
    # given
    client = login(Client(), approver)
    # when
    html = client.get(f"{prefix}/office/cases/{refused.uuid}/").content.decode()
    # then
    assert shown in html and hidden not in html
