"""Submission benchmark: how many applications a second goodgov takes on this machine.

N concurrent clients (one process, asyncio) each sign in as their own
citizen and submit applications through the JSON API, ``POST /api/v1/cases``, to the
platform served by gunicorn on PostgreSQL. Then the same load goes to a bare Django
view that inserts one row (``bench/bare/``), served the same way on the same database:
the framework's limit here. The ratio of the two is the platform's overhead.

    .venv/bin/python bench/submit.py                    # 32 clients, 20 s each half
    .venv/bin/python bench/submit.py --clients 64 --requests 5000 --write-docs
    .venv/bin/python bench/submit.py --profile 600      # CPU and SQL a submission, no HTTP

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOCS = REPO / "docs" / "benchmarks.md"
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
    # CPU from the end of the warm-up (each worker's first requests are not counted):
    server_cpu: float = 0.0  # seconds of CPU of gunicorn (master and workers) meanwhile
    mail_cpu: float = 0.0  # seconds of CPU of the email sender (outbox delivery)
    emailed: int | None = None  # email copies the sender sent (outbox delivery)
    drain: float = 0.0  # seconds the sender took to send what waited once the load stopped
    database_cpu: float = 0.0  # seconds of CPU of the PostgreSQL backends serving it

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def measured(self) -> int:
        """Responses to the requests sent after the warm-up: what the CPU below served."""
        return self.ok + sum(self.errors.values())

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
            "server_cpu_ms": (
                round(1000 * self.server_cpu / self.measured, 2) if self.measured else None
            ),
            "database_cpu_ms": (
                round(1000 * self.database_cpu / self.measured, 2) if self.measured else None
            ),
            "mail_cpu_ms": (
                round(1000 * self.mail_cpu / self.measured, 2) if self.measured else None
            ),
            "emailed": self.emailed,
            "drain_s": round(self.drain, 1),
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


def profile_submissions(
    count: int,
    sessions: list[str],
    csrf: str,
    profile_out: str | None,
    *,
    bare: bool,
    warmup: int | None = None,
) -> dict[str, Any]:
    """CPU and SQL per submission, in this process: the WSGI application (for the
    platform every middleware, django-ninja, the service) called directly with the
    requests the benchmark's clients send, after ``count // 10`` uncounted ones. Returns
    CPU ms of this process and of its PostgreSQL backend per request, and SQL
    statements per request by kind. Wall-clock time on a shared machine is noise; CPU
    time much less so.
    """
    import cProfile
    import io
    import pstats

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodgov.settings")
    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    application = get_wsgi_application()
    path = "/submit" if bare else "/api/v1/cases"
    cookie = f"{settings.SESSION_COOKIE_NAME}=%s; {settings.CSRF_COOKIE_NAME}={csrf}"
    statements: list[str] = []

    def count_sql(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    def submit(n: int) -> int:
        body = json.dumps(
            {
                "service": SERVICE_CODE,
                "answers": {**ANSWERS, "shop_name": f"Shop {n}"},
                "declaration": True,
            }
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        if sessions:
            environ["HTTP_COOKIE"] = cookie % sessions[n % len(sessions)]
            environ["HTTP_X_CSRFTOKEN"] = csrf
        status: list[str] = []

        def start_response(line: str, headers: Any, *exc_info: Any) -> Any:
            status.append(line)
            return lambda data: None

        chunks = application(environ, start_response)
        b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
        return int(status[0].split()[0])

    for n in range(count // 10 if warmup is None else warmup):  # imports, caches, connection
        if submit(n) != 201:
            sys.exit("bench: a warm-up submission failed")
    pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]

    def backend_cpu() -> float:
        return process_cpu(pid) if pid is not None else 0.0

    profiler = cProfile.Profile(time.process_time) if profile_out else None
    with connection.execute_wrapper(count_sql):
        cpu0, pg0 = time.process_time(), backend_cpu()
        if profiler:
            profiler.enable()
        for n in range(count):
            status = submit(n)
            if status != 201:
                sys.exit(f"bench: submission answered {status}")
        if not bare and settings.GOODGOV_EMAIL_DELIVERY == "outbox":  # the sender counts too
            from goodgov.notifications.tasks import send_pending

            while send_pending()[0]:
                pass
        if profiler:
            profiler.disable()
        cpu, pg = time.process_time() - cpu0, backend_cpu() - pg0
    if profiler and profile_out:
        profiler.dump_stats(profile_out)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        sys.stderr.write(text.getvalue())
    kinds = Counter(s.split(None, 1)[0].upper() for s in statements)
    # Transaction control is not a statement of its own on PostgreSQL (psycopg opens
    # transactions implicitly); SQLite's explicit BEGIN is counted apart.
    control = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
    return {
        "requests": count,
        "python_cpu_ms": round(1000 * cpu / count, 2),
        "postgresql_cpu_ms": round(1000 * pg / count, 2) if pid is not None else None,
        "statements": round(sum(v for k, v in kinds.items() if k not in control) / count, 2),
        "by_kind": {k: round(v / count, 2) for k, v in sorted(kinds.items())},
        "python_calls": (
            round(pstats.Stats(profiler).total_calls / count)  # type: ignore[attr-defined]
            if profiler
            else None
        ),
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
    app: str,
    env: dict[str, str],
    workers: int,
    threads: int,
    pythonpath: str | None = None,
    server_kind: str = "gunicorn",
) -> Iterator[str]:
    """The WSGI ``app`` served by gunicorn (or granian, ``server_kind``) on a free port."""
    port = free_port()
    if server_kind == "granian":
        command = [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            f"{app}:application",
        ]
        if pythonpath:
            command += ["--working-dir", pythonpath]
        yield from _serve(command, env, port, app)
        return
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
    yield from _serve(command, env, port, app)


@contextmanager
def mail_sender(env: dict[str, str]) -> Iterator[int | None]:
    """``goodgov mail send --follow`` beside the platform when the copies go by outbox."""
    if env.get("GOODGOV_EMAIL_DELIVERY") != "outbox":
        yield None
        return
    sender = subprocess.Popen(
        [str(BIN / "goodgov"), "mail", "send", "--follow", "--interval", "0.5"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield sender.pid
    finally:
        _stop(sender)


def _stop(process: subprocess.Popen[Any]) -> None:
    """Ask a child to stop; kill it if it has not within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def unsent(url: str) -> tuple[int, int]:
    """Email copies waiting and sent in the benchmark's database."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE emailed_at IS NULL),"
            " count(*) FILTER (WHERE emailed_at IS NOT NULL) FROM notifications_message"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _serve(command: list[str], env: dict[str, str], port: int, app: str) -> Iterator[str]:
    server = subprocess.Popen(command, env=env, cwd=REPO)
    SERVER_PIDS[f"http://127.0.0.1:{port}"] = server.pid
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                sys.exit(f"bench: the server for {app} exited with {server.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit(f"bench: the server for {app} did not start in 30 s")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(server)


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user and system) a process has used, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU of a process and its children (gunicorn's master and workers)."""
    total = process_cpu(pid)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                total += process_cpu(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return total


def database_backends(url: str) -> list[int]:
    """The PostgreSQL backends connected to the benchmark's database (gunicorn's workers
    keep theirs for the run: ``GOODGOV_DB_CONN_MAX_AGE``)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [int(r[0]) for r in rows]


SERVER_PIDS: dict[str, int] = {}


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
    on_measure: Callable[[], None] = lambda: None,
) -> None:
    """Each client submits in a loop; requests in the warm-up are not counted, and
    ``on_measure`` runs (in a thread) when the warm-up ends."""
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

    async def mark() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        await asyncio.to_thread(on_measure)

    await asyncio.gather(mark(), *(client(spec, n) for n, spec in enumerate(clients)))
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
    mail_pid: int | None = None,
) -> Result:
    probe(base_url, path, clients[0], what)
    result = Result(what, len(clients), workers, args.threads)
    server_pid = SERVER_PIDS.get(base_url)
    before: dict[str, Any] = {}

    sent_before = unsent(args.database_url)[1] if mail_pid and args.database_url else 0

    def snapshot() -> None:  # the CPU used so far, as the warm-up ends
        before["client"] = time.process_time()
        before["server"] = tree_cpu(server_pid) if server_pid else 0.0
        before["mail"] = process_cpu(mail_pid) if mail_pid else 0.0
        backends = database_backends(args.database_url) if args.database_url else []
        before["database"] = {b: process_cpu(b) for b in backends}

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
            on_measure=snapshot,
        )
    )
    result.client_cpu = time.process_time() - before["client"]
    result.server_cpu = (tree_cpu(server_pid) - before["server"]) if server_pid else 0.0
    if mail_pid and args.database_url:  # all the copies sent, and that work counted
        stopped = time.monotonic()
        while (waiting := unsent(args.database_url))[0]:
            if time.monotonic() - stopped > 120:
                sys.exit(f"bench: {waiting[0]} email copies still unsent after 120 s")
            time.sleep(0.1)
        result.drain = time.monotonic() - stopped
        result.emailed = waiting[1] - sent_before
        result.mail_cpu = process_cpu(mail_pid) - before["mail"]
    # Each worker keeps its connection; those opened during the run count from zero.
    backends = database_backends(args.database_url) if args.database_url else []
    result.database_cpu = sum(process_cpu(b) - before["database"].get(b, 0.0) for b in backends)
    s = result.summary()
    print(
        f"{what:9} {s['requests_per_s']:8.1f} req/s  p50 {s['p50_ms']:6.1f} ms  "
        f"p95 {s['p95_ms']:6.1f} ms  p99 {s['p99_ms']:6.1f} ms  errors {s['errors']}"
        + (f" {s['error_kinds']}" if s["errors"] else "")
        + f"  ({s['ok']} in {s['elapsed_s']} s; client CPU {s['client_cpu_pct']} %; "
        f"CPU ms a request: gunicorn {s['server_cpu_ms']}, PostgreSQL {s['database_cpu_ms']}"
        + (
            f", email sender {s['mail_cpu_ms']}; {s['emailed']} emails sent, the last"
            f" {s['drain_s']} s after the load)"
            if result.emailed is not None
            else ")"
        ),
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


def ratio_of(platform_result: Result, bare: Result) -> float:
    return platform_result.rps / bare.rps if bare.rps else 0.0


def _median_pair(pairs: list[tuple[Result, Result]]) -> tuple[Result, Result]:
    """The round whose ratio is the median (the lower middle one of an even count)."""
    ordered = sorted(pairs, key=lambda pair: ratio_of(*pair))
    return ordered[(len(ordered) - 1) // 2]


def _span(values: list[float], digits: int) -> str:
    return f"{min(values):.{digits}f} to {max(values):.{digits}f}"


def render_results(
    pairs: list[tuple[Result, Result]], facts: dict[str, str], args: argparse.Namespace
) -> str:
    """The results section: the round with the median ratio in the table and the verdicts,
    and with several rounds, every round and how many met each target."""
    platform_result, bare = _median_pair(pairs)
    p, b = platform_result.summary(), bare.summary()
    ratio = ratio_of(platform_result, bare)
    ratio_met = ratio >= TARGET_RATIO
    p95_met = platform_result.percentile_ms(95) <= TARGET_P95_MS
    load = f"{args.requests} requests" if args.requests else f"{args.duration:g} s"
    mark = {True: "met", False: "**not met**"}
    several = len(pairs) > 1
    command = f"bench/submit.py --clients {args.clients}" + (
        f" --rounds {len(pairs)}" if several else ""
    )
    lines = [
        f"Run on {dt.date.today().isoformat()} with `{command}`: "
        f"{args.clients} concurrent clients, {load} per half after a {args.warmup:g} s warm-up"
        + (f", {len(pairs)} rounds, the halves alternating" if several else "")
        + f"; gunicorn with {platform_result.workers} sync workers"
        + (f" with {args.threads} threads each" if args.threads > 1 else "")
        + " for both."
        + (" The table gives the round with the median ratio." if several else ""),
        "",
        "| | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| platform `POST /api/v1/cases` | {p['requests_per_s']} | {p['p50_ms']} | "
        f"{p['p95_ms']} | {p['p99_ms']} | {p['errors']} |",
        f"| bare Django view, one INSERT | {b['requests_per_s']} | {b['p50_ms']} | "
        f"{b['p95_ms']} | {b['p99_ms']} | {b['errors']} |",
        "",
        f"- Ratio platform / bare: **{ratio:.2f}** (target ≥ {TARGET_RATIO}: {mark[ratio_met]})"
        + (
            f"; {_span([ratio_of(*pair) for pair in pairs], 2)} over the rounds, met in "
            f"{sum(ratio_of(*pair) >= TARGET_RATIO for pair in pairs)} of {len(pairs)}."
            if several
            else "."
        ),
        f"- Platform p95: **{p['p95_ms']} ms** (target ≤ {TARGET_P95_MS:g} ms at 32 clients: "
        f"{mark[p95_met]})"
        + (
            f"; {_span([pair[0].percentile_ms(95) for pair in pairs], 1)} ms over the rounds, "
            f"met in {sum(pair[0].percentile_ms(95) <= TARGET_P95_MS for pair in pairs)} "
            f"of {len(pairs)}."
            if several
            else "."
        ),
        f"- CPU per request (after the warm-up): platform {p['server_cpu_ms']} ms in gunicorn"
        + (
            f", {p['mail_cpu_ms']} ms in the email sender"
            if platform_result.emailed is not None
            else ""
        )
        + f" and {p['database_cpu_ms']} ms in PostgreSQL; bare view {b['server_cpu_ms']} ms "
        f"and {b['database_cpu_ms']} ms.",
        (
            f"- Email copies: by outbox (`--email outbox`): `goodgov mail send --follow` sent "
            f"{p['emailed']} beside the load, the last {p['drain_s']} s after it stopped."
            if platform_result.emailed is not None
            else "- Email copies: a task in the request after each commit (`--email now`)."
        ),
    ]
    if several:
        lines += [
            "",
            "| round | platform requests/s | platform p95 ms | bare requests/s | ratio "
            "| gunicorn CPU ms a request, platform / bare |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for number, (one, other) in enumerate(pairs, 1):
            mine, theirs = one.summary(), other.summary()
            lines.append(
                f"| {number} | {mine['requests_per_s']} | {mine['p95_ms']} | "
                f"{theirs['requests_per_s']} | {ratio_of(one, other):.2f} | "
                f"{mine['server_cpu_ms']} / {theirs['server_cpu_ms']} |"
            )
    lines += [
        "",
        f"Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['ram']} RAM; "
        f"Python {facts['python']}, Django {facts['django']}, gunicorn {facts['gunicorn']}, "
        f"PostgreSQL {facts['postgresql']} (fsync {facts['fsync']}, synchronous_commit "
        f"{facts['synchronous_commit']}) on the same machine as the clients; load average "
        f"{facts['load']} before the run.",
    ]
    return "\n".join(lines)


def write_docs(text: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import sections

    sections.write("results", text, DOCS)


# --- main ---------------------------------------------------------------------------


def run_child(env: dict[str, str], role: str, *extra: str, stdin: str | None = None) -> str:
    """Run a set-up function of this file in a child process with that environment."""
    completed = subprocess.run(
        [sys.executable, __file__, "--child", role, *extra],
        env=env,
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        sys.exit(f"bench: set-up ({role}) failed")
    if completed.stderr and role == "profile":
        sys.stderr.write(completed.stderr)
    return completed.stdout


def platform_half(env: dict[str, str], made: dict[str, Any], args: argparse.Namespace) -> Result:
    """One run of the load against the platform, on a fresh gunicorn and email sender."""
    clients = [
        {
            "cookies": {made["session_cookie"]: key, made["csrf_cookie"]: made["csrf"]},
            "headers": {"X-CSRFToken": made["csrf"]},
        }
        for key in made["sessions"]
    ]
    with (
        mail_sender(env) as mail_pid,
        gunicorn("goodgov.wsgi", env, args.workers, args.threads, server_kind=args.server) as base,
    ):
        return run_half("platform", base, "/api/v1/cases", clients, args, args.workers, mail_pid)


def bare_half(env: dict[str, str], args: argparse.Namespace) -> Result:
    """One run of the load against the bare view, on a fresh gunicorn."""
    with gunicorn("bare.wsgi", env, args.workers, args.threads, server_kind=args.server) as base:
        return run_half("bare", base, "/submit", [{}] * args.clients, args, args.workers)


def profile_args(args: argparse.Namespace) -> list[str]:
    return ["--profile", str(args.profile)] + (
        ["--profile-out", args.profile_out] if args.profile_out else []
    )


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
        "--server",
        choices=["gunicorn", "granian"],
        default="gunicorn",
        help="the WSGI server for both halves (gunicorn)",
    )
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="HTTP client: raw asyncio streams (default, cheap) or httpx.AsyncClient",
    )
    parser.add_argument(
        "--email",
        choices=["outbox", "now"],
        default="outbox",
        help="how the platform sends each applicant's email copy: by `goodgov mail send "
        "--follow` beside it (outbox, the default; its CPU is counted) or a task run in the "
        "request after commit (now)",
    )
    parser.add_argument("--pg-port", type=int, default=55433, help="port of a started PostgreSQL")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="runs of each half, alternating (3); the report gives each and the median one",
    )
    parser.add_argument("--only", choices=["platform", "bare"], help="run one half only")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/benchmarks.md")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="instead of the load: N submissions in-process (the WSGI app called directly), "
        "reporting CPU ms and SQL statements per submission",
    )
    parser.add_argument(
        "--profile-out", help="with --profile: also run cProfile and write its stats here"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.set_defaults(database_url=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "platform":
        print(json.dumps(setup_platform(args.clients)))
        return 0
    if args.child == "bare":
        setup_bare()
        return 0
    if args.child == "profile":
        made = json.loads(sys.stdin.read())
        measured = profile_submissions(
            args.profile,
            made.get("sessions", []),
            made.get("csrf", ""),
            args.profile_out,
            bare=args.only == "bare",
        )
        print(json.dumps(measured))
        return 0
    if args.rounds < 1:
        sys.exit("bench: --rounds must be at least 1")
    if args.write_docs and (args.only or args.profile):
        sys.exit("bench: --write-docs needs both halves under load (drop --only, --profile)")

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
    rounds: dict[str, list[Result]] = {}
    with postgresql(args) as server_url, tempfile.TemporaryDirectory() as data_dir:
        url = fresh_database(server_url)
        args.database_url = url
        facts.update(server_facts(url))
        (Path(data_dir) / "static").mkdir()
        base_env = {
            **os.environ,
            "GOODGOV_DB_CONN_MAX_AGE": os.environ.get("GOODGOV_DB_CONN_MAX_AGE", "60"),
        }

        halves: dict[str, Callable[[], Result]] = {}
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
            env["GOODGOV_EMAIL_DELIVERY"] = args.email
            made = json.loads(
                run_child(env, "platform", "--clients", str(args.clients)).splitlines()[-1]
            )
            if args.profile:
                out = run_child(env, "profile", *profile_args(args), stdin=json.dumps(made))
                print("platform  " + out.strip().splitlines()[-1], flush=True)
            else:
                halves["platform"] = partial(platform_half, env, made, args)

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
            if args.profile:
                out = run_child(env, "profile", *profile_args(args), "--only", "bare", stdin="{}")
                print("bare      " + out.strip().splitlines()[-1], flush=True)
            else:
                halves["bare"] = partial(bare_half, env, args)

        # The halves alternate, round after round, each on a fresh server: a shared
        # machine's drift then falls on both rather than on one.
        for number in range(1, (args.rounds if halves else 0) + 1):
            if args.rounds > 1:
                print(f"round {number} of {args.rounds}", flush=True)
            for name, run in halves.items():
                rounds.setdefault(name, []).append(run())

    if len(rounds) == 2:
        pairs = list(zip(rounds["platform"], rounds["bare"], strict=True))
        for platform_result, bare in pairs:
            print(
                f"ratio     {ratio_of(platform_result, bare):.2f} (target >= {TARGET_RATIO}); "
                f"platform p95 {platform_result.percentile_ms(95):.1f} ms "
                f"(target <= {TARGET_P95_MS:g} ms)"
            )
        text = render_results(pairs, facts, args)
        if args.write_docs:
            write_docs(text)
    failed = any(sum(r.errors.values()) for results in rounds.values() for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
