"""The good-governance scorecard: every principle and every indicator, defined here once.

Each :class:`Indicator` has a code, a name and a definition (th/en), a formula, its data
source, and a function that computes it for one agency and one Thai fiscal period. The
value is 0 to 100, with the numbers it was computed from and links to where anyone can
see them (``/performance/``, the public ledger filtered to the events counted, the
catalogue, the ITA checklist); or ``None``, "no data yet", when nothing exists to compute
it from. No indicator ever makes a number up: an indicator without a source of data
always answers ``None`` and says what it is waiting for.

Most indicators read the public event log only, as Ibis expressions over the analytics
event table (:mod:`goodgov.performance.eventlog`; DuckDB over the Parquet copy), the same
table and the same bases as the service performance measures, so anyone holding the
public log can recompute them. The others say what else they read (the catalogue, the
agency's plan, its ITA answers, or the case records for ledger coverage).

A principle's score is the mean of its indicators that have data; a principle none of
whose indicators has data shows "no data yet".
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import ibis
import ibis.expr.types as ir
from django.urls import NoReverseMatch, reverse
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
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return str(self.agency.code)

    def mine(self) -> ir.Table | None:
        """The agency's entries (all periods: a decision's submission may be older)."""
        if self.events is None:
            return None
        return self.events.filter(self.events.agency == self.code)

    def scored(self) -> ir.Table | None:
        """The agency's entries the indicators read (all periods), from :func:`scored_events`."""
        if self.events is None:
            return None
        events = scored_events(self.events)
        return events.filter(events.agency == self.code)

    def in_period(self, month: ir.IntegerValue) -> ir.BooleanValue:
        return month.between(self.period.first_month, self.period.last_month)

    def rows(self, key: str, build: Callable[[], ir.Table]) -> list[dict[str, Any]]:
        """Run an expression once per context (several indicators share a relation)."""
        if key not in self.cache:
            self.cache[key] = build().to_pyarrow().to_pylist()
        rows: list[dict[str, Any]] = self.cache[key]
        return rows


# The entries the indicators read, materialised once per event table ------------------------

#: The actions the indicators read from the public log.
SCORED_ACTIONS = (
    *m.DECIDED,
    "case.submitted",
    "case.started",
    "case.info_requested",
    "case.info_provided",
    "case.rated",
    "document.issued",
)

_scored: dict[int, tuple[weakref.ref[ir.Table], ir.Table]] = {}
_scored_lock = threading.RLock()


def _forget(key: int) -> None:
    with _scored_lock:
        _scored.pop(key, None)


def scored_events(events: ir.Table) -> ir.Table:
    """The entries of :data:`SCORED_ACTIONS`, with only the columns the indicators read
    (``legal_ground`` taken out of a decision's ``data``), as an in-memory table of the
    backend of ``events``: made once per event table, so that every indicator of every
    agency scored over the same table reads it instead of the Parquet copy again."""
    key = id(events)
    with _scored_lock:
        held = _scored.get(key)
        if held is not None and held[0]() is events:
            return held[1]
        # One table at a time: a scorecard made after the log's next export gets a new
        # event table, and the in-memory copy of the previous one is dropped with it.
        entries = events.filter(events.action.isin(SCORED_ACTIONS))
        entries = entries.select(
            "index",
            "action",
            "agency",
            "at",
            "at_us",
            "case",
            "reference",
            "service",
            "channel",
            "due_us",
            "sla_due_us",
            "score",
            legal_ground=ibis.ifelse(
                entries.action.isin(m.DECIDED),
                entries.data.cast("json")["legal_ground"].unwrap_as("string"),
                ibis.null("string"),
            ),
        )
        # A temporary table of the event table's connection (``Table.cache`` would do,
        # but Ibis fails to drop its tables when they are collected).
        name = f"scored_events_{uuid.uuid4().hex}"
        table = events.get_backend().create_table(name, entries, temp=True)
        _scored.clear()
        _scored[key] = (weakref.ref(events, lambda _ref: _forget(key)), table)
        return table


# Relations over the event table -----------------------------------------------------------


