"""The two coarse facts a submission publishes for the equity indicators: the province of
the applicant's address (``region``) and their age group (``age_band``), only when the case
holds them, never the birth date, the district or the address itself."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from goodgov.cases import services
from goodgov.cases.models import Case, FetchedFact
from goodgov.catalogue.services import service_publish
from goodgov.ledger.models import Event
from tests.conftest import FETCHED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _agency(agency: Any) -> Any:
    """The test service's agency (TBNK)."""
    return agency


ANSWERS = {"shop_name": "ร้านข้าวแกงป้าแดง", "opening_date": "2026-12-01"}
# Mueang Nakhon Nayok, Nakhon Nayok (province 26)
ADDRESS = {"line": "12/3 หมู่ 4", "postcode": "26000", "subdistrict": "260101"}


def with_questions(definition: dict[str, Any], **questions: tuple[dict, dict]) -> Any:
    """The test service, also asking ``questions`` (key: (schema, ui)), published."""
    changed = copy.deepcopy(definition)
    form = changed["form"]
    for key, (schema, ui) in questions.items():
        form["schema"]["properties"][key] = schema
        form["ui"]["order"].append(key)
        form["ui"]["fields"][key] = {"label": {"th": key, "en": key}, **ui}
    return service_publish(actor=None, definition=changed, source="tests")


def submit(applicant: Any, version: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """Submit an application with ``answers``; the public part of its ``case.submitted``."""
    case = services.case_start(actor=applicant, applicant=applicant, service=version.service)
    services.case_save_draft(actor=applicant, case=case, answers={**ANSWERS, **answers})
    services.case_submit(actor=applicant, case=case, declaration=True)
    return Event.objects.filter(action="case.submitted").latest("id").public


def years_ago(years: int) -> str:
    """A birth date: ``years`` years before today (Thai time), as a form stores it."""
    today = timezone.localdate()
    return dt.date(today.year - years, today.month, min(today.day, 28)).isoformat()


ADDRESS_AND_BIRTH = {
    "home": ({"type": "object"}, {"widget": "address"}),
    "birth_date": ({"type": "string", "format": "date"}, {"widget": "date"}),
}


def test_an_address_and_a_birth_date_give_the_province_and_the_age_group(citizen_a, definition):
    # given: a service asking the applicant's address and birth date
    version = with_questions(definition, **ADDRESS_AND_BIRTH)
    # when: a person of 65 in Nakhon Nayok applies
    public = submit(citizen_a, version, {"home": ADDRESS, "birth_date": years_ago(65)})
    # then: the province code and the age group, and nothing finer
    assert public["region"] == "26"
    assert public["age_band"] == "60-69"
    # (the applicant's commitment is 64 random hex digits, which may hold "2601": left out)
    facts = {k: v for k, v in public.items() if not re.fullmatch(r"[0-9a-f]{64}", str(v))}
    text = json.dumps(facts, ensure_ascii=False)
    for secret in ("2601", "26000", "12/3", years_ago(65)):
        assert secret not in text


def test_an_address_gives_the_province_code_of_its_subdistrict(citizen_a, definition):
    # given
    version = with_questions(definition, **ADDRESS_AND_BIRTH)
    address = {"line": "1 ถนนราชดำเนิน", "postcode": "10200", "subdistrict": "100103"}
    # when: no birth date given
    public = submit(citizen_a, version, {"home": address})
    # then: the region only
    assert public["region"] == "10"
    assert "age_band" not in public


def test_a_submission_without_an_address_or_an_age_publishes_neither(citizen_a, definition):
    # given: a service that asks both, left unanswered; and one that asks neither
    asking = with_questions(definition, **ADDRESS_AND_BIRTH)
    # when
    public = submit(citizen_a, asking, {})
    # then: absent, not null, not guessed
    assert "region" not in public
    assert "age_band" not in public
    assert set(public) == {
        "case", "reference", "service", "version", "agency", "applicant", "channel", "due",
        "sla_due",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-17"), (17, "0-17"), (18, "18-39"), (39, "18-39"), (40, "40-59"), (59, "40-59"),
     (60, "60-69"), (69, "60-69"), (70, "70-79"), (79, "70-79"), (80, "80+"), (104, "80+")],
)  # fmt: skip
def test_an_age_answer_gives_its_age_group(citizen_a, definition, age, band):
    # given
    version = with_questions(
        definition, age=({"type": "integer", "minimum": 0, "maximum": 150}, {})
    )
    # when
    public = submit(citizen_a, version, {"age": age})
    # then
    assert public["age_band"] == band
    assert "region" not in public


def test_fetched_registry_facts_give_the_province_and_the_age_group(citizen_a, definition):
    # given: a service fetching the applicant's registry record, and asking an address too
    changed = copy.deepcopy(definition)
    changed["evidence"] = [*changed["evidence"], FETCHED]
    version = with_questions(changed, home=ADDRESS_AND_BIRTH["home"])
    case = services.case_start(actor=citizen_a, applicant=citizen_a, service=version.service)
    services.case_save_draft(actor=citizen_a, case=case, answers={**ANSWERS, "home": ADDRESS})
    born = dt.date(timezone.localdate().year - 76, 1, 1)  # 75 or 76: 70-79 all year
    FetchedFact.objects.create(
        case=case, item="registry_record", node="ddg", agency_code="DEPT",
        service="population", method="person", purpose="test-permit",
        legal_basis="pdpa-24-4", fetched_at=timezone.now(),
        data={
            "birth_date": born.isoformat(),
            "age": 20,  # stale: the birth date is what counts
            "address": {"line": "99", "subdistrict": "100101", "district": "1001",
                        "province": "10", "postcode": "10200"},
        },
    )  # fmt: skip
    # when
    services.case_submit(actor=citizen_a, case=Case.objects.get(pk=case.pk), declaration=True)
    # then: the registry's address and birth date, before the form's address
    public = Event.objects.get(action="case.submitted").public
    assert public["region"] == "10"
    assert public["age_band"] == "70-79"
    assert born.isoformat() not in json.dumps(public)


def test_filing_in_one_step_publishes_the_province(citizen_a, definition):
    # given
    version = with_questions(definition, **ADDRESS_AND_BIRTH)
    # when: filed through the API, in one step
    services.case_file(
        actor=citizen_a, applicant=citizen_a, service=version.service,
        answers={**ANSWERS, "home": ADDRESS}, declaration=True,
    )  # fmt: skip
    # then
    public = Event.objects.get(action="case.submitted").public
    assert public["region"] == "26"
    assert "age_band" not in public
