"""Every indicator on small event sets whose value was worked out by hand.

Times are Thai time; the period is fiscal year 2568 (October 2024 to September 2025)
unless a test says otherwise.
"""

from __future__ import annotations

import sys
import types

import pytest
from django.utils import translation

from goodgov.governance import indicators as gi
from goodgov.governance.periods import Period

from .conftest import FY2568


def value(code, ctx):
    return gi.by_code(code).compute(ctx).value


def test_decided_within_sla_counts_only_decisions_with_a_service_level(log, context):
    # given: in January, A decided before its SLA, B after it, C without an SLA; D decided
    # within its SLA but in October 2025 (fiscal 2569); E at another agency
    a = log.file("2025-01-06 09:00", due="2025-01-20 09:00", sla_due="2025-01-10 09:00")
    b = log.file("2025-01-06 09:00", due="2025-01-20 09:00", sla_due="2025-01-10 09:00")
    c = log.file("2025-01-06 09:00", due="2025-01-20 09:00")
    d = log.file("2025-09-29 09:00", due="2025-10-20 09:00", sla_due="2025-10-10 09:00")
    e = log.file("2025-01-06 09:00", due="2025-01-20 09:00", sla_due="2025-01-10 09:00",
                 agency="DEPT")  # fmt: skip
    log.approve(a, "2025-01-09 09:00")
    log.approve(b, "2025-01-11 09:00")
    log.approve(c, "2025-01-07 09:00")
    log.approve(d, "2025-10-02 09:00")
    log.approve(e, "2025-01-07 09:00", agency="DEPT")
    # when
    result = gi.decided_within_sla(context(log))
    # then: 1 of the 2 decisions with an SLA
    assert result.value == 50.0
    assert [f.value for f in result.facts] == ["2", "1"]


def test_decided_within_sla_is_no_data_without_a_service_level(log, context):
    # given: one decision, on an application without an SLA
    a = log.file("2025-01-06 09:00", due="2025-01-20 09:00")
    log.approve(a, "2025-01-07 09:00")
    # when
    result = gi.decided_within_sla(context(log))
    # then
    assert result.value is None
    assert result.waiting


def test_information_requests_answered_needs_an_answer_after_the_request(log, context):
    # given: X asked in January and answered in February, then asked again in March and
    # not answered; Y asked in January, never answered
    x = log.file("2025-01-02 09:00", due="2025-02-20 09:00")
    y = log.file("2025-01-02 09:00", due="2025-02-20 09:00")
    log.ask(x, "2025-01-05 09:00")
    log.ask(y, "2025-01-05 10:00")
    log.answer(x, "2025-02-01 09:00")
    log.ask(x, "2025-03-01 09:00")
    # when
    result = gi.information_requests_answered(context(log))
    # then: 1 of 3 requests answered
    assert result.value == 100 / 3
    assert [f.value for f in result.facts] == ["3", "1"]


def test_processing_time_against_deadline_averages_the_time_left(log, context):
    # given: A took 2 of 10 days (0.8 left), B took 12 of 10 (0, not negative),
    # C took 1 of 4 (0.75 left)
    a = log.file("2025-01-01 09:00", due="2025-01-11 09:00")
    b = log.file("2025-01-01 09:00", due="2025-01-11 09:00")
    c = log.file("2025-01-01 09:00", due="2025-01-05 09:00")
    log.approve(a, "2025-01-03 09:00")
    log.approve(b, "2025-01-13 09:00")
    log.reject(c, "2025-01-02 09:00")
    # when
    result = gi.processing_time_against_deadline(context(log))
    # then: 100 * (0.8 + 0 + 0.75) / 3; taken (2 + 12 + 1) / 3 = 5 days; allowed 8 days
    assert result.value == pytest.approx(155 / 3, abs=1e-9)
    assert [f.value for f in result.facts] == ["3", "5.0", "8.0"]


def test_cost_per_transaction_has_no_data_yet(log, context):
    assert value("EFF2", context(log)) is None


def test_completion_rate_counts_applications_started_in_the_period(log, context):
    # given: four started in the period, three submitted (one in the next fiscal year);
    # one started in fiscal 2569
    for day in ("2025-01-02", "2025-02-02"):
        log.file(f"{day} 09:00", due="2025-03-20 09:00")
    late = log.start("2025-09-30 09:00")
    log.start("2025-03-03 09:00")
    log.submit(late, "2025-10-02 09:00", due="2025-10-20 09:00")
    log.start("2025-10-05 09:00")
    # when
    result = gi.completion_rate(context(log))
    # then: 3 of 4
    assert result.value == 75.0


