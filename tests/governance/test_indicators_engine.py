"""The indicators computed in the engine (one row per agency) against the same indicators
computed entry by entry in Python, as the scorecard computed them before; the cost per
transaction against a plan's target; and one query per relation for all agencies."""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from goodgov.governance import indicators as gi
from goodgov.governance.periods import Period
from goodgov.performance import measures as m
from goodgov.performance.eventlog import rows_from_entries

from .conftest import FY2568, Log

PERIODS = (FY2568, Period(2568, 1), Period(2568, 2))
GROUNDS = ("s. 38", "มาตรา 12", "", " ", "\u3000", "\xa0\t", None)


def random_log(seed: int) -> Log:
    """About fifty cases at two agencies around fiscal 2568, with every kind of entry the
    indicators read, in both channels; refusals with grounds blank in several ways; most
    submissions with a province and an age group."""
    rng = random.Random(seed)
    # The applicants' provinces and age groups draw from their own generator, so the other
    # entries are those the log had before submissions recorded them.
    groups = random.Random(-seed)
    log = Log()
    first = dt.datetime(2024, 8, 1, 9, 0)

    def text(moment: dt.datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    for _ in range(50):
        agency = rng.choice(("TBNK", "TBNK", "DEPT"))
        channel = rng.choice(("online", "online", "counter"))
        began = first + dt.timedelta(minutes=rng.randrange(0, 480 * 24 * 60))
        case = log.start(text(began), agency=agency, channel=channel)
        if rng.random() < 0.1:
            continue  # started, never submitted
        submitted = began + dt.timedelta(hours=rng.randrange(0, 48))
        due = submitted + dt.timedelta(days=rng.randrange(0, 30))
        sla = submitted + dt.timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.5 else None
        reference = log.submit(
            case, text(submitted), due=text(due), agency=agency, channel=channel,
            sla_due=text(sla) if sla else None,
            region=groups.choice(("10", "26", "10", "26", "50", "10", "26", None)),
            age_band=groups.choice(("60-69", "80+", "60-69", "80+", "18-39", "60-69", "80+", None)),
        )  # fmt: skip
        if rng.random() < 0.3:
            asked = submitted + dt.timedelta(days=1)
            log.ask(reference, text(asked), agency=agency)
            if rng.random() < 0.5:
                answered = asked + dt.timedelta(days=rng.choice((-2, 2)))
                # About half the answers (at an odd place in the log) are to a service that
                # stops its clock while the applicant is asked: they move the due dates by
                # the wait (no draw, so the log is otherwise what it was).
                if answered > asked and len(log.entries) % 2:
                    waited = answered - asked
                    log.answer(
                        reference, text(answered), agency=agency, due=text(due + waited),
                        sla_due=text(sla + waited) if sla else None,
                    )  # fmt: skip
                else:
                    log.answer(reference, text(answered), agency=agency)
        if rng.random() < 0.2:
            continue  # not decided
        decided = submitted + dt.timedelta(minutes=rng.randrange(0, 40 * 24 * 60))
        if rng.random() < 0.7:
            log.approve(reference, text(decided), agency=agency)
        else:
            log.reject(reference, text(decided), agency=agency, ground=rng.choice(GROUNDS))
        if rng.random() < 0.5:
            log.issue(reference, text(decided), agency=agency)
        if rng.random() < 0.4:
            log.add(
                "case.rated", text(decided + dt.timedelta(days=1)), agency,
                reference=reference, agency=agency, service="permit", score=rng.randrange(0, 7),
            )  # fmt: skip
    return log


def by_entry(log: Log, code: str, period: Period) -> dict[str, tuple[float, list[str]]]:
    """Each log indicator's ``(value, facts)`` computed entry by entry, as the scorecard
    computed them before it asked the engine for aggregates (indicators without data are
    left out)."""
    rows = rows_from_entries(log.entries, 0).to_pylist()

    def month(row: dict[str, Any]) -> int:
        local = row["at"] + dt.timedelta(hours=7)
        return local.year * 12 + local.month - 1

    def inside(row: dict[str, Any]) -> bool:
        return period.first_month <= month(row) <= period.last_month

    mine = [r for r in rows if r["agency"] == code]
    submissions = [r for r in mine if r["action"] == "case.submitted"]

    def latest(reference: str, column: str) -> int | None:
        """The due date last published for the case (at submission or by an answer)."""
        published = [
            r[column]
            for r in mine
            if r["action"] in ("case.submitted", "case.info_provided")
            and r["reference"] == reference
            and r[column] is not None
        ]
        return published[-1] if published else None

    decisions = []
    for d in mine:
        if d["action"] in m.DECIDED and inside(d):
            ground = json.loads(d["data"]).get("legal_ground")
            for s in submissions:
                if s["reference"] == d["reference"]:
                    due = latest(s["reference"], "due_us")
                    decisions.append(
                        {
                            "action": d["action"],
                            "reference": d["reference"],
                            "decided_us": d["at_us"],
                            "legal_ground": ground if isinstance(ground, str) else None,
                            "channel": s["channel"],
                            "due_us": due,
                            "sla_due_us": latest(s["reference"], "sla_due_us"),
                            "stopped_us": 0 if due is None else due - s["due_us"],
                            **{k: json.loads(s["data"]).get(k) for k in ("region", "age_band")},
                            "submitted_us": s["at_us"],
                        }
                    )
    n = gi.shown_number
    found: dict[str, tuple[float, list[str]]] = {}

    with_sla = [r for r in decisions if r["sla_due_us"] is not None]
    if with_sla:
        within = sum(1 for r in with_sla if r["decided_us"] <= r["sla_due_us"])
        found["RES1"] = (100 * within / len(with_sla), [n(len(with_sla)), n(within)])

    requests = [r for r in mine if r["action"] == "case.info_requested" and inside(r)]
    if requests:
        answered = sum(
            1
            for q in requests
            if any(
                p["action"] == "case.info_provided"
                and p["reference"] == q["reference"]
                and p["at_us"] > q["at_us"]
                for p in mine
            )
        )
        found["RES2"] = (100 * answered / len(requests), [n(len(requests)), n(answered)])

    scores = [
        r["score"]
        for r in mine
        if r["action"] == "case.rated" and inside(r) and r["score"] is not None
        if 1 <= r["score"] <= 5
    ]
    if scores:
        mean = sum(scores) / len(scores)
        found["RES3"] = ((mean - 1) / 4 * 100, [n(len(scores)), f"{mean:,.2f}"])

    with_due = [r for r in decisions if r["due_us"] is not None]
    if with_due:
        shares = []
        for r in with_due:
            # the agency's time against the law's: the time the clock stood still is neither
            allowed = r["due_us"] - r["stopped_us"] - r["submitted_us"]
            taken = r["decided_us"] - r["stopped_us"] - r["submitted_us"]
            shares.append(min(1.0, max(0.0, 1.0 - taken / allowed)) if allowed > 0 else 0.0)
        taken_total = sum(r["decided_us"] - r["stopped_us"] - r["submitted_us"] for r in with_due)
        allowed_total = sum(r["due_us"] - r["stopped_us"] - r["submitted_us"] for r in with_due)
        found["EFF1"] = (
            100.0 * sum(shares) / len(shares),
            [
                n(len(with_due)),
                gi.shown_days(taken_total / len(with_due)),
                gi.shown_days(allowed_total / len(with_due)),
            ],
        )
        within = sum(1 for r in with_due if r["decided_us"] <= r["due_us"])
        found["ROL1"] = (100 * within / len(with_due), [n(len(with_due)), n(within)])

    started = [r for r in mine if r["action"] == "case.started" and inside(r)]
    if started:
        filed = {r["case"] for r in rows if r["action"] == "case.submitted"}
        done = sum(1 for r in started if r["case"] in filed)
        found["EFE2"] = (100 * done / len(started), [n(len(started)), n(done)])

    if decisions:
        issued = {r["reference"] for r in mine if r["action"] == "document.issued"}
        count = sum(1 for r in decisions if r["reference"] in issued)
        found["TRA2"] = (100 * count / len(decisions), [n(len(decisions)), n(count)])

    refusals = [r for r in decisions if r["action"] == "case.rejected"]
    if refusals:
        grounded = sum(1 for r in refusals if (r["legal_ground"] or "").strip())
        found["ACC1"] = (100 * grounded / len(refusals), [n(len(refusals)), n(grounded)])

    channels = {c: [r for r in decisions if r["channel"] == c] for c in ("online", "counter")}
    if all(len(rs) >= gi.MIN_GROUP_DECISIONS for rs in channels.values()):
        medians = {
            c: statistics.median([r["decided_us"] - r["submitted_us"] for r in rs])
            for c, rs in channels.items()
        }
        rates = {
            c: 100 * sum(1 for r in rs if r["action"] == "case.approved") / len(rs)
            for c, rs in channels.items()
        }
        for indicator, values, shown in (
            ("EQU1", medians, lambda c: f"{gi.shown_days(medians[c])} ({n(len(channels[c]))})"),
            ("EQU2", rates, lambda c: f"{n(rates[c])}% ({n(len(channels[c]))})"),
        ):
            low, high = sorted(values.values())
            found[indicator] = (
                100.0 if high == 0 else 100 * low / high,
                [shown(c) for c in ("online", "counter")],
            )

    ratios: list[float] = []
    facts: list[str] = []
    for grouping in ("region", "age_band"):
        groups: dict[str, list[dict[str, Any]]] = {}
        for r in decisions:
            if r[grouping] is not None:
                groups.setdefault(r[grouping], []).append(r)
        if not groups:
            continue
        large = [rs for rs in groups.values() if len(rs) >= gi.MIN_GROUP_DECISIONS]
        facts.append(f"{n(len(large))} ({n(sum(len(rs) for rs in groups.values()))})")
        if len(large) < 2:
            continue
        rates = [100 * sum(1 for r in rs if r["action"] == "case.approved") / len(rs)
                 for rs in large]  # fmt: skip
        waits = [statistics.median([r["decided_us"] - r["submitted_us"] for r in rs])
                 for rs in large]  # fmt: skip
        facts.append(f"{n(min(rates))}% \N{EN DASH} {n(max(rates))}%")
        facts.append(f"{gi.shown_days(min(waits))} \N{EN DASH} {gi.shown_days(max(waits))}")
        for low, high in ((min(rates), max(rates)), (min(waits), max(waits))):
            ratios.append(100.0 if high == 0 else 100 * low / high)
    if ratios:
        found["EQU3"] = (sum(ratios) / len(ratios), facts)
    return found


LOG_INDICATORS = (
    "RES1", "RES2", "RES3", "EFF1", "EFE2", "TRA2", "ACC1", "ROL1", "EQU1", "EQU2", "EQU3",
)  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.code)
def test_every_log_indicator_equals_its_entry_by_entry_computation(
    seed, period, log, context, other_agency
):
    # given: a random log at two agencies
    built = random_log(seed)
    ctx = context(built, period)
    for agency in (ctx.agency, other_agency):
        here = gi.Context(agency=agency, period=period, events=ctx.events)
        # when
        expected = by_entry(built, agency.code, period)
        # then: the same figures, and no data exactly where there is none
        assert len(expected) >= 4
        for code in LOG_INDICATORS:
            result = gi.by_code(code).compute(here)
            if code not in expected:
                assert result.value is None and result.waiting, (agency.code, code)
                continue
            value, facts = expected[code]
            # Summing floats in another order may change the last bit (EFF1).
            assert result.value == pytest.approx(value, rel=1e-12, abs=0), (agency.code, code)
            assert [f.value for f in result.facts] == facts, (agency.code, code)


