"""Each service's privacy notice, generated from its definition, shown before applying."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from goodgov.exchange import privacy

pytestmark = pytest.mark.django_db


def test_the_service_page_shows_the_notice_before_the_start_button(
    service_version: Any, client: Any
) -> None:
    # when
    page = client.get("/en/services/test-permit/").content.decode()

    # then
    notice = page.index('data-testid="privacy-notice"')
    assert notice < page.index("Start now")
    assert "To handle your application for Test permit and to decide on it." in page
    assert "PDPA section 24(4): a task in the public interest or official authority" in page
    assert "10 years after your application is decided" in page
    assert "No one outside Ban Na Subdistrict Municipality, unless a law requires it." in page
    assert 'href="/en/services/test-permit/privacy/"' in page


def test_the_full_notice_lists_the_data_from_the_form_and_the_evidence(
    service_version: Any, client: Any
) -> None:
    # when
    response = client.get("/en/services/test-permit/privacy/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Privacy notice" in page
    for item in ("Shop name", "Opening date", "Number of seats", "Floor plan"):
        assert f"<li>{item}</li>" in page
    assert "Public Health Act B.E. 2535 (1992), Section 38" in page
    assert "Complain to the Office of the Personal Data Protection Committee" in page


def test_an_unknown_service_has_no_notice(db: Any, client: Any) -> None:
    assert client.get("/en/services/no-such-service/privacy/").status_code == 404


def test_a_privacy_block_in_the_definition_overrides_the_defaults(definition: Any) -> None:
    # given
    definition["privacy"] = {
        "retention_days": 90,
        "recipients": [{"th": "กรมสรรพากร", "en": "The Revenue Department"}],
        "basis": "pdpa-24-6",
    }

    # when
    with translation.override("en"):
        terms = privacy.terms(definition)

    # then
    assert terms == privacy.Terms(
        basis="pdpa-24-6", retention_days=90, recipients=["The Revenue Department"]
    )


def test_without_a_privacy_block_the_defaults_apply(definition: Any) -> None:
    assert privacy.terms(definition) == privacy.Terms(
        basis="pdpa-24-4", retention_days=3650, recipients=[]
    )


def test_the_pdpa_requests_rest_on_the_legal_obligation() -> None:
    # given: the real definitions of the two data-subject requests
    from pathlib import Path

    import yaml
    from django.conf import settings

    for code in ("pdpa-correction", "pdpa-erasure"):
        definition = yaml.safe_load((Path(settings.SERVICES_DIR) / f"{code}.yaml").read_text())
        # when / then
        assert privacy.terms(definition).basis == "pdpa-24-6"


def test_national_id_and_address_questions_are_named_as_such(definition: Any) -> None:
    # given
    definition["form"]["ui"]["fields"]["shop_name"]["widget"] = "national_id"

    # when
    with translation.override("en"):
        categories = privacy.data_categories(definition)

    # then
    assert categories[1] == "Shop name (national ID number)"
    assert categories[0].startswith("Your account details")
