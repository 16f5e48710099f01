"""Cross-checks against independent implementations, on random inputs.

- pymerkle (GPL-3.0-or-later, compatible with our AGPL-3.0-or-later; used only in tests): an
  RFC 9162 Merkle tree. Roots and inclusion proofs must be identical; our consistency proofs
  must take pymerkle's old root to its new root.
- rfc8785 (Apache-2.0, Trail of Bits): an RFC 8785 canonicaliser.

Both are in the ``dev`` extra; these tests fail, rather than skip, without them.
"""

from __future__ import annotations

import pymerkle
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from goodgov.ledger import merkle, tiles
from goodgov.ledger.canonical import MAX_SAFE_INTEGER, canonical_json


def pymerkle_tree(entries: list[bytes]) -> pymerkle.InmemoryTree:
    tree = pymerkle.InmemoryTree(algorithm="sha256")  # RFC 6962 prefixes are its default
    for entry in entries:
        tree.append_entry(entry)
    return tree


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.binary(max_size=40), min_size=1, max_size=700), data=st.data())
def test_roots_and_proofs_agree_with_pymerkle(entries, data):
    # given: the same entries in pymerkle and in our tiles
    size = len(entries)
    theirs = pymerkle_tree(entries)
    leaves = merkle.leaf_hashes(entries)
    store, builder = tiles.MemoryTiles(), merkle.TreeBuilder()
    store.add(builder.extend(leaves))
    reader = tiles.TileReader(size, store.fetch)
    later = data.draw(st.integers(1, size), label="tree size")
    index = data.draw(st.integers(0, later - 1), label="leaf")
    old = data.draw(st.integers(1, later), label="old size")
    # when
    their_inclusion = theirs.prove_inclusion(index + 1, later).serialize()["path"]
    our_inclusion = reader.inclusion_proof(index, later)
    our_consistency = reader.consistency_proof(old, later)
    # then
    assert [theirs.get_root(n) for n in range(1, later + 1)] == [
        merkle.root(leaves[:n]) for n in range(1, later + 1)
    ]
    assert builder.root() == theirs.get_root()
    assert bytes.fromhex(their_inclusion[0]) == leaves[index]  # pymerkle puts the leaf first
    assert [bytes.fromhex(h) for h in their_inclusion[1:]] == our_inclusion
    assert merkle.verify_consistency(
        old, later, theirs.get_root(old), theirs.get_root(later), our_consistency
    )
    pymerkle.verify_consistency(
        theirs.get_root(old), theirs.get_root(later), theirs.prove_consistency(old, later)
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(value=json_values)
def test_canonical_json_agrees_with_rfc8785(value):
    # given / when / then
    assert canonical_json(value) == rfc8785.dumps(value)
