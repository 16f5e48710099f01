"""Reads of the exchange: what a person sees in their data tracker."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
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
    "tracker": _("Record of uses of your data"),
}
METHOD_NAMES = {
    "person": _("personal details"),
    "household": _("household members"),
    "status": _("welfare payments"),
    "uses": _("uses and views"),
}
TRACKER_SERVICE = "tracker"  # the data service behind this page (exchange.remote_uses)
RECORD_LIMIT = 200  # rows of each kind a node lists, newest first


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
    node: str = ""  # the other node of the exchange
    service_code: str = ""
    recorded_by: tuple[str, ...] = ()  # the agencies whose records list this exchange
    match: str = ""  # the same exchange in the other node's record has the same key
    by: str = ""  # the agency that served or asked, when not this node (another's record)


def match_key(nonce: str) -> str:
    """What both nodes of one exchange can compute from its request nonce, and nobody
    else can use: lets the tracker show an exchange that both recorded once."""
    return hashlib.sha256(f"goodgov-tracker-match-v1\n{nonce}".encode()).hexdigest()[:32]


def agency_label(node_name: str, cache: dict[str, str] | None = None) -> str:
    """The name of the agency that runs ``node_name`` (its code, or the node's name, when
    this node does not know the agency)."""
    return _agency_name(node_name, {} if cache is None else cache)


def this_node_label() -> str:
    """The agency this node acts for, as the tracker names the records it keeps."""
    agency = services.node_agency()
    return agency.name if agency is not None else agency_label(directory.node_name())


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


basis_label = _basis_label


def service_label(service: str, method: str) -> str:
    return f"{SERVICE_NAMES.get(service, service)}: {METHOD_NAMES.get(method, method)}"


def role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role)) if role else ""


def uses_of_person(person_hash: str, *, limit: int = RECORD_LIMIT) -> list[Use]:
    """Every exchange of the person's data this node took part in, newest first."""
    names: dict[str, str] = {}
    me = (this_node_label(),)
    rows = Exchange.objects.filter(person_hash=person_hash).order_by("-created_at", "-id")[:limit]
    return [
        Use(
            when=row.created_at,
            direction=row.direction,
            agency=_agency_name(row.peer, names),
            officer_role=role_label(row.actor_role),
            service=service_label(row.service, row.method),
            purpose=row.purpose,
            legal_basis=_basis_label(row.legal_basis),
            fields=list(row.fields),
            outcome=row.outcome,
            node=row.peer,
            service_code=row.service,
            recorded_by=me,
            match=match_key(row.nonce) if row.nonce else "",
        )
        for row in rows
    ]


def uses_record(
    person_hash: str, *, limit: int = RECORD_LIMIT, also: Sequence[str] = ()
) -> dict[str, Any]:
    """This node's record of the uses of one person's data, as the data service
    ``tracker.uses`` answers it (:mod:`goodgov.exchange.remote_uses`), newest first.

    ``exchanges``: what this node served to or asked of other nodes about the person;
    ``views``: officers here who opened the person's record. Only this person's rows;
    officers appear by role, never by name; the request nonce only as :func:`match_key`.
    ``also``: the person's hashes under fallback secret keys, while a rotation completes.
    """
    hashes = [person_hash, *also]
    from goodgov.accounts.models import User
    from goodgov.exchange import privacy
    from goodgov.exchange.models import RecordView

    try:
        known = directory.nodes()
    except directory.DirectoryError:
        known = {}
    exchanges = [
        {
            "at": row.created_at.isoformat(),
            "direction": row.direction,
            "node": row.peer,
            "agency": known[row.peer].agency if row.peer in known else "",
            "service": row.service,
            "method": row.method,
            "purpose": row.purpose,
            "legal_basis": row.legal_basis,
            "fields": list(row.fields),
            "outcome": row.outcome,
            "officer_role": row.actor_role,
            "match": match_key(row.nonce) if row.nonce else "",
        }
        for row in Exchange.objects.filter(person_hash__in=hashes).order_by("-created_at", "-id")[
            :limit
        ]
    ]
    views = []
    person = User.objects.filter(national_id_hash__in=hashes).first()
    if person is not None:
        for view in (
            RecordView.objects.filter(person=person)
            .select_related("agency", "case__version")
            .order_by("-viewed_at", "-id")[:limit]
        ):
            service: dict[str, str]
            laws: list[dict[str, Any]]
            if view.case is None:  # looked up at the counter: no service, no reference
                service, reference, basis, laws = {}, "", services.LOOKUP_LEGAL_BASIS, []
            else:
                definition = view.case.version.definition
                service = definition.get("name") or {}
                reference = view.case.reference or ""
                basis = privacy.terms(definition).basis
                laws = [
                    {"act": item.get("act"), "section": item.get("section")}
                    for item in definition.get("legal_basis", [])
                ]
            views.append(
                {
                    "at": view.viewed_at.isoformat(),
                    "agency": {
                        "code": view.agency.code,
                        "th": view.agency.name_th,
                        "en": view.agency.name_en,
                    },
                    "officer_roles": list(view.officer_roles),
                    "service": service,
                    "reference": reference,
                    "purpose": view.purpose,
                    "legal_basis": basis,
                    "laws": laws,
                }
            )
    return {"exchanges": exchanges, "views": views}


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
    recorded_by: tuple[str, ...] = ()  # the agency whose record lists this view


