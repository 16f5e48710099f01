"""Reads for cases: a person's own cases, an officer's queue, a case's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov.agencies.selectors import agencies_of
from goodgov.cases.models import OPEN_STATES, Case, State
from goodgov.ledger.models import Event

TIMELINE_LABELS = {
    "case.started": _("Application started"),
    "case.submitted": _("Application submitted"),
    "case.claimed": _("An officer took the application for review"),
    "case.info_requested": _("The officer asked for more information"),
    "case.info_provided": _("The applicant answered the request for information"),
    "case.approved": _("Application approved"),
    "case.rejected": _("Application refused"),
    "case.withdrawn": _("Application withdrawn"),
}


@dataclass
class TimelineEntry:
    at: dt.datetime
    action: str
    label: str
    detail: str = ""


def cases_of(user: Any) -> QuerySet[Case]:
    return (
        Case.objects.filter(applicant=user)
        .select_related("service", "version", "agency")
        .order_by("-updated_at")
    )


def timeline(case: Case, *, for_officer: bool = False) -> list[TimelineEntry]:
    """The case's history as recorded in the ledger (drafts' saves left out)."""
    events = Event.objects.filter(
        subject_type=case._meta.label_lower, subject_id=str(case.pk), action__in=TIMELINE_LABELS
    ).order_by("id")
    entries = []
    for event in events:
        detail = ""
        private = event.private or {}
        if event.action == "case.info_requested":
            detail = private.get("message", "")
        elif event.action == "case.info_provided":
            detail = private.get("response", "")
        elif event.action == "case.rejected":
            detail = event.public.get("legal_ground", "")
        entries.append(
            TimelineEntry(
                at=event.created_at,
                action=event.action,
                label=str(TIMELINE_LABELS[event.action]),
                detail=detail,
            )
        )
    return entries


def queue(
    user: Any,
    *,
    service: str = "",
    state: str = "",
    due: str = "",
    agency_code: str = "",
) -> QuerySet[Case]:
    """Cases of the officer's agencies, overdue first, then by due date."""
    now = timezone.now()
    qs = Case.objects.filter(agency__in=agencies_of(user)).exclude(state=State.DRAFT)
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    if service:
        qs = qs.filter(service__code=service)
    if state == "open" or not state:
        qs = qs.filter(state__in=OPEN_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    if due == "overdue":
        qs = qs.filter(due_at__lt=now, state__in=OPEN_STATES)
    elif due == "week":
        qs = qs.filter(due_at__gte=now, due_at__lt=now + dt.timedelta(days=7))
    return (
        qs.select_related("service", "version", "agency", "assignee")
        .annotate(
            overdue=When_(
                When(due_at__lt=now, state__in=OPEN_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue", "due_at", "id")
    )


def open_information_request(case: Case) -> Any:
    return case.information_requests.filter(responded_at__isnull=True).last()
