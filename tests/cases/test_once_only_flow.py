"""Once-only evidence in the citizen's flow: the node asks a registry (itself, over real
HTTP: pytest-django's live server) for the applicant's facts; the person sees them read-only
with where they came from; the officer sees them as verified; faults are explained and the
draft is kept."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from goodgov.cases import services
from goodgov.cases.models import Case, FetchedFact
from goodgov.catalogue.services import service_publish
from goodgov.exchange import directory, synthetic
from goodgov.exchange import services as exchange_services
from goodgov.exchange.models import Consent, Exchange
from goodgov.ledger import note
from goodgov.ledger.models import Event
from tests.cases.test_national_id_claims import sign_up
from tests.conftest import FETCHED, ID_A, ID_B

NODE = note.Signer.generate("ddg")
BORN = dt.date(1950, 3, 14)
ANSWERS = {"shop_name": "ร้านข้าวแกงป้าแดง", "opening_date": "2026-12-01"}
FORM = {
    "_action": "continue",
    "shop_name": ANSWERS["shop_name"],
    "opening_date_0": "1",
    "opening_date_1": "12",
    "opening_date_2": "2026",  # English pages take the Common Era
}


def write_directory(path: Path, base_url: str) -> str:
    path.write_text(
        yaml.safe_dump(
            {
                "nodes": [
                    {
                        "name": "ddg",
                        "agency": "DEPT",
                        "base_url": base_url,
                        "public_key": NODE.verifier.key,
                        "services": [{"name": "population", "methods": ["person", "household"]}],
                    }
                ]
            }
        )
    )
    return str(path)


@pytest.fixture
def self_node(settings: Any, live_server: Any, tmp_path: Path, other_agency: Any) -> Any:
    """This process is node "ddg" (run by DEPT) and asks itself over HTTP."""
    settings.GOODGOV_EXCHANGE_NODE = "ddg"
    settings.GOODGOV_EXCHANGE_KEY = NODE.key
    settings.GOODGOV_EXCHANGE_AGENCY = "DEPT"
    settings.GOODGOV_EXCHANGE_SERVICES = ["population"]
    settings.GOODGOV_EXCHANGE_DIRECTORY = write_directory(tmp_path / "dir.yaml", live_server.url)
    settings.GOODGOV_EXCHANGE_RETRIES = 0
    settings.GOODGOV_EXCHANGE_BACKOFF = 0.01
    settings.GOODGOV_EXCHANGE_TIMEOUT = 5
    directory._loaded.clear()
    synthetic.insert(
        [
            synthetic.given_person(
                national_id_value=ID_A,
                given_th="สมชาย",
                family_th="ใจดี",
                given_en="Somchai",
                family_en="Chaidi",
                birth_date=BORN,
                sex="M",
                address_line="12/3 หมู่ที่ 4",
            )
        ]
    )
    return settings


def provider_down(settings: Any, tmp_path: Path) -> None:
    """Point the directory's "ddg" at a port nobody listens on."""
    settings.GOODGOV_EXCHANGE_DIRECTORY = write_directory(
        tmp_path / "down.yaml", "http://127.0.0.1:9"
    )
    directory._loaded.clear()


def grant(*, legal_bases: list[str] | None = None, purpose: str = "test-permit") -> Any:
    return exchange_services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["birth_date", "age", "address"],
        purposes=[purpose],
        legal_bases=["pdpa-24-4"] if legal_bases is None else legal_bases,
    )


def publish(agency: Any, definition: dict[str, Any], **item: Any) -> Any:
    changed = copy.deepcopy(definition)
    fetched = {**FETCHED, **item}
    for key in [k for k, v in item.items() if v is None]:
        fetched.pop(key)
    if "accept" not in fetched and fetched.get("fallback"):
        fetched["accept"] = ["application/pdf"]
    changed["evidence"] = [*changed["evidence"], fetched]
    return service_publish(actor=None, definition=changed, source="tests")


@pytest.fixture
def fetching_version(agency: Any, definition: dict[str, Any]) -> Any:
    return publish(agency, definition)


