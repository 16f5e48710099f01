"""/me/data/export: the person downloads all their data, and nothing of anyone else's."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from goodgov.core import national_id
from goodgov.exchange import services
from tests.cases.conftest import submitted_case
from tests.conftest import ID_A, ID_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people(citizen_a: Any, citizen_b: Any, clerk: Any, service_version: Any) -> Any:
    """Each citizen has a case an officer opened, a consent and a use of their data."""
    cases = {}
    for person, nid, purpose in ((citizen_a, ID_A, "purpose-a"), (citizen_b, ID_B, "purpose-b")):
        case = submitted_case(person, service_version)
        services.person_view_record(actor=clerk, case=case)
        services.consent_give(
            actor=person,
            person_hash=national_id.lookup_hash(nid),
            client="tbnk",
            service="population",
            purpose=purpose,
            expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        )
        services.exchange_record_served(
            client="tbnk",
            service="population",
            method="person",
            purpose=purpose,
            legal_basis="pdpa-24-4",
            consent=None,
            person_hash=national_id.lookup_hash(nid),
            fields=["age"],
            nonce=f"nonce-{purpose}",
        )
        cases[person.pk] = case
    return cases


def test_the_json_holds_the_persons_cases_events_consents_and_uses(
    two_people: Any, citizen_a: Any, as_user: Any
) -> None:
    # when
    response = as_user(citizen_a).get("/en/me/data/export/my-data.json")

    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    mine = two_people[citizen_a.pk]
    assert data["account"]["national_id"] == ID_A
    assert data["account"]["email"] == "somchai@example.test"
    assert [c["reference"] for c in data["cases"]] == [mine.reference]
    assert data["cases"][0]["answers"]["shop_name"] == "ร้านข้าวแกงป้าแดง"
    assert {"key": "seats", "label": "Number of seats", "value": "20"} in data["cases"][0][
        "questions"
    ]
    assert [c["purpose"] for c in data["consents"]] == ["purpose-a"]
    assert [u["purpose"] for u in data["uses_of_data"]] == ["purpose-a"]
    assert [v["case"] for v in data["record_views"]] == [mine.reference]
    actions = [e["action"] for e in data["events"]]
    assert "case.submitted" in actions
    assert "person.viewed" in actions


def test_the_json_holds_nothing_of_anyone_else(
    two_people: Any, citizen_a: Any, citizen_b: Any, as_user: Any
) -> None:
    # when
    body = as_user(citizen_a).get("/en/me/data/export/my-data.json").content.decode()

    # then
    assert ID_B not in body
    assert "malee" not in body
    assert two_people[citizen_b.pk].reference not in body
    assert str(two_people[citizen_b.pk].uuid) not in body
    assert "purpose-b" not in body


def test_the_pdf_is_a_pdf_of_the_persons_data(
    two_people: Any, citizen_a: Any, as_user: Any
) -> None:
    # when
    response = as_user(citizen_a).get("/me/data/export/my-data.pdf")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "no-store"


def test_the_export_page_links_both_files(citizen_a: Any, as_user: Any) -> None:
    page = as_user(citizen_a).get("/en/me/data/export/").content.decode()
    assert 'href="/en/me/data/export/my-data.pdf"' in page
    assert 'href="/en/me/data/export/my-data.json"' in page


@pytest.mark.parametrize(
    "path", ["/me/data/export/", "/me/data/export/my-data.json", "/me/data/export/my-data.pdf"]
)
def test_anonymous_people_are_sent_to_sign_in(db: Any, client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_tracker_links_the_rights(
    citizen_a: Any, erasure_service: Any, correction_service: Any, as_user: Any
) -> None:
    page = as_user(citizen_a).get("/en/me/data/").content.decode()
    assert 'href="/en/me/data/export/"' in page
    assert 'href="/en/cases/start/pdpa-correction/"' in page
    assert 'href="/en/cases/start/pdpa-erasure/"' in page
