"""Two implementations of one protocol: goodgov's fast signature base and the library's.

A node signs and verifies its own canonical messages without the library's general
serializer (``signing._fast_*``). These tests hold it to the library, both ways: the same
signature base byte for byte, a fast signature verified by the library, a library signature
verified by the fast path, and every alteration refused by both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms

from goodgov.exchange import signing
from goodgov.ledger import note

CLIENT = note.Signer.generate("tbnk")
PROVIDER = note.Signer.generate("ddg")
CREATED = dt.datetime(2025, 11, 24, 9, 30, tzinfo=dt.UTC)
BODY = b'{"national_id":"1101700230708"}'


def request(**extra: str) -> signing.Request:
    headers = signing.Headers(
        {
            "Content-Type": "application/json",
            signing.H_CLIENT: "tbnk",
            signing.H_SERVICE: "population",
            signing.H_METHOD: "person",
            signing.H_PURPOSE: "elderly-allowance",
            **extra,
        }
    )
    if signing.H_CONSENT not in headers:
        headers[signing.H_LEGAL_BASIS] = "pdpa-24-4"
    return signing.Request("POST", "http://127.0.0.1:8001/exchange/population/person", headers)


def library_signer(signer: note.Signer) -> HTTPMessageSigner:
    return HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=signing._OneKey(signer.name, signer),
    )


def library_verify(message: Any, signer: note.Signer, tag: str, body: bytes) -> Any:
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519,
        key_resolver=signing._OneKey(signer.name, public=signer.verifier.public_key),
    )
    verifier.max_clock_skew = dt.timedelta(days=3650)
    return verifier.verify(message, max_age=None, expect_tag=tag, body=body)


def no_library(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the fast path fell back to the library")

    monkeypatch.setattr(signing, "_library_verify", refuse)
    monkeypatch.setattr(signing, "HTTPMessageSigner", refuse)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            signing.H_CONSENT: "0b9e7a52-5f0e-4c53-9d59-3f1b2f8c6d11",
            signing.H_CONSENT_TOKEN: "v1.e30.AA",
        },
    ],
)
def test_the_fast_signature_base_is_the_librarys_byte_for_byte(
    extra: dict[str, str], monkeypatch: Any
) -> None:
    # given
    fast, slow = request(**extra), request(**extra)
    components = signing.request_components(fast.headers)
    no_library(monkeypatch)

    # when
    signing.sign_request(
        fast, BODY, signer=CLIENT, key_id="tbnk", nonce="n0nce-0123456789", created=CREATED
    )
    prepared = library_signer(CLIENT).prepare(
        slow,
        key_id="tbnk",
        created=CREATED,
        nonce="n0nce-0123456789",
        label="exchange",
        tag=signing.REQUEST_TAG,
        covered_component_ids=components,
        body=BODY,
    )

    # then
    assert fast.headers["Content-Digest"] == slow.headers["Content-Digest"]
    assert fast.headers["Signature-Input"] == f"exchange={prepared.signature_params}"
    assert signing._base(fast, signing._serialized(components), prepared.signature_params) == (
        prepared.signature_base
    )
    assert library_verify(fast, CLIENT, signing.REQUEST_TAG, BODY)[0].label == "exchange"


def test_a_library_signed_request_passes_the_fast_path_alone(monkeypatch: Any) -> None:
    # given
    message = request()
    library_signer(CLIENT).sign(
        message,
        key_id="tbnk",
        created=CREATED,
        nonce="n0nce-0123456789",
        label="exchange",
        tag=signing.REQUEST_TAG,
        covered_component_ids=signing.request_components(message.headers),
        body=BODY,
    )
    expected = signing._library_verify(
        message,
        BODY,
        key_id="tbnk",
        public_key=CLIENT.verifier.public_key,
        tag=signing.REQUEST_TAG,
        require=signing.request_components(message.headers),
    )
    no_library(monkeypatch)

    # when
    verified = signing.verify_request(
        message, BODY, key_id="tbnk", public_key=CLIENT.verifier.public_key
    )

    # then
    assert verified == expected
    assert verified.covered['"exchange-purpose"'] == "elderly-allowance"


def test_a_response_signed_fast_is_verified_by_both(monkeypatch: Any) -> None:
    # given
    asked = request()
    signing.sign_request(asked, BODY, signer=CLIENT, key_id="tbnk")
    answer = signing.Response(200, signing.Headers({"Content-Type": "application/json"}), asked)
    signing.sign_response(answer, b'{"data":{}}', signer=PROVIDER, key_id="ddg")

    # when
    by_library = library_verify(answer, PROVIDER, signing.RESPONSE_TAG, b'{"data":{}}')
    no_library(monkeypatch)
    fast = signing.verify_response(
        answer, b'{"data":{}}', key_id="ddg", public_key=PROVIDER.verifier.public_key
    )

    # then
    assert fast.covered == dict(by_library[0].covered_components)
    assert fast.covered['"signature";key="exchange";req'].startswith(":")


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (signing.H_PURPOSE, "marketing"),
        (signing.H_CLIENT, "ddg"),
        (signing.H_LEGAL_BASIS, "pdpa-24-5"),
        ("Content-Type", "text/plain"),
        ("Signature-Input", None),
        ("Signature", None),
    ],
)
def test_an_altered_request_is_refused_by_both(header: str, value: str | None) -> None:
    # given
    message = request()
    signing.sign_request(message, BODY, signer=CLIENT, key_id="tbnk")
    if value is None:  # swap in another signature's parameters or bytes
        other = request()
        signing.sign_request(other, BODY, signer=CLIENT, key_id="tbnk")
        message.headers[header] = other.headers[header]
    else:
        message.headers[header] = value

    # when / then
    with pytest.raises(signing.SignatureError):
        signing.verify_request(message, BODY, key_id="tbnk", public_key=CLIENT.verifier.public_key)
    with pytest.raises(signing.SignatureError):
        signing._library_verify(
            message,
            BODY,
            key_id="tbnk",
            public_key=CLIENT.verifier.public_key,
            tag=signing.REQUEST_TAG,
            require=signing.request_components(message.headers),
        )


def test_an_altered_body_or_another_key_is_refused() -> None:
    # given
    message = request()
    signing.sign_request(message, BODY, signer=CLIENT, key_id="tbnk")

    # when / then
    with pytest.raises(signing.SignatureError):
        signing.verify_request(
            message,
            b'{"national_id":"3100600185061"}',
            key_id="tbnk",
            public_key=CLIENT.verifier.public_key,
        )
    with pytest.raises(signing.SignatureError):
        signing.verify_request(
            message,
            BODY,
            key_id="tbnk",
            public_key=note.Signer.generate("tbnk").private_key.public_key(),
        )


def test_a_consent_token_header_must_be_covered() -> None:
    # given: a request signed without the token, the token added afterwards
    message = request(**{signing.H_CONSENT: "0b9e7a52-5f0e-4c53-9d59-3f1b2f8c6d11"})
    signing.sign_request(message, BODY, signer=CLIENT, key_id="tbnk")
    message.headers[signing.H_CONSENT_TOKEN] = "v1.e30.AA"

    # when / then
    with pytest.raises(signing.SignatureError):
        signing.verify_request(message, BODY, key_id="tbnk", public_key=CLIENT.verifier.public_key)


def test_another_order_of_components_goes_to_the_library_and_verifies() -> None:
    # given: another implementation lists the same components in another order
    message = request()
    components = tuple(reversed(signing.request_components(message.headers)))
    library_signer(CLIENT).sign(
        message,
        key_id="tbnk",
        created=CREATED,
        nonce="n0nce-0123456789",
        label="exchange",
        tag=signing.REQUEST_TAG,
        covered_component_ids=components,
        body=BODY,
    )

    # when
    verified = signing.verify_request(
        message, BODY, key_id="tbnk", public_key=CLIENT.verifier.public_key
    )

    # then
    assert verified.nonce == "n0nce-0123456789"
    assert signing.key_id_of(message.headers) == "tbnk"