def start(client: Any, version: Any) -> Case:
    response = client.post(f"/en/cases/start/{version.service.code}/")
    assert response.status_code == 302
    return Case.objects.latest("id")


def edit_url(case: Case) -> str:
    return f"/en/cases/{case.uuid}/edit/"


def review_url(case: Case) -> str:
    return f"/en/cases/{case.uuid}/review/"


def test_continue_fetches_the_fact_over_http_and_the_review_shows_it_read_only(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any
) -> None:
    # given
    grant()
    client = as_user(citizen_a)
    case = start(client, fetching_version)

    # when
    response = client.post(edit_url(case), FORM)

    # then: fetched through the protocol (this node served and requested it) and stored
    assert response.status_code == 302 and response["Location"] == review_url(case)
    fact = FetchedFact.objects.get(case=case)
    assert fact.item == "registry_record"
    assert (fact.node, fact.agency_code, fact.service, fact.method) == (
        "ddg",
        "DEPT",
        "population",
        "person",
    )
    assert (fact.purpose, fact.legal_basis, fact.fetched_by) == (
        "test-permit",
        "pdpa-24-4",
        citizen_a,
    )
    assert fact.data == {
        "birth_date": "1950-03-14",
        "age": fact.data["age"],
        "address": {
            "line": "12/3 หมู่ที่ 4",
            "subdistrict": "260301",
            "district": "2603",
            "province": "26",
            "postcode": "26110",
        },
    }
    assert fact.data["age"] >= 75
    assert sorted(Exchange.objects.values_list("direction", "outcome")) == [
        ("requested", "ok"),
        ("served", "ok"),
    ]
    # and the data is encrypted at rest
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM cases_fetchedfact WHERE id = %s", [fact.pk])
        stored = cursor.fetchone()[0]
    assert "1950-03-14" not in stored and "260301" not in stored

    # then: the review shows it, read-only, with where it came from
    page = client.get(review_url(case)).content.decode()
    assert "Information from government registries" in page
    assert "Civil registration record" in page
    assert "14 March 1950" in page
    assert "12/3 หมู่ที่ 4, Ban Na, Ban Na, Nakhon Nayok 26110" in page
    assert "From the civil registration database (Department of Tests), received" in page
    assert "PDPA section 24(4): a task in the public interest or official authority" in page
    assert 'name="birth_date' not in page and "registry_record" not in page.split("<form")[-1]


def test_the_edit_page_says_what_will_be_fetched_and_then_shows_the_fact(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any
) -> None:
    # given
    grant()
    client = as_user(citizen_a)
    case = start(client, fetching_version)

    # when
    before = client.get(edit_url(case)).content.decode()
    client.post(edit_url(case), FORM)
    after = client.get(edit_url(case)).content.decode()

    # then
    assert (
        "When you continue, we will get your date of birth, age and address in the house "
        "registration from the civil registration database (Department of Tests). You do not "
        "need to upload anything." in " ".join(before.split())
    )
    assert 'name="evidence_registry_record' not in before  # nothing to upload or tick
    assert "When you continue" not in after
    assert "14 March 1950" in after
    assert "You cannot change this here. If it is wrong, ask Department of Tests to correct" in (
        " ".join(after.split())
    )


def test_the_officer_sees_the_fact_as_verified_from_the_agencys_registry(
    self_node: Any, fetching_version: Any, citizen_a: Any, clerk: Any, as_user: Any
) -> None:
    # given
    grant()
    client = as_user(citizen_a)
    case = start(client, fetching_version)
    client.post(edit_url(case), FORM)
    submitted = client.post(review_url(case), {"declaration": "on"})
    assert submitted.status_code == 302

    # when
    page = as_user(clerk).get(f"/en/office/cases/{case.uuid}/").content.decode()

    # then
    text = " ".join(page.split())
    assert "Verified information from registries" in text
    assert "Verified from the civil registration database</h3>" in text
    assert "14 March 1950" in text
    assert "Provided by Department of Tests on " in text
    assert "in a response signed by its node ddg. Legal basis: PDPA section 24(4)" in text
    assert "Civil registration record" not in text.split("Documents")[-1]  # not an upload


