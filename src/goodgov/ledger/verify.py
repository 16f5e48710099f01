"""Check the whole log on this node: every stored event against the published entries,
the tree against every signed checkpoint. The first difference is reported by index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from goodgov.ledger import keys, merkle, note, sequencer, tiles
from goodgov.ledger.models import Checkpoint, Event, Tile


@dataclass
class Problem(Exception):
    index: int | None
    what: str

    def __str__(self) -> str:
        where = f"entry {self.index}" if self.index is not None else "log"
        return f"{where}: {self.what}"


def _published_entries(size: int) -> Callable[[int], bytes]:
    """The entry at an index, as published in the entry bundles."""
    cache: dict[int, list[bytes]] = {}

    def entry(index: int) -> bytes:
        bundle, offset = divmod(index, tiles.TILE_WIDTH)
        if bundle not in cache:
            row = Tile.objects.filter(level=tiles.ENTRIES, index=bundle).first()
            cache.clear()
            cache[bundle] = tiles.parse_entry_bundle(bytes(row.data)) if row else []
        entries = cache[bundle]
        if offset >= len(entries):
            raise Problem(index, "no published entry at this index")
        return entries[offset]

    return entry


def verify_log(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every leaf from the stored events and check every checkpoint.

    Returns the verified size; raises :class:`Problem` at the first difference.
    """
    verifier = keys.verifier_key()
    checkpoints = {c.size: c for c in Checkpoint.objects.order_by("size")}
    size = max(checkpoints, default=0)
    published = _published_entries(size)
    builder = merkle.TreeBuilder()
    expected = 0
    events = (
        Event.objects.filter(leaf_index__isnull=False)
        .select_related("agency")
        .order_by("leaf_index")
        .iterator(chunk_size=2000)
    )
    for event in events:
        if event.leaf_index != expected:
            raise Problem(expected, f"missing: the next stored event has index {event.leaf_index}")
        entry = sequencer.entry_bytes(event)
        if entry != published(expected):
            raise Problem(expected, f"event {event.pk} differs from the published entry")
        builder.append(merkle.leaf_hash(entry))
        expected += 1
        checkpoint = checkpoints.get(expected)
        if checkpoint is not None:
            _check(checkpoint, builder.root(), verifier)
        if progress is not None and expected % 10_000 == 0:
            progress(expected, size)
    if expected < size:
        raise Problem(expected, f"missing: the log's checkpoint says {size} entries")
    return expected


def _check(checkpoint: Checkpoint, root: bytes, verifier: str) -> None:
    try:
        body = note.open_note(checkpoint.note, [verifier])
    except note.NoteError as exc:
        raise Problem(None, f"checkpoint at size {checkpoint.size}: {exc}") from exc
    signed = note.parse_checkpoint(body)
    if signed.size != checkpoint.size or signed.root != bytes(checkpoint.root):
        raise Problem(
            None, f"checkpoint at size {checkpoint.size}: stored fields differ from the signed note"
        )
    if signed.root != root:
        raise Problem(
            checkpoint.size - 1,
            f"the tree of size {checkpoint.size} does not match its signed checkpoint",
        )
