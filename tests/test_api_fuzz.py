"""The JSON API fuzzed from its own OpenAPI description (schemathesis) against the real
WSGI application: every operation, anonymous and signed in (session cookie and CSRF
token), with the real services published, so that applications are filed as well as
refused. No answer is a 5xx; every answer has a documented status, content type and
schema (schemathesis's checks, its auth probes included); every refusal is JSON of the
documented shape; and a refused request changes nothing.

The fuzzing found, now fixed: undocumented 401/403/404 answers; a 500 for a form
(multipart) body; a 500 for a lone surrogate ("\\ud800") in a service code or an answer;
on PostgreSQL a 500 for a NUL in a service code; the site's HTML 404 for a code or id
with a slash or a line break in it. ``EXAMPLE_SUBMISSIONS`` and ``odd`` send each again.

Deterministic (hypothesis derandomized, no example database) and quick: some fifty
requests an operation, identity and kind. Hypothesis also draws string constants from
the modules loaded, so the strings tried depend on which tests were collected with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, example, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.auths import AuthContext, AuthStorage
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.schemas import OpenApiSchema

from goodgov.agencies import services as agency_services
from goodgov.agencies.models import Agency
from goodgov.cases.models import Case
from goodgov.catalogue.models import Service
from goodgov.catalogue.services import catalogue_load
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS, submitted_case
from tests.conftest import login
from tests.schema_strategies import near, valid

SCHEMA_PATH = "/api/v1/openapi.json"

#: What the API offers; a fuzz run over fewer (or none) must not pass unnoticed.
EXPECTED_OPERATIONS = {
    "GET /api/v1/services",
    "GET /api/v1/services/{code}",
    "GET /api/v1/cases",
    "POST /api/v1/cases",
    "GET /api/v1/cases/{case_id}",
}

#: Requests an operation, identity and generation mode: enough to reach past the
#: schema's checks into the services' own, few enough for the module to stay quick.
EXAMPLES = 50

FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def application(db: Any) -> Iterator[WSGIHandler]:
    """Django's own WSGI application, as a server runs it; but, as Django's test client
    does, it keeps the test's database connection between requests (a request would close
    it: it is inside the test's transaction, which PostgreSQL's connection cannot keep)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(application: WSGIHandler, db: Any) -> OpenApiSchema:
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)


def operations(schema: OpenApiSchema) -> Iterator[Any]:
    for result in schema.get_all_operations():
        # an operation schemathesis cannot read fails the test here
        assert isinstance(result, Ok), result.err()
        yield result.ok()


def test_every_operation_of_the_api_is_found(api_schema):
    assert {op.label for op in operations(api_schema)} == EXPECTED_OPERATIONS


# ------------------------------------------------------------------ the world fuzzed against


@pytest.fixture
def published(db: Any, service_version: Any) -> list[str]:
    """The services under services/ (their agencies too), the tests' own ``test-permit``,
    and one service that no longer takes applications: their codes."""
    agency_services.agency_create(
        actor=None,
        code="DDG",
        name_th="กรมบริการประชาชน (สมมติ)",
        name_en="Department of Public Services (fictional)",
        kind=Agency.Kind.CENTRAL,
        fictional=True,
    )
    catalogue_load(actor=None, directory=settings.SERVICES_DIR)
    Service.objects.filter(code="pdpa-erasure").update(active=False)
    return sorted(Service.objects.values_list("code", flat=True))


@pytest.fixture
def filed(citizen_a: Any, citizen_b: Any, service_version: Any) -> list[str]:
    """Ids of a case of the citizen's own and of someone else's."""
    return [str(submitted_case(person, service_version).uuid) for person in (citizen_a, citizen_b)]


def form_schemas() -> dict[str, dict[str, Any]]:
    return {
        s.code: s.current.definition["form"]["schema"]
        for s in Service.objects.select_related("current")
        if s.current is not None
    }


def signed_in(citizen: Any) -> AuthStorage:
    """Credentials of ``citizen`` as a browser has them after signing in: the session
    cookie, and a CSRF token (cookie and header). Given to schemathesis as the API's
    auth, so that it knows them: it leaves them out only where it means to (a negated
    session cookie), and probes that the operation refuses requests without them."""
    client = login(Client(), citizen)
    token = _get_new_csrf_string()
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: token,
    }

    class SessionCookie:
        def get(self, case: Any, context: Any) -> dict[str, str]:
            return cookies

        def set(self, case: Any, data: dict[str, str], context: Any) -> None:
            case.cookies = {**(case.cookies or {}), **data}
            case.headers = {**(case.headers or {}), "X-CSRFToken": data[settings.CSRF_COOKIE_NAME]}

    storage: AuthStorage[dict[str, str]] = AuthStorage()
    storage.auth(refresh_interval=None)(SessionCookie)
    return storage


