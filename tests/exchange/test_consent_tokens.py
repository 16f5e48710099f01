"""Consent tokens: a consent given at the client node, shown to the provider with each request.

The provider here is this process ("ddg"); the client ("tbnk") signs with its own key. A
consent whose reference the provider does not keep can only be shown by a token.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.utils import timezone

from goodgov.core import national_id
from goodgov.exchange import client as exchange_client
from goodgov.exchange import consent_tokens, directory, errors, services, signing
from goodgov.exchange.models import AccessRight, Consent, Exchange, SeenNonce
from goodgov.ledger.models import Event
from tests.exchange.conftest import CLIENT, IMPOSTOR, PERSON_FIELDS

NOW = dt.datetime(2025, 11, 24, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def consent_right(right: AccessRight) -> AccessRight:
    """tbnk's right to population.person needs the person's consent (no legal basis)."""
    right.legal_bases = []
    right.save(update_fields=["legal_bases"])
    return right


def token_for(
    person: str,
    nonce: str,
    *,
    reference: str,
    signer: Any = CLIENT,
    now: dt.datetime | None = None,
    **overrides: Any,
) -> str:
    now = now or dt.datetime.now(dt.UTC)
    terms: dict[str, Any] = {
        "signer": signer,
        "provider": "ddg",
        "reference": reference,
        "service": "population",
        "method": "person",
        "purpose": "elderly-allowance",
        "fields": [],
        "national_id_digits": person,
        "given_at": now - dt.timedelta(minutes=5),
        "expires_at": now + dt.timedelta(days=30),
        "nonce": nonce,
        "now": now,
    }
    terms.update(overrides)
    return consent_tokens.issue(**terms)


def send_with_token(
    transport: Any,
    person: str,
    make_token: Callable[[str], str | None],
    *,
    reference: str,
) -> exchange_client.Result:
    """A request on ``reference`` signed by tbnk, with the token ``make_token(nonce)``."""
    nonce = signing.new_nonce()
    headers = signing.Headers(
        {
            "Content-Type": "application/json",
            signing.H_CLIENT: "tbnk",
            signing.H_SERVICE: "population",
            signing.H_METHOD: "person",
            signing.H_PURPOSE: "elderly-allowance",
            signing.H_CONSENT: reference,
        }
    )
    token = make_token(nonce)
    if token is not None:
        headers[signing.H_CONSENT_TOKEN] = token
    body = json.dumps({"national_id": person}, separators=(",", ":")).encode()
    message = signing.Request("POST", "http://testserver/exchange/population/person", headers)
    signing.sign_request(message, body, signer=CLIENT, key_id="tbnk", nonce=nonce)
    prepared = exchange_client.Prepared(message, body, nonce, directory.node("ddg"))  # type: ignore[arg-type]
    with httpx.Client(transport=transport) as http:
        return exchange_client.send(prepared, http=http)


def test_a_consent_kept_only_by_the_client_is_served_on_its_token(
    consent_right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given: the provider keeps no consent with this reference
    reference = str(uuid.uuid4())

    # when
    result = send_with_token(
        wsgi,
        living_adult,
        lambda nonce: token_for(living_adult, nonce, reference=reference),
        reference=reference,
    )

    # then
    assert sorted(result.data) == sorted(PERSON_FIELDS)
    served = Event.objects.get(action="exchange.served")
    assert served.public["legal_basis"] == "consent"
    assert served.private["consent"] == reference
    assert served.private["consent_token"]["issuer"] == "tbnk"
    assert served.private["consent_token"]["token"].startswith("v1.")
    assert reference not in json.dumps(served.public)
    row = Exchange.objects.get(direction="served")
    assert (row.consent_id, row.consent_reference) == (None, reference)
    assert not Consent.objects.exists()


def test_the_provider_serves_only_the_fields_the_consent_names(
    consent_right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given
    reference = str(uuid.uuid4())

    # when
    result = send_with_token(
        wsgi,
        living_adult,
        lambda nonce: token_for(
            living_adult, nonce, reference=reference, fields=["age", "birth_date", "sex"]
        ),
        reference=reference,
    )

    # then: "sex" is consented to but outside the right; the rest of the right is not consented
    assert sorted(result.data) == ["age", "birth_date"]


def test_without_a_token_a_consent_the_provider_does_not_keep_is_missing(
    consent_right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given
    reference = str(uuid.uuid4())

    # when / then
    with pytest.raises(errors.ConsentMissing):
        send_with_token(wsgi, living_adult, lambda nonce: None, reference=reference)
    assert not Event.objects.filter(action="exchange.served").exists()


def _altered(token: str) -> str:
    version, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["fld"] = ["given_name_th"]
    raw = json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
    return ".".join([version, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), signature])


@pytest.mark.parametrize(
    ("make", "expected", "message"),
    [
        # signed by another key with the client's name
        (
            lambda p, n, r: token_for(p, n, reference=r, signer=IMPOSTOR),
            errors.BadConsentToken,
            "signed",
        ),
        # the payload changed after signing
        (lambda p, n, r: _altered(token_for(p, n, reference=r)), errors.BadConsentToken, "altered"),
        # not a token at all
        (lambda p, n, r: "v1.e30.AA", errors.BadConsentToken, "malformed"),
        # made for another request (another nonce): lifted from an earlier request
        (
            lambda p, n, r: token_for(p, "another-nonce-0123", reference=r),
            errors.BadConsentToken,
            "another request",
        ),
        # made for another provider
        (
            lambda p, n, r: token_for(p, n, reference=r, provider="tbnk"),
            errors.BadConsentToken,
            "another request",
        ),
        # for another reference
        (
            lambda p, n, r: token_for(p, n, reference=str(uuid.uuid4())),
            errors.BadConsentToken,
            "another request",
        ),
        # another purpose
        (
            lambda p, n, r: token_for(p, n, reference=r, purpose="tax-audit"),
            errors.ConsentMissing,
            "purpose",
        ),
        # another person
        (
            lambda p, n, r: token_for("1101700230708", n, reference=r),
            errors.ConsentMissing,
            "person",
        ),
        # issued ten minutes ago: past its lifetime
        (
            lambda p, n, r: token_for(
                p, n, reference=r, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
            ),
            errors.ConsentTokenExpired,
            "valid until",
        ),
        # a token that claims to be valid for a day
        (
            lambda p, n, r: token_for(p, n, reference=r, lifetime=86400),
            errors.BadConsentToken,
            "at most",
        ),
        # the consent itself has expired
        (
            lambda p, n, r: token_for(
                p, n, reference=r, expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            ),
            errors.ConsentExpired,
            "expired",
        ),
    ],
)
def test_a_token_that_does_not_hold_is_refused_with_a_typed_error(
    consent_right: AccessRight,
    wsgi: Any,
    living_adult: str,
    make: Any,
    expected: type[errors.ExchangeError],
    message: str,
) -> None:
    # given
    reference = str(uuid.uuid4())

    # when / then
    with pytest.raises(expected, match=message) as caught:
        send_with_token(
            wsgi,
            living_adult,
            lambda nonce: make(living_adult, nonce, reference),
            reference=reference,
        )
    assert type(caught.value) is expected
    assert not Event.objects.filter(action="exchange.served").exists()
    assert SeenNonce.objects.count() == 1  # a refused request keeps its nonce


def test_the_client_sends_a_token_for_a_consent_it_keeps(
    consent_right: AccessRight, wsgi: Any, living_adult: str
) -> None:
    # given: the consent was given at the client (here the same database as the provider)
    consent = services.consent_give(
        actor=None,
        person_hash=national_id.lookup_hash(living_adult),
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        fields=["age", "address"],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    sent: list[httpx.Request] = []

    class Spy(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return wsgi.handle_request(request)

    # when
    result = exchange_client.call(
        node="ddg",
        service="population",
        method="person",
        national_id_value=living_adult,
        purpose="elderly-allowance",
        consent=str(consent.reference),
        identity=CLIENT,
        transport=Spy(),
    )

    # then
    assert sorted(result.data) == ["address", "age"]
    token = sent[0].headers[signing.H_CONSENT_TOKEN]
    claims = consent_tokens.read(token, public_key=CLIENT.private_key.public_key())
    assert (claims.reference, claims.client, claims.provider) == (
        str(consent.reference),
        "tbnk",
        "ddg",
    )
    assert claims.fields == ("address", "age")
    assert claims.valid_until - claims.issued_at == consent_tokens.LIFETIME
    assert living_adult not in token and living_adult not in json.dumps(claims.record())
    assert Event.objects.get(action="exchange.served").private["consent_token"]["issuer"] == "tbnk"


def test_a_consent_withdrawn_at_the_client_sends_nothing(
    consent_right: AccessRight, living_adult: str
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
    services.consent_withdraw(actor=None, consent=consent)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent on a withdrawn consent")

    # when / then
    with pytest.raises(errors.ConsentWithdrawn):
        exchange_client.call(
            node="ddg",
            service="population",
            method="person",
            national_id_value=living_adult,
            purpose="elderly-allowance",
            consent=str(consent.reference),
            identity=CLIENT,
            transport=httpx.MockTransport(refuse),
        )
    requested = Event.objects.get(action="exchange.requested")
    assert requested.public["outcome"] == "consent_withdrawn"
    assert requested.private["consent"] == str(consent.reference)


def test_the_claims_of_a_token_are_read_back_exactly() -> None:
    # given
    token = token_for("1101700230708", "n0nce-0123456789", reference="r-1", fields=["age"], now=NOW)

    # when
    claims = consent_tokens.read(token, public_key=CLIENT.private_key.public_key())

    # then
    assert claims.fields == ("age",)
    assert claims.issued_at == int(NOW.timestamp())
    assert claims.valid_until == int(NOW.timestamp()) + consent_tokens.LIFETIME
    assert claims.person == consent_tokens.person_commitment("1101700230708", claims.salt)
    assert claims.person != consent_tokens.person_commitment("1101700230716", claims.salt)
