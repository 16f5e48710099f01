"""Writes about plans: each atomic, keyword-only, and recorded in the ledger.

``actor=None`` is the system (the demo command, data migrations): it may build a plan's
structure, but values are always entered and approved by people, two different ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov.agencies.models import Agency, Membership
from goodgov.ledger.services import commitment, record
from goodgov.performance import access, plans
from goodgov.performance import events as _events  # noqa: F401  (declares the schemas)
from goodgov.performance import measures as m
from goodgov.performance.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Period,
    Plan,
    StrategicObjective,
)

#: Plans cover at most this many fiscal years (a local development plan covers five).
MAX_PLAN_YEARS = 10
MAX_FIGURE = Decimal("999999999999.9999")


class PlanError(Exception):
    """A request about a plan that cannot be carried out; ``message`` is translated and
    ``field`` names the form field it is about (None: the whole form)."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class PlanNotAllowed(PlanError):
    """The actor may not do this. Views answer 404 so nothing is revealed."""

    def __init__(self) -> None:
        super().__init__(_("You cannot do this."))


def number_text(value: Decimal) -> str:
    """A stored figure as the public log writes it: plain decimal, no trailing zeros."""
    text = f"{value.quantize(plans.FOUR_PLACES):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _figure(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise PlanError(_("Enter a number."), field) from exc
    if not number.is_finite() or abs(number) > MAX_FIGURE:
        raise PlanError(_("Enter a number."), field)
    if number != number.quantize(plans.FOUR_PLACES):
        raise PlanError(_("Use at most four digits after the decimal point."), field)
    return number.quantize(plans.FOUR_PLACES)


def _weight(value: Any) -> Decimal:
    weight = _figure(value, "weight")
    if weight <= 0:
        raise PlanError(_("The weight must be more than 0."), "weight")
    if weight != weight.quantize(Decimal("0.01")) or weight >= Decimal("100000"):
        raise PlanError(_("Enter a weight below 100,000 with at most two decimals."), "weight")
    return weight


def _require_manager(actor: Any, agency: Agency) -> None:
    if actor is not None and not access.may_manage(actor, agency):
        raise PlanNotAllowed


def _check_years(first_year: int, last_year: int) -> None:
    if not 2000 <= first_year <= 2200:
        raise PlanError(_("Enter a fiscal year between 2543 and 2743."), "first_year")
    if not 2000 <= last_year <= 2200:
        raise PlanError(_("Enter a fiscal year between 2543 and 2743."), "last_year")
    if last_year < first_year:
        raise PlanError(
            _("The last fiscal year must be the same as or after the first."), "last_year"
        )
    if last_year - first_year + 1 > MAX_PLAN_YEARS:
        raise PlanError(
            _("A plan covers at most %(count)s fiscal years.") % {"count": MAX_PLAN_YEARS},
            "last_year",
        )


def _texts(**texts: str) -> dict[str, str]:
    cleaned = {key: (value or "").strip() for key, value in texts.items()}
    for key, value in cleaned.items():
        if key.endswith("_th") and not value:
            raise PlanError(_("Enter the Thai text."), key)
    return cleaned


# Plans -------------------------------------------------------------------------------


