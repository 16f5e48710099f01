"""The public pages load in a real browser, styled, in both languages, and pass axe.

The axe audit runs on every page automatically (tests/e2e/conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

STYLE_OF_HEADING = """() => {
  const sheets = [...document.styleSheets].filter((sheet) => sheet.href);
  return {
    family: getComputedStyle(document.querySelector("h1")).fontFamily,
    rules: sheets.reduce((count, sheet) => count + sheet.cssRules.length, 0),
  };
}"""
SARABUN_LOADED = """async () => {
  await document.fonts.ready;
  await Promise.all([document.fonts.load('16px "Sarabun"', "ก"),
                     document.fonts.load('bold 16px "Sarabun"', "A")]);
  return [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "Sarabun"
                                             && f.status === "loaded").length;
}"""


@pytest.mark.parametrize(
    ("path", "language"),
    [("/", "th"), ("/en/", "en"), ("/accessibility/", "th"), ("/en/accessibility/", "en")],
)
def test_public_page_loads_styled_in_its_language(
    live_server: Any, page: Any, path: str, language: str
) -> None:
    # given
    url = live_server.url + path

    # when
    response = page.goto(url)

    # then
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    style = page.evaluate(STYLE_OF_HEADING)
    assert style["rules"] > 100, f"the design system's CSS did not load: {style}"
    assert style["family"].split(",")[0].strip("\"' ") == "Sarabun", style["family"]
    assert page.evaluate(SARABUN_LOADED) >= 2, "the Sarabun font files did not load"


def test_language_switch_leads_from_thai_to_english(live_server: Any, page: Any) -> None:
    # given
    page.goto(live_server.url + "/")

    # when
    page.get_by_role("button", name="English").click()

    # then
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == live_server.url + "/en/"
