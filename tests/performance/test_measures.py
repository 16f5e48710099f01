"""Every measure on small event sets whose result was worked out by hand.

Times are written in Thai time (UTC+7); the log stores UTC. Each test ends its log with
an event in a later month where month-end figures matter, so earlier months are complete.
"""

from __future__ import annotations

from goodgov.performance import measures

JAN, FEB, MAR, APR = "2025-01", "2025-02", "2025-03", "2025-04"
PERMIT = ("TBNK", "permit")


def test_applications_count_submissions_by_thai_month(log, compute):
    # given: two submissions in January (Thai time; one a microsecond before midnight
    # on the 31st, which is 16:59 UTC), one just after midnight Thai time on 1 February
    log.file("2025-01-10 09:00", due="2025-01-20 09:00")
    log.file("2025-01-31 23:59:59.999999", due="2025-02-10 09:00")
    log.file("2025-02-01 00:00", due="2025-02-11 09:00")
    # when
    rows = compute(log)
    # then
    assert rows[(*PERMIT, JAN)]["applications"] == 2
    assert rows[(*PERMIT, FEB)]["applications"] == 1


def test_applications_are_zero_in_a_month_with_only_other_events(log, compute):
    # given: submitted in January, decided in February, nothing submitted in February
    reference = log.file("2025-01-10 09:00", due="2025-01-20 09:00")
    log.decide(reference, "2025-02-03 09:00")
    # when
    rows = compute(log)
    # then
    assert rows[(*PERMIT, FEB)]["applications"] == 0


def test_decisions_count_approvals_and_refusals_not_withdrawals(log, compute):
    # given: three cases submitted in January; one approved and one refused in February,
    # one withdrawn in February
    a = log.file("2025-01-05 09:00", due="2025-02-20 09:00")
    b = log.file("2025-01-06 09:00", due="2025-02-20 09:00")
    c = log.file("2025-01-07 09:00", due="2025-02-20 09:00")
    log.decide(a, "2025-02-01 10:00")
    log.decide(b, "2025-02-02 10:00", approve=False)
    log.withdraw(c, "2025-02-03 10:00")
    # when
    rows = compute(log)
    # then: 1 approval + 1 refusal = 2; none in January
    assert rows[(*PERMIT, FEB)]["decisions"] == 2
    assert rows[(*PERMIT, JAN)]["decisions"] == 0


def test_decisions_go_to_the_service_and_agency_of_the_submission(log, compute):
    # given: one case of each of two services at two agencies, decided in January
    a = log.file("2025-01-05 09:00", due="2025-01-20 09:00", service="permit")
    b = log.file("2025-01-05 09:00", due="2025-01-20 09:00", service="licence", agency="DEPT")
    log.decide(a, "2025-01-06 09:00")
    log.decide(b, "2025-01-07 09:00", agency="DEPT")
    # when
    rows = compute(log)
    # then
    assert rows[("TBNK", "permit", JAN)]["decisions"] == 1
    assert rows[("DEPT", "licence", JAN)]["decisions"] == 1
    assert ("TBNK", "licence", JAN) not in rows and ("DEPT", "permit", JAN) not in rows


def test_completion_rate_is_by_the_month_a_case_was_started(log, compute):
    # given: January: three started; one submitted the same day, one submitted in
    # February, one never. February: one started, never submitted.
    first = log.start("2025-01-03 09:00")
    log.submit(first, "2025-01-03 10:00", due="2025-01-13 10:00")
    second = log.start("2025-01-20 09:00")
    log.start("2025-01-21 09:00")
    log.submit(second, "2025-02-02 09:00", due="2025-02-12 09:00")
    log.start("2025-02-05 09:00")
    # when
    rows = compute(log)
    # then: January 2 of 3 started were submitted; February 0 of 1
    assert rows[(*PERMIT, JAN)]["completion_rate"] == 2 / 3
    assert rows[(*PERMIT, FEB)]["completion_rate"] == 0.0


