"""The sequencer: gives committed events their place in the public log, in batches.

One batch, in one transaction: lock the sequencer row, take the oldest events without a
leaf index (so an event that commits late is picked up by a later batch, never skipped
and never indexed twice), append their leaf hashes to the tree, store the tiles that
changed and the entry bundles, and sign a checkpoint of the new size. Nothing in the
request path waits for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from goodgov.ledger import keys, merkle, note, tiles
from goodgov.ledger.canonical import canonical_json
from goodgov.ledger.models import Checkpoint, Event, SequencerState, Tile

BATCH = 10_000


def entry_of(event: Event) -> dict[str, Any]:
    """What the log publishes of an event: no personal data (schemas guarantee it)."""
    at = event.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "action": event.action,
        "agency": event.agency.code if event.agency is not None else None,
        "at": at,
        "data": event.public,
    }


def entry_bytes(event: Event) -> bytes:
    return canonical_json(entry_of(event))


def fetch_tile(level: int, index: int, width: int) -> bytes:
    """Tile bytes from the database (``width`` of a stored, possibly wider, tile)."""
    row = Tile.objects.filter(level=level, index=index).values_list("width", "data").first()
    if row is None or row[0] < width:
        raise KeyError(f"no tile {level}/{index} of width {width}")
    data = bytes(row[1])
    if level == tiles.ENTRIES:
        return tiles.entry_bundle(tiles.parse_entry_bundle(data)[:width])
    return data[: width * merkle.HASH_SIZE]


def _append(level: int, start: int, items: list[bytes]) -> None:
    """Append ``items`` (hashes, or entries at level -1) from position ``start`` of a level."""
    position = 0
    while position < len(items):
        index, offset = divmod(start + position, tiles.TILE_WIDTH)
        take = items[position : position + tiles.TILE_WIDTH - offset]
        tile = Tile.objects.filter(level=level, index=index).first()
        if level == tiles.ENTRIES:
            have = tiles.parse_entry_bundle(bytes(tile.data)) if tile else []
            data = tiles.entry_bundle([*have, *take])
        else:
            have_bytes = bytes(tile.data) if tile else b""
            data = have_bytes + b"".join(take)
        if (tile.width if tile else 0) != offset:
            raise RuntimeError(
                f"tile {level}/{index} holds {tile and tile.width}, expected {offset}"
            )
        Tile.objects.update_or_create(
            level=level, index=index, defaults={"width": offset + len(take), "data": data}
        )
        position += len(take)


def sequence_batch(*, limit: int = BATCH) -> int:
    """Sequence up to ``limit`` waiting events; returns how many were added to the log."""
    with transaction.atomic():
        state, _ = SequencerState.objects.select_for_update().get_or_create(pk=1)
        size = state.size
        events = list(
            Event.objects.filter(leaf_index__isnull=True)
            .select_related("agency")
            .order_by("id")[:limit]
        )
        if not events:
            return 0
        entries = [entry_bytes(e) for e in events]
        reader = tiles.TileReader(size, fetch_tile)
        builder = merkle.TreeBuilder.from_size(size, reader.get_node)
        for run in builder.extend(merkle.leaf_hashes(entries)):
            tile_level, height = divmod(run.level, tiles.TILE_HEIGHT)
            if not height:
                _append(tile_level, run.start, run.hashes)
        _append(tiles.ENTRIES, size, entries)
        for offset, event in enumerate(events):
            event.leaf_index = size + offset
        Event.objects.bulk_update(events, ["leaf_index"], batch_size=1000)
        new_size, root = builder.size, builder.root()
        Checkpoint.objects.create(
            size=new_size,
            root=root,
            note=note.sign_note(
                note.checkpoint_body(keys.origin(), new_size, root), keys.signer_key()
            ),
        )
        state.size, state.root = new_size, root
        state.save(update_fields=["size", "root"])
        return len(events)


def sequence_all(*, limit: int = BATCH) -> int:
    total = 0
    while added := sequence_batch(limit=limit):
        total += added
    return total


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()
