"""HTTP Message Signatures (RFC 9421) with Ed25519 for requests and responses between nodes.

We use the ``http-message-signatures`` library (Apache-2.0, compatible with our AGPL) for
the signature base, the Structured Fields and Content-Digest (RFC 9530); this module
only fixes what a goodgov exchange signs and checks:

- a request covers ``@method``, ``@target-uri``, ``content-type``, ``content-digest`` and
  the ``exchange-*`` headers (client, service, method, purpose, and the legal basis or
  the consent reference), with the parameters ``created``, ``nonce``, ``keyid`` (the
  client's node name), ``alg="ed25519"`` and ``tag="goodgov-exchange"``;
- a response covers ``@status``, ``content-type``, ``content-digest`` and, with ``;req``,
  the request's ``@method``, ``@target-uri`` and its signature, so a response can only be
  the answer to that one request; its tag is ``goodgov-exchange-response``.

A request that carries a consent token (``Exchange-Consent-Token``, see
:mod:`goodgov.exchange.consent_tokens`) covers that header too.

Speed: the library builds the signature base through a general Structured Fields
serializer, character by character, twice per signature; at a few hundred exchanges a
second that was most of the protocol's cost. For the messages goodgov itself makes
(exactly the components above, in this order, in the canonical serialization) this module
builds the same signature base directly (``_fast_*``); the result is byte for byte the
library's (tests/exchange/test_two_nodes_signing.py checks it both ways). Anything else
(another implementation's order of components, extra parameters, several field lines,
a value the fast path does not handle) goes to the library, which also gives the verdict
on every signature the fast path cannot verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)
from http_message_signatures._url import parse_url
from http_message_signatures.exceptions import HTTPMessageSignaturesException
from http_message_signatures.structures import normalize_header_value

from goodgov.ledger import note

LABEL = "exchange"
REQUEST_TAG = "goodgov-exchange"
RESPONSE_TAG = "goodgov-exchange-response"

H_CLIENT = "Exchange-Client"
H_SERVICE = "Exchange-Service"
H_METHOD = "Exchange-Method"
H_PURPOSE = "Exchange-Purpose"
H_LEGAL_BASIS = "Exchange-Legal-Basis"
H_CONSENT = "Exchange-Consent"
H_CONSENT_TOKEN = "Exchange-Consent-Token"

REQUEST_COMPONENTS = (
    "@method",
    "@target-uri",
    "content-type",
    "content-digest",
    "exchange-client",
    "exchange-service",
    "exchange-method",
    "exchange-purpose",
)
RESPONSE_COMPONENTS = (
    "@status",
    "content-type",
    "content-digest",
    '"@method";req',
    '"@target-uri";req',
    f'"signature";key="{LABEL}";req',
)


class SignatureError(ValueError):
    """A signature that is missing, malformed, by another key, or does not verify."""


@dataclass
class Request:
    """The parts of a request that are signed (the library's message interface)."""

    method: str
    url: str
    headers: Any


@dataclass
class Response:
    status_code: int
    headers: Any
    request: Request


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, key_id: str, signer: note.Signer | None = None, public: Any = None):
        self.key_id, self.signer, self.public = key_id, signer, public

    def resolve_private_key(self, key_id: str) -> Any:
        if self.signer is None or key_id != self.key_id:
            raise KeyError(key_id)
        return self.signer.private_key

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey | None:
        return self.public if key_id == self.key_id else None


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def request_components(headers: Any) -> tuple[str, ...]:
    """What a request with these headers must cover: the fixed list, its legal basis or
    consent reference, and its consent token when it carries one."""
    names = headers._store if type(headers) is Headers else {name.lower() for name in headers}
    return _REQUEST_COMPONENTS["exchange-consent" in names, "exchange-consent-token" in names]


_REQUEST_COMPONENTS = {
    (consent, token): (
        *REQUEST_COMPONENTS,
        "exchange-consent" if consent else "exchange-legal-basis",
        *(("exchange-consent-token",) if token else ()),
    )
    for consent in (False, True)
    for token in (False, True)
}


