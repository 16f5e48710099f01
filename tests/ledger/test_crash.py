"""The sequencer killed mid-batch (SIGKILL: no clean-up runs) leaves the log as it was before
that batch, and the next run carries on from there: in the end every event has exactly one
leaf index, 0 to n - 1 in commit order, the checkpoint covers them all and the log verifies.

Runs the real ``goodgov`` command in subprocesses against a migrated database of its own: a
file-based SQLite database in a temporary data dir, or, when ``GOODGOV_DATABASE_URL`` is set,
a fresh PostgreSQL database created on that server for this test and dropped after it.
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from goodgov.ledger import tiles

EVENTS = 20_000
BATCH = 2_000
SMALL_BATCH = 200
GOODGOV = [sys.executable, "-m", "goodgov.cli"]

# Migrates the database, then writes EVENTS valid, committed events, as the services would
# have left them (not yet sequenced).
SETUP = r"""
import os, sys, uuid
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodgov.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from goodgov.ledger.models import Event
from goodgov.ledger import schemas
case = str(uuid.uuid4())
events = []
for n in range(int(sys.argv[1])):
    public = {"case": case, "service": f"service-{n}"}
    schemas.check("case.draft_saved", public)
    events.append(
        Event(action="case.draft_saved", subject_type="cases.case", subject_id="1", public=public)
    )
Event.objects.bulk_create(events, batch_size=2000)
"""

# `goodgov <args>`, but SIGKILLed inside the transaction of its BATCH-th batch: after the
# POINT-th statement of that transaction, or ("commit") when it is about to commit, every
# write of the batch made. Only Django's public hooks are used (the connection's execute
# wrappers, and the commit every outermost atomic block makes), so the kill points do not
# depend on how the sequencer is written.
KILL_IN_BATCH = r"""
import os, signal, sys
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

batch, point = int(sys.argv[1]), sys.argv[2]
commits = statements = 0


def die():
    os.kill(os.getpid(), signal.SIGKILL)


real_commit = BaseDatabaseWrapper.commit


def commit(self):
    global commits, statements
    if commits == batch - 1 and point == "commit":
        die()
    real_commit(self)
    commits += 1
    statements = 0


BaseDatabaseWrapper.commit = commit


def count(execute, sql, params, many, context):
    global statements
    result = execute(sql, params, many, context)
    if context["connection"].in_atomic_block:
        statements += 1
        if commits == batch - 1 and point != "commit" and statements == int(point):
            die()
    return result


connection_created.connect(
    lambda sender, connection, **kwargs: connection.execute_wrappers.append(count), weak=False
)
from goodgov.cli import main

main(sys.argv[3:])
"""


@dataclass
class Node:
    """A goodgov installation of its own: data dir, database, and a way to read the database."""

    env: dict[str, str]
    query: Callable[[str], list[tuple[Any, ...]]]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*GOODGOV, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def size(self) -> int:
        rows = self.query("SELECT size FROM ledger_sequencerstate")
        return int(rows[0][0]) if rows else 0


def _sqlite_query(path: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    def query(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path, timeout=30) as connection:
            return connection.execute(sql).fetchall()

    return query


def _postgres_query(url: str) -> Callable[[str], list[tuple[Any, ...]]]:
    import psycopg

    def query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(sql).fetchall()

    return query


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    env = {**os.environ, "GOODGOV_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    server = os.environ.get("GOODGOV_DATABASE_URL")
    if not server:
        env.pop("GOODGOV_DATABASE_URL", None)
        yield Node(env, _sqlite_query(tmp_path / "goodgov.sqlite3"))
        return
    import psycopg

    name = f"goodgov_crash_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    env["GOODGOV_DATABASE_URL"] = url
    try:
        yield Node(env, _postgres_query(url))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def assert_consistent(node: Node, size: int) -> None:
    """The log holds exactly the ``size`` oldest events, indexed 0..size-1 in commit order,
    under a checkpoint of that size, with the tiles of a tree of that size and no others."""
    assert node.size() == size
    assert node.query("SELECT MAX(size) FROM ledger_checkpoint")[0][0] == (size or None)
    indexed = [
        row[0]
        for row in node.query(
            "SELECT id FROM ledger_event WHERE leaf_index IS NOT NULL ORDER BY leaf_index"
        )
    ]
    oldest = [row[0] for row in node.query(f"SELECT id FROM ledger_event ORDER BY id LIMIT {size}")]
    assert indexed == oldest
    indices = node.query(
        "SELECT COUNT(DISTINCT leaf_index), MIN(leaf_index), MAX(leaf_index) FROM ledger_event"
    )[0]
    assert tuple(indices) == ((size, 0, size - 1) if size else (0, None, None))
    stored = {
        (level, index, width)
        for level, index, width in node.query('SELECT level, "index", width FROM ledger_tile')
    }
    expected = {(t.level, t.index, t.width) for t in tiles.tiles_for_size(size)}
    expected |= {(t.level, t.index, t.width) for t in tiles.entry_bundles_between(0, size)}
    assert stored == expected


def test_a_sequencer_killed_mid_batch_resumes_and_the_log_stays_consistent(node: Node) -> None:
    # given: a migrated database with EVENTS committed events waiting to be sequenced
    setup = subprocess.run(
        [sys.executable, "-c", SETUP, str(EVENTS)],
        env=node.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    assert node.query("SELECT COUNT(*) FROM ledger_event")[0][0] == EVENTS
    assert_consistent(node, 0)
    size = 0

    # when: killed inside a batch, at its start, in the middle and just before it commits
    for batch, point in ((2, "1"), (3, "4"), (2, "commit")):
        killed = node.start(
            sys.executable,
            "-c",
            KILL_IN_BATCH,
            str(batch),
            point,
            "ledger",
            "sequence",
            "--batch",
            str(BATCH),
        )
        _, stderr = killed.communicate(timeout=60)
        # then: the batch in flight left nothing; those before it are kept
        assert killed.returncode == -signal.SIGKILL, stderr
        size += (batch - 1) * BATCH
        assert_consistent(node, size)
    assert size == 4 * BATCH

    # when: `goodgov ledger sequence` itself, in small batches, is killed at a random moment
    # once one of them committed
    process = node.start(*GOODGOV, "ledger", "sequence", "--batch", str(SMALL_BATCH))
    deadline = time.monotonic() + 60
    while node.size() == size and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(random.uniform(0, 0.01))
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=30)
    # then: it was killed before the end, and left whole batches only
    assert process.returncode == -signal.SIGKILL, stderr
    killed_at = node.size()
    assert size < killed_at < EVENTS
    assert (killed_at - size) % SMALL_BATCH == 0
    size = killed_at
    assert_consistent(node, size)

    # when: it runs to the end
    done = node.run("ledger", "sequence", "--batch", str(BATCH))
    # then: every event has its one index, and the whole log verifies
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"sequenced {EVENTS - size} events; the log has {EVENTS} entries"
    )
    assert_consistent(node, EVENTS)
    verified = node.run("ledger", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"the log verifies: {EVENTS} entries" in verified.stdout
