"""Consent tokens: a consent the person gave at the consumer node, shown to a remote provider.

A consent is kept where the person gave it. When they give it at the consumer node (the
node that asks, e.g. while applying for a service there), the provider has no record of
it; the consumer therefore sends, with each request made on that consent, a **consent
token**: a compact statement of the consent, signed with the consumer's exchange key::

    v1.<payload, base64url JSON>.<Ed25519 signature, base64url>

The signature is over ``goodgov-consent-token-v1`` and a newline, then the payload bytes
as sent (a domain separate from RFC 9421 signature bases, which the same key also signs).
The payload (:class:`Claims`) states the consent reference, the consumer (``iss``) and the
provider (``aud``) nodes, the data service, method and purpose, the fields the person
agreed to (empty: whatever the consumer's access right allows), when the consent was given
and when it expires, and a salted commitment to the person: SHA-256 over a random salt and
the national ID that the request body carries anyway. The token adds nothing about the
person to the request; it cannot be tied to the person without the ID.

A token is **short-lived and bound to one request**: it names the request's signature
nonce (which the provider accepts once) and is valid for :data:`LIFETIME` seconds. The
consumer issues a new one for every request, and only while the local consent stands (not
withdrawn, not expired, for this service, purpose and person). A withdrawn consent
therefore cannot produce a token, and no earlier token is good for another request: the
provider learns of a withdrawal by receiving no more tokens, without a call-back. The
request signature covers the ``Exchange-Consent-Token`` header, so the token cannot be
moved to another request either.

The provider (:func:`check`) verifies the token with the consumer's key from the directory
and that it fits the request (consumer, provider, nonce, service, method, purpose, person),
is within its lifetime, and that the consent has not expired. If the provider keeps a
consent with the same reference itself, that record is checked too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from goodgov.exchange import errors
from goodgov.ledger import note

VERSION = "v1"
DOMAIN = b"goodgov-consent-token-v1\n"
PERSON_DOMAIN = b"goodgov-consent-person-v1\n"
#: Seconds a token is valid after it is issued: the request window, no more.
LIFETIME = 30
#: The longest lifetime a provider accepts, whatever the consumer wrote in the token.
MAX_LIFETIME = 120
#: Clock differences tolerated between the two nodes, in seconds.
TOLERANCE = 5
MAX_LENGTH = 2048

_TOKEN = re.compile(r"v1\.(?P<payload>[A-Za-z0-9_-]{1,1500})\.(?P<signature>[A-Za-z0-9_-]{86})")
_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Claims:
    """What a consent token states (the payload's short keys in brackets)."""

    reference: str  # ref
    client: str  # iss: the consumer node, which keeps the consent and signs the token
    provider: str  # aud: the provider node the token is for
    service: str  # svc
    method: str  # mth
    purpose: str  # pur
    fields: tuple[str, ...]  # fld: the fields agreed to; () = as the access right allows
    person: str  # per: SHA-256(salt, national ID), base64url
    salt: str  # slt
    given_at: int  # giv: when the person consented (Unix seconds)
    expires_at: int  # exp: when the consent ends
    issued_at: int  # iat: when this token was made
    valid_until: int  # til: when this token ends
    nonce: str  # non: the signature nonce of the one request it goes with

    def record(self) -> dict[str, Any]:
        """What the provider keeps in the private part of ``exchange.served``."""
        return {
            "issuer": self.client,
            "given_at": _iso(self.given_at),
            "expires_at": _iso(self.expires_at),
            "issued_at": _iso(self.issued_at),
            "valid_until": _iso(self.valid_until),
            "fields": list(self.fields),
        }


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).isoformat()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def person_commitment(national_id_digits: str, salt: str) -> str:
    return _b64(
        hashlib.sha256(PERSON_DOMAIN + salt.encode() + b"\n" + national_id_digits.encode()).digest()
    )


def issue(
    *,
    signer: note.Signer,
    provider: str,
    reference: str,
    service: str,
    method: str,
    purpose: str,
    fields: list[str] | tuple[str, ...],
    national_id_digits: str,
    given_at: dt.datetime,
    expires_at: dt.datetime,
    nonce: str,
    now: dt.datetime | None = None,
    lifetime: int = LIFETIME,
) -> str:
    """A token for one request made on a consent that stands (the caller checks that)."""
    issued = int((now or timezone.now()).timestamp())
    salt = _b64(secrets.token_bytes(16))
    payload = {
        "ref": reference,
        "iss": signer.name,
        "aud": provider,
        "svc": service,
        "mth": method,
        "pur": purpose,
        "fld": sorted(fields),
        "per": person_commitment(national_id_digits, salt),
        "slt": salt,
        "giv": int(given_at.timestamp()),
        "exp": int(expires_at.timestamp()),
        "iat": issued,
        "til": issued + lifetime,
        "non": nonce,
    }
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return f"{VERSION}.{_b64(raw)}.{_b64(signer.private_key.sign(DOMAIN + raw))}"