def test_the_citizen_sees_the_fact_on_the_submitted_application(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any
) -> None:
    # given
    grant()
    client = as_user(citizen_a)
    case = start(client, fetching_version)
    client.post(edit_url(case), FORM)
    client.post(review_url(case), {"declaration": "on"})

    # when
    with translation.override("th"):
        page = client.get(f"/cases/{case.uuid}/").content.decode()

    # then: in Thai, Buddhist era
    assert "14 มีนาคม 2493" in page


def test_provider_down_gives_a_clear_message_and_keeps_the_draft(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any, tmp_path: Path
) -> None:
    # given
    grant()
    provider_down(self_node, tmp_path)
    client = as_user(citizen_a)
    case = start(client, fetching_version)

    # when
    response = client.post(edit_url(case), FORM)

    # then: the page explains, the answers are kept, nothing is stored
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "<title>Error:" in page
    assert "Your answers are saved." in page
    assert (
        "We could not reach the population registry of Department of Tests just now. Your "
        "answers are saved: try again later." in page
    )
    assert 'href="#fact-registry_record"' in page
    assert 'name="_action" value="fetch"' in page  # "Try again"
    assert f'name="shop_name" value="{ANSWERS["shop_name"]}"' in page  # what they typed
    case.refresh_from_db()
    assert case.state == "draft" and case.data == ANSWERS
    assert not FetchedFact.objects.exists()
    assert Exchange.objects.get().outcome == "provider_unavailable"


def test_in_thai_the_message_is_thai(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any, tmp_path: Path
) -> None:
    # given
    grant()
    provider_down(self_node, tmp_path)
    client = as_user(citizen_a)
    case = start(client, fetching_version)

    # when
    response = client.post(f"/cases/{case.uuid}/edit/", {**FORM, "opening_date_2": "2569"})

    # then: in the Thai catalogue's words (the English msgid until it has them), with the
    # agency's Thai name
    assert response.status_code == 200
    with translation.override("th"):
        expected = translation.gettext(
            "We could not reach %(registry)s of %(agency)s just now. Your answers are "
            "saved: try again later."
        ) % {"registry": translation.gettext("the population registry"), "agency": "กรมทดสอบ"}
    assert expected in response.content.decode()


def test_saving_a_draft_does_not_fetch(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any
) -> None:
    # given
    grant()
    client = as_user(citizen_a)
    case = start(client, fetching_version)

    # when
    response = client.post(edit_url(case), {**FORM, "_action": "draft"})

    # then
    assert response.status_code == 302
    assert not Exchange.objects.exists() and not FetchedFact.objects.exists()


def test_without_the_fact_the_case_cannot_be_submitted(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any, tmp_path: Path
) -> None:
    # given: the provider was down, the draft is kept
    grant()
    provider_down(self_node, tmp_path)
    client = as_user(citizen_a)
    case = start(client, fetching_version)
    client.post(edit_url(case), FORM)

    # when
    review = client.get(review_url(case)).content.decode()
    response = client.post(review_url(case), {"declaration": "on"})

    # then
    assert "Not received from the civil registration database (Department of Tests)." in review
    assert f'href="{edit_url(case)}#fact-registry_record"' in review
    assert response.status_code == 400
    assert (
        "We do not yet have the information we get from another agency&#x27;s registry."
        in response.content.decode()
    )
    case.refresh_from_db()
    assert case.state == "draft" and case.reference is None


def test_try_again_fetches_once_the_provider_is_back(
    self_node: Any,
    fetching_version: Any,
    citizen_a: Any,
    as_user: Any,
    tmp_path: Path,
    live_server: Any,
) -> None:
    # given
    grant()
    provider_down(self_node, tmp_path)
    client = as_user(citizen_a)
    case = start(client, fetching_version)
    client.post(edit_url(case), FORM)
    self_node.GOODGOV_EXCHANGE_DIRECTORY = write_directory(tmp_path / "up.yaml", live_server.url)
    directory._loaded.clear()

    # when
    response = client.post(edit_url(case), {**FORM, "_action": "fetch"})

    # then: the edit page shows the fact
    assert response.status_code == 200
    assert "14 March 1950" in response.content.decode()
    assert FetchedFact.objects.filter(case=case).count() == 1


