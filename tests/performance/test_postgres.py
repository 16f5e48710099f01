"""The same measure expressions on PostgreSQL (the primary database's view of the log)
give the same figures as on DuckDB over the Parquet copy. Runs when the tests run on
PostgreSQL (``GOODGOV_DATABASE_URL``)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from goodgov.ledger import sequencer
from goodgov.ledger.models import Event
from goodgov.performance import engine
from goodgov.performance.eventlog import ParquetLog
from goodgov.performance.export import export_local

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def store(log: Any, agencies: dict[str, Any]) -> None:
    """The hand-written entries as sequenced events of this node."""
    for entry in log.entries:
        Event.objects.create(
            action=entry["action"],
            agency=agencies[entry["agency"]],
            subject_type="tests.case",
            subject_id=entry["data"].get("reference") or entry["data"].get("case") or "-",
            public=entry["data"],
            created_at=dt.datetime.strptime(entry["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=dt.UTC
            ),
        )
    sequencer.sequence_all()


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    return bool(a == b)


def test_postgres_and_duckdb_compute_the_same_figures(
    log: Any, tmp_path: Path, agency: Any, other_agency: Any
):
    # given: cases of two services at two agencies over four months, with every kind of
    # event the measures read (started, submitted online and at the counter, with and
    # without an SLA target, approved, refused, withdrawn, left open past the deadline,
    # due dates moved by an answer to a request for information)
    a = log.file("2025-01-10 09:00", due="2025-02-10 09:00", sla_due="2025-01-20 09:00")
    b = log.file("2025-01-11 09:00", due="2025-01-20 09:00", channel="counter")
    log.decide(b, "2025-01-25 09:30", approve=False)
    log.start("2025-01-12 10:00")
    c = log.file("2025-02-03 09:00", due="2025-03-03 09:00", service="licence", agency="DEPT")
    log.withdraw(c, "2025-03-10 09:00", agency="DEPT")
    d = log.file("2025-02-04 09:00", due="2025-03-04 09:00", service="licence", agency="DEPT")
    log.decide(d, "2025-02-28 23:59:59.5", agency="DEPT")
    log.file("2025-03-31 23:00", due="2025-04-01 00:00")
    log.decide(a, "2025-04-05 09:00")
    # a case whose clock stood still 6 days while its applicant was asked, decided after
    # its first due dates and by the ones the answer published
    e = log.file("2025-01-13 09:00", due="2025-01-23 09:00", sla_due="2025-01-18 09:00")
    log.ask(e, "2025-01-14 09:00")
    log.answer(e, "2025-01-20 09:00", due="2025-01-29 09:00", sla_due="2025-01-24 09:00")
    log.decide(e, "2025-01-24 09:00")
    # a case waiting with its clock stopped at the end of January (so not overdue then),
    # answered in February with its due date moved to 15 February, overdue at its end
    f = log.file("2025-01-15 09:00", due="2025-01-25 09:00")
    log.ask(f, "2025-01-20 09:00", clock_stopped=True)
    log.answer(f, "2025-02-10 09:00", due="2025-02-15 09:00")
    log.decide(f, "2025-03-05 09:00")
    store(log, {"TBNK": agency, "DEPT": other_agency})
    parquet = ParquetLog(tmp_path)
    export_local(parquet)
    # when
    on_duckdb = engine.compute(engine.duckdb_events(parquet), parquet.size())
    on_postgres = engine.postgres_figures()
    # then
    assert on_postgres.size == on_duckdb.size == Event.objects.count()
    assert len(on_postgres.rows) == len(on_duckdb.rows) > 7  # months up to the agencies being made
    for ours, theirs in zip(on_duckdb.rows, on_postgres.rows, strict=True):
        assert ours.keys() == theirs.keys()
        assert all(same(ours[k], theirs[k]) for k in ours), (ours, theirs)
    month_ends = {
        r["month"]: (r["backlog"], r["overdue"])
        for r in on_postgres.rows
        if (r["agency"], r["service"]) == ("TBNK", "permit")
    }
    assert [month_ends[m] for m in ("2025-01", "2025-02", "2025-03")] == [(2, 0), (2, 2), (2, 1)]
