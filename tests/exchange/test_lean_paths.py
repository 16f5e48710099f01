"""The exchange's leaner paths give what the general ones gave: the registry's record read
with one plain statement, the request's fields read from the WSGI environ; and how the
client's kept-alive connection reads what a provider answers."""

from __future__ import annotations

import socket
import time
from typing import Any

import httpx
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodgov.agencies.models import Agency
from goodgov.core import national_id
from goodgov.exchange import client as exchange_client
from goodgov.exchange import errors, registries, signing, synthetic
from goodgov.exchange.models import RegistryPerson
from goodgov.ledger.models import Event
from tests.exchange.conftest import CLIENT, ask
from tests.exchange.scripted import Scripted, answer, prepared

# --- the registry's record ---------------------------------------------------------------


def _orm_record(person: RegistryPerson) -> dict[str, Any]:
    """The record built from the ORM's model instance (what the service sent before), by
    the same function: what differs is only how the row was read."""
    return registries._person_fields(person, timezone.localdate())


def test_the_person_record_is_the_one_the_orm_builds(db: Any) -> None:
    # given: people alive and dead (one with a date of death)
    synthetic.generate(count=40)
    ids = synthetic.national_ids(40)
    first = RegistryPerson.objects.get(national_id_hash=national_id.lookup_hash(ids[0]))
    RegistryPerson.objects.filter(pk=first.pk).update(
        dead=True, death_date=first.birth_date.replace(year=first.birth_date.year + 70)
    )

    # when
    records = {i: registries.population_person({"national_id": i}) for i in ids}

    # then
    for person_id, (key, record) in records.items():
        person = RegistryPerson.objects.get(national_id_hash=key)
        assert key == national_id.lookup_hash(person_id)
        assert record == _orm_record(person), person_id
        assert type(record["dead"]) is bool and type(record["age"]) is int
    assert records[ids[0]][1]["dead"] is True and records[ids[0]][1]["death_date"]
    assert any(r["dead"] is False and r["death_date"] is None for _k, r in records.values())


def test_a_lookup_hash_given_by_the_caller_gives_the_same_record(db: Any) -> None:
    # given
    synthetic.generate(count=3)
    person = synthetic.national_ids(3)[1]
    query = {"national_id": person}
    key = registries.person_hash(query)

    # then
    for method in (registries.population_person, registries.population_household):
        assert method(query, key=key) == method(query)


def test_someone_not_in_the_registry_is_not_found(db: Any) -> None:
    with pytest.raises(registries.NotInRegistry):
        registries.population_person({"national_id": "1101700230708"})


# --- the request's fields from the WSGI environ -------------------------------------------


def test_the_fields_read_from_the_environ_are_djangos_request_headers() -> None:
    # given
    request = RequestFactory().post(
        "/exchange/population/person",
        data=b"{}",
        content_type="application/json",
        HTTP_EXCHANGE_CLIENT="tbnk",
        HTTP_SIGNATURE_INPUT='exchange=("@method");created=1',
        HTTP_X_ODD_NAME="  spaced  ",
        HTTP_ACCEPT_ENCODING="identity",
    )

    # when
    headers = signing.Headers.from_environ(request.META)

    # then
    assert dict(headers.items()) == dict(request.headers.items())
    assert headers.get("exchange-client") == "tbnk" and headers["EXCHANGE-CLIENT"] == "tbnk"
    assert headers.get("content-length") == "2" and headers.get("x-missing") is None
    assert "SERVER_NAME" not in headers and "Server-Name" not in headers


