"""The hand-verification snippets of docs/ledger-format.md run, and agree with the library."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from hypothesis import given, settings
from hypothesis import strategies as st

from goodgov.ledger import merkle, note, tiles

DOC = Path(__file__).resolve().parents[2] / "docs" / "ledger-format.md"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 4
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    return namespace


def flip(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


def tree(size: int) -> tuple[list[bytes], tiles.MemoryTiles, tiles.TileReader]:
    entries = [f'{{"n":{i}}}'.encode() for i in range(size)]
    store = tiles.MemoryTiles()
    store.add(merkle.TreeBuilder().extend(merkle.leaf_hashes(entries)))
    return entries, store, tiles.TileReader(size, store.fetch)


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 700), data=st.data())
def test_the_documented_checks_accept_real_proofs_and_refuse_wrong_ones(doc, size, data):
    # given
    entries, _, reader = tree(size)
    leaves = [doc["leaf_hash"](e) for e in entries]
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    root, old_root = doc["mth"](leaves), doc["mth"](leaves[:old])
    inclusion = reader.inclusion_proof(index)
    consistency = reader.consistency_proof(old)
    # when / then
    assert leaves == merkle.leaf_hashes(entries)
    assert root == merkle.root(leaves)
    assert doc["verify_inclusion"](leaves[index], index, size, inclusion, root)
    assert doc["verify_consistency"](old, size, old_root, root, consistency)
    assert not doc["verify_inclusion"](flip(leaves[index]), index, size, inclusion, root)
    assert not doc["verify_inclusion"](leaves[index], index, size, inclusion, flip(root))
    if consistency:
        changed = [flip(consistency[0]), *consistency[1:]]
        assert not doc["verify_consistency"](old, size, old_root, root, changed)
        assert not doc["verify_consistency"](old, size, flip(old_root), root, consistency)


def test_the_documented_bundle_check(doc):
    # given: 300 entries: a full bundle and a partial one of 44
    entries, store, _ = tree(300)
    full, partial = tiles.entry_bundle(entries[:256]), tiles.entry_bundle(entries[256:])
    # when / then
    assert doc["bundle_entries"](partial) == entries[256:]
    assert doc["check_bundle"](full, store.fetch(0, 0, 256))
    assert doc["check_bundle"](partial, store.fetch(0, 1, 44))
    assert not doc["check_bundle"](partial, store.fetch(0, 0, 44))
    assert doc["tile_hashes"](store.fetch(1, 0, 1)) == [
        merkle.root(merkle.leaf_hashes(entries[:256]))
    ]


def test_the_documented_checkpoint_check(doc):
    # given
    signer_key, verifier_key = note.generate_signer("ledger.example.go.th")
    _, other_key = note.generate_signer("ledger.example.go.th")
    root = merkle.root(merkle.leaf_hashes([b"a", b"b"]))
    signed = note.sign_note(note.checkpoint_body("ledger.example.go.th", 2, root), signer_key)
    # when / then
    assert doc["open_checkpoint"](signed, verifier_key) == ("ledger.example.go.th", 2, root)
    with pytest.raises(ValueError):
        doc["open_checkpoint"](signed, other_key)
    with pytest.raises(InvalidSignature):
        doc["open_checkpoint"](signed.replace("\n2\n", "\n3\n"), verifier_key)
