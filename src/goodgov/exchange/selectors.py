"""Reads of the exchange: what a person sees in their data tracker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov.agencies.models import Agency, Role
from goodgov.catalogue.models import localized
from goodgov.exchange import directory, services
from goodgov.exchange.models import Consent, Exchange

SERVICE_NAMES = {
    "population": _("Population registry"),
    "welfare": _("Welfare registry"),
}
METHOD_NAMES = {
    "person": _("personal details"),
    "household": _("household members"),
    "status": _("welfare payments"),
}


@dataclass(frozen=True)
class Use:
    """One use of the person's data, as the tracker shows it."""

    when: Any
    direction: str
    agency: str
    officer_role: str
    service: str
    purpose: str
    legal_basis: str
    fields: list[str]
    outcome: str


def _agency_name(node_name: str, cache: dict[str, str]) -> str:
    if node_name not in cache:
        known = directory.nodes().get(node_name) if _has_directory() else None
        agency = (
            Agency.objects.filter(code=known.agency).first() if known and known.agency else None
        )
        cache[node_name] = (
            agency.name if agency else (known.agency if known and known.agency else node_name)
        )
    return cache[node_name]


def _has_directory() -> bool:
    try:
        directory.nodes()
    except directory.DirectoryError:
        return False
    return True


def _basis_label(code: str) -> str:
    if code == services.CONSENT:
        return str(_("Your consent"))
    return str(services.LEGAL_BASES.get(code, code))


def uses_of_person(person_hash: str, *, limit: int = 200) -> list[Use]:
    """Every exchange of the person's data this node took part in, newest first."""
    names: dict[str, str] = {}
    rows = Exchange.objects.filter(person_hash=person_hash).order_by("-created_at", "-id")[:limit]
    return [
        Use(
            when=row.created_at,
            direction=row.direction,
            agency=_agency_name(row.peer, names),
            officer_role=str(dict(Role.choices).get(row.actor_role, row.actor_role)),
            service=f"{SERVICE_NAMES.get(row.service, row.service)}: "
            f"{METHOD_NAMES.get(row.method, row.method)}",
            purpose=row.purpose,
            legal_basis=_basis_label(row.legal_basis),
            fields=list(row.fields),
            outcome=row.outcome,
        )
        for row in rows
    ]


def consents_of_person(person_hash: str) -> QuerySet[Consent]:
    return Consent.objects.filter(person_hash=person_hash).order_by("-given_at")


def consent_of_person(person_hash: str, reference: str) -> Consent | None:
    """The person's consent with this reference, or None (also when it is someone else's)."""
    return Consent.objects.filter(person_hash=person_hash, reference=reference).first()


@dataclass(frozen=True)
class View:
    """An officer opened the person's record (``person.viewed``), as the tracker shows it."""

    when: Any
    agency: str
    officer_role: str
    service: str
    reference: str
    purpose: str
    legal_basis: str


def _role_label(roles: list[str]) -> str:
    labels = dict(Role.choices)
    # The role that explains the look: deciding before handling before filing.
    for role in ("approver", "officer", "counter", "admin"):
        if role in roles:
            return str(labels[role])
    return ", ".join(str(labels.get(r, r)) for r in roles)


def views_of_person(person: Any, *, limit: int = 200) -> list[View]:
    """Every time an officer opened the person's record on this node, newest first."""
    from goodgov.exchange import privacy
    from goodgov.exchange.models import RecordView

    rows = (
        RecordView.objects.filter(person=person)
        .select_related("agency", "case__version")
        .order_by("-viewed_at", "-id")[:limit]
    )
    found = []
    for row in rows:
        definition = row.case.version.definition
        terms = privacy.terms(definition)
        found.append(
            View(
                when=row.viewed_at,
                agency=row.agency.name,
                officer_role=_role_label(list(row.officer_roles)),
                service=localized(definition.get("name")),
                reference=row.case.reference or "",
                purpose=str(PURPOSES.get(row.purpose, row.purpose)),
                legal_basis="; ".join(
                    [str(services.LEGAL_BASES[terms.basis]), *privacy.laws(definition)]
                ),
            )
        )
    return found


PURPOSES = {"case-processing": _("Case processing")}


