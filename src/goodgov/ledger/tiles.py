"""C2SP tlog-tiles: how the Merkle tree and the entries are cut into static files.

See https://c2sp.org/tlog-tiles. A tile holds up to 256 consecutive hashes of one tree level:

- a *level-L hash tile* ``N`` holds the nodes at tree level ``8 * L`` with indices
  ``N * 256`` to ``N * 256 + 255``, i.e. ``MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L])``
  for ``i`` in ``0..255``. Level 0 holds leaf hashes; each hash of a level-1 tile is the root of a
  full level-0 tile, and so on. The tree levels in between are recomputed from the tile;
- an *entry bundle* ``N`` holds the entries whose leaf hashes make level-0 tile ``N``.

The rightmost tile of each level is usually *partial*: for a tree of size ``s`` the partial tile
at level ``L`` has ``(s // 256**L) % 256`` hashes (none: no partial tile). Full tiles never
change; a partial tile of width ``W`` is the first ``W`` hashes of the full tile to come.

Paths: ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``, ``N`` written in groups of
three digits, all but the last prefixed ``x``: 1234067 is ``x001/x234/067``.
"""

from __future__ import annotations

import re
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from goodgov.ledger import merkle

__all__ = [
    "ENTRIES",
    "MAX_ENTRY_SIZE",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "FetchTile",
    "MemoryTiles",
    "Tile",
    "TileReader",
    "encode_index",
    "entries_path",
    "entry_bundle",
    "entry_bundles_between",
    "hash_tile",
    "parse_entry_bundle",
    "parse_hash_tile",
    "parse_tile_path",
    "tile_path",
    "tile_width",
    "tiles_between",
    "tiles_for_size",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes, 8,192 bytes in a full tile
MAX_ENTRY_SIZE = 0xFFFF  # an entry's length is a big-endian uint16 in a bundle
#: The ``level`` of a :class:`Tile` that is an entry bundle rather than a hash tile.
ENTRIES = -1
MAX_LEVEL = 63

#: ``fetch(level, index, width)`` returns the bytes of that tile (``width`` 256 for a full one).
FetchTile = Callable[[int, int, int], bytes]

_HASH = merkle.HASH_SIZE
_LENGTH = struct.Struct(">H")


@dataclass(frozen=True, slots=True)
class Tile:
    """One tile: ``level`` (``ENTRIES`` for an entry bundle), ``index``, ``width`` (1..256)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    @property
    def is_full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        if self.level == ENTRIES:
            return entries_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)


# Paths ---------------------------------------------------------------------------------


def encode_index(index: int) -> str:
    """A tile index as path elements: ``1234067`` -> ``x001/x234/067``, ``5`` -> ``005``."""
    if index < 0:
        raise ValueError("a tile index is never negative")
    parts = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        parts.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(parts))


def _width_suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"a tile is 1 to {TILE_WIDTH} hashes wide, not {width}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``; ``width`` 256 is a full tile (no suffix)."""
    if not 0 <= level <= MAX_LEVEL:
        raise ValueError(f"a tile level is 0 to {MAX_LEVEL}, not {level}")
    return f"tile/{level}/{encode_index(index)}{_width_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``."""
    return f"tile/entries/{encode_index(index)}{_width_suffix(width)}"


_PATH = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]?)/"
    r"(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> Tile:
    """The :class:`Tile` a path names (``ENTRIES`` level for a bundle).

    Only the canonical spelling is accepted (``tile_path(*parse_tile_path(p)) == p``), so one
    tile has one URL and caches cannot be split or poisoned through aliases.
    """
    match = _PATH.fullmatch(path)
    if match is None:
        raise ValueError(f"not a tile path: {path!r}")
    level = ENTRIES if match["level"] == "entries" else int(match["level"])
    index = int(match["index"].replace("x", "").replace("/", ""))
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    tile = Tile(level, index, width)
    if level > MAX_LEVEL or (width >= TILE_WIDTH and match["width"]) or tile.path != path:
        raise ValueError(f"not a canonical tile path: {path!r}")
    return tile


# Which tiles a tree has ----------------------------------------------------------------


def tile_width(level: int, index: int, size: int) -> int:
    """How many hashes tile ``(level, index)`` has in a tree of ``size`` (0: no such tile)."""
    count = size >> (TILE_HEIGHT * level)  # nodes at tree level 8 * level
    return max(0, min(TILE_WIDTH, count - index * TILE_WIDTH))


