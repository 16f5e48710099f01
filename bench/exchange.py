"""Exchange benchmark: signed requests per second between two nodes on loopback.

    .venv/bin/python bench/exchange.py                      # 10,000 people, 2,000 requests
    .venv/bin/python bench/exchange.py --people 100000 --requests 5000 --concurrency 1 8 16

Two nodes as in ``tests/exchange/test_two_nodes.py``: "ddg" (population registry, synthetic
people) runs under granian (or ``--server gunicorn``); this process is "tbnk" (its own
data dir and key) and asks
``population.person`` for random people with ``goodgov.exchange.client.call``: sign
(RFC 9421, Ed25519, Content-Digest), send over HTTP/1.1 on loopback, the provider checks
signature, freshness, nonce (written), right and legal basis, looks the person up, records
``exchange.served`` and signs the response; the client verifies that signature and records
``exchange.requested``. Latency is per call, end to end.

The limit it is compared with is the same look-up made in-process on the provider
(``registries.population_person``: hash the ID, one indexed SELECT, build the record).

Prints its results in markdown; ``--write-docs`` puts them in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def node_env(
    name: str, port: int, data_dir: Path, key: str, directory: Path, services: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODGOV_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "goodgov.settings",
            "GOODGOV_DATA_DIR": str(data_dir),
            "GOODGOV_SECRET_KEY": f"bench-secret-of-{name}-" + "x" * 40,
            "GOODGOV_BASE_URL": f"http://127.0.0.1:{port}",
            "GOODGOV_ALLOWED_HOSTS": "127.0.0.1",
            "GOODGOV_EXCHANGE_NODE": name,
            "GOODGOV_EXCHANGE_KEY": key,
            "GOODGOV_EXCHANGE_DIRECTORY": str(directory),
            "GOODGOV_EXCHANGE_SERVICES": services,
        }
    )
    return env


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "goodgov"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"goodgov {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


IN_PROCESS = """
import random, time, django
django.setup()
from goodgov.exchange import registries, synthetic
ids = synthetic.national_ids({people})
rng = random.Random(1)
picks = [rng.choice(ids) for _ in range({n})]
for i in picks[:50]:
    registries.population_person({{"national_id": i}})
times = []
for i in picks:
    t = time.perf_counter()
    registries.population_person({{"national_id": i}})
    times.append(time.perf_counter() - t)
