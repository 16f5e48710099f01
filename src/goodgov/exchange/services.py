"""Writes of the exchange: rights, consents, seen nonces and the record of each exchange.

Every write that matters to a person or to another agency records its ledger event in
the same transaction. People appear in public events only as commitments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.agencies.models import Agency
from goodgov.core import rawsql
from goodgov.exchange import errors, registries
from goodgov.exchange.models import (
    AccessRight,
    Consent,
    Exchange,
    PersonSalt,
    RecordView,
    SeenNonce,
)
from goodgov.ledger.services import commitment

if TYPE_CHECKING:
    from goodgov.exchange.access import Grant

# Legal bases a request may state instead of a consent: PDPA B.E. 2562 (2019), section 24.
LEGAL_BASES = {
    "pdpa-24-1": _("PDPA section 24(1): archives, research or statistics"),
    "pdpa-24-2": _("PDPA section 24(2): preventing a danger to life, body or health"),
    "pdpa-24-3": _("PDPA section 24(3): performing a contract with the person"),
    "pdpa-24-4": _("PDPA section 24(4): a task in the public interest or official authority"),
    "pdpa-24-5": _("PDPA section 24(5): legitimate interests"),
    "pdpa-24-6": _("PDPA section 24(6): compliance with a law"),
}
CONSENT = "consent"


def node_agency() -> Agency | None:
    """The agency this node acts for (``GOODGOV_EXCHANGE_AGENCY``), if it exists here."""
    code = getattr(settings, "GOODGOV_EXCHANGE_AGENCY", "")
    return Agency.objects.filter(code=code).first() if code else None


def person_commitment(person_hash: str) -> str:
    """A salted commitment to the person with this national-ID lookup hash.

    A person with an account here is committed to as everywhere else in the ledger, so
    their receipt covers exchange events too; anyone else gets a salt of their own.
    One query when the salt exists; one more to make it (in the caller's transaction).
    """
    return _commitment_read(person_hash) or _commitment_make(person_hash)


def _table(model: type[models.Model]) -> str:
    """A model's table, quoted. The raw statements here take identifiers only from the
    models and every value as a query parameter (hence the ``noqa: S608``)."""
    return rawsql.table(model)


def _salted(salt: str, person_hash: str) -> str:
    return hashlib.sha256(f"{salt}:{person_hash}".encode()).hexdigest()


def _commitment_read(person_hash: str) -> str | None:
    """The commitment, if it can be made without writing: None when the person has no
    account here and no salt yet (:func:`_commitment_make` makes one). One query."""
    return _commitment_and_agency(person_hash, agency=False)[0]


_COMMITMENT_SQL: dict[tuple[str, bool], str] = {}  # per database vendor, with the agency


def _commitment_and_agency(
    person_hash: str, *, agency: bool = True
) -> tuple[str | None, Agency | None]:
    """:func:`_commitment_read` and (``agency``) :func:`_agency`, in one query."""
    from goodgov.accounts.models import User

    code = getattr(settings, "GOODGOV_EXCHANGE_AGENCY", "") if agency else ""
    sql = _COMMITMENT_SQL.get((connection.vendor, bool(code)))
    if sql is None:
        sql = _COMMITMENT_SQL[connection.vendor, bool(code)] = (
            f"SELECT (SELECT id FROM {_table(User)} WHERE national_id_hash = %s),"  # noqa: S608
            f" (SELECT salt FROM {_table(PersonSalt)} WHERE person_hash = %s)"
            + (f", (SELECT id FROM {_table(Agency)} WHERE code = %s)" if code else "")  # noqa: S608
        )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [person_hash, person_hash, code] if code else [person_hash, person_hash]
        )
        user_id, salt, *agency_id = cursor.fetchone()
    found = (
        Agency.from_db(connection.alias, ["id"], [agency_id[0]])
        if agency_id and agency_id[0] is not None
        else None
    )
    if user_id is not None:  # the ledger's own commitment (and its salt) for an account
        return commitment(User.from_db(connection.alias, ["id"], [user_id])), found
    return (_salted(salt, person_hash) if salt is not None else None), found


def _commitment_make(person_hash: str) -> str:
    """Give the person a salt (unless another process just did) and commit with it."""
    salt = secrets.token_hex(32)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(PersonSalt)} (person_hash, salt, created_at)"  # noqa: S608
            " VALUES (%s, %s, %s) ON CONFLICT (person_hash) DO NOTHING",
            [person_hash, salt, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        made = cursor.rowcount == 1
    # another process made one meanwhile: commit with that one
    return _salted(salt, person_hash) if made else person_commitment(person_hash)


def nonce_accept(*, client: str, nonce: str, expires_at: dt.datetime) -> bool:
    """Remember a request nonce; False if the client used it before (a replay)."""
    return _nonce_insert(client=client, nonce=nonce, expires_at=expires_at)


def _nonce_insert(*, client: str, nonce: str, expires_at: dt.datetime) -> bool:
    """One statement, race-free across processes (the unique constraint on client and
    nonce); a used nonce inserts nothing and leaves the transaction usable."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(SeenNonce)} (client, nonce, expires_at) VALUES (%s, %s, %s)"  # noqa: S608
            " ON CONFLICT (client, nonce) DO NOTHING",
            [client, nonce, connection.ops.adapt_datetimefield_value(expires_at)],
        )
        return cursor.rowcount == 1


