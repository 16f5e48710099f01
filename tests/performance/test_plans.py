"""Plan progress: pro-rated targets, progress, status and roll-up, each checked against
figures worked out by hand; values computed from the public log; indicators achieved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from goodgov.performance import plans, services
from goodgov.performance.eventlog import ParquetLog, rows_from_entries
from goodgov.performance.models import Indicator, Plan, StrategicObjective

pytestmark = pytest.mark.django_db

D = Decimal
FY = 2026  # fiscal year 2569 BE: 1 October 2025 to 30 September 2026


def make_plan(agency: Any, actor: Any = None, *, first: int = FY, last: int = FY) -> Plan:
    return services.plan_create(
        actor=actor,
        agency=agency,
        first_year=first,
        last_year=last,
        title_th="แผนพัฒนาบริการ",
        title_en="Service development plan",
        vision_th="บริการรวดเร็ว โปร่งใส",
        vision_en="Quick, open services",
        mission_th="ให้บริการออนไลน์",
        mission_en="Serve online",
    )


def make_objective(plan: Plan, weight: str = "1", name: str = "เป้าประสงค์") -> StrategicObjective:
    return services.objective_add(actor=None, plan=plan, name_th=name, weight=D(weight))


def make_indicator(
    objective: StrategicObjective,
    *,
    baseline: str = "0",
    direction: str = "up",
    weight: str = "1",
    measure: str = "",
    owner: Any = None,
    name: str = "ตัวชี้วัด",
    name_en: str = "",
) -> Indicator:
    return services.indicator_add(
        actor=None,
        objective=objective,
        name_th=name,
        name_en=name_en,
        kind="outcome",
        unit_th="ร้อยละ",
        unit_en="per cent",
        baseline=D(baseline),
        direction=direction,
        data_source_th="แหล่งข้อมูล",
        weight=D(weight),
        measure=measure,
        owner=owner,
    )


def set_target(indicator: Indicator, value: str, period: str = "h1", year: int = FY) -> None:
    services.target_set(
        actor=None, indicator=indicator, fiscal_year=year, period=period, value=D(value)
    )


def approved_value(
    indicator: Indicator,
    value: str,
    *,
    by: Any,
    approver: Any,
    period: str = "h1",
    year: int = FY,
) -> None:
    row = services.indicator_value_enter(
        actor=by,
        indicator=indicator,
        fiscal_year=year,
        period=period,
        value=D(value),
        evidence_note="รายงานผลสำรวจ",
        today=dt.date(2030, 1, 1),
    )
    services.indicator_value_approve(actor=approver, value=row)


# Periods and the pure arithmetic --------------------------------------------------


def test_fiscal_periods_of_the_thai_fiscal_year():
    # given / when / then
    assert plans.fiscal_year_of(dt.date(2025, 10, 1)) == 2026
    assert plans.fiscal_year_of(dt.date(2026, 9, 30)) == 2026
    assert plans.be(2026) == 2569
    assert plans.period_bounds(2026, "h1") == (dt.date(2025, 10, 1), dt.date(2026, 3, 31))
    assert plans.period_bounds(2026, "h2") == (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    assert plans.period_bounds(2026, "year") == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    assert plans.period_months(2026, "h1") == (2025 * 12 + 9, 2026 * 12 + 2)


def test_elapsed_share_counts_today_and_stays_within_zero_and_one():
    # given: H1 of 2569 has 31+30+31+31+28+31 = 182 days; 1 January is its 93rd
    # when
    inside = plans.elapsed(FY, "h1", dt.date(2026, 1, 1))
    before = plans.elapsed(FY, "h2", dt.date(2026, 1, 1))
    after = plans.elapsed(FY, "h1", dt.date(2026, 4, 1))
    # then
    assert inside == D(93) / D(182)
    assert before == 0
    assert after == 1


@pytest.mark.parametrize(
    ("baseline", "target", "value", "direction", "expected_progress", "status"),
    [
        ("50", "70", "68", "up", "0.9", "on_track"),  # 18 of 20: exactly the threshold
        ("50", "70", "64", "up", "0.7", "at_risk"),  # 14 of 20
        ("50", "70", "63.9", "up", "0.695", "off_track"),
        ("10", "6", "8", "down", "0.5", "off_track"),  # 2 of 4 fewer
        ("10", "6", "5", "down", "1.25", "on_track"),  # beyond the target
        ("50", "70", "45", "up", "-0.25", "off_track"),  # worse than the baseline
        ("5", "5", "5", "up", "1", "on_track"),  # keep at the baseline: met
        ("5", "5", "4", "up", "0", "off_track"),  # keep at the baseline: missed
    ],
)
def test_progress_and_status_at_the_end_of_a_period(
    baseline: str, target: str, value: str, direction: str, expected_progress: str, status: str
):
    # given: the whole period has gone by, so the expected value is the target
    expected = plans.expected_value(D(baseline), D(target), D(1))
    # when
    progress = plans.progress_ratio(
        baseline=D(baseline), expected=expected, value=D(value), direction=direction
    )
    # then
    assert expected == D(target)
    assert progress == D(expected_progress)
    assert plans.status_for(progress) == status


def test_the_target_is_pro_rated_from_the_baseline_over_the_elapsed_part():
    # given: baseline 50, H1 target 70, on 1 January (93 of 182 days)
    fraction = plans.elapsed(FY, "h1", dt.date(2026, 1, 1))
    # when
    expected = plans.expected_value(D(50), D(70), fraction)
    progress = plans.progress_ratio(baseline=D(50), expected=expected, value=D(58), direction="up")
    # then: 50 + 20 * 93/182 = 60.2198; progress 8 / 10.2198 = 1456/1860 = 0.7828
    assert expected.quantize(D("0.0001")) == D("60.2198")
    assert progress.quantize(D("0.0001")) == D("0.7828")
    assert plans.status_for(progress) == "at_risk"


def test_weighted_roll_up_counts_parts_with_data_each_capped_at_one():
    # given: weights 3, 1, 2 with progress 0.9, 1.5 (capped to 1) and no data
    parts = [(D(3), D("0.9")), (D(1), D("1.5")), (D(2), None)]
    # when
    rollup = plans.weighted(parts)
    # then: (3*0.9 + 1*1) / 4 = 0.925, over 4 of 6 weight
    assert rollup.progress == D("0.925")
    assert rollup.coverage == D(4) / D(6)
    assert rollup.status == "on_track"
    assert plans.weighted([(D(1), None)]).progress is None
    assert plans.weighted([(D(1), None)]).status == ""


# A plan rolled up -------------------------------------------------------------------


@pytest.fixture
def small_plan(agency: Any, clerk: Any, approver: Any) -> dict[str, Any]:
    """Objective A (weight 60): A1 up 50→70, weight 3, value 68; A2 down 10→6, weight 1,
    value 8. Objective B (weight 40): B1 up 0→100, weight 1, value 120; B2 without value."""
    plan = make_plan(agency)
    a = make_objective(plan, "60", "A")
    b = make_objective(plan, "40", "B")
    a1 = make_indicator(a, baseline="50", weight="3")
    a2 = make_indicator(a, baseline="10", direction="down", weight="1")
    b1 = make_indicator(b, baseline="0", weight="1")
    b2 = make_indicator(b, baseline="0", weight="1")
    for indicator, target in ((a1, "70"), (a2, "6"), (b1, "100"), (b2, "100")):
        set_target(indicator, target)
    for indicator, value in ((a1, "68"), (a2, "8"), (b1, "120")):
        approved_value(indicator, value, by=clerk, approver=approver)
    return {"plan": plan, "a1": a1, "a2": a2, "b1": b1, "b2": b2}


def test_progress_rolls_up_from_indicators_to_objectives_to_the_plan(small_plan: dict[str, Any]):
    # given: the first half is over
    today = dt.date(2026, 4, 15)
    # when
    progress = plans.plan_progress(small_plan["plan"], FY, today=today, period="h1")
    # then
    a, b = progress.objectives
    assert [i.headline.progress for i in a.indicators] == [D("0.9"), D("0.5")]
    assert [i.status for i in a.indicators] == ["on_track", "off_track"]
    assert a.rollup.progress == D("0.8")  # (3*0.9 + 1*0.5) / 4
    assert a.rollup.status == "at_risk"
    assert b.indicators[0].headline.progress == D("1.2")
    assert b.indicators[1].headline is None
    assert b.rollup.progress == D(1)  # 1.2 capped, B2 has no data
    assert b.rollup.coverage == D("0.5")
    assert progress.rollup.progress == D("0.88")  # (60*0.8 + 40*1) / 100
    assert progress.rollup.status == "at_risk"
    assert progress.rollup.coverage == D(1)


def test_headline_is_the_current_half_then_the_year(agency: Any, clerk: Any, approver: Any):
    # given: targets for H1 and the year; a value for H1 only, then for the year too
    plan = make_plan(agency)
    indicator = make_indicator(make_objective(plan), baseline="0")
    set_target(indicator, "10", "h1")
    set_target(indicator, "20", "year")
    approved_value(indicator, "10", by=clerk, approver=approver, period="h1")
    # when: during H1, and during H2 (no H2 target: the year pro rata)
    in_h1 = plans.plan_progress(plan, FY, today=dt.date(2026, 3, 31))
    approved_value(indicator, "5", by=clerk, approver=approver, period="year")
    in_h2 = plans.plan_progress(plan, FY, today=dt.date(2026, 9, 30))
    # then
    assert in_h1.indicators[0].headline.period == "h1"
    assert in_h1.indicators[0].status == "on_track"
    assert in_h2.indicators[0].headline.period == "year"
    assert in_h2.indicators[0].headline.progress == D("0.25")  # 5 of 20
    assert in_h2.indicators[0].status == "off_track"


def test_the_value_approved_last_counts(agency: Any, clerk: Any, approver: Any):
    # given
    plan = make_plan(agency)
    indicator = make_indicator(make_objective(plan))
    set_target(indicator, "10")
    approved_value(indicator, "3", by=clerk, approver=approver)
    approved_value(indicator, "9", by=clerk, approver=approver)
    # when
    progress = plans.plan_progress(plan, FY, today=dt.date(2026, 4, 1), period="h1")
    # then
    assert progress.indicators[0].headline.value == D(9)


# Values computed from the public log --------------------------------------------------


@pytest.fixture
def source(tmp_path: Path, log: Any) -> Any:
    """Applications of TBNK in fiscal year 2569 (and one of another agency), in Parquet."""
    # H1: four submissions in November 2568, three online; one decided late
    late = log.file("2025-11-03 10:00", due="2025-11-10 10:00", channel="online")
    log.decide(late, "2025-11-20 09:00")
    on_time = log.file("2025-11-04 10:00", due="2025-11-20 10:00", channel="online")
    log.decide(on_time, "2025-11-06 09:00")
    log.file("2025-11-05 10:00", due="2025-11-20 10:00", channel="online")
    log.file("2025-11-06 10:00", due="2025-11-20 10:00", channel="counter")
    # H2: one at the counter in April 2569
    log.file("2026-04-02 10:00", due="2026-04-20 10:00", channel="counter")
    # another agency, same month: not TBNK's
    log.file("2025-11-03 10:00", due="2025-11-10 10:00", channel="counter", agency="DEPT")
    parquet = ParquetLog(tmp_path / "events")
    with parquet.locked():
        parquet.append(rows_from_entries(log.entries, 0))
    return plans.MeasureSource(parquet)


@pytest.mark.parametrize(
    ("measure", "period", "expected"),
    [
        ("applications", "h1", D(4)),
        ("applications", "h2", D(1)),
        ("applications", "year", D(5)),
        ("digital_takeup", "h1", D("75")),  # 3 of 4, as a percentage
        ("digital_takeup", "h2", D("0")),
        ("digital_takeup", "year", D("60")),  # 3 of 5
        ("within_deadline", "h1", D("50")),  # 1 of 2 decisions
        ("within_deadline", "h2", None),  # no decisions: no data, not 0
        ("decisions", "h2", D(0)),
        ("backlog", "h1", D(2)),  # at the end of March: 4 submitted, 2 decided
        ("backlog", "h2", None),  # April, the log's last month, is not over
    ],
)
def test_a_bound_measure_is_computed_over_the_period_for_the_agency(
    source: Any, measure: str, period: str, expected: Decimal | None
):
    # given / when
    value = source.value(measure=measure, agency="TBNK", service="", fiscal_year=FY, period=period)
    # then
    assert value == expected


def test_a_computed_indicator_shows_the_measure_and_takes_no_manual_values(
    agency: Any, source: Any, clerk: Any
):
    # given: take-up from 20% to 80% over the first half
    plan = make_plan(agency)
    indicator = make_indicator(make_objective(plan), baseline="20", measure="digital_takeup")
    set_target(indicator, "80")
    # when
    progress = plans.plan_progress(plan, FY, today=dt.date(2026, 4, 1), period="h1", source=source)
    # then: 75% is 55 of the 60 points expected: 0.9166…, on track
    headline = progress.indicators[0].headline
    assert headline.value == D("75")
    assert headline.progress.quantize(D("0.0001")) == D("0.9167")
    assert headline.status == "on_track"
    with pytest.raises(services.PlanError) as refused:
        services.indicator_value_enter(
            actor=clerk, indicator=indicator, fiscal_year=FY, period="h1", value=1
        )
    assert refused.type is services.PlanError  # not a refusal of the officer
    assert not indicator.values.exists()


# For the scorecard ----------------------------------------------------------------------


def test_indicators_achieved_counts_yearly_targets_met(
    agency: Any, other_agency: Any, clerk: Any, approver: Any
):
    # given: three indicators with a yearly target (one met, one missed, one without a
    # value) and one with only a half-year target
    plan = make_plan(agency)
    objective = make_objective(plan)
    met = make_indicator(objective, baseline="10", direction="down")
    missed = make_indicator(objective, baseline="0")
    empty = make_indicator(objective, baseline="0")
    half = make_indicator(objective, baseline="0")
    set_target(met, "5", "year")
    set_target(missed, "100", "year")
    set_target(empty, "100", "year")
    set_target(half, "1", "h1")
    approved_value(met, "5", by=clerk, approver=approver, period="year")
    approved_value(missed, "99", by=clerk, approver=approver, period="year")
    approved_value(half, "1", by=clerk, approver=approver, period="h1")
    # when / then: Buddhist-era and Common Era fiscal years alike
    assert plans.indicators_achieved(agency, 2569) == (1, 3)
    assert plans.indicators_achieved(agency, 2026) == (1, 3)
    assert plans.indicators_achieved(agency, 2570) is None
    assert plans.indicators_achieved(other_agency, 2569) is None