def tiles_between(old_size: int, new_size: int) -> list[Tile]:
    """The hash tiles a tree of ``new_size`` has that one of ``old_size`` has not.

    These are what a sequencer writes after growing the tree: new full tiles, and the new
    (wider) partial tile of each level. Lowest level first, left to right.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"a tree does not shrink from {old_size} to {new_size}")
    tiles: list[Tile] = []
    level = 0
    while new_size >> (TILE_HEIGHT * level):
        old_count = old_size >> (TILE_HEIGHT * level)
        new_count = new_size >> (TILE_HEIGHT * level)
        for index in range(old_count // TILE_WIDTH, -(-new_count // TILE_WIDTH)):
            width = min(TILE_WIDTH, new_count - index * TILE_WIDTH)
            if width != min(TILE_WIDTH, max(0, old_count - index * TILE_WIDTH)):
                tiles.append(Tile(level, index, width))
        level += 1
    return tiles


def tiles_for_size(size: int) -> list[Tile]:
    """Every hash tile, full or partial, of a tree of ``size`` leaves."""
    return tiles_between(0, size)


def entry_bundles_between(old_size: int, new_size: int) -> list[Tile]:
    """The entry bundles a log of ``new_size`` entries has that one of ``old_size`` has not."""
    return [
        Tile(ENTRIES, tile.index, tile.width)
        for tile in tiles_between(old_size, new_size)
        if tile.level == 0
    ]


# Tile contents -------------------------------------------------------------------------


def hash_tile(hashes: Sequence[bytes]) -> bytes:
    """A hash tile's bytes: its hashes, concatenated."""
    if not 1 <= len(hashes) <= TILE_WIDTH or any(len(h) != _HASH for h in hashes):
        raise ValueError(f"a hash tile is 1 to {TILE_WIDTH} hashes of {_HASH} bytes")
    return b"".join(hashes)


def parse_hash_tile(data: bytes, width: int | None = None) -> list[bytes]:
    """The hashes in a hash tile's bytes; with ``width``, insist on that many."""
    count, rest = divmod(len(data), _HASH)
    if rest or not 1 <= count <= TILE_WIDTH or (width is not None and count != width):
        raise ValueError(f"a hash tile of {len(data)} bytes is not {width or 'a whole'} hashes")
    return [data[i : i + _HASH] for i in range(0, len(data), _HASH)]


