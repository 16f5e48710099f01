"""Evidence is seen by the case's applicant (or the counter officer filing the draft)
and by officers of the owning agency once the case is submitted."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from goodgov.agencies.selectors import roles_of
from goodgov.cases import access as case_access
from goodgov.cases.models import State
from goodgov.documents.models import Evidence


def evidence_for(user: Any, evidence_id: Any) -> Evidence:
    try:
        evidence = Evidence.objects.select_related("case", "case__agency").get(uuid=evidence_id)
    except (Evidence.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    case = evidence.case
    if case.applicant_id == user.pk:
        return evidence
    if case.state == State.DRAFT and case_access.is_counter_filer(user, case):
        return evidence
    if case.state != State.DRAFT and roles_of(user, case.agency):
        return evidence
    raise Http404
