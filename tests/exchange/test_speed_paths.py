"""The exchange's fast paths do what the slow ones did: raw SQL on the provider's hot path
(nonce, right, commitment, the exchange row), one transaction without savepoints, and the
client's lean HTTP sender (one kept-alive connection per thread and provider)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodgov.core import national_id
from goodgov.exchange import client as exchange_client
from goodgov.exchange import errors, services
from goodgov.exchange.models import AccessRight, Exchange, PersonSalt, SeenNonce
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from tests.exchange.conftest import PERSON_FIELDS, ask
from tests.exchange.scripted import OK, answer, prepared

# --- the right is read on every request: a revocation counts at once -------------------


def test_a_revocation_takes_effect_at_the_next_request_in_the_same_process(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given: the right served a request a moment ago
    assert sorted(ask(wsgi, living_adult).data) == sorted(PERSON_FIELDS)

    # when
    services.right_revoke(actor=None, right=right)

    # then
    with pytest.raises(errors.RightRevoked):
        ask(wsgi, living_adult)
    assert Event.objects.filter(action="exchange.served").count() == 1


def test_new_terms_of_a_right_take_effect_at_the_next_request(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given
    ask(wsgi, living_adult)

    # when: re-granted with fewer fields, then another purpose only
    services.right_grant(
        actor=None,
        client="tbnk",
        service="population",
        method="person",
        fields=["age"],
        purposes=["elderly-allowance"],
        legal_bases=["pdpa-24-4"],
    )
    narrowed = ask(wsgi, living_adult).data
    services.right_grant(
        actor=None,
        client="tbnk",
        service="population",
        method="person",
        fields=["age"],
        purposes=["tax-audit"],
        legal_bases=["pdpa-24-4"],
    )

    # then
    assert sorted(narrowed) == ["age"]
    with pytest.raises(errors.PurposeNotAllowed):
        ask(wsgi, living_adult)


# --- one transaction, no savepoint ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_each_node_writes_its_record_in_one_transaction_without_savepoints(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # when: both sides in this process (the provider through WSGI), outside any test
    # transaction, so that every atomic block is a real transaction
    with CaptureQueriesContext(connection) as queries:
        ask(wsgi, living_adult)

    # then
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert not [s for s in sql if "SAVEPOINT" in s]
    assert sum(s.startswith("INSERT") and "SEENNONCE" in s for s in sql) == 1
    assert sum(s.startswith("INSERT") and "EXCHANGE_EXCHANGE" in s for s in sql) == 2
    assert sum(s.startswith("INSERT") and "LEDGER_EVENT" in s for s in sql) == 2
    assert sum(s.startswith("INSERT") and "EXCHANGE_PERSONSALT" in s for s in sql) == 1
    assert sum(s == "COMMIT" or s.startswith("COMMIT") for s in sql) == 2  # one a side
    assert Exchange.objects.count() == 2 and Event.objects.count() >= 2


# --- the commitment to a person ----------------------------------------------------------


def test_a_person_without_an_account_gets_one_salt_and_the_same_commitment(db: Any) -> None:
    # given
    person_hash = national_id.lookup_hash("1101700230708")

    # when
    first = services.person_commitment(person_hash)
    second = services.person_commitment(person_hash)

    # then
    [salt] = PersonSalt.objects.filter(person_hash=person_hash)
    assert first == second
    assert first != services.person_commitment(national_id.lookup_hash("1101700230716"))
    assert person_hash not in first and salt.salt not in first


def test_a_person_with_an_account_is_committed_to_as_in_the_rest_of_the_ledger(
    citizen_a: Any,
) -> None:
    # given
    assert citizen_a.national_id_hash

    # when
    value = services.person_commitment(citizen_a.national_id_hash)

    # then
    assert value == commitment(type(citizen_a).objects.get(pk=citizen_a.pk))
    assert not PersonSalt.objects.filter(person_hash=citizen_a.national_id_hash).exists()


def test_a_salt_made_meanwhile_by_another_process_is_the_one_used(db: Any) -> None:
    # given: between this process's read and its insert, another process made the salt
    person_hash = national_id.lookup_hash("1101700230708")
    PersonSalt.objects.create(person_hash=person_hash, salt="a" * 64)

    # when
    value = services._commitment_make(person_hash)

    # then
    assert value == hashlib.sha256(f"{'a' * 64}:{person_hash}".encode()).hexdigest()
    assert PersonSalt.objects.filter(person_hash=person_hash).count() == 1


def test_an_erased_salt_gives_a_new_commitment(db: Any) -> None:
    # given
    person_hash = national_id.lookup_hash("1101700230708")
    old = services.person_commitment(person_hash)

    # when
    PersonSalt.objects.filter(person_hash=person_hash).delete()

    # then
    assert services.person_commitment(person_hash) != old


# --- nonces and the exchange row ---------------------------------------------------------


def test_a_nonce_is_accepted_once(db: Any) -> None:
    # given
    expires = timezone.now() + dt.timedelta(seconds=30)

    # when
    first = services.nonce_accept(client="tbnk", nonce="n" * 24, expires_at=expires)
    again = services.nonce_accept(client="tbnk", nonce="n" * 24, expires_at=expires)
    other = services.nonce_accept(client="dopa", nonce="n" * 24, expires_at=expires)

    # then
    assert (first, again, other) == (True, False, True)
    stored = SeenNonce.objects.get(client="tbnk")
    assert abs(stored.expires_at - expires) < dt.timedelta(seconds=1)


def test_a_replayed_nonce_is_refused_as_a_replay_before_any_other_refusal(db: Any) -> None:
    # given
    expires = timezone.now() + dt.timedelta(seconds=30)
    services.nonce_accept(client="tbnk", nonce="r" * 24, expires_at=expires)

    # when / then
    with pytest.raises(errors.Replay):
        services.exchange_answer(
            client="tbnk", nonce="r" * 24, expires_at=expires, grant=None, refusal=errors.NoRight()
        )
    with pytest.raises(errors.NoRight):  # a new nonce: the refusal itself, nonce kept
        services.exchange_answer(
            client="tbnk", nonce="s" * 24, expires_at=expires, grant=None, refusal=errors.NoRight()
        )
    assert SeenNonce.objects.count() == 2
    assert not Exchange.objects.exists()


def test_the_exchange_row_written_directly_reads_back_as_the_orm_wrote_it(
    other_agency: Any, provider_node: Any
) -> None:
    # given
    person_hash = national_id.lookup_hash("1101700230708")
    consent = services.consent_give(
        actor=None,
        person_hash=person_hash,
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    before = timezone.now()

    # when
    row = services.exchange_record_served(
        client="tbnk",
        service="population",
        method="person",
        purpose="elderly-allowance",
        legal_basis=services.CONSENT,
        consent=consent,
        person_hash=person_hash,
        fields=["age", "address"],
        nonce="x" * 24,
    )

    # then
    stored = Exchange.objects.get(pk=row.pk)
    assert stored.direction == "served" and stored.peer == "tbnk"
    assert stored.fields == ["age", "address"]
    assert stored.consent == consent and stored.consent_reference == str(consent.reference)
    assert stored.outcome == "ok" and stored.actor is None
    assert before <= stored.created_at <= timezone.now()
    event = Event.objects.get(action="exchange.served")
    assert event.subject_id == str(row.pk) and event.subject_type == "exchange.exchange"
    assert event.agency == other_agency  # GOODGOV_EXCHANGE_AGENCY: DEPT
    assert event.public["person"] == services.person_commitment(person_hash)


# --- the lean HTTP sender ----------------------------------------------------------------


def test_the_lean_sender_keeps_one_connection_alive_across_calls(scripted: Any) -> None:
    # given
    server = scripted(answer(OK))

    # when
    answers = [exchange_client._post(prepared(server.url), 2.0) for _ in range(3)]

    # then
    assert [(status, body) for status, _headers, body in answers] == [(200, b"ok")] * 3
    assert (len(server.requests), server.connections) == (3, 1)


def test_the_lean_sender_opens_a_new_connection_when_the_provider_closed_the_old_one(
    scripted: Any,
) -> None:
    # given: the provider closes each connection after its answer, without saying so
    server = scripted(answer(OK, close=True))
    exchange_client._post(prepared(server.url), 2.0)

    # when
    status, _headers, body = exchange_client._post(prepared(server.url), 2.0)

    # then
    assert (status, body) == (200, b"ok")
    assert (len(server.requests), server.connections) == (2, 2)


def test_a_proxy_in_the_environment_leaves_the_call_to_httpx(monkeypatch: Any) -> None:
    # given
    exchange_client._proxied.cache_clear()
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")

    # when
    lean = exchange_client._lean("https://ddg.example.go.th/exchange/population/person")
    exchange_client._proxied.cache_clear()
    monkeypatch.delenv("HTTPS_PROXY")

    # then
    assert lean is False
    assert exchange_client._lean("https://ddg.example.go.th/exchange/population/person")


def test_the_lean_sender_verifies_tls_as_httpx_does() -> None:
    # when
    context = exchange_client._tls()

    # then
    import ssl

    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_a_refusal_over_the_lean_sender_is_typed_and_recorded(
    live_server: Any, provider_node: Any, tmp_path: Any
) -> None:
    # given: a live provider (real sockets), no right for tbnk
    from tests.exchange.conftest import write_directory

    provider_node.GOODGOV_EXCHANGE_DIRECTORY = str(
        write_directory(tmp_path / "live.yaml", live_server.url)
    )

    # when / then
    with pytest.raises(errors.NoRight):
        ask(None, "1101700230708")
    requested = Event.objects.get(action="exchange.requested")
    assert requested.public["outcome"] == "no_right"
    assert json.dumps(requested.public).find("1101700230708") == -1