def _decisions(ctx: Context) -> list[dict[str, Any]]:
    """The agency's decisions in the period, each with its case's submission.

    One row per ``case.approved``/``case.rejected`` whose Thai-time month is in the period,
    joined (as the performance measures join it) to the ``case.submitted`` of the same
    agency and reference: ``action``, ``decided_us``, ``submitted_us``, ``due_us``,
    ``sla_due_us``, ``channel``, ``legal_ground`` (refusals only).
    """

    def build() -> ir.Table:
        events = ctx.scored()
        assert events is not None
        decided = events.filter(events.action.isin(m.DECIDED))
        decided = decided.filter(ctx.in_period(m.month_of(decided.at)))
        decided = decided.select("reference", "action", "legal_ground", decided_us=decided.at_us)
        submitted = events.filter(events.action == "case.submitted")
        submitted = submitted.select(
            "channel",
            "due_us",
            "sla_due_us",
            submitted_reference=submitted.reference,
            submitted_us=submitted.at_us,
        )
        joined = decided.join(submitted, decided.reference == submitted.submitted_reference)
        return joined.select(
            "reference",
            "action",
            "decided_us",
            "legal_ground",
            "channel",
            "due_us",
            "sla_due_us",
            "submitted_us",
        )

    return ctx.rows("decisions", build)


def _count_in_period(ctx: Context, action: str) -> int:
    events = ctx.mine()
    if events is None:
        return 0
    rows = events.filter((events.action == action) & ctx.in_period(m.month_of(events.at)))
    return int(rows.count().to_pyarrow().as_py())


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


def decided_within_sla(ctx: Context) -> Result:
    links = (performance_link(ctx), ledger_link(ctx, "case.submitted", _("Submissions")))
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    rows = [r for r in _decisions(ctx) if r["sla_due_us"] is not None]
    if not rows:
        return no_data(
            _("No decision in this period was on an application that recorded a service level."),
            *links,
        )
    within = sum(1 for r in rows if r["decided_us"] <= r["sla_due_us"])
    return Result(
        _percent(within, len(rows)),
        (
            Fact(_("Decisions on applications with a service level"), shown_number(len(rows))),
            Fact(_("Of which decided within the service level"), shown_number(within)),
        ),
        links,
    )


def information_requests_answered(ctx: Context) -> Result:
    links = (
        ledger_link(ctx, "case.info_requested", _("Requests for more information")),
        ledger_link(ctx, "case.info_provided", _("Information provided")),
    )
    events = ctx.scored()
    if events is None:
        return no_data(_("No request for more information was made in this period."), *links)
    requests = events.filter(
        (events.action == "case.info_requested") & ctx.in_period(m.month_of(events.at))
    ).select("index", "reference", requested_us=events.at_us)
    provided = events.filter(events.action == "case.info_provided").select(
        provided_reference=events.reference, provided_us=events.at_us
    )
    joined = requests.left_join(
        provided,
        [
            requests.reference == provided.provided_reference,
            provided.provided_us > requests.requested_us,
        ],
    )
    per_request = joined.group_by("index").aggregate(answered=joined.provided_us.notnull().any())
    rows = per_request.to_pyarrow().to_pylist()
    if not rows:
        return no_data(_("No request for more information was made in this period."), *links)
    answered = sum(1 for r in rows if r["answered"])
    return Result(
        _percent(answered, len(rows)),
        (
            Fact(_("Requests for more information made"), shown_number(len(rows))),
            Fact(_("Of which answered since"), shown_number(answered)),
        ),
        links,
    )


def satisfaction_in_period(ctx: Context) -> tuple[int, float | None]:
    """``(answers, mean score)`` of the agency's ``case.rated`` answers in the period.

    The same base as the ``satisfaction`` performance measure (scores 1 to 5, month of
    the answer); the mean is None without answers.
    """
    if ctx.events is None:
        return 0, None

    def build() -> ir.Table:
        events = ctx.scored()
        assert events is not None
        rated = m.rated_base(events)
        rated = rated.filter(ctx.in_period(rated.month))
        return rated.aggregate(answers=rated.count(), mean=rated.score.cast("float64").mean())

    row = ctx.rows("satisfaction", build)[0]
    answers = int(row["answers"] or 0)
    return answers, (float(row["mean"]) if answers else None)


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


