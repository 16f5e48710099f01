"""Ledger benchmark: how fast the public log is written, proven and checked on this machine.

    .venv/bin/python bench/ledger.py                        # 1M events, 10M leaves
    .venv/bin/python bench/ledger.py --events 20000 --leaves 100000 --no-postgres
    .venv/bin/python bench/ledger.py --write-docs           # results into docs/benchmarks.md

Measured (each database in a child process with its own data directory):

- sequencing: ``--events`` synthetic events with public payloads like the spine's
  ``case.submitted`` (written in bulk first, not timed), then ``sequence_all()`` timed, on
  SQLite and on PostgreSQL (``GOODGOV_DATABASE_URL`` if it names one, else a throwaway
  durable server from ``scripts/pg-start --durable --port 55499``);
- the node's own ``goodgov ledger verify`` over those events (events/s);
- checkpoint latency: ``goodgov ledger sequence --follow`` runs in a subprocess; an event is
  recorded (``ledger.record``, committed) and the database polled every 2 ms until it has a
  leaf index and a signed checkpoint covers it;
- inclusion and consistency proofs: JSON bytes, raw hash bytes and server time (the view
  called in-process: checkpoint look-up, tile reads, hashing inside tiles, JSON) at
  ``--events`` leaves (the sequenced log) and at ``--leaves`` leaves (hash tiles and a signed
  checkpoint written directly with ``TreeBuilder`` over synthetic leaf hashes, no events);
- full verify rate against hashlib: ``--verify-entries`` canonical entries cut into entry
  bundles and hash tiles; the timed check parses every bundle, hashes every leaf, rebuilds
  the tree, compares every tile and checks a signed checkpoint every 10,000 entries (what
  ``verify --url`` does once the bytes are downloaded). The limit is hashlib alone over the
  same inputs, pre-built: one ``sha256(x).digest()`` per leaf input ``0x00||entry`` and per
  node input ``0x01||left||right``, in a list comprehension.

Targets: sequencing >= 10,000 events/s on PostgreSQL; checkpoint p95 <= 2 s; proofs <= 1 KiB
and <= 1 ms; verify >= 0.5 of the hashlib limit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "benchmarks.md"
START = "<!-- bench:ledger:start -->"
END = "<!-- bench:ledger:end -->"

TARGET_SEQUENCE = 10_000  # events/s on PostgreSQL
TARGET_CHECKPOINT_P95 = 2.0  # seconds
TARGET_PROOF_BYTES = 1024
TARGET_PROOF_MS = 1.0
TARGET_VERIFY_RATIO = 0.5

AGENCIES = ["DOPA", "TBNK", "DLT", "RD", "MOPH"]
SERVICES = ["id-card", "business-permit", "building-permit", "birth-registration"]


# --- synthetic data -----------------------------------------------------------------


def synthetic_public(i: int, now: dt.datetime) -> dict[str, Any]:
    """A public payload shaped like the spine's ``case.submitted`` (no personal data)."""
    agency = AGENCIES[i % len(AGENCIES)]
    return {
        "case": str(uuid.UUID(bytes=hashlib.md5(i.to_bytes(8, "big")).digest(), version=4)),
        "reference": f"{agency}-2569-{i:07d}",
        "service": SERVICES[i % len(SERVICES)],
        "version": 1 + i % 3,
        "agency": agency,
        "applicant": hashlib.sha256(b"applicant:%d" % i).hexdigest(),
        "channel": "online" if i % 5 else "counter",
        "due": (now + dt.timedelta(days=15)).isoformat(),
    }


def make_agencies() -> dict[str, int]:
    from goodgov.agencies.models import Agency

    ids = {}
    for code in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            code=code, defaults={"name_th": code, "name_en": code, "kind": "central"}
        )
        ids[code] = agency.pk
    return ids