def test_the_whitespace_a_legal_ground_may_be_made_of_is_what_python_strips():
    assert sorted(gi.WHITESPACE) == [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_a_legal_ground_of_unicode_spaces_states_nothing(log, context):
    # given: four refusals: an ideographic space, a no-break space and a tab, "s. 38", and
    # a ground that is not text
    refs = [log.file("2025-01-02 09:00", due="2025-01-20 09:00") for _ in range(4)]
    for ref, ground in zip(refs, ("\u3000", "\xa0\t", "s. 38", 38), strict=True):
        log.reject(ref, "2025-01-03 09:00", ground=ground)
    # when
    result = gi.refusals_with_legal_ground(context(log))
    # then: 1 of 4
    assert result.value == 25.0
    assert [f.value for f in result.facts] == ["4", "1"]


def test_medians_of_an_even_number_of_decisions_are_the_mean_of_the_middle_two(log, context):
    # given: online decided after 1, 2, 4, 10, 12 and 20 days (median 7); at a counter
    # after 1 to 6 days (median 3.5)
    for days, channel in [*((d, "online") for d in (1, 2, 4, 10, 12, 20)),
                          *((d, "counter") for d in (1, 2, 3, 4, 5, 6))]:  # fmt: skip
        ref = log.file("2025-01-01 09:00", due="2025-02-20 09:00", channel=channel)
        log.approve(ref, f"2025-01-{1 + days:02d} 09:00")
    # when
    result = gi.waiting_time_across_channels(context(log))
    # then: 3.5 / 7
    assert result.value == 50.0
    assert [f.value for f in result.facts] == ["7.0 (6)", "3.5 (6)"]


def test_the_scorecards_of_all_agencies_run_each_relation_once(
    log, context, other_agency, monkeypatch
):
    # given: decisions at two agencies, and every relation counting the queries built
    for agency in ("TBNK", "DEPT"):
        ref = log.file("2025-01-02 09:00", due="2025-01-20 09:00", agency=agency)
        log.approve(ref, "2025-01-03 09:00", agency=agency)
    built: list[str] = []

    def counting(name, relation):
        def build(events, period):
            built.append(name)
            return relation(events, period)

        return build

    for name, relation in list(gi.RELATIONS.items()):
        monkeypatch.setitem(gi.RELATIONS, name, counting(name, relation))
    ctx = context(log)
    # when
    first = gi.scorecard(ctx.agency, FY2568, ctx.events)
    second = gi.scorecard(other_agency, FY2568, ctx.events)
    # then: one query per relation for both agencies, each with its own figures
    assert sorted(built) == sorted(gi.RELATIONS)
    assert first.principle("rule_of_law").indicators[0].result.facts[0].value == "1"
    assert second.principle("rule_of_law").indicators[0].result.facts[0].value == "1"


# Cost per transaction against the plan's target -----------------------------------------


def english(text: Any) -> str:
    """A translated text as English pages show it (the Thai catalogue may translate it)."""
    with translation.override("en"):
        return str(text)


def cost_plan(agency: Any, targets: dict[str, str], service: str = "permit") -> Any:
    """A plan for fiscal 2568 (2025) with one indicator computed from the cost per
    transaction of ``service``, with ``targets`` per period (``year``, ``h1``, ``h2``)."""
    from goodgov.performance.models import Indicator, IndicatorTarget, Plan, StrategicObjective

    plan = Plan.objects.create(
        agency=agency, first_year=2025, last_year=2025, title_th="แผน", vision_th="วิสัยทัศน์",
        mission_th="พันธกิจ",
    )  # fmt: skip
    objective = StrategicObjective.objects.create(
        plan=plan, number=1, name_th="ลดต้นทุน", weight=Decimal(1)
    )
    indicator = Indicator.objects.create(
        objective=objective, number=1, name_th="ต้นทุนต่อรายการ", kind="outcome",
        unit_th="บาท", baseline=Decimal(0), direction="down", data_source_th="บันทึกสาธารณะ",
        weight=Decimal(1), measure="cost_per_transaction", measure_service=service,
    )  # fmt: skip
    for period, value in targets.items():
        IndicatorTarget.objects.create(
            indicator=indicator, fiscal_year=2025, period=period, value=Decimal(value)
        )
    return indicator


def cost_log(log: Log) -> Log:
    """January 2025: the permit cost 300 baht; three applications decided."""
    log.add(
        "service.cost_set", "2025-01-01 09:00", "TBNK", agency="TBNK", service="permit",
        period="2025-01", amount="300.00",
    )  # fmt: skip
    for _ in range(3):
        ref = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
        log.approve(ref, "2025-01-03 09:00")
    return log


def test_cost_per_transaction_scores_against_the_plans_target(log, context, agency):
    # given: 100 baht a transaction (300 / 3) against a target of 80 for the year
    cost_plan(agency, {"year": "80"})
    # when
    result = gi.cost_per_transaction(context(cost_log(log)))
    # then: 100 * 80 / 100
    assert result.value == pytest.approx(80.0)
    assert [f.value for f in result.facts] == ["80.00", "100.00"]


def test_cost_per_transaction_at_or_under_the_target_scores_100(log, context, agency):
    cost_plan(agency, {"year": "150"})
    assert gi.cost_per_transaction(context(cost_log(log))).value == 100.0


def test_cost_per_transaction_of_a_half_year_reads_the_half_years_target(log, context, agency):
    # given: a target of 50 for the first half (October to March), none for the second
    cost_plan(agency, {"year": "150", "h1": "50"})
    ctx = context(cost_log(log), Period(2568, 1))
    # when
    first = gi.cost_per_transaction(ctx)
    second = gi.cost_per_transaction(gi.Context(agency, Period(2568, 2), ctx.events))
    # then: 100 * 50 / 100; nothing to score the second half against
    assert first.value == pytest.approx(50.0)
    assert second.value is None
    assert "no target cost" in english(second.waiting)


def test_cost_per_transaction_with_a_target_but_no_cost_has_no_data(log, context, agency):
    # given: a target, decisions, and no cost entered
    cost_plan(agency, {"year": "80"})
    ref = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    log.approve(ref, "2025-01-03 09:00")
    # when
    result = gi.cost_per_transaction(context(log))
    # then: no number made up; the target is shown, and why there is no value
    assert result.value is None
    assert [f.value for f in result.facts] == ["80.00"]
    assert "not entered its cost" in english(result.waiting)


def test_cost_per_transaction_without_a_target_has_no_data(log, context, agency):
    # given: a cost and decisions, and no plan
    result = gi.cost_per_transaction(context(cost_log(log)))
    # then
    assert result.value is None
    assert "no target cost" in english(result.waiting)
