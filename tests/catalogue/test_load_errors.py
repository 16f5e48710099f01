"""What ``goodgov catalogue load`` tells the author of a definition: plain words naming
file, line or field; a service that stays with its agency; one file checked on its own."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.services import (
    DefinitionError,
    Problem,
    catalogue_load,
    service_publish,
)
from goodgov.ledger.models import Event
from tests.catalogue.conftest import CODES, read_yaml

PDPA = "pdpa-correction.yaml"
MOVED = (
    "is 'TBNK', but the service 'pdpa-correction' belongs to DDG (Department of Public "
    "Services (fictional)): a service cannot change agency, as its cases stay with the "
    "agency that received them; give it a new code instead"
)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("catalogue", "load", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(*args: str) -> tuple[str, list[str]]:
    """The command's error and the problems it printed, for a load that must fail."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("catalogue", "load", *args, stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert out.getvalue() == ""
    return str(raised.value), err.getvalue().splitlines()


# A service keeps its agency -----------------------------------------------------------


def test_a_file_moving_a_service_to_another_agency_is_refused(agencies, services_dir, edit):
    # given: DDG publishes the service and its officers work on its cases
    catalogue_load(actor=None, directory=services_dir)
    edit("pdpa-correction", lambda d: d.update(agency="TBNK"))

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then: the service stays DDG's, under its first version
    assert caught.value.problems == [Problem(PDPA, "agency", MOVED)]
    service = Service.objects.select_related("agency").get(code="pdpa-correction")
    assert service.agency.code == "DDG"
    assert ServiceVersion.objects.filter(service=service).count() == 1
    assert Event.objects.filter(action="service.published").count() == len(CODES)


def test_service_publish_refuses_to_move_a_service_too(agencies, services_dir):
    # given
    catalogue_load(actor=None, directory=services_dir)
    definition = read_yaml(services_dir / PDPA)
    definition["agency"] = "TBNK"

    # when
    with pytest.raises(DefinitionError) as caught:
        service_publish(actor=None, definition=definition, source=PDPA)

    # then
    assert caught.value.problems == [Problem(PDPA, "agency", MOVED)]
    assert Service.objects.get(code="pdpa-correction").agency.code == "DDG"


# Plain words for YAML -----------------------------------------------------------------


def test_a_key_given_twice_is_refused_naming_both_lines(agencies, services_dir):
    # given: a second deadline under the first, which YAML would let win without a word
    path = services_dir / PDPA
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines.index("deadline_days: 30") + 1
    lines.insert(first, "deadline_days: 60")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [
        Problem(
            PDPA,
            "deadline_days",
            f"is given twice (lines {first} and {first + 1}): only the last would count, "
            "without a word, so remove one of them",
        )
    ]
    assert not Service.objects.exists()


def test_a_key_given_twice_deep_in_the_file_names_its_field(agencies, services_dir):
    # given
    path = services_dir / PDPA
    text = path.read_text(encoding="utf-8")
    line = "    in_review: {label: {th: อยู่ระหว่างตรวจสอบ, en: Being checked}}"
    path.write_text(text.replace(line, f"{line}\n{line}"), encoding="utf-8")
    first = text.splitlines().index(line) + 1

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert [str(p) for p in caught.value.problems] == [
        f"{PDPA}: workflow.states.in_review: is given twice (lines {first} and {first + 1}): "
        "only the last would count, without a word, so remove one of them"
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "code: broken\n\tname: x\n",
            "line 2",
            "is not valid YAML (column 1): a tab character: indent with spaces, not tabs",
        ),
        (
            "code: broken\nname: {th: ชื่อ\n  en: Name\n",
            "line 3",
            "is not valid YAML (column 5): the mapping in { } (opened on line 2) is not "
            "closed, or its entries are not separated by commas",
        ),
        (
            "code: broken\nsummary: Apply: online\n",
            "line 2",
            "is not valid YAML (column 15): a colon where none can be: put a value that "
            "contains ': ' in quotes, or check the indentation of this line",
        ),
    ],
    ids=["tab", "unclosed mapping", "colon in a value"],
)
def test_a_yaml_syntax_error_names_file_line_and_column_in_plain_words(
    agencies, services_dir, text, line, message
):
    # given
    (services_dir / "broken.yaml").write_text(text, encoding="utf-8")

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [Problem("broken.yaml", line, message)]


