"""The public event log as an analytics table: one row per published entry, in Parquet.

A row is what the log publishes of an event (``index``, ``action``, ``agency``, ``at``,
``data``) with the ``data`` fields the measures need flattened into columns. Timestamps are
kept twice: as UTC timestamps without a zone (for calendar months) and as integer
microseconds since the epoch (for exact durations on any engine).

The Parquet copy lives in one directory, ``events-<first index>.parquet`` files in index
order; each file's footer records the last index it holds. :class:`ParquetLog` appends to
it and never rewrites an entry it already holds with a different one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["SCHEMA", "ParquetLog", "rows_from_entries"]

_UTC_US = pa.timestamp("us")  # UTC, without a zone: engines must not shift it
SCHEMA = pa.schema(
    [
        pa.field("index", pa.int64(), nullable=False),
        pa.field("action", pa.string(), nullable=False),
        pa.field("agency", pa.string()),
        pa.field("at", _UTC_US, nullable=False),
        pa.field("at_us", pa.int64(), nullable=False),
        pa.field("case", pa.string()),
        pa.field("reference", pa.string()),
        pa.field("service", pa.string()),
        pa.field("version", pa.int64()),
        pa.field("channel", pa.string()),
        pa.field("due", _UTC_US),
        pa.field("due_us", pa.int64()),
        pa.field("sla_due", _UTC_US),
        pa.field("sla_due_us", pa.int64()),
        pa.field("data", pa.string(), nullable=False),
        # Added later, so after ``data`` (a copy exported before has none of them: read it
        # with ``union_by_name``; it holds no event that has them).
        pa.field("score", pa.int64()),
        pa.field("period", pa.string()),
        pa.field("amount", pa.float64()),
        pa.field("clock_stopped", pa.bool_()),
    ]
)
_TEXT_FIELDS = ("case", "reference", "service", "channel", "period")
_TIME_FIELDS = ("due", "sla_due")
_EPOCH = dt.datetime(1970, 1, 1)
LAST_INDEX_KEY = b"goodgov.last_index"
#: A last file with fewer rows than this is merged with the next export instead of
#: getting a small file after it (an export every minute must not leave a file a minute).
SMALL_FILE_ROWS = 65_536


def _utc(value: Any) -> dt.datetime | None:
    """An ISO 8601 instant as a naive UTC datetime (None if absent or not a date-time)."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # an instant without its offset is not an instant
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


#: A decimal figure as the public log writes money (``service.cost_set``'s ``amount``).
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _number(value: Any) -> float | None:
    """A figure written as a decimal string (or a JSON number) as a float; else None."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return float(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _micros(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def rows_from_entries(entries: Iterable[bytes | dict[str, Any]], first_index: int) -> pa.Table:
    """The table of published entries (bytes as in an entry bundle, or parsed) from ``first_index``."""
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    for offset, raw in enumerate(entries):
        entry = json.loads(raw) if isinstance(raw, bytes | bytearray) else raw
        data = entry.get("data") or {}
        at = _utc(entry["at"])
        if at is None:
            raise ValueError(f"entry {first_index + offset}: 'at' is not an instant")
        columns["index"].append(first_index + offset)
        columns["action"].append(entry["action"])
        columns["agency"].append(entry.get("agency"))
        columns["at"].append(at)
        columns["at_us"].append(_micros(at))
        for name in _TEXT_FIELDS:
            value = data.get(name)
            columns[name].append(value if isinstance(value, str) else None)
        columns["version"].append(_integer(data.get("version")))
        columns["score"].append(_integer(data.get("score")))
        columns["amount"].append(_number(data.get("amount")))
        stopped = data.get("clock_stopped")
        columns["clock_stopped"].append(stopped if isinstance(stopped, bool) else None)
        for name in _TIME_FIELDS:
            moment = _utc(data.get(name))
            columns[name].append(moment)
            columns[f"{name}_us"].append(_micros(moment))
        columns["data"].append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return pa.table(columns, schema=SCHEMA)


class ParquetLog:
    """The Parquet copy of the public log in ``directory``."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("events-*.parquet"))

    @property
    def glob(self) -> str:
        return str(self.directory / "events-*.parquet")

    def last_index(self) -> int:
        """The index of the last entry held, or -1 when empty."""
        files = self.files()
        if not files:
            return -1
        metadata = pq.read_schema(files[-1]).metadata or {}
        return int(metadata[LAST_INDEX_KEY])

    def size(self) -> int:
        """How many entries are held (they are always entries 0 to size - 1)."""
        return self.last_index() + 1

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One writer at a time (a second export waits for the first)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def append(self, table: pa.Table) -> None:
        """Add rows that continue the log exactly (call under :meth:`locked`).

        The rows must start at :meth:`size` and have consecutive indices. A small last file
        is rewritten with the new rows after it, atomically (readers see the old file or the
        new one); otherwise the rows become a new file.
        """
        if table.num_rows == 0:
            return
        indices = table.column("index").to_pylist()
        first = self.size()
        if indices != list(range(first, first + len(indices))):
            raise ValueError(
                f"rows must continue the log at index {first}, got {indices[0]}..{indices[-1]}"
            )
        files = self.files()
        target_first = first
        if files and pq.read_metadata(files[-1]).num_rows < SMALL_FILE_ROWS:
            table = pa.concat_tables([pq.read_table(files[-1], schema=SCHEMA), table])
            target_first = int(table.column("index")[0].as_py())
        table = table.replace_schema_metadata({LAST_INDEX_KEY: str(indices[-1]).encode()})
        target = self.directory / f"events-{target_first:012d}.parquet"
        temporary = target.with_suffix(f".tmp{os.getpid()}")
        pq.write_table(table, temporary, compression="zstd", row_group_size=1 << 20)
        os.replace(temporary, target)
