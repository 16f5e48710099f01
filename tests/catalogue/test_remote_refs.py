"""A service's form refers only to itself: the loader refuses a ``$ref`` to anywhere
else, and no validator built from a definition ever fetches one (a URL in a definition
would otherwise make the server call it on every submission)."""

from __future__ import annotations

import socket
import urllib.request
from typing import Any

import pytest
import referencing.exceptions

from goodgov.cases import services as cases
from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.services import DefinitionError, Problem, catalogue_load, definition_digest
from goodgov.ledger.models import Event

PDPA = "pdpa-correction"
REMOTE = "http://127.0.0.1:9/x.json"
OUTSIDE = (
    "points outside this form: a reference must be a JSON pointer into form.schema, "
    "starting with '#/' (such as '#/$defs/address'); schemas are never fetched from elsewhere"
)


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the code under test tried to open over the network (it must stay empty)."""
    calls: list[Any] = []

    def urlopen(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        raise OSError("tests open no connections")

    def connect(self: socket.socket, address: Any) -> None:
        calls.append(address)
        raise OSError("tests open no connections")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return calls


def _question(d: dict[str, Any], schema: dict[str, Any]) -> None:
    d["form"]["schema"]["properties"]["reference"] = schema


# (what the form's schema says, field path, what is wrong)
REFUSED: list[tuple[str, Any, str, str]] = [
    (
        "a $ref to a URL",
        lambda d: _question(d, {"$ref": REMOTE}),
        "form.schema.properties.reference.$ref",
        f"'{REMOTE}' {OUTSIDE}",
    ),
    (
        "a $ref to another file",
        lambda d: _question(d, {"allOf": [{"$ref": "common.json#/$defs/text"}]}),
        "form.schema.properties.reference.allOf.0.$ref",
        f"'common.json#/$defs/text' {OUTSIDE}",
    ),
    (
        "a $dynamicRef to a URL",
        lambda d: _question(d, {"$dynamicRef": REMOTE}),
        "form.schema.properties.reference.$dynamicRef",
        f"'{REMOTE}' {OUTSIDE}",
    ),
    (
        "a $ref to a place the form does not have",
        lambda d: _question(d, {"$ref": "#/$defs/reference"}),
        "form.schema.properties.reference.$ref",
        "'#/$defs/reference' points to nothing in form.schema",
    ),
    (
        "an $id moving what references resolve against",
        lambda d: d["form"]["schema"].update({"$id": "http://127.0.0.1:9/"}),
        "form.schema.$id",
        "is not allowed in a form: it would make references point somewhere other than "
        "this form's schema",
    ),
    (
        "a $schema naming another dialect",
        lambda d: d["form"]["schema"].update({"$schema": REMOTE}),
        "form.schema.$schema",
        "must be 'https://json-schema.org/draft/2020-12/schema' or left out: forms are "
        "checked as JSON Schema draft 2020-12",
    ),
]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [(c, p, m) for _w, c, p, m in REFUSED],
    ids=[w for w, _c, _p, _m in REFUSED],
)
def test_a_form_referring_outside_itself_is_refused_naming_file_and_field(
    agencies, services_dir, edit, fetched, change, path, message
):
    # given
    edit(PDPA, change)

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [Problem(f"{PDPA}.yaml", path, message)]
    assert not Service.objects.exists()
    assert not Event.objects.filter(action="service.published").exists()
    assert fetched == []


def test_a_remote_ref_in_a_published_service_is_refused_as_a_new_version(
    agencies, services_dir, edit, fetched
):
    # given: the service is published, then its file gains a remote reference
    catalogue_load(actor=None, directory=services_dir)
    edit(PDPA, lambda d: _question(d, {"$ref": REMOTE}))

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then: version 1 stays current and nothing was fetched
    assert [str(p) for p in caught.value.problems] == [
        f"{PDPA}.yaml: form.schema.properties.reference.$ref: '{REMOTE}' {OUTSIDE}"
    ]
    assert Service.objects.get(code=PDPA).current.number == 1
    assert ServiceVersion.objects.filter(service__code=PDPA).count() == 1
    assert fetched == []


def test_a_version_stored_before_the_check_never_makes_the_server_fetch(
    agencies, services_dir, citizen_a, fetched
):
    # given: a version holding a remote reference, as one loaded before the loader
    # refused them (written straight to the database: the loader would refuse it)
    catalogue_load(actor=None, directory=services_dir)
    service = Service.objects.get(code=PDPA)
    definition = service.current.definition
    _question(definition, {"$ref": REMOTE})
    ServiceVersion.objects.filter(pk=service.current_id).update(
        definition=definition, digest=definition_digest(definition)
    )
    service.refresh_from_db()
    case = cases.case_start(actor=citizen_a, applicant=citizen_a, service=service)
    answers = {"where": "account", "reference": "TBNK-2568-000001", "wrong": "a", "correct": "b"}

    # when: checking the answers needs the reference
    with pytest.raises(referencing.exceptions.Unresolvable) as caught:
        cases.case_save_draft(actor=citizen_a, case=case, answers=answers)

    # then: it fails to resolve; nothing was fetched, and the draft kept nothing
    assert REMOTE in str(caught.value)
    assert fetched == []
    case.refresh_from_db()
    assert case.data == {}
