"""Submission benchmark: how many applications a second goodgov takes on this machine.

N concurrent clients (one process, httpx.AsyncClient) each sign in as their own
citizen and submit applications through the JSON API, ``POST /api/v1/cases``, to the
platform served by gunicorn on PostgreSQL. Then the same load goes to a bare Django
view that inserts one row (``bench/bare/``), served the same way on the same database:
the framework's limit here. The ratio of the two is the platform's overhead.

    .venv/bin/python bench/submit.py                    # 32 clients, 20 s each half
    .venv/bin/python bench/submit.py --clients 64 --requests 5000 --write-docs

With ``GOODGOV_DATABASE_URL`` set (PostgreSQL), a fresh database ``<name>_bench`` is
made on that server; otherwise ``scripts/pg-start --durable`` starts a throwaway one
(fsync on: the figures are for a durable database) and stops it afterwards.
Targets: ratio >= 0.5 and p95 <= 100 ms at 32 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOCS = REPO / "docs" / "benchmarks.md"
RESULTS_START = "<!-- bench:results:start -->"
RESULTS_END = "<!-- bench:results:end -->"
SERVICE_CODE = "bench-permit"
TARGET_RATIO = 0.5
TARGET_P95_MS = 100.0
ANSWERS = {"shop_name": "Ban Na Noodles", "opening_date": "2026-01-15", "seats": 24}


@dataclass
class Result:
    name: str
    clients: int
    workers: int
    threads: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    client_cpu: float = 0.0  # seconds of this process's CPU while driving the load

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, p: int) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    def summary(self) -> dict[str, Any]:
        return {
            "requests_per_s": round(self.rps, 1),
            "ok": self.ok,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "p50_ms": round(self.percentile_ms(50), 1),
            "p95_ms": round(self.percentile_ms(95), 1),
            "p99_ms": round(self.percentile_ms(99), 1),
            "elapsed_s": round(self.elapsed, 1),
            "client_cpu_pct": round(100 * self.client_cpu / self.elapsed) if self.elapsed else 0,
        }


# --- database ---------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def postgresql(args: argparse.Namespace) -> Iterator[str]:
    """A PostgreSQL server URL: GOODGOV_DATABASE_URL, or a throwaway durable one."""
    configured = os.environ.get("GOODGOV_DATABASE_URL", "")
    if configured:
        if not configured.startswith(("postgres://", "postgresql://")):
            sys.exit("bench: GOODGOV_DATABASE_URL must be PostgreSQL (or unset to start one)")
        yield configured
        return
    port = str(args.pg_port)
    started = subprocess.run(
        [str(REPO / "scripts" / "pg-start"), "--port", port, "--durable"],
        check=True,
        capture_output=True,
        text=True,
    )
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(REPO / "scripts" / "pg-stop"), "--port", port], check=False)


def fresh_database(server_url: str) -> str:
    """Drop and create ``<name>_bench`` on the server; its URL."""
    import psycopg

    name = (urlsplit(server_url).path.lstrip("/") or "goodgov") + "_bench"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def server_facts(url: str) -> dict[str, str]:
    import psycopg

    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        fsync = conn.execute("SHOW fsync").fetchone()
        sync = conn.execute("SHOW synchronous_commit").fetchone()
    return {
        "postgresql": str(version[0] if version else "?"),
        "fsync": str(fsync[0] if fsync else "?"),
        "synchronous_commit": str(sync[0] if sync else "?"),
    }


# --- set-up inside Django (run in a child process with the platform's environment) ----


def setup_platform(clients: int) -> dict[str, Any]:
    """Migrate, then create an agency, a service and one signed-in citizen per client,
    through the real service functions. Prints what the clients need as JSON."""
    import copy
    from importlib import import_module

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodgov.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils.crypto import get_random_string

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)

    from goodgov.accounts.models import User
    from goodgov.agencies.models import Agency
    from goodgov.agencies.services import agency_create
    from goodgov.catalogue.services import service_publish
    from tests.conftest import TEST_DEFINITION

    agency_create(
        actor=None,
        code=TEST_DEFINITION["agency"],
        name_th="เทศบาลตำบลบ้านนา",
        name_en="Ban Na Subdistrict Municipality",
        kind=Agency.Kind.LOCAL,
        fictional=True,
    )
    definition = copy.deepcopy(TEST_DEFINITION)
    definition["code"] = SERVICE_CODE
    service_publish(actor=None, definition=definition, source="bench")

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    now = time.time()
    for n in range(clients):
        user = User.objects.create_user(
            email=f"bench{n}@example.test", password=None, full_name=f"Bench citizen {n}"
        )
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["account_authentication_methods"] = [
            {"method": "password", "at": now, "email": user.email}
        ]
        session.create()
        sessions.append(session.session_key)
    return {
        "sessions": sessions,
        "csrf": get_random_string(32),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }


def setup_bare() -> None:
    """Create the bare project's table (it has no migrations)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bare.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


