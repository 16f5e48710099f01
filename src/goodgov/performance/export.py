"""``goodgov analytics export``: keep the Parquet copy of the public log up to date.

The export reads what the log publishes, the entry bundles (``tile/entries/...``), up to
the latest signed checkpoint, and appends the entries after the last one already
exported. Running it again with nothing new writes nothing; an entry is never exported
twice. :func:`copy_entries` is the same loop over any source of bundles, which is how
``goodgov performance recompute`` rebuilds the copy from another node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from goodgov.ledger import merkle, tiles
from goodgov.performance.eventlog import ParquetLog, rows_from_entries

__all__ = ["ExportResult", "copy_entries", "default_log", "export_local"]

#: ``fetch(bundle_index, width)`` returns the bytes of entry bundle ``bundle_index``.
FetchBundle = Callable[[int, int], bytes]
CHUNK_ENTRIES = 200_000


def default_log() -> ParquetLog:
    """This node's Parquet copy: ``<data dir>/analytics/events``."""
    return ParquetLog(Path(settings.DATA_DIR) / "analytics" / "events")


@dataclass(frozen=True)
class ExportResult:
    added: int
    size: int  # entries held after the export


def published_entries(
    fetch: FetchBundle, start: int, size: int
) -> Iterator[tuple[int, list[bytes]]]:
    """``(first index, entries)`` from bundle to bundle, for entries ``start`` to ``size - 1``."""
    index = start
    while index < size:
        bundle, offset = divmod(index, tiles.TILE_WIDTH)
        width = min(tiles.TILE_WIDTH, size - bundle * tiles.TILE_WIDTH)
        entries = tiles.parse_entry_bundle(fetch(bundle, width), width)
        yield index, entries[offset:]
        index = bundle * tiles.TILE_WIDTH + width


def copy_entries(
    log: ParquetLog,
    fetch: FetchBundle,
    size: int,
    *,
    on_entries: Callable[[list[bytes]], None] | None = None,
) -> ExportResult:
    """Append entries ``log.size()`` to ``size - 1`` from the bundles ``fetch`` returns."""
    with log.locked():
        start = log.size()
        if start > size:
            raise ValueError(
                f"the copy holds {start} entries but the log has {size}: it is another log's copy"
            )
        pending: list[bytes] = []
        first = start
        for index, entries in published_entries(fetch, start, size):
            if on_entries is not None:
                on_entries(entries)
            if not pending:
                first = index
            pending.extend(entries)
            if len(pending) >= CHUNK_ENTRIES:
                log.append(rows_from_entries(pending, first))
                pending = []
        if pending:
            log.append(rows_from_entries(pending, first))
        return ExportResult(added=size - start, size=size)


def export_local(log: ParquetLog | None = None) -> ExportResult:
    """Export this node's newly sequenced entries (up to its latest checkpoint)."""
    from goodgov.ledger import sequencer

    log = log or default_log()
    checkpoint = sequencer.latest_checkpoint()
    size = checkpoint.size if checkpoint is not None else 0

    def fetch(bundle: int, width: int) -> bytes:
        return sequencer.fetch_tile(tiles.ENTRIES, bundle, width)

    return copy_entries(log, fetch, size)


class RootCheck:
    """Feed it every entry from index 0 in order; :meth:`root` is then the log's Merkle root."""

    def __init__(self) -> None:
        self.builder = merkle.TreeBuilder()

    def __call__(self, entries: list[bytes]) -> None:
        self.builder.extend(merkle.leaf_hashes(entries))

    def root(self) -> bytes:
        return self.builder.root()
