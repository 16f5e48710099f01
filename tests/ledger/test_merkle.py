"""RFC 6962 / RFC 9162 hashing, proofs and verification: vectors, reference, properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodgov.ledger import merkle
from tests.ledger.vectors import (
    CONSISTENCY_PROOFS,
    EMPTY_ROOT,
    INCLUSION_PROOFS,
    LEAF_INPUTS,
    ROOTS,
    ref_mth,
    ref_path,
    ref_proof,
)

LEAVES = merkle.leaf_hashes(LEAF_INPUTS)
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def complete_nodes(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every complete subtree of the tree over ``leaves``, built the obvious way."""
    nodes: dict[tuple[int, int], bytes] = {}
    row, level = list(leaves), 0
    while row:
        nodes.update(((level, i), h) for i, h in enumerate(row))
        row = [
            hashlib.sha256(b"\x01" + row[i] + row[i + 1]).digest()
            for i in range(0, len(row) - 1, 2)
        ]
        level += 1
    return nodes


def getter(leaves: list[bytes]) -> merkle.GetNode:
    nodes = complete_nodes(leaves)
    return lambda level, index: nodes[(level, index)]


def flip(data: bytes, bit: int) -> bytes:
    flipped = bytearray(data)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)


# Hashing -------------------------------------------------------------------------------


def test_leaf_and_node_hashes_carry_the_rfc_6962_prefixes():
    # given
    left, right = b"L" * 32, b"R" * 32
    # when / then
    assert merkle.leaf_hash(b"entry") == hashlib.sha256(b"\x00entry").digest()
    assert merkle.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert merkle.leaf_hashes([b"a", b"b"]) == [merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")]


def test_the_empty_tree_has_the_hash_of_nothing_as_its_root():
    # given / when / then
    assert merkle.root([]) == EMPTY_ROOT == merkle.EMPTY_ROOT
    assert merkle.TreeBuilder().root() == EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_reference_vectors(size):
    # given
    leaves = LEAVES[:size]
    # when
    root = merkle.root(leaves)
    # then
    assert root == ROOTS[size - 1]
    assert ref_mth(LEAF_INPUTS[:size]) == ROOTS[size - 1]


def test_a_complete_subtree_root_needs_a_power_of_two_width():
    # given / when / then
    assert merkle.subtree_root(LEAVES[:4]) == ROOTS[3]
    assert merkle.subtree_root(LEAVES[:1]) == LEAVES[0]
    with pytest.raises(ValueError):
        merkle.subtree_root(LEAVES[:3])
    with pytest.raises(ValueError):
        merkle.subtree_root([])


# Inclusion -----------------------------------------------------------------------------


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION_PROOFS)
def test_inclusion_proofs_match_the_reference_vectors(index, size, expected):
    # given
    get_node = getter(LEAVES)
    # when
    proof = merkle.inclusion_proof(index, size, get_node)
    # then
    assert proof == expected
    assert merkle.verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size - 1])
    assert merkle.root_from_inclusion_proof(LEAVES[index], index, size, proof) == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), [v for v in INCLUSION_PROOFS if v[2]])
def test_corrupted_inclusion_proofs_do_not_verify(index, size, proof):
    # given: the probes the Go implementation's tests use
    root, leaf = ROOTS[size - 1], LEAVES[index]
    probes = [
        (index - 1, size, root, leaf, proof),
        (index + 1, size, root, leaf, proof),
        (index ^ 2, size, root, leaf, proof),
        (index, size * 2, root, leaf, proof),
        (index, size // 2, root, leaf, proof),
        (index, size, root, b"WrongLeaf", proof),
        (index, size, EMPTY_ROOT, leaf, proof),
        (index, size, SOME_HASH, leaf, proof),
        (index, size, root, leaf, [*proof, b""]),
        (index, size, root, leaf, [*proof, root]),
        (index, size, root, leaf, [b"", *proof]),
        (index, size, root, leaf, [root, *proof]),
        (index, size, root, leaf, proof[:-1]),
        (index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]]),
    ]
    # when
    accepted = [p for p in probes if merkle.verify_inclusion(p[3], p[0], p[1], p[4], p[2])]
    # then
    assert accepted == []


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_PROOFS)
def test_flipping_any_bit_of_an_inclusion_proof_root_or_leaf_fails_it(index, size, proof):
    # given
    root, leaf = ROOTS[size - 1], LEAVES[index]
    accepted = []
    # when
    for bit in range(256):
        if merkle.verify_inclusion(flip(leaf, bit), index, size, proof, root):
            accepted.append(("leaf", bit))
        if merkle.verify_inclusion(leaf, index, size, proof, flip(root, bit)):
            accepted.append(("root", bit))
        for position, element in enumerate(proof):
            changed = [*proof[:position], flip(element, bit), *proof[position + 1 :]]
            if merkle.verify_inclusion(leaf, index, size, changed, root):
                accepted.append((f"proof[{position}]", bit))
    # then
    assert accepted == []


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 1), (2, 1), (-1, 3)])
def test_an_inclusion_proof_of_a_leaf_outside_the_tree_never_verifies(index, size):
    # given / when / then
    assert not merkle.verify_inclusion(SOME_HASH, index, size, [], SOME_HASH)
    assert not merkle.verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)
    with pytest.raises(ValueError):
        merkle.inclusion_proof(index, size, getter(LEAVES))


