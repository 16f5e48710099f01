"""Reads for cases: a person's own cases, an officer's queue, a case's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case as When_
from django.db.models import Exists, IntegerField, Model, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from goodgov.agencies.models import Agency
from goodgov.agencies.selectors import agencies_of
from goodgov.cases.models import OPEN_STATES, Case, InformationRequest, State
from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.validation import CLOCK_STOPS
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


def service_taking_applications(code: str) -> Service | None:
    """The active service ``code`` with its current version and its agency, or None.

    What ``Service.objects.select_related("current", "agency").filter(code=code,
    active=True, current__isnull=False).first()`` gives, in plain SQL: every submission
    through the API starts here, and the ORM took several times as long to build the
    statement and the three objects as the database took to answer.
    """
    sql, converters = _service_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [code, True])
        row = cursor.fetchone()
    if row is None:
        return None
    service, version, agency = _instances(row, converters)
    service._state.fields_cache["current"] = version
    service._state.fields_cache["agency"] = agency
    return service


_Converters = list[tuple[type[Model], list[str], list[tuple[Any, list[Any]]]]]


def _service_query() -> tuple[str, _Converters]:
    """The statement and the value converters, built once per database connection (the
    converters are the connection's own methods)."""
    cached: tuple[str, _Converters] | None = getattr(connection, "_goodgov_service_query", None)
    if cached is not None:
        return cached
    quote = connection.ops.quote_name
    parts: list[tuple[type[Model], str]] = [(Service, "s"), (ServiceVersion, "v"), (Agency, "a")]
    columns = ", ".join(
        f"{alias}.{quote(f.column)}" for model, alias in parts for f in model._meta.concrete_fields
    )
    sql = (
        f"SELECT {columns} FROM {quote(Service._meta.db_table)} s "  # noqa: S608
        f"JOIN {quote(ServiceVersion._meta.db_table)} v ON v.{quote('id')} = s.{quote('current_id')} "
        f"JOIN {quote(Agency._meta.db_table)} a ON a.{quote('id')} = s.{quote('agency_id')} "
        f"WHERE s.{quote('code')} = %s AND s.{quote('active')} = %s"
    )
    converters: _Converters = []
    for model, _alias in parts:
        fields = model._meta.concrete_fields
        columns_of = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            columns_of.append(
                (
                    column,
                    connection.ops.get_db_converters(column) + column.get_db_converters(connection),
                )
            )
        converters.append((model, [f.attname for f in fields], columns_of))
    connection._goodgov_service_query = (sql, converters)  # type: ignore[attr-defined]
    return sql, converters


def _instances(row: tuple[Any, ...], converters: _Converters) -> list[Any]:
    """Model instances from one row holding each model's concrete columns in turn, the
    values converted as the ORM converts them (dates on SQLite, JSON, encrypted fields)."""
    instances = []
    start = 0
    for model, attnames, columns in converters:
        converted = []
        values = row[start : start + len(columns)]
        start += len(columns)
        for (column, convert_all), value in zip(columns, values, strict=True):
            for convert in convert_all:
                value = convert(value, column, connection)
            converted.append(value)
        instances.append(model.from_db(connection.alias, attnames, converted))
    return instances


def legal_ground_in(words: str, language: str | None) -> str:
    """The line of :func:`~goodgov.cases.services.legal_ground_words` in ``language`` for a page: English the
    second of two lines, Thai the first; a ground in one language only (or written
    otherwise, before refusals named their ground by its entry) stays whole. The letter
    and the public log keep both."""
    lines = [line for line in (words or "").split("\n") if line.strip()]
    if len(lines) != 2:
        return words or ""
    return lines[1] if (language or "").startswith("en") else lines[0]


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
            detail = legal_ground_in(event.public.get("legal_ground", ""), get_language())
        entries.append(
            TimelineEntry(
                at=event.created_at,
                action=event.action,
                label=str(TIMELINE_LABELS[event.action]),
                detail=detail,
            )
        )
    return entries


#: A case waiting for its applicant's answer to a request for information, and the other
#: open states (an officer has the case).
_waiting = Q(state=State.INFO_REQUESTED)
_NOT_WAITING = sorted(OPEN_STATES - {State.INFO_REQUESTED})
#: A case whose service's clock runs while the applicant is asked (it says so: the
#: field's absence means the clock stops; see ``clock_stops_for_information``).
_clock_runs = Q(**{f"version__definition__{CLOCK_STOPS}": False})


def queue(
    user: Any,
    *,
    service: str = "",
    state: str = "",
    due: str = "",
    agency_code: str = "",
) -> QuerySet[Case]:
    """Cases of the officer's agencies, overdue first, then by due date.

    A case waiting for its applicant's answer under a service whose clock stops meanwhile
    (``clock_stops_for_information``) is not overdue: its due date moves when the
    applicant answers (``Case.clock_stopped``); unless it was asked only after its
    deadline had passed, which stops no clock.
    """
    now = timezone.now()
    # asked for information only after the deadline had passed: that stopped no clock
    asked_late = Exists(
        InformationRequest.objects.filter(
            case=OuterRef("pk"), responded_at__isnull=True, created_at__gte=OuterRef("due_at")
        )
    )
    overdue = Q(due_at__lt=now) & (
        Q(state__in=_NOT_WAITING) | (_waiting & (_clock_runs | asked_late))
    )
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
        qs = qs.filter(overdue)
    elif due == "week":  # not a case whose clock is stopped: its due date will move
        qs = qs.filter(due_at__gte=now, due_at__lt=now + dt.timedelta(days=7))
        qs = qs.exclude(_waiting & ~_clock_runs)
    return (
        qs.select_related("service", "version", "agency", "assignee")
        .annotate(
            overdue=When_(
                When(overdue, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("overdue", "due_at", "id")
    )


def open_information_request(case: Case) -> Any:
    """The request for information the applicant has not answered yet, or None (also when
    the case no longer waits for it: withdrawn meanwhile)."""
    if case.state != State.INFO_REQUESTED:
        return None
    return case.information_requests.filter(responded_at__isnull=True).last()
