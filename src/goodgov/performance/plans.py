"""Reads about plans: periods of the Thai fiscal year, indicator values, progress and its
roll-up, and :func:`indicators_achieved` for the good-governance scorecard.

Progress, in one place (``docs/performance.md`` says the same):

- A period is the first half (H1, October to March), the second half (H2, April to
  September) or the whole fiscal year. ``elapsed`` is the share of the period's days gone
  by, today included (0 before it starts, 1 once it is over).
- The *expected* value is the target pro-rated linearly from the baseline:
  ``baseline + (target - baseline) * elapsed``.
- *Progress* is how much of the expected change from the baseline was made:
  ``(value - baseline) / (expected - baseline)``; when nothing is expected to change
  (``expected == baseline``), it is 1 if the value is no worse than expected, else 0.
  The same formula serves both directions: for "lower is better" both differences are
  negative when things go well.
- *Status*: on track at progress >= :data:`ON_TRACK_FROM` (0.9), at risk from
  :data:`AT_RISK_FROM` (0.7), off track below; "no data" without a value or a target.
- *Roll-up*: an objective's progress is the weighted mean of its indicators' progress,
  each capped to [0, 1] so one indicator far ahead cannot hide another behind; a plan's
  is the weighted mean of its objectives'. Only parts with data count (their weights are
  renormalised), and the share of weight with data is shown beside the figure.
- An indicator's *headline* (its status on the plan page, and the one its owner is
  alerted about) is for the current half-year if it has a target and a value for it,
  else for the whole year; once the year is over, the whole year, else the second half.
- A value is computed from the bound performance measure over the period's months (a
  ratio as a percentage), or it is the manual value approved last for the period.
  A manual value counts only once another officer approved it.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils import timezone

from goodgov.core import thai
from goodgov.performance import measures as m
from goodgov.performance.eventlog import ParquetLog
from goodgov.performance.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Period,
    Plan,
    StrategicObjective,
)

__all__ = [
    "AT_RISK_FROM",
    "ON_TRACK_FROM",
    "MeasureSource",
    "PlanProgress",
    "expected_value",
    "indicators_achieved",
    "period_bounds",
    "plan_progress",
    "progress_ratio",
    "status_for",
]

#: Status thresholds on progress (share of the pro-rated change achieved).
ON_TRACK_FROM = Decimal("0.9")
AT_RISK_FROM = Decimal("0.7")

ON_TRACK = Indicator.Status.ON_TRACK.value
AT_RISK = Indicator.Status.AT_RISK.value
OFF_TRACK = Indicator.Status.OFF_TRACK.value
NO_DATA = Indicator.Status.NO_DATA.value

PERIODS = (Period.H1.value, Period.H2.value, Period.YEAR.value)
FOUR_PLACES = Decimal("0.0001")


# Fiscal years and periods ------------------------------------------------------------


def fiscal_year_of(day: dt.date) -> int:
    """The Thai fiscal year of ``day``, as stored: the Common Era year it ends in."""
    return day.year + 1 if day.month >= 10 else day.year


def be(fiscal_year: int) -> int:
    """A stored fiscal year as people read it (Buddhist era)."""
    return thai.be_year(fiscal_year)


def from_be(year_be: int) -> int:
    return thai.ce_year(year_be)


def period_bounds(fiscal_year: int, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period of a fiscal year (stored, Common Era)."""
    if period == Period.H1:
        return dt.date(fiscal_year - 1, 10, 1), dt.date(fiscal_year, 3, 31)
    if period == Period.H2:
        return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year, 9, 30)
    if period == Period.YEAR:
        return dt.date(fiscal_year - 1, 10, 1), dt.date(fiscal_year, 9, 30)
    raise ValueError(f"unknown period {period!r}")


def period_months(fiscal_year: int, period: str) -> tuple[int, int]:
    """First and last month of a period as the measures number months (year*12+month-1)."""
    first, last = period_bounds(fiscal_year, period)
    return first.year * 12 + first.month - 1, last.year * 12 + last.month - 1


