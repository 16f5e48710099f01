"""Personal data in a real browser, every page audited by axe (tests/e2e/conftest.py): a
citizen applies for the old-age allowance whose age and address come from the population
registry (this node asks itself over HTTP, as in tests/cases/test_once_only_flow.py), then
sees that use of their data on their tracker and downloads it; a service's privacy notice;
the data protection officer's record of processing and breach register, with an error."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from goodgov.cases.models import Case, FetchedFact
from goodgov.catalogue.services import service_publish
from goodgov.exchange import directory, synthetic
from goodgov.exchange import services as exchange_services
from goodgov.exchange.models import Breach, Exchange
from goodgov.ledger import note
from tests.conftest import ID_A, login

NODE = note.Signer.generate("ddg")
ELDERLY_ALLOWANCE = Path(django_settings.REPO_DIR) / "services" / "elderly-allowance.yaml"


def th(text: str) -> str:
    """What a Thai reader sees for an English msgid (the msgid itself until translated)."""
    with translation.override("th"):
        return translation.gettext(text)


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """A busy machine may be slow to answer: wait longer than the default 5 s."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def self_node(settings: Any, live_server: Any, tmp_path: Path, other_agency: Any) -> Any:
    """This process is node "ddg" (run by DEPT), lists itself at the live server's address
    and so asks itself over HTTP; citizen A is in its population registry."""
    settings.GOODGOV_EXCHANGE_NODE = "ddg"
    settings.GOODGOV_EXCHANGE_KEY = NODE.key
    settings.GOODGOV_EXCHANGE_AGENCY = "DEPT"
    settings.GOODGOV_EXCHANGE_SERVICES = ["population"]
    path = tmp_path / "directory.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "nodes": [
                    {
                        "name": "ddg",
                        "agency": "DEPT",
                        "base_url": live_server.url,
                        "public_key": NODE.verifier.key,
                        "services": [{"name": "population", "methods": ["person", "household"]}],
                    }
                ]
            }
        )
    )
    settings.GOODGOV_EXCHANGE_DIRECTORY = str(path)
    settings.GOODGOV_EXCHANGE_RETRIES = 0
    settings.GOODGOV_EXCHANGE_TIMEOUT = 10
    directory._loaded.clear()
    synthetic.insert(
        [
            synthetic.given_person(
                national_id_value=ID_A,
                given_th="สมชาย",
                family_th="ใจดี",
                given_en="Somchai",
                family_en="Chaidi",
                birth_date=dt.date(1950, 3, 14),
                sex="M",
                address_line="12/3 หมู่ที่ 4",
            )
        ]
    )
    yield settings
    directory._loaded.clear()


@pytest.fixture
def elderly_allowance(self_node: Any, agency: Any) -> Any:
    """The demo's old-age allowance as published, and the right to ask for its facts."""
    definition = yaml.safe_load(ELDERLY_ALLOWANCE.read_text(encoding="utf-8"))
    version = service_publish(actor=None, definition=definition, source="tests")
    exchange_services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["address", "age", "birth_date"],
        purposes=["elderly-allowance"],
        legal_bases=["pdpa-24-4"],
    )
    return version


