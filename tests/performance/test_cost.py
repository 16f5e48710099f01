"""Cost per transaction: the cost the agency enters (``service.cost_set``, read from the
public log) divided by the month's decisions. Worked by hand on small logs."""

from __future__ import annotations

from typing import Any

import pytest

from goodgov.performance.eventlog import rows_from_entries

OCT, NOV, DEC, JAN = "2024-10", "2024-11", "2024-12", "2025-01"
PERMIT = ("TBNK", "permit")
#: The columns of the event table added after the first copies were exported.
ADDED_LATER = ("score", "period", "amount", "clock_stopped")


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


def test_a_fiscal_year_cost_is_spread_over_its_months_unless_a_month_has_its_own(log, compute):
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


@pytest.mark.parametrize("merge_below", [None, 65_536, 0], ids=["as it was", "merged", "new file"])
def test_a_copy_exported_before_the_cost_columns_reads_and_grows(
    merge_below, log, tmp_path, monkeypatch
):
    # given: a copy written with the columns of before (no score, period, amount or
    # clock_stopped); the next export either rewrites its small last file or adds a file
    # after it
    monkeypatch.setattr("goodgov.performance.eventlog.SMALL_FILE_ROWS", merge_below or 0)
    import pyarrow as pa
    import pyarrow.parquet as pq

    from goodgov.performance import engine
    from goodgov.performance.eventlog import LAST_INDEX_KEY, SCHEMA, ParquetLog

    decided(log, "2024-11-10 10:00", 2)
    old_schema = pa.schema([f for f in SCHEMA if f.name not in ADDED_LATER])
    old = rows_from_entries(log.entries, 0).select(old_schema.names).cast(old_schema)
    directory = tmp_path / "old"
    directory.mkdir()
    pq.write_table(
        old.replace_schema_metadata({LAST_INDEX_KEY: str(len(log.entries) - 1).encode()}),
        directory / "events-000000000000.parquet",
    )
    parquet = ParquetLog(directory)
    # when: nothing new yet, or the next export adds a cost
    if merge_below is not None:
        first = len(log.entries)
        cost_set(log, "2024-11-20 09:00", "2024-11", "300")
        with parquet.locked():
            parquet.append(rows_from_entries(log.entries[first:], first))
    figures = engine.compute(engine.duckdb_events(parquet), parquet.size())
    # then: no cost yet, then 300 / 2
    assert len(parquet.files()) == (2 if merge_below == 0 else 1)
    [row] = [r for r in figures.rows if r["month"] == NOV]
    assert row["decisions"] == 2
    assert row["cost_per_transaction"] == (None if merge_below is None else 150.0)


@pytest.mark.django_db(transaction=True)
def test_postgres_computes_satisfaction_and_cost_as_duckdb_does(log, tmp_path, agency):
    # given: answers and costs (a month's and a fiscal year's) beside decisions
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    from goodgov.performance import engine
    from goodgov.performance.eventlog import ParquetLog
    from goodgov.performance.export import export_local
    from tests.performance.test_postgres import same, store

    cost_set(log, "2024-10-01 09:00", "FY2025", "120000")
    decided(log, "2024-10-15 10:00", 3)
    cost_set(log, "2024-11-01 09:00", "2024-11", "5000.25")
    decided(log, "2024-11-15 10:00", 2, approve=False)
    for when, score in (("2024-10-20 09:00", 5), ("2024-10-21 09:00", 2), ("2024-11-02 09:00", 4)):
        log.add(
            "case.rated", when, "TBNK", reference="TBNK-2568-000001", agency="TBNK",
            service="permit", score=score,
        )  # fmt: skip
    log.file("2024-12-01 09:00", due="2025-12-31 00:00")
    store(log, {"TBNK": agency})
    parquet = ParquetLog(tmp_path)
    export_local(parquet)
    # when
    on_duckdb = engine.compute(engine.duckdb_events(parquet), parquet.size())
    on_postgres = engine.postgres_figures()
    # then
    # (the log runs on to today: the agency was made today)
    assert len(on_postgres.rows) == len(on_duckdb.rows) > 12
    for ours, theirs in zip(on_duckdb.rows, on_postgres.rows, strict=True):
        assert ours.keys() == theirs.keys()
        assert all(same(ours[k], theirs[k]) for k in ours), (ours, theirs)
    first = {r["month"]: r for r in on_postgres.rows if r["month"] in (OCT, NOV, DEC)}
    assert [first[x]["cost_per_transaction"] for x in (OCT, NOV, DEC)] == [
        10000 / 3,
        5000.25 / 2,
        None,
    ]
    assert [first[x]["satisfaction"] for x in (OCT, NOV, DEC)] == [3.5, 4.0, None]
