"""The queue's filters: a bad value is an error linked to its field, and the filters that
are good still apply (a bad one must not drop them all and show every open case)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from goodgov.cases.models import Case
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_and_not(citizen_a, citizen_b, service_version) -> tuple[Case, Case]:
    """Two open cases of the agency: one past its due date, one not."""
    late = submitted_case(citizen_a, service_version)
    on_time = submitted_case(citizen_b, service_version)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    return late, on_time


def test_a_bad_service_keeps_the_due_filter_and_shows_the_error(as_user, clerk, overdue_and_not):
    late, on_time = overdue_and_not
    # when
    response = as_user(clerk).get(reverse("office:queue"), {"service": "bogus", "due": "overdue"})
    # then: only the overdue case, the error linked to the service field, "overdue" kept
    html = response.content.decode()
    assert response.status_code == 200
    assert late.reference in html and on_time.reference not in html
    assert '<div class="govuk-error-summary"' in html
    assert '<a href="#id_service">' in html and "bogus" in html
    assert '<option value="overdue" selected>' in html
    assert "<title>ข้อผิดพลาด:" in html


def test_a_bad_status_keeps_the_service_filter(as_user, clerk, overdue_and_not):
    late, on_time = overdue_and_not
    # when
    response = as_user(clerk).get(
        reverse("office:queue"), {"service": "test-permit", "state": "nonsense"}
    )
    # then: the status falls back to open cases; the service filter and its choice stay
    html = response.content.decode()
    assert late.reference in html and on_time.reference in html
    assert '<a href="#id_state">' in html
    assert '<option value="test-permit" selected>' in html


def test_a_bad_filter_is_explained_in_english_on_the_english_page(as_user, clerk, overdue_and_not):
    # when
    with translation.override("en"):
        response = as_user(clerk).get(reverse("office:queue"), {"due": "yesterday"})
    # then
    html = response.content.decode()
    assert '<a href="#id_due">Select a due date from the list</a>' in html
    assert "<title>Error:" in html


def test_good_filters_show_no_error_summary(as_user, clerk, overdue_and_not):
    late, on_time = overdue_and_not
    # when
    response = as_user(clerk).get(
        reverse("office:queue"), {"service": "test-permit", "due": "overdue"}
    )
    # then
    html = response.content.decode()
    assert late.reference in html and on_time.reference not in html
    assert "govuk-error-summary" not in html


def test_the_queue_without_filters_shows_every_open_case_and_no_error(
    as_user, clerk, overdue_and_not
):
    late, on_time = overdue_and_not
    # when
    response = as_user(clerk).get(reverse("office:queue"))
    # then
    html = response.content.decode()
    assert late.reference in html and on_time.reference in html
    assert "govuk-error-summary" not in html


def test_only_counter_officers_are_offered_filing_at_the_counter(
    as_user: Any, clerk: Any, counter_officer: Any
) -> None:
    # the link leads to a page only the counter role may open
    link = reverse("office:counter")
    assert f'href="{link}"' not in as_user(clerk).get(reverse("office:queue")).content.decode()
    assert (
        f'href="{link}"' in as_user(counter_officer).get(reverse("office:queue")).content.decode()
    )