def test_a_one_leaf_tree_proves_its_leaf_with_an_empty_proof():
    # given
    leaf = merkle.leaf_hash(b"data")
    # when / then
    assert merkle.verify_inclusion(leaf, 0, 1, [], leaf)
    assert not merkle.verify_inclusion(leaf, 0, 1, [], b"")
    assert not merkle.verify_inclusion(b"", 0, 1, [], leaf)
    assert not merkle.verify_inclusion(b"", 0, 1, [], b"")


# Consistency ---------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY_PROOFS)
def test_consistency_proofs_match_the_reference_vectors(old, new, expected):
    # given
    get_node = getter(LEAVES)
    # when
    proof = merkle.consistency_proof(old, new, get_node)
    # then
    assert proof == expected
    assert merkle.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)


@pytest.mark.parametrize(("old", "new", "proof"), [v for v in CONSISTENCY_PROOFS if v[2]])
def test_corrupted_consistency_proofs_do_not_verify(old, new, proof):
    # given: the probes the Go implementation's tests use
    root1, root2 = ROOTS[old - 1], ROOTS[new - 1]
    probes = [
        (old - 1, new, root1, root2, proof),
        (old + 1, new, root1, root2, proof),
        (old ^ 2, new, root1, root2, proof),
        (old, new * 2, root1, root2, proof),
        (old, new // 2, root1, root2, proof),
        (old, new, b"WrongRoot", root2, proof),
        (old, new, root1, b"WrongRoot", proof),
        (old, new, root2, root1, proof),
        (old, new, root1, root2, []),
        (old, new, root1, root2, [*proof, b""]),
        (old, new, root1, root2, [*proof, root1]),
        (old, new, root1, root2, [*proof, root2]),
        (old, new, root1, root2, [b"", *proof]),
        (old, new, root1, root2, [root1, *proof]),
        (old, new, root1, root2, [root2, *proof]),
        (old, new, root1, root2, [proof[0], *proof]),
        (old, new, root1, root2, proof[:-1]),
    ]
    # when
    accepted = [p for p in probes if merkle.verify_consistency(*p)]
    # then
    assert accepted == []


@pytest.mark.parametrize(("old", "new", "proof"), [v for v in CONSISTENCY_PROOFS if v[2]])
def test_flipping_any_bit_of_a_consistency_proof_or_root_fails_it(old, new, proof):
    # given
    root1, root2 = ROOTS[old - 1], ROOTS[new - 1]
    accepted = []
    # when
    for bit in range(256):
        if merkle.verify_consistency(old, new, flip(root1, bit), root2, proof):
            accepted.append(("old root", bit))
        if merkle.verify_consistency(old, new, root1, flip(root2, bit), proof):
            accepted.append(("new root", bit))
        for position, element in enumerate(proof):
            changed = [*proof[:position], flip(element, bit), *proof[position + 1 :]]
            if merkle.verify_consistency(old, new, root1, root2, changed):
                accepted.append((f"proof[{position}]", bit))
    # then
    assert accepted == []


def test_consistency_edge_cases():
    # given
    r1, r8 = ROOTS[0], ROOTS[7]
    # when / then: equal sizes need equal roots and nothing else
    assert merkle.verify_consistency(8, 8, r8, r8, [])
    assert not merkle.verify_consistency(8, 8, r8, r1, [])
    assert not merkle.verify_consistency(8, 8, r8, r8, [EMPTY_ROOT])
    # every tree extends the empty one, whose root is fixed
    assert merkle.verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert merkle.verify_consistency(0, 8, EMPTY_ROOT, r8, [])
    assert not merkle.verify_consistency(0, 8, r1, r8, [])
    assert not merkle.verify_consistency(0, 1, EMPTY_ROOT, r1, [EMPTY_ROOT])
    # a tree never shrinks, and a real extension needs a proof
    assert not merkle.verify_consistency(2, 1, ROOTS[1], r1, [])
    assert not merkle.verify_consistency(1, 2, r1, ROOTS[1], [])
    # and the proof functions say what they cannot do
    assert merkle.consistency_proof(0, 8, getter(LEAVES)) == []
    assert merkle.consistency_proof(8, 8, getter(LEAVES)) == []
    with pytest.raises(ValueError):
        merkle.consistency_proof(5, 4, getter(LEAVES))


# Against the RFC 9162 reference, on random trees ---------------------------------------

entry_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=200)


@given(entries=entry_lists, data=st.data())
def test_proofs_equal_the_rfc_9162_definitions(entries, data):
    # given
    leaves = merkle.leaf_hashes(entries)
    get_node = getter(leaves)
    size = len(entries)
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    # when
    inclusion = merkle.inclusion_proof(index, size, get_node)
    consistency = merkle.consistency_proof(old, size, get_node)
    # then
    assert merkle.root(leaves) == ref_mth(entries)
    assert inclusion == ref_path(index, entries)
    assert consistency == ([] if old == size else ref_proof(old, entries))


