"""The indicators' aggregates (medians included) on PostgreSQL, over the primary
database's view of the sequenced events, equal those on DuckDB over the Parquet copy.
Runs when the tests run on PostgreSQL (``GOODGOV_DATABASE_URL``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import pytest
from django.db import connection

from goodgov.governance import indicators as gi
from goodgov.ledger import sequencer
from goodgov.ledger.models import Event
from goodgov.performance import engine
from goodgov.performance.eventlog import ParquetLog
from goodgov.performance.export import export_local

from .test_indicators_engine import LOG_INDICATORS, PERIODS, random_log

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def store(entries: list[dict[str, Any]], agencies: dict[str, Any]) -> None:
    """The entries as sequenced events of this node."""
    for entry in entries:
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


def postgres_events() -> Any:
    params = connection.get_connection_params()
    backend = ibis.postgres.connect(
        host=params.get("host") or None,
        port=int(params["port"]) if params.get("port") else None,
        user=params.get("user"),
        password=params.get("password"),
        database=params.get("dbname"),
    )
    return backend, backend.table(engine.POSTGRES_VIEW)


def test_postgres_and_duckdb_score_the_same(tmp_path: Path, agency: Any, other_agency: Any):
    # given: a random log at two agencies, sequenced in PostgreSQL and exported to Parquet
    (tmp_path / "data").mkdir()  # this test's DATA_DIR: where the ledger keeps its key
    built = random_log(6)  # a seed whose log has EQU3 figures (by region and by age group)
    store(built.entries, {"TBNK": agency, "DEPT": other_agency})
    parquet = ParquetLog(tmp_path / "events")
    export_local(parquet)
    on_duckdb = engine.duckdb_events(parquet)
    backend, on_postgres = postgres_events()
    compared = 0
    equity = 0
    try:
        for period in PERIODS:
            for who in (agency, other_agency):
                # when
                ours = [
                    gi.by_code(code).compute(gi.Context(who, period, on_duckdb))
                    for code in LOG_INDICATORS
                ]
                theirs = [
                    gi.by_code(code).compute(gi.Context(who, period, on_postgres))
                    for code in LOG_INDICATORS
                ]
                # then
                compared += sum(1 for r in ours if r.value is not None)
                equity += ours[LOG_INDICATORS.index("EQU3")].value is not None
                for code, a, b in zip(LOG_INDICATORS, ours, theirs, strict=True):
                    assert (a.value is None) == (b.value is None), (period, who.code, code)
                    if a.value is not None:
                        assert b.value == pytest.approx(a.value, rel=1e-12), (code, a, b)
                    assert [f.value for f in a.facts] == [f.value for f in b.facts], code
    finally:
        backend.disconnect()
    assert compared >= 40  # of 66 (11 indicators, 2 agencies, 3 periods): most have data
    assert equity >= 1