def test_a_refusal_for_want_of_a_right_is_explained(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any
) -> None:
    # given: no access right at the provider
    client = as_user(citizen_a)
    case = start(client, fetching_version)

    # when
    response = client.post(edit_url(case), FORM)

    # then
    assert response.status_code == 200
    assert (
        "Department of Tests did not agree to give us the information from the population "
        "registry for this service." in " ".join(response.content.decode().split())
    )
    assert Exchange.objects.get(direction="requested").outcome == "no_right"
    assert not FetchedFact.objects.exists()
    case.refresh_from_db()
    assert case.data == ANSWERS


def test_an_upload_may_replace_the_fact_when_the_item_allows_it(
    self_node: Any, agency: Any, definition: Any, citizen_a: Any, as_user: Any, tmp_path: Path
) -> None:
    # given: the provider is down, the item allows an upload instead
    version = publish(agency, definition, fallback="upload")
    grant()
    provider_down(self_node, tmp_path)
    client = as_user(citizen_a)
    case = start(client, version)
    pdf = SimpleUploadedFile(
        "house.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )

    # when
    page = client.get(edit_url(case)).content.decode()
    response = client.post(edit_url(case), {**FORM, "evidence_registry_record": pdf})
    submitted = client.post(review_url(case), {"declaration": "on"})

    # then
    assert "Only if we cannot get this from the civil registration database for you" in page
    assert response.status_code == 302 and response["Location"] == review_url(case)
    assert submitted.status_code == 302
    case.refresh_from_db()
    assert case.state == "submitted"
    assert list(case.evidence.values_list("item", flat=True)) == ["registry_record"]
    assert not FetchedFact.objects.exists()


def test_with_consent_the_box_names_agency_purpose_and_fields_and_the_consent_is_sent(
    self_node: Any, agency: Any, definition: Any, citizen_a: Any, as_user: Any
) -> None:
    # given: a right that accepts no legal basis: the person's consent is needed
    version = publish(agency, definition, consent=True, legal_basis=None)
    grant(legal_bases=[])
    client = as_user(citizen_a)
    case = start(client, version)

    # when: first without ticking the box, then with it
    page = " ".join(client.get(edit_url(case)).content.decode().split())
    refused = client.post(edit_url(case), FORM)
    accepted = client.post(edit_url(case), {**FORM, "evidence_registry_record_consent": "on"})

    # then
    assert (
        "I agree that Department of Tests gives Ban Na Subdistrict Municipality my date of "
        "birth, age and address in the house registration from the civil registration "
        "database, for my application for Test permit." in page
    )
    assert refused.status_code == 200
    assert "Tick the box to agree that Department of Tests may give us this information." in (
        refused.content.decode()
    )
    assert 'href="#id_evidence_registry_record_consent"' in refused.content.decode()
    assert 'name="evidence_registry_record_consent" aria-describedby' in refused.content.decode()
    assert accepted.status_code == 302
    consent = Consent.objects.get()
    assert (consent.client, consent.service, consent.purpose) == (
        "ddg",
        "population",
        "test-permit",
    )
    assert consent.person_hash == citizen_a.national_id_hash
    fact = FetchedFact.objects.get(case=case)
    assert (fact.legal_basis, fact.consent_reference) == ("consent", str(consent.reference))
    served = Exchange.objects.get(direction="served")
    assert served.legal_basis == "consent" and served.consent == consent
    review = client.get(review_url(case)).content.decode()
    assert "Legal basis: Your consent." in " ".join(review.split())


def test_public_ledger_events_carry_no_id_and_no_fact(
    self_node: Any, fetching_version: Any, citizen_a: Any, as_user: Any
) -> None:
    # given
    grant()
    client = as_user(citizen_a)
    case = start(client, fetching_version)

    # when
    client.post(edit_url(case), FORM)

    # then
    requested = Event.objects.get(action="exchange.requested")
    served = Event.objects.get(action="exchange.served")
    assert requested.public["outcome"] == "ok" and requested.public["purpose"] == "test-permit"
    assert served.public["fields"] == ["address", "age", "birth_date"]
    for event in Event.objects.all():
        text = json.dumps(event.public, ensure_ascii=False)
        assert ID_A not in text and "1950-03-14" not in text and "12/3" not in text, event.action


def test_a_citizen_cannot_see_anothers_fetched_facts(
    self_node: Any, fetching_version: Any, citizen_a: Any, citizen_b: Any, as_user: Any
) -> None:
    # given: citizen A's draft holds a fact; B has the registry entry of their own
    grant()
    client = as_user(citizen_a)
    case = start(client, fetching_version)
    client.post(edit_url(case), FORM)
    assert FetchedFact.objects.filter(case=case).exists()
    other = as_user(citizen_b)

    # when
    pages = [other.get(edit_url(case)), other.get(review_url(case))]
    posts = [other.post(edit_url(case), {**FORM, "_action": "fetch"})]
    client.post(review_url(case), {"declaration": "on"})
    pages.append(other.get(f"/en/cases/{case.uuid}/"))

    # then
    assert [r.status_code for r in pages + posts] == [404, 404, 404, 404]
    for response in pages + posts:
        assert "14 March 1950" not in response.content.decode()
    assert Exchange.objects.filter(direction="requested").count() == 1  # B caused no fetch
    assert ID_B not in json.dumps(list(Exchange.objects.values("person_hash")))


def test_the_service_function_refuses_someone_else(
    self_node: Any, fetching_version: Any, citizen_a: Any, citizen_b: Any
) -> None:
    # given
    grant()
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=fetching_version.service
    )

    # when / then
    with pytest.raises(services.NotAllowed):
        services.case_fetch_facts(actor=citizen_b, case=case)
    assert not Exchange.objects.exists()