def _plan_public(plan: Plan) -> dict[str, Any]:
    return {
        "agency": plan.agency.code,
        "plan": plan.pk,
        "first_year": plan.first_year,
        "last_year": plan.last_year,
    }


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    agency: Agency,
    first_year: int,
    last_year: int,
    title_th: str,
    vision_th: str,
    mission_th: str,
    title_en: str = "",
    vision_en: str = "",
    mission_en: str = "",
) -> Plan:
    """A new plan of ``agency`` for fiscal years ``first_year`` to ``last_year`` (stored
    form: the Common Era year each fiscal year ends in)."""
    _require_manager(actor, agency)
    _check_years(first_year, last_year)
    texts = _texts(
        title_th=title_th,
        title_en=title_en,
        vision_th=vision_th,
        vision_en=vision_en,
        mission_th=mission_th,
        mission_en=mission_en,
    )
    plan = Plan.objects.create(agency=agency, first_year=first_year, last_year=last_year, **texts)
    record(
        actor=actor,
        action="plan.created",
        subject=plan,
        agency=agency,
        public=_plan_public(plan),
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: Plan,
    first_year: int,
    last_year: int,
    title_th: str,
    vision_th: str,
    mission_th: str,
    title_en: str = "",
    vision_en: str = "",
    mission_en: str = "",
) -> Plan:
    plan = Plan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
    _require_manager(actor, plan.agency)
    _check_years(first_year, last_year)
    outside = (
        IndicatorTarget.objects.filter(indicator__objective__plan=plan)
        .exclude(fiscal_year__range=(first_year, last_year))
        .exists()
        or IndicatorValue.objects.filter(indicator__objective__plan=plan)
        .exclude(fiscal_year__range=(first_year, last_year))
        .exists()
    )
    if outside:
        raise PlanError(
            _("Targets or values exist for fiscal years outside these; keep those years."),
            "first_year",
        )
    texts = _texts(
        title_th=title_th,
        title_en=title_en,
        vision_th=vision_th,
        vision_en=vision_en,
        mission_th=mission_th,
        mission_en=mission_en,
    )
    plan.first_year, plan.last_year = first_year, last_year
    for key, value in texts.items():
        setattr(plan, key, value)
    plan.save(update_fields=["first_year", "last_year", *texts, "updated_at"])
    record(
        actor=actor,
        action="plan.updated",
        subject=plan,
        agency=plan.agency,
        public=_plan_public(plan),
    )
    return plan


# Objectives --------------------------------------------------------------------------


def _objective_public(objective: StrategicObjective) -> dict[str, Any]:
    return {
        "agency": objective.plan.agency.code,
        "plan": objective.plan_id,
        "objective": objective.pk,
        "number": objective.number,
        "weight": number_text(objective.weight),
    }


def _check_number(number: int, taken: Any) -> None:
    if number < 1 or number > 999:
        raise PlanError(_("Enter a number from 1 to 999."), "number")
    if taken.exists():
        raise PlanError(_("This number is already used; choose another."), "number")


@transaction.atomic
def objective_add(
    *,
    actor: Any,
    plan: Plan,
    name_th: str,
    weight: Any,
    name_en: str = "",
    number: int | None = None,
) -> StrategicObjective:
    plan = Plan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
    _require_manager(actor, plan.agency)
    texts = _texts(name_th=name_th, name_en=name_en)
    if number is None:
        number = (
            plan.objectives.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
    _check_number(number, plan.objectives.filter(number=number))
    objective = StrategicObjective.objects.create(
        plan=plan, number=number, weight=_weight(weight), **texts
    )
    record(
        actor=actor,
        action="plan.objective_added",
        subject=objective,
        agency=plan.agency,
        public=_objective_public(objective),
    )
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: Any,
    objective: StrategicObjective,
    name_th: str,
    weight: Any,
    number: int,
    name_en: str = "",
) -> StrategicObjective:
    objective = (
        StrategicObjective.objects.select_for_update()
        .select_related("plan", "plan__agency")
        .get(pk=objective.pk)
    )
    _require_manager(actor, objective.plan.agency)
    texts = _texts(name_th=name_th, name_en=name_en)
    _check_number(number, objective.plan.objectives.filter(number=number).exclude(pk=objective.pk))
    objective.number, objective.weight = number, _weight(weight)
    for key, value in texts.items():
        setattr(objective, key, value)
    objective.save(update_fields=["number", "weight", *texts, "updated_at"])
    record(
        actor=actor,
        action="plan.objective_updated",
        subject=objective,
        agency=objective.plan.agency,
        public=_objective_public(objective),
    )
    return objective


# Indicators --------------------------------------------------------------------------


def _indicator_public(indicator: Indicator) -> dict[str, Any]:
    plan = indicator.objective.plan
    return {
        "agency": plan.agency.code,
        "plan": plan.pk,
        "objective": indicator.objective_id,
        "indicator": indicator.pk,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "baseline": number_text(indicator.baseline),
        "weight": number_text(indicator.weight),
        "measure": indicator.measure,
        "service": indicator.measure_service,
    }


