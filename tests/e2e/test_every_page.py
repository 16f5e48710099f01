"""Every page of the platform, in Thai and in English, passes axe in a real browser.

The journeys in this directory audit the pages they pass through; this walks the rest.
It takes every route of the URL configuration (as ``tests/test_routes.py`` does, its
parameters filled with real objects' values from ``tests/route_fixtures.py``), finds
who may see it (a stranger, the citizen, an officer, the approver or the agency admin:
the first to get a page of HTML), and opens it in Chromium as that person; the axe
audit of tests/e2e/conftest.py runs on each. Left out: the Django admin (Django's own
pages, for staff), the JSON API and the ledger's machine endpoints (no HTML), and
pages that answer only a form sent to them (their errors are audited by the journeys).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client

from tests import route_fixtures
from tests.conftest import login, make_officer
from tests.test_routes import _fill, ninja_path_view, routes

#: Who may be shown a page: the walk's people, and two roles it has no person for.
PEOPLE = ("stranger", "citizen", "clerk", "approver", "admin", "counter", "executive")
#: Pages the walk must have reached, or it proves little (one per kind of person).
EXPECTED = {
    "web:home": "stranger",
    "cases:mine": "citizen",
    "office:queue": "clerk",
    "agencies:officers": "admin",
    "office:counter": "counter",
    "governance:dashboard": "executive",
    "catalogue:detail": "stranger",
}


def _people(objects: route_fixtures.RouteObjects) -> dict[str, Any]:
    """Everyone but the stranger: the walk's people, a counter officer and an executive."""
    return {who: getattr(objects, who) for who in PEOPLE[1:5]} | {
        "counter": make_officer("counter@tbnk.example.test", objects.agency, "counter"),
        "executive": make_officer("executive@tbnk.example.test", objects.agency, "executive"),
    }


def _pages(
    objects: route_fixtures.RouteObjects, people: dict[str, Any]
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(URL, route name, who sees it) for every page of HTML someone gets, in every
    language; and the routes no one could be shown."""
    values = route_fixtures.parameter_values(objects)
    by_route = route_fixtures.route_values(objects)
    clients = {"stranger": Client()} | {
        who: login(Client(), person) for who, person in people.items()
    }
    pages: list[tuple[str, str, str]] = []
    unseen: list[str] = []
    for language, _name in settings.LANGUAGES:
        for route in routes(language):
            if route.name.startswith("admin:") or ninja_path_view(route.callback) is not None:
                continue
            url, missing = _fill(route, values, by_route)
            if missing or any(url == seen for seen, _n, _w in pages):
                continue
            for who, client in clients.items():
                response = client.get(url)
                if response.status_code == 200 and response.get("Content-Type", "").startswith(
                    "text/html"
                ):
                    pages.append((url, route.name, who))
                    break
            else:
                unseen.append(f"{url} ({route.name})")
    return pages, unseen


def test_every_page_passes_axe_in_both_languages(
    live_server: Any, new_context: Any, sign_in: Any
) -> None:
    # given: the walk's objects, and each person in a browser of their own
    objects = route_fixtures.build()
    people = _people(objects)
    pages, unseen = _pages(objects, people)
    browsers: dict[str, Any] = {}
    for who in PEOPLE:
        browsers[who] = new_context().new_page()
        if who != "stranger":
            sign_in(browsers[who], people[who])

    # when: each page is opened as the person who may see it (audited on load)
    opened = []
    for url, name, who in pages:
        response = browsers[who].goto(live_server.url + url)
        assert response is not None and response.status == 200, f"{url} ({name}) as {who}"
        opened.append((name, who))

    # then: the audits pass (checked as the test ends); the walk reached every kind of page
    for name, who in EXPECTED.items():
        assert (name, who) in opened, f"the walk did not open {name} as {who}"
    assert len(opened) > 120, f"only {len(opened)} pages opened; not shown to anyone: {unseen}"
