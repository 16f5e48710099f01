"""`bench/ledger.py` at a tiny scale, so the benchmark cannot rot unnoticed. No timings are
asserted: only that every measurement runs and reports what it measured."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from goodgov.ledger import merkle, tiles
from goodgov.ledger.models import Checkpoint, Event

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ledger", REPO / "bench" / "ledger.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_sequencing_local_verify_and_proofs_run(bench):
    # when
    bench.make_events(300, chunk=128)
    sequenced = bench.time_sequencing()
    verified = bench.time_local_verify()
    proofs = bench.proof_timings(5)
    # then
    assert sequenced["events"] == 300 == Event.objects.filter(leaf_index__isnull=False).count()
    assert verified["entries"] == 300
    assert proofs["size"] == 300
    for name in ("inclusion", "consistency"):
        assert proofs[name]["json_bytes_max"] > proofs[name]["raw_bytes_max"] > 0
    # a proof in a tree of 300 leaves: 9 hashes
    assert proofs["inclusion"]["raw_bytes_max"] == 32 * 9


@pytest.mark.django_db
def test_a_synthetic_tree_is_a_real_signed_tree(bench):
    # when
    root = bench.write_synthetic_tree(1000, chunk=300)
    proofs = bench.proof_timings(3)
    # then: the tiles rebuild the signed root
    assert proofs["size"] == 1000
    checkpoint = Checkpoint.objects.get()
    assert bytes(checkpoint.root) == root
    reader = tiles.TileReader(1000, _stored)
    leaves = [bench.hashlib.sha256(b"leaf:%d" % i).digest() for i in range(1000)]
    assert reader.root() == merkle.root(leaves) == root


def _stored(level: int, index: int, width: int) -> bytes:
    from goodgov.ledger import sequencer

    return sequencer.fetch_tile(level, index, width)


def test_the_verify_ratio_hashes_every_leaf_and_node(bench):
    result = bench.verify_ratio(600, checkpoint_every=256, repeat=1)
    assert result["entries"] == 600
    assert result["hash_inputs"] == 2 * 600 - 1
    assert result["ratio"] > 0


def test_the_report_states_each_target(bench, tmp_path, monkeypatch):
    # given: made-up results in the shape the children report
    proofs = {
        "size": 10,
        "inclusion": dict.fromkeys(
            ["json_bytes_max", "raw_bytes_max", "json_bytes_p50", "ms_p50", "ms_p95"], 1
        ),
    }
    proofs["consistency"] = proofs["inclusion"]
    one: dict[str, Any] = {
        "server": "X 1",
        "durability": "d",
        "sequence": {"events": 10, "seconds": 1, "per_s": 10},
        "local_verify": {"per_s": 10},
        "latency": {"samples": 1, "interval_s": 1.0, "p50_s": 0.5, "p95_s": 0.5, "max_s": 0.5},
        "proofs": [proofs],
        "verify": {
            "entries": 10,
            "mib_hashed": 0.1,
            "hash_inputs": 19,
            "verify_per_s": 5,
            "limit_per_s": 10,
            "ratio": 0.5,
        },
    }
    args = bench.parse_args(["--events", "10", "--leaves", "10"])
    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"# B\n\n{bench.START}\nold\n{bench.END}\nafter\n")
    monkeypatch.setattr(bench, "DOCS", docs)
    monkeypatch.setattr(bench, "REPO", tmp_path)
    # when
    text = bench.render({"sqlite": one, "postgresql": one}, bench.machine(), args, "0.1")
    bench.write_docs(text)
    # then
    assert "Sequencing on PostgreSQL: **10 events/s** (target ≥ 10,000: **not met**)" in text
    assert "**p95 0.5 s**" in text and "target p95 ≤ 2 s: met" in text
    assert "at most **1 bytes** of hashes (target ≤ 1 KiB: met)" in text
    assert "Inclusion proof server time on X 1: p95 **1 ms** (target ≤ 1 ms: met)" in text
    assert "ratio **0.5** (target ≥ 0.5: met)" in text
    written = docs.read_text()
    assert "old" not in written and text in written and written.endswith("after\n")


def test_the_whole_benchmark_runs_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODGOV_")}
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "ledger.py"),
            "--no-postgres",
            "--events=400",
            "--leaves=3000",
            "--latency-samples=2",
            "--proof-samples=3",
            "--verify-entries=300",
        ],
        env={**env, "TMPDIR": str(tmp_path)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "| SQLite " in completed.stdout
    assert "Checkpoint latency after commit" in completed.stdout
    assert "| 3,000 | inclusion |" in completed.stdout
