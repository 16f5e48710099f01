"""``goodgov performance recompute --from-ledger URL``: check a node's figures from its public log.

1. Fetch the node's published figures (``/en/performance/figures.csv``) and the log size
   they were computed from (``Goodgov-Log-Size``).
2. Fetch its signed checkpoint and verifier key (``/ledger/checkpoint``, ``/ledger/key``),
   check the signature, and fetch every entry bundle (``/ledger/tile/entries/...``) up to the
   checkpoint's size; the entries' Merkle root must be the signed root.
3. Rebuild the Parquet copy from those entries, recompute every measure over the entries
   the figures were computed from, and list every figure that differs.

Only the public log is used: nothing of the node's database.
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from goodgov.ledger import note, tiles
from goodgov.performance import engine
from goodgov.performance import published as pub
from goodgov.performance.eventlog import ParquetLog
from goodgov.performance.export import RootCheck, copy_entries

__all__ = ["RecomputeError", "Recomputed", "recompute_from"]

TIMEOUT = 30


class RecomputeError(Exception):
    pass


@dataclass
class Recomputed:
    checkpoint_size: int
    figures_size: int
    rows: int
    differences: list[pub.Difference] = field(default_factory=list)


def _get(url: str) -> tuple[bytes, dict[str, str]]:
    # recompute_from accepts only http:// and https:// addresses.
    request = urllib.request.Request(url, headers={"User-Agent": "goodgov-recompute"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.URLError as exc:
        raise RecomputeError(f"{url}: {exc}") from exc


def recompute_from(
    base_url: str,
    *,
    key: str | None = None,
    workdir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Recomputed:
    """Recompute a node's published figures from its public log; see the module docstring.

    ``key`` pins the log's verifier key (signed-note format); without it the key the node
    serves is used, which checks the log's integrity but not who signed it.
    """
    if not base_url.startswith(("http://", "https://")):
        raise RecomputeError("the node's address starts with http:// or https://")
    base = base_url.rstrip("/")
    say = progress or (lambda _text: None)

    body, headers = _get(f"{base}/en/performance/figures.csv")
    size_header = headers.get(pub.LOG_SIZE_HEADER.lower(), "")
    if not size_header.isdigit():
        raise RecomputeError(f"the figures carry no {pub.LOG_SIZE_HEADER} header")
    figures_size = int(size_header)
    published_rows = pub.from_csv(body.decode())

    verifier = key or _get(f"{base}/ledger/key")[0].decode().strip()
    note_text = _get(f"{base}/ledger/checkpoint")[0]
    try:
        checkpoint = note.parse_checkpoint(note.open_note(note_text, [verifier]))
    except note.NoteError as exc:
        raise RecomputeError(f"the checkpoint does not verify: {exc}") from exc
    if checkpoint.size < figures_size:
        raise RecomputeError(
            f"the figures are from {figures_size} entries, the checkpoint has {checkpoint.size}"
        )
    say(f"checkpoint: {checkpoint.size} entries; figures from the first {figures_size}")

    def fetch(bundle: int, width: int) -> bytes:
        return _get(f"{base}/ledger/{tiles.entries_path(bundle, width)}")[0]

    with tempfile.TemporaryDirectory(dir=workdir) as directory:
        log = ParquetLog(directory)
        roots = RootCheck()
        try:
            copy_entries(log, fetch, checkpoint.size, on_entries=roots)
        except (ValueError, KeyError) as exc:
            raise RecomputeError(f"the published entries cannot be read: {exc}") from exc
        if roots.root() != checkpoint.root:
            raise RecomputeError("the entries do not hash to the checkpoint's signed root")
        say(f"fetched and verified {checkpoint.size} entries")
        events = engine.duckdb_events(log)
        if events is not None:
            events = events.filter(events["index"] < figures_size)
        figures = engine.compute(events, figures_size)
        return Recomputed(
            checkpoint_size=checkpoint.size,
            figures_size=figures_size,
            rows=len(figures.rows),
            differences=pub.differences(published_rows, figures),
        )
