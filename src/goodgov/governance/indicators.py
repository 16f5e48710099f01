"""The good-governance scorecard: every principle and every indicator, defined here once.

Each :class:`Indicator` has a code, a name and a definition (th/en), a formula, its data
source, and a function that computes it for one agency and one Thai fiscal period. The
value is 0 to 100, with the numbers it was computed from and links to where anyone can
see them (``/performance/``, the public ledger filtered to the events counted, the
catalogue, the ITA checklist); or ``None``, "no data yet", when nothing exists to compute
it from. No indicator ever makes a number up: an indicator without a source of data
always answers ``None`` and says what it is waiting for.

Most indicators read the public event log only, as Ibis expressions over the analytics
event table (:mod:`goodgov.performance.eventlog`; DuckDB over the Parquet copy, or the
primary PostgreSQL database's view of it), the same table and the same bases as the
service performance measures, so anyone holding the public log can recompute them. They
are aggregated in the engine, for all agencies at once (see :func:`aggregates`). The others say what else they read (the catalogue, the
agency's plan, its ITA answers, or the case records for ledger coverage).

A principle's score is the mean of its indicators that have data; a principle none of
whose indicators has data shows "no data yet".
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir
from django.urls import NoReverseMatch, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from goodgov.governance.periods import Period
from goodgov.performance import measures as m

__all__ = [
    "GROUPS",
    "INDICATORS",
    "PRINCIPLES",
    "Context",
    "Fact",
    "Indicator",
    "Link",
    "Principle",
    "Result",
    "by_code",
    "scorecard",
]


# What an indicator returns -------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One number an indicator was computed from, as the page shows it."""

    label: Any  # a lazy translated string
    value: str


@dataclass(frozen=True)
class Link:
    text: Any
    url: str


@dataclass(frozen=True)
class Result:
    """``value`` 0 to 100, or None: no data yet (``waiting`` says what for)."""

    value: float | None
    facts: tuple[Fact, ...] = ()
    links: tuple[Link, ...] = ()
    waiting: Any = ""


def no_data(waiting: Any, *links: Link, facts: tuple[Fact, ...] = ()) -> Result:
    return Result(value=None, facts=facts, links=links, waiting=waiting)


# The context an indicator is computed in --------------------------------------------------


@dataclass
class Context:
    """One agency, one period, and the public event table (None when nothing is exported)."""

    agency: Any  # goodgov.agencies.models.Agency
    period: Period
    events: ir.Table | None

    @property
    def code(self) -> str:
        return str(self.agency.code)

    def mine(self) -> ir.Table | None:
        """The agency's entries (all periods: a decision's submission may be older)."""
        if self.events is None:
            return None
        return self.events.filter(self.events.agency == self.code)

    def in_period(self, month: ir.IntegerValue) -> ir.BooleanValue:
        return month.between(self.period.first_month, self.period.last_month)


# What is kept of an event table --------------------------------------------------------


@dataclass
class _Held:
    """The aggregates per agency computed over one event table, by relation and period."""

    events: weakref.ref[ir.Table]
    aggregates: dict[tuple[str, int, int], dict[Any, dict[str, Any]]] = field(default_factory=dict)


_held_tables: dict[int, _Held] = {}
_held_lock = threading.RLock()


def _forget(key: int) -> None:
    with _held_lock:
        _held_tables.pop(key, None)


def _held(events: ir.Table) -> _Held:
    """What is kept of ``events``, for as long as that event table lives (a few rows per
    relation and period: a scorecard made after the log's next export gets a new table)."""
    key = id(events)
    with _held_lock:
        held = _held_tables.get(key)
        if held is None or held.events() is not events:
            held = _Held(weakref.ref(events, lambda _ref: _forget(key)))
            _held_tables[key] = held
        return held


# What the indicators read of the log: aggregates per agency --------------------------------
#
# The indicators that read the public log read five relations of it, each holding every
# agency's rows for one period: the decisions (each joined to its case's submission), the
# requests for more information, the satisfaction answers, the applications started, and
# the decisions counted per region and per age band (one row per agency and group).
# Each indicator declares, next to its function and with :func:`reads`, the aggregates it
# needs of one relation; :func:`aggregates` groups each relation by agency once per event
# table and period, with the aggregates of every indicator in one query. So the scorecards
# of all agencies compile and run five queries in all, and no entry reaches Python: only
# one row per agency and relation.

Aggregates = Callable[[ir.Table], dict[str, ir.Value]]
_READS: dict[str, list[Aggregates]] = {}


def reads(relation: str) -> Callable[[Aggregates], Aggregates]:
    """Declare the aggregates (name: Ibis expression over ``relation``'s rows of one
    agency) that an indicator reads; names are unique across all indicators."""

    def declare(aggregates: Aggregates) -> Aggregates:
        _READS[relation].append(aggregates)
        return aggregates

    return declare


def in_period(period: Period, month: ir.IntegerValue) -> ir.BooleanValue:
    return month.between(period.first_month, period.last_month)


@ibis.udf.scalar.builtin(name="json_extract_path")
def _pg_json_member(document: idt.JSON, key: str) -> idt.JSON:
    """PostgreSQL's ``json_extract_path``."""


@ibis.udf.scalar.builtin(name="json_extract_path_text")
def _pg_json_member_text(document: idt.JSON, key: str) -> str:  # type: ignore[empty-body]
    """PostgreSQL's ``json_extract_path_text``."""


@ibis.udf.scalar.builtin(name="json_typeof")
def _pg_json_type(document: idt.JSON) -> str:  # type: ignore[empty-body]
    """PostgreSQL's ``json_typeof``."""


def _text_member(data: ir.StringValue, key: str, *, backend: str) -> ir.StringValue:
    """The member ``key`` of a JSON object held as text when it is a string, else null.

    Ibis's own ``unwrap_as("string")`` compiles to SQL that PostgreSQL rejects, so on
    PostgreSQL this names PostgreSQL's JSON functions."""
    document = data.cast("json")
    if backend == "postgres":
        member = _pg_json_member(document, key)
        return ibis.ifelse(
            _pg_json_type(member) == "string",
            _pg_json_member_text(document, key),
            ibis.null("string"),
        )
    return document[key].unwrap_as("string")


def decisions_relation(events: ir.Table, period: Period, *, groups: bool = False) -> ir.Table:
    """Every agency's decisions in the period, each with its case's submission.

    One row per ``case.approved``/``case.rejected`` whose Thai-time month is in the period,
    joined (as the performance measures join it) to the ``case.submitted`` of the same
    agency and reference: ``agency``, ``action``, ``decided_us``, ``submitted_us``,
    ``due_us`` and ``sla_due_us`` (the due dates last published: the submission's, moved
    later by every wait for the applicant's answer under a service whose clock stops
    meanwhile; see :func:`goodgov.performance.measures.moved_dues`), ``stopped_us`` (how
    long the clock stood still: the last published due less the submission's, 0 when it
    never moved), ``channel``, ``legal_ground`` (refusals only), and ``with_document``:
    whether the agency issued a document of the same reference. With ``groups``, also the
    submission's ``region`` and ``age_band`` (null when it has none).
    """
    backend = events.get_backend().name
    decided = events.filter(events.action.isin(m.DECIDED))
    decided = decided.filter(in_period(period, m.month_of(decided.at)))
    decided = decided.select(
        "agency",
        "reference",
        "action",
        legal_ground=_text_member(decided.data, "legal_ground", backend=backend),
        decided_us=decided.at_us,
    )
    submitted = events.filter(events.action == "case.submitted")
    submitted = submitted.select(
        "channel",
        "due_us",
        "sla_due_us",
        submitted_agency=submitted.agency,
        submitted_reference=submitted.reference,
        submitted_us=submitted.at_us,
        submitted_data=submitted.data,
    )
    joined = decided.join(
        submitted,
        [
            decided.agency == submitted.submitted_agency,
            decided.reference == submitted.submitted_reference,
        ],
    )
    dues = m.moved_dues(events)
    dues = dues.select(
        due_agency=dues.agency,
        due_reference=dues.reference,
        moved_due_us=dues.due_us,
        moved_sla_due_us=dues.sla_due_us,
    )
    joined = joined.left_join(
        dues, [joined.agency == dues.due_agency, joined.reference == dues.due_reference]
    )
    issued = events.filter(events.action == "document.issued")
    issued = issued.select(issued_agency=issued.agency, issued_reference=issued.reference)
    issued = issued.distinct()
    joined = joined.left_join(
        issued,
        [joined.agency == issued.issued_agency, joined.reference == issued.issued_reference],
    )
    grouped = (
        {name: _text_member(joined.submitted_data, name, backend=backend) for name in GROUPINGS}
        if groups
        else {}
    )
    return joined.select(
        "agency",
        "action",
        "decided_us",
        "legal_ground",
        "channel",
        "submitted_us",
        due_us=joined.moved_due_us.coalesce(joined.due_us),
        sla_due_us=joined.moved_sla_due_us.coalesce(joined.sla_due_us),
        stopped_us=(joined.moved_due_us - joined.due_us).coalesce(0),
        with_document=joined.issued_reference.notnull(),
        **grouped,
    )