def test_plan_indicators_achieved_reads_the_plans(context, monkeypatch):
    # given: the plans report 3 of 4 indicators achieved for fiscal 2568
    asked = []
    plans = types.ModuleType("goodgov.performance.plans")

    def indicators_achieved(agency, fiscal_year):
        asked.append((agency.code, fiscal_year))
        return (3, 4)

    plans.indicators_achieved = indicators_achieved
    monkeypatch.setitem(sys.modules, "goodgov.performance.plans", plans)
    # when
    result = gi.plan_indicators_achieved(context())
    # then
    assert result.value == 75.0
    assert asked == [("TBNK", 2568)]


def test_plan_indicators_achieved_is_no_data_without_a_plan(context, monkeypatch):
    plans = types.ModuleType("goodgov.performance.plans")
    plans.indicators_achieved = lambda agency, fiscal_year: None
    monkeypatch.setitem(sys.modules, "goodgov.performance.plans", plans)
    assert gi.plan_indicators_achieved(context()).value is None


def test_decisions_with_document_counts_decisions_with_an_issued_document(log, context):
    # given: two decisions in the period, one with its signed document
    a = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    b = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    log.approve(a, "2025-01-03 09:00")
    log.issue(a, "2025-01-03 09:00")
    log.reject(b, "2025-01-04 09:00")
    # when / then
    assert value("TRA2", context(log)) == 50.0


def test_refusals_with_legal_ground_ignore_approvals(log, context):
    # given: two refusals, one with an empty legal ground; one approval
    a = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    b = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    c = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    log.reject(a, "2025-01-03 09:00", ground="")
    log.reject(b, "2025-01-03 09:00")
    log.approve(c, "2025-01-03 09:00")
    # when / then
    assert value("ACC1", context(log)) == 50.0


def test_appeals_answered_has_no_data_yet(context):
    assert value("ACC2", context()) is None


def test_decided_within_deadline(log, context):
    # given: four decisions, three by their deadline (one exactly on it)
    refs = [log.file("2025-01-02 09:00", due="2025-01-10 09:00") for _ in range(4)]
    log.approve(refs[0], "2025-01-03 09:00")
    log.approve(refs[1], "2025-01-10 09:00")
    log.reject(refs[2], "2025-01-09 09:00")
    log.approve(refs[3], "2025-01-10 09:00:01")
    # when / then
    assert value("ROL1", context(log)) == 75.0


def test_a_decision_by_the_due_date_the_applicants_wait_moved_is_on_time(log, context):
    # given: three applications due 10 January (service level 8 January), each decided
    # on 12 January. A was asked for information on the 3rd and answered on the 8th: its
    # clock stood still 5 days, so the answer published due 15 January (level the 13th).
    # B was never asked. C was asked and answered too, but its service's clock runs: the
    # answer published no due date.
    a, b, c = (
        log.file("2025-01-02 09:00", due="2025-01-10 09:00", sla_due="2025-01-08 09:00")
        for _ in range(3)
    )
    log.ask(a, "2025-01-03 09:00")
    log.answer(a, "2025-01-08 09:00", due="2025-01-15 09:00", sla_due="2025-01-13 09:00")
    log.ask(c, "2025-01-03 09:00")
    log.answer(c, "2025-01-08 09:00")
    for reference in (a, b, c):
        log.approve(reference, "2025-01-12 09:00")
    ctx = context(log)
    # when
    within_deadline = gi.by_code("ROL1").compute(ctx)
    within_level = gi.by_code("RES1").compute(ctx)
    against_deadline = gi.by_code("EFF1").compute(ctx)
    # then: only A is on time, by its moved due dates
    assert within_deadline.value == pytest.approx(100 / 3)
    assert [f.value for f in within_deadline.facts] == ["3", "1"]
    assert within_level.value == pytest.approx(100 / 3)
    # EFF1 counts the agency's time against the law's 8 days: A took 10 days less the 5 it
    # waited, so 3/8 of its time was left; B and C took 10 days, none left
    assert against_deadline.value == pytest.approx(100 * (3 / 8) / 3)
    assert [f.value for f in against_deadline.facts] == ["3", "8.3", "8.0"]


