"""Check a whole log and name the first difference by its index.

:class:`TreeCheck` is the part both checks share: fed the leaf hashes in order, it rebuilds
the tree and compares every node it completes at a tile level (0, 8, 16, ...) with the
published hash tiles, and the root at each checkpoint's size with that checkpoint.
:func:`verify_log` feeds it from this node's stored events (each recomputed as its canonical
entry and compared with the published entry bundle); :mod:`goodgov.ledger.remote` feeds it
from another node's public entry bundles.

The hashing is what a verifier cannot avoid (one SHA-256 per leaf and per node); around it
the work is done a tile at a time (one comparison of 256 hashes, one list of 256 entries),
not an entry at a time. ``bench/ledger.py`` measures the rate against hashlib's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from goodgov.ledger import keys, merkle, note, sequencer, tiles
from goodgov.ledger.models import Checkpoint, Event, Tile

_WIDTH = tiles.TILE_WIDTH
_HASH = merkle.HASH_SIZE
#: Report progress about every this many entries.
PROGRESS_EVERY = 1 << 16


@dataclass
class Problem(Exception):
    index: int | None
    what: str

    def __str__(self) -> str:
        where = f"entry {self.index}" if self.index is not None else "log"
        return f"{where}: {self.what}"


class TreeCheck:
    """Rebuild the tree of ``size`` leaves and check the published tiles and checkpoints.

    ``fetch(level, index, width)`` returns a published hash tile (as for
    :class:`tiles.TileReader`; the widths are those of the tree of ``size``). Feed the leaf
    hashes in order with :meth:`add`; ``on_checkpoint(size, root)`` is called with the rebuilt
    root as the tree reaches each of ``checkpoint_sizes``. Raises :class:`Problem` at the first
    published hash that differs from the rebuilt tree.
    """

    def __init__(
        self,
        size: int,
        fetch: tiles.FetchTile,
        checkpoint_sizes: Iterable[int] = (),
        on_checkpoint: Callable[[int, bytes], None] | None = None,
    ) -> None:
        self.size = size
        self._fetch = fetch
        self._builder = merkle.TreeBuilder()
        self._sizes = sorted({s for s in checkpoint_sizes if 0 < s <= size})
        self._next = 0
        self._on_checkpoint = on_checkpoint
        self._tile: dict[int, tuple[int, bytes]] = {}  # tile level -> the tile being compared

    @property
    def done(self) -> int:
        """How many leaves have been checked."""
        return self._builder.size

    def root(self) -> bytes:
        return self._builder.root()

    def add(self, leaves: Sequence[bytes]) -> None:
        """Append the next leaf hashes, checking tiles and checkpoints they complete."""
        if self._builder.size + len(leaves) > self.size:
            raise Problem(self.size, f"beyond the {self.size} entries of the log being checked")
        position = 0
        while position < len(leaves):
            take = len(leaves) - position
            due = self._sizes[self._next] if self._next < len(self._sizes) else None
            if due is not None:
                take = min(take, due - self._builder.size)
            part = leaves if take == len(leaves) else leaves[position : position + take]
            for run in self._builder.extend(part):
                tile_level, height = divmod(run.level, tiles.TILE_HEIGHT)
                if not height:
                    self._compare(tile_level, run.start, run.hashes)
            position += take
            if self._builder.size == due:
                self._next += 1
                if self._on_checkpoint is not None:
                    self._on_checkpoint(due, self._builder.root())

    def _published(self, level: int, index: int) -> bytes:
        held = self._tile.get(level)
        if held is not None and held[0] == index:
            return held[1]
        width = tiles.tile_width(level, index, self.size)
        path = tiles.tile_path(level, index, width)
        first = index * _WIDTH << (tiles.TILE_HEIGHT * level)
        try:
            data = self._fetch(level, index, width)
        except KeyError as error:
            raise Problem(first, f"the hash tile {path} is not published") from error
        if len(data) % _HASH or len(data) > width * _HASH:
            raise Problem(first, f"the hash tile {path} is {len(data)} bytes, not {width * _HASH}")
        self._tile[level] = (index, data)
        return data

    def _compare(self, level: int, start: int, hashes: list[bytes]) -> None:
        """Compare the rebuilt nodes ``start...`` of tree level ``8 * level`` with the tiles."""
        mine = b"".join(hashes)
        node, done = start, 0
        while done < len(hashes):
            index, offset = divmod(node, _WIDTH)
            published = self._published(level, index)
            count = min(len(hashes) - done, _WIDTH - offset)
            theirs = published[offset * _HASH : (offset + count) * _HASH]
            if theirs != mine[done * _HASH : (done + count) * _HASH]:
                k = next(
                    k
                    for k in range(count)
                    if theirs[k * _HASH : (k + 1) * _HASH] != hashes[done + k]
                )
                self._differs(level, index, len(published) // _HASH, offset + k)
            node += count
            done += count

    def _differs(self, level: int, index: int, width: int, offset: int) -> None:
        path = tiles.tile_path(level, index, width) if width else tiles.tile_path(level, index)
        node = index * _WIDTH + offset
        if offset >= width:
            what = f"is not in the published {path}, which ends before hash {offset}"
        else:
            what = f"differs from hash {offset} of the published {path}"
        if level == 0:
            raise Problem(node, f"its leaf hash {what}")
        leaves = 1 << (tiles.TILE_HEIGHT * level)
        first, last = node * leaves, (node + 1) * leaves - 1
        raise Problem(first, f"the root of entries {first} to {last} {what}")


# This node's log ----------------------------------------------------------------------


class _StoredTiles:
    """Tiles from the ``ledger_tile`` table, read a window of rows at a time."""

    WINDOW = 64

    def __init__(self) -> None:
        self._rows: dict[int, dict[int, tuple[int, bytes]]] = {}  # level -> index -> row

    def _row(self, level: int, index: int) -> tuple[int, bytes] | None:
        window = self._rows.get(level)
        if window is None or index not in window:
            window = {
                i: (w, bytes(d))
                for i, w, d in Tile.objects.filter(
                    level=level, index__gte=index, index__lt=index + self.WINDOW
                ).values_list("index", "width", "data")
            }
            window.setdefault(index, None)  # type: ignore[arg-type]
            self._rows[level] = window
        return window[index]

    def hashes(self, level: int, index: int, width: int) -> bytes:
        row = self._row(level, index)
        if row is None:
            raise KeyError((level, index, width))
        return row[1][: min(width, row[0]) * _HASH]  # a short row: the comparison says so

    def entries(self, index: int, width: int) -> list[bytes]:
        """The entries of bundle ``index`` (up to ``width``; fewer if fewer are stored)."""
        row = self._row(tiles.ENTRIES, index)
        if row is None:
            return []
        try:
            return tiles.parse_entry_bundle(row[1])[:width]
        except ValueError:
            return []


def verify_log(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every leaf from the stored events and check every checkpoint and tile.

    Returns the verified size; raises :class:`Problem` at the first difference.
    """
    verifier = keys.verifier_key()
    stored = {
        size: (bytes(root), text)
        for size, root, text in Checkpoint.objects.order_by("size").values_list(
            "size", "root", "note"
        )
    }
    size = max(stored, default=0)
    for at in sorted(s for s in stored if s <= 0):  # the tree never reaches these
        _check(at, *stored[at], merkle.EMPTY_ROOT, verifier)

    def on_checkpoint(at: int, root: bytes) -> None:
        _check(at, *stored[at], root, verifier)

    store = _StoredTiles()
    check = TreeCheck(size, store.hashes, stored, on_checkpoint)
    rows = iter(
        Event.objects.filter(leaf_index__isnull=False, leaf_index__lt=size)
        .order_by("leaf_index")
        .values_list("leaf_index", "id", *sequencer.ENTRY_FIELDS)
        .iterator(chunk_size=4096)
    )
    entry = sequencer.entry_from_row
    expected = 0
    while group := list(islice(rows, _WIDTH - expected % _WIDTH)):
        indices = [row[0] for row in group]
        count = len(group)
        if indices != list(range(expected, expected + count)):
            count = next(k for k in range(count) if indices[k] != expected + k)
        try:
            entries = [entry(*row[2:]) for row in group[:count]]
        except (TypeError, ValueError):
            entries = _entries_up_to_the_bad_one(check, expected, group[:count])
        bundle, offset = divmod(expected, _WIDTH)
        published = store.entries(bundle, tiles.tile_width(0, bundle, size))
        published = published[offset : offset + count]
        if entries != published:
            k = next(k for k in range(count) if k >= len(published) or entries[k] != published[k])
            check.add(merkle.leaf_hashes(entries[:k]))
            if k >= len(published):
                raise Problem(expected + k, "no published entry at this index")
            raise Problem(expected + k, f"event {group[k][1]} differs from the published entry")
        check.add(merkle.leaf_hashes(entries))
        expected += count
        if count < len(group):
            raise Problem(expected, f"missing: the next stored event has index {indices[count]}")
        if progress is not None and (expected % PROGRESS_EVERY == 0 or expected == size):
            progress(expected, size)
    if expected < size:
        raise Problem(expected, f"missing: the log's checkpoint says {size} entries")
    # Events indexed beyond the log checked: fine if a checkpoint signed since covers them.
    beyond = (
        Event.objects.filter(leaf_index__gte=size)
        .order_by("leaf_index")
        .values_list("leaf_index", "id")
        .first()
    )
    latest = sequencer.latest_checkpoint()
    if beyond is not None and beyond[0] is not None:
        index, pk = int(beyond[0]), beyond[1]
        if latest is None or latest.size <= index:
            raise Problem(index, f"event {pk} has this index, but no signed checkpoint covers it")
    return expected


def _entries_up_to_the_bad_one(
    check: TreeCheck, expected: int, group: list[tuple[object, ...]]
) -> list[bytes]:
    """The entries before the event that cannot be an entry; then :class:`Problem` for it."""
    entries = []
    for k, row in enumerate(group):
        try:
            entries.append(sequencer.entry_from_row(*row[2:]))  # type: ignore[arg-type]
        except (TypeError, ValueError) as error:
            check.add(merkle.leaf_hashes(entries))
            raise Problem(
                expected + k, f"event {row[1]} cannot be written as an entry: {error}"
            ) from error
    return entries


def _check(size: int, stored_root: bytes, text: str, root: bytes, verifier: str) -> None:
    try:
        body = note.open_note(text, [verifier])
    except note.NoteError as exc:
        raise Problem(None, f"checkpoint at size {size}: {exc}") from exc
    signed = note.parse_checkpoint(body)
    if signed.size != size or signed.root != stored_root:
        raise Problem(None, f"checkpoint at size {size}: stored fields differ from the signed note")
    if signed.root != root:
        raise Problem(size - 1, f"the tree of size {size} does not match its signed checkpoint")