def elapsed(fiscal_year: int, period: str, today: dt.date) -> Decimal:
    """The share of the period's days gone by, today included, in [0, 1]."""
    first, last = period_bounds(fiscal_year, period)
    if today < first:
        return Decimal(0)
    if today >= last:
        return Decimal(1)
    return Decimal((today - first).days + 1) / Decimal((last - first).days + 1)


def current_half(today: dt.date) -> str:
    return Period.H2.value if 4 <= today.month <= 9 else Period.H1.value


# Progress and status -----------------------------------------------------------------


def expected_value(baseline: Decimal, target: Decimal, fraction: Decimal) -> Decimal:
    """The target pro-rated linearly from the baseline over the elapsed share."""
    return baseline + (target - baseline) * fraction


def progress_ratio(
    *, baseline: Decimal, expected: Decimal, value: Decimal, direction: str
) -> Decimal:
    """How much of the expected change from the baseline was made (see the module doc)."""
    if expected == baseline:
        better = value >= expected if direction == Indicator.Direction.UP else value <= expected
        return Decimal(1) if better else Decimal(0)
    return (value - baseline) / (expected - baseline)


def status_for(progress: Decimal | None) -> str:
    if progress is None:
        return NO_DATA
    if progress >= ON_TRACK_FROM:
        return ON_TRACK
    if progress >= AT_RISK_FROM:
        return AT_RISK
    return OFF_TRACK


def capped(progress: Decimal) -> Decimal:
    return min(max(progress, Decimal(0)), Decimal(1))


# Computed values ----------------------------------------------------------------------


_cache: dict[tuple[Any, ...], Decimal | None] = {}
_cache_lock = threading.Lock()


class MeasureSource:
    """Where computed values come from: the measures run on DuckDB over a Parquet copy of
    the public log (this node's, as ``goodgov analytics export`` keeps it, by default).
    Values are kept per process for each exported size of the copy."""

    def __init__(self, log: ParquetLog | None = None) -> None:
        if log is None:
            from goodgov.performance.export import default_log

            log = default_log()
        self.log = log
        self._events: Any = None
        self._size: int | None = None

    def _table(self) -> Any:
        if self._events is None:
            from goodgov.performance import engine

            self._events = engine.duckdb_events(self.log)
        return self._events

    def size(self) -> int:
        if self._size is None:
            self._size = self.log.size()
        return self._size

    def value(
        self, *, measure: str, agency: str, service: str, fiscal_year: int, period: str
    ) -> Decimal | None:
        first, last = period_months(fiscal_year, period)
        key = (str(self.log.directory), self.size(), measure, agency, service, first, last)
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        events = self._table() if self.size() else None
        result = (
            None
            if events is None
            else measure_over(
                events,
                m.by_code(measure),
                agency=agency,
                service=service,
                first_month=first,
                last_month=last,
            )
        )
        with _cache_lock:
            _cache[key] = result
        return result


def _python(expression: Any) -> Any:
    """A scalar expression's value as a Python object (None for no data)."""
    value = expression.to_pyarrow().as_py()
    if isinstance(value, float) and value != value:  # NaN: nothing to aggregate
        return None
    return value


def measure_over(
    events: Any,
    measure: m.Measure,
    *,
    agency: str,
    service: str,
    first_month: int,
    last_month: int,
) -> Decimal | None:
    """One measure over a span of months for an agency (and a service, or all of them):
    the measure's own aggregation over its base rows in those months. A month-end measure
    (backlog, overdue) is the figure at the end of the last complete month of the span.
    A ratio comes back as a percentage; None is "no data"."""
    base = m.BASES[measure.base](events)
    rows = base.filter((base.agency == agency) & base.month.between(first_month, last_month))
    if service:
        rows = rows.filter(rows.service == service)
    if measure.base == "month_end":
        last = _python(rows.month.max())
        if last is None:
            return None
        rows = rows.filter(rows.month == last)
    raw = _python(measure.aggregate(rows))
    if raw is None:
        if measure.empty is None:
            return None
        raw = measure.empty
    value = Decimal(str(raw))
    if measure.unit == m.RATIO:
        value *= 100
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_EVEN)


# Progress of a plan -------------------------------------------------------------------