# --- the fast path: the signature base of goodgov's own messages, built directly ---------


class _Slow(Exception):
    """The fast path does not handle this message: use the library."""


_SF_STRING = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\\"])*"'
_SF_INT = r"-?(?:0|[1-9][0-9]{0,14})"
_PARAM = re.compile(rf";([a-z*][a-z0-9_.*-]*)=({_SF_STRING}|{_SF_INT})")
_INPUT = re.compile(
    rf"exchange=\((?P<items>[^()]*)\)"
    rf"(?P<params>(?:;[a-z*][a-z0-9_.*-]*=(?:{_SF_STRING}|{_SF_INT}))*)"
)
_SIGNATURE = re.compile(r"exchange=:(?P<b64>[A-Za-z0-9+/]+={0,2}):")
_DIGEST = re.compile(r"sha-256=:(?P<b64>[A-Za-z0-9+/]{43}=):")
_METADATA = {"alg", "created", "expires", "keyid", "nonce", "tag"}


def _sf_string(value: str) -> str:
    if not (value.isascii() and value.isprintable()):  # only " " to "~"
        raise _Slow
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sf_unstring(text: str) -> str:
    return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _b64_strict(text: str) -> bytes:
    raw = base64.b64decode(text, validate=True)
    if _b64(raw) != text:  # only the canonical form (padding, no stray bits)
        raise _Slow
    return raw


def _field_lines(headers: Any) -> dict[str, list[str]]:
    if type(headers) is Headers:  # one value per name already
        return {
            name: [normalize_header_value(value)] for name, (_n, value) in headers._store.items()
        }
    lines: dict[str, list[str]] = {}
    for name, value in headers.items():
        lines.setdefault(name.lower(), []).append(normalize_header_value(value))
    return lines


def _one_line(lines: dict[str, list[str]], name: str) -> str:
    values = lines.get(name)
    if values is None or len(values) != 1:
        raise _Slow
    return values[0]


@functools.lru_cache(maxsize=256)  # a node asks and serves at a handful of URLs
def _target_uri(url: str) -> str:
    try:
        parts = parse_url(url)
    except HTTPMessageSignaturesException as error:
        raise _Slow from error
    return f"{parts.scheme}://{parts.authority}{parts.path or '/'}{parts.query_suffix}"


def _derived(value: str) -> str:
    if not value or not value.isprintable() or value != value.strip(" "):
        raise _Slow
    return value


def _field(value: str) -> str:
    if "\r" in value or "\n" in value or not value.replace("\t", " ").isprintable():
        raise _Slow
    return value


def _request_signature_member(request: Request, lines: dict[str, list[str]] | None = None) -> str:
    """The request's ``exchange`` signature as its Structured Field member (``:…:``)."""
    if lines is None and type(request.headers) is Headers:
        found = request.headers._store.get("signature")
        lines = {"signature": [normalize_header_value(found[1])] if found else []}
    elif lines is None:  # only the field needed, not every header of the request
        lines = {
            "signature": [
                normalize_header_value(value)
                for name, value in request.headers.items()
                if name.lower() == "signature"
            ]
        }
    match = _SIGNATURE.fullmatch(_one_line(lines, "signature"))
    if match is None:
        raise _Slow
    _b64_strict(match["b64"])
    return f":{match['b64']}:"