def test_completion_rate_has_no_value_without_started_cases(log, compute):
    # given: a month with a decision but no case started
    reference = log.file("2025-01-10 09:00", due="2025-01-20 09:00")
    log.decide(reference, "2025-02-03 09:00")
    # when
    rows = compute(log)
    # then
    assert rows[(*PERMIT, JAN)]["completion_rate"] == 1.0
    assert rows[(*PERMIT, FEB)]["completion_rate"] is None


def test_digital_takeup_is_online_share_of_submissions(log, compute):
    # given: January: three online submissions and one at the counter; a counter case
    # started in January but submitted in February
    for day in ("05", "06", "07"):
        log.file(f"2025-01-{day} 09:00", due="2025-02-20 09:00")
    log.file("2025-01-08 09:00", due="2025-02-20 09:00", channel="counter")
    late = log.start("2025-01-30 09:00", channel="counter")
    log.submit(late, "2025-02-01 09:00", due="2025-02-20 09:00", channel="counter")
    # when
    rows = compute(log)
    # then: January 3 of 4; February 0 of 1
    assert rows[(*PERMIT, JAN)]["digital_takeup"] == 0.75
    assert rows[(*PERMIT, FEB)]["digital_takeup"] == 0.0


def test_processing_time_median_and_p90_of_two_decisions(log, compute):
    # given: decided in February after 1 day and after 2 days
    a = log.file("2025-01-31 12:00", due="2025-02-20 09:00")
    b = log.file("2025-01-30 12:00", due="2025-02-20 09:00")
    log.decide(a, "2025-02-01 12:00")
    log.decide(b, "2025-02-01 12:00")
    # when
    row = compute(log)[(*PERMIT, FEB)]
    # then: median (1 + 2) / 2; p90 interpolates 90% of the way from 1 to 2
    assert row["processing_median_days"] == 1.5
    assert row["processing_p90_days"] == 1.9


def test_processing_time_p90_of_eleven_decisions_is_the_tenth(log, compute):
    # given: eleven cases decided in March after 1, 2, ..., 10 and 30 days (submitted in
    # February or March, all at noon), in shuffled order
    for days in (7, 30, 1, 4, 10, 2, 9, 5, 3, 8, 6):
        submitted = f"2025-02-{28 - days:02d} 12:00" if days < 28 else "2025-01-30 12:00"
        decided = "2025-02-28 12:00" if days < 28 else "2025-03-01 12:00"
        reference = log.file(submitted, due="2025-04-01 00:00")
        log.decide(reference, decided)
    # when
    rows = compute(log)
    # then: February holds the ten decisions of 1..10 days: median (5 + 6) / 2, p90 at
    # rank 0.9 * 9 = 8.1: 9 + 0.1 * (10 - 9)
    feb = rows[(*PERMIT, FEB)]
    assert feb["decisions"] == 10
    assert feb["processing_median_days"] == 5.5
    assert feb["processing_p90_days"] == 9.1
    # March holds the one decision of 30 days (31 January is not in February)
    assert rows[(*PERMIT, MAR)]["processing_median_days"] == 30.0
    assert rows[(*PERMIT, MAR)]["processing_p90_days"] == 30.0


def test_processing_time_counts_fractions_of_a_day(log, compute):
    # given: submitted 09:00, decided 2 days and 6 hours later
    reference = log.file("2025-01-10 09:00", due="2025-01-20 09:00")
    log.decide(reference, "2025-01-12 15:00")
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then: 2.25 days
    assert row["processing_median_days"] == 2.25
    assert row["processing_p90_days"] == 2.25


def test_processing_time_has_no_value_without_decisions(log, compute):
    # given: a submission only
    log.file("2025-01-10 09:00", due="2025-01-20 09:00")
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then
    assert row["processing_median_days"] is None
    assert row["processing_p90_days"] is None
    assert row["within_deadline"] is None
    assert row["deadline_days"] is None