@dataclass
class PeriodProgress:
    period: str
    target: Decimal | None
    value: Decimal | None
    #: The approved manual value counted (None for a computed indicator).
    record: IndicatorValue | None
    elapsed: Decimal
    expected: Decimal | None
    progress: Decimal | None
    status: str

    @property
    def label(self) -> str:
        return str(Period(self.period).label)

    @property
    def has_data(self) -> bool:
        return self.progress is not None


@dataclass
class IndicatorProgress:
    indicator: Indicator
    periods: dict[str, PeriodProgress]
    headline: PeriodProgress | None
    pending: list[IndicatorValue] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.headline.status if self.headline is not None else NO_DATA


@dataclass
class Rollup:
    progress: Decimal | None  # weighted mean of capped progress over parts with data
    coverage: Decimal  # share of the weight that has data, 0 to 1

    @property
    def status(self) -> str:
        return status_for(self.progress)


@dataclass
class ObjectiveProgress:
    objective: StrategicObjective
    indicators: list[IndicatorProgress]
    rollup: Rollup


@dataclass
class PlanProgress:
    plan: Plan
    fiscal_year: int
    today: dt.date
    #: None: each indicator's headline period; else the period rolled up (reports).
    period: str | None
    objectives: list[ObjectiveProgress]
    rollup: Rollup

    @property
    def indicators(self) -> list[IndicatorProgress]:
        return [i for o in self.objectives for i in o.indicators]


def weighted(parts: list[tuple[Decimal, Decimal | None]]) -> Rollup:
    """Roll up ``(weight, progress)`` pairs: weighted mean of capped progress over the
    parts with data, and the share of weight those parts carry."""
    total = sum((w for w, _ in parts), Decimal(0))
    known = [(w, capped(p)) for w, p in parts if p is not None]
    known_weight = sum((w for w, _ in known), Decimal(0))
    if not known or known_weight == 0:
        return Rollup(progress=None, coverage=Decimal(0))
    progress = sum((w * p for w, p in known), Decimal(0)) / known_weight
    return Rollup(progress=progress, coverage=known_weight / total if total else Decimal(0))


def _headline(periods: dict[str, PeriodProgress], fiscal_year: int, today: dt.date) -> Any:
    first, last = period_bounds(fiscal_year, Period.YEAR)
    if today > last:
        order = [Period.YEAR.value, Period.H2.value]
    elif today < first:
        order = []
    else:
        order = [current_half(today), Period.YEAR.value]
    for period in order:
        if periods[period].has_data:
            return periods[period]
    return None


def _approved_values(indicators: list[Indicator], fiscal_year: int) -> dict[Any, IndicatorValue]:
    """The manual value approved last for each (indicator, period)."""
    chosen: dict[tuple[int, str], IndicatorValue] = {}
    rows = IndicatorValue.objects.filter(
        indicator__in=indicators, fiscal_year=fiscal_year, approved_at__isnull=False
    ).order_by("approved_at", "pk")
    for row in rows:
        chosen[(row.indicator_id, row.period)] = row
    return chosen


