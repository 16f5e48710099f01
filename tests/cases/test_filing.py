"""Filing in one step (``case_file``, ``POST /api/v1/cases``): what it writes, in how many
statements, and the reference numbers it draws, alone and under concurrency."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import jsonschema
import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodgov import ledger
from goodgov.accounts.models import User
from goodgov.cases import selectors, services
from goodgov.cases.models import Case, ReferenceCounter
from goodgov.catalogue.models import Service
from goodgov.core import thai
from goodgov.ledger.models import Event, PersonSalt
from goodgov.notifications.models import Message
from tests.cases.conftest import ANSWERS
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"
BODY = {"service": "test-permit", "answers": ANSWERS, "declaration": True}


def post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def year_be() -> int:
    return thai.be_year(timezone.localtime().year)


def file(user: User, service: Service) -> Case:
    return services.case_file(
        actor=user, applicant=user, service=service, answers=dict(ANSWERS), declaration=True
    )


def test_the_service_selector_gives_what_the_orm_gives(service_version):
    # given
    expected = Service.objects.select_related("current", "agency").get(code="test-permit")
    # when
    service = selectors.service_taking_applications("test-permit")
    # then
    assert service is not None
    for mine, theirs in [
        (service, expected),
        (service.current, expected.current),
        (service.agency, expected.agency),
    ]:
        assert type(mine) is type(theirs) and mine.pk == theirs.pk
        for field in type(theirs)._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
    assert service.current.definition == service_version.definition
    assert service.current.answers_validator(complete=True) is not None
    assert timezone.is_aware(service.created_at) and timezone.is_aware(service.agency.created_at)


def test_the_service_selector_finds_only_active_services_with_a_version(service_version):
    # given
    Service.objects.create(code="no-version", agency=service_version.service.agency)
    Service.objects.filter(code="test-permit").update(active=False)
    # when / then
    assert selectors.service_taking_applications("test-permit") is None
    assert selectors.service_taking_applications("no-version") is None
    assert selectors.service_taking_applications("nothing-by-this-name") is None


def test_an_inactive_or_unknown_service_is_bad_input_and_writes_nothing(citizen_a, service_version):
    # given
    client = login(Client(), citizen_a)
    Service.objects.filter(code="test-permit").update(active=False)
    events = Event.objects.count()
    # when
    inactive = post(client, BODY)
    unknown = post(client, {**BODY, "service": "nothing-by-this-name"})
    # then: the request names the service at fault (cases/api.py), and nothing is written
    assert inactive.status_code == unknown.status_code == 400
    assert inactive.json()["field"] == unknown.json()["field"] == "service"
    assert inactive.json()["message"] != unknown.json()["message"]
    assert not Case.objects.exists() and not Message.objects.exists()
    assert Event.objects.count() == events


@pytest.mark.django_db(transaction=True)  # real commits: the email copy runs after each
def test_a_submission_over_the_api_takes_nine_statements(citizen_a, service_version):
    # given: the person has filed before (their ledger salt exists)
    client = login(Client(), citizen_a)
    assert post(client, BODY).status_code == 201
    # when
    with CaptureQueriesContext(connection) as captured:
        response = post(client, BODY)
    # then: the session; the user with their roles, TOTP and ledger salt; the service;
    # in one transaction the reference upsert, the case, both events, the message; after
    # commit the email copy's read and update
    assert response.status_code == 201
    assert response.json()["reference"] == f"TBNK-{year_be()}-000002"
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")  # one transaction
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]
    assert [q["sql"] for q in captured.captured_queries].count("COMMIT") == 1
    assert not [q for q in captured.captured_queries if q["sql"].startswith("SAVEPOINT")]
    tables = ["django_session", "accounts_user", "catalogue_service"]
    tables += ["cases_referencecounter", "cases_case", "ledger_event", "notifications_message"]
    tables += ["notifications_message", "notifications_message"]
    assert [s.split()[0] for s in statements] == ["SELECT"] * 3 + ["INSERT"] * 4 + [
        "SELECT",
        "UPDATE",
    ]
    for sql, table in zip(statements, tables, strict=True):
        assert table in sql, (table, sql)
    assert statements[5].count("), (") == 1  # both events in one INSERT


def test_filing_records_started_then_submitted_with_the_persons_commitment(
    citizen_a, service_version
):
    # given: a person who has no ledger salt yet, then one who has
    client = login(Client(), citizen_a)
    # when
    first = post(client, BODY).json()
    second = post(client, BODY).json()
    # then
    salt = PersonSalt.objects.get(user=citizen_a).salt
    expected = hashlib.sha256(f"{salt}:{citizen_a.pk}".encode()).hexdigest()
    events = list(Event.objects.filter(subject_type="cases.case").order_by("id"))
    assert [(e.action, e.subject_id) for e in events] == [
        ("case.started", str(Case.objects.get(uuid=first["id"]).pk)),
        ("case.submitted", str(Case.objects.get(uuid=first["id"]).pk)),
        ("case.started", str(Case.objects.get(uuid=second["id"]).pk)),
        ("case.submitted", str(Case.objects.get(uuid=second["id"]).pk)),
    ]
    assert {e.public["applicant"] for e in events} == {expected}
    assert all(e.actor_id == citizen_a.pk for e in events)
    assert [e.public["reference"] for e in events if e.action == "case.submitted"] == [
        first["reference"],
        second["reference"],
    ]


def test_a_failed_filing_keeps_nothing_and_gives_its_number_back(
    citizen_a, service_version, monkeypatch
):
    # given: sending the message fails after the number is drawn and the case inserted
    file(citizen_a, service_version.service)
    events, messages = Event.objects.count(), Message.objects.count()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("message store down")

    monkeypatch.setattr(services, "message_send", broken)
    # when
    with pytest.raises(RuntimeError):
        file(citizen_a, service_version.service)
    monkeypatch.undo()
    case = file(citizen_a, service_version.service)
    # then
    assert Case.objects.count() == 2
    assert case.reference == f"TBNK-{year_be()}-000002"
    assert Event.objects.count() == events + 2 and Message.objects.count() == messages + 1
    assert ReferenceCounter.objects.get().last == 2


def test_the_submitted_case_is_stored_as_returned(citizen_a, service_version):
    # when
    case = file(citizen_a, service_version.service)
    # then
    stored = Case.objects.get(pk=case.pk)
    assert stored.reference == case.reference and stored.state == "submitted"
    assert stored.data == ANSWERS
    assert stored.submitted_at == stored.declared_at == case.submitted_at
    assert stored.due_at == case.due_at and stored.created_at == case.created_at


def test_ledger_record_all_checks_every_event_and_keeps_their_order(citizen_a):
    # given
    good = {
        "actor": None,
        "action": "person.salt_erased",
        "subject": citizen_a,
        "agency": None,
        "public": {},
    }
    bad = {**good, "public": {"unexpected": "field"}}
    count = Event.objects.count()
    # when / then
    with pytest.raises(jsonschema.ValidationError), transaction.atomic():
        ledger.record_all([good, bad])
    assert Event.objects.count() == count
    with transaction.atomic():
        made = ledger.record_all([good, {**good, "actor": citizen_a}])
    stored = list(Event.objects.filter(id__gt=made[0].pk - 1).order_by("id"))
    assert [e.pk for e in made] == [e.pk for e in stored] and made[0].pk < made[1].pk
    assert [(e.action, e.actor_id, e.subject_id) for e in stored] == [
        ("person.salt_erased", None, str(citizen_a.pk)),
        ("person.salt_erased", citizen_a.pk, str(citizen_a.pk)),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_filings_get_consecutive_references_without_gaps_or_duplicates(
    service_version,
):
    # given: 8 people filing 5 times each at once, one filing in four failing after it drew
    # its number (the transaction rolls back: the number must be given back)
    people = [User.objects.create_user(email=f"p{n}@example.test", password=None) for n in range(8)]
    service = Service.objects.select_related("current", "agency").get(code="test-permit")
    failures: list[int] = []
    errors: list[BaseException] = []
    real_send = services.message_send
    counter = {"n": 0}
    lock = threading.Lock()

    def flaky_send(**kwargs: Any) -> Any:
        with lock:
            counter["n"] += 1
            fail = counter["n"] % 4 == 0
        if fail:
            raise RuntimeError("fails after drawing a number")
        return real_send(**kwargs)

    def worker(user: User) -> None:
        try:
            for _ in range(5):
                try:
                    file(user, service)
                except RuntimeError:
                    failures.append(user.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    services.message_send = flaky_send  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=worker, args=(p,)) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        services.message_send = real_send
    # then
    assert errors == []
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == 40 - len(failures) and len(failures) == 10
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, len(references) + 1))
    assert ReferenceCounter.objects.get().last == len(references)
    assert Event.objects.filter(action="case.submitted").count() == len(references)


def test_a_service_that_needs_an_upload_cannot_be_filed_in_one_step(citizen_a, agency, definition):
    # given
    from goodgov.catalogue.services import service_publish

    definition["evidence"][0]["required"] = True
    service_publish(actor=None, definition=definition, source="tests")
    client = login(Client(), citizen_a)
    events = Event.objects.count()
    # when
    response = client.post(
        URL, json.dumps(BODY), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    # then
    assert response.status_code == 400
    assert response.json()["message"] == "Upload every required document before you submit."
    assert not Case.objects.exists() and not ReferenceCounter.objects.exists()
    assert Event.objects.count() == events


def test_an_officer_without_totp_cannot_file_over_the_api(clerk, service_version):
    # given
    client = login(Client(), clerk, totp=False)
    # when
    response = post(client, BODY)
    # then: sent to set up the second factor, nothing filed
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert not Case.objects.exists()


def test_an_officer_whose_session_skipped_the_second_factor_is_signed_out_of_the_api(
    clerk, service_version
):
    # given: TOTP set up, but this session signed in with the password only
    from goodgov.accounts.services import user_totp_activate
    from tests.conftest import TOTP_SECRET

    user_totp_activate(user=clerk, secret=TOTP_SECRET)
    client = Client()
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    # when
    response = post(client, BODY)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert not Case.objects.exists()


def test_an_officer_who_passed_the_second_factor_files_for_themselves(clerk, service_version):
    # given
    client = login(Client(), clerk)
    # when
    response = post(client, BODY)
    # then
    assert response.status_code == 201
    assert Case.objects.get().applicant == clerk


def test_a_role_no_longer_active_does_not_count_as_an_officer(clerk, service_version):
    # given: the clerk's only role was ended; no TOTP
    clerk.memberships.update(active=False)
    client = login(Client(), clerk, totp=False)
    # when
    response = post(client, BODY)
    # then
    assert response.status_code == 201