def test_a_citizen_applies_with_registry_evidence_and_sees_the_use_of_their_data(
    live_server: Any,
    new_context: Any,
    sign_in: Any,
    elderly_allowance: Any,
    citizen_a: Any,
    clerk: Any,
) -> None:
    base = live_server.url
    page = new_context().new_page()
    sign_in(page, citizen_a)

    # given: the service's privacy notice lists the registry record among the data it
    # uses, and the registry it comes from, in both languages
    page.goto(f"{base}/services/elderly-allowance/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Privacy notice"))
    notice = page.get_by_test_id("privacy-notice")
    expect(notice.get_by_role("listitem").filter(has_text="ทะเบียนบ้าน")).to_have_count(2)
    expect(
        notice.get_by_role("listitem").filter(has_text="ฐานข้อมูลทะเบียนราษฎร กรมการปกครอง")
    ).to_have_count(1)
    page.goto(f"{base}/en/services/elderly-allowance/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    notice = page.get_by_test_id("privacy-notice")
    expect(notice.get_by_role("listitem").filter(has_text="House registration")).to_have_count(2)
    expect(
        notice.get_by_role("listitem").filter(has_text="the civil registration database")
    ).to_have_count(1)

    # when: the citizen starts, is told what will be fetched, and continues
    page.goto(f"{base}/en/services/elderly-allowance/")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_text("When you continue, we will get your")).to_be_visible()
    page.get_by_label("In cash, to you or someone you authorise").check()
    page.get_by_role("button", name="Continue", exact=True).last.click()

    # then: the review shows the registry's facts, read-only, with where they came from
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(page.get_by_text("14 March 1950")).to_be_visible()
    expect(page.get_by_text(re.compile("From the civil registration database"))).to_be_visible()
    case = Case.objects.get()
    assert FetchedFact.objects.filter(case=case, item="house_registration").exists()
    assert sorted(Exchange.objects.values_list("direction", "outcome")) == [
        ("requested", "ok"),
        ("served", "ok"),
    ]

    # when: the citizen sends it, and an officer opens it
    page.get_by_label(re.compile("I declare")).check()
    page.get_by_role("button", name="Accept and send").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"TBNK-25\d\d-"))
    assert login(Client(), clerk).get(f"/office/cases/{case.uuid}/").status_code == 200

    # then: the tracker lists the registry's use of their data and the officer's look, in Thai
    page.goto(f"{base}/me/data/")
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Your data: who used it and why"))
    uses = page.get_by_role("table", name=th("Uses of your data"))
    expect(uses.get_by_role("row")).to_have_count(3)  # the header, asked and sent
    expect(uses).to_contain_text("elderly-allowance")
    views = page.get_by_test_id("record-views")
    expect(views.get_by_role("row")).to_have_count(2)

    # then: and in English, with the way to download it all
    page.goto(f"{base}/en/me/data/")
    uses = page.get_by_role("table", name="Uses of your data")
    expect(uses.get_by_role("row").filter(has_text="Provided")).to_have_count(2)
    page.get_by_role("link", name="Download all your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download all your data")
    expect(
        page.get_by_role("link", name="Download as JSON, to take to another service")
    ).to_be_visible()
    page.goto(f"{base}/me/data/export/")
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Download all your data"))


def test_the_dpo_sees_the_record_of_processing_and_records_a_breach_after_an_error(
    live_server: Any,
    new_context: Any,
    sign_in: Any,
    service_version: Any,
    agency_admin: Any,
) -> None:
    base = live_server.url
    page = new_context().new_page()
    sign_in(page, agency_admin)

    # given: the record of processing, generated from the agency's services, in Thai
    page.goto(f"{base}/dpo/TBNK/ropa/")
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Record of processing activities"))
    expect(page.get_by_role("heading", level=2, name="ใบอนุญาตทดสอบ")).to_be_visible()

    # when: in English, on to the breach register, and a breach recorded without its details
    page.goto(f"{base}/en/dpo/TBNK/ropa/")
    page.get_by_role("link", name="Breach register").click()
    expect(page.get_by_text("No breach has been recorded.")).to_be_visible()
    page.get_by_role("button", name="Record a breach").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a breach")
    page.get_by_label("What happened").fill(
        "A list of applicants was e-mailed to the wrong person."
    )
    page.get_by_role("button", name="Record the breach").click()

    # then: the errors lead to their fields; what was typed is kept
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(summary).to_contain_text("Select how serious the risk to people is")
    expect(page).to_have_title(re.compile(r"^Error:"))
    summary.get_by_role("link", name="Enter when the agency found out").click()
    expect(page.get_by_label("Day")).to_be_focused()
    expect(page.get_by_label("What happened")).to_have_value(
        "A list of applicants was e-mailed to the wrong person."
    )

    # when: completed
    page.get_by_label("Day").fill("24")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Hour").fill("09")
    page.get_by_label("Minute").fill("30")
    page.get_by_label("How many people are affected?").fill("12")
    page.get_by_label("A high risk to people's rights and freedoms").check()
    page.get_by_role("button", name="Record the breach").click()

    # then: the breach's page with its 72-hour clock, and the register lists it
    expect(page.get_by_text("The breach is in the register.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Breach found out")
    expect(page.get_by_test_id("due")).to_have_text("27 Nov 2026, 09:30")
    assert Breach.objects.get().affected_count == 12
    page.get_by_role("link", name="Breach register").first.click()
    expect(page.get_by_test_id("breaches").get_by_role("row")).to_have_count(2)
    page.goto(f"{base}/dpo/TBNK/breaches/")
    expect(page.get_by_role("heading", level=1)).to_have_text(th("Breach register"))