def processing_time_against_deadline(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    rows = [r for r in _decisions(ctx) if r["due_us"] is not None]
    if not rows:
        return no_data(NO_DECISIONS, *links)
    shares = []
    for r in rows:
        allowed = r["due_us"] - r["submitted_us"]
        taken = r["decided_us"] - r["submitted_us"]
        shares.append(min(1.0, max(0.0, 1.0 - taken / allowed)) if allowed > 0 else 0.0)
    taken_total = sum(r["decided_us"] - r["submitted_us"] for r in rows)
    allowed_total = sum(r["due_us"] - r["submitted_us"] for r in rows)
    return Result(
        100.0 * sum(shares) / len(shares),
        (
            Fact(_("Decisions"), shown_number(len(rows))),
            Fact(_("Average days taken"), shown_days(taken_total / len(rows))),
            Fact(_("Average days allowed by law"), shown_days(allowed_total / len(rows))),
        ),
        links,
    )


def cost_per_transaction(ctx: Context) -> Result:
    return no_data(
        _(
            "The agency has not entered its cost of delivering its services, nor a target "
            "cost per transaction."
        ),
        performance_link(ctx),
    )


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


def completion_rate(ctx: Context) -> Result:
    links = (performance_link(ctx), ledger_link(ctx, "case.started", _("Applications started")))
    events = ctx.scored()
    waiting = _("No application to this agency was started in this period.")
    if events is None:
        return no_data(waiting, *links)
    base = m.started_base(events)
    base = base.filter(ctx.in_period(base.month))
    row = (
        base.aggregate(started=base.count(), submitted=base.submitted.ifelse(1, 0).sum())
        .to_pyarrow()
        .to_pylist()[0]
    )
    if not row["started"]:
        return no_data(waiting, *links)
    return Result(
        _percent(int(row["submitted"] or 0), int(row["started"])),
        (
            Fact(_("Applications started"), shown_number(int(row["started"]))),
            Fact(_("Of which submitted since"), shown_number(int(row["submitted"] or 0))),
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


def decisions_with_document(ctx: Context) -> Result:
    links = (ledger_link(ctx, "document.issued", _("Documents issued")),)
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    rows = _decisions(ctx)
    if not rows:
        return no_data(NO_DECISIONS, *links)
    events = ctx.scored()
    assert events is not None
    issued = events.filter(events.action == "document.issued").select("reference").distinct()
    with_document = {r["reference"] for r in issued.to_pyarrow().to_pylist()}
    count = sum(1 for r in rows if r["reference"] in with_document)
    return Result(
        _percent(count, len(rows)),
        (
            Fact(_("Decisions"), shown_number(len(rows))),
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


def refusals_with_legal_ground(ctx: Context) -> Result:
    links = (ledger_link(ctx, "case.rejected", _("Refusals")),)
    waiting = _("No application of this agency was refused in this period.")
    if ctx.events is None:
        return no_data(waiting, *links)
    rows = [r for r in _decisions(ctx) if r["action"] == "case.rejected"]
    if not rows:
        return no_data(waiting, *links)
    grounded = sum(1 for r in rows if (r["legal_ground"] or "").strip())
    return Result(
        _percent(grounded, len(rows)),
        (
            Fact(_("Refusals"), shown_number(len(rows))),
            Fact(_("Of which state their legal ground"), shown_number(grounded)),
        ),
        links,
    )


def appeals_answered(ctx: Context) -> Result:
    return no_data(_("Appeals against decisions are not recorded on this platform yet."))


def decided_within_deadline(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    if ctx.events is None:
        return no_data(NO_DECISIONS, *links)
    rows = [r for r in _decisions(ctx) if r["due_us"] is not None]
    if not rows:
        return no_data(NO_DECISIONS, *links)
    within = sum(1 for r in rows if r["decided_us"] <= r["due_us"])
    return Result(
        _percent(within, len(rows)),
        (
            Fact(_("Decisions"), shown_number(len(rows))),
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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _by_channel(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    channels: dict[str, list[dict[str, Any]]] = {"online": [], "counter": []}
    for row in _decisions(ctx):
        if row["channel"] in channels:
            channels[row["channel"]].append(row)
    return channels


def _closeness(a: float, b: float) -> float:
    """100 when equal, down to 0: the smaller as a share of the larger."""
    high = max(a, b)
    return 100.0 if high == 0 else _percent(min(a, b), high)


NEEDS_BOTH_CHANNELS = _(
    "Needs decisions in this period on applications made both online and at a counter."
)


def waiting_time_across_channels(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    if ctx.events is None:
        return no_data(NEEDS_BOTH_CHANNELS, *links)
    channels = _by_channel(ctx)
    medians = {
        name: _median([r["decided_us"] - r["submitted_us"] for r in rows])
        for name, rows in channels.items()
        if rows
    }
    facts = tuple(
        Fact(label, f"{shown_days(medians[name])} ({shown_number(len(channels[name]))})")
        for name, label in (
            ("online", _("Median days to a decision, online (decisions)")),
            ("counter", _("Median days to a decision, at a counter (decisions)")),
        )
        if name in medians
    )
    if len(medians) < 2:
        return no_data(NEEDS_BOTH_CHANNELS, *links, facts=facts)
    return Result(_closeness(medians["online"], medians["counter"]), facts, links)


def outcomes_across_channels(ctx: Context) -> Result:
    links = (performance_link(ctx),)
    if ctx.events is None:
        return no_data(NEEDS_BOTH_CHANNELS, *links)
    channels = _by_channel(ctx)
    rates = {
        name: _percent(sum(1 for r in rows if r["action"] == "case.approved"), len(rows))
        for name, rows in channels.items()
        if rows
    }
    facts = tuple(
        Fact(label, f"{shown_number(rates[name])}% ({shown_number(len(channels[name]))})")
        for name, label in (
            ("online", _("Approved, online (decisions)")),
            ("counter", _("Approved, at a counter (decisions)")),
        )
        if name in rates
    )
    if len(rates) < 2:
        return no_data(NEEDS_BOTH_CHANNELS, *links, facts=facts)
    return Result(_closeness(rates["online"], rates["counter"]), facts, links)


def across_regions_and_ages(ctx: Context) -> Result:
    return no_data(
        _(
            "The public ledger holds no region or age of applicants (by design: no personal "
            "data). A privacy-preserving count by region and age group is not published yet."
        )
    )


def participation(ctx: Context) -> Result:
    return no_data(_("Public consultations are not recorded on this platform yet."))


def consensus(ctx: Context) -> Result:
    return no_data(_("Official responses to consultations are not recorded on this platform yet."))


def decentralization(ctx: Context) -> Result:
    return no_data(_("Delegations of powers to local and regional offices are not recorded yet."))


# The definitions ------------------------------------------------------------------------

LOG = {
    "th": "บันทึกสาธารณะ (ledger) ของหน่วยงาน คำนวณซ้ำได้จากบันทึกสาธารณะเท่านั้น",
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
            "th": "ในบรรดาคำขอที่มีคำวินิจฉัยในช่วงเวลานี้ซึ่งบันทึกมาตรฐานเวลาให้บริการ (sla_due) "
            "ไว้ตอนยื่น ร้อยละของคำขอที่วินิจฉัยไม่เกินมาตรฐานเวลานั้น",
            "en": "Of the applications decided in the period whose submission recorded a "
            "service level (sla_due), the percentage decided by it.",
        },
        formula="100 * count(decision.at ≤ submitted.sla_due) ÷ count(decisions with sla_due)",
        source=LOG,
        compute=decided_within_sla,
    ),
    Indicator(
        code="RES2",
        principle="responsiveness",
        name={
            "th": "คำขอข้อมูลเพิ่มเติมที่ได้รับคำตอบ",
            "en": "Requests for more information answered",
        },
        definition={
            "th": "ในบรรดาการขอข้อมูลเพิ่มเติมจากผู้ยื่นคำขอที่เจ้าหน้าที่ส่งในช่วงเวลานี้ ร้อยละที่ผู้ยื่นคำขอ"
            "ได้ส่งข้อมูลแล้ว (การขอข้อมูลที่ชัดเจนและทำได้จริงจะได้รับคำตอบ)",
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
            "(1 ไม่พอใจมาก ถึง 5 พอใจมาก) แปลงเป็น 0 ถึง 100 (1 = 0, 3 = 50, 5 = 100)",
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
            "(วินิจฉัยทันทีได้ 100 วินิจฉัยในวันครบกำหนดหรือหลังจากนั้นได้ 0)",
            "en": "The average share of the statutory time still left when the decision was "
            "made, over the applications decided in the period (decided at once: 100; "
            "decided on the deadline or later: 0).",
        },
        formula="100 * mean(clamp(1 - (decision.at - submitted.at) ÷ (submitted.due - "
        "submitted.at), 0, 1))",
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
            "th": "ตัวชี้วัดตามแผนที่บรรลุเป้าหมาย",
            "en": "Plan indicators that achieved their target",
        },
        definition={
            "th": "ร้อยละของตัวชี้วัดในแผนของหน่วยงานสำหรับปีงบประมาณนี้ที่มีผลแล้วและบรรลุเป้าหมาย",
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
            "th": "คำวินิจฉัยที่ออกเอกสารลงนามพร้อมเหตุผล",
            "en": "Decisions published with a signed document",
        },
        definition={
            "th": "ร้อยละของคำวินิจฉัยในช่วงเวลานี้ที่หน่วยงานออกเอกสารอิเล็กทรอนิกส์ลงนาม (ใบอนุญาต "
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
            "th": "คำสั่งไม่อนุมัติที่ระบุเหตุผลทางกฎหมาย",
            "en": "Refusals that state their legal ground",
        },
        definition={
            "th": "ร้อยละของคำขอที่ไม่อนุมัติในช่วงเวลานี้ซึ่งบันทึกฐานทางกฎหมายไว้ในบันทึกสาธารณะ "
            "(คำอนุมัติอาศัยฐานทางกฎหมายของบริการ ดูหลักนิติธรรม)",
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
        name={"th": "การอุทธรณ์ที่ได้รับการพิจารณา", "en": "Appeals answered"},
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
            "th": "ร้อยละของคำขอที่วินิจฉัยในช่วงเวลานี้ซึ่งวินิจฉัยไม่เกินวันครบกำหนดตามกฎหมาย",
            "en": "Of the applications decided in the period, the percentage decided by "
            "their statutory deadline.",
        },
        formula="100 * count(decision.at ≤ submitted.due) ÷ count(decisions)",
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
            "th": "มัธยฐานจำนวนวันจนได้คำวินิจฉัย ของคำขอที่ยื่นทางออนไลน์เทียบกับที่เคาน์เตอร์ "
            "ค่าที่น้อยกว่าเป็นร้อยละของค่าที่มากกว่า (เท่ากัน = 100)",
            "en": "The median days to a decision of applications made online and of those "
            "made at a counter: the smaller as a percentage of the larger (equal = 100).",
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
            "th": "ร้อยละของคำขอที่อนุมัติ ของคำขอที่ยื่นทางออนไลน์เทียบกับที่เคาน์เตอร์ "
            "ค่าที่น้อยกว่าเป็นร้อยละของค่าที่มากกว่า (เท่ากัน = 100)",
            "en": "The share of applications approved, online and at a counter: the smaller "
            "as a percentage of the larger (equal = 100).",
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
            "th": "ระยะเวลารอคอยและผลการพิจารณาเปรียบเทียบระหว่างจังหวัดและกลุ่มอายุของผู้ยื่นคำขอ",
            "en": "Waiting times and outcomes compared across applicants' provinces and age "
            "groups.",
        },
        formula="100 * min(group value) ÷ max(group value)",
        source={"th": "ยังไม่มีข้อมูล", "en": "No data yet."},
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
            "th": "ร้อยละของบริการที่มอบอำนาจการวินิจฉัยให้หน่วยงานระดับพื้นที่",
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