def test_within_deadline_counts_a_decision_at_the_deadline_as_on_time(log, compute):
    # given: three cases with a 10-day deadline, decided after 9 days, after exactly
    # 10 days, and after 11 days; all decided in January
    for day, decided in (
        ("01", "2025-01-10 09:00"),
        ("02", "2025-01-12 09:00"),
        ("03", "2025-01-14 09:00"),
    ):
        reference = log.file(f"2025-01-{day} 09:00", due=f"2025-01-{int(day) + 10:02d} 09:00")
        log.decide(reference, decided)
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then: 2 of 3 on time; the deadline is 10 days
    assert row["within_deadline"] == 2 / 3
    assert row["deadline_days"] == 10.0


def test_a_decision_by_the_due_date_the_applicants_wait_moved_is_on_time(log, compute):
    # given: three applications submitted 1 January, due 11 January, service level 6
    # January. A and C waited 4 days for their applicant, so each answer published due 15
    # January and level 10 January; B's service runs its clock, so its answer published
    # none. A is decided on the 9th (after its first level), B on the 9th, C on the 13th
    # (after its first due date).
    a, b, c = (
        log.file("2025-01-01 09:00", due="2025-01-11 09:00", sla_due="2025-01-06 09:00")
        for _ in range(3)
    )
    for reference in (a, b, c):
        log.ask(reference, "2025-01-02 09:00")
    log.answer(a, "2025-01-06 09:00", due="2025-01-15 09:00", sla_due="2025-01-10 09:00")
    log.answer(b, "2025-01-06 09:00")
    log.answer(c, "2025-01-06 09:00", due="2025-01-15 09:00", sla_due="2025-01-10 09:00")
    log.decide(a, "2025-01-09 09:00")
    log.decide(b, "2025-01-09 09:00")
    log.decide(c, "2025-01-13 09:00")
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then: all three by their (latest) due date; only A by its (latest) service level.
    # The law's deadline and the level stay 10 and 5 days.
    assert row["within_deadline"] == 1.0
    assert row["within_sla"] == 1 / 3
    assert row["deadline_days"] == 10.0
    assert row["sla_days"] == 5.0


def test_deadline_days_rounds_the_milliseconds_between_submission_and_event(log, compute):
    # given: the service computes ``due`` a few milliseconds before the event is recorded
    reference = log.file("2025-01-01 09:00:00.004", due="2025-01-31 09:00:00")
    log.decide(reference, "2025-01-05 09:00")
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then: 30 days, not 29.99999995
    assert row["deadline_days"] == 30.0


def test_within_sla_counts_only_cases_whose_submission_carries_a_target(log, compute):
    # given: four decisions in January: SLA 5 days, decided in 4 (on time); SLA 5 days,
    # decided in 6 (late); SLA 3 days, decided in 3 (on time); no SLA recorded
    for day, sla, decided in (
        ("01", "2025-01-06 09:00", "2025-01-05 09:00"),
        ("02", "2025-01-07 09:00", "2025-01-08 09:00"),
        ("03", "2025-01-06 09:00", "2025-01-06 09:00"),
    ):
        reference = log.file(f"2025-01-{day} 09:00", due="2025-01-30 09:00", sla_due=sla)
        log.decide(reference, decided)
    untargeted = log.file("2025-01-04 09:00", due="2025-01-30 09:00")
    log.decide(untargeted, "2025-01-29 09:00")
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then: 2 of the 3 with a target; the longest target is 5 days
    assert row["within_sla"] == 2 / 3
    assert row["sla_days"] == 5.0


def test_within_sla_has_no_value_when_no_submission_carries_a_target(log, compute):
    # given
    reference = log.file("2025-01-01 09:00", due="2025-01-30 09:00")
    log.decide(reference, "2025-01-02 09:00")
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then: no data, never 0 or 100%
    assert row["within_sla"] is None
    assert row["sla_days"] is None