def person_export(person: Any) -> dict[str, Any]:
    """Everything this node holds about ``person`` that is theirs to take away (PDPA
    section 30 and 31): account, cases with answers, evidence and decisions, documents,
    messages, consents, the uses of their data, and the officers' views of their record.
    Nothing about anyone else."""
    from goodgov.cases.answers import answer_rows
    from goodgov.cases.models import Case
    from goodgov.notifications.models import Message

    def moment(value: Any) -> Any:
        return value  # datetimes: the JSON encoder writes ISO 8601, the PDF Buddhist-era dates

    from goodgov.ledger.models import Event

    person_hash = person.national_id_hash
    case_ids: list[str] = []
    cases = []
    for case in (
        Case.objects.filter(applicant=person)
        .select_related("service", "version", "agency")
        .prefetch_related("information_requests", "evidence", "issued_documents")
        .order_by("created_at")
    ):
        case_ids.append(str(case.pk))
        cases.append(
            {
                "reference": case.reference,
                "service": case.service.code,
                "service_name": case.version.name,
                "agency": case.agency.code,
                "state": case.state,
                "state_label": case.version.state_label(case.state),
                "channel": case.channel,
                "created_at": moment(case.created_at),
                "submitted_at": moment(case.submitted_at),
                "due_at": moment(case.due_at),
                "decided_at": moment(case.decided_at),
                "answers": case.data,
                "questions": answer_rows(case.version, case.data, reveal_national_ids=True),
                "decision": {
                    "conditions": case.decision_conditions,
                    "reasons": case.decision_reasons,
                    "legal_ground": case.decision_legal_ground,
                },
                "information_requests": [
                    {
                        "asked_at": moment(r.created_at),
                        "message": r.message,
                        "response": r.response,
                        "responded_at": moment(r.responded_at),
                    }
                    for r in case.information_requests.all()
                ],
                "evidence": [
                    {
                        "item": e.item,
                        "file_name": e.original_name,
                        "content_type": e.content_type,
                        "size": e.size,
                        "sha256": e.sha256,
                        "uploaded_at": moment(e.created_at),
                    }
                    for e in case.evidence.all()
                ],
                "documents": [
                    {
                        "code": d.code,
                        "kind": d.kind,
                        "title": d.title,
                        "sha256": d.sha256,
                        "issued_at": moment(d.issued_at),
                        "revoked_at": moment(d.revoked_at),
                    }
                    for d in case.issued_documents.all()
                ],
            }
        )
    return {
        "format": "goodgov-personal-data/1",
        "exported_at": moment(timezone.now()),
        "account": {
            "full_name": person.full_name,
            "email": person.email,
            "phone": person.phone,
            "national_id": person.national_id,
            "preferred_language": person.preferred_language,
            "date_joined": moment(person.date_joined),
        },
        "cases": cases,
        "events": [
            {
                "at": moment(e.created_at),
                "action": e.action,
                "agency": e.agency.code if e.agency else None,
                "leaf_index": e.leaf_index,
                "public": e.public,
            }
            for e in Event.objects.filter(
                Q(subject_type="cases.case", subject_id__in=case_ids)
                | Q(subject_type=person._meta.label_lower, subject_id=str(person.pk))
            )
            .select_related("agency")
            .order_by("id")
        ],
        "messages": [
            {"sent_at": moment(m.created_at), "subject": m.subject, "body": m.body}
            for m in Message.objects.filter(user=person).order_by("created_at")
        ],
        "consents": [
            {
                "reference": str(c.reference),
                "client": c.client,
                "service": c.service,
                "purpose": c.purpose,
                "given_at": moment(c.given_at),
                "expires_at": moment(c.expires_at),
                "withdrawn_at": moment(c.withdrawn_at),
            }
            for c in (consents_of_person(person_hash) if person_hash else [])
        ],
        "uses_of_data": [
            {
                "at": moment(e.created_at),
                "direction": e.direction,
                "node": e.peer,
                "service": e.service,
                "method": e.method,
                "purpose": e.purpose,
                "legal_basis": e.legal_basis,
                "fields": list(e.fields),
                "outcome": e.outcome,
            }
            for e in (
                Exchange.objects.filter(person_hash=person_hash).order_by("created_at", "id")
                if person_hash
                else []
            )
        ],
        "record_views": [
            {
                "at": moment(v.when),
                "agency": v.agency,
                "officer_role": v.officer_role,
                "case": v.reference,
                "purpose": v.purpose,
                "legal_basis": v.legal_basis,
            }
            for v in reversed(views_of_person(person, limit=10_000))
        ],
    }
