"""Browser tests: Playwright drives Debian's Chromium against a live goodgov server.

Every test in this directory is marked ``e2e`` (``pytest -m "not e2e"`` skips them).
Every page a test shows is audited with axe (WCAG 2.0/2.1/2.2 A and AA); a serious or
critical violation fails the test, naming the page, rule and elements. Nothing to
remember: axe runs in each page once it is parsed, a navigation away waits until
that audit is in, and the test waits for the last page's audit when it ends. Call
``axe_check(page)`` yourself to audit a state within a page, e.g. after opening a
conditional reveal.

How to write a journey test (citizen applies with an upload, officer requests
information, citizen answers, officer approves, citizen sees the decision)::

    def test_permit_journey(live_server, page, new_context, sign_in, service_version,
                            citizen_a, approver, tmp_path):
        # given: a published service, a citizen and an approving officer
        upload = tmp_path / "plan.pdf"
        upload.write_bytes(b"%PDF-1.4 ...\n%%EOF\n")  # a small real PDF

        # when: the citizen applies
        sign_in(page, citizen_a)
        page.goto(f"{live_server.url}/services/test-permit/")
        page.get_by_role("button", name="Start now").click()
        page.get_by_label("Shop name").fill("Ban Na Noodles")
        page.get_by_label("Floor plan").set_input_files(upload)
        page.get_by_role("button", name="Continue").click()
        ...
        reference = page.get_by_test_id("reference").inner_text()

        # when: the officer asks for information (a second person: another context)
        officer_page = new_context().new_page()
        sign_in(officer_page, approver)
        ...

        # then: the citizen sees the decision
        expect(page.get_by_role("heading", level=1)).to_have_text("Approved")

Rules of thumb: find elements the way people do (``get_by_role``, ``get_by_label``;
the labels are the English msgids on ``/en/`` pages, Thai on ``/``); assert with
``playwright.sync_api.expect`` (it waits) rather than sleeping; sign people in with
``sign_in`` (a real session cookie, second factor included) unless the test is about
signing in; use the shared fixtures of tests/conftest.py for data. Tests here use the
``live_server`` fixture (a real HTTP server thread on a transactional test database,
serving static files from the app directories, so ``make assets`` must have built
the CSS; ``make test`` does).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

CHROMIUM = os.environ.get("GOODGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
}
BLOCKING_IMPACTS = ("serious", "critical")
HERE = Path(__file__).resolve().parent
_AUDITORS = pytest.StashKey[list["PageAuditor"]]()


_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_DB_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class AllowDjangoBesidePlaywright:
    """Once Playwright's sync API has started, its event loop counts as running in this
    thread, and Django refuses database access unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is
    set. Set it only for what needs it: browser tests, database tests that run after
    them, and the database teardown at the end of the session; never for other tests,
    so that no other test, nor a process it starts (``check --deploy`` warns about the
    variable), inherits it."""

    @staticmethod
    def _needs(item: pytest.Item) -> bool:
        if HERE in item.path.parents:
            return True
        uses_db = item.get_closest_marker("django_db") is not None or bool(
            _DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        return uses_db and _loop_running()

    @staticmethod
    @contextlib.contextmanager
    def _allowing(needed: bool) -> Iterator[None]:
        if not needed or _ASYNC_UNSAFE in os.environ:
            yield
            return
        os.environ[_ASYNC_UNSAFE] = "true"
        try:
            yield
        finally:
            os.environ.pop(_ASYNC_UNSAFE, None)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Iterator[None]:
        with self._allowing(self._needs(item)):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        with self._allowing(self._needs(item)):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: Any) -> Iterator[None]:
        last = nextitem is None and _loop_running()  # session fixtures end here
        with self._allowing(self._needs(item) or last):
            return (yield)


def pytest_configure(config: pytest.Config) -> None:
    name = "goodgov-allow-django-beside-playwright"
    if not config.pluginmanager.has_plugin(name):
        config.pluginmanager.register(AllowDjangoBesidePlaywright(), name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    without_browser = not config.pluginmanager.has_plugin("playwright")
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if without_browser:
            item.add_marker(pytest.mark.skip(reason="browser test: pytest-playwright is disabled"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded one (``playwright install`` is not used)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "th-TH", "timezone_id": "Asia/Bangkok"}


@pytest.fixture(scope="session", autouse=True)
def _design_system_built() -> None:
    """The live server serves static files from the app directories under their own
    names (tests/conftest.py turns the manifest storage off): they must be built."""
    from django.contrib.staticfiles import finders

    if finders.find("goodgov/goodgov.css") is None:
        pytest.fail("the design system is not built: run `make assets` (make test does)")


# --- accessibility audit ----------------------------------------------------------
# axe runs inside each page once it is parsed (an init script), and reports to Python
# through a binding. A navigation away from a page whose report has not arrived yet is
# held (a context route) until it has, so no page escapes its audit. Nothing here makes
# a blocking Playwright call inside a Playwright callback: that would deadlock.

_PAGE_AUDIT = """
(() => {
  if (window.top !== window || !/^https?:$/.test(location.protocol)) return;
  const options = %(options)s;
  const blocking = %(blocking)s;
  // GOV.UK Frontend's conditional reveal puts aria-expanded on radio and checkbox
  // inputs, which axe's aria-allowed-attr reports (a known false positive). Excused
  // for exactly that attribute on exactly those inputs, when they control a reveal.
  const excused = (violation, node) => {
    if (violation.id !== "aria-allowed-attr" || node.target.length !== 1) return false;
    const reported = [...node.any, ...node.all, ...node.none].flatMap((c) => c.data || []);
    if (!reported.length || !reported.every((d) => String(d).startsWith("aria-expanded"))) {
      return false;
    }
    const el = document.querySelector(node.target[0]);
    if (!el || el.tagName !== "INPUT") return false;
    const radio = el.type === "radio" && el.classList.contains("govuk-radios__input");
    const box = el.type === "checkbox" && el.classList.contains("govuk-checkboxes__input");
    const id = el.getAttribute("aria-controls");
    const target = id && document.getElementById(id);
    return (radio || box) && !!target && (target.classList.contains("govuk-radios__conditional")
      || target.classList.contains("govuk-checkboxes__conditional"));
  };
  let running = Promise.resolve();
  window.__goodgovAudit = () => {
    running = running.catch(() => null).then(async () => {
      if (document.contentType !== "text/html") return [];
      const results = await axe.run(document, options);
      return results.violations
        .filter((v) => blocking.includes(v.impact))
        .map((v) => ({
          id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
          targets: v.nodes.filter((n) => !excused(v, n)).map((n) => n.target.join(" ")),
        }))
        .filter((v) => v.targets.length);
    });
    return running;
  };
  // Audit once the document is parsed and its scripts have run (DOMContentLoaded: the
  // stylesheets are applied and GOV.UK Frontend has started). A test may click away
  // before "load"; Chromium then stops loading the page, and "load" may never come.
  // The timer covers a page left even before it was parsed.
  let started = false;
  const audit = async () => {
    if (started) return;
    started = true;
    let report;
    try {
      report = { url: location.href, violations: await window.__goodgovAudit() };
    } catch (error) {
      report = { url: location.href, error: String(error) };
    }
    await window.__goodgovAxeReport(report);
    window.__goodgovAxeDone = true;
  };
  document.addEventListener("DOMContentLoaded", audit);
  setTimeout(audit, 3000);
})();
"""


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def format_report(report: dict[str, Any]) -> list[str]:
    """One text per violation: page, rule, impact, help and the failing elements."""
    if report.get("error"):
        return [f"{report['url']}\n    axe failed: {report['error']}"]
    return [
        f"{report['url']}\n    {v['id']} ({v['impact']}): {v['help']}\n    {v['helpUrl']}\n"
        + "\n".join(f"      {target}" for target in v["targets"])
        for v in report["violations"]
    ]


class PageAuditor:
    """Collects the axe report of every page shown in a browser context."""

    def __init__(self, context: Any) -> None:
        self.problems: list[str] = []
        self.audited: list[str] = []
        self.holds = 0  # navigations that waited for an audit
        self._awaiting: dict[Any, bool] = {}  # page -> its document's report not yet in
        self._navigating: dict[Any, bool] = {}  # page -> a navigation request went out
        self._held: dict[Any, list[Any]] = {}  # page -> navigation requests waiting
        self._watched: set[Any] = set()
        self.context = context
        script = _PAGE_AUDIT % {
            "options": json.dumps(AXE_OPTIONS),
            "blocking": json.dumps(list(BLOCKING_IMPACTS)),
        }
        context.add_init_script(_axe_source() + "\n" + script)
        context.expose_binding("__goodgovAxeReport", self._on_report)
        context.route("**/*", self._on_request)
        context.on("page", self.watch)
        for page in context.pages:
            self.watch(page)

    def watch(self, page: Any) -> None:
        if page in self._watched:
            return
        self._watched.add(page)
        page.on("framenavigated", lambda frame: self._on_navigated(page, frame))

    def _on_request(self, route: Any, request: Any) -> None:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            page = request.frame.page
            self._navigating[page] = True
            if self._awaiting.get(page):
                self._held.setdefault(page, []).append(route)
                self.holds += 1
                return
        route.fallback()

    def _on_navigated(self, page: Any, frame: Any) -> None:
        # A new document follows a navigation request; a same-document navigation
        # (a link to #id_field from the error summary) has none.
        if frame.parent_frame is None and self._navigating.pop(page, False):
            self._awaiting[page] = frame.url.startswith(("http://", "https://"))

    def _on_report(self, source: dict[str, Any], report: dict[str, Any]) -> None:
        page = source["page"]
        self.audited.append(report["url"])
        self.problems.extend(format_report(report))
        self._awaiting[page] = False
        for route in self._held.pop(page, []):
            route.fallback()

    def finish(self) -> None:
        """Wait for the report of every page still open (called when the test ends)."""
        for page in self.context.pages:
            if page.is_closed() or not page.url.startswith(("http://", "https://")):
                continue
            page.wait_for_load_state("domcontentloaded")
            page.wait_for_function("() => window.__goodgovAxeDone === true")


@pytest.fixture
def new_context(
    new_context: Callable[..., Any], request: pytest.FixtureRequest
) -> Callable[..., Any]:
    """pytest-playwright's context factory (``context`` and ``page`` come from it), with
    every page of every context audited by axe. Call ``new_context()`` for a second
    person in the same test (an officer beside the citizen)."""

    def make(**kwargs: Any) -> Any:
        context = new_context(**kwargs)
        request.node.stash.setdefault(_AUDITORS, []).append(PageAuditor(context))
        return context

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After the test body: wait for the last audits; fail on any violation seen."""
    result = yield
    auditors = item.stash.get(_AUDITORS, [])
    for auditor in auditors:
        auditor.finish()
    problems = [problem for auditor in auditors for problem in auditor.problems]
    if problems:
        pytest.fail(
            "accessibility violations (axe, serious or critical):\n" + "\n".join(problems),
            pytrace=False,
        )
    return result


@pytest.fixture
def axe_check() -> Callable[[Any], None]:
    """``axe_check(page)``: audit the page as it is now; fail on serious violations."""

    def check(page: Any) -> None:
        page.wait_for_load_state("domcontentloaded")
        page.wait_for_function("() => window.__goodgovAxeDone === true")
        violations = page.evaluate("() => window.__goodgovAudit()")
        problems = format_report({"url": page.url, "violations": violations})
        if problems:
            pytest.fail(
                "accessibility violations (axe, serious or critical):\n" + "\n".join(problems),
                pytrace=False,
            )

    return check


# --- signing in -------------------------------------------------------------------


@pytest.fixture
def sign_in(live_server: Any) -> Callable[[Any, Any], None]:
    """``sign_in(page, user)``: give the page's browser a signed-in session for ``user``
    (password and second factor, as ``tests.conftest.login`` records them)."""
    from django.test import Client

    from tests.conftest import login

    def do(page: Any, user: Any) -> None:
        client = login(Client(), user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return do