def test_backlog_and_overdue_at_each_month_end(log, compute):
    # given:
    #   A submitted 10 Jan, due 10 Feb, decided 5 Apr
    #   B submitted 11 Jan, due 20 Jan, decided 25 Jan (late, but closed in January)
    #   C submitted 3 Feb, due 3 Mar, withdrawn 10 Mar
    #   D submitted 31 Mar 23:00, due 1 Apr 00:00 (due after the end of March)
    a = log.file("2025-01-10 09:00", due="2025-02-10 09:00")
    b = log.file("2025-01-11 09:00", due="2025-01-20 09:00")
    log.decide(b, "2025-01-25 09:00")
    c = log.file("2025-02-03 09:00", due="2025-03-03 09:00")
    log.withdraw(c, "2025-03-10 09:00")
    log.file("2025-03-31 23:00", due="2025-04-01 00:00")
    log.decide(a, "2025-04-05 09:00")
    # when
    rows = compute(log)
    # then:
    #   end of January: A open, not yet due -> backlog 1, overdue 0
    #   end of February: A open and past due, C open -> backlog 2, overdue 1
    #   end of March: A open and past due, D open, not due -> backlog 2, overdue 1
    #   April is the log's latest month: not over, so no month-end figures
    assert (rows[(*PERMIT, JAN)]["backlog"], rows[(*PERMIT, JAN)]["overdue"]) == (1, 0)
    assert (rows[(*PERMIT, FEB)]["backlog"], rows[(*PERMIT, FEB)]["overdue"]) == (2, 1)
    assert (rows[(*PERMIT, MAR)]["backlog"], rows[(*PERMIT, MAR)]["overdue"]) == (2, 1)
    assert (rows[(*PERMIT, APR)]["backlog"], rows[(*PERMIT, APR)]["overdue"]) == (None, None)
    assert [rows[(*PERMIT, m)]["complete"] for m in (JAN, FEB, MAR, APR)] == [
        True, True, True, False,
    ]  # fmt: skip


def month_ends(rows, service, months=(JAN, FEB, MAR, APR)):
    """``(backlog, overdue)`` of ``service`` (TBNK's) at the end of each month."""
    return [
        (rows[("TBNK", service, m)]["backlog"], rows[("TBNK", service, m)]["overdue"])
        for m in months
    ]


def test_month_end_overdue_leaves_out_a_case_whose_clock_stands_still(log, compute):
    # given: three applications submitted 10 January, due 10 February, each asked for
    # information on 5 February and answered on 28 March, then still open:
    #   "stops": the request says the clock stopped; the answer moved the due date by the
    #            51 days waited, to 2 April
    #   "runs": the request says the clock runs; the answer publishes no due date
    #   "older": a request recorded before requests said either (the clock runs)
    for service, stopped in (("stops", True), ("runs", False), ("older", None)):
        reference = log.file("2025-01-10 09:00", due="2025-02-10 09:00", service=service)
        log.ask(reference, "2025-02-05 09:00", clock_stopped=stopped)
        moved = {"due": "2025-04-02 09:00"} if stopped else {}
        log.answer(reference, "2025-03-28 09:00", **moved)
    log.start("2025-05-02 09:00")
    # when
    rows = compute(log)
    # then: waiting at the end of February, "stops" is not overdue, as the officers'
    # queue does not count it; answered in March, its due date is in April, so not
    # overdue at the end of March either; at the end of April it is. The other two are
    # overdue at the end of every month from February.
    assert month_ends(rows, "stops") == [(1, 0), (1, 0), (1, 0), (1, 1)]
    assert month_ends(rows, "runs") == [(1, 0), (1, 1), (1, 1), (1, 1)]
    assert month_ends(rows, "older") == [(1, 0), (1, 1), (1, 1), (1, 1)]


