"""Service performance measures: each defined once, as an Ibis expression over the event table.

The event table is the public log as :mod:`goodgov.performance.eventlog` flattens it, so
anyone holding the public log computes the same figures. Every measure is per agency,
service and calendar month in Thai time (Asia/Bangkok, UTC+7 all year round).

A measure is an aggregation over one of six *bases*, each a relation with the columns
``agency``, ``service`` and ``month`` (``year * 12 + month - 1``):

- ``started``: one row per ``case.started``, month of starting; ``submitted`` says whether
  the case has been submitted since (at any time);
- ``submitted``: one row per ``case.submitted``, month of submission;
- ``decided``: one row per decision (``case.approved`` or ``case.rejected``) joined to the
  case's ``case.submitted`` by agency and reference, month of the decision; ``days`` from
  submission to decision, the statutory ``due`` and the SLA target ``sla_due`` (when the
  submission carries one), and whether the decision met each as last published (an
  answer to a request for information may have moved them: :func:`moved_dues`);
- ``month_end``: for every complete month from a service's first submission, the cases
  submitted by then, with the month of their closing (decided or withdrawn), the month of
  the due date in force at the month's end (the submission's, or the last an answer
  moved) and whether the deadline stood still then (waiting for the applicant under a
  service whose clock stops), counted per kind;
- ``rated``: one row per ``case.rated`` (the applicant's answer to the satisfaction
  question once the case closed), month of the answer, with its ``score`` (1 to 5);
- ``cost``: one row per month for which the agency has entered the service's cost
  (``service.cost_set``, up to the log's latest month), with that ``cost`` and the
  month's number of decisions (``decided``).

:func:`monthly` groups each base once and joins the results: one row per agency, service
and month, one column per measure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

__all__ = ["MEASURES", "Measure", "by_code", "month_label", "month_of", "monthly"]

#: Asia/Bangkok is UTC+7 all year (no daylight saving since 1920), so a fixed offset is exact.
LOCAL_OFFSET_HOURS = 7
US_PER_DAY = 86_400_000_000
DECIDED = ("case.approved", "case.rejected")
CLOSED = (*DECIDED, "case.withdrawn")
KEYS = ["agency", "service", "month"]

COUNT = "count"
RATIO = "ratio"
DAYS = "days"
SCORE = "score"  # mean of answers from 1 (very dissatisfied) to 5 (very satisfied)
BAHT = "baht"

COST_SET = "service.cost_set"
#: ``service.cost_set``'s ``period``: a calendar month, or a Thai fiscal year (October to
#: September) named by the Common Era year it ends in.
MONTH_PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
FISCAL_YEAR_PERIOD = r"^FY[0-9]{4}$"


def month_of(moment: ir.TimestampValue) -> ir.IntegerValue:
    """The Thai-time calendar month of a UTC timestamp, as ``year * 12 + month - 1``."""
    local = moment + ibis.interval(hours=LOCAL_OFFSET_HOURS)
    return local.year().cast("int64") * 12 + local.month().cast("int64") - 1


def latest_month(events: ir.Table) -> ir.IntegerValue:
    """The month of the log's latest entry: of the latest instant, not the latest of every
    entry's month (the same, as months follow time, without a month for each entry)."""
    return month_of(events.at.max())


def month_label(month: int) -> str:
    """``year * 12 + month - 1`` as ``YYYY-MM`` (Common Era)."""
    year, index = divmod(int(month), 12)
    return f"{year:04d}-{index + 1:02d}"