def _base(
    message: Request | Response,
    components: tuple[str, ...],
    params: str,
    lines: dict[str, list[str]] | None = None,
) -> bytes:
    """The RFC 9421 signature base of ``message`` for these (serialized) component ids
    (``lines``: the message's field lines, when the caller has them already)."""
    lines = lines if lines is not None else _field_lines(message.headers)
    out = []
    request = message.request if isinstance(message, Response) else message
    if not isinstance(request.method, str) or request.method != request.method.upper():
        raise _Slow
    for component in components:
        if component == '"@method"' or component == '"@method";req':
            value = _derived(request.method)
        elif component == '"@target-uri"' or component == '"@target-uri";req':
            if request.method == "OPTIONS":
                raise _Slow
            value = _derived(_target_uri(str(request.url)))
        elif component == '"@status"':
            value = _derived(str(int(message.status_code)))  # type: ignore[union-attr]
        elif component == f'"signature";key="{LABEL}";req':
            value = _request_signature_member(request)
        elif component.startswith('"') and component.endswith('"') and '"' not in component[1:-1]:
            name = component[1:-1]
            if name.startswith("@") or name != name.lower() or name == "set-cookie":
                raise _Slow
            value = _field(_one_line(lines, name))
        else:
            raise _Slow
        out.append(f"{component}: {value}")
    out.append(f'"@signature-params": {params}')
    base = "\n".join(out)
    if not base.isascii():
        raise _Slow
    return base.encode()


@functools.cache  # a few fixed tuples
def _serialized(components: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c if c.startswith('"') else f'"{c}"' for c in components)


def _fast_sign(
    message: Request | Response,
    body: bytes,
    *,
    signer: note.Signer,
    key_id: str,
    nonce: str,
    created: dt.datetime,
    tag: str,
    components: tuple[str, ...],
) -> None:
    names = (
        message.headers._store
        if type(message.headers) is Headers
        else {name.lower() for name in message.headers}
    )
    if "content-digest" in names or "signature" in names or "signature-input" in names:
        raise _Slow
    digest = f"sha-256=:{_b64(hashlib.sha256(body).digest())}:"
    items = _serialized(components)
    params = (
        f"({' '.join(items)});created={int(created.timestamp())};keyid={_sf_string(key_id)}"
        f';alg="ed25519";nonce={_sf_string(nonce)};tag={_sf_string(tag)}'
    )
    message.headers["Content-Digest"] = digest
    try:
        base = _base(message, items, params)
    except _Slow:
        del message.headers["Content-Digest"]
        raise
    message.headers["Signature-Input"] = f"{LABEL}={params}"
    message.headers["Signature"] = f"{LABEL}=:{_b64(signer.private_key.sign(base))}:"


def _fast_verify(
    message: Request | Response,
    body: bytes,
    *,
    key_id: str,
    public_key: Ed25519PublicKey,
    tag: str,
    require: tuple[str, ...],
) -> Verified:
    """Verify a message in goodgov's own canonical form; :class:`_Slow` for anything else
    (including any failure: the library then gives the verdict and its reason)."""
    lines = _field_lines(message.headers)
    signature_input = _INPUT.fullmatch(_one_line(lines, "signature-input"))
    signature = _SIGNATURE.fullmatch(_one_line(lines, "signature"))
    items = _serialized(require)
    if signature_input is None or signature is None or signature_input["items"] != " ".join(items):
        raise _Slow
    params: dict[str, str | int] = {}
    found = _PARAM.findall(signature_input["params"])
    if "".join(f";{name}={value}" for name, value in found) != signature_input["params"]:
        raise _Slow
    for name, value in found:
        if name in params or name not in _METADATA or name == "expires":
            raise _Slow
        params[name] = _sf_unstring(value) if value.startswith('"') else int(value)
    if (
        params.get("tag") != tag
        or params.get("alg") != "ed25519"
        or params.get("keyid") != key_id
        or not isinstance(params.get("created"), int)
        or not isinstance(params.get("nonce"), str)
    ):
        raise _Slow
    params_text = signature_input["params"]
    base = _base(message, items, f"({signature_input['items']}){params_text}", lines)
    try:
        public_key.verify(_b64_strict(signature["b64"]), base)
    except CryptoInvalidSignature as error:
        raise _Slow from error
    digest = _DIGEST.fullmatch(_one_line(lines, "content-digest"))
    if digest is None or not hmac.compare_digest(
        base64.b64decode(digest["b64"]), hashlib.sha256(body).digest()
    ):
        raise _Slow
    covered = {}
    for line in base.decode().split("\n"):
        component, _sep, value = line.partition(": ")
        covered[component] = value
    nonce = str(params["nonce"])
    if not 8 <= len(nonce) <= 64:
        raise SignatureError("the signature needs a nonce of 8 to 64 characters")
    created = dt.datetime.fromtimestamp(int(params["created"]), tz=dt.UTC)
    return Verified(key_id, created, nonce, covered)