def test_month_end_takes_the_last_state_of_a_month_with_several(log, compute):
    # given: two applications submitted 10 January, due 20 January, under services whose
    # clock stops:
    #   "again": asked 3 February, answered 6 February (due moved to 23 January), asked
    #            again 25 February and answered 10 March (due moved to 6 February)
    #   "answered": asked 15 January, answered 10 February (due moved to 15 February)
    again = log.file("2025-01-10 09:00", due="2025-01-20 09:00", service="again")
    answered = log.file("2025-01-10 09:00", due="2025-01-20 09:00", service="answered")
    log.ask(answered, "2025-01-15 09:00", clock_stopped=True)
    log.ask(again, "2025-02-03 09:00", clock_stopped=True)
    log.answer(again, "2025-02-06 09:00", due="2025-01-23 09:00")
    log.answer(answered, "2025-02-10 09:00", due="2025-02-15 09:00")
    log.ask(again, "2025-02-25 09:00", clock_stopped=True)
    log.answer(again, "2025-03-10 09:00", due="2025-02-06 09:00")
    log.decide(answered, "2025-03-20 09:00")
    log.start("2025-04-02 09:00")
    # when
    rows = compute(log)
    # then:
    #   "again": overdue at the end of January (due the 20th, not yet asked); waiting
    #   again at the end of February, so not overdue; overdue at the end of March on the
    #   due date its last answer moved (6 February)
    #   "answered": waiting at the end of January; answered in February, due the 15th,
    #   so overdue at its end; decided in March
    assert month_ends(rows, "again", (JAN, FEB, MAR)) == [(1, 1), (1, 0), (1, 1)]
    assert month_ends(rows, "answered", (JAN, FEB, MAR)) == [(1, 0), (1, 1), (0, 0)]


def test_a_case_withdrawn_while_its_clock_stands_still_leaves_the_backlog(log, compute):
    # given: submitted 10 January, due 20 January; asked 15 January with the clock
    # stopped; withdrawn 10 February without an answer
    reference = log.file("2025-01-10 09:00", due="2025-01-20 09:00")
    log.ask(reference, "2025-01-15 09:00", clock_stopped=True)
    log.withdraw(reference, "2025-02-10 09:00")
    log.start("2025-03-02 09:00")
    # when
    rows = compute(log)
    # then: in the backlog but not overdue at the end of January; gone by February's
    assert month_ends(rows, "permit", (JAN, FEB)) == [(1, 0), (0, 0)]


def test_backlog_is_zero_in_complete_months_before_any_submission(log, compute):
    # given: a draft started in January, submitted in February; a later event in March
    case = log.start("2025-01-10 09:00")
    log.submit(case, "2025-02-10 09:00", due="2025-02-20 09:00")
    log.start("2025-03-01 09:00")
    # when
    rows = compute(log)
    # then: nothing submitted by the end of January; February ends with one case overdue
    assert (rows[(*PERMIT, JAN)]["backlog"], rows[(*PERMIT, JAN)]["overdue"]) == (0, 0)
    assert (rows[(*PERMIT, FEB)]["backlog"], rows[(*PERMIT, FEB)]["overdue"]) == (1, 1)


def test_backlog_is_per_agency_and_service(log, compute):
    # given: one open case at each of two services; a later event in February
    log.file("2025-01-10 09:00", due="2025-03-01 09:00", service="permit")
    log.file("2025-01-10 09:00", due="2025-01-15 09:00", service="licence", agency="DEPT")
    log.start("2025-02-01 09:00")
    # when
    rows = compute(log)
    # then
    assert (rows[("TBNK", "permit", JAN)]["backlog"], rows[("TBNK", "permit", JAN)]["overdue"]) == (
        1,
        0,
    )
    assert (
        rows[("DEPT", "licence", JAN)]["backlog"],
        rows[("DEPT", "licence", JAN)]["overdue"],
    ) == (1, 1)


def test_every_measure_has_a_definition_in_both_languages():
    # given / when / then
    codes = [m.code for m in measures.MEASURES]
    assert len(codes) == len(set(codes)) == 16
    for measure in measures.MEASURES:
        assert measure.name["th"] and measure.name["en"]
        assert measure.definition["th"] and measure.definition["en"]
        assert measure.formula and measure.unit in (
            measures.COUNT,
            measures.RATIO,
            measures.DAYS,
            measures.SCORE,
            measures.BAHT,
        )


def test_month_labels_round_trip():
    # given / when / then
    assert measures.month_label(2025 * 12) == "2025-01"
    assert measures.month_label(2025 * 12 + 11) == "2025-12"
    assert measures.month_number("2025-12") == 2025 * 12 + 11