#: The groupings of applicants EQU3 compares: the province of their address, their age band
#: (the ``region`` and ``age_band`` of ``case.submitted``).
GROUPINGS = ("region", "age_band")
#: The fewest decisions a region or an age band needs in the period to be compared.
MIN_GROUP_DECISIONS = 5


def groups_relation(events: ir.Table, period: Period) -> ir.Table:
    """Every agency's decisions in the period per region and per age band: one row per
    agency, ``grouping`` (``region`` or ``age_band``) and ``group`` (its value), with
    ``decisions``, ``approved`` and ``median_us`` (the median time from submission to
    decision). Decisions whose submission holds no value of a grouping are left out of it."""
    decisions = decisions_relation(events, period, groups=True)
    parts = []
    for grouping in GROUPINGS:
        known = decisions.filter(decisions[grouping].notnull())
        counted = known.group_by("agency", group=known[grouping]).aggregate(
            decisions=known.count(),
            approved=known.count(where=known.action == "case.approved"),
            median_us=(known.decided_us - known.submitted_us).median(),
        )
        parts.append(counted.mutate(grouping=ibis.literal(grouping)))
    return ibis.union(*parts)


def requests_relation(events: ir.Table, period: Period) -> ir.Table:
    """Every agency's requests for more information in the period: ``agency``, and
    ``answered``: whether a ``case.info_provided`` of the same agency and reference
    followed it."""
    requests = events.filter(
        (events.action == "case.info_requested") & in_period(period, m.month_of(events.at))
    ).select("index", "agency", "reference", requested_us=events.at_us)
    provided = events.filter(events.action == "case.info_provided")
    provided = provided.select(
        provided_agency=provided.agency,
        provided_reference=provided.reference,
        provided_us=provided.at_us,
    )
    joined = requests.left_join(
        provided,
        [
            requests.agency == provided.provided_agency,
            requests.reference == provided.provided_reference,
            provided.provided_us > requests.requested_us,
        ],
    )
    return joined.group_by("agency", "index").aggregate(answered=joined.provided_us.notnull().any())


def rated_relation(events: ir.Table, period: Period) -> ir.Table:
    """Every agency's answers to the satisfaction question in the period: the
    ``satisfaction`` performance measure's base (scores 1 to 5, month of the answer)."""
    rated = m.rated_base(events)
    return rated.filter(in_period(period, rated.month))


def started_relation(events: ir.Table, period: Period) -> ir.Table:
    """Every agency's applications started in the period, with ``submitted`` (since): the
    ``completion_rate`` performance measure's base."""
    started = m.started_base(events)
    return started.filter(in_period(period, started.month))


RELATIONS: dict[str, Callable[[ir.Table, Period], ir.Table]] = {
    "decisions": decisions_relation,
    "requests": requests_relation,
    "rated": rated_relation,
    "started": started_relation,
    "groups": groups_relation,
}
_READS.update({name: [] for name in RELATIONS})


def aggregates(ctx: Context, relation: str) -> dict[str, Any]:
    """The aggregates every indicator declared over ``relation``, for the context's agency
    and period (an empty mapping when the agency has no row in it, or no events)."""
    if ctx.events is None:
        return {}
    held = _held(ctx.events)
    key = (relation, ctx.period.first_month, ctx.period.last_month)
    with _held_lock:
        found = held.aggregates.get(key)
    if found is None:
        rows = RELATIONS[relation](ctx.events, ctx.period)
        named: dict[str, ir.Value] = {}
        for declared in _READS[relation]:
            values = declared(rows)
            assert not set(values) & set(named), sorted(set(values) & set(named))
            named.update(values)
        table = rows.group_by("agency").aggregate(**named).to_pyarrow()
        found = {row["agency"]: row for row in table.to_pylist()}
        with _held_lock:
            held.aggregates[key] = found
    return found.get(ctx.code, {})


def _int(row: dict[str, Any], name: str) -> int:
    return int(row.get(name) or 0)


# Shared shapes ----------------------------------------------------------------------------


def _percent(part: float, whole: float) -> float:
    return 100.0 * part / whole


def shown_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def shown_days(microseconds: float) -> str:
    return f"{microseconds / m.US_PER_DAY:,.1f}"


def _period_query(ctx: Context, action: str) -> str:
    query = {
        "agency": ctx.code,
        "action": action,
        "date_from": ctx.period.first_day().isoformat(),
        "date_to": ctx.period.last_day().isoformat(),
    }
    return urlencode({k: v for k, v in query.items() if v})


def ledger_link(ctx: Context, action: str, text: Any) -> Link:
    """The public ledger's entries of ``action`` by the agency in the period."""
    return Link(text, reverse("ledger_pages:index") + "?" + _period_query(ctx, action))


def performance_link(ctx: Context) -> Link:
    return Link(
        _("Service performance figures"),
        reverse("performance:index") + "?" + urlencode({"agency": ctx.code}),
    )


def catalogue_link(ctx: Context) -> Link:
    return Link(
        _("The agency's services in the catalogue"),
        reverse("catalogue:agency", kwargs={"code": ctx.code}),
    )


def ita_link(ctx: Context) -> Link:
    return Link(
        _("The agency's ITA open-information checklist"),
        reverse("governance:ita", kwargs={"code": ctx.code, "year": ctx.period.fiscal_year}),
    )


NO_DECISIONS = _("No application of this agency was decided in this period.")


# Indicators -----------------------------------------------------------------------------


@reads("decisions")
def _decided_within_sla_reads(d: ir.Table) -> dict[str, ir.Value]:
    return {
        "sla_decisions": d.count(where=d.sla_due_us.notnull()),
        "sla_within": d.count(where=d.decided_us <= d.sla_due_us),
    }


def decided_within_sla(ctx: Context) -> Result:
    links = (performance_link(ctx), ledger_link(ctx, "case.submitted", _("Submissions")))
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    row = aggregates(ctx, "decisions")
    decisions, within = _int(row, "sla_decisions"), _int(row, "sla_within")
    if not decisions:
        return no_data(
            _("No decision in this period was on an application that recorded a service level."),
            *links,
        )
    return Result(
        _percent(within, decisions),
        (
            Fact(_("Decisions on applications with a service level"), shown_number(decisions)),
            Fact(_("Of which decided within the service level"), shown_number(within)),
        ),
        links,
    )


@reads("requests")
def _information_requests_answered_reads(r: ir.Table) -> dict[str, ir.Value]:
    return {"requests": r.count(), "requests_answered": r.count(where=r.answered)}


