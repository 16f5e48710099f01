"""The record of processing activities, generated for the agency's data protection officer."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from goodgov.exchange import services
from tests.exchange.conftest import dpo_urlpatterns

urlpatterns = dpo_urlpatterns()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def exchange_right(settings: Any, agency: Any) -> Any:
    """This node acts for the agency and serves the population registry to "ddg"."""
    settings.GOODGOV_EXCHANGE_AGENCY = "TBNK"
    return services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["age", "address"],
        purposes=["elderly-allowance"],
        legal_bases=["pdpa-24-4"],
    )


def test_the_page_lists_each_service_and_each_exchange_right(
    agency_admin: Any, service_version: Any, exchange_right: Any, as_user: Any
) -> None:
    # when
    response = as_user(agency_admin).get("/en/dpo/TBNK/ropa/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="activity"') == 2
    assert "Test permit" in page
    assert "To handle your application for Test permit and to decide on it." in page
    assert "<li>Shop name</li>" in page
    assert "10 years after the decision" in page
    assert "Population registry: personal details" in page
    assert "elderly-allowance" in page


def test_the_csv_has_one_row_per_activity(
    agency_admin: Any, service_version: Any, exchange_right: Any, as_user: Any
) -> None:
    # when
    response = as_user(agency_admin).get("/en/dpo/TBNK/ropa.csv")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Kind",
        "Activity",
        "Purpose",
        "Data subjects",
        "Categories of personal data",
        "Legal basis",
        "Retention",
        "Recipients",
        "Sources",
    ]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("service", "Test permit"),
        ("exchange", "Population registry: personal details"),
    ]
    assert rows[2][4] == "address | age"
    assert rows[2][5] == "PDPA section 24(4): a task in the public interest or official authority"


def test_exchange_rights_belong_only_to_the_nodes_own_agency(
    settings: Any, other_agency: Any, foreign_officer: Any, exchange_right: Any, as_user: Any
) -> None:
    # when: the admin of another agency (not the node's) looks at their own record
    page = as_user(foreign_officer).get("/en/dpo/DEPT/ropa/").content.decode()

    # then
    assert "Population registry" not in page
    assert "The agency has no services yet." in page


def test_a_cell_that_looks_like_a_formula_is_quoted(
    agency_admin: Any, agency: Any, settings: Any, as_user: Any
) -> None:
    # given
    settings.GOODGOV_EXCHANGE_AGENCY = "TBNK"
    services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["age"],
        purposes=["=HYPERLINK(1)"],
    )

    # when
    body = as_user(agency_admin).get("/en/dpo/TBNK/ropa.csv").content.decode("utf-8-sig")

    # then
    assert ",'=HYPERLINK(1)," in body


@pytest.mark.parametrize("path", ["/en/dpo/TBNK/ropa/", "/en/dpo/TBNK/ropa.csv"])
@pytest.mark.parametrize("who", ["citizen_a", "clerk", "approver", "foreign_officer"])
def test_nobody_but_the_agencys_admins_sees_it(
    request: Any, service_version: Any, as_user: Any, who: str, path: str
) -> None:
    # when
    response = as_user(request.getfixturevalue(who)).get(path)

    # then
    assert response.status_code == 404


def test_anonymous_people_are_sent_to_sign_in(db: Any, client: Any) -> None:
    response = client.get("/en/dpo/TBNK/ropa/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