def test_a_request_verifies_alike_whatever_mapping_holds_its_fields() -> None:
    # given: one signed request, its fields in a Headers, in httpx's and in Django's mapping
    body = b'{"national_id":"1101700230708"}'
    url = "http://127.0.0.1:8001/exchange/population/person"
    message = signing.Request(
        "POST",
        url,
        signing.Headers(
            {
                "Content-Type": "application/json",
                signing.H_CLIENT: "tbnk",
                signing.H_SERVICE: "population",
                signing.H_METHOD: "person",
                signing.H_PURPOSE: "bench",
                signing.H_LEGAL_BASIS: "pdpa-24-4",
            }
        ),
    )
    signing.sign_request(message, body, signer=CLIENT, key_id="tbnk")
    environ = {
        "CONTENT_TYPE" if name == "Content-Type" else "HTTP_" + name.upper().replace("-", "_"): v
        for name, v in message.headers.items()
    }
    django_headers = RequestFactory().post("/", **environ).headers

    # when
    found = [
        signing.verify_request(
            signing.Request("POST", url, headers),
            body,
            key_id="tbnk",
            public_key=CLIENT.verifier.public_key,
        )
        for headers in (
            message.headers,
            httpx.Headers(dict(message.headers.items())),
            signing.Headers.from_environ(environ),
            django_headers,
        )
    ]

    # then
    assert all(v == found[0] for v in found)
    assert signing.key_id_of(signing.Headers.from_environ(environ)) == "tbnk"


# --- the client's kept-alive HTTP/1.1 connection (http.client) ----------------------------------------------------------


def _post_twice(server: Scripted) -> list[tuple[int, Any, bytes]]:
    return [exchange_client._post(prepared(server.url), 2.0) for _ in range(2)]


def test_a_body_of_a_given_length_arrives_whole_across_reads(scripted: Any) -> None:
    # given: the answer comes in many small pieces
    body = b'{"data":"' + b"x" * 3000 + b'"}'
    server = scripted(
        answer(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body,
            pieces=40,
        )
    )

    # when
    answers = _post_twice(server)

    # then: both read whole, over one kept connection
    assert [(s, b) for s, _h, b in answers] == [(200, body)] * 2
    assert answers[0][1]["content-type"] == "application/json"
    assert server.connections == 1


def test_a_chunked_body_is_reassembled(scripted: Any) -> None:
    # given: chunks with an extension, then a trailer
    server = scripted(
        answer(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n",
            pieces=7,
        )
    )

    # when
    answers = _post_twice(server)

    # then
    assert [(s, b) for s, _h, b in answers] == [(200, b"hello, world")] * 2
    assert server.connections == 1


def test_a_body_without_a_length_is_read_to_the_end_and_the_connection_closed(
    scripted: Any,
) -> None:
    # given
    server = scripted(answer(b"HTTP/1.1 200 OK\r\n\r\nall of it", close=True))

    # when
    answers = _post_twice(server)

    # then
    assert [(s, b) for s, _h, b in answers] == [(200, b"all of it")] * 2
    assert server.connections == 2


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n",
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n",
    ],
)
def test_a_connection_the_provider_will_close_is_not_kept(scripted: Any, head: bytes) -> None:
    # given
    server = scripted(answer(head + b"ok"))

    # when
    answers = _post_twice(server)

    # then
    assert [(s, b) for s, _h, b in answers] == [(200, b"ok")] * 2
    assert server.connections == 2


