"""Pages reflow on a 320 CSS px wide screen (WCAG 2.2 success criterion 1.4.10): the
page never scrolls sideways; a wide data table scrolls inside its own labelled box.

320 px is also what a page looks like at 400 % zoom on a 1280 px wide screen. Every page
here is audited by axe too (tests/e2e/conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import submitted_case

NARROW = {"width": 320, "height": 640}
# How far the page scrolls sideways, and what sticks out of it (not inside a scroller).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !inScroller(el)) {
      out.push(el.tagName.toLowerCase() + "." + [...el.classList].join("."));
    }
  }
  return {sideways: document.documentElement.scrollWidth - width, out: out.slice(0, 5)};
}"""


def assert_reflows(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    found = page.evaluate(OVERFLOW)
    assert found["sideways"] <= 0, f"{url} scrolls {found['sideways']} px sideways: {found['out']}"


@pytest.fixture
def narrow_page(new_context: Any) -> Any:
    return new_context(viewport=NARROW).new_page()


def test_public_pages_reflow_at_320_px(live_server, narrow_page, service_version):
    for path in ["/", "/en/", "/en/services/test-permit/", "/en/performance/"]:
        assert_reflows(narrow_page, f"{live_server.url}{path}")


def test_a_citizens_applications_reflow_at_320_px(
    live_server, narrow_page, sign_in, citizen_a, service_version
):
    case = submitted_case(citizen_a, service_version)
    sign_in(narrow_page, citizen_a)
    for path in ["/en/cases/", f"/en/cases/{case.uuid}/", "/cases/"]:
        assert_reflows(narrow_page, f"{live_server.url}{path}")


def test_the_officers_queue_and_case_reflow_at_320_px(
    live_server, narrow_page, sign_in, citizen_a, clerk, service_version
):
    case = submitted_case(citizen_a, service_version)
    sign_in(narrow_page, clerk)
    for path in ["/en/office/", f"/en/office/cases/{case.uuid}/", "/office/"]:
        assert_reflows(narrow_page, f"{live_server.url}{path}")