def test_services_with_legal_basis_reads_the_catalogue(service_version, context):
    # given: the test permit states its legal basis; another service states none
    from goodgov.catalogue.models import Service, ServiceVersion

    definition = dict(service_version.definition, code="no-basis", legal_basis=[])
    other = Service.objects.create(code="no-basis", agency=service_version.service.agency)
    version = ServiceVersion.objects.create(
        service=other, number=1, definition=definition, digest="b" * 64
    )
    other.current = version
    other.save(update_fields=["current"])
    # when / then: 1 of 2
    assert value("ROL2", context()) == 50.0


def test_waiting_time_across_channels_compares_medians(log, context):
    # given: online decided after 1 to 5 days (median 3), at a counter after 5, 6, 6, 7
    # and 8 days (median 6)
    for days, channel in [*((d, "online") for d in (1, 2, 3, 4, 5)),
                          *((d, "counter") for d in (5, 6, 6, 7, 8))]:  # fmt: skip
        ref = log.file("2025-01-01 09:00", due="2025-01-20 09:00", channel=channel)
        log.approve(ref, f"2025-01-{1 + days:02d} 09:00")
    # when
    result = gi.waiting_time_across_channels(context(log))
    # then: 3 / 6
    assert result.value == 50.0
    assert [f.value for f in result.facts] == ["3.0 (5)", "6.0 (5)"]


def test_a_channel_with_fewer_than_five_decisions_is_neither_compared_nor_shown(log, context):
    # given: five decisions online, two at a counter (one of each outcome: shown, the
    # two people's outcomes could be told apart)
    for _ in range(5):
        log.approve(log.file("2025-01-01 09:00", due="2025-01-20 09:00"), "2025-01-03 09:00")
    counter = [log.file("2025-01-01 09:00", due="2025-01-20 09:00", channel="counter")
               for _ in range(2)]  # fmt: skip
    log.approve(counter[0], "2025-01-04 09:00")
    log.reject(counter[1], "2025-01-05 09:00")
    ctx = context(log)
    # when
    with translation.override("en"):
        waits, outcomes = gi.waiting_time_across_channels(ctx), gi.outcomes_across_channels(ctx)
        shown = [[str(f.value) for f in r.facts] for r in (waits, outcomes)]
        why = str(outcomes.waiting)
    # then
    assert waits.value is None and outcomes.value is None
    assert shown == [
        ["2.0 (5)", "fewer than 5: not shown"],
        ["100% (5)", "fewer than 5: not shown"],
    ]
    assert "at least 5 decisions on applications made online and 5" in why


def test_equity_needs_both_channels(log, context):
    # given: only online decisions
    a = log.file("2025-01-01 09:00", due="2025-01-20 09:00")
    log.approve(a, "2025-01-03 09:00")
    # when
    ctx = context(log)
    # then
    assert value("EQU1", ctx) is None
    assert value("EQU2", ctx) is None


def test_outcomes_across_channels_compares_approval_rates(log, context):
    # given: online 5 of 5 approved (100%), at a counter 3 of 6 (50%)
    on = [log.file("2025-01-01 09:00", due="2025-01-20 09:00") for _ in range(5)]
    off = [log.file("2025-01-01 09:00", due="2025-01-20 09:00", channel="counter")
           for _ in range(6)]  # fmt: skip
    for ref in [*on, *off[:3]]:
        log.approve(ref, "2025-01-03 09:00")
    for ref in off[3:]:
        log.reject(ref, "2025-01-03 09:00")
    # when / then
    assert value("EQU2", context(log)) == 50.0


