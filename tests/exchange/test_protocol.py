"""The protocol between two nodes: what is served, what is refused, and every fault typed."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from typing import Any

import httpx
import pytest
from django.utils import timezone

from goodgov.core import national_id
from goodgov.exchange import client as exchange_client
from goodgov.exchange import directory, errors, services
from goodgov.exchange.models import AccessRight, Exchange, SeenNonce
from goodgov.ledger import note
from goodgov.ledger.models import Event
from tests.exchange.conftest import (
    CLIENT,
    IMPOSTOR,
    PERSON_FIELDS,
    STRANGER,
    ask,
    clear_directory_cache,
    write_directory,
)


def test_served_data_holds_only_the_fields_the_right_allows(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # when
    result = ask(wsgi, living_adult)

    # then
    assert result.provider == "ddg"
    assert sorted(result.data) == sorted(PERSON_FIELDS)
    assert set(result.data["address"]) == {
        "line",
        "subdistrict",
        "district",
        "province",
        "postcode",
    }
    assert "household_id" not in result.data and "sex" not in result.data


def test_both_sides_record_the_exchange_with_a_commitment_never_the_id(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # when
    ask(wsgi, living_adult)

    # then
    served = Event.objects.get(action="exchange.served")
    requested = Event.objects.get(action="exchange.requested")
    assert served.public["client"] == "tbnk"
    assert served.public["legal_basis"] == "pdpa-24-4"
    assert served.public["purpose"] == "elderly-allowance"
    assert served.public["fields"] == sorted(PERSON_FIELDS)
    assert requested.public["provider"] == "ddg"
    assert requested.public["outcome"] == "ok"
    assert served.public["person"] == requested.public["person"]  # one node, one salt here
    for event in (served, requested):
        text = json.dumps(event.public)
        assert living_adult not in text
        assert national_id.lookup_hash(living_adult) not in text
    rows = Exchange.objects.order_by("direction")
    assert [(r.direction, r.outcome) for r in rows] == [("requested", "ok"), ("served", "ok")]


def test_a_request_with_a_consent_is_served_when_the_consent_is_valid(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given
    right.legal_bases = []
    right.save(update_fields=["legal_bases"])
    consent = services.consent_give(
        actor=None,
        person_hash=national_id.lookup_hash(living_adult),
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )

    # when
    result = ask(wsgi, living_adult, legal_basis=None, consent=str(consent.reference))

    # then
    assert sorted(result.data) == sorted(PERSON_FIELDS)
    served = Event.objects.get(action="exchange.served")
    assert served.public["legal_basis"] == "consent"
    assert str(consent.reference) not in json.dumps(served.public)
    assert served.private["consent"] == str(consent.reference)


def test_a_legal_basis_the_right_does_not_accept_is_refused(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # when / then
    with pytest.raises(errors.LegalBasisNotAllowed):
        ask(wsgi, living_adult, legal_basis="pdpa-24-5")
    assert not Event.objects.filter(action="exchange.served").exists()
    assert Event.objects.get(action="exchange.requested").public["outcome"] == (
        "legal_basis_not_allowed"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"withdrawn_at": timezone.now()}, errors.ConsentWithdrawn),
        ({"expires_at": timezone.now() - dt.timedelta(seconds=1)}, errors.ConsentExpired),
        ({"purpose": "tax-audit"}, errors.ConsentMissing),
        ({"person_hash": "0" * 64}, errors.ConsentMissing),
        ({"client": "other"}, errors.ConsentMissing),
    ],
)
def test_an_invalid_consent_is_refused_with_its_reason(
    right: AccessRight, wsgi: Any, living_adult: str, change: dict[str, Any], expected: type
) -> None:
    # given
    consent = services.consent_give(
        actor=None,
        person_hash=national_id.lookup_hash(living_adult),
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    for name, value in change.items():
        setattr(consent, name, value)
    consent.save()

    # when / then
    with pytest.raises(expected):
        ask(wsgi, living_adult, legal_basis=None, consent=str(consent.reference))
    assert not Event.objects.filter(action="exchange.served").exists()


def test_a_withdrawn_consent_through_the_service_is_refused(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given
    consent = services.consent_give(
        actor=None,
        person_hash=national_id.lookup_hash(living_adult),
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    ask(wsgi, living_adult, legal_basis=None, consent=str(consent.reference))

    # when
    services.consent_withdraw(actor=None, consent=consent)

    # then
    with pytest.raises(errors.ConsentWithdrawn):
        ask(wsgi, living_adult, legal_basis=None, consent=str(consent.reference))
    assert Event.objects.filter(action="exchange.consent_withdrawn").count() == 1


def test_a_revoked_right_is_refused(right: AccessRight, wsgi: Any, living_adult: str) -> None:
    # given
    services.right_revoke(actor=None, right=right)

    # when / then
    with pytest.raises(errors.RightRevoked):
        ask(wsgi, living_adult)
    assert not Event.objects.filter(action="exchange.served").exists()


def test_no_right_for_the_method_is_refused(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # when / then
    with pytest.raises(errors.NoRight):
        ask(wsgi, living_adult, method="household")


def test_a_purpose_outside_the_right_is_refused(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # when / then
    with pytest.raises(errors.PurposeNotAllowed):
        ask(wsgi, living_adult, purpose="marketing")


def test_an_unknown_client_is_refused(right: AccessRight, wsgi: Any, living_adult: str) -> None:
    # when / then
    with pytest.raises(errors.UnknownClient):
        ask(wsgi, living_adult, identity=STRANGER)


def test_a_request_signed_by_another_key_is_refused(
    right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # when / then
    with pytest.raises(errors.BadSignature, match=r"verif|signature"):
        ask(wsgi, living_adult, identity=IMPOSTOR)
    assert not SeenNonce.objects.exists()  # nothing is remembered for a forger


def test_a_body_changed_after_signing_is_refused(
    right: AccessRight, wsgi: Any, living_adult: str, people: list[str]
) -> None:
    # given
    prepared = exchange_client.prepare(
        provider=directory.node("ddg"),  # type: ignore[arg-type]
        service="population",
        method="person",
        query={"national_id": living_adult},
        purpose="elderly-allowance",
        legal_basis="pdpa-24-4",
        identity=CLIENT,
    )
    other = next(p for p in people if p != living_adult)
    prepared.body = json.dumps({"national_id": other}, separators=(",", ":")).encode()

    # when / then
    with httpx.Client(transport=wsgi) as http, pytest.raises(errors.BadSignature, match="Digest"):
        exchange_client.send(prepared, http=http)


def test_a_replayed_request_is_refused(right: AccessRight, wsgi: Any, living_adult: str) -> None:
    # given
    prepared = exchange_client.prepare(
        provider=directory.node("ddg"),  # type: ignore[arg-type]
        service="population",
        method="person",
        query={"national_id": living_adult},
        purpose="elderly-allowance",
        legal_basis="pdpa-24-4",
        identity=CLIENT,
    )
    with httpx.Client(transport=wsgi) as http:
        first = exchange_client.send(prepared, http=http)

        # when / then
        with pytest.raises(errors.Replay):
            exchange_client.send(prepared, http=http)
    assert first.data["age"] >= 0
    assert Event.objects.filter(action="exchange.served").count() == 1


def test_a_stale_request_is_refused(right: AccessRight, wsgi: Any, living_adult: str) -> None:
    # given
    prepared = exchange_client.prepare(
        provider=directory.node("ddg"),  # type: ignore[arg-type]
        service="population",
        method="person",
        query={"national_id": living_adult},
        purpose="elderly-allowance",
        legal_basis="pdpa-24-4",
        identity=CLIENT,
        created=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=120),
    )

    # when / then
    with httpx.Client(transport=wsgi) as http, pytest.raises(errors.StaleRequest):
        exchange_client.send(prepared, http=http)


def test_a_response_not_signed_by_the_provider_is_rejected(
    right: AccessRight, wsgi: Any, living_adult: str, provider_node: Any, tmp_path: Any
) -> None:
    # given: the directory this client trusts names another key for ddg
    wrong = note.Signer.generate("ddg")
    provider_node.GOODGOV_EXCHANGE_KEY = wrong.key  # the provider now signs with a key not listed
    clear_directory_cache()

    # when / then
    with pytest.raises(errors.BadSignature, match="response"):
        ask(wsgi, living_adult)
    assert Event.objects.get(action="exchange.requested").public["outcome"] == "bad_signature"


def test_a_person_not_in_the_registry_is_not_found(right: AccessRight, wsgi: Any) -> None:
    # when / then
    with pytest.raises(errors.NotFound):
        ask(wsgi, "1101700230708")


def test_a_node_or_method_not_in_the_directory_is_refused_before_any_request(
    provider_node: Any, db: Any
) -> None:
    # given
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent")

    transport = httpx.MockTransport(refuse)

    # when / then
    with pytest.raises(errors.UnknownNode):
        ask(transport, "1101700230708", node="nowhere")
    with pytest.raises(errors.UnknownNode):
        ask(transport, "1101700230708", method="everything")


def test_a_provider_that_is_down_fails_after_bounded_retries_each_signed_anew(
    provider_node: Any, db: Any
) -> None:
    # given
    nonces: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        nonces.append(request.headers["Signature-Input"].split('nonce="')[1].split('"')[0])
        raise httpx.ConnectError("connection refused", request=request)

    # when / then
    with pytest.raises(errors.ProviderUnavailable):
        ask(httpx.MockTransport(down), "1101700230708")
    assert len(nonces) == 3 and len(set(nonces)) == 3
    assert Event.objects.get(action="exchange.requested").public["outcome"] == (
        "provider_unavailable"
    )


def test_a_closed_port_is_provider_unavailable_quickly(
    provider_node: Any, db: Any, tmp_path: Any
) -> None:
    # given: a port nothing listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider_node.GOODGOV_EXCHANGE_DIRECTORY = str(
        write_directory(tmp_path / "down.yaml", f"http://127.0.0.1:{port}")
    )
    started = time.monotonic()

    # when / then
    with pytest.raises(errors.ProviderUnavailable):
        ask(None, "1101700230708")
    assert time.monotonic() - started < 2


def test_a_slow_provider_times_out_instead_of_hanging(
    provider_node: Any, db: Any, tmp_path: Any
) -> None:
    # given: a server that accepts connections and never answers
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    provider_node.GOODGOV_EXCHANGE_DIRECTORY = str(
        write_directory(tmp_path / "slow.yaml", f"http://127.0.0.1:{server.getsockname()[1]}")
    )
    started = time.monotonic()

    # when / then
    try:
        with pytest.raises(errors.ProviderTimeout):
            ask(None, "1101700230708", timeout=0.3, retries=1)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
    assert 0.6 <= elapsed < 2.0  # two attempts of 0.3 s and a short backoff, never a hang
    assert Event.objects.get(action="exchange.requested").public["outcome"] == "timeout"


def test_a_server_error_is_retried_and_then_served(
    provider_node: Any, wsgi: Any, right: AccessRight, living_adult: str
) -> None:
    # given: the first attempt meets a 503 from a proxy, the second reaches the provider
    calls: list[int] = []

    class Flaky(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            calls.append(1)
            if len(calls) == 1:
                return httpx.Response(503, text="busy")
            return wsgi.handle_request(request)

    # when
    result = ask(Flaky(), living_adult)

    # then
    assert len(calls) == 2
    assert result.data["age"] >= 0


def test_the_client_refuses_a_request_without_exactly_one_basis(
    provider_node: Any, db: Any
) -> None:
    # when / then
    with pytest.raises(errors.BadRequest):
        ask(None, "1101700230708", legal_basis=None)
    with pytest.raises(errors.BadRequest):
        ask(None, "1101700230708", consent="x")
    with pytest.raises(errors.BadRequest):
        ask(None, "1101700230708", legal_basis="because")
    with pytest.raises(errors.BadRequest):
        ask(None, "1234")


def test_live_server_serves_signed_requests_over_http(
    live_server: Any, provider_node: Any, tmp_path: Any
) -> None:
    # given
    from goodgov.exchange import synthetic

    provider_node.GOODGOV_EXCHANGE_DIRECTORY = str(
        write_directory(tmp_path / "live.yaml", live_server.url)
    )
    synthetic.generate(count=5)
    person = synthetic.national_ids(1)[0]
    services.right_grant(
        actor=None,
        client="tbnk",
        service="population",
        method="person",
        fields=["age", "dead"],
        purposes=["elderly-allowance"],
        legal_bases=["pdpa-24-4"],
    )

    # when
    result = ask(None, person)

    # then
    assert sorted(result.data) == ["age", "dead"]
    assert Exchange.objects.filter(direction="served").count() == 1


def test_the_node_serves_its_own_directory_entry(provider_node: Any, client: Any) -> None:
    # when
    response = client.get("/exchange/node")

    # then
    assert response.status_code == 200
    entry = response.json()
    assert entry["name"] == "ddg"
    assert entry["public_key"] == directory.signer().verifier.key
    assert {"name": "welfare", "methods": ["status"]} in entry["services"]


def test_the_data_service_endpoint_answers_only_post(provider_node: Any, client: Any) -> None:
    # when
    response = client.get("/exchange/population/person")

    # then
    assert response.status_code == 405


def test_an_unsigned_request_gets_a_signed_refusal(provider_node: Any, client: Any) -> None:
    # when
    response = client.post(
        "/exchange/population/person", data=b"{}", content_type="application/json"
    )

    # then
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"
    assert 'keyid="ddg"' in response["Signature-Input"]


def test_a_body_nested_too_deeply_is_a_signed_bad_request(
    right: AccessRight, wsgi: Any, living_adult: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a signed request from a known node whose body is nested beyond the parser
    import types

    nested = "[" * 100_000 + "]" * 100_000
    monkeypatch.setattr(
        exchange_client,
        "json",
        types.SimpleNamespace(dumps=lambda *a, **k: nested, loads=json.loads),
    )
    prepared = exchange_client.prepare(
        provider=directory.node("ddg"),  # type: ignore[arg-type]
        service="population",
        method="person",
        query={"national_id": living_adult},
        purpose="elderly-allowance",
        legal_basis="pdpa-24-4",
        identity=CLIENT,
    )
    assert prepared.body == nested.encode()

    # when / then: the provider's signed refusal, not a server error
    with httpx.Client(transport=wsgi) as http, pytest.raises(errors.BadRequest, match="nested"):
        exchange_client.send(prepared, http=http)