print(" ".join(f"{{x:.9f}}" for x in times))
"""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (gunicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the name: state ppid ... utime (14th field overall) stime (15th)
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="the provider's worker processes (1: SQLite takes one writer at a time, and the "
        "client node needs the other core of a two-core machine)",
    )
    parser.add_argument(
        "--server",
        choices=["gunicorn", "granian"],
        default="granian",
        help="the provider's WSGI server (granian: HTTP in Rust, keep-alive)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="threads per gunicorn worker (gthread workers, with keep-alive); 0: sync workers",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the client's CPU time (first row, one in flight) to stderr",
    )
    parser.add_argument(
        "--write-docs", action="store_true", help="rewrite its results in docs/benchmarks.md"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "src"))
    from goodgov.ledger import note

    root = Path(tempfile.mkdtemp(prefix="goodgov-bench-exchange-"))
    ddg_key, tbnk_key = note.Signer.generate("ddg"), note.Signer.generate("tbnk")
    ddg_port, tbnk_port = free_port(), free_port()
    directory = root / "directory.yaml"
    directory.write_text(
        "nodes:\n"
        f"  - {{name: ddg, base_url: 'http://127.0.0.1:{ddg_port}', public_key: '{ddg_key.verifier.key}',"
        " services: [{name: population, methods: [person, household]}]}\n"
        f"  - {{name: tbnk, base_url: 'http://127.0.0.1:{tbnk_port}', public_key: '{tbnk_key.verifier.key}'}}\n"
    )
    ddg_env = node_env("ddg", ddg_port, root / "ddg", ddg_key.key, directory, "population")
    tbnk_env = node_env("tbnk", tbnk_port, root / "tbnk", tbnk_key.key, directory, "welfare")
    for env in (ddg_env, tbnk_env):
        Path(env["GOODGOV_DATA_DIR"]).mkdir()
        run(env, "migrate", "-v0")
    started = time.perf_counter()
    print(
        run(
            ddg_env, "exchange", "people", f"--count={args.people}", "--registries=population"
        ).strip(),
        file=sys.stderr,
    )
    generate_s = time.perf_counter() - started
    run(
        ddg_env,
        "exchange",
        "grant",
        "--client=tbnk",
        "--service=population",
        "--method=person",
        "--fields=birth_date,age,address,dead",
        "--purposes=bench",
        "--legal-bases=pdpa-24-4",
    )
    baseline = [
        float(x)
        for x in subprocess.run(
            [
                sys.executable,
                "-c",
                IN_PROCESS.format(people=args.people, n=min(args.requests, 5000)),
            ],
            env=ddg_env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    ]

    server_command = (
        [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(ddg_port),
            "--workers",
            str(args.workers),
            "--blocking-threads",
            "1",
            "--log-level",
            "warning",
            "goodgov.wsgi:application",
        ]
        if args.server == "granian"
        else None
    )
    server = subprocess.Popen(
        server_command
        or [
            str(BIN / "gunicorn"),
            "goodgov.wsgi:application",
            "--bind",
            f"127.0.0.1:{ddg_port}",
            "--workers",
            str(args.workers),
            *(
                ["--worker-class", "gthread", "--threads", str(args.threads)]
                if args.threads
                else []
            ),
            "--log-level",
            "warning",
        ],
        env=ddg_env,
        cwd=root,
    )
    try:
        os.environ.update(tbnk_env)
        import django

        django.setup()
        import httpx

        from goodgov.exchange import client, synthetic

        deadline = time.monotonic() + 30
        while True:
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{ddg_port}/exchange/node", timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.1)

        ids = synthetic.national_ids(args.people)
        rng = random.Random(2)

        def one(person: str) -> float:
            t = time.perf_counter()
            client.call(
                node="ddg",
                service="population",
                method="person",
                national_id_value=person,
                purpose="bench",
                legal_basis="pdpa-24-4",
                retries=0,
            )
            return time.perf_counter() - t

        for person in ids[:50]:  # warm up both sides
            one(person)
        results: list[tuple[int, float, list[float], float, float, float]] = []
        for concurrency in args.concurrency:
            picks = [rng.choice(ids) for _ in range(args.requests)]
            load = os.getloadavg()[0]
            cpu_client, cpu_provider = time.process_time(), cpu_seconds(server.pid)
            profile = None
            if args.profile and not results:
                import cProfile

                profile = cProfile.Profile(time.process_time)  # CPU, not waiting
                profile.enable()
            t0 = time.perf_counter()
            if profile is not None:  # in this thread, where the profiler sees it
                latencies = [one(person) for person in picks]
            else:
                with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
                    latencies = list(pool.map(one, picks))
            wall = time.perf_counter() - t0
            if profile is not None:
                import pstats

                profile.disable()
                pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
            results.append(
                (
                    concurrency,
                    args.requests / wall,
                    latencies,
                    (time.process_time() - cpu_client) / args.requests,
                    (cpu_seconds(server.pid) - cpu_provider) / args.requests,
                    max(load, os.getloadavg()[0]),
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)

    ms = 1000
    worker_kind = (
        ("worker process (keep-alive)" if args.workers == 1 else "worker processes (keep-alive)")
        if args.server == "granian"
        else f"gthread workers of {args.threads} threads (keep-alive)"
        if args.threads
        else "sync workers"
    )
    lines = [
        f"Run on {time.strftime('%Y-%m-%d', time.gmtime())} (UTC) with `bench/exchange.py"
        f" --people {args.people} --requests {args.requests}"
        f" --concurrency {' '.join(map(str, args.concurrency))}"
        f" --server {args.server} --workers {args.workers}`: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite on both nodes; provider under {args.server} with "
        f"{args.workers} {worker_kind}, client and provider on the same machine (loopback). "
        f"{args.people:,} synthetic people (generated in {generate_s:.1f} s); "
        f"{args.requests:,} `population.person` calls per row, random people, "
        "each signed and verified both ways and recorded on both nodes.",
        "",
        "| | requests/s | p50 ms | p95 ms | p99 ms | CPU ms per request: client / provider "
        "| load average |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for concurrency, rps, latencies, cpu_c, cpu_p, load in results:
        lines.append(
            f"| signed exchange, {concurrency} in flight | {rps:,.0f} | "
            f"{percentile(latencies, 50) * ms:.1f} | {percentile(latencies, 95) * ms:.1f} | "
            f"{percentile(latencies, 99) * ms:.1f} | {cpu_c * ms:.2f} / {cpu_p * ms:.2f} | "
            f"{load:.2f} |"
        )
    lines.append(
        f"| in-process look-up (the limit), 1 thread | {1 / statistics.mean(baseline):,.0f} | "
        f"{percentile(baseline, 50) * ms:.2f} | {percentile(baseline, 95) * ms:.2f} | "
        f"{percentile(baseline, 99) * ms:.2f} | | |"
    )
    concurrency, rps, latencies, *_rest = max(results, key=lambda row: row[0])
    p95 = percentile(latencies, 95) * ms
    lines += [
        "",
        f"- At {concurrency} in flight: **{rps:,.0f} requests/s** (target ≥ 500: "
        f"**{'met' if rps >= 500 else 'not met'}**), p95 **{p95:.1f} ms** (target ≤ 50 ms: "
        f"**{'met' if p95 <= 50 else 'not met'}**).",
        "- The load average is the machine's one-minute figure during the row (other work on "
        f"the machine counts: {os.cpu_count()} cores in all).",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import sections

        sections.write("exchange", text)


if __name__ == "__main__":
    main()