def make_events(count: int, *, chunk: int = 20_000) -> None:
    """Insert ``count`` unsequenced events in bulk (COPY on PostgreSQL), not timed."""
    from django.db import connection, transaction

    from goodgov.ledger.models import Event

    agencies = make_agencies()
    table = Event._meta.db_table
    columns = "created_at, action, agency_id, subject_type, subject_id, public"
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    for first in range(0, count, chunk):
        rows = []
        for i in range(first, min(count, first + chunk)):
            public = synthetic_public(i, start)
            at = start + dt.timedelta(microseconds=37 * i)
            rows.append(
                (
                    at,
                    "case.submitted",
                    agencies[public["agency"]],
                    "cases.case",
                    public["case"],
                    json.dumps(public),
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                    [(adapt(r[0]), *r[1:]) for r in rows],
                )
    # Fresh statistics, as autovacuum would take within a minute of such a load: without
    # them PostgreSQL may plan the sequencer's "oldest unsequenced" query as a full scan.
    # (Not on SQLite, where nothing analyzes by itself: statistics taken while every event
    # waits would later steer that query away from its partial index.)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def write_synthetic_tree(leaves: int, *, chunk: int = 1 << 16) -> bytes:
    """Replace the log's tiles with the hash tiles of ``leaves`` synthetic leaves and sign a
    checkpoint of that size (no events, no entry bundles); returns the root."""
    from django.db import transaction

    from goodgov.ledger import keys, merkle, note, tiles
    from goodgov.ledger.models import Checkpoint, SequencerState, Tile

    with transaction.atomic():
        Tile.objects.all().delete()
        Checkpoint.objects.all().delete()
        SequencerState.objects.all().delete()
    builder = merkle.TreeBuilder()
    pending: dict[int, bytearray] = {}
    starts: dict[int, int] = {}
    sha = hashlib.sha256
    for first in range(0, leaves, chunk):
        hashes = [sha(b"leaf:%d" % i).digest() for i in range(first, min(leaves, first + chunk))]
        rows = []
        for run in builder.extend(hashes):
            level, height = divmod(run.level, tiles.TILE_HEIGHT)
            if height:
                continue
            buffer = pending.setdefault(level, bytearray())
            starts.setdefault(level, run.start)
            buffer += b"".join(run.hashes)
            while len(buffer) >= tiles.TILE_WIDTH * 32:
                index = starts[level] // tiles.TILE_WIDTH
                rows.append(Tile(level=level, index=index, width=256, data=bytes(buffer[:8192])))
                del buffer[:8192]
                starts[level] += tiles.TILE_WIDTH
        Tile.objects.bulk_create(rows, batch_size=500)
    rows = [
        Tile(level=level, index=starts[level] // 256, width=len(buffer) // 32, data=bytes(buffer))
        for level, buffer in pending.items()
        if buffer
    ]
    Tile.objects.bulk_create(rows)
    root = builder.root()
    text = note.sign_note(note.checkpoint_body(keys.origin(), leaves, root), keys.signer_key())
    Checkpoint.objects.create(size=leaves, root=root, note=text)
    SequencerState.objects.create(pk=1, size=leaves, root=root)
    return root


# --- measurements (inside Django) -----------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def time_sequencing() -> dict[str, Any]:
    from goodgov.ledger import sequencer
    from goodgov.ledger.models import Event

    waiting = Event.objects.filter(leaf_index__isnull=True).count()
    started = time.perf_counter()
    added = sequencer.sequence_all()
    seconds = time.perf_counter() - started
    assert added == waiting, (added, waiting)
    return {"events": added, "seconds": round(seconds, 2), "per_s": round(added / seconds)}


def time_local_verify() -> dict[str, Any]:
    from goodgov.ledger.verify import verify_log

    started = time.perf_counter()
    size = verify_log()
    seconds = time.perf_counter() - started
    return {"entries": size, "seconds": round(seconds, 2), "per_s": round(size / seconds)}


def proof_timings(samples: int, *, warmup: int = 500, seed: int = 1) -> dict[str, Any]:
    """Inclusion and consistency proofs at the latest size: bytes and server time."""
    from django.test import RequestFactory

    from goodgov.ledger import sequencer, views

    size = sequencer.latest_checkpoint().size  # type: ignore[union-attr]
    factory = RequestFactory()
    rng = random.Random(seed)
    result: dict[str, Any] = {"size": size, "warmup": warmup}
    for name, view, params in (
        ("inclusion", views.inclusion_proof, lambda: {"index": rng.randrange(size)}),
        ("consistency", views.consistency_proof, lambda: {"old": rng.randrange(1, size + 1)}),
    ):
        for _ in range(warmup):  # a running node has its upper tiles' rows in memory
            view(factory.get("/ledger/proof/" + name, params()))
        times, json_bytes, raw_bytes = [], [], []
        for _ in range(samples):
            request = factory.get("/ledger/proof/" + name, params())
            started = time.perf_counter()
            response = view(request)
            times.append(time.perf_counter() - started)
            body = json.loads(response.content)
            json_bytes.append(len(response.content))
            raw_bytes.append(32 * len(body["proof"]))  # the proof: its hashes, raw
        result[name] = {
            "json_bytes_max": max(json_bytes),
            "json_bytes_p50": round(percentile(json_bytes, 50)),
            "raw_bytes_max": max(raw_bytes),
            "ms_p50": round(percentile(times, 50) * 1000, 3),
            "ms_p95": round(percentile(times, 95) * 1000, 3),
        }
    return result


def checkpoint_latency(
    samples: int, env: dict[str, str], *, interval: float = 1.0
) -> dict[str, Any]:
    """Record events while the follower runs; time from commit to a checkpoint covering it."""
    from django.db import transaction

    from goodgov import ledger
    from goodgov.agencies.models import Agency
    from goodgov.ledger.models import Event

    agency = Agency.objects.get(code=AGENCIES[0])
    follower = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "django",
            "ledger",
            "sequence",
            "--follow",
            "--interval",
            str(interval),
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "goodgov.settings"},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    latencies = []
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    try:
        deadline = time.monotonic() + 120
        while Event.objects.filter(leaf_index__isnull=True).exists():  # the backlog first
            if follower.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the follower stopped: " + follower.stderr.read().decode())  # type: ignore[union-attr]
            time.sleep(0.05)
        for n in range(samples):
            time.sleep(rng.uniform(0, interval))  # land anywhere in the follower's cycle
            with transaction.atomic():
                event = ledger.record(
                    actor=None,
                    action="case.submitted",
                    subject=agency,
                    agency=agency,
                    public=synthetic_public(10**8 + n, now),
                )
            committed = time.perf_counter()
            while True:
                if Event.objects.filter(pk=event.pk, leaf_index__isnull=False).exists():
                    break
                if follower.poll() is not None:
                    raise RuntimeError("the follower stopped: " + follower.stderr.read().decode())  # type: ignore[union-attr]
                time.sleep(0.002)
            latencies.append(time.perf_counter() - committed)
    finally:
        follower.terminate()
        follower.wait(10)
    return {
        "samples": samples,
        "interval_s": interval,
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3),
    }