def _indicator_fields(
    *,
    agency: Agency,
    name_th: str,
    name_en: str,
    kind: str,
    unit_th: str,
    unit_en: str,
    baseline: Any,
    direction: str,
    data_source_th: str,
    data_source_en: str,
    owner: Any,
    weight: Any,
    measure: str,
    measure_service: str,
) -> dict[str, Any]:
    texts = _texts(
        name_th=name_th,
        name_en=name_en,
        unit_th=unit_th,
        unit_en=unit_en,
        data_source_th=data_source_th,
        data_source_en=data_source_en,
    )
    if kind not in Indicator.Kind.values:
        raise PlanError(_("Choose output or outcome."), "kind")
    if direction not in Indicator.Direction.values:
        raise PlanError(_("Choose whether higher or lower is better."), "direction")
    measure = (measure or "").strip()
    measure_service = (measure_service or "").strip() if measure else ""
    if measure and measure not in {x.code for x in m.MEASURES}:
        raise PlanError(_("Choose a performance measure from the list."), "measure")
    if measure_service:
        from goodgov.catalogue.models import Service

        if not Service.objects.filter(agency=agency, code=measure_service).exists():
            raise PlanError(_("Choose one of this agency's services."), "measure_service")
    if (
        owner is not None
        and not Membership.objects.filter(user=owner, agency=agency, active=True).exists()
    ):
        raise PlanError(_("The owner must be an officer of this agency."), "owner")
    return {
        **texts,
        "kind": kind,
        "direction": direction,
        "baseline": _figure(baseline, "baseline"),
        "weight": _weight(weight),
        "owner": owner,
        "measure": measure,
        "measure_service": measure_service,
    }


@transaction.atomic
def indicator_add(
    *,
    actor: Any,
    objective: StrategicObjective,
    name_th: str,
    kind: str,
    unit_th: str,
    baseline: Any,
    direction: str,
    data_source_th: str,
    weight: Any,
    owner: Any = None,
    measure: str = "",
    measure_service: str = "",
    name_en: str = "",
    unit_en: str = "",
    data_source_en: str = "",
) -> Indicator:
    """An indicator of ``objective``: computed from the performance measure ``measure``
    (for one service of the agency, or all of them), or entered by hand when empty."""
    objective = (
        StrategicObjective.objects.select_for_update()
        .select_related("plan", "plan__agency")
        .get(pk=objective.pk)
    )
    agency = objective.plan.agency
    _require_manager(actor, agency)
    values = _indicator_fields(
        agency=agency,
        name_th=name_th,
        name_en=name_en,
        kind=kind,
        unit_th=unit_th,
        unit_en=unit_en,
        baseline=baseline,
        direction=direction,
        data_source_th=data_source_th,
        data_source_en=data_source_en,
        owner=owner,
        weight=weight,
        measure=measure,
        measure_service=measure_service,
    )
    number = (
        objective.indicators.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    indicator = Indicator.objects.create(objective=objective, number=number, **values)
    record(
        actor=actor,
        action="plan.indicator_added",
        subject=indicator,
        agency=agency,
        public=_indicator_public(indicator),
    )
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: Any,
    indicator: Indicator,
    name_th: str,
    kind: str,
    unit_th: str,
    baseline: Any,
    direction: str,
    data_source_th: str,
    weight: Any,
    owner: Any = None,
    measure: str = "",
    measure_service: str = "",
    name_en: str = "",
    unit_en: str = "",
    data_source_en: str = "",
) -> Indicator:
    indicator = (
        Indicator.objects.select_for_update()
        .select_related("objective", "objective__plan", "objective__plan__agency")
        .get(pk=indicator.pk)
    )
    agency = indicator.objective.plan.agency
    _require_manager(actor, agency)
    values = _indicator_fields(
        agency=agency,
        name_th=name_th,
        name_en=name_en,
        kind=kind,
        unit_th=unit_th,
        unit_en=unit_en,
        baseline=baseline,
        direction=direction,
        data_source_th=data_source_th,
        data_source_en=data_source_en,
        owner=owner,
        weight=weight,
        measure=measure,
        measure_service=measure_service,
    )
    if values["measure"] and indicator.values.exists():
        raise PlanError(
            _("Values were entered for this indicator by hand; it cannot become computed."),
            "measure",
        )
    for key, value in values.items():
        setattr(indicator, key, value)
    indicator.save(update_fields=[*values, "updated_at"])
    record(
        actor=actor,
        action="plan.indicator_updated",
        subject=indicator,
        agency=agency,
        public=_indicator_public(indicator),
    )
    return indicator