def _role_label(roles: list[str], *, purpose: str = "") -> str:
    labels = dict(Role.choices)
    # The role that explains the look: deciding before handling before filing; a look-up
    # at the counter is the counter role's.
    order: tuple[str, ...] = ("approver", "officer", "counter", "admin")
    if purpose == services.LOOKUP_PURPOSE:
        order = ("counter", *order)
    for role in order:
        if role in roles:
            return str(labels[role])
    return ", ".join(str(labels.get(r, r)) for r in roles)


roles_label = _role_label


def views_of_person(person: Any, *, limit: int = RECORD_LIMIT) -> list[View]:
    """Every time an officer opened the person's record on this node, newest first."""
    from goodgov.exchange import privacy
    from goodgov.exchange.models import RecordView

    rows = (
        RecordView.objects.filter(person=person)
        .select_related("agency", "case__version")
        .order_by("-viewed_at", "-id")[:limit]
    )
    found = []
    me = (this_node_label(),)
    for row in rows:
        if row.case is None:  # looked up at the counter: no service, no reference
            service, reference = "", ""
            basis = str(services.LEGAL_BASES[services.LOOKUP_LEGAL_BASIS])
        else:
            definition = row.case.version.definition
            service = localized(definition.get("name"))
            reference = row.case.reference or ""
            basis = "; ".join(
                [
                    str(services.LEGAL_BASES[privacy.terms(definition).basis]),
                    *privacy.laws(definition),
                ]
            )
        found.append(
            View(
                when=row.viewed_at,
                agency=row.agency.name,
                officer_role=_role_label(list(row.officer_roles), purpose=row.purpose),
                service=service,
                reference=reference,
                purpose=str(PURPOSES.get(row.purpose, row.purpose)),
                legal_basis=basis,
                recorded_by=me,
            )
        )
    return found


PURPOSES = {
    "case-processing": _("Case processing"),
    "data-subject-access": _("Your request to see the uses of your data"),
    services.LOOKUP_PURPOSE: _("Looked you up at the counter"),
}


@dataclass(frozen=True)
class Tracker:
    """What ``/me/data/`` lists: this node's records and those of the nodes it exchanged
    the person's data with, merged, newest first."""

    uses: list[Use]  # exchanges, without the requests made for this page itself
    views: list[View]
    access_requests: int  # requests for a record of uses (this page's own), all nodes
    last_access_request: Any  # when the last of them was made, or None
    nodes: list[Any]  # remote_uses.Answer, one per node asked


def tracker(*, uses: list[Use], views: list[View], answers: list[Any] | None = None) -> Tracker:
    """Merge this node's ``uses`` and ``views`` with the other nodes' ``answers``
    (:func:`goodgov.exchange.remote_uses.ask_peers`).

    One exchange between this node and another is in both records, with the same
    :func:`match_key`: it is listed once, recorded by both. The requests for a record of
    uses (the service ``tracker``, made to show this page) are counted, not listed.
    """
    answers = answers or []
    merged = list(uses)
    by_match = {(u.node, u.match): i for i, u in enumerate(merged) if u.match}
    all_views = list(views)
    for answer in answers:
        for use in answer.uses:
            mine = by_match.get((answer.node, use.match)) if use.match else None
            if mine is not None and use.node == directory.node_name():
                seen = merged[mine]
                merged[mine] = replace(seen, recorded_by=(*seen.recorded_by, *use.recorded_by))
            else:
                merged.append(use)
        all_views.extend(answer.views)
    access = [u for u in merged if u.service_code == TRACKER_SERVICE]
    listed = [u for u in merged if u.service_code != TRACKER_SERVICE]
    listed.sort(key=lambda u: u.when, reverse=True)
    all_views.sort(key=lambda v: v.when, reverse=True)
    return Tracker(
        uses=listed,
        views=all_views,
        access_requests=len(access),
        last_access_request=max((u.when for u in access), default=None),
        nodes=answers,
    )


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
            # the one they typed themselves, not yet checked against their ID card
            "national_id_unchecked": person.national_id_claimed,
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
