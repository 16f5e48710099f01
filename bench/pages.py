"""Pages benchmark: what the first pages a citizen meets cost on a cheap phone on a slow line.

    .venv/bin/python bench/pages.py                     # 400/400 kbit/s, 400 ms RTT, CPU 4x
    .venv/bin/python bench/pages.py --down-kbps 1600 --rtt-ms 150 --runs 5

The platform promises to be usable on a cheap phone on a slow line and without
JavaScript. This sets up a throwaway node as ``make run`` does (SQLite in a temporary data
dir, ``migrate``, ``createcachetable``, ``collectstatic``, ``goodgov demo``; gunicorn, not
in DEBUG, whitenoise serving the collected, compressed, hashed static files) and drives
Debian's Chromium (headless) at a 360 by 640 CSS px viewport with, through CDP, an emulated line
(``Network.emulateNetworkConditions``: 400 kbit/s down, 400 kbit/s up, 400 ms round trip
by default) and a CPU slowed 4 times (``Emulation.setCPUThrottlingRate``).

Pages: the Thai home page ``/``, a service page, the sign-in page, and, signed in as the
demo citizen through the real sign-in form, their applications ``/cases/`` and the form
of a new application (started through the service's start button); and the English home
page ``/en/``. For each, the median of ``--runs`` runs (3) of:

- **first visit**: a fresh browser context (empty cache; signed-in pages get the cookies
  of a sign-in made in another context of the same browser, so the cache stays empty);
- **next visit**: the same page again in the same context (via ``about:blank``, a plain
  navigation), the cache warm; for the home page also once more ``--later-s`` (65) seconds
  later, when whatever the server let be cached only briefly has gone stale;
- **first visit without JavaScript**: as the first, in a context with JavaScript off.

Measured: bytes over the wire (the sum of ``encodedDataLength`` of CDP
``Network.loadingFinished``: the response headers and the body as sent, compressed;
``data:`` URLs not counted), requests that went to the network (not answered from the
cache), first contentful paint and the ``load`` event, both from navigation start
(``performance`` entries of the page).

Targets (never loosened to pass): a first visit to the Thai home page transfers
≤ 150 KB (KB = 1,000 bytes) and shows its first content within 3 s; a next visit to any
of the pages transfers ≤ 30 KB and loads within 2 s.

Prints a markdown section; ``--write-docs`` puts it in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, StorageState, ViewportSize
    from playwright.sync_api import Page as Tab

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOCS = REPO / "docs" / "benchmarks.md"
CHROMIUM_ARGS = [  # docs: /work/shared/TOOLCHAIN.md, as tests/e2e/conftest.py
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 360, "height": 640}
CITIZEN = ("tuayang@example.test", "goodgov-demo-2568")  # `goodgov demo`'s first citizen
SERVICE = "elderly-allowance"

TARGET_FIRST_BYTES = 150_000  # the Thai home page, first visit
TARGET_FIRST_FCP_S = 3.0
TARGET_NEXT_BYTES = 30_000  # every page, next visit
TARGET_NEXT_LOAD_S = 2.0

MODES = {
    "first": "first visit",
    "next": "next visit",
    "later": "next visit, over a minute later",
    "first_nojs": "first visit, no JavaScript",
}
LATER_PAGES = {"home"}  # the next visit again after --later-s: files only briefly fresh


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str  # "" for the new application's form: known once it is started
    signed_in: bool = False


PAGES = [
    Page("home", "home page (Thai)", "/"),
    Page("service", "service page (Thai)", f"/services/{SERVICE}/"),
    Page("login", "sign-in page (Thai)", "/accounts/login/"),
    Page("cases", "their applications (Thai, signed in)", "/cases/", signed_in=True),
    Page("form", "a new application's form (Thai, signed in)", "", signed_in=True),
    Page("home_en", "home page (English)", "/en/"),
]


@dataclass
class Resource:
    path: str
    bytes: int


@dataclass
class Visit:
    """One page load: what went over the wire, and when the page showed and loaded."""

    bytes: int
    requests: int
    fcp_ms: float | None
    load_ms: float | None
    resources: list[Resource] = field(default_factory=list)  # network requests only


@dataclass
class Summary:
    bytes: float
    requests: float
    fcp_ms: float | None
    load_ms: float | None
    resources: list[Resource]  # those of the run with the median bytes


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def median_or_none(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarise(visits: list[Visit]) -> Summary:
    by_bytes = sorted(visits, key=lambda v: v.bytes)
    return Summary(
        bytes=statistics.median(v.bytes for v in visits),
        requests=statistics.median(v.requests for v in visits),
        fcp_ms=median_or_none([v.fcp_ms for v in visits]),
        load_ms=median_or_none([v.load_ms for v in visits]),
        resources=by_bytes[(len(by_bytes) - 1) // 2].resources,
    )


def largest(resources: list[Resource], n: int = 3) -> list[Resource]:
    return sorted(resources, key=lambda r: (-r.bytes, r.path))[:n]


# --- Report ----------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1000:.1f} KB"


def target_kb(n: float) -> str:
    return f"{n / 1000:g} KB"


def seconds(ms: float | None) -> str:
    return "none" if ms is None else f"{ms / 1000:.2f} s"


MARK = {True: "met", False: "**not met**"}


def _every_page_check(
    rows: list[tuple[str, Any]],
    measure: Any,
    limit: float,
    show: Any,
    figure: str,
    target: str,
) -> str:
    """One next-visit target over every page: its worst figure (``figure`` with
    ``{worst}`` and ``{page}``), met or not, and the pages over it (no figure: over)."""

    def value(summary: Any) -> float:
        got = measure(summary)
        return float("inf") if got is None else float(got)

    over = [(name, s) for name, s in rows if value(s) > limit]
    page, worst = max(rows, key=lambda row: value(row[1]))
    return (
        "- Next visit, every page: "
        + figure.format(worst=show(measure(worst)), page=page)
        + f" (target {target}: {MARK[not over]})"
        + (
            "; over it: " + ", ".join(f"{n} {show(measure(s))}" for n, s in over) + "."
            if over
            else "."
        )
    )


def render(
    results: dict[str, dict[str, list[Visit]]],
    facts: dict[str, str],
    args: argparse.Namespace,
    paths: dict[str, str] | None = None,
) -> str:
    """The markdown section: a table of medians, then each target met or not met."""
    paths = paths or {}
    summaries = {
        key: {mode: summarise(visits) for mode, visits in by_mode.items() if visits}
        for key, by_mode in results.items()
    }
    pages = [p for p in PAGES if p.key in summaries]
    lines = [
        f"Run on {dt.date.today().isoformat()} with `bench/pages.py --runs {args.runs} "
        f"--down-kbps {args.down_kbps:g} --up-kbps {args.up_kbps:g} --rtt-ms {args.rtt_ms:g} "
        f"--cpu-slowdown {args.cpu_slowdown:g} --later-s {args.later_s:g}`: Chromium {facts.get('chromium', '?')} "
        f"headless at {VIEWPORT['width']} by {VIEWPORT['height']} CSS px, the line emulated by "
        f"Chromium ({args.down_kbps:g} kbit/s down, {args.up_kbps:g} kbit/s up, "
        f"{args.rtt_ms:g} ms round trip), the CPU slowed {args.cpu_slowdown:g} times; "
        f"median of {args.runs} run{'s' if args.runs != 1 else ''}. Bytes: the sum of `encodedDataLength` of CDP "
        "`Network.loadingFinished` (response headers and compressed body); requests: those "
        "that went to the network, not answered from the cache; times from navigation start.",
        "",
        "| page | visit | transferred | requests | first contentful paint | `load` |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        where = paths.get(page.key) or page.path or "`/cases/<id>/edit/`"
        where = where if where.startswith("`") else f"`{where}`"
        for mode, name in MODES.items():
            s = summaries[page.key].get(mode)
            if s is None:
                continue
            lines.append(
                f"| {page.label} {where} | {name} | {kb(s.bytes)} | {s.requests:g} | "
                f"{seconds(s.fcp_ms)} | {seconds(s.load_ms)} |"
            )

    checks = []
    home = summaries.get("home", {}).get("first")
    if home is not None:
        checks.append(
            f"- First visit to the Thai home page: **{kb(home.bytes)}** transferred (target "
            f"≤ {target_kb(TARGET_FIRST_BYTES)}: {MARK[home.bytes <= TARGET_FIRST_BYTES]})."
        )
        fcp_met = home.fcp_ms is not None and home.fcp_ms <= TARGET_FIRST_FCP_S * 1000
        checks.append(
            f"- First visit to the Thai home page: first contentful paint at "
            f"**{seconds(home.fcp_ms)}** (target ≤ {TARGET_FIRST_FCP_S:g} s: {MARK[fcp_met]})."
        )
    nexts = [  # every next visit, the later ones too: (what, its medians)
        (
            p.label + ("" if mode == "next" else f", {args.later_s:g} s later"),
            summaries[p.key][mode],
        )
        for p in pages
        for mode in ("next", "later")
        if mode in summaries[p.key]
    ]
    if nexts:
        checks.append(
            _every_page_check(
                nexts,
                lambda s: s.bytes,
                TARGET_NEXT_BYTES,
                kb,
                "at most **{worst}** transferred ({page})",
                f"≤ {target_kb(TARGET_NEXT_BYTES)}",
            )
        )
        checks.append(
            _every_page_check(
                nexts,
                lambda s: s.load_ms,
                TARGET_NEXT_LOAD_S * 1000,
                seconds,
                "loaded within **{worst}** at the slowest ({page})",
                f"≤ {TARGET_NEXT_LOAD_S:g} s",
            )
        )
    nojs = [(p, summaries[p.key]["first_nojs"]) for p in pages if "first_nojs" in summaries[p.key]]
    if nojs:
        painted = all(s.fcp_ms is not None for _p, s in nojs)
        checks.append(
            "- Without JavaScript every page "
            + ("showed its content" if painted else "**did not** always show content")
            + "; the first visits then transfer "
            + ", ".join(f"{kb(s.bytes)} ({p.label})" for p, s in nojs)
            + "."
        )
    if home is not None and home.resources:
        checks.append(
            "- The three largest transfers of the first visit to the Thai home page: "
            + "; ".join(f"`{r.path}` {kb(r.bytes)}" for r in largest(home.resources))
            + "."
        )
        checks.append(
            f"- All {len(home.resources)} transfers of that visit: "
            + ", ".join(
                f"`{r.path}` {kb(r.bytes)}" for r in largest(home.resources, len(home.resources))
            )
            + "."
        )
    lines += ["", *checks, ""]
    lines.append(
        f"Machine: {facts.get('nproc', '?')} CPUs ({facts.get('cpu', '?')}); Python "
        f"{facts.get('python', '?')}, Playwright {facts.get('playwright', '?')}, gunicorn "
        f"{facts.get('gunicorn', '?')}; browser and server on the same machine (loopback), "
        f"the line and the CPU emulated by Chromium; load average {facts.get('load', '?')} "
        f"before the run and {facts.get('load_after', '?')} after it."
    )
    return "\n".join(lines)


# --- The node --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def node_env(data_dir: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODGOV_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "goodgov.settings",
            "GOODGOV_DATA_DIR": data_dir,
            "GOODGOV_BASE_URL": f"http://127.0.0.1:{port}",
            "GOODGOV_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GOODGOV_EXCHANGE_NODE": "ddg",  # as `make run`
            "GOODGOV_EXCHANGE_AGENCY": "DDG",
        }
    )
    return env


def goodgov(env: dict[str, str], *command: str) -> None:
    completed = subprocess.run(
        [str(BIN / "goodgov"), *command], env=env, cwd=REPO, capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"bench: goodgov {' '.join(command)} failed:\n{completed.stderr[-3000:]}")


@contextmanager
def node(workers: int) -> Iterator[str]:
    """A throwaway node with the demo data, served by gunicorn as `make run` does: its URL."""
    if not (REPO / "src/goodgov/web/static/goodgov/goodgov.css").exists():
        sys.exit("bench: no built CSS in src/goodgov/web/static/goodgov/: run `make assets`")
    with tempfile.TemporaryDirectory(prefix="goodgov-bench-pages-") as data_dir:
        port = free_port()
        env = node_env(data_dir, port)
        started = time.perf_counter()
        goodgov(env, "migrate", "--noinput", "-v", "0")
        goodgov(env, "createcachetable")
        goodgov(env, "collectstatic", "--noinput", "-v", "0")
        goodgov(env, "demo")
        log(f"node set up in {time.perf_counter() - started:.1f} s")
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "goodgov.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=data_dir,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/accounts/login/", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError):
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("bench: gunicorn did not start")
                time.sleep(0.2)
            # Each worker's first requests import and fill caches: not the line's cost.
            for _ in range(2 * workers):
                for page in PAGES:
                    if page.path and not page.signed_in:
                        with urllib.request.urlopen(f"{url}{page.path}", timeout=10) as answer:
                            answer.read()
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# --- The browser -----------------------------------------------------------------------


class Recorder:
    """The CDP network events of one page, and a visit measured from them."""

    def __init__(self, context: BrowserContext, page: Tab, args: argparse.Namespace) -> None:
        self.page = page
        self.cdp = context.new_cdp_session(page)
        self.sent: dict[str, str] = {}
        self.cached: set[str] = set()
        self.finished: dict[str, int] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": args.rtt_ms,
                "downloadThroughput": args.down_kbps * 1000 / 8,
                "uploadThroughput": args.up_kbps * 1000 / 8,
            },
        )
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_slowdown})

    def _sent(self, params: dict[str, Any]) -> None:
        url = params["request"]["url"]
        if not url.startswith("data:"):
            self.sent[params["requestId"]] = url

    def _cached(self, params: dict[str, Any]) -> None:
        self.cached.add(params["requestId"])

    def _response(self, params: dict[str, Any]) -> None:
        response = params["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(params["requestId"])

    def _finished(self, params: dict[str, Any]) -> None:
        self.finished[params["requestId"]] = int(params["encodedDataLength"])

    def visit(self, url: str) -> Visit:
        self.sent.clear()
        self.cached.clear()
        self.finished.clear()
        self.page.goto(url, wait_until="load", timeout=120_000)
        self.page.wait_for_load_state("networkidle", timeout=120_000)
        timing = self.page.evaluate(
            """() => {
                const paint = performance.getEntriesByName("first-contentful-paint")[0];
                const nav = performance.getEntriesByType("navigation")[0];
                return {fcp: paint ? paint.startTime : null,
                        load: nav && nav.loadEventStart > 0 ? nav.loadEventStart : null};
            }"""
        )
        resources = [
            Resource(urlsplit(u).path or "/", self.finished.get(rid, 0))
            for rid, u in self.sent.items()
            if rid not in self.cached
        ]
        return Visit(
            bytes=sum(n for rid, n in self.finished.items() if rid in self.sent),
            requests=len(resources),
            fcp_ms=timing["fcp"],
            load_ms=timing["load"],
            resources=resources,
        )


def sign_in(browser: Browser, base: str, start_application: bool) -> tuple[StorageState, str]:
    """Sign the demo citizen in through the real form, on an unthrottled line, in a context
    of its own (so the measured contexts start with an empty cache); optionally start an
    application through the service's start button. Their cookies, and the form's URL."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", CITIZEN[0])
    page.fill("#id_password", CITIZEN[1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        sys.exit(f"bench: signing in as {CITIZEN[0]} failed")
    form_url = ""
    if start_application:
        page.goto(f"{base}/services/{SERVICE}/")
        page.locator("main a.govuk-button--start").click()  # to /cases/start/<service>/
        page.wait_for_load_state()
        page.locator("main form button.govuk-button--start").click()  # POST: a new case
        page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]+/edit/$"))
        form_url = page.url
    state = context.storage_state()
    context.close()
    return state, form_url


def measure(
    base: str, args: argparse.Namespace, facts: dict[str, str]
) -> tuple[dict[str, dict[str, list[Visit]]], dict[str, str]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[Visit]]] = {p.key: {m: [] for m in MODES} for p in PAGES}
    paths: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        facts["chromium"] = browser.version
        try:
            for run in range(1, args.runs + 1):
                for page_spec in PAGES:
                    state: StorageState | None = None
                    url = f"{base}{page_spec.path}"
                    if page_spec.signed_in:
                        state, form_url = sign_in(browser, base, not page_spec.path)
                        if not page_spec.path:
                            url = form_url
                            paths[page_spec.key] = "/cases/<id>/edit/"
                    for javascript in (True, False):
                        context = browser.new_context(
                            viewport=VIEWPORT,
                            java_script_enabled=javascript,
                            storage_state=state,
                        )
                        try:
                            page = context.new_page()
                            recorder = Recorder(context, page, args)
                            first = recorder.visit(url)
                            if javascript:
                                results[page_spec.key]["first"].append(first)
                                page.goto("about:blank")
                                results[page_spec.key]["next"].append(recorder.visit(url))
                                if page_spec.key in LATER_PAGES and args.later_s > 0:
                                    page.goto("about:blank")
                                    time.sleep(args.later_s)
                                    results[page_spec.key]["later"].append(recorder.visit(url))
                            else:
                                results[page_spec.key]["first_nojs"].append(first)
                        finally:
                            context.close()
                    r = results[page_spec.key]
                    log(
                        f"run {run}/{args.runs} {page_spec.key}: first {r['first'][-1].bytes} B "
                        f"FCP {r['first'][-1].fcp_ms} ms, next {r['next'][-1].bytes} B load "
                        f"{r['next'][-1].load_ms} ms, no JS {r['first_nojs'][-1].bytes} B"
                    )
                    if run == 1:
                        for mode in (m for m in MODES if r[m]):
                            log(
                                f"  {mode}: "
                                + ", ".join(f"{x.path} {x.bytes}" for x in r[mode][-1].resources)
                            )
        finally:
            browser.close()
    return results, paths