# Targets and values ------------------------------------------------------------------


def _check_period(plan: Plan, fiscal_year: int, period: str) -> None:
    if not plan.covers(fiscal_year):
        raise PlanError(_("This plan does not cover that fiscal year."), "fiscal_year")
    if period not in Period.values:
        raise PlanError(_("Choose a period."), "period")


@transaction.atomic
def target_set(
    *, actor: Any, indicator: Indicator, fiscal_year: int, period: str, value: Any
) -> IndicatorTarget | None:
    """Set (or with ``value=None`` remove) the target of one period of a fiscal year."""
    indicator = (
        Indicator.objects.select_for_update()
        .select_related("objective__plan__agency")
        .get(pk=indicator.pk)
    )
    plan = indicator.objective.plan
    _require_manager(actor, plan.agency)
    _check_period(plan, fiscal_year, period)
    target: IndicatorTarget | None = None
    if value is None or value == "":
        deleted, _count = IndicatorTarget.objects.filter(
            indicator=indicator, fiscal_year=fiscal_year, period=period
        ).delete()
        if not deleted:
            return None
        figure = None
    else:
        figure = _figure(value, period)
        target, _created = IndicatorTarget.objects.update_or_create(
            indicator=indicator,
            fiscal_year=fiscal_year,
            period=period,
            defaults={"value": figure},
        )
    record(
        actor=actor,
        action="indicator.target_set",
        subject=indicator,
        agency=plan.agency,
        public={
            "agency": plan.agency.code,
            "plan": plan.pk,
            "indicator": indicator.pk,
            "fiscal_year": fiscal_year,
            "period": period,
            "target": None if figure is None else number_text(figure),
        },
    )
    return target


@transaction.atomic
def indicator_value_enter(
    *,
    actor: Any,
    indicator: Indicator,
    fiscal_year: int,
    period: str,
    value: Any,
    evidence_url: str = "",
    evidence_note: str = "",
    today: dt.date | None = None,
) -> IndicatorValue:
    """An officer of the agency enters a manual indicator's value for a period, with its
    evidence. It counts once another approver or administrator approves it."""
    indicator = Indicator.objects.select_related("objective__plan__agency").get(pk=indicator.pk)
    plan = indicator.objective.plan
    if actor is None or not access.may_enter(actor, plan.agency):
        raise PlanNotAllowed
    if indicator.computed:
        raise PlanError(_("This indicator is computed from the ledger; it takes no values."))
    _check_period(plan, fiscal_year, period)
    first, _last = plans.period_bounds(fiscal_year, period)
    if first > (today or timezone.localdate()):
        raise PlanError(_("This period has not started yet."), "period")
    evidence_url = (evidence_url or "").strip()
    evidence_note = (evidence_note or "").strip()
    if not evidence_url and not evidence_note:
        raise PlanError(_("Give a link to the evidence or describe it."), "evidence_url")
    row = IndicatorValue.objects.create(
        indicator=indicator,
        fiscal_year=fiscal_year,
        period=period,
        value=_figure(value, "value"),
        evidence_url=evidence_url,
        evidence_note=evidence_note,
        entered_by=actor,
    )
    record(
        actor=actor,
        action="indicator.value_entered",
        subject=row,
        agency=plan.agency,
        public={
            "agency": plan.agency.code,
            "plan": plan.pk,
            "indicator": indicator.pk,
            "value_id": row.pk,
            "fiscal_year": fiscal_year,
            "period": period,
            "value": number_text(row.value),
            "officer": commitment(actor),
        },
    )
    return row


