"""Publishing definitions: the four real services, idempotence, versions, pinned cases."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from goodgov.cases.models import Case
from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.services import DefinitionError, catalogue_load, service_publish
from goodgov.ledger.models import Event
from tests.catalogue.conftest import CODES, read_yaml


def digest_of(definition: dict[str, Any]) -> str:
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_loading_the_real_services_publishes_each_as_version_1(agencies, services_dir):
    # given
    assert sorted(p.stem for p in services_dir.glob("*.yaml")) == CODES

    # when
    result = catalogue_load(actor=None, directory=services_dir)

    # then
    assert [(o.code, o.status, o.version) for o in result.outcomes] == [
        (code, "new", 1) for code in CODES
    ]
    services = {s.code: s for s in Service.objects.select_related("agency", "current")}
    assert sorted(services) == CODES
    assert {code: s.agency.code for code, s in services.items()} == {
        "building-permit": "TBNK",
        "elderly-allowance": "TBNK",
        "food-shop-permit": "TBNK",
        "pdpa-correction": "DDG",
        "pdpa-erasure": "DDG",
        "residence-certificate": "DDG",
    }
    for code, service in services.items():
        definition = read_yaml(services_dir / f"{code}.yaml")
        assert service.current.number == 1
        assert service.current.definition == definition
        assert service.current.digest == digest_of(definition)
        assert service.current.source == f"{code}.yaml"
    events = Event.objects.filter(action="service.published").order_by("id")
    assert [e.public for e in events] == [
        {
            "service": code,
            "agency": services[code].agency.code,
            "version": 1,
            "digest": services[code].current.digest,
        }
        for code in CODES
    ]


def test_a_second_load_changes_nothing_and_records_nothing(agencies, services_dir, loaded):
    # given
    events_before = Event.objects.count()
    versions_before = list(ServiceVersion.objects.values_list("pk", flat=True))

    # when
    result = catalogue_load(actor=None, directory=services_dir)

    # then
    assert [(o.code, o.status, o.version) for o in result.outcomes] == [
        (code, "unchanged", 1) for code in CODES
    ]
    assert result.changed == []
    assert Event.objects.count() == events_before
    assert list(ServiceVersion.objects.values_list("pk", flat=True)) == versions_before


def test_a_changed_definition_becomes_version_2_and_is_recorded(
    agencies, services_dir, loaded, edit
):
    # given
    path = edit("building-permit", lambda d: d["fee"].update(amount=40))
    changed = read_yaml(path)

    # when
    result = catalogue_load(actor=None, directory=services_dir)

    # then
    assert {(o.code, o.status, o.version) for o in result.outcomes} == {
        ("building-permit", "new version", 2),
        ("elderly-allowance", "unchanged", 1),
        ("food-shop-permit", "unchanged", 1),
        ("pdpa-correction", "unchanged", 1),
        ("pdpa-erasure", "unchanged", 1),
        ("residence-certificate", "unchanged", 1),
    }
    service = Service.objects.get(code="building-permit")
    assert service.current.number == 2
    assert service.current.definition["fee"]["amount"] == 40
    assert [v.number for v in service.versions.order_by("number")] == [1, 2]
    event = Event.objects.filter(action="service.published").latest("id")
    assert event.public == {
        "service": "building-permit",
        "agency": "TBNK",
        "version": 2,
        "digest": digest_of(changed),
    }
    assert event.subject_type == "catalogue.serviceversion"
    assert event.subject_id == str(service.current.pk)
    assert event.agency.code == "TBNK"
    assert Event.objects.filter(action="service.published").count() == len(CODES) + 1


def test_a_case_filed_under_version_1_keeps_it(agencies, services_dir, loaded, edit, citizen_a):
    # given
    service = Service.objects.get(code="food-shop-permit")
    v1 = service.current
    case = Case.objects.create(
        service=service, version=v1, agency=service.agency, applicant=citizen_a
    )
    edit("food-shop-permit", lambda d: d.update(deadline_days=20))

    # when
    catalogue_load(actor=None, directory=services_dir)

    # then
    case.refresh_from_db()
    service.refresh_from_db()
    assert service.current.number == 2
    assert service.current.definition["deadline_days"] == 20
    assert case.version_id == v1.pk
    assert case.version.number == 1
    assert case.version.definition["deadline_days"] == 30


def test_publishing_the_same_definition_returns_the_current_version(agency, definition):
    # given
    first = service_publish(actor=None, definition=definition, source="tests")
    events = Event.objects.count()

    # when
    again = service_publish(actor=None, definition=dict(definition), source="elsewhere")

    # then
    assert again.pk == first.pk
    assert again.source == "tests"
    assert Event.objects.count() == events


def test_publishing_an_earlier_text_makes_that_version_current_again(agency, definition):
    # given
    v1 = service_publish(actor=None, definition=definition, source="tests")
    changed = {**definition, "deadline_days": 20}
    v2 = service_publish(actor=None, definition=changed, source="tests")

    # when
    back = service_publish(actor=None, definition=definition, source="tests")

    # then
    assert (v1.number, v2.number, back.number) == (1, 2, 1)
    assert back.pk == v1.pk
    assert Service.objects.get(code="test-permit").current_id == v1.pk
    assert ServiceVersion.objects.count() == 2
    assert [e.public["version"] for e in Event.objects.filter(action="service.published")] == [
        1,
        2,
        1,
    ]


def test_the_loader_reads_dates_as_text(agency, tmp_path, definition):
    # given: YAML would turn an unquoted 2026-01-01 into a date, which JSON cannot hold
    definition["form"]["schema"]["properties"]["opening_date"]["examples"] = ["2026-01-01"]
    text = json.dumps(definition, ensure_ascii=False).replace('"2026-01-01"', "2026-01-01")
    (tmp_path / "test-permit.yaml").write_text(text, encoding="utf-8")

    # when
    result = catalogue_load(actor=None, directory=tmp_path)

    # then
    assert [(o.code, o.status) for o in result.outcomes] == [("test-permit", "new")]
    stored = Service.objects.get(code="test-permit").current.definition
    assert stored["form"]["schema"]["properties"]["opening_date"]["examples"] == ["2026-01-01"]


def test_a_missing_directory_is_a_problem(db, tmp_path: Path):
    # given
    missing = tmp_path / "nowhere"

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=missing)

    # then
    assert [str(p) for p in caught.value.problems] == [
        f"{missing}: (top level): is not a directory"
    ]