def test_ledger_coverage_compares_case_records_with_the_published_log(
    service_version, citizen_a, context
):
    # given: three cases decided in the period: one whose decision is published under the
    # checkpoint, one recorded but not sequenced yet, one sequenced after the checkpoint;
    # a fourth decided in fiscal 2569
    import datetime as dt

    from goodgov.cases.models import Case, State
    from goodgov.ledger.models import Checkpoint, Event

    def case(day, leaf):
        made = Case.objects.create(
            service=service_version.service, version=service_version,
            agency=service_version.service.agency, applicant=citizen_a,
            state=State.APPROVED, decided_at=dt.datetime.fromisoformat(day + "T10:00:00+07:00"),
        )  # fmt: skip
        Event.objects.create(
            action="case.approved", agency=made.agency, subject_type="cases.case",
            subject_id=str(made.pk), public={}, leaf_index=leaf,
        )  # fmt: skip

    case("2025-01-02", 0)
    case("2025-01-03", None)
    case("2025-01-04", 5)
    case("2025-10-04", 1)
    Checkpoint.objects.create(size=2, root=b"\0" * 32, note="")
    # when
    result = gi.ledger_coverage(context())
    # then: 1 of 3
    assert result.value == 100 / 3
    assert [f.value for f in result.facts] == ["3", "1"]


def test_every_indicator_is_no_data_when_nothing_exists(context):
    # given: no events, no services, no checklist, no plan
    # when
    card = gi.scorecard(context().agency, FY2568, None)
    # then
    for _code, _name, scores in card.groups:
        for score in scores:
            assert score.score is None
            assert all(s.result.value is None for s in score.indicators)


def test_a_principle_scores_the_mean_of_its_indicators_with_data(
    log, publish, agency, service_version
):
    # given: ROL1 75 (3 of 4 within the deadline) and ROL2 100 (the one service states its
    # legal basis); TRA2 50 and no other transparency data
    refs = [log.file("2025-01-02 09:00", due="2025-01-10 09:00") for _ in range(4)]
    for ref in refs[:3]:
        log.approve(ref, "2025-01-03 09:00")
    log.approve(refs[3], "2025-01-11 09:00")
    log.issue(refs[0], "2025-01-03 09:00")
    log.issue(refs[1], "2025-01-03 09:00")
    # when
    card = gi.scorecard(agency, FY2568, publish(log))
    # then
    assert card.principle("rule_of_law").score == 87.5
    assert card.principle("transparency").score == 50.0
    assert card.principle("transparency").with_data == 1
    assert card.principle("participation").score is None


def test_the_principles_and_groups_cover_the_ten_principles_and_ethics():
    grouped = [p for _code, _name, members in gi.GROUPS for p in members]
    assert sorted(grouped) == sorted(p.code for p in gi.PRINCIPLES)
    assert len(gi.PRINCIPLES) == 11
    assert {i.principle for i in gi.INDICATORS} == {p.code for p in gi.PRINCIPLES}


def test_a_half_year_period_counts_only_its_months(log, context):
    # given: one decision in December 2024 (first half), one late one in May 2025 (second)
    a = log.file("2024-12-01 09:00", due="2024-12-10 09:00")
    b = log.file("2025-05-01 09:00", due="2025-05-10 09:00")
    log.approve(a, "2024-12-02 09:00")
    log.approve(b, "2025-05-12 09:00")
    table = context(log)
    # when / then
    first = gi.Context(agency=table.agency, period=Period(2568, 1), events=table.events)
    second = gi.Context(agency=table.agency, period=Period(2568, 2), events=table.events)
    assert value("ROL1", first) == 100.0
    assert value("ROL1", second) == 0.0


def rate(log, reference, when, score, *, agency="TBNK"):
    log.add(
        "case.rated", when, agency, reference=reference, agency=agency, service="permit",
        score=score,
    )  # fmt: skip


def test_user_satisfaction_is_the_mean_score_on_0_to_100(log, context):
    # given: three answers in fiscal 2568 (5, 4 and 2); one in October 2025 (fiscal 2569)
    # and one at another agency, both 1
    a = log.file("2025-01-06 09:00", due="2025-01-20 09:00")
    b = log.file("2025-01-06 09:00", due="2025-01-20 09:00")
    c = log.file("2025-09-01 09:00", due="2025-09-20 09:00")
    d = log.file("2025-09-20 09:00", due="2025-10-20 09:00")
    e = log.file("2025-01-06 09:00", due="2025-01-20 09:00", agency="DEPT")
    rate(log, a, "2025-01-10 09:00", 5)
    rate(log, b, "2025-02-01 09:00", 4)
    rate(log, c, "2025-09-30 23:59", 2)
    rate(log, d, "2025-10-01 00:00", 1)
    rate(log, e, "2025-01-10 09:00", 1, agency="DEPT")
    # when
    result = gi.by_code("RES3").compute(context(log))
    # then: mean 11/3; (11/3 - 1) / 4 * 100 = 200/3
    assert result.value == pytest.approx(200 / 3)
    assert [f.value for f in result.facts] == ["3", "3.67"]
    assert gi.by_code("RES3").principle == "responsiveness"