# --- signing and verifying -------------------------------------------------------------


def sign_request(
    message: Request,
    body: bytes,
    *,
    signer: note.Signer,
    key_id: str,
    nonce: str | None = None,
    created: dt.datetime | None = None,
) -> str:
    """Add Content-Digest, Signature-Input and Signature; return the nonce used."""
    nonce = nonce or new_nonce()
    created = created or timezone.now()
    components = request_components(message.headers)
    try:
        _fast_sign(
            message,
            body,
            signer=signer,
            key_id=key_id,
            nonce=nonce,
            created=created,
            tag=REQUEST_TAG,
            components=components,
        )
        return nonce
    except _Slow:
        pass
    HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519, key_resolver=_OneKey(key_id, signer)
    ).sign(
        message,
        key_id=key_id,
        created=created,
        nonce=nonce,
        label=LABEL,
        tag=REQUEST_TAG,
        covered_component_ids=components,
        body=body,
    )
    return nonce


def _signature_of(headers: Any) -> bool:
    """Whether a request carries a well-formed ``exchange`` signature to answer to."""
    if type(headers) is Headers:
        stored = headers._store.get("signature")
        value = stored[1] if stored else None
    else:
        value = next((v for k, v in headers.items() if k.lower() == "signature"), None)
    if value is None:
        return False
    if _SIGNATURE.fullmatch(normalize_header_value(value)):
        return True
    try:
        parsed = HTTPMessageVerifier._parse_signature_dictionary(value)
    except Exception:  # any malformed field: nothing to answer to
        return False
    return LABEL in parsed


def sign_response(message: Response, body: bytes, *, signer: note.Signer, key_id: str) -> None:
    """Sign a response; it covers the request's signature when there is one (a refusal of an
    unsigned request covers the request's method and target only)."""
    components = (
        RESPONSE_COMPONENTS if _signature_of(message.request.headers) else RESPONSE_COMPONENTS[:-1]
    )
    created, nonce = timezone.now(), new_nonce()
    try:
        _fast_sign(
            message,
            body,
            signer=signer,
            key_id=key_id,
            nonce=nonce,
            created=created,
            tag=RESPONSE_TAG,
            components=components,
        )
        return
    except _Slow:
        pass
    HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519, key_resolver=_OneKey(key_id, signer)
    ).sign(
        message,
        key_id=key_id,
        created=created,
        nonce=nonce,
        label=LABEL,
        tag=RESPONSE_TAG,
        covered_component_ids=components,
        body=body,
    )


@dataclass(frozen=True)
class Verified:
    key_id: str
    created: dt.datetime
    nonce: str
    covered: dict[str, str]


def key_id_of(headers: Iterable[tuple[str, str]] | Any) -> str | None:
    """The keyid a message claims, read without verifying (to pick the key)."""
    from http_sf.compat import InnerList

    if type(headers) is Headers:
        stored = headers._store.get("signature-input")
        value = stored[1] if stored else None
    else:
        items = headers.items() if hasattr(headers, "items") else headers
        value = next((v for k, v in items if k.lower() == "signature-input"), None)
    if value is None:
        return None
    fast = _INPUT.fullmatch(normalize_header_value(value))
    if fast is not None:
        found = dict(_PARAM.findall(fast["params"]))
        if "keyid" in found and found["keyid"].startswith('"'):
            return _sf_unstring(found["keyid"])
    try:
        parsed = HTTPMessageVerifier._parse_signature_dictionary(value)
    except Exception:  # any malformed field: no key id
        return None
    entry = parsed.get(LABEL)
    if not isinstance(entry, InnerList):
        return None
    key_id = entry.params.get("keyid")
    return key_id if isinstance(key_id, str) else None


