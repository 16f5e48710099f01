"""Reads for the governance pages: the public event table, ITA checklists and their status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import ibis.expr.types as ir
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from goodgov.agencies.models import Agency
from goodgov.governance.models import ItaAnswer, ItaChecklist, ItaItem
from goodgov.performance import engine
from goodgov.performance.export import default_log


def public_events() -> tuple[ir.Table | None, int]:
    """This node's public event table (the Parquet copy as last exported) and its size."""
    log = default_log()
    return engine.duckdb_events(log), log.size()


def agencies() -> list[Agency]:
    return list(Agency.objects.order_by("code"))


def agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def checklist_for(agency: Agency, year: int) -> ItaChecklist | None:
    return ItaChecklist.objects.filter(year=year, agency_kind=agency.kind).first()


@dataclass(frozen=True)
class ItaStatus:
    item: ItaItem
    answer: ItaAnswer | None
    auto_url: str = ""
    auto_text: Any = ""
    waiting: Any = ""  # why an automatic item has no link yet

    @property
    def url(self) -> str:
        return self.auto_url or (self.answer.url if self.answer else "")

    @property
    def met(self) -> bool:
        return bool(self.url)


def _has_services(agency: Agency) -> bool:
    from goodgov.catalogue.models import Service

    return Service.objects.filter(agency=agency, active=True, current__isnull=False).exists()


def _has_figures(agency: Agency) -> bool:
    figures = engine.figures_for(default_log())
    return any(row["agency"] == agency.code for row in figures.rows)


def _has_plan_results(agency: Agency, year: int) -> bool:
    try:
        from goodgov.performance.plans import indicators_achieved
    except ImportError:
        return False
    return indicators_achieved(agency, year) is not None  # a plan covers the year


def _has_ratings(agency: Agency, year: int) -> bool:
    """Whether any applicant of the agency answered the satisfaction question in ``year``."""
    from goodgov.governance.indicators import Context, satisfaction_in_period
    from goodgov.governance.periods import Period

    events, _size = public_events()
    answers, _mean = satisfaction_in_period(Context(agency, Period(year), events))
    return answers > 0


def _plans_url(agency: Agency) -> str:
    try:
        return reverse("performance:plans:agency", kwargs={"code": agency.code})
    except NoReverseMatch:
        return ""


def _automatic(item: ItaItem, agency: Agency, year: int) -> tuple[str, Any, Any]:
    """``(url, link text, waiting)`` for an item the platform publishes itself."""
    auto = ItaItem.Auto
    if item.auto in (auto.SERVICE_MANUAL, auto.E_SERVICE):
        if _has_services(agency):
            return (
                reverse("catalogue:agency", kwargs={"code": agency.code}),
                _("The agency's services in the catalogue"),
                "",
            )
        return "", "", _("The agency has no service in the catalogue yet.")
    if item.auto == auto.SERVICE_STATISTICS:
        if _has_figures(agency):
            return (
                reverse("performance:index") + "?" + urlencode({"agency": agency.code}),
                _("Service performance figures"),
                "",
            )
        return "", "", _("No service performance figures are published for the agency yet.")
    if item.auto == auto.PROGRESS_REPORT:
        url = _plans_url(agency)
        if url and _has_plan_results(agency, year):
            return url, _("The agency's plan and its progress"), ""
        return "", "", _("No plan progress is published for the agency and year yet.")
    if item.auto == auto.SATISFACTION:
        if _has_ratings(agency, year):
            return (
                reverse("performance:index") + "?" + urlencode({"agency": agency.code}),
                _("User satisfaction in the service performance figures"),
                "",
            )
        return "", "", _("No applicant of the agency answered the satisfaction question this year.")
    if item.auto == auto.COMPLAINT_CHANNEL:
        return "", "", _("The complaints service is not on this platform yet.")
    return "", "", ""


def ita_statuses(agency: Agency, year: int) -> list[ItaStatus] | None:
    """Each item of the agency's checklist for ``year`` with its link, or None: no checklist."""
    checklist = checklist_for(agency, year)
    if checklist is None:
        return None
    items = list(checklist.items.order_by("position"))
    answers = {
        a.item_id: a
        for a in ItaAnswer.objects.filter(item__checklist=checklist, agency=agency).select_related(
            "answered_by"
        )
    }
    statuses = []
    for item in items:
        url, text, waiting = _automatic(item, agency, year) if item.auto else ("", "", "")
        statuses.append(ItaStatus(item, answers.get(item.pk), url, text, waiting))
    return statuses


def ita_item(agency: Agency, year: int, code: str) -> ItaItem | None:
    checklist = checklist_for(agency, year)
    if checklist is None:
        return None
    return checklist.items.filter(code=code).first()


def ita_answer(agency: Agency, item: ItaItem) -> ItaAnswer | None:
    return ItaAnswer.objects.filter(item=item, agency=agency).first()