# One problem, said once ---------------------------------------------------------------


def test_required_given_as_text_is_reported_once(agencies, services_dir, edit):
    # given
    edit("pdpa-correction", lambda d: d["form"]["schema"].update(required="where"))

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [
        Problem(PDPA, "form.schema.required", "must be a list, not text")
    ]


def test_a_misspelt_type_in_a_list_of_types_is_reported_not_a_crash(agencies, services_dir, edit):
    # given
    edit(
        "pdpa-correction",
        lambda d: d["form"]["schema"]["properties"]["reference"].update(type=["string", "nul"]),
    )

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [
        Problem(
            PDPA,
            "form.schema.properties.reference.type.1",
            "'nul' is not allowed here; use one of: array, boolean, integer, null, number, "
            "object, string",
        )
    ]


def test_a_misspelt_type_says_which_types_there_are(agencies, services_dir, edit):
    # given
    edit(
        "pdpa-correction",
        lambda d: d["form"]["schema"]["properties"]["reference"].update(type="strng"),
    )

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [
        Problem(
            PDPA,
            "form.schema.properties.reference.type",
            "'strng' is not allowed here; use one of: array, boolean, integer, null, number, "
            "object, string, or a list",
        )
    ]


# Who may take a step ------------------------------------------------------------------


def test_a_step_given_to_admin_is_refused(agencies, services_dir, edit):
    # given: admins would decide blind (national IDs masked, evidence closed to them)
    edit("pdpa-correction", lambda d: d["workflow"]["transitions"][3].update(role="admin"))

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [
        Problem(
            PDPA,
            "workflow.transitions.3.role",
            "admin cannot take 'approve': administrators manage the agency's officers, and "
            "officers, approvers and counter officers work on cases (give the step to "
            "officer or approver)",
        )
    ]


# One file, and a check that publishes nothing -----------------------------------------


def test_load_publishes_only_the_file_named(agencies, services_dir):
    # when
    out, err = run(str(services_dir / PDPA))

    # then
    assert out.splitlines() == ["pdpa-correction: new (version 1)"]
    assert err == ""
    assert list(Service.objects.values_list("code", flat=True)) == ["pdpa-correction"]


def test_check_says_what_a_load_would_do_and_publishes_nothing(agencies, services_dir, edit):
    # given: one service published, then changed
    run(str(services_dir / PDPA))
    edit("pdpa-correction", lambda d: d["fee"].update(amount=10))
    published = Event.objects.count()

    # when
    out, err = run("--check", "--dir", str(services_dir))

    # then
    assert out.splitlines() == [
        "building-permit: would be new (version 1)",
        "elderly-allowance: would be new (version 1)",
        "food-shop-permit: would be new (version 1)",
        "pdpa-correction: would be new version 2",
        "pdpa-erasure: would be new (version 1)",
        "residence-certificate: would be new (version 1)",
        "No problems found; nothing was published (--check).",
    ]
    assert err == ""
    assert list(Service.objects.values_list("code", flat=True)) == ["pdpa-correction"]
    assert ServiceVersion.objects.count() == 1
    assert Event.objects.count() == published


def test_check_of_one_file_names_its_problems_and_exits_non_zero(agencies, services_dir, edit):
    # given
    path = edit("pdpa-correction", lambda d: d["name"].pop("th"))

    # when
    error, problems = fail("--check", str(path))

    # then
    assert error == f"1 problem in {path}; nothing was published."
    assert problems == [f"{PDPA}: name.th: the Thai text is missing"]
    assert not Service.objects.exists()


def test_load_names_a_path_that_is_not_a_definition(agencies, services_dir, tmp_path: Path):
    # given
    missing = services_dir / "no-such-service.yaml"
    notes = tmp_path / "notes.txt"
    notes.write_text("not a service\n")

    # when
    error, problems = fail(str(missing), str(notes))

    # then
    assert error == f"2 problems in {missing}, {notes}; nothing was published."
    assert problems == [
        f"{missing}: (top level): does not exist",
        f"{notes}: (top level): is not a service definition (*.yaml)",
    ]
    assert not Service.objects.exists()
