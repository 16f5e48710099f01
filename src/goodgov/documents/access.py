"""Evidence is seen by the case's applicant (or the counter officer filing the draft)
and, once the case is submitted, by the officers working it (``cases.access.works_on``):
not by the agency's administrators, executives or other colleagues. An issued document is
downloaded by the person it was issued to, and revoked by an approver or administrator
of the issuing agency. Everything else answers 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from goodgov.agencies.selectors import roles_of
from goodgov.cases import access as case_access
from goodgov.cases.models import State
from goodgov.documents.models import Evidence, IssuedDocument


def evidence_for(user: Any, evidence_id: Any) -> Evidence:
    try:
        evidence = Evidence.objects.select_related(
            "case", "case__agency", "case__version", "case__applicant"
        ).get(uuid=evidence_id)
    except (Evidence.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    case = evidence.case
    if case.applicant_id == user.pk:
        return evidence
    if case.state == State.DRAFT and case_access.is_counter_filer(user, case):
        return evidence
    if case_access.works_on(user, case):
        return evidence
    raise Http404


# ------------------------------------------------------------------ issued documents

REVOKING_ROLES = {"approver", "admin"}


def issued_for_holder(user: Any, document_id: Any) -> IssuedDocument:
    """An issued document as the person it was issued to sees it; 404 for anyone else."""
    try:
        document = IssuedDocument.objects.select_related("case", "agency").get(uuid=document_id)
    except (IssuedDocument.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if document.case.applicant_id != getattr(user, "pk", None):
        raise Http404
    return document


def may_revoke(user: Any, document: IssuedDocument) -> bool:
    """An approver or administrator of the agency that issued it."""
    return bool(roles_of(user, document.agency) & REVOKING_ROLES)


def issued_for_revoker(user: Any, document_id: Any) -> IssuedDocument:
    """An issued document as an officer who may revoke it sees it; 404 for anyone else."""
    try:
        document = IssuedDocument.objects.select_related("case", "agency").get(uuid=document_id)
    except (IssuedDocument.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if not may_revoke(user, document):
        raise Http404
    return document