def entry_bundle(entries: Iterable[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length, then its bytes."""
    parts: list[bytes] = []
    pack = _LENGTH.pack
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise ValueError(f"an entry is at most {MAX_ENTRY_SIZE} bytes, not {len(entry)}")
        parts.append(pack(len(entry)))
        parts.append(entry)
    if not 1 <= len(parts) // 2 <= TILE_WIDTH:
        raise ValueError(f"an entry bundle holds 1 to {TILE_WIDTH} entries")
    return b"".join(parts)


def parse_entry_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """The entries in a bundle; with ``width``, insist on that many."""
    entries: list[bytes] = []
    append = entries.append
    position, end = 0, len(data)
    while position < end:
        if end - position < 2 or len(entries) == TILE_WIDTH:
            raise ValueError("an entry bundle has trailing bytes")
        stop = position + 2 + (data[position] << 8 | data[position + 1])
        if stop > end:
            raise ValueError("an entry bundle ends inside an entry")
        append(data[position + 2 : stop])
        position = stop
    if not entries or (width is not None and len(entries) != width):
        raise ValueError(f"an entry bundle of {len(entries)} entries, not {width or 'some'}")
    return entries


# Reading the tree through tiles --------------------------------------------------------


#: The rows of recently read tiles, by the tile's bytes: a pure function of them, so shared by
#: every reader in the process. Kept: upper-level tiles and partial (rightmost) tiles, which
#: every proof reads; not the full leaf tiles, one of which a proof reads at random.
_ROWS_BY_CONTENT: OrderedDict[bytes, list[list[bytes]]] = OrderedDict()
_ROWS_KEPT = 512  # about 40 KB each; 10M leaves have 155 such tiles
_ROWS_LOCK = threading.Lock()


def _shared_rows(data: bytes) -> list[list[bytes]] | None:
    with _ROWS_LOCK:
        rows = _ROWS_BY_CONTENT.get(data)
        if rows is not None:
            _ROWS_BY_CONTENT.move_to_end(data)
        return rows


def _share_rows(level: int, data: bytes, rows: list[list[bytes]]) -> None:
    if level == 0 and len(rows[0]) == TILE_WIDTH:
        return
    with _ROWS_LOCK:
        _ROWS_BY_CONTENT[data] = rows
        if len(_ROWS_BY_CONTENT) > _ROWS_KEPT:
            _ROWS_BY_CONTENT.popitem(last=False)


class TileReader:
    """Answers ``get_node(level, index)`` for :mod:`goodgov.ledger.merkle` from tiles.

    ``fetch(level, index, width)`` returns a tile's bytes; ``size`` is the tree size whose tiles
    are read (the latest checkpoint's): it fixes the partial widths, and any complete node of
    any tree up to that size can be asked for. Tiles are kept, with the tree levels inside
    them, in a small LRU cache, so a proof costs a few fetches and at most ~255 hashes a tile.

    A reader trusts nothing it fetched: proofs built from bad tiles fail verification against
    a signed checkpoint.
    """

    def __init__(self, size: int, fetch: FetchTile, *, cache_tiles: int = 64) -> None:
        if size < 0:
            raise ValueError("a tree size is never negative")
        self.size = size
        self._fetch = fetch
        self._cache: OrderedDict[tuple[int, int], list[list[bytes]]] = OrderedDict()
        self._cache_tiles = cache_tiles

    def _rows(self, level: int, index: int) -> list[list[bytes]]:
        """Tile ``(level, index)`` as rows: its hashes, then their parents, up to its top."""
        key = (level, index)
        rows = self._cache.get(key)
        if rows is not None:
            self._cache.move_to_end(key)
            return rows
        width = tile_width(level, index, self.size)
        if not width:
            raise KeyError(f"tile {level}/{index} is not in a tree of size {self.size}")
        data = bytes(self._fetch(level, index, width))  # no copy if it is bytes already
        rows = _shared_rows(data) if len(data) == width * _HASH else None
        if rows is None:
            rows = [parse_hash_tile(data, width)]
            while len(rows[-1]) > 1:
                rows.append(merkle.hash_pairs(rows[-1]))
            _share_rows(level, data, rows)
        self._cache[key] = rows
        if len(self._cache) > self._cache_tiles:
            self._cache.popitem(last=False)
        return rows

    def get_node(self, level: int, index: int) -> bytes:
        """The hash of the complete subtree ``(level, index)``."""
        tile_level, height = divmod(level, TILE_HEIGHT)
        per_tile = TILE_WIDTH >> height  # nodes of this tree level in one tile
        rows = self._rows(tile_level, index // per_tile)
        offset = index % per_tile
        if height >= len(rows) or offset >= len(rows[height]):
            raise KeyError(f"node {level}/{index} is not complete in a tree of size {self.size}")
        return rows[height][offset]

    def leaf_hash(self, index: int) -> bytes:
        return self.get_node(0, index)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Inclusion proof of leaf ``index`` in the tree of ``size`` (default: the reader's)."""
        return merkle.inclusion_proof(index, self.size if size is None else size, self.get_node)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Consistency proof from ``old_size`` to ``new_size`` (default: the reader's size)."""
        new = self.size if new_size is None else new_size
        return merkle.consistency_proof(old_size, new, self.get_node)

    def root(self, size: int | None = None) -> bytes:
        """The root of the tree of ``size`` (default: the reader's), from the stored nodes."""
        return merkle.TreeBuilder.from_size(
            self.size if size is None else size, self.get_node
        ).root()


class MemoryTiles:
    """An in-memory tile store fed by :meth:`merkle.TreeBuilder.extend`: for tests and benchmarks.

    Keeps, per tile level ``L``, the hashes of tree level ``8 * L``; serves any full or
    partial tile of them. A sequencer's real store keeps the same hashes as tile files or rows.
    """

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = []

    def add(self, runs: Iterable[merkle.NodeRun]) -> None:
        for run in runs:
            tile_level, height = divmod(run.level, TILE_HEIGHT)
            if height:
                continue
            while len(self.levels) <= tile_level:
                self.levels.append([])
            row = self.levels[tile_level]
            if run.start != len(row):
                raise ValueError(f"nodes at level {run.level} from {run.start}, have {len(row)}")
            row.extend(run.hashes)

    def fetch(self, level: int, index: int, width: int) -> bytes:
        row = self.levels[level] if level < len(self.levels) else []
        start = index * TILE_WIDTH
        if not 1 <= width <= TILE_WIDTH or start + width > len(row):
            raise KeyError(f"no tile {level}/{index} of width {width}")
        return hash_tile(row[start : start + width])

    def tile(self, tile: Tile) -> bytes:
        """The bytes of a hash tile (entry bundles are not kept here)."""
        return self.fetch(tile.level, tile.index, tile.width)
