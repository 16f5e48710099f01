"""Invalid definitions: every problem names file, field and what is wrong; nothing is
published when any file has a problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from goodgov.catalogue import life_events
from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.services import DefinitionError, Problem, catalogue_load, service_publish
from goodgov.catalogue.validation import WIDGET_TYPES, definition_problems, service_schema
from goodgov.ledger.models import Event
from tests.catalogue.conftest import read_yaml, write_yaml
from tests.conftest import TEST_DEFINITION

FOOD = "food-shop-permit.yaml"


def _transitions(d: dict[str, Any]) -> list[dict[str, Any]]:
    return d["workflow"]["transitions"]


# (what is broken, change to food-shop-permit.yaml, the problems it must give)
BROKEN: list[tuple[str, Callable[[dict[str, Any]], Any], list[tuple[str, str]]]] = [
    (
        "a label that is a question, without the noun its errors need",
        lambda d: d["form"]["ui"]["fields"]["opening_date"].pop("noun"),
        [
            (
                "form.ui.fields.opening_date.noun",
                "is missing: the en label 'When you plan to open' reads as a question, so "
                "error messages need what it asks for as a noun phrase (noun: {th: วิธีรับเงิน, "
                'en: way you want to be paid}, for "Select the way you want to be paid")',
            )
        ],
    ),
    (
        "missing Thai text",
        lambda d: d["name"].pop("th"),
        [("name.th", "the Thai text is missing")],
    ),
    (
        "blank English text",
        lambda d: d["form"]["ui"]["fields"]["seats"]["label"].update(en="   "),
        [("form.ui.fields.seats.label.en", "is empty")],
    ),
    (
        "unknown widget",
        lambda d: d["form"]["ui"]["fields"]["seats"].update(widget="slider"),
        [
            (
                "form.ui.fields.seats.widget",
                "'slider' is not allowed here; use one of: text, textarea, number, date, "
                "radios, select, checkbox, national_id, address, email, phone",
            )
        ],
    ),
    (
        "transition to an undeclared state",
        lambda d: _transitions(d)[0].update(to="waiting"),
        [("workflow.transitions.0.to", "'waiting' is not declared in workflow.states")],
    ),
    (
        "transition from an undeclared state",
        lambda d: d["workflow"]["states"].pop("info_requested"),
        [
            ("workflow.transitions.1.to", "'info_requested' is not declared in workflow.states"),
            (
                "workflow.transitions.2.from.0",
                "'info_requested' is not declared in workflow.states",
            ),
            (
                "workflow.transitions.5.from.2",
                "'info_requested' is not declared in workflow.states",
            ),
        ],
    ),
    (
        "ui order missing a question",
        lambda d: d["form"]["ui"]["order"].remove("seats"),
        [
            (
                "form.schema.properties.seats",
                "is not listed in form.ui.order, so it would never be asked",
            )
        ],
    ),
    (
        "ui order naming no question",
        lambda d: d["form"]["ui"]["order"].append("colour"),
        [("form.ui.order.5", "'colour' is not a question in form.schema.properties")],
    ),
    (
        "question without a label",
        lambda d: d["form"]["ui"]["fields"].pop("seats"),
        [
            (
                "form.ui.fields.seats",
                "is missing: every question needs a label in Thai and English",
            )
        ],
    ),
    (
        "radios that do not label every value",
        lambda d: (
            d["form"]["schema"]["properties"]["seats"].update(type="string", enum=["few", "many"]),
            d["form"]["ui"]["fields"]["seats"].update(
                widget="radios", choices={"few": {"th": "น้อย", "en": "Few"}}
            ),
        ),
        [("form.ui.fields.seats.choices", "has no label for many")],
    ),
    (
        "a select without choices",
        lambda d: (
            d["form"]["schema"]["properties"]["seats"].update(type="string", enum=["few"]),
            d["form"]["ui"]["fields"]["seats"].update(widget="select"),
        ),
        [
            (
                "form.ui.fields.seats.choices",
                "is missing: a select question needs a label for each of: few",
            )
        ],
    ),
    (
        "an address widget on a number",
        lambda d: d["form"]["ui"]["fields"]["seats"].update(widget="address"),
        [
            (
                "form.ui.fields.seats.widget",
                "the address widget cannot hold a whole number "
                "(form.schema.properties.seats.type is 'integer')",
            )
        ],
    ),
    (
        "a form schema that is not a JSON Schema",
        lambda d: d["form"]["schema"]["properties"]["seats"].update(type="whole"),
        [
            (
                "form.schema.properties.seats.type",
                "'whole' is not allowed here; use one of: array, boolean, integer, null, "
                "number, object, string, or a list",
            )
        ],
    ),
    (
        "an upload without accepted types",
        lambda d: d["evidence"][0].pop("accept"),
        [("evidence.0.accept", "this field is missing")],
    ),
    (
        "an upload of a type we do not take",
        lambda d: d["evidence"][0].update(accept=["application/pdf", "image/gif"]),
        [
            (
                "evidence.0.accept.1",
                "'image/gif' is not allowed here; use one of: application/pdf, image/jpeg, "
                "image/png",
            )
        ],
    ),
    (
        "two evidence items with one key",
        lambda d: d["evidence"][1].update(key="floor_plan"),
        [("evidence.1.key", "'floor_plan' is already used by evidence.0")],
    ),
    (
        "a legal basis that is not an https link",
        lambda d: d["legal_basis"][0].update(url="http://www.anamai.moph.go.th/"),
        [("legal_basis.0.url", "must be a full https:// link to the official text")],
    ),
    (
        "no legal basis",
        lambda d: d.update(legal_basis=[]),
        [("legal_basis", "needs at least 1 entry")],
    ),
    (
        "a deadline that is not a whole number of days",
        lambda d: d.update(deadline_days=0),
        [("deadline_days", "must be at least 1")],
    ),
    (
        "a stopped clock that is neither true nor false",
        lambda d: d.update(clock_stops_for_information="yes"),
        [("clock_stops_for_information", "must be true or false, not text")],
    ),
    (
        "a code that is not a slug",
        lambda d: d.update(code="Food Shop"),
        [
            (
                "code",
                "must be a slug: lower-case letters and digits, words joined by single hyphens",
            ),
            ("code", "is 'Food Shop' but the file is named 'food-shop-permit.yaml'"),
        ],
    ),
    (
        "a misspelt field",
        lambda d: d.update(deadline_day=30),
        [("deadline_day", "is not a field this format knows (a typo?)")],
    ),
    (
        "an unknown role",
        lambda d: _transitions(d)[0].update(role="mayor"),
        [
            (
                "workflow.transitions.0.role",
                "'mayor' is not allowed here; use one of: officer, approver, counter, applicant",
            )
        ],
    ),
    (
        "an unknown transition",
        lambda d: _transitions(d)[0].update(name="stamp"),
        [
            (
                "workflow.transitions.0.name",
                "'stamp' is not allowed here; use one of: claim, request_info, answer, approve, "
                "reject, withdraw",
            )
        ],
    ),
    (
        "the applicant approving",
        lambda d: _transitions(d)[3].update(role="applicant"),
        [
            (
                "workflow.transitions.3.role",
                "'approve' is taken by the agency: applicant cannot take it",
            )
        ],
    ),
    (
        "no reject step",
        lambda d: _transitions(d).pop(4),
        [("workflow.transitions", "has no 'reject' step: every application must be decided")],
    ),
    (
        "one step given to two roles with different states",
        lambda d: _transitions(d).append(
            {"name": "claim", "from": ["in_review"], "to": "in_review", "role": "counter"}
        ),
        [
            (
                "workflow.transitions.6",
                "'claim' is also in transitions.0 with other states: a step given to several "
                "roles must go from and to the same states",
            )
        ],
    ),
    (
        "an unknown life event",
        lambda d: d.update(life_events=["cooking"]),
        [
            (
                "life_events.0",
                "'cooking' is not allowed here; use one of: birth, education, work, business, "
                "housing, family, health, old-age, disability, death, documents",
            )
        ],
    ),
    (
        "an unknown state",
        lambda d: d["workflow"]["states"].update(parked={"label": {"th": "พัก", "en": "Parked"}}),
        [
            (
                "workflow.states.parked",
                "'parked' is not allowed here; use one of: submitted, in_review, "
                "info_requested, approved, rejected, withdrawn",
            )
        ],
    ),
    (
        "a service-level target beyond the deadline",
        lambda d: d["sla_days"].update(decision=45),
        [("sla_days.decision", "45 days is longer than the statutory deadline (30 days)")],
    ),
    (
        "a question named like an upload",
        lambda d: (
            d["form"]["schema"]["properties"].update(evidence_note={"type": "string"}),
            d["form"]["ui"]["order"].append("evidence_note"),
            d["form"]["ui"]["fields"].update(
                evidence_note={"label": {"th": "หมายเหตุ", "en": "Note"}}
            ),
        ),
        [
            (
                "form.schema.properties.evidence_note",
                "question names may not start with 'evidence_': the form uses that for "
                "evidence uploads",
            )
        ],
    ),
    (
        "an unknown agency",
        lambda d: d.update(agency="NOPE"),
        [("agency", "no agency has the code 'NOPE'")],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [(c, e) for _w, c, e in BROKEN], ids=[w for w, _c, _e in BROKEN]
)
def test_an_invalid_file_names_file_field_and_problem_and_publishes_nothing(
    agencies, services_dir, edit, change, expected
):
    # given
    edit("food-shop-permit", change)

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [Problem(FOOD, path, message) for path, message in expected]
    assert not Service.objects.exists()
    assert not ServiceVersion.objects.exists()
    assert not Event.objects.filter(action="service.published").exists()


def test_every_problem_of_every_file_is_reported(agencies, services_dir, edit):
    # given
    edit("food-shop-permit", lambda d: d["summary"].pop("en"))
    edit(
        "residence-certificate", lambda d: d["form"]["ui"]["fields"]["copies"].update(widget="dial")
    )
    (services_dir / "food-shop.yaml").write_text(
        (services_dir / "building-permit.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert [str(p) for p in caught.value.problems] == [
        "food-shop-permit.yaml: summary.en: the English text is missing",
        "food-shop.yaml: code: is 'building-permit' but the file is named 'food-shop.yaml'",
        "food-shop.yaml: code: 'building-permit' is also used by building-permit.yaml",
        "residence-certificate.yaml: form.ui.fields.copies.widget: 'dial' is not allowed here; "
        "use one of: text, textarea, number, date, radios, select, checkbox, national_id, "
        "address, email, phone",
    ]
    assert not Service.objects.exists()


def test_a_file_that_is_not_yaml_names_its_line(agencies, services_dir):
    # given
    (services_dir / "broken.yaml").write_text("code: broken\n\tname: x\n")

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    [problem] = caught.value.problems
    assert (problem.source, problem.path) == ("broken.yaml", "line 2")
    assert problem.message.startswith("is not valid YAML")


def test_an_empty_file_is_a_problem(agencies, services_dir):
    # given
    (services_dir / "empty.yaml").write_text("# nothing yet\n")

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [
        Problem("empty.yaml", "", "must be a mapping of named fields (is the file empty?)")
    ]


def test_service_publish_refuses_an_invalid_definition_and_names_its_source(agency, definition):
    # given
    definition["name"]["th"] = ""

    # when
    with pytest.raises(DefinitionError) as caught:
        service_publish(actor=None, definition=definition, source="api upload")

    # then
    assert [str(p) for p in caught.value.problems] == ["api upload: name.th: is empty"]
    assert not Service.objects.exists()


def test_the_shared_test_definition_and_the_real_services_are_valid(services_dir):
    assert definition_problems(TEST_DEFINITION, source="tests") == []
    for path in sorted(services_dir.glob("*.yaml")):
        assert definition_problems(read_yaml(path), source=path.name) == []


def test_every_real_service_says_whether_its_clock_stops_for_information(services_dir):
    # then: the licences and the allowance count time from a complete application (the
    # Licensing Facilitation Act's rule); the PDPA requests count from their receipt
    stated = {
        path.stem: read_yaml(path).get("clock_stops_for_information")
        for path in sorted(services_dir.glob("*.yaml"))
    }
    assert stated == {
        "building-permit": True,
        "elderly-allowance": True,
        "food-shop-permit": True,
        "pdpa-correction": False,
        "pdpa-erasure": False,
        "residence-certificate": True,
    }


def test_the_schema_is_a_valid_json_schema_and_matches_the_code():
    schema = service_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["life_events"]["items"]["enum"] == list(life_events.LIFE_EVENTS)
    widgets = schema["$defs"]["ui_field"]["properties"]["widget"]["enum"]
    assert sorted(widgets) == sorted(WIDGET_TYPES)


def test_the_json_text_of_a_definition_is_what_is_checked(services_dir):
    # given: a definition that round-trips through JSON unchanged
    data = read_yaml(services_dir / FOOD)

    # then
    assert json.loads(json.dumps(data)) == data
    write_yaml(services_dir / FOOD, data)
    assert read_yaml(services_dir / FOOD) == data