@transaction.atomic
def indicator_value_approve(*, actor: Any, value: IndicatorValue) -> IndicatorValue:
    """Another officer (approver or administrator of the agency) approves an entered
    value; from then on it counts. Whoever entered it can never approve it."""
    row = (
        IndicatorValue.objects.select_for_update()
        .select_related("indicator__objective__plan__agency")
        .get(pk=value.pk)
    )
    plan = row.indicator.objective.plan
    if actor is None or not access.may_approve(actor, plan.agency):
        raise PlanNotAllowed
    if row.entered_by_id == actor.pk:
        raise PlanError(_("You entered this value, so another officer must approve it."))
    if row.approved_at is not None:
        raise PlanError(_("This value is already approved."))
    row.approved_by = actor
    row.approved_at = timezone.now()
    row.save(update_fields=["approved_by", "approved_at", "updated_at"])
    record(
        actor=actor,
        action="indicator.value_approved",
        subject=row,
        agency=plan.agency,
        public={
            "agency": plan.agency.code,
            "plan": plan.pk,
            "indicator": row.indicator_id,
            "value_id": row.pk,
            "fiscal_year": row.fiscal_year,
            "period": row.period,
            "value": number_text(row.value),
            "approver": commitment(actor),
        },
    )
    return row


# Progress ----------------------------------------------------------------------------


def _alert(indicator: Indicator, progress: plans.IndicatorProgress, fiscal_year: int) -> None:
    from goodgov.notifications.services import in_language_of, message_send

    owner = indicator.owner
    headline = progress.headline
    assert owner is not None and headline is not None
    with in_language_of(owner):
        subject = _("Indicator off track: %(name)s") % {"name": indicator.name}
        body = _(
            "The indicator “%(name)s” of the plan “%(plan)s” is off track for %(period)s "
            "of fiscal year %(year)s: %(value)s %(unit)s against %(expected)s %(unit)s "
            "expected by now (target %(target)s %(unit)s). Please review it and the "
            "actions behind it."
        ) % {
            "name": indicator.name,
            "plan": indicator.objective.plan.title,
            "period": str(Period(headline.period).label).lower(),
            "year": plans.be(fiscal_year),
            "value": number_text(headline.value or Decimal(0)),
            "expected": number_text((headline.expected or Decimal(0)).quantize(Decimal("0.01"))),
            "target": number_text(headline.target or Decimal(0)),
            "unit": indicator.unit,
        }
    message_send(user=owner, subject=subject, body=body)


def plan_progress_refresh(
    *,
    plan: Plan,
    today: dt.date | None = None,
    source: plans.MeasureSource | None = None,
) -> list[Indicator]:
    """Recompute each indicator's headline status for the current fiscal year and store
    it; tell an indicator's owner once when it turns off track (not again while it stays
    so). Returns the indicators whose owners were alerted. Nothing happens outside the
    plan's years. The statuses are derived from public data, so no event is recorded."""
    today = today or timezone.localdate()
    year = plans.fiscal_year_of(today)
    if not plan.covers(year):
        return []
    progress = plans.plan_progress(plan, year, today=today, source=source)
    alerted: list[Indicator] = []
    now = timezone.now()
    with transaction.atomic():
        locked = {
            i.pk: i
            for i in Indicator.objects.select_for_update(of=("self",))
            .select_related("owner", "objective__plan")
            .filter(objective__plan=plan)
        }
        for item in progress.indicators:
            indicator = locked.get(item.indicator.pk)
            if indicator is None:
                continue
            status = item.status
            turned = status == plans.OFF_TRACK and indicator.status != plans.OFF_TRACK
            fields = ["status", "status_refreshed_at"]
            if turned and indicator.owner is not None and indicator.owner.is_active:
                _alert(indicator, item, year)
                indicator.off_track_alerted_at = now
                fields.append("off_track_alerted_at")
                alerted.append(indicator)
            indicator.status = status
            indicator.status_refreshed_at = now
            indicator.save(update_fields=fields)
    return alerted


def plans_progress_refresh(*, today: dt.date | None = None) -> tuple[int, list[Indicator]]:
    """Refresh every plan covering the current fiscal year (``goodgov performance
    progress``): how many plans, and the indicators whose owners were alerted."""
    today = today or timezone.localdate()
    year = plans.fiscal_year_of(today)
    source = plans.MeasureSource()
    current = Plan.objects.filter(first_year__lte=year, last_year__gte=year).select_related(
        "agency"
    )
    alerted: list[Indicator] = []
    count = 0
    for plan in current:
        count += 1
        alerted += plan_progress_refresh(plan=plan, today=today, source=source)
    return count, alerted
