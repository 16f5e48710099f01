"""The sequencer: gives committed events their place in the public log, in batches.

One batch, in one transaction: lock the sequencer row, take the oldest events without a
leaf index (so an event that commits late is picked up by a later batch, never skipped
and never indexed twice), append their leaf hashes to the tree, store the tiles that
changed and the entry bundles, and sign a checkpoint of the new size. Nothing in the
request path waits for it.

Speed (``bench/ledger.py``): the events are read as plain rows, not model instances; each
tile that changes is read and written once a batch (new tiles in one ``INSERT``); the leaf
indices are written as a few ``UPDATE ... SET leaf_index = id - k`` statements, one per run
of consecutive ids, since ids and indices both grow by one along a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from goodgov.ledger import keys, merkle, note, tiles
from goodgov.ledger.canonical import canonical_json
from goodgov.ledger.models import Checkpoint, Event, SequencerState, Tile

BATCH = 10_000
#: Above this many runs of consecutive ids in one batch, the indices go row by row.
_MAX_RUNS = 64
_UTC = dt.UTC
_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def entry_of(event: Event) -> dict[str, Any]:
    """What the log publishes of an event: no personal data (schemas guarantee it)."""
    return _entry(
        event.created_at,
        event.action,
        event.agency.code if event.agency is not None else None,
        event.public,
    )


def _entry(created_at: dt.datetime, action: str, agency: str | None, public: Any) -> dict[str, Any]:
    return {
        "action": action,
        "agency": agency,
        "at": _at(created_at),
        "data": public,
    }


def _at(created_at: dt.datetime) -> str:
    """``2026-11-24T10:00:00.000000Z``: the time in UTC to the microsecond."""
    utc = created_at.astimezone(_UTC)
    if utc.year >= 1000:  # isoformat (twice as fast) writes the same; strftime pads no year
        return utc.isoformat(timespec="microseconds")[:26] + "Z"
    return utc.strftime(_AT_FORMAT)


def entry_bytes(event: Event) -> bytes:
    return canonical_json(entry_of(event))


#: The columns :func:`entry_from_row` takes, for ``values_list``.
ENTRY_FIELDS = ("created_at", "action", "agency__code", "public")


def entry_from_row(created_at: dt.datetime, action: str, agency: str | None, public: Any) -> bytes:
    """:func:`entry_bytes` of an event read as ``values_list(*ENTRY_FIELDS)``."""
    return canonical_json(_entry(created_at, action, agency, public))


def fetch_tile(level: int, index: int, width: int) -> bytes:
    """Tile bytes from the database (``width`` of a stored, possibly wider, tile)."""
    row = Tile.objects.filter(level=level, index=index).values_list("width", "data").first()
    if row is None or row[0] < width:
        raise KeyError(f"no tile {level}/{index} of width {width}")
    data = bytes(row[1])
    if level == tiles.ENTRIES:
        if row[0] == width:
            return data
        return tiles.entry_bundle(tiles.parse_entry_bundle(data)[:width])
    return data[: width * merkle.HASH_SIZE]


def _append(level: int, start: int, items: Sequence[bytes]) -> None:
    """Append ``items`` (hashes, or entries at level -1) from position ``start`` of a level.

    The rightmost stored tile of the level, if partial, is read and rewritten once; the
    tiles after it are inserted in one statement.
    """
    if not items:
        return
    entries = level == tiles.ENTRIES
    width = tiles.TILE_WIDTH
    first, offset = divmod(start, width)
    position = 0
    if offset:
        tile = Tile.objects.filter(level=level, index=first).values_list("width", "data").first()
        if tile is None or tile[0] != offset:
            raise RuntimeError(f"tile {level}/{first} holds {tile and tile[0]}, expected {offset}")
        take = items[: width - offset]
        added = tiles.entry_bundle(take) if entries else b"".join(take)
        Tile.objects.filter(level=level, index=first).update(
            width=offset + len(take), data=bytes(tile[1]) + added
        )
        position, first = len(take), first + 1
    new = []
    for index, at in enumerate(range(position, len(items), width), start=first):
        take = items[at : at + width]
        data = tiles.entry_bundle(take) if entries else b"".join(take)
        new.append(Tile(level=level, index=index, width=len(take), data=data))
    if new:
        if Tile.objects.filter(level=level, index__gte=first).exists():
            raise RuntimeError(f"tile {level}/{first} or one after it is already stored")
        Tile.objects.bulk_create(new, batch_size=500)


def _id_runs(ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """``(first id, last id, position of the first)`` of each run of consecutive ids."""
    runs = []
    begin = 0
    for k in range(1, len(ids) + 1):
        if k == len(ids) or ids[k] != ids[k - 1] + 1:
            runs.append((ids[begin], ids[k - 1], begin))
            begin = k
    return runs


def _set_leaf_indices(ids: Sequence[int], first_index: int) -> None:
    """Give ``ids[k]`` the leaf index ``first_index + k``, in few statements."""
    runs = _id_runs(ids)
    if len(runs) <= _MAX_RUNS:
        for low, high, position in runs:
            # Every id in low..high is in this batch (the run is consecutive), and none other.
            Event.objects.filter(id__gte=low, id__lte=high).update(
                leaf_index=F("id") + (first_index + position - low)
            )
        return
    # Many gaps (rolled-back or late transactions): one row at a time, in one statement.
    table = connection.ops.quote_name(Event._meta.db_table)  # a constant, not input
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS e SET leaf_index = v.leaf "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, leaf) WHERE e.id = v.id",
                [list(ids), list(range(first_index, first_index + len(ids)))],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET leaf_index = %s WHERE id = %s",  # noqa: S608
                [(first_index + k, pk) for k, pk in enumerate(ids)],
            )


def sequence_batch(*, limit: int = BATCH) -> int:
    """Sequence up to ``limit`` waiting events; returns how many were added to the log."""
    with transaction.atomic():
        state, _ = SequencerState.objects.select_for_update().get_or_create(pk=1)
        size = state.size
        rows = list(
            Event.objects.filter(leaf_index__isnull=True)
            .order_by("id")
            .values_list("id", *ENTRY_FIELDS)[:limit]
        )
        if not rows:
            return 0
        entries = [
            canonical_json(_entry(at, action, agency, data)) for _, at, action, agency, data in rows
        ]
        reader = tiles.TileReader(size, fetch_tile)
        builder = merkle.TreeBuilder.from_size(size, reader.get_node)
        for run in builder.extend(merkle.leaf_hashes(entries)):
            tile_level, height = divmod(run.level, tiles.TILE_HEIGHT)
            if not height:
                _append(tile_level, run.start, run.hashes)
        _append(tiles.ENTRIES, size, entries)
        _set_leaf_indices([row[0] for row in rows], size)
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
        return len(rows)


def sequence_all(*, limit: int = BATCH) -> int:
    total = 0
    while added := sequence_batch(limit=limit):
        total += added
    return total


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()