def plan_progress(
    plan: Plan,
    fiscal_year: int,
    *,
    today: dt.date | None = None,
    period: str | None = None,
    source: MeasureSource | None = None,
) -> PlanProgress:
    """Every indicator's value, target, progress and status for each period of
    ``fiscal_year`` as of ``today``, rolled up to objectives and the plan: by each
    indicator's headline (``period=None``) or by one period (the six-month and annual
    reports)."""
    today = today or timezone.localdate()
    objectives = list(plan.objectives.all())
    indicators = list(
        Indicator.objects.filter(objective__plan=plan).select_related("objective", "owner")
    )
    targets = {
        (t.indicator_id, t.period): t.value
        for t in IndicatorTarget.objects.filter(indicator__in=indicators, fiscal_year=fiscal_year)
    }
    approved = _approved_values(indicators, fiscal_year)
    pending: dict[int, list[IndicatorValue]] = {}
    for row in IndicatorValue.objects.filter(
        indicator__in=indicators, fiscal_year=fiscal_year, approved_at__isnull=True
    ).select_related("entered_by"):
        pending.setdefault(row.indicator_id, []).append(row)
    if source is None and any(i.computed for i in indicators):
        source = MeasureSource()
    agency_code = plan.agency.code

    by_objective: dict[int, list[IndicatorProgress]] = {o.pk: [] for o in objectives}
    for indicator in indicators:
        periods: dict[str, PeriodProgress] = {}
        for name in PERIODS:
            record = None
            if indicator.computed:
                value = (
                    source.value(
                        measure=indicator.measure,
                        agency=agency_code,
                        service=indicator.measure_service,
                        fiscal_year=fiscal_year,
                        period=name,
                    )
                    if source is not None and elapsed(fiscal_year, name, today) > 0
                    else None
                )
            else:
                record = approved.get((indicator.pk, name))
                value = record.value if record is not None else None
            target = targets.get((indicator.pk, name))
            fraction = elapsed(fiscal_year, name, today)
            expected = progress = None
            if target is not None:
                expected = expected_value(indicator.baseline, target, fraction)
                if value is not None:
                    progress = progress_ratio(
                        baseline=indicator.baseline,
                        expected=expected,
                        value=value,
                        direction=indicator.direction,
                    )
            periods[name] = PeriodProgress(
                period=name,
                target=target,
                value=value,
                record=record,
                elapsed=fraction,
                expected=expected,
                progress=progress,
                status=status_for(progress),
            )
        headline = periods[period] if period else _headline(periods, fiscal_year, today)
        if headline is not None and not headline.has_data:
            headline = None
        by_objective[indicator.objective_id].append(
            IndicatorProgress(
                indicator=indicator,
                periods=periods,
                headline=headline,
                pending=pending.get(indicator.pk, []),
            )
        )

    rows = []
    for objective in objectives:
        items = by_objective[objective.pk]
        rollup = weighted(
            [(i.indicator.weight, i.headline.progress if i.headline else None) for i in items]
        )
        rows.append(ObjectiveProgress(objective=objective, indicators=items, rollup=rollup))
    plan_rollup = weighted([(o.objective.weight, o.rollup.progress) for o in rows if o.indicators])
    return PlanProgress(
        plan=plan,
        fiscal_year=fiscal_year,
        today=today,
        period=period,
        objectives=rows,
        rollup=plan_rollup,
    )


# For other apps ---------------------------------------------------------------------


def plans_of(agency: Any) -> list[Plan]:
    return list(Plan.objects.filter(agency=agency).order_by("-first_year", "pk"))


def plan_for_year(agency: Any, fiscal_year: int) -> Plan | None:
    """The agency's plan covering a fiscal year (stored, Common Era); the latest made if
    several do."""
    return (
        Plan.objects.filter(agency=agency, first_year__lte=fiscal_year, last_year__gte=fiscal_year)
        .order_by("-created_at", "-pk")
        .first()
    )


def achieved(indicator: Indicator, target: Decimal, value: Decimal) -> bool:
    if indicator.direction == Indicator.Direction.UP:
        return value >= target
    return value <= target


def indicators_achieved(
    agency: Any, fiscal_year: int, *, source: MeasureSource | None = None
) -> tuple[int, int] | None:
    """``(achieved, total)`` over the indicators of the agency's plan that have a target
    for the whole of ``fiscal_year``: achieved when the year's value (computed, or the
    approved manual value; so far, while the year runs) meets that target (>= for
    "higher is better", <= for "lower is better"). None when no plan covers the year.

    ``fiscal_year`` is the Thai fiscal year in the Buddhist era, as
    ``goodgov.core.thai.fiscal_year_be`` gives it (2569 is October 2025 to September
    2026); a Common Era year (2026 for the same) is accepted too.
    """
    year = from_be(fiscal_year) if fiscal_year > 2400 else fiscal_year
    plan = plan_for_year(agency, year)
    if plan is None:
        return None
    progress = plan_progress(plan, year, period=Period.YEAR.value, source=source)
    total = done = 0
    for item in progress.indicators:
        whole = item.periods[Period.YEAR.value]
        if whole.target is None:
            continue
        total += 1
        if whole.value is not None and achieved(item.indicator, whole.target, whole.value):
            done += 1
    return done, total