def month_number(label: str) -> int:
    year, month = label.split("-")
    return int(year) * 12 + int(month) - 1


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator`` as a float, and null (no data) when nothing is counted."""
    return ibis.ifelse(
        denominator == 0, ibis.null("float64"), numerator.cast("float64") / denominator
    )


def _count_if(condition: ir.BooleanValue) -> ir.IntegerValue:
    return condition.ifelse(1, 0).sum()


# Bases -------------------------------------------------------------------------------


def _submissions(events: ir.Table) -> ir.Table:
    """Every ``case.submitted``, keyed by agency and reference."""
    rows = events.filter(events.action == "case.submitted")
    return rows.select(
        "agency",
        "reference",
        "service",
        "channel",
        submitted_us=rows.at_us,
        due_us=rows.due_us,
        sla_due_us=rows.sla_due_us,
        month=month_of(rows.at),
        due_month=month_of(rows.due),
    )


def moved_dues(events: ir.Table) -> ir.Table:
    """The due dates the applicant's answers last published, per case: ``agency``,
    ``reference``, ``due_us`` and ``sla_due_us`` (each null when no answer published one).

    A service whose clock stops while the applicant is asked for information moves the
    due dates later when the applicant answers, and ``case.info_provided`` publishes them;
    otherwise the submission's stand, so a case's due dates as last published are these,
    else its submission's (the submission is always its first entry). Only the answers
    are read: a tenth of the cases, not every submission. One aggregation: each date of
    the answer with the highest index among those that carry it.
    """
    rows = events.filter(
        (events.action == "case.info_provided")
        & events.reference.notnull()
        & (events.due_us.notnull() | events.sla_due_us.notnull())
    )
    index = rows["index"]
    return rows.group_by("agency", "reference").aggregate(
        due_us=rows.due_us.argmax(index, where=rows.due_us.notnull()),
        sla_due_us=rows.sla_due_us.argmax(index, where=rows.sla_due_us.notnull()),
    )


def started_base(events: ir.Table) -> ir.Table:
    started = events.filter(events.action == "case.started")
    started = started.select("agency", "service", "case", month=month_of(started.at))
    later = events.filter(events.action == "case.submitted")
    later = later.select(submitted_case=later.case).distinct()
    joined = started.left_join(later, started.case == later.submitted_case)
    return joined.select("agency", "service", "month", submitted=joined.submitted_case.notnull())


def submitted_base(events: ir.Table) -> ir.Table:
    return _submissions(events).select("agency", "service", "month", "channel")


def decided_base(events: ir.Table) -> ir.Table:
    decisions = events.filter(events.action.isin(DECIDED))
    decisions = decisions.select(
        "agency", "reference", decided_us=decisions.at_us, month=month_of(decisions.at)
    )
    cases = _submissions(events).drop("month", "channel", "due_month")
    joined = decisions.join(cases, ["agency", "reference"])
    dues = moved_dues(events).rename(moved_due_us="due_us", moved_sla_due_us="sla_due_us")
    joined = joined.left_join(dues, ["agency", "reference"])
    latest_due_us = joined.moved_due_us.coalesce(joined.due_us)
    latest_sla_due_us = joined.moved_sla_due_us.coalesce(joined.sla_due_us)
    return joined.select(
        "agency",
        "service",
        "month",
        days=(joined.decided_us - joined.submitted_us) / US_PER_DAY,
        # The law's and the level's time as the submission set them; whether the decision
        # met them, by the due dates last published (moved while the applicant was asked).
        deadline_days=((joined.due_us - joined.submitted_us) / US_PER_DAY).round(0),
        within_deadline=joined.decided_us <= latest_due_us,
        sla_days=((joined.sla_due_us - joined.submitted_us) / US_PER_DAY).round(0),
        within_sla=joined.decided_us <= latest_sla_due_us,  # null without an SLA target
    )


#: Beyond any month: the end of the last span of a case (it runs on).
_NO_END = 10**9


def _is_stop(events: ir.Table) -> ir.BooleanValue:
    """A request for information under a service whose deadline stands still until the
    answer (published since ``clock_stopped`` was; an older request counts as one whose
    clock runs)."""
    return (events.action == "case.info_requested") & events.clock_stopped.fill_null(False)


def _spans(events: ir.Table) -> ir.Table:
    """Each submitted case's spans of months alike at their ends: ``start`` (the first
    month of the span), ``end`` (the first month after it, or :data:`_NO_END`), the month
    of the due date in force and whether the clock stood still at the month's end, with
    the case's ``agency``, ``service`` and ``closed_month`` (decided or withdrawn; null
    while open).

    A case never asked for information has one span, from the month of its submission,
    on its due date. A case asked has a first span up to the month of its first request
    or answer, then a span from each month with one: waiting with the clock stopped
    (after a request with ``clock_stopped``), or running on the due date in force (after
    an answer, or a request under a service whose clock runs: the latest due date an
    answer published, due dates only moving later, else the submission's); of several
    in one month, the last counts. The requests and answers alone make these steps,
    joined to every case once (most have none).
    """
    cases = _submissions(events)
    closings = events.filter(events.action.isin(CLOSED))
    closed = closings.group_by("agency", "reference").aggregate(
        closed_month=month_of(closings.at).min()
    )
    asked = events.filter(events.action.isin(("case.info_requested", "case.info_provided")))
    asked = asked.select(
        "agency",
        "reference",
        "index",
        "due",
        month=month_of(asked.at),
        stopped=_is_stop(asked),
    )
    months = asked.group_by("agency", "reference", "month").aggregate(
        stopped=asked.stopped.argmax(asked["index"]), due=asked.due.max()
    )
    by_case = ibis.window(group_by=["agency", "reference"], order_by="month")
    so_far = ibis.cumulative_window(group_by=["agency", "reference"], order_by="month")
    in_force = months.due.max().over(so_far)
    steps = months.select(
        "agency",
        "reference",
        step_start=months.month,
        step_end=months.month.lead().over(by_case).fill_null(_NO_END),
        step_due=month_of(in_force),  # null: the submission's
        step_stopped=months.stopped,
    )
    # Each asked case's first span, from its submission (start null) to its first step.
    firsts = months.group_by("agency", "reference").aggregate(step_end=months.month.min())
    firsts = firsts.select(
        "agency",
        "reference",
        step_start=ibis.null("int64"),
        step_end=firsts.step_end,
        step_due=ibis.null("int64"),
        step_stopped=ibis.literal(False),
    )
    joined = cases.left_join(closed, ["agency", "reference"]).left_join(
        steps.union(firsts), ["agency", "reference"]
    )
    return joined.select(
        "agency",
        "service",
        "closed_month",
        start=joined.step_start.fill_null(joined.month),
        end=joined.step_end.fill_null(_NO_END),
        due_month=joined.step_due.fill_null(joined.due_month),
        stopped=joined.step_stopped.fill_null(False),
    )


def month_end_base(events: ir.Table) -> ir.Table:
    spans = _spans(events)
    # Cases alike in these months count alike: keep one row per kind, with how many.
    kinds = spans.group_by(
        "agency", "service", "start", "end", "due_month", "stopped", "closed_month"
    ).aggregate(cases=spans.count())
    cases = _submissions(events)
    last_month = latest_month(events)
    firsts = cases.group_by("agency", "service").aggregate(first=cases.month.min())
    calendar = firsts.select(
        "agency", "service", month=ibis.range(firsts.first, last_month).unnest()
    )
    ends = calendar.join(
        kinds,
        [
            calendar.agency == kinds.agency,
            calendar.service == kinds.service,
            kinds.start <= calendar.month,
            calendar.month < kinds.end,
        ],
    )
    open_ = ends.closed_month.isnull() | (ends.closed_month > ends.month)
    return ends.select(
        "agency",
        "service",
        "month",
        "cases",
        open=open_,
        # Past its due date in force, unless the deadline stood still at the month's end.
        overdue=(ends.due_month <= ends.month) & ~ends.stopped,
    )


def rated_base(events: ir.Table) -> ir.Table:
    answers = events.filter((events.action == "case.rated") & events.score.between(1, 5))
    return answers.select("agency", "service", "score", month=month_of(answers.at))


def _costs(events: ir.Table) -> ir.Table:
    """The cost of each service per month: the month's own entry, else its fiscal year's
    entry spread evenly (one twelfth a month); for a period entered more than once, the
    entry last recorded counts."""
    entries = events.filter(
        (events.action == COST_SET)
        & events.amount.notnull()
        & events.service.notnull()
        & (events.period.re_search(MONTH_PERIOD) | events.period.re_search(FISCAL_YEAR_PERIOD))
    )
    latest = entries.group_by("agency", "service", "period").aggregate(index=entries["index"].max())
    entries = entries.join(latest, ["agency", "service", "period", "index"])
    is_month = entries.period.re_search(MONTH_PERIOD)
    months = entries.filter(is_month)
    months = months.select(
        "agency",
        "service",
        month=months.period.substr(0, 4).cast("int64") * 12
        + months.period.substr(5, 2).cast("int64")
        - 1,
        own=months.amount,
        spread=ibis.null("float64"),
    )
    years = entries.filter(~is_month)
    # Fiscal year Y runs from October of Y - 1 (month 12 * Y - 3) to September of Y.
    first = years.period.substr(2, 4).cast("int64") * 12 - 3
    years = years.select(
        "agency",
        "service",
        month=ibis.range(first, first + 12).unnest(),
        own=ibis.null("float64"),
        spread=years.amount / 12,
    )
    both = months.union(years)
    return both.group_by("agency", "service", "month").aggregate(
        cost=both.own.max().coalesce(both.spread.max())
    )


def cost_base(events: ir.Table) -> ir.Table:
    costs = _costs(events)
    costs = costs.filter(costs.month <= latest_month(events))  # none for future months
    decisions = decided_base(events)
    counts = decisions.group_by(KEYS).aggregate(decided=decisions.count())
    joined = costs.left_join(counts, KEYS)
    return joined.select(
        costs.agency,
        costs.service,
        costs.month,
        cost=joined.cost,
        decided=joined.decided.coalesce(0),
    )


BASES: dict[str, Callable[[ir.Table], ir.Table]] = {
    "started": started_base,
    "submitted": submitted_base,
    "decided": decided_base,
    "month_end": month_end_base,
    "rated": rated_base,
    "cost": cost_base,
}


# Measures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    code: str
    name: dict[str, str]
    definition: dict[str, str]
    formula: str
    unit: str  # COUNT, RATIO (0 to 1), DAYS, SCORE (1 to 5) or BAHT
    base: str
    aggregate: Callable[[ir.Table], ir.Value]
    #: The value for a month with no rows in the base (0 for counts; None: no data).
    empty: int | None = None
    #: Only a complete month has a month end: the log's latest month shows no value.
    complete_months_only: bool = False


MEASURES: tuple[Measure, ...] = (
    Measure(
        code="applications",
        name={"th": "คำขอที่ยื่น", "en": "Applications submitted"},
        definition={
            "th": "จำนวนคำขอที่ยื่นในเดือน (เหตุการณ์ case.submitted)",
            "en": "Applications submitted in the month (case.submitted events).",
        },
        formula="count(case.submitted)",
        unit=COUNT,
        base="submitted",
        aggregate=lambda t: t.count(),
        empty=0,
    ),
    Measure(
        code="decisions",
        name={"th": "คำวินิจฉัย", "en": "Decisions"},
        definition={
            "th": "จำนวนคำขอที่มีคำวินิจฉัยในเดือน ทั้งอนุมัติและไม่อนุมัติ",
            "en": "Applications decided in the month, approved or refused.",
        },
        formula="count(case.approved) + count(case.rejected)",
        unit=COUNT,
        base="decided",
        aggregate=lambda t: t.count(),
        empty=0,
    ),
    Measure(
        code="completion_rate",
        name={"th": "อัตราการยื่นคำขอสำเร็จ", "en": "Completion rate"},
        definition={
            "th": "สัดส่วนของคำขอที่เริ่มกรอกในเดือนซึ่งได้ยื่นแล้ว (นับตามเดือนที่เริ่ม)",
            "en": "Of the applications started in the month, the share submitted since "
            "(counted by the month they were started).",
        },
        formula="count(started in month and submitted) ÷ count(started in month)",
        unit=RATIO,
        base="started",
        aggregate=lambda t: _ratio(_count_if(t.submitted), t.count()),
    ),
    Measure(
        code="digital_takeup",
        name={"th": "สัดส่วนการใช้บริการออนไลน์", "en": "Digital take-up"},
        definition={
            "th": "สัดส่วนของคำขอที่ยื่นในเดือนทางออนไลน์ เทียบกับทุกช่องทาง (ออนไลน์และจุดบริการ)",
            "en": "Of the applications submitted in the month, the share made online "
            "rather than at a counter.",
        },
        formula="count(case.submitted, channel = online) ÷ count(case.submitted)",
        unit=RATIO,
        base="submitted",
        aggregate=lambda t: _ratio(_count_if(t.channel == "online"), t.count()),
    ),
    Measure(
        code="processing_median_days",
        name={"th": "ระยะเวลาดำเนินการ (มัธยฐาน)", "en": "Processing time (median)"},
        definition={
            "th": "มัธยฐานของจำนวนวันตั้งแต่ยื่นคำขอถึงวันที่มีคำวินิจฉัย ของคำขอที่วินิจฉัยในเดือน",
            "en": "Median days from submission to decision, over the applications decided "
            "in the month.",
        },
        formula="median(decision.at - submitted.at) in days",
        unit=DAYS,
        base="decided",
        aggregate=lambda t: t.days.median(),
    ),
    Measure(
        code="processing_p90_days",
        name={"th": "ระยะเวลาดำเนินการ (เปอร์เซ็นไทล์ที่ 90)", "en": "Processing time (90th percentile)"},
        definition={
            "th": "จำนวนวันที่ร้อยละ 90 ของคำขอที่วินิจฉัยในเดือนใช้ไม่เกิน (ประมาณค่าในช่วงแบบเชิงเส้น)",
            "en": "Days within which 90% of the applications decided in the month were "
            "decided (linear interpolation between ranks).",
        },
        formula="quantile_cont(decision.at - submitted.at, 0.9) in days",
        unit=DAYS,
        base="decided",
        aggregate=lambda t: t.days.quantile(0.9),
    ),
    Measure(
        code="deadline_days",
        name={"th": "ระยะเวลาตามกฎหมาย", "en": "Statutory deadline"},
        definition={
            "th": "ระยะเวลาที่กฎหมายกำหนดเป็นวัน (ค่าสูงสุด) ของคำขอที่วินิจฉัยในเดือน",
            "en": "The statutory deadline in days (the longest) of the applications decided "
            "in the month.",
        },
        formula="max(round(submitted.due - submitted.at)) in days",
        unit=DAYS,
        base="decided",
        aggregate=lambda t: t.deadline_days.max(),
    ),
    Measure(
        code="within_deadline",
        name={"th": "วินิจฉัยภายในระยะเวลาตามกฎหมาย", "en": "Decided within the statutory deadline"},
        definition={
            "th": "สัดส่วนของคำขอที่วินิจฉัยในเดือนซึ่งวินิจฉัยไม่เกินวันครบกำหนดตามกฎหมาย "
            "โดยใช้วันครบกำหนดที่ประกาศล่าสุด (บริการที่หยุดนับเวลาระหว่างรอข้อมูลเพิ่มเติมจากผู้ยื่นคำขอ "
            "จะเลื่อนวันครบกำหนดออกไปเท่ากับเวลาที่รอ)",
            "en": "Of the applications decided in the month, the share decided by their "
            "statutory deadline, as last published (a service whose clock stops while the "
            "applicant is asked for information moves it later by the time waited).",
        },
        formula="count(decision.at ≤ due) ÷ count(decisions), due = the last published by "
        "case.submitted or case.info_provided",
        unit=RATIO,
        base="decided",
        aggregate=lambda t: _ratio(_count_if(t.within_deadline), t.count()),
    ),
    Measure(
        code="sla_days",
        name={"th": "มาตรฐานเวลาให้บริการ", "en": "Service level target"},
        definition={
            "th": "มาตรฐานเวลาให้บริการเป็นจำนวนวัน (ค่าสูงสุด) ของคำขอที่วินิจฉัยในเดือน "
            "เฉพาะคำขอที่บันทึกมาตรฐานเวลาไว้เมื่อยื่น",
            "en": "The service level target in days (the longest) of the applications "
            "decided in the month, where the submission recorded one.",
        },
        formula="max(round(submitted.sla_due - submitted.at)) in days",
        unit=DAYS,
        base="decided",
        aggregate=lambda t: t.sla_days.max(),
    ),
    Measure(
        code="within_sla",
        name={"th": "วินิจฉัยภายในมาตรฐานเวลา", "en": "Decided within the service level"},
        definition={
            "th": "สัดส่วนของคำขอที่วินิจฉัยในเดือนซึ่งวินิจฉัยไม่เกินมาตรฐานเวลาให้บริการ "
            "เฉพาะคำขอที่บันทึกมาตรฐานเวลาไว้เมื่อยื่น โดยใช้วันครบกำหนดที่ประกาศล่าสุด "
            "(บริการที่หยุดนับเวลาระหว่างรอข้อมูลเพิ่มเติมจากผู้ยื่นคำขอ จะเลื่อนวันครบกำหนดออกไปเท่ากับเวลาที่รอ)",
            "en": "Of the applications decided in the month whose submission recorded a "
            "service level target, the share decided by it, as last published (a service "
            "whose clock stops while the applicant is asked for information moves it later "
            "by the time waited).",
        },
        formula="count(decision.at ≤ sla_due) ÷ count(decisions with sla_due), sla_due = the "
        "last published by case.submitted or case.info_provided",
        unit=RATIO,
        base="decided",
        aggregate=lambda t: _ratio(_count_if(t.within_sla), t.within_sla.count()),
    ),
    Measure(
        code="backlog",
        name={"th": "คำขอค้างดำเนินการสิ้นเดือน", "en": "Backlog at month end"},
        definition={
            "th": "จำนวนคำขอที่ยื่นแล้ว แต่ ณ สิ้นเดือนยังไม่มีคำวินิจฉัยและยังไม่ได้ถอนคำขอ",
            "en": "Applications submitted but neither decided nor withdrawn at the end of "
            "the month.",
        },
        formula="count(submitted.at < month end and not closed before month end)",
        unit=COUNT,
        base="month_end",
        aggregate=lambda t: t.open.ifelse(t.cases, 0).sum(),
        empty=0,
        complete_months_only=True,
    ),
    Measure(
        code="overdue",
        name={"th": "คำขอเกินกำหนดสิ้นเดือน", "en": "Overdue at month end"},
        definition={
            "th": "จำนวนคำขอค้างดำเนินการ ณ สิ้นเดือน ที่เลยวันครบกำหนดตามกฎหมายซึ่งมีผลอยู่ ณ สิ้นเดือนแล้ว "
            "ไม่นับคำขอที่หยุดนับเวลาระหว่างรอข้อมูลเพิ่มเติมจากผู้ยื่นคำขอ ณ สิ้นเดือน "
            "(เมื่อผู้ยื่นคำขอตอบแล้ว วันครบกำหนดจะเลื่อนออกไปเท่ากับเวลาที่รอ)",
            "en": "Applications in the backlog at the end of the month whose statutory "
            "deadline, as in force then, had passed; not those whose clock stood still "
            "then while the applicant was asked for information (when they answer, the "
            "deadline moves later by the time waited).",
        },
        formula="count(backlog at month end with due < month end and the clock running), "
        "due = the last published by case.submitted or case.info_provided before month end; "
        "the clock stands still from a case.info_requested with clock_stopped until the "
        "next case.info_provided",
        unit=COUNT,
        base="month_end",
        aggregate=lambda t: (t.open & t.overdue).ifelse(t.cases, 0).sum(),
        empty=0,
        complete_months_only=True,
    ),
    Measure(
        code="satisfaction",
        name={"th": "ความพึงพอใจของผู้รับบริการ", "en": "User satisfaction"},
        definition={
            "th": "คะแนนเฉลี่ยของคำตอบในเดือนต่อคำถาม “ท่านพึงพอใจบริการนี้เพียงใด” "
            "จาก 1 (ไม่พึงพอใจมาก) ถึง 5 (พึงพอใจมาก) ซึ่งผู้ยื่นคำขอตอบได้ครั้งเดียวเมื่อคำขอสิ้นสุดแล้ว",
            "en": "The mean score of the answers given in the month to “How satisfied are "
            "you with this service?”, from 1 (very dissatisfied) to 5 (very satisfied), "
            "asked once of the applicant when the application is closed.",
        },
        formula="mean(case.rated.score)",
        unit=SCORE,
        base="rated",
        # As a float before averaging: PostgreSQL averages integers as numeric.
        aggregate=lambda t: t.score.cast("float64").mean(),
    ),
    Measure(
        code="satisfaction_answers",
        name={"th": "จำนวนคำตอบแบบสำรวจความพึงพอใจ", "en": "Satisfaction answers"},
        definition={
            "th": "จำนวนคำตอบแบบสำรวจความพึงพอใจในเดือน (เหตุการณ์ case.rated)",
            "en": "Answers to the satisfaction question in the month (case.rated events).",
        },
        formula="count(case.rated)",
        unit=COUNT,
        base="rated",
        aggregate=lambda t: t.count(),
        empty=0,
    ),
    Measure(
        code="cost",
        name={"th": "ต้นทุนการให้บริการ", "en": "Cost of the service"},
        definition={
            "th": "ต้นทุนการให้บริการของเดือนที่หน่วยงานบันทึก (เหตุการณ์ service.cost_set) "
            "ต้นทุนรายปีงบประมาณเฉลี่ยเท่ากันเดือนละหนึ่งในสิบสอง หากไม่ได้บันทึกต้นทุนของเดือนนั้นเอง",
            "en": "The cost of the service for the month as the agency entered it "
            "(service.cost_set): the cost entered for the month itself, else a twelfth "
            "of the cost entered for its fiscal year.",
        },
        formula="service.cost_set.amount (month) or amount ÷ 12 (fiscal year)",
        unit=BAHT,
        base="cost",
        aggregate=lambda t: t.cost.sum(),
    ),
    Measure(
        code="cost_per_transaction",
        name={"th": "ต้นทุนต่อรายการ", "en": "Cost per transaction"},
        definition={
            "th": "ต้นทุนการให้บริการของเดือนหารด้วยจำนวนคำขอที่มีคำวินิจฉัยในเดือน "
            "(ไม่มีข้อมูลเมื่อไม่มีต้นทุนหรือไม่มีคำวินิจฉัย)",
            "en": "The cost of the service for the month divided by the applications "
            "decided in the month (no data without a cost or without decisions).",
        },
        formula="cost ÷ (count(case.approved) + count(case.rejected))",
        unit=BAHT,
        base="cost",
        aggregate=lambda t: _ratio(t.cost.sum(), t.decided.sum()),
    ),
)


def by_code(code: str) -> Measure:
    for measure in MEASURES:
        if measure.code == code:
            return measure
    raise KeyError(code)


def monthly(events: ir.Table, measures: tuple[Measure, ...] = MEASURES) -> ir.Table:
    """One row per agency, service and month; ``complete`` and one column per measure."""
    grouped: list[ir.Table] = []
    for base_name, base in BASES.items():
        mine = [m for m in measures if m.base == base_name]
        if not mine:
            continue
        rows = base(events)
        grouped.append(rows.group_by(KEYS).aggregate(**{m.code: m.aggregate(rows) for m in mine}))
    keys = ibis.union(*[g.select(KEYS) for g in grouped], distinct=True)
    table = keys
    for part in grouped:
        table = table.left_join(part, KEYS).select(
            *KEYS,
            *[c for c in table.columns if c not in KEYS],
            *[c for c in part.columns if c not in KEYS],
        )
    last_month = latest_month(events)
    complete = table.month < last_month
    columns: dict[str, Any] = {}
    for measure in measures:
        value = table[measure.code]
        if measure.empty is not None:
            value = value.coalesce(measure.empty)
        if measure.complete_months_only:
            value = ibis.ifelse(complete, value, ibis.null(value.type()))
        columns[measure.code] = value
    return table.select(*KEYS, complete=complete, **columns).order_by(KEYS)
