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
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.agencies.models import Agency
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
    """
    from goodgov.accounts.models import User

    user = User.objects.filter(national_id_hash=person_hash).first()
    if user is not None:
        return commitment(user)
    row, _ = PersonSalt.objects.get_or_create(
        person_hash=person_hash, defaults={"salt": secrets.token_hex(32)}
    )
    return hashlib.sha256(f"{row.salt}:{person_hash}".encode()).hexdigest()


def nonce_accept(*, client: str, nonce: str, expires_at: dt.datetime) -> bool:
    """Remember a request nonce; False if the client used it before (a replay)."""
    try:
        with transaction.atomic():
            SeenNonce.objects.create(client=client, nonce=nonce, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


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
    when the caller already has it (made before the transaction, to keep it short).
    """
    row = Exchange.objects.create(
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
    private: dict[str, Any] = {"nonce": nonce, "consent": row.consent_reference or None}
    if consent_token is not None:
        private["consent_token"] = consent_token
    ledger.record(
        actor=None,
        action="exchange.served",
        subject=row,
        agency=node_agency(),
        public={
            "client": client,
            "service": service,
            "method": method,
            "purpose": purpose,
            "legal_basis": legal_basis,
            "person": person or person_commitment(person_hash),
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

    ``person``: the commitment, when the caller made it before the transaction."""
    row = Exchange.objects.create(
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
    ledger.record(
        actor=actor,
        action="exchange.requested",
        subject=row,
        agency=node_agency(),
        public={
            "provider": provider,
            "service": service,
            "method": method,
            "purpose": purpose,
            "legal_basis": legal_basis,
            "person": person or person_commitment(person_hash),
            "outcome": outcome,
        },
        private={"nonce": nonce, "consent": consent_reference or None},
    )
    return row


def exchange_serve(*, grant: Grant, person: str | None = None) -> dict[str, Any]:
    """Look the person up (unless the grant holds the record already) and return only the
    fields the right allows, and the consent, if it names fields; record it."""
    data = grant.record
    if data is None:
        handler = registries.SERVICES[grant.service][grant.method]
        try:
            _key, data = handler(grant.query)
        except registries.NotInRegistry as error:
            raise errors.NotFound from error
    wanted = set(grant.right.fields)
    if grant.consent_fields:
        wanted &= set(grant.consent_fields)
    allowed = {key: value for key, value in data.items() if key in wanted}
    exchange_record_served(
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
        person=person,
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
    the write lock is held for the writes alone: the nonce, the exchange and its event.
    A replayed nonce is refused before anything else; a refused request keeps its nonce.
    """
    person = person_commitment(grant.person_hash) if grant is not None else None
    data: dict[str, Any] = {}
    try:
        with transaction.atomic():
            try:  # the first write: a used nonce leaves nothing to roll back but itself
                SeenNonce.objects.create(client=client, nonce=nonce, expires_at=expires_at)
            except IntegrityError:
                raise _Replayed from None
            if refusal is None and grant is not None:
                try:
                    data = exchange_serve(grant=grant, person=person)
                except errors.ExchangeError as error:  # nothing of it was written
                    refusal = error
    except _Replayed:
        raise errors.Replay(f"nonce {nonce} was already used") from None
    if refusal is not None:
        raise refusal
    return data


class _Replayed(Exception):
    """The nonce is taken (leaves the transaction, which wrote nothing else)."""


#: An officer's views of one case within this long count as one (re-rendering the page
#: after a step, going back to it): the tracker lists a visit, not each page load.
VIEW_WINDOW = dt.timedelta(minutes=15)
VIEW_PURPOSE = "case-processing"


@transaction.atomic
def person_view_record(*, actor: Any, case: Any) -> RecordView | None:
    """An officer opened the back-office page of ``case``, the applicant's record:
    record ``person.viewed``, once per officer and case in :data:`VIEW_WINDOW`.

    The applicant themself is not recorded (they see their own case). Returns the new
    record, or None when nothing was recorded.
    """
    from goodgov.agencies.selectors import roles_of

    person = case.applicant
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
        agency=case.agency,
        officer=actor,
        officer_roles=sorted(roles_of(actor, case.agency)),
        purpose=VIEW_PURPOSE,
    )
    ledger.record(
        actor=actor,
        action="person.viewed",
        subject=case,
        agency=case.agency,
        public={
            "agency": case.agency.code,
            "officer": commitment(actor),
            "person": commitment(person),
            "reference": case.reference or "",
        },
    )
    return view