def test_an_http_1_0_answer_that_keeps_alive_is_kept(scripted: Any) -> None:
    # given
    server = scripted(
        answer(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok")
    )

    # when
    _post_twice(server)

    # then
    assert server.connections == 1


def test_closed_connections_are_not_reused(scripted: Any) -> None:
    # given: an answer that would let the connection be kept
    server = scripted(answer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
    exchange_client._post(prepared(server.url), 2.0)

    # when: this thread lets go of its kept connections between two calls
    exchange_client.close_connections()
    exchange_client._post(prepared(server.url), 2.0)

    # then: the second call opened a new one
    assert server.connections == 2


def test_an_answer_without_a_body_by_its_status_is_empty(scripted: Any) -> None:
    # given: a 204 that (wrongly) names a length
    server = scripted(answer(b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"))

    # when
    answers = _post_twice(server)

    # then
    assert [(s, b) for s, _h, b in answers] == [(204, b"")] * 2


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",  # closed mid-body
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  # a bad chunk size
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello",  # closed mid-chunks
        b"SPDY/3 200 OK\r\nContent-Length: 0\r\n\r\n",  # not HTTP
        b"HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",  # not HTTP/1.x
    ],
)
def test_a_malformed_or_cut_answer_is_provider_unavailable(scripted: Any, raw: bytes) -> None:
    # given
    server = scripted(answer(raw, close=True))

    # when / then
    with pytest.raises(errors.ProviderUnavailable):
        exchange_client._post(prepared(server.url), 2.0)


def test_too_many_fields_are_refused_as_http_client_refuses_them(scripted: Any) -> None:
    # given
    fields = b"".join(b"X-F%d: v\r\n" % i for i in range(101))
    server = scripted(answer(b"HTTP/1.1 200 OK\r\n" + fields + b"Content-Length: 0\r\n\r\n"))

    # when / then
    with pytest.raises(errors.ProviderUnavailable, match="more than 100 headers"):
        exchange_client._post(prepared(server.url), 2.0)


def test_a_body_slower_than_the_timeout_times_out(scripted: Any) -> None:
    # given: the fields at once, then the body after longer than the timeout
    def reply(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
        time.sleep(0.6)
        conn.sendall(b"ok")

    server = scripted(reply)
    started = time.monotonic()

    # when / then
    with pytest.raises(errors.ProviderTimeout):
        exchange_client._post(prepared(server.url), 0.2)
    assert time.monotonic() - started < 0.5


# --- the node's agency, read with the person's commitment ----------------------------------


def test_both_events_name_the_nodes_agency_read_with_the_commitment_in_one_query(
    other_agency: Any, right: Any, wsgi: Any, living_adult: str
) -> None:
    # when: both sides in this process (GOODGOV_EXCHANGE_AGENCY: DEPT)
    with CaptureQueriesContext(connection) as queries:
        ask(wsgi, living_adult)

    # then
    served = Event.objects.get(action="exchange.served")
    requested = Event.objects.get(action="exchange.requested")
    assert served.agency == other_agency and requested.agency == other_agency
    agency_table = connection.ops.quote_name(Agency._meta.db_table)
    alone = [q["sql"] for q in queries.captured_queries if f"FROM {agency_table}" in q["sql"]]
    assert len(alone) == 2 and all("PERSONSALT" in sql.upper() for sql in alone)


@pytest.mark.parametrize("code", ["", "NOWHERE"])
def test_without_the_nodes_agency_here_the_events_name_none(
    code: str, right: Any, wsgi: Any, living_adult: str, provider_node: Any
) -> None:
    # given
    provider_node.GOODGOV_EXCHANGE_AGENCY = code

    # when
    ask(wsgi, living_adult)

    # then
    events = Event.objects.filter(action__in=["exchange.served", "exchange.requested"])
    assert [e.agency for e in events] == [None, None]


@pytest.mark.parametrize(
    ("value", "fast"),
    [
        ("", True),
        (" ~tbnk-1_0.9", True),
        ('say "hi" \\ there', True),
        ("tab\there", False),
        ("del\x7f", False),
        ("thai ไทย", False),
        ("nul\x00", False),
    ],
)
def test_a_structured_string_is_serialized_fast_only_from_printable_ascii(
    value: str, fast: bool
) -> None:
    # when / then: the rest goes to the library (RFC 8941 sf-string: %x20-7E only)
    if fast:
        assert signing._sf_string(value) == (
            '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        )
    else:
        with pytest.raises(signing._Slow):
            signing._sf_string(value)


# --- the machine endpoints' framing ------------------------------------------------------


def test_the_machine_endpoints_answer_with_their_length_as_every_other_page(
    client: Any, provider_node: Any, db: Any
) -> None:
    # when
    entry = client.get("/exchange/node")
    refusal = client.post(
        "/exchange/population/person", data=b"{}", content_type="application/json"
    )

    # then: a length, so that the server need not send the body in chunks
    for response in (entry, refusal):
        assert response["Content-Length"] == str(len(response.content))
        assert not response.streaming
    assert refusal.status_code == 401 and "Signature" in refusal
