"""C2SP tlog-tiles: paths, which tiles a tree has, tile contents, and proofs read from tiles."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodgov.ledger import merkle, tiles
from goodgov.ledger.tiles import ENTRIES, Tile

# Paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "encoded"),
    [
        (0, "000"),
        (5, "005"),
        (999, "999"),
        (1000, "x001/000"),
        (67000, "x067/000"),
        (1234067, "x001/x234/067"),
        (10**9, "x001/x000/x000/000"),
    ],
)
def test_tile_indices_are_written_in_groups_of_three_digits(index, encoded):
    # given / when / then
    assert tiles.encode_index(index) == encoded


def test_tile_paths_follow_the_spec():
    # given / when / then: the examples of c2sp.org/tlog-tiles
    assert tiles.tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tiles.tile_path(1, 17, 17) == "tile/1/017.p/17"
    assert tiles.tile_path(0, 273, 112) == "tile/0/273.p/112"
    assert tiles.entries_path(1234067) == "tile/entries/x001/x234/067"
    assert tiles.entries_path(273, 112) == "tile/entries/273.p/112"
    assert Tile(ENTRIES, 2, 7).path == "tile/entries/002.p/7"
    assert Tile(2, 0, 1).path == "tile/2/000.p/1"


@given(
    level=st.one_of(st.just(ENTRIES), st.integers(0, 63)),
    index=st.integers(0, 10**12),
    width=st.integers(1, 256),
)
def test_tile_paths_parse_back_to_their_tile(level, index, width):
    # given
    tile = Tile(level, index, width)
    # when
    parsed = tiles.parse_tile_path(tile.path)
    # then
    assert parsed == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/5",  # not three digits
        "tile/0/x000/005",  # a leading zero group
        "tile/0/001/005",  # an inner group without x
        "tile/0/x001",  # the last group with x
        "tile/00/005",  # a level with a leading zero
        "tile/64/005",  # beyond level 63
        "tile/0/005.p/0",  # an empty partial tile
        "tile/0/005.p/256",  # a full tile is not partial
        "tile/0/005.p/012",  # a width with a leading zero
        "tile/entry/005",
        "/tile/0/005",
        "tile/0/005/",
        "tile/0/-01",
    ],
)
def test_non_canonical_tile_paths_are_refused(path):
    # given / when / then
    with pytest.raises(ValueError):
        tiles.parse_tile_path(path)


# Which tiles a tree has ----------------------------------------------------------------


def test_a_tree_of_70000_leaves_has_the_tiles_the_spec_lists():
    # given / when
    found = tiles.tiles_for_size(70_000)
    # then: 273 full level-0 tiles, one partial of 112; one full and one partial (17) level-1
    # tile; one partial level-2 tile of width 1
    assert [t for t in found if t.level == 0] == [Tile(0, i) for i in range(273)] + [
        Tile(0, 273, 112)
    ]
    assert [t for t in found if t.level == 1] == [Tile(1, 0), Tile(1, 1, 17)]
    assert [t for t in found if t.level == 2] == [Tile(2, 0, 1)]
    assert len(found) == 277


def test_a_tree_of_256_leaves_has_one_full_tile_and_a_partial_one_above():
    # given / when / then
    assert tiles.tiles_for_size(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles.tiles_for_size(0) == []
    assert tiles.tiles_for_size(1) == [Tile(0, 0, 1)]


@given(old=st.integers(0, 300_000), grow=st.integers(0, 300_000))
def test_tiles_between_two_sizes_are_exactly_the_new_ones(old, grow):
    # given
    new = old + grow
    # when
    between = tiles.tiles_between(old, new)
    # then
    assert set(between) == set(tiles.tiles_for_size(new)) - set(tiles.tiles_for_size(old))
    assert len(between) == len(set(between))
    assert tiles.entry_bundles_between(old, new) == [
        Tile(ENTRIES, t.index, t.width) for t in between if t.level == 0
    ]
    for t in tiles.tiles_for_size(new):
        assert tiles.tile_width(t.level, t.index, new) == t.width


def test_a_tree_does_not_shrink():
    # given / when / then
    with pytest.raises(ValueError):
        tiles.tiles_between(10, 9)


# Tile contents -------------------------------------------------------------------------


@given(hashes=st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=256))
def test_hash_tiles_round_trip(hashes):
    # given / when
    data = tiles.hash_tile(hashes)
    # then
    assert data == b"".join(hashes)
    assert tiles.parse_hash_tile(data, len(hashes)) == hashes


@pytest.mark.parametrize(
    ("data", "width"),
    [(b"", None), (b"x" * 33, None), (b"x" * 32 * 257, None), (b"x" * 64, 3), (b"x" * 64, 1)],
)
def test_malformed_hash_tiles_are_refused(data, width):
    # given / when / then
    with pytest.raises(ValueError):
        tiles.parse_hash_tile(data, width)


@given(entries=st.lists(st.binary(max_size=300), min_size=1, max_size=256))
def test_entry_bundles_round_trip(entries):
    # given / when
    data = tiles.entry_bundle(entries)
    # then
    assert tiles.parse_entry_bundle(data, len(entries)) == entries


def test_an_entry_bundle_is_big_endian_uint16_length_prefixed():
    # given / when / then
    assert tiles.entry_bundle([b"ab", b"", "ไทย".encode()]) == (
        b"\x00\x02ab" + b"\x00\x00" + b"\x00\x09" + "ไทย".encode()
    )
    assert tiles.entry_bundle([b"x" * 0xFFFF])[:2] == b"\xff\xff"
    with pytest.raises(ValueError):
        tiles.entry_bundle([b"x" * 0x10000])
    with pytest.raises(ValueError):
        tiles.entry_bundle([])
    with pytest.raises(ValueError):
        tiles.entry_bundle([b""] * 257)


@pytest.mark.parametrize(
    ("data", "width"),
    [
        (b"", None),
        (b"\x00", None),  # half a length
        (b"\x00\x03ab", None),  # ends inside an entry
        (b"\x00\x01a\x00", None),  # trailing byte
        (b"\x00\x01a\x00\x01b", 1),  # more entries than the width
        (b"\x00\x00" * 257, None),  # more than a tile holds
    ],
)
def test_malformed_entry_bundles_are_refused(data, width):
    # given / when / then
    with pytest.raises(ValueError):
        tiles.parse_entry_bundle(data, width)


# Proofs through tiles ------------------------------------------------------------------


def store_of(leaves: list[bytes], batches: list[int] | None = None) -> tiles.MemoryTiles:
    store, builder, position = tiles.MemoryTiles(), merkle.TreeBuilder(), 0
    for count in [*(batches or []), len(leaves)]:
        store.add(builder.extend(leaves[position : position + count]))
        position = min(len(leaves), position + count)
    return store


def all_nodes(leaves: list[bytes]) -> merkle.GetNode:
    """Every complete node, computed from the whole leaf list (no tiles involved)."""
    nodes: dict[tuple[int, int], bytes] = {}
    row, level = list(leaves), 0
    while row:
        nodes.update(((level, i), h) for i, h in enumerate(row))
        row = [
            hashlib.sha256(b"\x01" + row[i] + row[i + 1]).digest()
            for i in range(0, len(row) - 1, 2)
        ]
        level += 1
    return lambda level, index: nodes[(level, index)]


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, 5000),
    batches=st.lists(st.integers(1, 700), max_size=5),
    data=st.data(),
)
def test_proofs_through_tiles_equal_proofs_from_all_leaves(size, batches, data):
    # given: a tree stored as tiles, grown in batches, and the same tree in full
    leaves = merkle.leaf_hashes(i.to_bytes(4, "big") for i in range(size))
    reader = tiles.TileReader(size, store_of(leaves, batches).fetch)
    full = all_nodes(leaves)
    index = data.draw(st.integers(0, size - 1))
    later = data.draw(st.integers(index + 1, size))
    old = data.draw(st.integers(0, later))
    # when
    inclusion = reader.inclusion_proof(index, later)
    consistency = reader.consistency_proof(old, later)
    # then
    assert inclusion == merkle.inclusion_proof(index, later, full)
    assert consistency == merkle.consistency_proof(old, later, full)
    assert reader.root(later) == merkle.root(leaves[:later])
    assert reader.leaf_hash(index) == leaves[index]
    assert merkle.verify_inclusion(leaves[index], index, later, inclusion, reader.root(later))


def test_proofs_through_tiles_cover_three_tile_levels():
    # given: 70,000 leaves, so levels 0, 1 and 2 of tiles exist
    size = 70_000
    leaves = merkle.leaf_hashes(i.to_bytes(4, "big") for i in range(size))
    fetched: list[tuple[int, int, int]] = []
    store = store_of(leaves, [65_536, 3000])

    def fetch(level: int, index: int, width: int) -> bytes:
        fetched.append((level, index, width))
        return store.fetch(level, index, width)

    reader = tiles.TileReader(size, fetch)
    root = merkle.root(leaves)
    # when
    proofs = {i: reader.inclusion_proof(i) for i in (0, 255, 256, 65_535, 65_536, 69_999)}
    consistency = reader.consistency_proof(65_537)
    # then
    assert reader.root() == root
    assert all(merkle.verify_inclusion(leaves[i], i, size, p, root) for i, p in proofs.items())
    assert merkle.verify_consistency(65_537, size, merkle.root(leaves[:65_537]), root, consistency)
    assert {(level, width) for level, _, width in fetched} >= {
        (0, 256),
        (0, 112),
        (1, 256),
        (1, 17),
        (2, 1),
    }


def test_a_reader_refuses_nodes_the_tree_does_not_have_yet():
    # given
    leaves = merkle.leaf_hashes(i.to_bytes(4, "big") for i in range(300))
    reader = tiles.TileReader(300, store_of(leaves).fetch)
    # when / then
    assert reader.get_node(0, 299) == leaves[299]
    assert reader.get_node(8, 0) == merkle.root(leaves[:256])
    with pytest.raises(KeyError):
        reader.get_node(0, 300)  # no such leaf
    assert reader.get_node(3, 5) == merkle.subtree_root(leaves[40:48])
    with pytest.raises(KeyError):
        reader.get_node(3, 37)  # leaves 296..303: the tree stops at 299
    with pytest.raises(KeyError):
        reader.get_node(8, 1)


def test_a_reader_fetches_each_tile_once_while_cached():
    # given
    leaves = merkle.leaf_hashes(i.to_bytes(4, "big") for i in range(1000))
    store = store_of(leaves)
    calls: list[tuple[int, int, int]] = []

    def fetch(level: int, index: int, width: int) -> bytes:
        calls.append((level, index, width))
        return store.fetch(level, index, width)

    reader = tiles.TileReader(1000, fetch)
    # when
    for index in range(1000):
        reader.inclusion_proof(index)
    # then: four level-0 tiles (three full, one of 232) and the level-1 tile of 3
    assert sorted(set(calls)) == [(0, 0, 256), (0, 1, 256), (0, 2, 256), (0, 3, 232), (1, 0, 3)]
    assert len(calls) == len(set(calls))