def verify_ratio(
    entries: int, *, checkpoint_every: int = 10_000, repeat: int = 5
) -> dict[str, Any]:
    """Verify ``entries`` canonical entries from bundles and tiles, against hashlib alone."""
    from goodgov.ledger import merkle, note, tiles
    from goodgov.ledger.canonical import canonical_json
    from goodgov.ledger.verify import TreeCheck

    now = dt.datetime.now(dt.UTC)
    at = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    data = [
        canonical_json(
            {
                "action": "case.submitted",
                "agency": AGENCIES[i % 5],
                "at": at,
                "data": synthetic_public(i, now),
            }
        )
        for i in range(entries)
    ]
    bundles = [tiles.entry_bundle(data[i : i + 256]) for i in range(0, entries, 256)]
    store = tiles.MemoryTiles()
    builder = merkle.TreeBuilder()
    store.add(builder.extend(merkle.leaf_hashes(data)))
    signer, verifier_key = note.generate_signer("bench.example/ledger")
    verifier = note.Verifier.from_key(verifier_key)
    sizes = [*range(checkpoint_every, entries, checkpoint_every), entries]
    notes = {}
    for size in sizes:
        root = tiles.TileReader(entries, store.fetch).root(size)
        notes[size] = note.sign_note(
            note.checkpoint_body("bench.example/ledger", size, root), signer
        )

    # The limit: hashlib over the same inputs, built beforehand.
    inputs = [b"\x00" + e for e in data]
    level = merkle.leaf_hashes(data)
    while len(level) > 1:
        pairs = [b"\x01" + level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        inputs += pairs
        nxt = [hashlib.sha256(x).digest() for x in pairs]
        level = nxt + level[-1:] if len(level) % 2 else nxt
    hashed_bytes = sum(map(len, inputs))
    sha = hashlib.sha256

    def hash_only() -> None:
        [sha(x).digest() for x in inputs]

    def check() -> None:
        def on_checkpoint(size: int, root: bytes) -> None:
            signed = note.parse_checkpoint(note.open_note(notes[size], [verifier]))
            if signed.root != root:
                raise AssertionError(f"root at {size}")

        tree = TreeCheck(entries, store.fetch, notes, on_checkpoint)
        for index, bundle in enumerate(bundles):
            width = tiles.tile_width(0, index, entries)
            tree.add(merkle.leaf_hashes(tiles.parse_entry_bundle(bundle, width)))

    limit = verify = float("inf")
    for _ in range(repeat):  # alternately, so both see the same machine
        limit = min(limit, _timed(hash_only))
        verify = min(verify, _timed(check))
    return {
        "entries": entries,
        "hash_inputs": len(inputs),
        "mib_hashed": round(hashed_bytes / 2**20, 1),
        "limit_s": round(limit, 3),
        "verify_s": round(verify, 3),
        "limit_per_s": round(entries / limit),
        "verify_per_s": round(entries / verify),
        "ratio": round(limit / verify, 2),
    }


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# --- child: one database ---------------------------------------------------------------


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Everything measured on one database, in this process (Django set up here)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    out: dict[str, Any] = {"vendor": connection.vendor}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            out["server"] = "PostgreSQL " + cursor.fetchone()[0].split()[0]
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
            cursor.execute("SHOW synchronous_commit")
            out["durability"] = f"fsync {fsync}, synchronous_commit {cursor.fetchone()[0]}"
    else:
        import sqlite3

        out["server"] = f"SQLite {sqlite3.sqlite_version}"
        out["durability"] = "WAL, synchronous=NORMAL (the platform's settings)"
    log(f"{out['server']}: writing {args.events:,} events")
    started = time.perf_counter()
    make_events(args.events)
    out["generate_s"] = round(time.perf_counter() - started, 1)
    log(f"{out['server']}: sequencing")
    out["sequence"] = time_sequencing()
    log(f"{out['server']}: {out['sequence']['per_s']:,} events/s; verifying")
    out["local_verify"] = time_local_verify()
    if args.latency_samples:
        log(f"{out['server']}: checkpoint latency, {args.latency_samples} events")
        env = dict(os.environ)
        out["latency"] = checkpoint_latency(args.latency_samples, env)
    log(f"{out['server']}: proofs at {args.events:,} leaves")
    out["proofs"] = [proof_timings(args.proof_samples)]
    if args.leaves and args.leaves != args.events:
        log(f"{out['server']}: writing the tiles of {args.leaves:,} synthetic leaves")
        write_synthetic_tree(args.leaves)
        out["proofs"].append(proof_timings(args.proof_samples))
    if args.verify_entries:
        log(f"verify against hashlib over {args.verify_entries:,} entries")
        out["verify"] = verify_ratio(args.verify_entries)
    return out


def log(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


# --- parent --------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@contextmanager
def postgresql(port: int) -> Iterator[str]:
    """A PostgreSQL server: GOODGOV_DATABASE_URL if it names one, or a throwaway durable one."""
    configured = os.environ.get("GOODGOV_DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        yield configured
        return
    started = subprocess.run(
        [str(REPO / "scripts" / "pg-start"), "--port", str(port), "--durable"],
        check=True,
        capture_output=True,
        text=True,
    )
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(REPO / "scripts" / "pg-stop"), "--port", str(port)], check=False)


def fresh_database(server_url: str) -> str:
    import psycopg

    name = (urlsplit(server_url).path.lstrip("/") or "goodgov") + "_ledger_bench"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def run_child(
    database_url: str, data_dir: str, args: argparse.Namespace, *, verify: bool
) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "goodgov.settings",
        "GOODGOV_DATABASE_URL": database_url,
        "GOODGOV_DATA_DIR": data_dir,
        "GOODGOV_SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("GOODGOV_LEDGER_KEY", None)
    command = [
        sys.executable,
        __file__,
        "--child",
        "--events",
        str(args.events),
        "--leaves",
        str(args.leaves),
        "--latency-samples",
        str(args.latency_samples),
        "--proof-samples",
        str(args.proof_samples),
        "--verify-entries",
        str(args.verify_entries if verify else 0),
    ]
    completed = subprocess.run(command, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        sys.exit(f"bench: the child for {database_url} failed ({completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine() -> dict[str, str]:
    facts = {"nproc": str(os.cpu_count()), "python": platform.python_version()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        facts["cpu"] = match.group(1).strip() if match else "?"
        facts["sha_ni"] = "yes" if re.search(r"\bsha_ni\b", cpuinfo) else "no"
    except OSError:
        facts["cpu"], facts["sha_ni"] = "?", "?"
    try:
        facts["load"] = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        facts["load"] = "?"
    import ssl

    facts["openssl"] = ssl.OPENSSL_VERSION
    return facts


def render(
    results: dict[str, dict[str, Any]],
    facts: dict[str, str],
    args: argparse.Namespace,
    load_after: str,
) -> str:
    mark = {True: "met", False: "**not met**"}
    lines = [
        f"Run on {dt.date.today().isoformat()} with `bench/ledger.py --events {args.events} "
        f"--leaves {args.leaves}`.",
        "",
        "| sequencing | events | s | events/s | local `ledger verify`, events/s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results.values():
        lines.append(
            f"| {r['server']} ({r['durability']}) | {r['sequence']['events']:,} | "
            f"{r['sequence']['seconds']} | {r['sequence']['per_s']:,} | "
            f"{r['local_verify']['per_s']:,} |"
        )
    pg = results.get("postgresql")
    checks = []
    if pg:
        rate = pg["sequence"]["per_s"]
        checks.append(
            f"- Sequencing on PostgreSQL: **{rate:,} events/s** (target ≥ {TARGET_SEQUENCE:,}: "
            f"{mark[rate >= TARGET_SEQUENCE]})."
        )
    else:
        checks.append("- Sequencing on PostgreSQL: not run (`--no-postgres`).")
    for r in results.values():
        if "latency" not in r:
            continue
        lat = r["latency"]
        checks.append(
            f"- Checkpoint latency after commit ({r['server']}, follower interval "
            f"{lat['interval_s']:g} s, {lat['samples']} events): p50 {lat['p50_s']} s, "
            f"**p95 {lat['p95_s']} s**, max {lat['max_s']} s (target p95 ≤ "
            f"{TARGET_CHECKPOINT_P95:g} s: {mark[lat['p95_s'] <= TARGET_CHECKPOINT_P95]})."
        )
    lines += [
        "",
        f"Proofs ({args.proof_samples} random proofs each against the latest checkpoint; the "
        "proof's hashes raw, the JSON response with base64 hashes and, for inclusion, the "
        "leaf hash; server time is the view called in-process):",
        "",
        "| database | leaves | proof | hashes, bytes | JSON, bytes | p50 ms | p95 ms |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    worst: dict[str, Any] = {"raw": 0, "json": 0}
    for r in results.values():
        for proofs in r["proofs"]:
            for name in ("inclusion", "consistency"):
                p = proofs[name]
                lines.append(
                    f"| {r['server']} | {proofs['size']:,} | {name} | {p['raw_bytes_max']} | "
                    f"{p['json_bytes_max']} | {p['ms_p50']} | {p['ms_p95']} |"
                )
                if name == "inclusion":
                    worst["raw"] = max(worst["raw"], p["raw_bytes_max"])
                    worst["json"] = max(worst["json"], p["json_bytes_max"])
                    worst[r["server"]] = max(worst.get(r["server"], 0.0), p["ms_p95"])
    checks.append(
        f"- Inclusion proof size: at most **{worst['raw']} bytes** of hashes (target ≤ 1 KiB: "
        f"{mark[worst['raw'] <= TARGET_PROOF_BYTES]}); the JSON response at most "
        f"**{worst['json']} bytes** ({mark[worst['json'] <= TARGET_PROOF_BYTES]} if the target "
        "counts the JSON)."
    )
    for r in results.values():
        ms = worst[r["server"]]
        checks.append(
            f"- Inclusion proof server time on {r['server']}: p95 **{ms} ms** (target ≤ "
            f"{TARGET_PROOF_MS:g} ms: {mark[ms <= TARGET_PROOF_MS]})."
        )
    verify = results["sqlite"].get("verify")
    if verify:
        checks.append(
            f"- Full verify over {verify['entries']:,} entries ({verify['mib_hashed']} MiB in "
            f"{verify['hash_inputs']:,} SHA-256 inputs): {verify['verify_per_s']:,} entries/s; "
            f"hashlib alone over the same inputs {verify['limit_per_s']:,} entries/s: ratio "
            f"**{verify['ratio']}** (target ≥ {TARGET_VERIFY_RATIO}: "
            f"{mark[verify['ratio'] >= TARGET_VERIFY_RATIO]})."
        )
    lines += ["", *checks, ""]
    lines.append(
        f"Machine: {facts['nproc']} CPUs ({facts['cpu']}, SHA extensions: {facts['sha_ni']}); "
        f"Python {facts['python']}, {facts['openssl']}; load average {facts['load']} before "
        f"the run and {load_after} after it. The {args.leaves:,}-leaf proofs read hash tiles "
        "and a checkpoint written directly with `TreeBuilder` (no events)."
    )
    return "\n".join(lines)


def write_docs(text: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import sections

    sections.write("ledger", text, DOCS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events sequenced (1M)")
    parser.add_argument("--leaves", type=int, default=10_000_000, help="leaves for proofs (10M)")
    parser.add_argument("--latency-samples", type=int, default=40, help="events timed (40)")
    parser.add_argument("--proof-samples", type=int, default=200, help="proofs timed (200)")
    parser.add_argument(
        "--verify-entries", type=int, default=1 << 18, help="entries verified (262,144)"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--pg-port", type=int, default=55499, help="port of the throwaway server")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/benchmarks.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    facts = machine()
    if facts["load"] != "?" and float(facts["load"]) > 0.5:
        log(f"warning: load average {facts['load']}: the figures will be low and noisy")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        results["sqlite"] = run_child(
            f"sqlite:///{data_dir}/bench.sqlite3", data_dir, args, verify=True
        )
    if not args.no_postgres:
        with postgresql(args.pg_port) as server, tempfile.TemporaryDirectory() as data_dir:
            results["postgresql"] = run_child(fresh_database(server), data_dir, args, verify=False)
    load_after = (
        Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    )
    log("results " + json.dumps(results))
    text = render(results, facts, args, load_after)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