# --- serving ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], workers: int, threads: int, pythonpath: str | None = None
) -> Iterator[str]:
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    if pythonpath:
        command += ["--pythonpath", pythonpath]
    server = subprocess.Popen(command, env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                sys.exit(f"bench: gunicorn for {app} exited with {server.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit(f"bench: gunicorn for {app} did not start in 30 s")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- load ---------------------------------------------------------------------------


class RawSender:
    """A minimal HTTP/1.1 client on asyncio streams: one connection per request, as
    gunicorn's sync workers close each one. httpx costs about 3 ms of client CPU per
    request, which on a small machine measures the client rather than the server."""

    def __init__(self, base_url: str, path: str, spec: dict[str, Any]) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        cookies = "; ".join(f"{k}={v}" for k, v in (spec.get("cookies") or {}).items())
        headers = {
            "Host": f"{self.host}:{self.port}",
            "Content-Type": "application/json",
            "Connection": "close",
            **({"Cookie": cookies} if cookies else {}),
            **(spec.get("headers") or {}),
        }
        self.head = f"POST {path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )

    async def __aenter__(self) -> RawSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def post(self, body: dict[str, Any]) -> int:
        data = json.dumps(body).encode()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(f"{self.head}Content-Length: {len(data)}\r\n\r\n".encode() + data)
            status = int((await reader.readline()).split(b" ", 2)[1])
            length = None
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await (reader.readexactly(length) if length is not None else reader.read())
            return status
        finally:
            writer.close()


class HttpxSender:
    def __init__(self, base_url: str, path: str, spec: dict[str, Any]) -> None:
        import httpx

        self.path = path
        self.http = httpx.AsyncClient(
            base_url=base_url,
            cookies=spec.get("cookies"),
            headers=spec.get("headers"),
            timeout=60,
            limits=httpx.Limits(max_connections=1),
        )

    async def __aenter__(self) -> HttpxSender:
        await self.http.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.http.__aexit__(*exc)

    async def post(self, body: dict[str, Any]) -> int:
        return (await self.http.post(self.path, json=body)).status_code


async def drive(
    base_url: str,
    path: str,
    clients: list[dict[str, Any]],
    result: Result,
    *,
    warmup: float,
    duration: float,
    requests: int | None,
    client_kind: str,
) -> None:
    """Each client submits in a loop; requests in the warm-up are not counted."""
    sender_class = RawSender if client_kind == "raw" else HttpxSender
    state = {"issued": 0}
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    first_measured: list[float] = []
    last_done = [measure_from]

    def more() -> bool:
        if time.perf_counter() < measure_from:
            return True
        if requests is not None:
            state["issued"] += 1
            return state["issued"] <= requests
        return time.perf_counter() < stop_at

    async def client(spec: dict[str, Any], n: int) -> None:
        async with sender_class(base_url, path, spec) as sender:
            i = 0
            while more():
                i += 1
                body = {
                    "service": SERVICE_CODE,
                    "answers": {**ANSWERS, "shop_name": f"Shop {n}-{i}"},
                    "declaration": True,
                }
                sent = time.perf_counter()
                try:
                    status = await sender.post(body)
                    kind = None if status == 201 else f"HTTP {status}"
                except Exception as error:  # counted, and the client goes on
                    kind = type(error).__name__
                done = time.perf_counter()
                if sent < measure_from:
                    continue
                if not first_measured:
                    first_measured.append(sent)
                last_done[0] = max(last_done[0], done)
                if kind is None:
                    result.latencies.append(done - sent)
                else:
                    result.errors[kind] += 1

    await asyncio.gather(*(client(spec, n) for n, spec in enumerate(clients)))
    result.elapsed = last_done[0] - (first_measured[0] if first_measured else measure_from)


def probe(base_url: str, path: str, spec: dict[str, Any], what: str) -> None:
    """One request before the load: a clear message instead of a wall of errors."""
    import httpx

    body = {"service": SERVICE_CODE, "answers": ANSWERS, "declaration": True}
    with httpx.Client(
        base_url=base_url, cookies=spec.get("cookies"), headers=spec.get("headers"), timeout=60
    ) as http:
        response = http.post(path, json=body)
    if response.status_code == 404 and what == "platform":
        sys.exit(
            f"bench: POST {path} answered 404: the platform's submission API "
            "(POST /api/v1/cases) is not there, or the service was not found."
        )
    if response.status_code != 201 or "reference" not in response.text:
        sys.exit(
            f"bench: {what} POST {path} answered {response.status_code}, expected 201 with a "
            f"reference: {response.text[:500]}"
        )


def run_half(
    what: str,
    base_url: str,
    path: str,
    clients: list[dict[str, Any]],
    args: argparse.Namespace,
    workers: int,
) -> Result:
    probe(base_url, path, clients[0], what)
    result = Result(what, len(clients), workers, args.threads)
    cpu_before = time.process_time()
    asyncio.run(
        drive(
            base_url,
            path,
            clients,
            result,
            warmup=args.warmup,
            duration=args.duration,
            requests=args.requests,
            client_kind=args.client,
        )
    )
    result.client_cpu = time.process_time() - cpu_before
    s = result.summary()
    print(
        f"{what:9} {s['requests_per_s']:8.1f} req/s  p50 {s['p50_ms']:6.1f} ms  "
        f"p95 {s['p95_ms']:6.1f} ms  p99 {s['p99_ms']:6.1f} ms  errors {s['errors']}"
        + (f" {s['error_kinds']}" if s["errors"] else "")
        + f"  ({s['ok']} in {s['elapsed_s']} s; client CPU {s['client_cpu_pct']} %)",
        flush=True,
    )
    return result


# --- report -------------------------------------------------------------------------


def machine() -> dict[str, str]:
    facts = {"nproc": str(os.cpu_count()), "python": platform.python_version()}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
        facts["ram"] = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        facts["ram"] = "?"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        facts["cpu"] = match.group(1).strip() if match else platform.processor() or "?"
    except OSError:
        facts["cpu"] = platform.processor() or "?"
    try:
        facts["load"] = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        facts["load"] = "?"
    import django
    import gunicorn

    facts["django"] = django.get_version()
    facts["gunicorn"] = gunicorn.__version__
    return facts


def render_results(
    platform_result: Result, bare: Result, facts: dict[str, str], args: argparse.Namespace
) -> str:
    p, b = platform_result.summary(), bare.summary()
    ratio = platform_result.rps / bare.rps if bare.rps else 0.0
    ratio_met = ratio >= TARGET_RATIO
    p95_met = platform_result.percentile_ms(95) <= TARGET_P95_MS
    load = f"{args.requests} requests" if args.requests else f"{args.duration:g} s"
    mark = {True: "met", False: "**not met**"}
    lines = [
        f"Run on {dt.date.today().isoformat()} with `bench/submit.py --clients {args.clients}`: "
        f"{args.clients} concurrent clients, {load} per half after a {args.warmup:g} s warm-up; "
        f"gunicorn with {platform_result.workers} sync workers"
        + (f" with {args.threads} threads each" if args.threads > 1 else "")
        + " for both.",
        "",
        "| | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| platform `POST /api/v1/cases` | {p['requests_per_s']} | {p['p50_ms']} | "
        f"{p['p95_ms']} | {p['p99_ms']} | {p['errors']} |",
        f"| bare Django view, one INSERT | {b['requests_per_s']} | {b['p50_ms']} | "
        f"{b['p95_ms']} | {b['p99_ms']} | {b['errors']} |",
        "",
        f"- Ratio platform / bare: **{ratio:.2f}** (target ≥ {TARGET_RATIO}: {mark[ratio_met]}).",
        f"- Platform p95: **{p['p95_ms']} ms** (target ≤ {TARGET_P95_MS:g} ms at 32 clients: "
        f"{mark[p95_met]}).",
        "",
        f"Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['ram']} RAM; "
        f"Python {facts['python']}, Django {facts['django']}, gunicorn {facts['gunicorn']}, "
        f"PostgreSQL {facts['postgresql']} (fsync {facts['fsync']}, synchronous_commit "
        f"{facts['synchronous_commit']}) on the same machine as the clients; load average "
        f"{facts['load']} before the run.",
    ]
    return "\n".join(lines)


def write_docs(text: str) -> None:
    doc = DOCS.read_text()
    if RESULTS_START not in doc or RESULTS_END not in doc:
        sys.exit(f"bench: {DOCS} has no {RESULTS_START} ... {RESULTS_END} section")
    head, rest = doc.split(RESULTS_START, 1)
    _old, tail = rest.split(RESULTS_END, 1)
    DOCS.write_text(f"{head}{RESULTS_START}\n{text}\n{RESULTS_END}{tail}")
    print(f"bench: results written to {DOCS.relative_to(REPO)}")


# --- main ---------------------------------------------------------------------------


def run_child(env: dict[str, str], role: str, *extra: str) -> str:
    """Run a set-up function of this file in a child process with that environment."""
    completed = subprocess.run(
        [sys.executable, __file__, "--child", role, *extra],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        sys.exit(f"bench: set-up ({role}) failed")
    return completed.stdout


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    default_workers = 2 * (os.cpu_count() or 1) + 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per half (20)")
    parser.add_argument("--requests", type=int, help="requests per half instead of a duration")
    parser.add_argument("--warmup", type=float, default=3.0, help="uncounted seconds first (3)")
    parser.add_argument(
        "--workers", type=int, default=default_workers, help="gunicorn workers (2 x CPUs + 1)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (1)")
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="HTTP client: raw asyncio streams (default, cheap) or httpx.AsyncClient",
    )
    parser.add_argument("--pg-port", type=int, default=55433, help="port of a started PostgreSQL")
    parser.add_argument("--only", choices=["platform", "bare"], help="run one half only")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/benchmarks.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "platform":
        print(json.dumps(setup_platform(args.clients)))
        return 0
    if args.child == "bare":
        setup_bare()
        return 0
    if args.write_docs and args.only:
        sys.exit("bench: --write-docs needs both halves (drop --only)")

    facts = machine()
    if facts["load"] != "?" and float(facts["load"]) > 0.5:
        print(
            f"bench: warning: load average {facts['load']}: the machine is busy, so the "
            "figures will be low and noisy",
            flush=True,
        )
    print(
        f"bench: {args.clients} clients, gunicorn {args.workers} workers x {args.threads} "
        f"threads, {facts['nproc']} CPUs",
        flush=True,
    )
    results: dict[str, Result] = {}
    with postgresql(args) as server_url, tempfile.TemporaryDirectory() as data_dir:
        url = fresh_database(server_url)
        facts.update(server_facts(url))
        (Path(data_dir) / "static").mkdir()
        base_env = {
            **os.environ,
            "GOODGOV_DB_CONN_MAX_AGE": os.environ.get("GOODGOV_DB_CONN_MAX_AGE", "60"),
        }

        if args.only in (None, "platform"):
            env = {
                **base_env,
                "DJANGO_SETTINGS_MODULE": "goodgov.settings",
                "GOODGOV_DATABASE_URL": url,
                "GOODGOV_DATA_DIR": data_dir,
                "GOODGOV_SECRET_KEY": "bench-" + os.urandom(16).hex(),
                "GOODGOV_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
            }
            env.pop("GOODGOV_DEBUG", None)
            env.pop("GOODGOV_PRODUCTION", None)
            made = json.loads(
                run_child(env, "platform", "--clients", str(args.clients)).splitlines()[-1]
            )
            clients = [
                {
                    "cookies": {made["session_cookie"]: key, made["csrf_cookie"]: made["csrf"]},
                    "headers": {"X-CSRFToken": made["csrf"]},
                }
                for key in made["sessions"]
            ]
            with gunicorn("goodgov.wsgi", env, args.workers, args.threads) as base:
                results["platform"] = run_half(
                    "platform", base, "/api/v1/cases", clients, args, args.workers
                )

        if args.only in (None, "bare"):
            env = {
                **base_env,
                "DJANGO_SETTINGS_MODULE": "bare.settings",
                "BARE_DATABASE_URL": url,
                "PYTHONPATH": os.pathsep.join(
                    [str(REPO / "bench" / "bare"), os.environ.get("PYTHONPATH", "")]
                ),
            }
            run_child(env, "bare")
            with gunicorn("bare.wsgi", env, args.workers, args.threads) as base:
                results["bare"] = run_half(
                    "bare", base, "/submit", [{}] * args.clients, args, args.workers
                )

    if len(results) == 2:
        platform_result, bare = results["platform"], results["bare"]
        ratio = platform_result.rps / bare.rps if bare.rps else 0.0
        p95 = platform_result.percentile_ms(95)
        print(
            f"ratio     {ratio:.2f} (target >= {TARGET_RATIO}); platform p95 {p95:.1f} ms "
            f"(target <= {TARGET_P95_MS:g} ms)"
        )
        text = render_results(platform_result, bare, facts, args)
        if args.write_docs:
            write_docs(text)
    failed = any(sum(r.errors.values()) for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
