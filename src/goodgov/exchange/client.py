"""The consumer side: ask another node's data service, signed, with timeouts and retries.

:func:`call` signs the request with this node's key, sends it with bounded timeouts,
retries reads that failed for a passing reason (provider down, slow, 5xx) with bounded
exponential backoff, signing each attempt anew (a fresh nonce, so the provider's replay
check never refuses a retry), verifies the provider's signed response, and records
``exchange.requested`` whatever the outcome. Every failure is a typed
:class:`~goodgov.exchange.errors.ExchangeError`; nothing hangs.

A request on a consent that this node keeps (the person gave it here) carries a consent
token (:mod:`goodgov.exchange.consent_tokens`), issued anew for each attempt and only while
the consent stands: a consent withdrawn or expired here, or one for another service,
purpose or person, stops the request before it is sent. A consent reference this node
does not keep is sent as it is, for the provider to check against its own.

A node's own calls go over the standard library's HTTP/1.1 client (one kept-alive
connection per thread and provider, see :func:`_post`), which costs a fraction of httpx's
CPU; httpx remains for test transports and when the environment names a proxy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.client
import json
import re
import select
import ssl
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from goodgov.core import national_id
from goodgov.exchange import consent_tokens, directory, errors, services, signing
from goodgov.exchange.models import Consent
from goodgov.ledger import note


@dataclass(frozen=True)
class Result:
    provider: str
    service: str
    method: str
    data: dict[str, Any]
    served_at: str
    nonce: str


@dataclass
class Prepared:
    """One signed request, ready to send once."""

    message: signing.Request
    body: bytes
    nonce: str
    provider: directory.Node


PURPOSE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, f"GOODGOV_EXCHANGE_{name}", default)


def prepare(
    *,
    provider: directory.Node,
    service: str,
    method: str,
    query: dict[str, Any],
    purpose: str,
    legal_basis: str | None = None,
    consent: str | None = None,
    identity: note.Signer | None = None,
    created: dt.datetime | None = None,
    standing: Consent | None = None,
) -> Prepared:
    """Sign a request as ``identity`` (this node's key by default; its name is the keyid).

    ``standing``: the consent behind ``consent``, kept here and checked to stand
    (:func:`standing_consent`); the request then carries a consent token for it.
    """
    if (legal_basis is None) == (consent is None):
        raise errors.BadRequest("state either a legal basis or a consent reference")
    if legal_basis is not None and legal_basis not in services.LEGAL_BASES:
        raise errors.BadRequest(f"unknown legal basis {legal_basis!r}")
    if not PURPOSE.match(purpose):
        raise errors.BadRequest("a purpose is a code: lower-case letters, digits, '.', '_', '-'")
    signer = identity or directory.signer()
    headers = signing.Headers(
        {
            "Content-Type": "application/json",
            signing.H_CLIENT: signer.name,
            signing.H_SERVICE: service,
            signing.H_METHOD: method,
            signing.H_PURPOSE: purpose,
        }
    )
    created = created or timezone.now()
    nonce = signing.new_nonce()
    if consent is not None:
        headers[signing.H_CONSENT] = consent
        if standing is not None:
            headers[signing.H_CONSENT_TOKEN] = consent_tokens.issue(
                signer=signer,
                provider=provider.name,
                reference=consent,
                service=service,
                method=method,
                purpose=purpose,
                fields=list(standing.fields or []),
                national_id_digits=str(query.get("national_id", "")),
                given_at=standing.given_at,
                expires_at=standing.expires_at,
                nonce=nonce,
                now=created,
            )
    else:
        headers[signing.H_LEGAL_BASIS] = str(legal_basis)
    body = json.dumps(query, separators=(",", ":")).encode()
    message = signing.Request("POST", f"{provider.base_url}/exchange/{service}/{method}", headers)
    try:
        nonce = signing.sign_request(
            message, body, signer=signer, key_id=signer.name, nonce=nonce, created=created
        )
    except Exception as error:  # the library refuses, e.g., non-ASCII header values
        raise errors.BadRequest(f"the request cannot be signed: {error}") from error
    return Prepared(message, body, nonce, provider)


def send(prepared: Prepared, *, http: httpx.Client) -> Result:
    """Send one prepared request; verify and read the response. Raises typed errors."""
    message = prepared.message
    try:
        response = http.post(
            message.url, content=prepared.body, headers=dict(message.headers.items())
        )
    except httpx.TimeoutException as error:
        raise errors.ProviderTimeout(f"{prepared.provider.name} did not answer in time") from error
    except httpx.TransportError as error:
        raise errors.ProviderUnavailable(
            f"{prepared.provider.name} is unreachable: {error}"
        ) from error
    return _read(prepared, response.status_code, response.headers, response.content)


def _read(prepared: Prepared, status: int, headers: Any, content: bytes) -> Result:
    """Verify the provider's signature on its answer and read it (or raise its refusal)."""
    if status >= 500:
        raise errors.ProviderUnavailable(f"{prepared.provider.name} answered {status}")
    try:
        signing.verify_response(
            signing.Response(status, headers, prepared.message),
            content,
            key_id=prepared.provider.name,
            public_key=prepared.provider.verification_key,
        )
    except signing.SignatureError as error:
        raise errors.BadSignature(
            f"the response is not signed by {prepared.provider.name}: {error}"
        ) from error
    try:
        payload = json.loads(content)
    except ValueError as error:
        raise errors.BadRequest("the provider's answer is not JSON") from error
    if status != 200:
        code = payload.get("error", "") if isinstance(payload, dict) else ""
        cls = errors.BY_CODE.get(code, errors.ExchangeError)
        raise cls(str(payload.get("detail", "")) if isinstance(payload, dict) else "")
    return Result(
        provider=prepared.provider.name,
        service=str(payload.get("service")),
        method=str(payload.get("method")),
        data=dict(payload.get("data") or {}),
        served_at=str(payload.get("served_at")),
        nonce=prepared.nonce,
    )


# --- the lean sender: the standard library's HTTP/1.1 client, one connection per thread --
#
# httpx costs about 0.6 ms more CPU per request than ``http.client`` (its request and
# response models, cookie jar, auth and redirect layers), which at hundreds of exchanges
# a second is a large share of the client's work. A node's own calls (no test transport,
# no proxy in the environment, http or https) therefore go through ``http.client``: one
# persistent connection per thread and provider, reused while the provider keeps it alive,
# with the same timeouts as httpx (connect: at most 2 s; each read or write: ``timeout``)
# and the same TLS verification (httpx's own SSL context). Anything else keeps httpx.

_local = threading.local()


@functools.cache
def _proxied() -> bool:
    """Whether the environment names a proxy (httpx honours it and NO_PROXY exactly)."""
    found = urllib.request.getproxies()
    return any(found.get(scheme) for scheme in ("http", "https", "all"))


@functools.cache
def _tls() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def _lean(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not _proxied()


def _open(parts: urllib.parse.SplitResult, timeout: float) -> http.client.HTTPConnection:
    host, port = parts.hostname or "", parts.port
    connect = min(timeout, 2.0)
    conn: http.client.HTTPConnection = (
        http.client.HTTPSConnection(host, port, timeout=connect, context=_tls())
        if parts.scheme == "https"
        else http.client.HTTPConnection(host, port, timeout=connect)
    )
    conn.connect()
    return conn


def _alive(conn: http.client.HTTPConnection) -> bool:
    """An idle kept-alive connection is usable while the provider has sent nothing on it
    (readable means closed, or something unasked for)."""
    sock = conn.sock
    if sock is None:
        return False
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return not poller.poll(0)


def _post(prepared: Prepared, timeout: float) -> tuple[int, httpx.Headers, bytes]:
    """POST the prepared request over this thread's connection to the provider."""
    message = prepared.message
    parts = urllib.parse.urlsplit(message.url)
    origin = (parts.scheme, parts.netloc)
    pool: dict[tuple[str, str], http.client.HTTPConnection] = _local.__dict__.setdefault(
        "connections", {}
    )
    kept = pool.pop(origin, None)
    if kept is not None and not _alive(kept):
        kept.close()
        kept = None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    for reused in (True, False) if kept is not None else (False,):
        conn = kept if reused and kept is not None else None
        try:
            conn = conn or _open(parts, timeout)
            assert conn.sock is not None
            conn.sock.settimeout(timeout)
            conn.request("POST", target, body=prepared.body, headers=dict(message.headers.items()))
            response = conn.getresponse()
            content = response.read()
        except TimeoutError as error:
            if conn is not None:
                conn.close()
            raise errors.ProviderTimeout(
                f"{prepared.provider.name} did not answer in time"
            ) from error
        except (OSError, http.client.HTTPException) as error:
            if conn is not None:
                conn.close()
            if reused and isinstance(
                error, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError
            ):
                # the provider closed the kept connection as it was reused: once more on a
                # new one (the same signed request; had the provider taken it, it would
                # refuse the nonce as a replay, never serve it twice)
                continue
            raise errors.ProviderUnavailable(
                f"{prepared.provider.name} is unreachable: {error}"
            ) from error
        if response.will_close:
            conn.close()
        else:
            pool[origin] = conn
        return response.status, httpx.Headers(response.getheaders()), content
    raise AssertionError("unreachable")  # pragma: no cover


def close_connections() -> None:
    """Close the connections this thread keeps to providers (a long-lived process that
    stops asking, or a test whose provider goes away, should not hold them open)."""
    pool: dict[tuple[str, str], http.client.HTTPConnection] = _local.__dict__.pop("connections", {})
    for conn in pool.values():
        conn.close()


def _send(prepared: Prepared, *, timeout: float, transport: httpx.BaseTransport | None) -> Result:
    if transport is None and _lean(prepared.message.url):
        return _read(prepared, *_post(prepared, timeout))
    with _client(timeout, transport) as http:
        return send(prepared, http=http)


_shared: dict[float, httpx.Client] = {}


@contextlib.contextmanager
def _client(timeout: float, transport: httpx.BaseTransport | None) -> Iterator[httpx.Client]:
    """One pooled client per timeout for the process (making one costs tens of ms: TLS
    context, CA bundle); a client of its own when a transport is given (tests)."""
    limits = httpx.Timeout(timeout, connect=min(timeout, 2.0))
    if transport is not None:
        with httpx.Client(timeout=limits, transport=transport) as own:
            yield own
        return
    if timeout not in _shared:
        _shared[timeout] = httpx.Client(
            timeout=limits, limits=httpx.Limits(max_connections=64, max_keepalive_connections=32)
        )
    yield _shared[timeout]


def standing_consent(
    reference: str,
    *,
    client: str,
    service: str,
    purpose: str,
    person_hash: str,
    person_hashes: Sequence[str] = (),
) -> Consent | None:
    """The consent ``reference`` if this node keeps it for ``client`` (this node), once it is
    checked to stand for this request; None if this node does not keep it (the provider
    may). A typed error if it is withdrawn, expired, or for something else.
    ``person_hashes``: the person's hashes under the fallback keys too, during a rotation."""
    try:
        uuid.UUID(reference)
    except ValueError:
        return None
    consent = Consent.objects.filter(reference=reference, client=client).first()
    if consent is None:
        return None
    if consent.service != service or consent.purpose != purpose:
        raise errors.ConsentMissing(
            "the consent given here does not cover this data service and purpose"
        )
    if consent.person_hash != person_hash and consent.person_hash not in person_hashes:
        raise errors.ConsentMissing("the consent given here is not this person's")
    if consent.withdrawn_at is not None:
        raise errors.ConsentWithdrawn(
            "the person withdrew this consent here: no consent token is issued for it"
        )
    if consent.expires_at <= timezone.now():
        raise errors.ConsentExpired("the consent given here has expired")
    return consent


def call(
    *,
    node: str,
    service: str,
    method: str,
    national_id_value: str,
    purpose: str,
    legal_basis: str | None = None,
    consent: str | None = None,
    actor: Any = None,
    actor_role: str = "",
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
    identity: note.Signer | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Result:
    """Ask ``node``'s ``service.method`` about one person; every call is recorded here."""
    try:
        digits = national_id.clean(national_id_value)
    except national_id.InvalidNationalID as error:
        raise errors.BadRequest("not a valid Thai national ID") from error
    provider = directory.node(node)
    if provider is None or not provider.offers(service, method):
        raise errors.UnknownNode(f"the directory has no node {node!r} offering {service}.{method}")
    timeout = float(_setting("TIMEOUT", 5.0) if timeout is None else timeout)
    retries = int(_setting("RETRIES", 2) if retries is None else retries)
    backoff = float(_setting("BACKOFF", 0.2) if backoff is None else backoff)
    outcome, result, failure, nonce = "ok", None, None, ""
    person_hash = national_id.lookup_hash(digits)
    signer = identity or directory.signer()
    for attempt in range(retries + 1):
        try:
            standing = (
                standing_consent(
                    consent,
                    client=signer.name,
                    service=service,
                    purpose=purpose,
                    person_hash=person_hash,
                    person_hashes=national_id.lookup_hashes(digits),
                )
                if consent is not None and legal_basis is None
                else None
            )
        except errors.ExchangeError as error:  # nothing is sent
            failure = error
            break
        prepared = prepare(
            provider=provider,
            service=service,
            method=method,
            query={"national_id": digits},
            purpose=purpose,
            legal_basis=legal_basis,
            consent=consent,
            identity=signer,
            standing=standing,
        )
        nonce = prepared.nonce
        try:
            result = _send(prepared, timeout=timeout, transport=transport)
            failure = None
            break
        except errors.ExchangeError as error:
            failure = error
            if not error.retryable or attempt == retries:
                break
            time.sleep(min(backoff * 2**attempt, 2.0))
    if failure is not None:
        outcome = failure.code
    services.exchange_record_requested(  # the commitment too, in its transaction
        actor=actor,
        actor_role=actor_role,
        provider=node,
        service=service,
        method=method,
        purpose=purpose,
        legal_basis=services.CONSENT if consent else str(legal_basis),
        consent_reference=consent or "",
        person_hash=person_hash,
        fields=sorted(result.data) if result else [],
        outcome=outcome,
        nonce=nonce,
    )
    if failure is not None:
        raise failure
    assert result is not None
    return result
