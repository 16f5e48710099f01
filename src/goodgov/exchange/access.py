"""Who may ask this node for what: every check of a signed request from another node.

The checks run in this order, so that a stranger learns nothing about rights or people:
the service exists here; the client is in the directory; the signature verifies (with
the body's digest); it is fresh (:func:`check_signature`); its nonce is new
(:func:`goodgov.exchange.services.exchange_answer`); the client holds an unrevoked right
for the service and method and the stated purpose; the legal basis is one the right
accepts, or the consent is the person's, unexpired and not withdrawn, kept here or shown
by a consent token from the client node; the person is in the registry
(:func:`check_grant`, which only reads, so that the nonce and the record of what was
served are written together in one short transaction).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from goodgov.core import national_id
from goodgov.exchange import consent_tokens, directory, errors, registries, services, signing
from goodgov.exchange.models import AccessRight, Consent

_calls = itertools.count()
PURGE_EVERY = 1000  # forget expired nonces once in this many requests


def max_skew() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "GOODGOV_EXCHANGE_MAX_SKEW", 30))


@dataclass(frozen=True)
class Signed:
    """A request whose signature verified and is fresh: who sent it, and what it covers."""

    client: str
    service: str
    method: str
    verified: signing.Verified

    @property
    def nonce(self) -> str:
        return self.verified.nonce

    def header(self, name: str) -> str:
        return self.verified.covered.get(f'"{name}"', "")


@dataclass(frozen=True)
class Grant:
    """A request that passed every check: what to serve, to whom, on what basis."""

    client: str
    service: str
    method: str
    purpose: str
    legal_basis: str
    consent: Consent | None
    right: AccessRight
    person_hash: str
    query: dict[str, Any]
    nonce: str
    record: dict[str, Any] | None = None  # the registry's record of the person
    consent_reference: str = ""
    consent_fields: tuple[str, ...] = ()  # the consent's fields, if it names any
    consent_token: dict[str, Any] | None = None  # what a consent token stated (private)


def _check_consent(
    reference: str, *, client: str, service: str, purpose: str, person: list[str]
) -> Consent:
    """``person``: the person's look-up hashes (:func:`registries.person_hashes`)."""
    consent = (
        Consent.objects.filter(
            reference=reference,
            client=client,
            service=service,
            purpose=purpose,
            person_hash__in=person,
        ).first()
        if _is_uuid(reference)
        else None
    )
    if consent is None:
        raise errors.ConsentMissing
    if consent.withdrawn_at is not None:
        raise errors.ConsentWithdrawn
    if consent.expires_at <= timezone.now():
        raise errors.ConsentExpired
    return consent


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def check_signature(message: signing.Request, body: bytes, *, service: str, method: str) -> Signed:
    """Steps 1 to 4: the service, the client, the signature and its freshness."""
    handler = registries.SERVICES.get(service, {}).get(method)
    if handler is None or method not in directory.published_services().get(service, ()):
        raise errors.UnknownNode("this node does not serve that data service and method")
    key_id = signing.key_id_of(message.headers)
    client = message.headers.get(signing.H_CLIENT, "")
    if not key_id or not client:
        raise errors.BadSignature("the request carries no 'exchange' signature or client")
    if key_id != client:
        raise errors.BadSignature("the signature's keyid is not the client node")
    peer = directory.node(client)
    if peer is None:
        raise errors.UnknownClient(f"the directory does not know the node {client!r}")
    try:
        verified = signing.verify_request(
            message, body, key_id=client, public_key=peer.verification_key
        )
    except signing.SignatureError as error:
        raise errors.BadSignature(str(error)) from error
    now = timezone.now()
    if abs(now - verified.created) > max_skew():
        raise errors.StaleRequest(
            f"the signature was created {verified.created.isoformat()}; "
            f"accepted: within {int(max_skew().total_seconds())} s of now"
        )
    signed = Signed(client, service, method, verified)
    if signed.header("exchange-service") != service or signed.header("exchange-method") != method:
        raise errors.BadRequest("the signed service and method are not those of the URL")
    if next(_calls) % PURGE_EVERY == 0:
        services.nonces_purge(now=now)
    return signed


