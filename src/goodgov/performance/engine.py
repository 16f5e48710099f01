"""Run the measures: on DuckDB over the Parquet copy (the default), or on PostgreSQL.

:func:`compute` returns plain rows (``month`` as ``YYYY-MM``), the same whichever engine
ran the expressions, so figures from two engines or two nodes compare directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from goodgov.performance import measures as m
from goodgov.performance.eventlog import SCHEMA, ParquetLog

__all__ = ["Figures", "compute", "duckdb_events", "figures_for", "postgres_figures"]


@dataclass(frozen=True)
class Figures:
    """Every measure per agency, service and month, computed from the first ``size`` entries."""

    size: int
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return ["agency", "service", "month", "complete", *[x.code for x in m.MEASURES]]


def duckdb_events(log: ParquetLog) -> ir.Table | None:
    """The event table over the Parquet copy in a fresh in-memory DuckDB (None if empty)."""
    if not log.files():
        return None
    connection = ibis.duckdb.connect()
    # By name: files exported before a column was added lack it (it reads as null there);
    # a copy made only of such files lacks it altogether, and gets it as nulls.
    events = connection.read_parquet(log.glob, table_name="events", union_by_name=True)
    missing = {
        column.name: ibis.null(ibis.dtype(column.type))
        for column in SCHEMA
        if column.name not in events.columns
    }
    return events.mutate(**missing) if missing else events


POSTGRES_VIEW = "performance_public_event"


def postgres_figures() -> Figures:
    """Every measure computed by the primary PostgreSQL database, over its view of the
    sequenced events (made by this app's migration)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("the primary database is not PostgreSQL")
    params = connection.get_connection_params()
    backend = ibis.postgres.connect(
        host=params.get("host") or None,
        port=int(params["port"]) if params.get("port") else None,
        user=params.get("user"),
        password=params.get("password"),
        database=params.get("dbname"),
    )
    try:
        events = backend.table(POSTGRES_VIEW)
        last = events["index"].max().execute()
        return compute(events, 0 if last is None else int(last) + 1)
    finally:
        backend.disconnect()


def _rows(expression: ir.Table) -> list[dict[str, Any]]:
    rows = expression.to_pyarrow().to_pylist()
    for row in rows:
        row["month"] = m.month_label(row["month"])
        for measure in m.MEASURES:
            value = row.get(measure.code)
            if value is not None and measure.unit == m.COUNT:
                row[measure.code] = int(value)
            elif value is not None:
                row[measure.code] = float(value)
    return rows


def compute(events: ir.Table | None, size: int) -> Figures:
    """Every measure over ``events`` (the first ``size`` entries of a log)."""
    if events is None or size == 0:
        return Figures(size=0, rows=[])
    return Figures(size=size, rows=_rows(m.monthly(events)))


_cache: dict[str, Figures] = {}
_cache_lock = threading.Lock()


def figures_for(log: ParquetLog) -> Figures:
    """The figures of a Parquet copy, computed once per exported size (kept per process)."""
    size = log.size()
    key = str(log.directory)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached.size == size:
        return cached
    figures = compute(duckdb_events(log), size)
    with _cache_lock:
        _cache[key] = figures
    return figures