def test_user_satisfaction_is_no_data_without_answers(log, context):
    # given: a decided application, no answer to the satisfaction question
    a = log.file("2025-01-06 09:00", due="2025-01-20 09:00")
    log.approve(a, "2025-01-07 09:00")
    # when
    result = gi.user_satisfaction(context(log))
    empty = gi.user_satisfaction(context())
    # then
    assert result.value is None and result.waiting
    assert empty.value is None and empty.waiting


def decide(log, days, approved, **groups):
    """An application filed on 1 January 2025 (with ``region``/``age_band``), decided
    ``days`` later: approved, or refused."""
    ref = log.file("2025-01-01 09:00", due="2025-03-01 09:00", **groups)
    (log.approve if approved else log.reject)(ref, f"2025-01-{1 + days:02d} 09:00")


def test_equity_across_regions_compares_the_provinces_large_enough(log, context):
    # given: Bangkok (10) 5 decisions, 4 approved (80%), after 2, 2, 4, 4, 4 days (median
    # 4); Nakhon Nayok (26) 5 decisions, 2 approved (40%), after 1, 3, 3, 3, 8 days (median
    # 3); Chiang Mai (50) 4 decisions only, all approved after 20 days: too few to compare
    for days, approved in ((2, True), (2, True), (4, True), (4, True), (4, False)):
        decide(log, days, approved, region="10")
    for days, approved in ((1, True), (3, True), (3, False), (3, False), (8, False)):
        decide(log, days, approved, region="26")
    for _ in range(4):
        decide(log, 20, True, region="50")
    # when
    result = gi.across_regions_and_ages(context(log))
    # then: the mean of 40 / 80 and 3 / 4: (50 + 75) / 2
    assert result.value == 62.5
    assert [f.value for f in result.facts] == [
        "2 (14)",
        "40% \N{EN DASH} 80%",
        "3.0 \N{EN DASH} 4.0",
    ]


def test_equity_across_age_groups_counts_even_when_regions_cannot(log, context):
    # given: ten decisions, all in one province; 60-69: 5 of 5 approved after 1 day, 80+:
    # 4 of 5 approved after 2 days
    for _ in range(5):
        decide(log, 1, True, region="10", age_band="60-69")
    for approved in (True, True, True, True, False):
        decide(log, 2, approved, region="10", age_band="80+")
    # when
    result = gi.across_regions_and_ages(context(log))
    # then: one province (nothing to compare); ages: the mean of 80 / 100 and 1 / 2
    assert result.value == 65.0
    assert [f.value for f in result.facts] == [
        "1 (10)",
        "2 (10)",
        "80% \N{EN DASH} 100%",
        "1.0 \N{EN DASH} 2.0",
    ]


def test_equity_across_regions_and_ages_needs_two_groups_of_five(log, context):
    # given: 5 decisions in Bangkok, 4 in Nakhon Nayok, 4 of people in their 60s and 5 of
    # people with no age recorded
    for i in range(5):
        decide(log, 2, True, region="10", age_band="60-69" if i < 4 else None)
    for _ in range(4):
        decide(log, 2, True, region="26")
    # when
    result = gi.across_regions_and_ages(context(log))
    # then: no data yet, saying why; what there is is shown
    assert result.value is None
    assert [f.value for f in result.facts] == ["1 (9)", "0 (4)"]
    with translation.override("en"):
        assert "at least 5 decisions in each of two provinces" in str(result.waiting)
        assert str(result.facts[0].label) == (
            "Provinces with at least 5 decisions (decisions with a province)"
        )


def test_equity_across_regions_and_ages_is_no_data_without_either(log, context):
    # given: twenty decisions whose submissions hold neither a province nor an age group
    for i in range(20):
        decide(log, 1 + i % 3, i % 2 == 0, channel="counter" if i % 2 else "online")
    ctx = context(log)
    # when
    result = gi.across_regions_and_ages(ctx)
    # then: no data (the channels can be compared)
    assert result.value is None
    assert result.facts == ()
    assert value("EQU1", ctx) == 100.0