#: A lone UTF-16 surrogate: valid in a JSON string (``"\\ud800"``), not in UTF-8.
LONE = "\ud800"

#: Bodies of other media types than the JSON the API takes, as a form or a script sends
#: them: refused as bad input, whatever the parser underneath makes of them.
OTHER_MEDIA_TYPES = ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain"]


def mistyped(body: dict[str, Any], media_type: str) -> Any:
    if media_type == "text/plain":
        return json.dumps(body)
    return {name: json.dumps(value) for name, value in body.items()}


@st.composite
def submissions(draw: Any, forms: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Bodies for ``POST /api/v1/cases`` that reach past the schema: a real service's
    code (or one that is not) with answers its form accepts, or nearly accepts."""
    codes = sorted(forms)
    code = draw(
        st.sampled_from(["test-permit", "residence-certificate"])
        | st.sampled_from([*codes, "no-such-service", "", "TEST-PERMIT", "ก" * 70, LONE])
    )
    form = forms.get(code, forms["test-permit"])
    answers = draw(
        st.one_of(
            st.just(dict(ANSWERS)) if code == "test-permit" else st.nothing(),
            valid(form),
            near(form).filter(lambda a: isinstance(a, dict)),
        )
    )
    if answers and draw(st.integers(0, 5)) == 0:
        # text JSON can carry but no store can: a lone surrogate (\ud800), in an answer
        # or in its name
        name = draw(st.sampled_from(sorted(answers)))
        if draw(st.booleans()):
            answers[name] = f"{answers[name]}{LONE}"
        else:
            answers[name + LONE] = answers.pop(name)
    declaration = draw(st.sampled_from([True, True, True, False]))
    return {"service": code, "answers": answers, "declaration": declaration}


# ------------------------------------------------------------------ the checks


def error_shape_is_documented(response: Any) -> None:
    """Every refusal is JSON: ``{"detail"}``, or ``{"message", "errors"}`` (and ``field``
    when one field is at fault), each message non-empty text."""
    if response.status_code < 400:
        return
    assert response.headers.get("content-type") == ["application/json; charset=utf-8"]
    body = response.json()
    assert isinstance(body, dict), body
    if set(body) == {"detail"}:
        assert isinstance(body["detail"], str) and body["detail"]
        return
    assert set(body) in ({"message", "errors"}, {"message", "errors", "field"}), body
    assert isinstance(body["message"], str) and body["message"]
    assert body.get("field") is None or isinstance(body["field"], str)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}, error
        assert isinstance(error["field"], str) and isinstance(error["message"], str)
        assert error["message"]


def fuzz(strategy: Any, examples: Iterable[Any] = ()) -> list[int]:
    """Send the examples, then each case the strategy makes; check each answer. The
    statuses answered."""
    statuses: list[int] = []

    def run(case: Any) -> None:
        cases, events = Case.objects.count(), Event.objects.count()
        # the WSGI test client does not undo gzip (the API compresses when asked to)
        response = case.call_and_validate(headers={"Accept-Encoding": "identity"})
        statuses.append(response.status_code)
        note(f"{response.status_code} {response.text[:500]}")
        assert response.status_code < 500
        error_shape_is_documented(response)
        if response.status_code >= 400 or case.method != "POST":
            # refused, or only read: nothing changed
            assert (Case.objects.count(), Event.objects.count()) == (cases, events)
        else:
            assert Case.objects.count() == cases + 1

    for case in examples:
        run = example(case=case)(run)
    FUZZ(given(case=strategy)(run))()
    return statuses


#: Applications sent every run, whatever is generated: one that is filed, and each that a
#: fuzz run found the API failing on (a 500 before it was fixed).
EXAMPLE_SUBMISSIONS: list[tuple[dict[str, Any], str]] = [
    ({"service": "test-permit", "answers": ANSWERS, "declaration": True}, "application/json"),
    (
        {"service": "test-permit", "answers": {**ANSWERS, "shop_name": LONE}, "declaration": True},
        "application/json",
    ),
    ({"service": LONE, "answers": ANSWERS, "declaration": True}, "application/json"),
    ({"service": "test\x00permit", "answers": ANSWERS, "declaration": True}, "application/json"),
    (
        {"service": "test-permit", "answers": {**ANSWERS, LONE: 1}, "declaration": True},
        "application/json",
    ),
    ({"service": "pdpa-erasure", "answers": {}, "declaration": True}, "application/json"),
    *[
        (mistyped({"service": "test-permit", "answers": ANSWERS, "declaration": True}, kind), kind)
        for kind in OTHER_MEDIA_TYPES
    ],
]


def examples(operation: Any, auth: AuthStorage | None) -> list[Any]:
    if operation.label != "POST /api/v1/cases":
        return []
    cases = [operation.Case(body=body, media_type=kind) for body, kind in EXAMPLE_SUBMISSIONS]
    if auth is not None:
        for case in cases:
            auth.set(case, AuthContext(operation=operation, app=operation.app))
    return cases


#: Accept-Language headers a client may send: the API's two languages, others, nonsense.
LANGUAGES = ["th", "en", "en-GB,en;q=0.9,th;q=0.8", "fr", "", "*", "th;q=x", "x" * 300]


def strategies(
    operation: Any, forms: dict[str, Any], known: dict[str, list[str]], auth: AuthStorage | None
) -> Iterator[tuple[str, st.SearchStrategy[Any]]]:
    """What to send an operation: schemathesis's valid requests and invalid ones; ids and
    codes that exist (``known``, by path parameter) in any language; and for an
    application, bodies that name a real service and answer its form (or nearly), as
    JSON and as other media types."""
    yield "positive", operation.as_strategy(auth_storage=auth)
    yield "negative", operation.as_strategy(GenerationMode.NEGATIVE, auth_storage=auth)
    for parameter in operation.path_parameters:

        def at(drawn: tuple[str, str], name: str = parameter.name) -> st.SearchStrategy[Any]:
            value, language = drawn
            return operation.as_strategy(
                path_parameters={name: value},
                headers={"Accept-Language": language},
                auth_storage=auth,
            )

        values = st.sampled_from(known[parameter.name])
        yield "known", st.tuples(values, st.sampled_from(LANGUAGES)).flatmap(at)
    if operation.label == "POST /api/v1/cases":

        def sent(body: Any, media_type: str = "application/json") -> st.SearchStrategy[Any]:
            return operation.as_strategy(body=body, media_type=media_type, auth_storage=auth)

        yield "plausible", submissions(forms).flatmap(sent)
        yield (
            "mistyped",
            st.tuples(submissions(forms), st.sampled_from(OTHER_MEDIA_TYPES)).flatmap(
                lambda drawn: sent(mistyped(*drawn), drawn[1])
            ),
        )


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_the_api_answers_every_request_as_documented(api_schema, published, filed, citizen_a, who):
    # given
    auth = signed_in(citizen_a) if who == "citizen" else None
    forms = form_schemas()
    # with a slash or a line break too: still the operation's JSON 404, not the site's page
    odd = ["a/b", "a\nb", "\n", "a\x00b"]
    known = {"code": [*published, "no-such-service", *odd], "case_id": [*filed, *odd]}
    answered: dict[tuple[str, str], list[int]] = {}
    # when
    for operation in operations(api_schema):
        for kind, strategy in strategies(operation, forms, known, auth):
            try:
                sent = examples(operation, auth) if kind == "positive" else []
                answered[operation.label, kind] = fuzz(strategy, sent)
            except Unsatisfiable:
                # nothing to get wrong: no parameters, or only text in the path
                assert kind == "negative", operation.label
    # then: every operation was sent requests, and the body invalid ones too
    assert {label for (label, kind), sent in answered.items() if sent} == EXPECTED_OPERATIONS
    assert answered["POST /api/v1/cases", "negative"]
    assert {200, 404} <= set(answered["GET /api/v1/services/{code}", "known"])
    if who == "citizen":
        # ... and past the sign-in: some applications were filed, and some refused
        assert 201 in answered["POST /api/v1/cases", "plausible"]
        assert 400 in answered["POST /api/v1/cases", "plausible"]
        # their own case read, someone else's not found
        assert {200, 404} <= set(answered["GET /api/v1/cases/{case_id}", "known"])
    else:
        assert {status for sent in answered.values() for status in sent} <= {200, 401, 403, 404}