def _text(payload: dict[str, Any], key: str, *, limit: int = 64) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise errors.BadConsentToken(f"the consent token's {key!r} is missing or malformed")
    return value


def _int(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key)
    if type(value) is not int or not 0 <= value < 2**40:
        raise errors.BadConsentToken(f"the consent token's {key!r} is missing or malformed")
    return value


def read(token: str, *, public_key: Ed25519PublicKey) -> Claims:
    """The claims of a token signed by ``public_key``; :class:`BadConsentToken` otherwise."""
    match = _TOKEN.fullmatch(token) if len(token) <= MAX_LENGTH else None
    if match is None:
        raise errors.BadConsentToken("the consent token is malformed")
    try:
        raw, signature = _unb64(match["payload"]), _unb64(match["signature"])
    except ValueError as error:
        raise errors.BadConsentToken("the consent token is malformed") from error
    try:
        public_key.verify(signature, DOMAIN + raw)
    except InvalidSignature as error:
        raise errors.BadConsentToken(
            "the consent token is not signed by the client node, or was altered"
        ) from error
    try:
        payload = json.loads(raw)
    except ValueError as error:
        raise errors.BadConsentToken("the consent token's payload is not JSON") from error
    if not isinstance(payload, dict):
        raise errors.BadConsentToken("the consent token's payload is not an object")
    fields = payload.get("fld")
    if not isinstance(fields, list) or not all(
        isinstance(f, str) and _CODE.match(f) for f in fields
    ):
        raise errors.BadConsentToken("the consent token's 'fld' is malformed")
    return Claims(
        reference=_text(payload, "ref"),
        client=_text(payload, "iss"),
        provider=_text(payload, "aud"),
        service=_text(payload, "svc"),
        method=_text(payload, "mth"),
        purpose=_text(payload, "pur"),
        fields=tuple(fields),
        person=_text(payload, "per"),
        salt=_text(payload, "slt"),
        given_at=_int(payload, "giv"),
        expires_at=_int(payload, "exp"),
        issued_at=_int(payload, "iat"),
        valid_until=_int(payload, "til"),
        nonce=_text(payload, "non"),
    )


def check(
    claims: Claims,
    *,
    reference: str,
    client: str,
    provider: str,
    service: str,
    method: str,
    purpose: str,
    national_id_digits: str,
    nonce: str,
    now: dt.datetime,
) -> None:
    """That a verified token fits this request and is in force; a typed error if not.

    A token made for another request (another consumer, provider, reference or nonce) is
    :class:`BadConsentToken`; a consent for another service, method, purpose or person is
    :class:`ConsentMissing`; a token past its lifetime :class:`ConsentTokenExpired`; a
    consent past its end :class:`ConsentExpired`.
    """
    if (
        claims.reference != reference
        or claims.client != client
        or claims.provider != provider
        or claims.nonce != nonce
    ):
        raise errors.BadConsentToken("the consent token was made for another request")
    if claims.service != service or claims.method != method or claims.purpose != purpose:
        raise errors.ConsentMissing(
            "the consent does not cover this data service, method and purpose"
        )
    if not hmac.compare_digest(claims.person, person_commitment(national_id_digits, claims.salt)):
        raise errors.ConsentMissing("the consent is not this person's")
    moment = int(now.timestamp())
    if (
        claims.valid_until - claims.issued_at > MAX_LIFETIME
        or claims.valid_until < claims.issued_at
    ):
        raise errors.BadConsentToken(f"a consent token may be valid for at most {MAX_LIFETIME} s")
    if claims.issued_at > moment + TOLERANCE or claims.given_at > moment + TOLERANCE:
        raise errors.BadConsentToken("the consent token is dated in the future")
    if moment > claims.valid_until + TOLERANCE:
        raise errors.ConsentTokenExpired(
            f"the consent token was valid until {_iso(claims.valid_until)}; "
            "the client node issues a new one for each request while the consent stands"
        )
    if claims.expires_at <= moment:
        raise errors.ConsentExpired(f"the consent expired at {_iso(claims.expires_at)}")