def information_requests_answered(ctx: Context) -> Result:
    links = (
        ledger_link(ctx, "case.info_requested", _("Requests for more information")),
        ledger_link(ctx, "case.info_provided", _("Information provided")),
    )
    row = aggregates(ctx, "requests")
    requests, answered = _int(row, "requests"), _int(row, "requests_answered")
    if not requests:
        return no_data(_("No request for more information was made in this period."), *links)
    return Result(
        _percent(answered, requests),
        (
            Fact(_("Requests for more information made"), shown_number(requests)),
            Fact(_("Of which answered since"), shown_number(answered)),
        ),
        links,
    )


@reads("rated")
def _satisfaction_reads(r: ir.Table) -> dict[str, ir.Value]:
    # As a float before averaging: PostgreSQL averages integers as numeric.
    return {"answers": r.count(), "mean_score": r.score.cast("float64").mean()}


def satisfaction_in_period(ctx: Context) -> tuple[int, float | None]:
    """``(answers, mean score)`` of the agency's ``case.rated`` answers in the period.

    The same base as the ``satisfaction`` performance measure (scores 1 to 5, month of
    the answer); the mean is None without answers.
    """
    row = aggregates(ctx, "rated")
    answers = _int(row, "answers")
    return answers, (float(row["mean_score"]) if answers else None)


def user_satisfaction(ctx: Context) -> Result:
    links = (performance_link(ctx), ledger_link(ctx, "case.rated", _("Satisfaction answers")))
    answers, mean = satisfaction_in_period(ctx)
    if not answers or mean is None:
        return no_data(
            _("No applicant of this agency answered the satisfaction question in this period."),
            *links,
        )
    return Result(
        (mean - 1) / 4 * 100,
        (
            Fact(_("Answers to the satisfaction question"), shown_number(answers)),
            Fact(_("Mean score (1 to 5)"), f"{mean:,.2f}"),
        ),
        links,
    )


@reads("decisions")
def _processing_time_against_deadline_reads(d: ir.Table) -> dict[str, ir.Value]:
    with_deadline = d.due_us.notnull()
    # The agency's time against the law's: the time the clock stood still while the
    # applicant was asked for information counts in neither.
    allowed = d.due_us - d.stopped_us - d.submitted_us
    taken = d.decided_us - d.stopped_us - d.submitted_us
    # The share of the statutory time left, clamped to [0, 1]; 0 when no time was allowed.
    left = ibis.ifelse(
        allowed > 0,
        ibis.least(1.0, ibis.greatest(0.0, 1.0 - taken.cast("float64") / allowed.cast("float64"))),
        0.0,
    )
    # Sums of microseconds as exact decimals: past 2**63 µs (about 107 million days), a
    # large agency's year would overflow 64-bit integers.
    exact = "decimal(38, 0)"
    return {
        "deadline_decisions": d.count(where=with_deadline),
        "deadline_time_left": left.sum(where=with_deadline),
        "deadline_taken_us": taken.cast(exact).sum(where=with_deadline),
        "deadline_allowed_us": allowed.cast(exact).sum(where=with_deadline),
    }


