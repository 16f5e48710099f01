"""The published figures as CSV, and reading them back to compare.

The CSV is what ``/performance/figures.csv`` serves: one row per agency, service and month,
``complete`` as ``true``/``false``, counts as integers, other numbers written so they read
back exactly (shortest round-trip form), and an empty cell for "no data". The response
header ``Goodgov-Log-Size`` says how many log entries the figures were computed from.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from goodgov.performance import measures as m
from goodgov.performance.engine import Figures

LOG_SIZE_HEADER = "Goodgov-Log-Size"
KEY_COLUMNS = ("agency", "service", "month")


def columns() -> list[str]:
    return [*KEY_COLUMNS, "complete", *[x.code for x in m.MEASURES]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = columns()
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return buffer.getvalue()


def from_csv(text: str) -> list[dict[str, Any]]:
    """Rows of a published CSV, with values typed as :func:`engine.compute` returns them."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or list(reader.fieldnames) != columns():
        raise ValueError(f"unexpected columns: {reader.fieldnames}")
    rows: list[dict[str, Any]] = []
    for raw in reader:
        row: dict[str, Any] = {name: raw[name] for name in KEY_COLUMNS}
        row["complete"] = raw["complete"] == "true"
        for measure in m.MEASURES:
            text_value = raw[measure.code]
            if text_value == "":
                row[measure.code] = None
            elif measure.unit == m.COUNT:
                row[measure.code] = int(text_value)
            else:
                row[measure.code] = float(text_value)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Difference:
    agency: str
    service: str
    month: str
    measure: str
    published: Any
    recomputed: Any

    def __str__(self) -> str:
        return (
            f"{self.agency} {self.service} {self.month} {self.measure}: "
            f"published {_shown(self.published)}, recomputed {_shown(self.recomputed)}"
        )


def _shown(value: Any) -> str:
    return "no row" if value is _MISSING else ("no data" if value is None else str(value))


_MISSING = object()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        # Another engine may sum in another order: allow the last bits of a double.
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def differences(published: list[dict[str, Any]], recomputed: Figures) -> list[Difference]:
    """Every figure that differs, or that one side has and the other has not."""
    ours = {tuple(r[k] for k in KEY_COLUMNS): r for r in recomputed.rows}
    theirs = {tuple(r[k] for k in KEY_COLUMNS): r for r in published}
    found: list[Difference] = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = theirs.get(key), ours.get(key)
        for name in ["complete", *[x.code for x in m.MEASURES]]:
            left = a[name] if a is not None else _MISSING
            right = b[name] if b is not None else _MISSING
            if left is _MISSING or right is _MISSING or not _same(left, right):
                agency, service, month = key
                found.append(
                    Difference(
                        agency=agency,
                        service=service,
                        month=month,
                        measure=name,
                        published=left,
                        recomputed=right,
                    )
                )
    return found
