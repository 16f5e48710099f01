"""Cost per transaction: the cost the agency enters (``service.cost_set``, read from the
public log) divided by the month's decisions. Worked by hand on small logs."""

from __future__ import annotations

from typing import Any

from goodgov.performance.eventlog import rows_from_entries

OCT, NOV, DEC, JAN = "2024-10", "2024-11", "2024-12", "2025-01"
PERMIT = ("TBNK", "permit")


def cost_set(log: Any, when: str, period: str, amount: str, **where: str) -> None:
    """A ``service.cost_set`` entry as ``performance.costs.service_cost_set`` records it."""
    agency = where.get("agency", "TBNK")
    log.add(
        "service.cost_set", when, agency, agency=agency,
        service=where.get("service", "permit"), period=period, amount=amount,
    )  # fmt: skip


def decided(log: Any, when: str, count: int, *, approve: bool = True) -> None:
    """``count`` cases filed a day before ``when`` and decided at ``when``."""
    day = when[:10]
    for _ in range(count):
        reference = log.file(f"{day} 08:00", due="2025-12-31 00:00")
        log.decide(reference, when, approve=approve)


def test_period_and_amount_are_flattened_into_their_columns(log):
    # given
    cost_set(log, "2024-11-01 09:00", "2024-11", "12000.50")
    cost_set(log, "2024-11-01 09:00", "FY2025", "120000")
    # when
    table = rows_from_entries(log.entries, 0)
    # then
    assert table.column("period").to_pylist() == ["2024-11", "FY2025"]
    assert table.column("amount").to_pylist() == [12000.5, 120000.0]


def test_cost_per_transaction_is_the_months_cost_over_its_decisions(log, compute):
    # given: November: cost 12,000.50 entered; 3 approvals and 1 refusal in November
    cost_set(log, "2024-11-01 09:00", "2024-11", "12000.50")
    decided(log, "2024-11-10 10:00", 3)
    decided(log, "2024-11-20 10:00", 1, approve=False)
    log.file("2024-12-02 09:00", due="2025-12-31 00:00")  # December: November is complete
    # when
    row = compute(log)[(*PERMIT, NOV)]
    # then: 12,000.50 / 4
    assert row["cost"] == 12000.5
    assert row["cost_per_transaction"] == 3000.125


def test_a_withdrawal_is_not_a_completed_transaction(log, compute):
    # given: November: cost 900; one approval; one case withdrawn
    cost_set(log, "2024-11-01 09:00", "2024-11", "900")
    decided(log, "2024-11-10 10:00", 1)
    withdrawn = log.file("2024-11-11 09:00", due="2025-12-31 00:00")
    log.withdraw(withdrawn, "2024-11-12 09:00")
    # when
    row = compute(log)[(*PERMIT, NOV)]
    # then: 900 / 1
    assert row["cost_per_transaction"] == 900.0


def test_the_last_entry_for_a_period_counts(log, compute):
    # given: November's cost entered as 1,000, then corrected to 600; two decisions
    cost_set(log, "2024-11-01 09:00", "2024-11", "1000")
    decided(log, "2024-11-10 10:00", 2)
    cost_set(log, "2024-11-30 09:00", "2024-11", "600")
    # when
    row = compute(log)[(*PERMIT, NOV)]
    # then: 600 / 2
    assert row["cost"] == 600.0
    assert row["cost_per_transaction"] == 300.0


def test_a_fiscal_year_cost_is_spread_over_its_months_unless_a_month_has_its_own(
    log, compute
):
    # given: fiscal year 2025 (October 2024 to September 2025) costs 120,000; November
    # has its own entry of 5,000. Decisions: October 2, November 4, December none;
    # the log reaches January 2025.
    cost_set(log, "2024-10-01 09:00", "FY2025", "120000")
    decided(log, "2024-10-15 10:00", 2)
    cost_set(log, "2024-11-01 09:00", "2024-11", "5000")
    decided(log, "2024-11-15 10:00", 4)
    log.file("2025-01-05 09:00", due="2025-12-31 00:00")
    # when
    rows = compute(log)
    # then: October 120,000 / 12 = 10,000 over 2 = 5,000; November 5,000 / 4 = 1,250;
    # December 10,000 with no decisions: no cost per transaction
    assert rows[(*PERMIT, OCT)]["cost"] == 10000.0
    assert rows[(*PERMIT, OCT)]["cost_per_transaction"] == 5000.0
    assert rows[(*PERMIT, NOV)]["cost"] == 5000.0
    assert rows[(*PERMIT, NOV)]["cost_per_transaction"] == 1250.0
    assert rows[(*PERMIT, DEC)]["cost"] == 10000.0
    assert rows[(*PERMIT, DEC)]["cost_per_transaction"] is None
    # January is in the fiscal year and in the log
    assert rows[(*PERMIT, JAN)]["cost"] == 10000.0
    # no figures for the months after the log's latest
    assert (*PERMIT, "2025-02") not in rows


def test_a_month_without_a_cost_has_no_cost_per_transaction(log, compute):
    # given: decisions in November, no cost entered; a cost entered for another service
    decided(log, "2024-11-10 10:00", 2)
    cost_set(log, "2024-11-01 09:00", "2024-11", "800", service="licence")
    # when
    rows = compute(log)
    # then: "no data", never 0
    assert rows[(*PERMIT, NOV)]["cost"] is None
    assert rows[(*PERMIT, NOV)]["cost_per_transaction"] is None
    assert rows[("TBNK", "licence", NOV)]["cost"] == 800.0


def test_costs_are_per_agency(log, compute):
    # given: the same service code at two agencies; only DEPT entered a cost
    cost_set(log, "2024-11-01 09:00", "2024-11", "700", agency="DEPT")
    decided(log, "2024-11-10 10:00", 1)
    # when
    rows = compute(log)
    # then
    assert rows[(*PERMIT, NOV)]["cost_per_transaction"] is None
    assert rows[("DEPT", "permit", NOV)]["cost_per_transaction"] is None  # no decisions
    assert rows[("DEPT", "permit", NOV)]["cost"] == 700.0