def test_a_consent_given_when_the_provider_was_down_is_kept_and_used_on_the_next_try(
    self_node: Any,
    agency: Any,
    definition: Any,
    citizen_a: Any,
    as_user: Any,
    tmp_path: Path,
    live_server: Any,
) -> None:
    # given: a consent item; the provider is down when the person ticks the box
    version = publish(agency, definition, consent=True, legal_basis=None)
    grant(legal_bases=[])
    provider_down(self_node, tmp_path)
    client = as_user(citizen_a)
    case = start(client, version)
    ticked = {**FORM, "evidence_registry_record_consent": "on"}
    failed = client.post(edit_url(case), ticked).content.decode()
    self_node.GOODGOV_EXCHANGE_DIRECTORY = write_directory(tmp_path / "up.yaml", live_server.url)
    directory._loaded.clear()

    # when
    retried = client.post(edit_url(case), {**ticked, "_action": "fetch"})

    # then: the box stayed ticked, and one consent served both attempts
    [box] = re.findall(
        r'<input type="checkbox" name="evidence_registry_record_consent"[^>]*>', failed
    )
    assert " checked" in box
    assert retried.status_code == 200
    consent = Consent.objects.get()
    assert FetchedFact.objects.get(case=case).consent_reference == str(consent.reference)
    assert list(
        Exchange.objects.filter(direction="requested").values_list("outcome", flat=True)
    ) == [
        "ok",
        "provider_unavailable",
    ]


def test_a_claimed_id_fetches_nobodys_registry_record(
    self_node: Any, fetching_version: Any, db: Any
) -> None:
    # given: someone signs up typing another person's ID, and applies for a service
    # that fetches the applicant's record from the population registry
    grant()
    client = Client()
    mallory = sign_up(client, "mallory@example.test")
    case = start(client, fetching_version)

    # when
    response = client.post(edit_url(case), FORM, follow=True)

    # then: nothing is asked of the registry; the person is told why and what to do
    assert not FetchedFact.objects.filter(case=case).exists()
    assert not Exchange.objects.exists()
    page = html.unescape(response.content.decode())
    assert "14 March 1950" not in page
    assert "has not been checked against your ID card yet" in page
    assert mallory.national_id == ""
