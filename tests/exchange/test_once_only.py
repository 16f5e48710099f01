"""Once-only evidence on the exchange side: what a definition may name, the fetch itself
over HTTP (this node asking itself through pytest-django's live server), and the demo's
wiring (its citizens in the registry, the rights a node grants itself)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings as django_settings
from django.utils import translation

from goodgov.agencies import services as agency_services
from goodgov.agencies.models import Agency
from goodgov.catalogue.services import DefinitionError, catalogue_load, service_publish
from goodgov.core import national_id
from goodgov.exchange import demo, directory, once_only, registries, services, synthetic
from goodgov.exchange.models import AccessRight, RegistryPerson
from goodgov.ledger import note
from goodgov.ledger.models import Event
from tests.conftest import FETCHED

NODE = note.Signer.generate("ddg")
REAL_SERVICES = Path(django_settings.REPO_DIR) / "services"
ITEM: dict[str, Any] = {**FETCHED, "fields": ["birth_date", "age"]}


def with_item(definition: dict[str, Any], **change: Any) -> dict[str, Any]:
    changed = copy.deepcopy(definition)
    item = {**ITEM, **change}
    for key in [k for k, v in change.items() if v is None]:
        item.pop(key)
    changed["evidence"].append(item)
    return changed


def problems_of(agency: Any, definition: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as caught:
        service_publish(actor=None, definition=definition, source="tests")
    return [(p.path, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"source": "ddg/population"},
            [
                (
                    "evidence.1.source",
                    "must be <node>/<data service>/<method>, e.g. ddg/population/person",
                )
            ],
        ),
        (
            {"source": "ddg/census/person"},
            [
                (
                    "evidence.1.source",
                    "no data service offers 'census/person'; known: population/person, "
                    "population/household, welfare/status",
                )
            ],
        ),
        (
            {"source": {"th": "ทะเบียน", "en": "registry"}},
            [("evidence.1.source", "must be text, not a mapping of named fields")],
        ),
        (
            {"fields": ["birth_date", "income"]},
            [
                (
                    "evidence.1.fields.1",
                    "'income' is not a field of population/person; use one of: given_name_th, "
                    "family_name_th, given_name_en, family_name_en, birth_date, age, sex, "
                    "address, household_id, household_role, dead, death_date",
                )
            ],
        ),
        (
            {"legal_basis": None},
            [
                (
                    "evidence.1.legal_basis",
                    "is missing: give a legal basis (pdpa-24-…) or consent: true",
                )
            ],
        ),
        (
            {"consent": True},
            [("evidence.1.consent", "give either a legal basis or consent: true, not both")],
        ),
        (
            {"legal_basis": "pdpa-26"},
            [
                (
                    "evidence.1.legal_basis",
                    "'pdpa-26' is not allowed here; use one of: pdpa-24-1, pdpa-24-2, "
                    "pdpa-24-3, pdpa-24-4, pdpa-24-5, pdpa-24-6",
                )
            ],
        ),
        ({"fallback": "upload"}, [("evidence.1.accept", "this field is missing")]),
        ({"registry": None}, [("evidence.1.registry", "this field is missing")]),
    ],
)
def test_the_loader_refuses_a_bad_fetched_item(
    agency: Agency, definition: dict[str, Any], change: dict[str, Any], expected: list[Any]
) -> None:
    # when
    problems = problems_of(agency, with_item(definition, **change))

    # then
    assert problems == expected


def test_fetched_only_keys_are_refused_on_an_upload(
    agency: Agency, definition: dict[str, Any]
) -> None:
    # given
    definition["evidence"][0]["legal_basis"] = "pdpa-24-4"
    definition["evidence"][0]["source"] = "ddg/population/person"

    # when
    problems = problems_of(agency, definition)

    # then
    assert problems == [("evidence.0.legal_basis", "is only for evidence of kind fetched")]


def test_the_schemas_legal_bases_are_the_exchanges() -> None:
    from goodgov.catalogue.validation import service_schema

    evidence = service_schema()["$defs"]["evidence"]["properties"]
    assert evidence["legal_basis"]["enum"] == sorted(services.LEGAL_BASES)


def test_a_good_fetched_item_is_published(agency: Agency, definition: dict[str, Any]) -> None:
    # when
    version = service_publish(
        actor=None,
        definition=with_item(definition, fallback="upload", accept=["application/pdf"]),
        source="tests",
    )

    # then
    assert version.definition["evidence"][1]["source"] == "ddg/population/person"


def test_declared_fields_are_exactly_what_the_registries_return(db: Any) -> None:
    # given
    synthetic.generate(count=3)
    person = synthetic.national_ids(1)[0]
    query = {"national_id": person}

    # then
    for (service, method), fields in once_only.METHOD_FIELDS.items():
        _key, data = registries.SERVICES[service][method](query)
        assert sorted(data) == sorted(fields), (service, method)


def test_the_demo_elderly_allowance_takes_age_and_address_from_the_registry() -> None:
    # given
    definition = yaml.safe_load((REAL_SERVICES / "elderly-allowance.yaml").read_text())

    # then: nothing to upload unless paid into a bank account; no birth date or address asked
    [fetched] = once_only.fetched_items(definition)
    assert once_only.parse_source(fetched["source"]) == once_only.Source(
        "ddg", "population", "person"
    )
    assert fetched["fields"] == ["birth_date", "age", "address"]
    assert fetched["legal_basis"] == "pdpa-24-4" and fetched["required"] is True
    assert [i["key"] for i in definition["evidence"] if i["kind"] == "upload"] == ["bank_book_copy"]
    assert not any(i["required"] for i in definition["evidence"] if i["kind"] == "upload")
    assert set(definition["form"]["schema"]["properties"]) == {
        "phone",
        "payment_method",
        "bank_account",
    }


@pytest.fixture
def self_node(settings: Any, live_server: Any, tmp_path: Path) -> Any:
    settings.GOODGOV_EXCHANGE_NODE = "ddg"
    settings.GOODGOV_EXCHANGE_KEY = NODE.key
    settings.GOODGOV_EXCHANGE_AGENCY = "DDG"
    settings.GOODGOV_EXCHANGE_SERVICES = ["population", "welfare"]
    path = tmp_path / "directory.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "nodes": [
                    {
                        "name": "ddg",
                        "agency": "DDG",
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
    directory._loaded.clear()
    return settings


@pytest.fixture
def agencies(db: Any) -> tuple[Agency, Agency]:
    def make(code: str, name_th: str, name_en: str, kind: str) -> Agency:
        return agency_services.agency_create(
            actor=None, code=code, name_th=name_th, name_en=name_en, kind=kind, fictional=True
        )

    return (
        make("TBNK", "เทศบาลตำบลบ้านนา", "Ban Na Subdistrict Municipality", Agency.Kind.LOCAL),
        make("DDG", "กรมบริการประชาชน", "Department of Public Services", Agency.Kind.CENTRAL),
    )


def test_fetch_returns_only_the_items_fields_over_http(self_node: Any, db: Any) -> None:
    # given: the right allows more than the item asks
    person = synthetic.given_person(
        national_id_value="1101700230708",
        given_th="สมชาย",
        family_th="ใจดี",
        birth_date=dt.date(1950, 3, 14),
        sex="M",
    )
    synthetic.insert([person])
    services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["birth_date", "age", "sex", "given_name_th"],
        purposes=["test-permit"],
        legal_bases=["pdpa-24-4"],
    )

    # when
    fact = once_only.fetch(
        item=ITEM, national_id_value=person.national_id, purpose="test-permit", actor=None
    )

    # then
    assert fact.data == {"birth_date": "1950-03-14", "age": fact.data["age"]}
    assert (fact.node, fact.agency_code, fact.legal_basis, fact.consent_reference) == (
        "ddg",
        "DDG",
        "pdpa-24-4",
        "",
    )


def test_fetch_fails_when_the_right_gives_fewer_fields_than_the_item_needs(
    self_node: Any, db: Any
) -> None:
    # given
    synthetic.generate(count=1)
    services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["age"],
        purposes=["test-permit"],
        legal_bases=["pdpa-24-4"],
    )

    # when
    with pytest.raises(once_only.FetchFailed) as caught:
        once_only.fetch(
            item=ITEM,
            national_id_value=synthetic.national_ids(1)[0],
            purpose="test-permit",
            actor=None,
        )

    # then
    assert caught.value.code == "fields_missing"


def test_fetch_for_someone_not_in_the_registry_says_so(self_node: Any, db: Any) -> None:
    # given
    services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["birth_date", "age"],
        purposes=["test-permit"],
        legal_bases=["pdpa-24-4"],
    )

    # when: someone using the English site
    with translation.override("en"):
        with pytest.raises(once_only.FetchFailed) as caught:
            once_only.fetch(
                item=ITEM, national_id_value="1101700230708", purpose="test-permit", actor=None
            )
        message = str(caught.value.message)

    # then
    assert caught.value.code == "not_found"
    assert message == (
        "We found no record for your national ID number in the population registry of DDG. "
        "Contact the agency to check your record."
    )


def test_register_citizens_puts_given_people_in_the_registry_once(db: Any) -> None:
    # given
    class Citizen:
        def __init__(self, full_name: str, first12: str) -> None:
            from stdnum.th import pin

            self.full_name = full_name
            self.national_id = first12 + pin.calc_check_digit(first12)

    citizens = [
        Citizen("นางสมมุติ ใจประชา", "310990034567"),
        Citizen("นายสาธิต ระบบงาม", "110990023456"),
    ]

    # when
    first = demo.register_citizens(citizens)
    second = demo.register_citizens(citizens)

    # then
    assert (first, second) == (2, 0)
    sommut = RegistryPerson.objects.get(
        national_id_hash=national_id.lookup_hash(citizens[0].national_id)
    )
    assert (sommut.given_name_th, sommut.family_name_th, sommut.sex) == ("สมมุติ", "ใจประชา", "F")
    assert (sommut.given_name_en, sommut.birth_date) == ("Sommut", dt.date(1956, 2, 17))
    assert (sommut.subdistrict, sommut.district, sommut.province, sommut.postcode) == (
        "260301",
        "2603",
        "26",
        "26110",
    )
    sathit = RegistryPerson.objects.get(
        national_id_hash=national_id.lookup_hash(citizens[1].national_id)
    )
    assert sathit.sex == "M" and sathit.given_name_th == "สาธิต"


def test_demo_rights_let_the_node_ask_itself_for_the_catalogues_facts_once(
    self_node: Any, agencies: Any
) -> None:
    # given
    catalogue_load(actor=None, directory=REAL_SERVICES)

    # when
    granted = demo.demo_rights()
    events = Event.objects.filter(action="exchange.right_granted").count()
    again = demo.demo_rights()

    # then
    assert [(r.client, r.service, r.method) for r in granted] == [("ddg", "population", "person")]
    right = AccessRight.objects.get()
    assert right.fields == ["address", "age", "birth_date"]
    assert right.purposes == ["elderly-allowance"]
    assert right.legal_bases == ["pdpa-24-4"]
    assert again == [] and events == 1
    assert Event.objects.filter(action="exchange.right_granted").count() == 1


def test_demo_rights_grant_nothing_to_a_node_the_catalogue_does_not_name(
    settings: Any, agencies: Any
) -> None:
    # given: this node is not "ddg"
    settings.GOODGOV_EXCHANGE_NODE = "tbnk"
    catalogue_load(actor=None, directory=REAL_SERVICES)

    # when / then
    assert demo.demo_rights() == []
    assert not AccessRight.objects.exists()


def test_the_demo_citizen_gets_age_and_address_for_the_elderly_allowance_over_http(
    self_node: Any, agencies: Any
) -> None:
    # given: what `goodgov demo` does
    class Sommut:
        full_name = "นางสมมุติ ใจประชา"
        national_id = "3109900345670"

    from stdnum.th import pin

    Sommut.national_id = "310990034567" + pin.calc_check_digit("310990034567")
    catalogue_load(actor=None, directory=REAL_SERVICES)
    demo.register_citizens([Sommut])
    demo.demo_rights()
    definition = yaml.safe_load((REAL_SERVICES / "elderly-allowance.yaml").read_text())
    [item] = once_only.fetched_items(definition)

    # when
    fact = once_only.fetch(
        item=item,
        national_id_value=Sommut.national_id,
        purpose="elderly-allowance",
        actor=None,
    )

    # then
    assert fact.data["birth_date"] == "1956-02-17" and fact.data["age"] >= 60
    assert fact.data["address"]["subdistrict"] == "260301"
    served = Event.objects.get(action="exchange.served")
    assert served.public["client"] == "ddg" and served.public["purpose"] == "elderly-allowance"
    assert Sommut.national_id not in str(served.public)


def test_an_agency_nobody_here_knows_is_named_in_words_not_by_its_node(
    db: Any, settings: Any
) -> None:
    # given: no directory, so this node knows only itself, not "ddg"
    settings.GOODGOV_EXCHANGE_DIRECTORY = ""
    settings.GOODGOV_EXCHANGE_NODE = "tbnk"
    # when
    with translation.override("en"):
        code, english = once_only.provider_agency("ddg")
    with translation.override("th"):
        _code, thai = once_only.provider_agency("ddg")
    # then: the sentence it goes into still reads ("the population register of ...")
    assert (code, english, thai) == ("", "the agency that keeps it", "หน่วยงานที่ดูแลทะเบียน")


def test_an_agency_this_node_has_is_named_in_the_readers_language(agency: Agency) -> None:
    # when / then
    with translation.override("en"):
        assert once_only.agency_name(agency.code) == agency.name_en
    with translation.override("th"):
        assert once_only.agency_name(agency.code) == agency.name_th