def processing_time_against_deadline(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    row = aggregates(ctx, "decisions")
    decisions = _int(row, "deadline_decisions")
    if not decisions:
        return no_data(NO_DECISIONS, *links)
    taken, allowed = _int(row, "deadline_taken_us"), _int(row, "deadline_allowed_us")
    return Result(
        100.0 * float(row["deadline_time_left"]) / decisions,
        (
            Fact(_("Decisions"), shown_number(decisions)),
            Fact(_("Average days taken"), shown_days(taken / decisions)),
            Fact(_("Average days allowed by law"), shown_days(allowed / decisions)),
        ),
        links,
    )


#: The performance measure an agency's plan binds an indicator to, to set a target cost.
COST_MEASURE = "cost_per_transaction"
_PLAN_PERIODS = {None: "year", 1: "h1", 2: "h2"}  # goodgov.performance.models.Period


def _cost_targets(ctx: Context) -> list[tuple[Any, Any]]:
    """``(plan indicator, target)`` for each indicator of the agency's plan for the fiscal
    year that is computed from the cost per transaction and has a target for the period
    (the whole year, or the half-year)."""
    try:
        from goodgov.performance.models import IndicatorTarget
        from goodgov.performance.plans import plan_for_year
    except ImportError:
        return []
    plan = plan_for_year(ctx.agency, ctx.period.fiscal_year_ce)
    if plan is None:
        return []
    targets = IndicatorTarget.objects.filter(
        indicator__objective__plan=plan,
        indicator__measure=COST_MEASURE,
        fiscal_year=ctx.period.fiscal_year_ce,
        period=_PLAN_PERIODS[ctx.period.half],
    ).select_related("indicator")
    ordered = targets.order_by("indicator__objective__number", "indicator__number", "pk")
    return [(target.indicator, target.value) for target in ordered]


def cost_per_transaction(ctx: Context) -> Result:
    """Scored against the target cost per transaction of the agency's plan: each plan
    indicator bound to the ``cost_per_transaction`` measure with a target for the period
    scores ``100 * min(1, target ÷ cost per transaction)`` (a cost of 0 scores 100); the
    indicator is their mean. Without such a target there is nothing to score against."""
    links: tuple[Link, ...] = (performance_link(ctx),)
    plans = _plans_url(ctx)
    if plans:
        links += (Link(_("The agency's plan and its progress"), plans),)
    bound = _cost_targets(ctx)
    if not bound:
        return no_data(
            _(
                "The agency's plan for this fiscal year sets no target cost per transaction "
                "for this period, so there is nothing to score its cost against."
            ),
            *links,
        )
    from goodgov.performance.plans import measure_over

    facts: list[Fact] = []
    scores: list[float] = []
    for indicator, target in bound:
        cost = (
            None
            if ctx.events is None
            else measure_over(
                ctx.events,
                m.by_code(COST_MEASURE),
                agency=ctx.code,
                service=indicator.measure_service,
                first_month=ctx.period.first_month,
                last_month=ctx.period.last_month,
            )
        )
        services = indicator.measure_service or _("all services")
        facts.append(
            Fact(
                _("Target cost per transaction, %(services)s (baht)") % {"services": services},
                f"{target:,.2f}",
            )
        )
        if cost is None:
            continue
        facts.append(
            Fact(
                _("Cost per transaction, %(services)s (baht)") % {"services": services},
                f"{cost:,.2f}",
            )
        )
        scores.append(100.0 if cost <= 0 else 100.0 * min(1.0, max(0.0, float(target / cost))))
    if not scores:
        return no_data(
            _(
                "The agency has not entered its cost for this period, or decided no "
                "application in it: its cost per transaction is not known yet."
            ),
            *links,
            facts=tuple(facts),
        )
    return Result(sum(scores) / len(scores), tuple(facts), links)


def plan_indicators_achieved(ctx: Context) -> Result:
    try:
        from goodgov.performance.plans import indicators_achieved
    except ImportError:
        achieved = None
    else:
        achieved = indicators_achieved(ctx.agency, ctx.period.fiscal_year)
    links: tuple[Link, ...] = ()
    plans = _plans_url(ctx)
    if plans:
        links = (Link(_("The agency's plan and its progress"), plans),)
    if not achieved or not achieved[1]:
        return no_data(
            _("The agency has no plan indicator with a result for this fiscal year."), *links
        )
    done, total = achieved
    return Result(
        _percent(done, total),
        (
            Fact(_("Plan indicators with a result"), shown_number(total)),
            Fact(_("Of which achieved their target"), shown_number(done)),
        ),
        links,
    )


def _plans_url(ctx: Context) -> str:
    """The agency's plans and their progress reports (``/performance/plans/``)."""
    try:
        return reverse("performance:plans:agency", kwargs={"code": ctx.code})
    except NoReverseMatch:
        return ""


@reads("started")
def _completion_rate_reads(s: ir.Table) -> dict[str, ir.Value]:
    return {"started": s.count(), "started_submitted": s.count(where=s.submitted)}


def completion_rate(ctx: Context) -> Result:
    links = (performance_link(ctx), ledger_link(ctx, "case.started", _("Applications started")))
    row = aggregates(ctx, "started")
    started, submitted = _int(row, "started"), _int(row, "started_submitted")
    if not started:
        return no_data(_("No application to this agency was started in this period."), *links)
    return Result(
        _percent(submitted, started),
        (
            Fact(_("Applications started"), shown_number(started)),
            Fact(_("Of which submitted since"), shown_number(submitted)),
        ),
        links,
    )


def ledger_coverage(ctx: Context) -> Result:
    from goodgov.cases.models import Case, State
    from goodgov.ledger import sequencer
    from goodgov.ledger.models import Event

    links = (ledger_link(ctx, "case.approved", _("Approvals in the public ledger")),)
    decided = list(
        Case.objects.filter(
            agency=ctx.agency,
            state__in=[State.APPROVED, State.REJECTED],
            decided_at__gte=ctx.period.start,
            decided_at__lt=ctx.period.end,
        ).values_list("pk", flat=True)
    )
    if not decided:
        return no_data(NO_DECISIONS, *links)
    checkpoint = sequencer.latest_checkpoint()
    size = checkpoint.size if checkpoint is not None else 0
    published = (
        Event.objects.filter(
            action__in=m.DECIDED,
            subject_type=Case._meta.label_lower,
            subject_id__in=[str(pk) for pk in decided],
            leaf_index__isnull=False,
            leaf_index__lt=size,
        )
        .values("subject_id")
        .distinct()
        .count()
    )
    return Result(
        _percent(published, len(decided)),
        (
            Fact(_("Applications decided (case records)"), shown_number(len(decided))),
            Fact(_("Of which published in the public ledger"), shown_number(published)),
        ),
        links,
    )


@reads("decisions")
def _decisions_with_document_reads(d: ir.Table) -> dict[str, ir.Value]:
    return {"decisions": d.count(), "decisions_with_document": d.count(where=d.with_document)}


def decisions_with_document(ctx: Context) -> Result:
    links = (ledger_link(ctx, "document.issued", _("Documents issued")),)
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    row = aggregates(ctx, "decisions")
    decisions, count = _int(row, "decisions"), _int(row, "decisions_with_document")
    if not decisions:
        return no_data(NO_DECISIONS, *links)
    return Result(
        _percent(count, decisions),
        (
            Fact(_("Decisions"), shown_number(decisions)),
            Fact(_("Of which with a signed decision document"), shown_number(count)),
        ),
        links,
    )


def _ita(ctx: Context, *, integrity_only: bool) -> Result:
    from goodgov.governance import selectors

    links = (ita_link(ctx),)
    statuses = selectors.ita_statuses(ctx.agency, ctx.period.fiscal_year)
    if statuses is None:
        return no_data(
            _("No ITA checklist is set up for this fiscal year and kind of agency."), *links
        )
    if integrity_only:
        statuses = [s for s in statuses if s.item.integrity]
    if not statuses:
        return no_data(_("This year's ITA checklist has no integrity items."), *links)
    met = sum(1 for s in statuses if s.met)
    return Result(
        _percent(met, len(statuses)),
        (
            Fact(_("Items"), shown_number(len(statuses))),
            Fact(_("Of which published (with a link)"), shown_number(met)),
        ),
        links,
    )


def ita_items_met(ctx: Context) -> Result:
    return _ita(ctx, integrity_only=False)


def ita_integrity_items_met(ctx: Context) -> Result:
    return _ita(ctx, integrity_only=True)


#: What Python's ``str.strip`` strips (``str.isspace``): a legal ground made only of these
#: states nothing. The engines' own trimming knows fewer (a test checks this list).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


@reads("decisions")
def _refusals_with_legal_ground_reads(d: ir.Table) -> dict[str, ir.Value]:
    refused = d.action == "case.rejected"
    stated = d.legal_ground.translate(WHITESPACE, "").length() > 0
    return {
        "refusals": d.count(where=refused),
        "refusals_grounded": d.count(where=refused & stated),
    }


def refusals_with_legal_ground(ctx: Context) -> Result:
    links = (ledger_link(ctx, "case.rejected", _("Refusals")),)
    waiting = _("No application of this agency was refused in this period.")
    if ctx.events is None:
        return no_data(waiting, *links)
    row = aggregates(ctx, "decisions")
    refusals, grounded = _int(row, "refusals"), _int(row, "refusals_grounded")
    if not refusals:
        return no_data(waiting, *links)
    return Result(
        _percent(grounded, refusals),
        (
            Fact(_("Refusals"), shown_number(refusals)),
            Fact(_("Of which state their legal ground"), shown_number(grounded)),
        ),
        links,
    )


def appeals_answered(ctx: Context) -> Result:
    return no_data(_("Appeals against decisions are not recorded on this platform yet."))


@reads("decisions")
def _decided_within_deadline_reads(d: ir.Table) -> dict[str, ir.Value]:
    return {
        "statutory_decisions": d.count(where=d.due_us.notnull()),
        "statutory_within": d.count(where=d.decided_us <= d.due_us),
    }


def decided_within_deadline(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    row = aggregates(ctx, "decisions")
    decisions, within = _int(row, "statutory_decisions"), _int(row, "statutory_within")
    if not decisions:
        return no_data(NO_DECISIONS, *links)
    return Result(
        _percent(within, decisions),
        (
            Fact(_("Decisions"), shown_number(decisions)),
            Fact(_("Of which decided within the statutory deadline"), shown_number(within)),
        ),
        links,
    )


def services_with_legal_basis(ctx: Context) -> Result:
    from goodgov.catalogue.models import Service

    links = (catalogue_link(ctx),)
    services = list(
        Service.objects.filter(agency=ctx.agency, active=True, current__isnull=False)
        .select_related("current")
        .order_by("code")
    )
    if not services:
        return no_data(_("The agency has no service in the catalogue."), *links)
    stated = sum(1 for s in services if _states_legal_basis(s.definition))
    return Result(
        _percent(stated, len(services)),
        (
            Fact(_("Services in the catalogue"), shown_number(len(services))),
            Fact(_("Of which state their legal basis"), shown_number(stated)),
        ),
        links,
    )


def _states_legal_basis(definition: dict[str, Any]) -> bool:
    bases = definition.get("legal_basis") or []
    return any(isinstance(b, dict) and b.get("act") for b in bases)


#: The channels the equity indicators compare.
CHANNELS = ("online", "counter")


@reads("decisions")
def _channel_reads(d: ir.Table) -> dict[str, ir.Value]:
    """Decisions per channel (both equity indicators read them)."""
    return {f"{name}_decisions": d.count(where=d.channel == name) for name in CHANNELS}


@reads("decisions")
def _waiting_time_across_channels_reads(d: ir.Table) -> dict[str, ir.Value]:
    # The median of integers: the middle one, or the mean of the two middle ones (exact,
    # as microseconds are below 2**53); the same in DuckDB and PostgreSQL.
    waited = d.decided_us - d.submitted_us
    return {f"{name}_median_us": waited.median(where=d.channel == name) for name in CHANNELS}


def _closeness(a: float, b: float) -> float:
    """100 when equal, down to 0: the smaller as a share of the larger."""
    high = max(a, b)
    return 100.0 if high == 0 else _percent(min(a, b), high)


NEEDS_BOTH_CHANNELS = _(
    "Needs, in this period, at least %(count)s decisions on applications made online and "
    "%(count)s on applications made at a counter (smaller groups are not shown, so that "
    "no one's case can be told apart)."
)
FEWER_THAN = _("fewer than %(count)s: not shown")


def _channel_facts(
    counts: dict[str, int], values: dict[str, str], labels: tuple[tuple[str, Any], ...]
) -> tuple[Fact, ...]:
    """A fact per channel that has decisions: its value, or "fewer than 5" for a group too
    small to show (as across regions and ages)."""
    return tuple(
        Fact(label, values[name] if name in values else _with_count(FEWER_THAN))
        for name, label in labels
        if counts[name]
    )


def _large_channels(row: Any) -> tuple[dict[str, int], set[str]]:
    counts = {name: _int(row, f"{name}_decisions") for name in CHANNELS}
    return counts, {name for name in CHANNELS if counts[name] >= MIN_GROUP_DECISIONS}


def waiting_time_across_channels(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    waiting = _with_count(NEEDS_BOTH_CHANNELS)
    if ctx.events is None:
        return no_data(waiting, *links)
    row = aggregates(ctx, "decisions")
    counts, large = _large_channels(row)
    medians = {name: float(row[f"{name}_median_us"]) for name in large}
    facts = _channel_facts(
        counts,
        {name: f"{shown_days(medians[name])} ({shown_number(counts[name])})" for name in large},
        (
            ("online", _("Median days to a decision, online (decisions)")),
            ("counter", _("Median days to a decision, at a counter (decisions)")),
        ),
    )
    if len(medians) < 2:
        return no_data(waiting, *links, facts=facts)
    return Result(_closeness(medians["online"], medians["counter"]), facts, links)


@reads("decisions")
def _outcomes_across_channels_reads(d: ir.Table) -> dict[str, ir.Value]:
    approved = d.action == "case.approved"
    return {f"{name}_approved": d.count(where=(d.channel == name) & approved) for name in CHANNELS}


def outcomes_across_channels(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    waiting = _with_count(NEEDS_BOTH_CHANNELS)
    if ctx.events is None:
        return no_data(waiting, *links)
    row = aggregates(ctx, "decisions")
    counts, large = _large_channels(row)
    rates = {name: _percent(_int(row, f"{name}_approved"), counts[name]) for name in large}
    facts = _channel_facts(
        counts,
        {name: f"{shown_number(rates[name])}% ({shown_number(counts[name])})" for name in large},
        (
            ("online", _("Approved, online (decisions)")),
            ("counter", _("Approved, at a counter (decisions)")),
        ),
    )
    if len(rates) < 2:
        return no_data(waiting, *links, facts=facts)
    return Result(_closeness(rates["online"], rates["counter"]), facts, links)


@reads("groups")
def _across_regions_and_ages_reads(g: ir.Table) -> dict[str, ir.Value]:
    """Per grouping: the groups large enough to compare, the decisions with a value of it,
    and the lowest and highest approval rate (per cent) and median wait of those groups."""
    found: dict[str, ir.Value] = {}
    rate = g.approved.cast("float64") * 100.0 / g.decisions
    for grouping in GROUPINGS:
        mine = g.grouping == grouping
        large = mine & (g.decisions >= MIN_GROUP_DECISIONS)
        found[f"{grouping}_groups"] = g.count(where=large)
        found[f"{grouping}_known"] = g.decisions.sum(where=mine)
        found[f"{grouping}_rate_low"] = rate.min(where=large)
        found[f"{grouping}_rate_high"] = rate.max(where=large)
        found[f"{grouping}_median_low"] = g.median_us.min(where=large)
        found[f"{grouping}_median_high"] = g.median_us.max(where=large)
    return found


NEEDS_TWO_GROUPS = _(
    "Needs, in this period, at least %(count)s decisions in each of two provinces or of two "
    "age groups (submissions record the applicant's province and age group only when the "
    "application holds them)."
)


RANGE = " \N{EN DASH} "


def _count_filled(text: Any) -> str:
    return str(text) % {"count": MIN_GROUP_DECISIONS}


#: ``text`` with ``%(count)s`` the fewest decisions a group needs, translated when shown.
_with_count = lazy(_count_filled, str)


def across_regions_and_ages(ctx: Context) -> Result:
    waiting = _with_count(NEEDS_TWO_GROUPS)
    links = (ledger_link(ctx, "case.submitted", _("Applications submitted")),)
    if ctx.events is None:
        return no_data(waiting, *links)
    row = aggregates(ctx, "groups")
    labels = {
        "region": (
            _("Provinces with at least %(count)s decisions (decisions with a province)"),
            _("Approved, lowest and highest province"),
            _("Median days to a decision, lowest and highest province"),
        ),
        "age_band": (
            _("Age groups with at least %(count)s decisions (decisions with an age group)"),
            _("Approved, lowest and highest age group"),
            _("Median days to a decision, lowest and highest age group"),
        ),
    }
    facts: list[Fact] = []
    ratios: list[float] = []
    for grouping in GROUPINGS:
        known = _int(row, f"{grouping}_known")
        if not known:
            continue
        groups = _int(row, f"{grouping}_groups")
        counted, approved, waited = labels[grouping]
        facts.append(Fact(_with_count(counted), f"{shown_number(groups)} ({shown_number(known)})"))
        if groups < 2:
            continue
        rates = float(row[f"{grouping}_rate_low"]), float(row[f"{grouping}_rate_high"])
        medians = float(row[f"{grouping}_median_low"]), float(row[f"{grouping}_median_high"])
        facts.append(Fact(approved, f"{shown_number(rates[0])}%{RANGE}{shown_number(rates[1])}%"))
        facts.append(Fact(waited, f"{shown_days(medians[0])}{RANGE}{shown_days(medians[1])}"))
        ratios += [_closeness(*rates), _closeness(*medians)]
    if not ratios:
        return no_data(waiting, *links, facts=tuple(facts))
    return Result(sum(ratios) / len(ratios), tuple(facts), links)


def participation(ctx: Context) -> Result:
    return no_data(_("Public consultations are not recorded on this platform yet."))


def consensus(ctx: Context) -> Result:
    return no_data(_("Official responses to consultations are not recorded on this platform yet."))


def decentralization(ctx: Context) -> Result:
    return no_data(_("Delegations of powers to local and regional offices are not recorded yet."))


# The definitions ------------------------------------------------------------------------

LOG = {
    "th": "รายการของหน่วยงานในบันทึกสาธารณะ ผู้ใดก็คำนวณซ้ำได้จากบันทึกสาธารณะเพียงอย่างเดียว",
    "en": "The agency's entries in the public ledger; anyone can recompute it from the "
    "public ledger alone.",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    principle: str
    name: dict[str, str]
    definition: dict[str, str]
    formula: str
    source: dict[str, str]
    compute: Callable[[Context], Result]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="RES1",
        principle="responsiveness",
        name={"th": "วินิจฉัยภายในมาตรฐานเวลาให้บริการ", "en": "Decided within the service level"},
        definition={
            "th": "ร้อยละของคำขอที่วินิจฉัยไม่เกินมาตรฐานเวลาให้บริการ (sla_due) จากคำขอที่มีคำวินิจฉัย"
            "ในช่วงเวลานี้ซึ่งบันทึกมาตรฐานเวลาดังกล่าวไว้เมื่อยื่น โดยใช้วันครบกำหนดที่ประกาศล่าสุด "
            "(บริการที่หยุดนับเวลาระหว่างรอข้อมูลเพิ่มเติมจากผู้ยื่นคำขอ จะเลื่อนวันครบกำหนดออกไปเท่ากับเวลาที่รอ)",
            "en": "Of the applications decided in the period whose submission recorded a "
            "service level (sla_due), the percentage decided by it, as last published (a "
            "service whose clock stops while the applicant is asked for information moves "
            "it later by the time waited).",
        },
        formula="100 * count(decision.at ≤ sla_due) ÷ count(decisions with sla_due), sla_due "
        "= the last published by case.submitted or case.info_provided",
        source=LOG,
        compute=decided_within_sla,
    ),
    Indicator(
        code="RES2",
        principle="responsiveness",
        name={
            "th": "การขอข้อมูลเพิ่มเติมที่ได้รับคำตอบ",
            "en": "Requests for more information answered",
        },
        definition={
            "th": "ร้อยละของการขอข้อมูลเพิ่มเติมที่เจ้าหน้าที่ส่งถึงผู้ยื่นคำขอในช่วงเวลานี้ ซึ่งผู้ยื่นคำขอ"
            "ได้ตอบแล้ว (การขอข้อมูลที่ชัดเจนและทำได้จริงจะได้รับคำตอบ)",
            "en": "Of the requests for more information officers sent applicants in the "
            "period, the percentage the applicant has answered since (a clear request that "
            "can be met gets an answer).",
        },
        formula="100 * count(case.info_requested followed by case.info_provided of the same "
        "case) ÷ count(case.info_requested)",
        source=LOG,
        compute=information_requests_answered,
    ),
    Indicator(
        code="RES3",
        principle="responsiveness",
        name={"th": "ความพึงพอใจของผู้รับบริการ", "en": "User satisfaction"},
        definition={
            "th": "ค่าเฉลี่ยของคะแนนที่ผู้ยื่นคำขอตอบคำถาม “ท่านพึงพอใจบริการนี้เพียงใด” ในช่วงเวลานี้ "
            "(1 ไม่พึงพอใจมาก ถึง 5 พึงพอใจมาก) แปลงเป็น 0 ถึง 100 (1 = 0, 3 = 50, 5 = 100)",
            "en": "The mean score of the answers applicants gave in the period to “How "
            "satisfied are you with this service?”, from 1 (very dissatisfied) to 5 (very "
            "satisfied), put on 0 to 100 (1 = 0, 3 = 50, 5 = 100).",
        },
        formula="100 * (mean(case.rated.score) - 1) ÷ 4",
        source=LOG,
        compute=user_satisfaction,
    ),
    Indicator(
        code="EFF1",
        principle="efficiency",
        name={
            "th": "ระยะเวลาดำเนินการเทียบกับระยะเวลาตามกฎหมาย",
            "en": "Processing time against the statutory deadline",
        },
        definition={
            "th": "ค่าเฉลี่ยของสัดส่วนเวลาตามกฎหมายที่ยังเหลืออยู่เมื่อวินิจฉัย ของคำขอที่วินิจฉัยในช่วงเวลานี้ "
            "(วินิจฉัยทันทีได้ 100 วินิจฉัยในวันครบกำหนดหรือหลังจากนั้นได้ 0) "
            "ไม่นับเวลาที่หยุดนับระหว่างรอข้อมูลเพิ่มเติมจากผู้ยื่นคำขอเป็นเวลาที่ใช้ไป",
            "en": "The average share of the statutory time still left when the decision was "
            "made, over the applications decided in the period (decided at once: 100; "
            "decided on the deadline or later: 0). The time the clock stood still while "
            "the applicant was asked for information is not counted as taken.",
        },
        formula="100 * mean(clamp(1 - (decision.at - submitted.at - stopped) ÷ (submitted.due "
        "- submitted.at), 0, 1)), stopped = the last due published by case.submitted or "
        "case.info_provided - submitted.due",
        source=LOG,
        compute=processing_time_against_deadline,
    ),
    Indicator(
        code="EFF2",
        principle="efficiency",
        name={"th": "ต้นทุนต่อรายการ", "en": "Cost per transaction"},
        definition={
            "th": "ต้นทุนที่หน่วยงานบันทึก หารด้วยจำนวนคำขอที่ดำเนินการเสร็จ เทียบกับเป้าหมายต้นทุนต่อรายการ",
            "en": "The cost the agency enters divided by the applications completed, "
            "against its target cost per transaction.",
        },
        formula="100 * min(1, target cost ÷ (agency cost ÷ count(decisions)))",
        source={
            "th": "ต้นทุนที่หน่วยงานบันทึก และบันทึกสาธารณะ",
            "en": "The cost the agency enters, and the public ledger.",
        },
        compute=cost_per_transaction,
    ),
    Indicator(
        code="EFE1",
        principle="effectiveness",
        name={
            "th": "ตัวชี้วัดตามแผนซึ่งบรรลุเป้าหมาย",
            "en": "Plan indicators that achieved their target",
        },
        definition={
            "th": "ร้อยละของตัวชี้วัดที่บรรลุเป้าหมาย จากตัวชี้วัดในแผนของหน่วยงานสำหรับปีงบประมาณนี้ที่มีผลการดำเนินงานแล้ว",
            "en": "Of the indicators in the agency's plan for the fiscal year that have a "
            "result, the percentage that achieved their target.",
        },
        formula="100 * count(indicators achieved) ÷ count(indicators with a result)",
        source={
            "th": "แผนและผลการดำเนินงานของหน่วยงาน (/performance/plans/)",
            "en": "The agency's plan and its results (/performance/plans/).",
        },
        compute=plan_indicators_achieved,
    ),
    Indicator(
        code="EFE2",
        principle="effectiveness",
        name={"th": "อัตราการยื่นคำขอสำเร็จ", "en": "Completion rate"},
        definition={
            "th": "ร้อยละของคำขอที่เริ่มกรอกในช่วงเวลานี้ซึ่งได้ยื่นแล้ว (ผู้ใช้บริการทำสำเร็จ)",
            "en": "Of the applications started in the period, the percentage submitted since "
            "(people manage to use the service).",
        },
        formula="100 * count(case.started in period, submitted since) ÷ count(case.started "
        "in period)",
        source=LOG,
        compute=completion_rate,
    ),
    Indicator(
        code="TRA1",
        principle="transparency",
        name={"th": "ความครอบคลุมของบันทึกสาธารณะ", "en": "Ledger coverage"},
        definition={
            "th": "ร้อยละของคำขอที่มีคำวินิจฉัยในช่วงเวลานี้ตามทะเบียนคำขอของหน่วยงาน ซึ่งคำวินิจฉัยได้เผยแพร่"
            "ในบันทึกสาธารณะแล้ว (ภายใต้จุดตรวจสอบที่ลงนามล่าสุด)",
            "en": "Of the applications the agency's case records show decided in the "
            "period, the percentage whose decision is published in the public ledger "
            "(under its latest signed checkpoint).",
        },
        formula="100 * count(decided cases with a published decision entry) ÷ count(decided cases)",
        source={
            "th": "ทะเบียนคำขอของหน่วยงาน (ฐานข้อมูล) เทียบกับบันทึกสาธารณะ คำนวณได้เฉพาะบนระบบของหน่วยงาน",
            "en": "The agency's case records (database) against the public ledger; only the "
            "agency's node can compute it.",
        },
        compute=ledger_coverage,
    ),
    Indicator(
        code="TRA2",
        principle="transparency",
        name={
            "th": "คำวินิจฉัยที่ออกเป็นเอกสารลงนาม",
            "en": "Decisions published with a signed document",
        },
        definition={
            "th": "ร้อยละของคำวินิจฉัยในช่วงเวลานี้ที่หน่วยงานออกเอกสารอิเล็กทรอนิกส์ลงนาม (ใบอนุญาต"
            "หรือหนังสือแจ้งผลพร้อมเหตุผล) ซึ่งตรวจสอบได้",
            "en": "Of the decisions in the period, the percentage for which the agency "
            "issued a signed, verifiable document (a permit, or a letter giving the "
            "reasons).",
        },
        formula="100 * count(decisions with a document.issued of the same reference) ÷ "
        "count(decisions)",
        source=LOG,
        compute=decisions_with_document,
    ),
    Indicator(
        code="TRA3",
        principle="transparency",
        name={"th": "ข้อมูลสาธารณะตาม ITA (OIT)", "en": "ITA open-information items published"},
        definition={
            "th": "ร้อยละของรายการข้อมูลสาธารณะ (OIT) ของการประเมิน ITA ปีงบประมาณนี้ที่หน่วยงานเผยแพร่"
            "แล้ว (แพลตฟอร์มเชื่อมโยงให้เอง หรือหน่วยงานระบุลิงก์)",
            "en": "Of the open-information items (OIT) of the fiscal year's ITA, the "
            "percentage the agency publishes (linked by the platform, or a link the agency "
            "gave).",
        },
        formula="100 * count(items with a link) ÷ count(items)",
        source={
            "th": "รายการ ITA ของปีและประเภทหน่วยงาน และคำตอบของหน่วยงาน",
            "en": "The year's ITA checklist for the kind of agency, and the agency's answers.",
        },
        compute=ita_items_met,
    ),
    Indicator(
        code="ACC1",
        principle="accountability",
        name={
            "th": "คำสั่งไม่อนุมัติที่ระบุข้อกฎหมาย",
            "en": "Refusals that state their legal ground",
        },
        definition={
            "th": "ร้อยละของคำขอที่ไม่อนุมัติในช่วงเวลานี้ซึ่งระบุข้อกฎหมายไว้ในบันทึกสาธารณะ "
            "(การอนุมัติอาศัยฐานทางกฎหมายของบริการ ดูหลักนิติธรรม)",
            "en": "Of the applications refused in the period, the percentage whose public "
            "entry states the legal ground (approvals rest on the service's legal basis; "
            "see the rule of law).",
        },
        formula="100 * count(case.rejected with legal_ground) ÷ count(case.rejected)",
        source=LOG,
        compute=refusals_with_legal_ground,
    ),
    Indicator(
        code="ACC2",
        principle="accountability",
        name={"th": "การอุทธรณ์ที่ได้รับคำตอบ", "en": "Appeals answered"},
        definition={
            "th": "ร้อยละของการอุทธรณ์คำวินิจฉัยที่ได้รับคำตอบภายในระยะเวลาที่กฎหมายกำหนด",
            "en": "Of the appeals against decisions, the percentage answered within the time "
            "the law allows.",
        },
        formula="100 * count(appeals answered in time) ÷ count(appeals)",
        source={"th": "ยังไม่มีข้อมูลการอุทธรณ์", "en": "No appeals data yet."},
        compute=appeals_answered,
    ),
    Indicator(
        code="ROL1",
        principle="rule_of_law",
        name={
            "th": "วินิจฉัยภายในระยะเวลาตามกฎหมาย",
            "en": "Decided within the statutory deadline",
        },
        definition={
            "th": "ร้อยละของคำขอที่วินิจฉัยในช่วงเวลานี้ซึ่งวินิจฉัยไม่เกินวันครบกำหนดตามกฎหมาย "
            "โดยใช้วันครบกำหนดที่ประกาศล่าสุด (บริการที่หยุดนับเวลาระหว่างรอข้อมูลเพิ่มเติมจากผู้ยื่นคำขอ "
            "จะเลื่อนวันครบกำหนดออกไปเท่ากับเวลาที่รอ)",
            "en": "Of the applications decided in the period, the percentage decided by "
            "their statutory deadline, as last published (a service whose clock stops while "
            "the applicant is asked for information moves it later by the time waited).",
        },
        formula="100 * count(decision.at ≤ due) ÷ count(decisions), due = the last published "
        "by case.submitted or case.info_provided",
        source=LOG,
        compute=decided_within_deadline,
    ),
    Indicator(
        code="ROL2",
        principle="rule_of_law",
        name={
            "th": "บริการที่ระบุฐานทางกฎหมาย",
            "en": "Services that state their legal basis",
        },
        definition={
            "th": "ร้อยละของบริการของหน่วยงานในบัญชีบริการ (ฉบับปัจจุบัน) ที่ระบุกฎหมายที่ให้อำนาจ",
            "en": "Of the agency's services in the catalogue (as published now), the "
            "percentage that name the law they rest on.",
        },
        formula="100 * count(services with legal_basis.act) ÷ count(services)",
        source={
            "th": "บัญชีบริการ (นิยามบริการฉบับปัจจุบัน)",
            "en": "The service catalogue (current service definitions).",
        },
        compute=services_with_legal_basis,
    ),
    Indicator(
        code="EQU1",
        principle="equity",
        name={
            "th": "ระยะเวลารอคอยเท่าเทียมกันทุกช่องทาง",
            "en": "Equal waiting times across channels",
        },
        definition={
            "th": "มัธยฐานจำนวนวันจนได้คำวินิจฉัย ของคำขอที่ยื่นทางออนไลน์เทียบกับที่จุดบริการ "
            "ค่าที่น้อยกว่าเป็นร้อยละของค่าที่มากกว่า (เท่ากัน = 100) "
            f"เฉพาะช่องทางที่มีคำวินิจฉัยอย่างน้อย {MIN_GROUP_DECISIONS} รายการ",
            "en": "The median days to a decision of applications made online and of those "
            "made at a counter: the smaller as a percentage of the larger (equal = 100); "
            f"only a channel with at least {MIN_GROUP_DECISIONS} decisions counts.",
        },
        formula="100 * min(median_online, median_counter) ÷ max(median_online, median_counter)",
        source=LOG,
        compute=waiting_time_across_channels,
    ),
    Indicator(
        code="EQU2",
        principle="equity",
        name={
            "th": "ผลการพิจารณาเท่าเทียมกันทุกช่องทาง",
            "en": "Equal outcomes across channels",
        },
        definition={
            "th": "ร้อยละของคำขอที่อนุมัติ ของคำขอที่ยื่นทางออนไลน์เทียบกับที่จุดบริการ "
            "ค่าที่น้อยกว่าเป็นร้อยละของค่าที่มากกว่า (เท่ากัน = 100) "
            f"เฉพาะช่องทางที่มีคำวินิจฉัยอย่างน้อย {MIN_GROUP_DECISIONS} รายการ",
            "en": "The share of applications approved, online and at a counter: the smaller "
            "as a percentage of the larger (equal = 100); only a channel with at least "
            f"{MIN_GROUP_DECISIONS} decisions counts.",
        },
        formula="100 * min(approved_online, approved_counter) ÷ max(approved_online, "
        "approved_counter)",
        source=LOG,
        compute=outcomes_across_channels,
    ),
    Indicator(
        code="EQU3",
        principle="equity",
        name={
            "th": "ความเท่าเทียมระหว่างพื้นที่และกลุ่มอายุ",
            "en": "Equity across regions and age groups",
        },
        definition={
            "th": "คำขอที่มีคำวินิจฉัยในช่วงเวลานี้ จัดกลุ่มตามจังหวัดที่อยู่ของผู้ยื่นคำขอ และจัดกลุ่มอีกแบบหนึ่งตามกลุ่มอายุ "
            "(0-17, 18-39, 40-59, 60-69, 70-79, 80 ปีขึ้นไป ณ วันยื่น) ตามที่บันทึกไว้เมื่อยื่น "
            f"เฉพาะกลุ่มที่มีคำวินิจฉัยอย่างน้อย {MIN_GROUP_DECISIONS} รายการ สำหรับการจัดกลุ่มแต่ละแบบ"
            "ที่มีกลุ่มดังกล่าวอย่างน้อยสองกลุ่ม นำร้อยละการอนุมัติที่ต่ำที่สุดเป็นร้อยละของที่สูงที่สุด "
            "และมัธยฐานจำนวนวันจนได้คำวินิจฉัยที่น้อยที่สุดเป็นร้อยละของที่มากที่สุด (เท่ากัน = 100) "
            "ค่าของตัวชี้วัดคือค่าเฉลี่ยของอัตราส่วนเหล่านี้ บันทึกสาธารณะเก็บเพียงรหัสจังหวัดและกลุ่มอายุ "
            "ไม่เก็บวันเกิด อำเภอ หรือที่อยู่",
            "en": "The applications decided in the period, grouped by the province of the "
            "applicant's address and, separately, by age group (0-17, 18-39, 40-59, 60-69, "
            "70-79, 80 and over, on the day of submission), as their submission recorded "
            f"them; only groups with at least {MIN_GROUP_DECISIONS} decisions count. For each "
            "grouping with two such groups or more: the lowest approval rate as a percentage "
            "of the highest, and the shortest median days to a decision as a percentage of "
            "the longest (equal = 100). The value is the mean of these ratios. The public "
            "ledger holds only the province code and the age group: never a birth date, a "
            "district or an address.",
        },
        formula="mean over region and age_band, each with ≥ 2 groups of ≥ "
        f"{MIN_GROUP_DECISIONS} decisions, of 100 * min(approved %) ÷ max(approved %) and "
        "100 * min(median days) ÷ max(median days)",
        source=LOG,
        compute=across_regions_and_ages,
    ),
    Indicator(
        code="PAR1",
        principle="participation",
        name={"th": "การรับฟังความคิดเห็น", "en": "Public consultations"},
        definition={
            "th": "การรับฟังความคิดเห็นของประชาชนต่อบริการและนโยบายของหน่วยงาน และจำนวนผู้เข้าร่วม",
            "en": "Consultations of the public on the agency's services and policies, and "
            "how many took part.",
        },
        formula="—",
        source={"th": "ยังไม่มีข้อมูล", "en": "No data yet."},
        compute=participation,
    ),
    Indicator(
        code="CON1",
        principle="consensus",
        name={
            "th": "การตอบความเห็นจากการรับฟังความคิดเห็น",
            "en": "Consultation comments answered",
        },
        definition={
            "th": "ร้อยละของความเห็นจากการรับฟังความคิดเห็นที่หน่วยงานตอบอย่างเป็นทางการ",
            "en": "Of the comments made in consultations, the percentage the agency answered "
            "officially.",
        },
        formula="100 * count(comments answered) ÷ count(comments)",
        source={"th": "ยังไม่มีข้อมูล", "en": "No data yet."},
        compute=consensus,
    ),
    Indicator(
        code="DEC1",
        principle="decentralization",
        name={"th": "การมอบอำนาจ", "en": "Delegated decisions"},
        definition={
            "th": "ร้อยละของบริการที่มอบอำนาจการวินิจฉัยให้หน่วยงานระดับท้องถิ่นหรือระดับภูมิภาค",
            "en": "Of the services, the percentage whose decisions are delegated to local or "
            "regional offices.",
        },
        formula="100 * count(services with delegated decisions) ÷ count(services)",
        source={"th": "ยังไม่มีข้อมูล", "en": "No data yet."},
        compute=decentralization,
    ),
    Indicator(
        code="ETH1",
        principle="ethics",
        name={
            "th": "ข้อมูลการป้องกันการทุจริตตาม ITA",
            "en": "ITA items on preventing corruption published",
        },
        definition={
            "th": "ร้อยละของรายการ OIT ในหมวดการป้องกันการทุจริตของการประเมิน ITA ปีงบประมาณนี้ ที่หน่วยงาน"
            "เผยแพร่แล้ว",
            "en": "Of the open-information items of the fiscal year's ITA on preventing "
            "corruption, the percentage the agency publishes.",
        },
        formula="100 * count(integrity items with a link) ÷ count(integrity items)",
        source={
            "th": "รายการ ITA ของปีและประเภทหน่วยงาน และคำตอบของหน่วยงาน",
            "en": "The year's ITA checklist for the kind of agency, and the agency's answers.",
        },
        compute=ita_integrity_items_met,
    ),
)


def by_code(code: str) -> Indicator:
    for indicator in INDICATORS:
        if indicator.code == code:
            return indicator
    raise KeyError(code)


# Principles and their groups --------------------------------------------------------------


@dataclass(frozen=True)
class Principle:
    code: str
    name: dict[str, str]


PRINCIPLES: tuple[Principle, ...] = (
    Principle("effectiveness", {"th": "หลักประสิทธิผล", "en": "Effectiveness"}),
    Principle("efficiency", {"th": "หลักประสิทธิภาพ", "en": "Efficiency"}),
    Principle("responsiveness", {"th": "หลักการตอบสนอง", "en": "Responsiveness"}),
    Principle("participation", {"th": "หลักการมีส่วนร่วม", "en": "Participation"}),
    Principle("decentralization", {"th": "หลักการกระจายอำนาจ", "en": "Decentralization"}),
    Principle("equity", {"th": "หลักความเสมอภาค", "en": "Equity"}),
    Principle("consensus", {"th": "หลักการมุ่งเน้นฉันทามติ", "en": "Consensus orientation"}),
    Principle("accountability", {"th": "หลักภาระรับผิดชอบ", "en": "Accountability"}),
    Principle("transparency", {"th": "หลักความโปร่งใส", "en": "Transparency"}),
    Principle("rule_of_law", {"th": "หลักนิติธรรม", "en": "Rule of law"}),
    Principle("ethics", {"th": "หลักคุณธรรม/จริยธรรม", "en": "Morality and ethics"}),
)

#: The four groups of the framework (see docs/governance.md for the source and caveats).
GROUPS: tuple[tuple[str, dict[str, str], tuple[str, ...]], ...] = (
    (
        "npm",
        {"th": "การบริหารราชการแนวใหม่", "en": "New public management"},
        ("effectiveness", "efficiency", "responsiveness"),
    ),
    (
        "participatory",
        {"th": "รัฐแบบมีส่วนร่วม", "en": "Participatory state"},
        ("participation", "decentralization"),
    ),
    (
        "democratic",
        {"th": "ค่านิยมประชาธิปไตย", "en": "Democratic values"},
        ("equity", "consensus"),
    ),
    (
        "responsibility",
        {"th": "การบริหารราชการแบบรับผิดชอบ", "en": "Administrative responsibility"},
        ("accountability", "transparency", "rule_of_law", "ethics"),
    ),
)


def principle(code: str) -> Principle:
    for p in PRINCIPLES:
        if p.code == code:
            return p
    raise KeyError(code)


# The scorecard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    indicator: Indicator
    result: Result


@dataclass(frozen=True)
class PrincipleScore:
    principle: Principle
    indicators: list[Scored]

    @property
    def score(self) -> float | None:
        """The mean of the indicators with data; None when none has data."""
        values = [s.result.value for s in self.indicators if s.result.value is not None]
        return sum(values) / len(values) if values else None

    @property
    def with_data(self) -> int:
        return sum(1 for s in self.indicators if s.result.value is not None)


@dataclass(frozen=True)
class Scorecard:
    agency: Any
    period: Period
    computed_at: dt.datetime
    log_size: int
    groups: list[tuple[str, dict[str, str], list[PrincipleScore]]]

    def principle(self, code: str) -> PrincipleScore:
        for _code, _name, scores in self.groups:
            for score in scores:
                if score.principle.code == code:
                    return score
        raise KeyError(code)


def scorecard(
    agency: Any, period: Period, events: ir.Table | None, *, log_size: int = 0
) -> Scorecard:
    """Every indicator and principle of ``agency`` in ``period``."""
    from django.utils import timezone

    ctx = Context(agency=agency, period=period, events=events)
    results = {i.code: Scored(i, i.compute(ctx)) for i in INDICATORS}
    groups = [
        (
            code,
            name,
            [
                PrincipleScore(
                    principle(p),
                    [s for s in results.values() if s.indicator.principle == p],
                )
                for p in members
            ],
        )
        for code, name, members in GROUPS
    ]
    return Scorecard(agency, period, timezone.now(), log_size, groups)