def _verify(
    message: Request | Response,
    body: bytes,
    *,
    key_id: str,
    public_key: Ed25519PublicKey,
    tag: str,
    require: tuple[str, ...],
) -> Verified:
    try:
        return _fast_verify(
            message, body, key_id=key_id, public_key=public_key, tag=tag, require=require
        )
    except _Slow:
        pass
    return _library_verify(
        message, body, key_id=key_id, public_key=public_key, tag=tag, require=require
    )


def _library_verify(
    message: Request | Response,
    body: bytes,
    *,
    key_id: str,
    public_key: Ed25519PublicKey,
    tag: str,
    require: tuple[str, ...],
) -> Verified:
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=_OneKey(key_id, public=public_key)
    )
    # Freshness is checked by the caller, after the signature, with its own tolerance.
    verifier.max_clock_skew = dt.timedelta(days=3650)
    try:
        results = verifier.verify(
            message, max_age=None, expect_tag=tag, require_components=require, body=body
        )
    except (InvalidSignature, HTTPMessageSignaturesException) as error:
        raise SignatureError(str(error)) from error
    if len(results) != 1 or results[0].label != LABEL:
        raise SignatureError("expected exactly one signature labelled 'exchange'")
    params = results[0].parameters
    if params.get("keyid") != key_id or params.get("alg") != "ed25519":
        raise SignatureError("the signature names another key or algorithm")
    nonce = params.get("nonce")
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= 64:
        raise SignatureError("the signature needs a nonce of 8 to 64 characters")
    created = dt.datetime.fromtimestamp(int(params["created"]), tz=dt.UTC)
    return Verified(key_id, created, nonce, dict(results[0].covered_components))


def verify_request(
    message: Request, body: bytes, *, key_id: str, public_key: Ed25519PublicKey
) -> Verified:
    return _verify(
        message,
        body,
        key_id=key_id,
        public_key=public_key,
        tag=REQUEST_TAG,
        require=request_components(message.headers),
    )


def verify_response(
    message: Response, body: bytes, *, key_id: str, public_key: Ed25519PublicKey
) -> Verified:
    return _verify(
        message,
        body,
        key_id=key_id,
        public_key=public_key,
        tag=RESPONSE_TAG,
        require=RESPONSE_COMPONENTS,
    )


class Headers(MutableMapping[str, str]):
    """A case-insensitive header map that keeps the names as written (for signing)."""

    def __init__(self, data: dict[str, str] | None = None) -> None:
        self._store: dict[str, tuple[str, str]] = {}
        for key, value in (data or {}).items():
            self[key] = value

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> Headers:
        """A request's header fields from its WSGI environ (``request.META``), named and
        valued exactly as Django's ``request.headers`` has them, without building that
        mapping (which parses every name of the environ on each look-up)."""
        headers = cls()
        store = headers._store
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                name = key[5:].replace("_", "-").title()
            elif key == "CONTENT_TYPE" or key == "CONTENT_LENGTH":
                name = key.replace("_", "-").title()
            else:
                continue
            store[name.lower()] = (name, value)
        return headers

    def get(self, key: str, default: Any = None) -> Any:
        found = self._store.get(key.lower())
        return default if found is None else found[1]

    def __setitem__(self, key: str, value: str) -> None:
        self._store[key.lower()] = (key, value)

    def __getitem__(self, key: str) -> str:
        return self._store[key.lower()][1]

    def __delitem__(self, key: str) -> None:
        del self._store[key.lower()]

    def __iter__(self) -> Any:
        return (name for name, _value in self._store.values())

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._store

    def items(self) -> Any:
        return list(self._store.values())