class _Unread:
    """Not read yet (unlike None: no agency)."""


_UNREAD = _Unread()


def _agency() -> Agency | None:
    """:func:`node_agency` in one small query (the ledger needs only its key)."""
    code = getattr(settings, "GOODGOV_EXCHANGE_AGENCY", "")
    if not code:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {_table(Agency)} WHERE code = %s", [code])  # noqa: S608
        found = cursor.fetchone()
    return Agency.from_db(connection.alias, ["id"], [found[0]]) if found else None


def nonces_purge(*, now: dt.datetime | None = None) -> int:
    """Forget nonces whose requests are too old to be accepted anyway."""
    deleted, _ = SeenNonce.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


@transaction.atomic
def right_grant(
    *,
    actor: Any,
    client: str,
    service: str,
    method: str,
    fields: list[str],
    purposes: list[str],
    legal_bases: list[str] | None = None,
    note: str = "",
) -> AccessRight:
    """Grant (or re-grant, replacing its terms) a client's right to a service method."""
    unknown = set(legal_bases or []) - set(LEGAL_BASES)
    if unknown:
        raise ValueError(f"unknown legal bases: {sorted(unknown)}")
    right, _ = AccessRight.objects.update_or_create(
        client=client,
        service=service,
        method=method,
        defaults={
            "fields": sorted(set(fields)),
            "purposes": sorted(set(purposes)),
            "legal_bases": sorted(set(legal_bases or [])),
            "note": note,
            "granted_at": timezone.now(),
            "revoked_at": None,
        },
    )
    ledger.record(
        actor=actor,
        action="exchange.right_granted",
        subject=right,
        agency=node_agency(),
        public={"client": client, "service": service, "method": method, "fields": right.fields},
    )
    return right


@transaction.atomic
def right_revoke(*, actor: Any, right: AccessRight) -> AccessRight:
    right = AccessRight.objects.select_for_update().get(pk=right.pk)
    if right.revoked_at is None:
        right.revoked_at = timezone.now()
        right.save(update_fields=["revoked_at"])
        ledger.record(
            actor=actor,
            action="exchange.right_revoked",
            subject=right,
            agency=node_agency(),
            public={"client": right.client, "service": right.service, "method": right.method},
        )
    return right