def machine() -> dict[str, str]:
    from importlib.metadata import version

    facts = {"nproc": str(os.cpu_count()), "python": platform.python_version()}
    try:
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        facts["cpu"] = match.group(1).strip() if match else platform.machine()
    except OSError:
        facts["cpu"] = platform.machine()
    facts["load"] = f"{os.getloadavg()[0]:.2f}"
    for package in ("playwright", "gunicorn"):
        try:
            facts[package] = version(package)
        except Exception:
            facts[package] = "?"
    return facts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (3)")
    parser.add_argument("--down-kbps", type=float, default=400, help="downlink, kbit/s (400)")
    parser.add_argument("--up-kbps", type=float, default=400, help="uplink, kbit/s (400)")
    parser.add_argument("--rtt-ms", type=float, default=400, help="round trip, ms (400)")
    parser.add_argument("--cpu-slowdown", type=float, default=4, help="CPU slowdown (4)")
    parser.add_argument(
        "--later-s",
        type=float,
        default=65,
        help="the home page's next visit again this many seconds later, 0 for none (65)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--chromium", default=os.environ.get("GOODGOV_CHROMIUM", "/usr/bin/chromium")
    )
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/benchmarks.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    facts = machine()
    if float(facts["load"]) > 1.0:
        log(f"warning: load average {facts['load']}: the times will be noisy")
    with node(args.workers) as base:
        results, paths = measure(base, args, facts)
    facts["load_after"] = f"{os.getloadavg()[0]:.2f}"
    text = render(results, facts, args, paths)
    print(text)
    if args.write_docs:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import sections

        sections.write("pages", text, DOCS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