def check_grant(signed: Signed, body: bytes) -> Grant:
    """Steps 6 to 8 (after the nonce, which the caller writes): the right, the legal basis
    or consent, the person in the registry. Only reads; a typed error refuses."""
    client, service, method = signed.client, signed.service, signed.method
    right = _right(client, service, method)
    if right is None:
        raise errors.NoRight
    if right.revoked_at is not None:
        raise errors.RightRevoked
    purpose = signed.header("exchange-purpose")
    if purpose not in right.purposes:
        raise errors.PurposeNotAllowed(f"the right does not cover the purpose {purpose!r}")

    try:
        query = json.loads(body or b"{}")
        person_hash = registries.person_hash(query)
    except RecursionError as error:  # nested deeper than the parser goes
        raise errors.BadRequest("the body is nested too deeply") from error
    except (ValueError, registries.BadQuery) as error:
        raise errors.BadRequest(str(error)) from error
    consent, reference, token_record = None, "", None
    fields: tuple[str, ...] = ()
    if '"exchange-consent"' in signed.verified.covered:
        reference = signed.header("exchange-consent")
        token = signed.header("exchange-consent-token")
        if token:
            claims = _check_token(signed, token, reference=reference, query=query)
            fields, token_record = claims.fields, {**claims.record(), "token": token}
            if (
                Consent.objects.filter(reference=reference).exists()
                if _is_uuid(reference)
                else False
            ):
                consent = _check_consent(  # kept here too: this node's record counts as well
                    reference,
                    client=client,
                    service=service,
                    purpose=purpose,
                    person=registries.person_hashes(query, person_hash),
                )
        else:
            consent = _check_consent(
                reference,
                client=client,
                service=service,
                purpose=purpose,
                person=registries.person_hashes(query, person_hash),
            )
        if consent is not None and consent.fields:
            fields = tuple(sorted(set(fields or consent.fields) & set(consent.fields)))
        basis = services.CONSENT
    else:
        basis = signed.header("exchange-legal-basis")
        if basis not in services.LEGAL_BASES or basis not in right.legal_bases:
            raise errors.LegalBasisNotAllowed(
                f"the right does not accept the legal basis {basis!r}; ask for the person's consent"
            )
    try:
        _key, record = registries.SERVICES[service][method](query, key=person_hash)
    except registries.NotInRegistry as error:
        raise errors.NotFound from error
    return Grant(
        client=client,
        service=service,
        method=method,
        purpose=purpose,
        legal_basis=basis,
        consent=consent,
        right=right,
        person_hash=person_hash,
        query=query,
        nonce=signed.nonce,
        record=record,
        consent_reference=reference,
        consent_fields=tuple(fields),
        consent_token=token_record,
    )


_RIGHT_COLUMNS = ("id", "fields", "purposes", "legal_bases", "revoked_at")
_RIGHT_SQL: dict[str, str] = {}  # the statement, per database vendor


def _right(client: str, service: str, method: str) -> AccessRight | None:
    """The client's right to the service method as it stands now: one small query on
    every request (nothing cached, so a revocation takes effect at the next request)."""
    sql = _RIGHT_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        # identifiers from the model; every value is a parameter
        sql = _RIGHT_SQL[connection.vendor] = (
            f"SELECT {', '.join(quote(c) for c in _RIGHT_COLUMNS)}"  # noqa: S608
            f" FROM {quote(AccessRight._meta.db_table)}"
            " WHERE client = %s AND service = %s AND method = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [client, service, method])
        row = cursor.fetchone()
    if row is None:
        return None
    if row[4] is not None:  # revoked: the whole record, as the ORM reads it
        return AccessRight.objects.get(pk=row[0])
    # the columns the checks read; the others load if anything reads them
    return AccessRight.from_db(
        connection.alias, list(_RIGHT_COLUMNS), [row[0], *(_json(v) for v in row[1:4]), None]
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _check_token(
    signed: Signed, token: str, *, reference: str, query: dict[str, Any]
) -> consent_tokens.Claims:
    """A consent token: signed by the client node, for this request, in force."""
    peer = directory.node(signed.client)
    assert peer is not None  # check_signature found it
    claims = consent_tokens.read(token, public_key=peer.verification_key)
    consent_tokens.check(
        claims,
        reference=reference,
        client=signed.client,
        provider=directory.node_name(),
        service=signed.service,
        method=signed.method,
        purpose=signed.header("exchange-purpose"),
        national_id_digits=national_id.clean(str(query["national_id"])),
        nonce=signed.nonce,
        now=timezone.now(),
    )
    return claims


def serve(message: signing.Request, body: bytes, *, service: str, method: str) -> dict[str, Any]:
    """Every check, in order, then what to send back; a typed error refuses."""
    signed = check_signature(message, body, service=service, method=method)
    grant: Grant | None = None
    refusal: errors.ExchangeError | None = None
    try:
        grant = check_grant(signed, body)
    except errors.ExchangeError as error:
        refusal = error
    return services.exchange_answer(
        client=signed.client,
        nonce=signed.nonce,
        expires_at=signed.verified.created + max_skew(),
        grant=grant,
        refusal=refusal,
    )


def consent_for_user(user: Any, reference: str) -> Consent:
    """The signed-in person's own consent; 404 for anyone else's and for none."""
    from django.http import Http404

    from goodgov.exchange import selectors

    person_hash = getattr(user, "national_id_hash", None)
    consent = selectors.consent_of_person(person_hash, reference) if person_hash else None
    if consent is None:
        raise Http404
    return consent


def agency_for_dpo(user: Any, code: str) -> Any:
    """The agency whose data protection records ``user`` may keep: its administrators
    (the data protection officer's duties, until agencies have a role of their own for
    it). 404 for any other agency and for none."""
    from django.http import Http404

    from goodgov.agencies.selectors import agencies_administered_by

    agency = agencies_administered_by(user).filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def breach_for_dpo(agency: Any, breach_id: Any) -> Any:
    """The agency's own breach; 404 for another agency's and for none."""
    from django.http import Http404

    from goodgov.exchange.models import Breach

    breach = Breach.objects.filter(agency=agency, uuid=breach_id).first()
    if breach is None:
        raise Http404
    return breach