@settings(max_examples=200)
@given(size=st.integers(1, 2000), data=st.data())
def test_every_proof_verifies_and_any_flipped_bit_fails_it(size, data):
    # given
    leaves = merkle.leaf_hashes(i.to_bytes(4, "big") for i in range(size))
    get_node = getter(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(1, size), label="old size")
    root, old_root = merkle.root(leaves), merkle.root(leaves[:old])
    inclusion = merkle.inclusion_proof(index, size, get_node)
    consistency = merkle.consistency_proof(old, size, get_node)
    assert merkle.verify_inclusion(leaves[index], index, size, inclusion, root)
    assert merkle.verify_consistency(old, size, old_root, root, consistency)
    # when: one bit of the leaf, the root or a proof element changes
    bit = data.draw(st.integers(0, 255), label="bit")
    target = data.draw(st.integers(0, len(inclusion) + 1), label="inclusion target")
    leaf = flip(leaves[index], bit) if target == 0 else leaves[index]
    bad_root = flip(root, bit) if target == 1 else root
    bad_inclusion = [flip(p, bit) if k + 2 == target else p for k, p in enumerate(inclusion)]
    # then
    assert not merkle.verify_inclusion(leaf, index, size, bad_inclusion, bad_root)
    if consistency:
        target = data.draw(st.integers(0, len(consistency) + 1), label="consistency target")
        bad_old = flip(old_root, bit) if target == 0 else old_root
        bad_new = flip(root, bit) if target == 1 else root
        bad = [flip(p, bit) if k + 2 == target else p for k, p in enumerate(consistency)]
        assert not merkle.verify_consistency(old, size, bad_old, bad_new, bad)


@settings(max_examples=50)
@given(size=st.integers(2, 600), data=st.data())
def test_every_leaf_and_every_older_size_of_a_tree_is_provable(size, data):
    # given
    leaves = merkle.leaf_hashes(i.to_bytes(2, "big") for i in range(size))
    get_node = getter(leaves)
    later = data.draw(st.integers(1, size))
    root = merkle.root(leaves[:later])
    # when
    failures = [
        i
        for i in range(later)
        if not merkle.verify_inclusion(
            leaves[i], i, later, merkle.inclusion_proof(i, later, get_node), root
        )
    ] + [
        -old
        for old in range(1, later + 1)
        if not merkle.verify_consistency(
            old,
            later,
            merkle.root(leaves[:old]),
            root,
            merkle.consistency_proof(old, later, get_node),
        )
    ]
    # then
    assert failures == []


# The incremental builder ---------------------------------------------------------------


@given(chunks=st.lists(st.integers(0, 300), max_size=12))
def test_the_builder_reports_every_complete_node_once_and_the_right_root(chunks):
    # given
    leaves = merkle.leaf_hashes(i.to_bytes(4, "big") for i in range(sum(chunks)))
    builder = merkle.TreeBuilder()
    emitted: dict[tuple[int, int], bytes] = {}
    position = 0
    for count in chunks:
        # when
        for run in builder.extend(leaves[position : position + count]):
            for k, h in enumerate(run.hashes):
                assert (run.level, run.start + k) not in emitted
                emitted[(run.level, run.start + k)] = h
        position += count
        # then: the root is right after every batch
        assert builder.size == position
        assert builder.root() == merkle.root(leaves[:position])
    assert emitted == complete_nodes(leaves)


@given(size=st.integers(0, 1100), more=st.integers(0, 300))
def test_a_builder_resumes_from_stored_nodes(size, more):
    # given: a tree of `size` leaves stored as complete nodes
    leaves = merkle.leaf_hashes(i.to_bytes(4, "big") for i in range(size + more))
    get_node = getter(leaves[:size])
    # when
    builder = merkle.TreeBuilder.from_size(size, get_node)
    builder.extend(leaves[size:])
    # then
    assert builder.root() == merkle.root(leaves)
    assert [node[:2] for node in builder.compact_range()] == [
        (level, ((size + more) >> level) - 1)
        for level in reversed(range((size + more).bit_length()))
        if (size + more) >> level & 1
    ]


def test_appending_one_leaf_reports_the_nodes_it_completes():
    # given
    builder = merkle.TreeBuilder()
    builder.extend(LEAVES[:7])
    # when
    nodes = builder.append(LEAVES[7])
    # then: leaf 7 completes (1, 3), (2, 1) and the root (3, 0)
    expected = complete_nodes(LEAVES)
    assert nodes == [(0, 7, LEAVES[7])] + [
        (lvl, i, expected[(lvl, i)]) for lvl, i in ((1, 3), (2, 1), (3, 0))
    ]
    assert builder.root() == ROOTS[7]


def test_the_builder_refuses_what_is_not_a_hash():
    # given
    builder = merkle.TreeBuilder()
    # when / then
    with pytest.raises(ValueError):
        builder.extend([b"short"])
    assert builder.size == 0