@transaction.atomic
def consent_give(
    *,
    actor: Any,
    person_hash: str,
    client: str,
    service: str,
    purpose: str,
    expires_at: dt.datetime,
    fields: list[str] | None = None,
) -> Consent:
    """The person consents that ``client`` may receive their data from ``service``
    (only ``fields``, when given)."""
    consent = Consent.objects.create(
        person_hash=person_hash,
        client=client,
        service=service,
        purpose=purpose,
        fields=sorted(set(fields or [])),
        expires_at=expires_at,
    )
    ledger.record(
        actor=actor,
        action="exchange.consent_given",
        subject=consent,
        agency=node_agency(),
        public={
            "client": client,
            "service": service,
            "purpose": purpose,
            "person": person_commitment(person_hash),
        },
        private={"reference": str(consent.reference)},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        ledger.record(
            actor=actor,
            action="exchange.consent_withdrawn",
            subject=consent,
            agency=node_agency(),
            public={
                "client": consent.client,
                "service": consent.service,
                "purpose": consent.purpose,
                "person": person_commitment(consent.person_hash),
            },
            private={"reference": str(consent.reference)},
        )
    return consent


@transaction.atomic
def exchange_record_served(
    *,
    client: str,
    service: str,
    method: str,
    purpose: str,
    legal_basis: str,
    consent: Consent | None,
    person_hash: str,
    fields: list[str],
    nonce: str,
    consent_reference: str = "",
    consent_token: dict[str, Any] | None = None,
    person: str | None = None,
) -> Exchange:
    """What the provider served, to whom, why: its record and its ``exchange.served`` event.

    ``consent_reference`` names a consent this node does not keep (a consent token's);
    ``consent_token`` is what the token stated (private); ``person`` is the commitment
    when the caller already has it (read before the transaction, to keep it short).
    """
    return _record_served(
        client=client,
        service=service,
        method=method,
        purpose=purpose,
        legal_basis=legal_basis,
        consent=consent,
        person_hash=person_hash,
        fields=fields,
        nonce=nonce,
        consent_reference=consent_reference,
        consent_token=consent_token,
        person=person,
    )


def _record_served(
    *,
    client: str,
    service: str,
    method: str,
    purpose: str,
    legal_basis: str,
    consent: Consent | None,
    person_hash: str,
    fields: list[str],
    nonce: str,
    consent_reference: str,
    consent_token: dict[str, Any] | None,
    person: str | None,
    agency: Agency | _Unread | None = _UNREAD,
) -> Exchange:
    """:func:`exchange_record_served` in the caller's transaction (no savepoint).
    ``agency``: :func:`_agency`, when the caller read it already."""
    person = person or person_commitment(person_hash)
    row = Exchange(
        direction=Exchange.Direction.SERVED,
        peer=client,
        service=service,
        method=method,
        purpose=purpose,
        legal_basis=legal_basis,
        consent=consent,
        consent_reference=str(consent.reference) if consent else consent_reference,
        person_hash=person_hash,
        fields=fields,
        nonce=nonce,
    )
    rawsql.insert([row])
    private: dict[str, Any] = {"nonce": nonce, "consent": row.consent_reference or None}
    if consent_token is not None:
        private["consent_token"] = consent_token
    ledger.record(
        actor=None,
        action="exchange.served",
        subject=row,
        agency=_agency() if isinstance(agency, _Unread) else agency,
        public={
            "client": client,
            "service": service,
            "method": method,
            "purpose": purpose,
            "legal_basis": legal_basis,
            "person": person,
            "fields": fields,
        },
        private=private,
    )
    return row


@transaction.atomic
def exchange_record_requested(
    *,
    actor: Any,
    actor_role: str = "",
    provider: str,
    service: str,
    method: str,
    purpose: str,
    legal_basis: str,
    consent_reference: str,
    person_hash: str,
    fields: list[str],
    outcome: str,
    nonce: str,
    person: str | None = None,
) -> Exchange:
    """What this node asked of a provider and what came of it: ``exchange.requested``.

    ``person``: the commitment, when the caller has it; otherwise it is read (and the
    person's salt made, the first time) in this transaction: one commit in all."""
    if person is None:  # the commitment and the agency in one query
        person, agency = _commitment_and_agency(person_hash)
        person = person or _commitment_make(person_hash)
    else:
        agency = _agency()
    row = Exchange(
        direction=Exchange.Direction.REQUESTED,
        peer=provider,
        service=service,
        method=method,
        purpose=purpose,
        legal_basis=legal_basis,
        consent_reference=consent_reference,
        person_hash=person_hash,
        fields=fields,
        outcome=outcome,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=actor_role,
        nonce=nonce,
    )
    rawsql.insert([row])
    ledger.record(
        actor=actor,
        action="exchange.requested",
        subject=row,
        agency=agency,
        public={
            "provider": provider,
            "service": service,
            "method": method,
            "purpose": purpose,
            "legal_basis": legal_basis,
            "person": person,
            "outcome": outcome,
        },
        private={"nonce": nonce, "consent": consent_reference or None},
    )
    return row


@transaction.atomic
def exchange_serve(*, grant: Grant, person: str | None = None) -> dict[str, Any]:
    """Look the person up (unless the grant holds the record already) and return only the
    fields the right allows, and the consent, if it names fields; record it."""
    return _serve(grant, person or _commitment_read(grant.person_hash))


def _serve(
    grant: Grant, person: str | None, agency: Agency | _Unread | None = _UNREAD
) -> dict[str, Any]:
    """:func:`exchange_serve` in the caller's transaction: the look-up (which may refuse)
    comes before any write, so a refusal leaves nothing of it to roll back. ``person``:
    the commitment as read (None: the person has no salt yet, made here)."""
    data = grant.record
    if data is None:
        handler = registries.SERVICES[grant.service][grant.method]
        try:
            _key, data = handler(grant.query, key=grant.person_hash)
        except registries.NotInRegistry as error:
            raise errors.NotFound from error
    wanted = set(grant.right.fields)
    if grant.consent_fields:
        wanted &= set(grant.consent_fields)
    allowed = {key: value for key, value in data.items() if key in wanted}
    _record_served(
        client=grant.client,
        service=grant.service,
        method=grant.method,
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
        consent=grant.consent,
        person_hash=grant.person_hash,
        fields=sorted(allowed),
        nonce=grant.nonce,
        consent_reference=grant.consent_reference,
        consent_token=grant.consent_token,
        person=person or _commitment_make(grant.person_hash),
        agency=agency,
    )
    return allowed


def exchange_answer(
    *,
    client: str,
    nonce: str,
    expires_at: dt.datetime,
    grant: Grant | None,
    refusal: errors.ExchangeError | None,
) -> dict[str, Any]:
    """Remember the request's nonce and, if nothing refused it, serve it: one transaction.

    The checks that only read (right, basis or consent, registry) ran before, so that
    the write lock is held for the writes alone: the nonce, the person's salt the first
    time, the exchange and its event (no savepoint: nothing in it can fail half-way but
    the whole). A replayed nonce is refused before anything else; a refused request keeps
    its nonce.
    """
    person, agency = (
        _commitment_and_agency(grant.person_hash) if grant is not None else (None, None)
    )
    data: dict[str, Any] = {}
    with transaction.atomic():
        if not _nonce_insert(client=client, nonce=nonce, expires_at=expires_at):
            replayed = True  # nothing was written: the transaction commits nothing
        else:
            replayed = False
            if refusal is None and grant is not None:
                try:
                    data = _serve(grant, person, agency)
                except errors.ExchangeError as error:  # refused before it wrote anything
                    refusal = error
    if replayed:
        raise errors.Replay(f"nonce {nonce} was already used")
    if refusal is not None:
        raise refusal
    return data


#: An officer's views of one case within this long count as one (re-rendering the page
#: after a step, going back to it): the tracker lists a visit, not each page load.
VIEW_WINDOW = dt.timedelta(minutes=15)
VIEW_PURPOSE = "case-processing"
#: An officer at the counter looked the person up by national ID (no case yet).
LOOKUP_PURPOSE = "counter-lookup"
#: What the counter relies on: filing for the person is the agency's public service, a
#: task in the public interest or its official authority (as ``privacy.DEFAULT_BASIS``).
LOOKUP_LEGAL_BASIS = "pdpa-24-4"


@transaction.atomic
def person_view_record(*, actor: Any, case: Any) -> RecordView | None:
    """An officer opened the back-office page of ``case``, the applicant's record:
    record ``person.viewed``, once per officer and case in :data:`VIEW_WINDOW`.

    The applicant themself is not recorded (they see their own case). Returns the new
    record, or None when nothing was recorded.
    """
    return _record_view(
        actor=actor, person=case.applicant, agency=case.agency, case=case, purpose=VIEW_PURPOSE
    )


@transaction.atomic
def person_lookup_record(*, actor: Any, person: Any, agency: Agency) -> RecordView | None:
    """An officer of ``agency`` looked ``person`` up by national ID at the counter, and so
    learnt that they have an account and their name: record ``person.viewed`` with no
    case, once per officer and person in :data:`VIEW_WINDOW`.

    The public event is that of :func:`person_view_record` with an empty reference: no
    name, no national ID. A person looking themself up is not recorded. Returns the new
    record, or None when nothing was recorded.
    """
    return _record_view(
        actor=actor, person=person, agency=agency, case=None, purpose=LOOKUP_PURPOSE
    )


def _record_view(
    *, actor: Any, person: Any, agency: Agency, case: Any | None, purpose: str
) -> RecordView | None:
    """One look at ``person``'s data by ``actor`` (about ``case``, or none), once per
    officer, person and case in :data:`VIEW_WINDOW`; the event's subject is the case, or
    the person when there is none."""
    from goodgov.agencies.selectors import roles_of

    if getattr(actor, "pk", None) is None or actor.pk == person.pk:
        return None
    now = timezone.now()
    if RecordView.objects.filter(
        person=person, case=case, officer=actor, viewed_at__gte=now - VIEW_WINDOW
    ).exists():
        return None
    view = RecordView.objects.create(
        viewed_at=now,
        person=person,
        case=case,
        agency=agency,
        officer=actor,
        officer_roles=sorted(roles_of(actor, agency)),
        purpose=purpose,
    )
    ledger.record(
        actor=actor,
        action="person.viewed",
        subject=case if case is not None else person,
        agency=agency,
        public={
            "agency": agency.code,
            "officer": commitment(actor),
            "person": commitment(person),
            "reference": (case.reference or "") if case is not None else "",
        },
    )
    return view
