"""Statements, error pages and the headers every response carries."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tests.conftest import login
from tests.web.html import Page


@pytest.mark.parametrize(
    ("url", "language", "heading"),
    [
        ("/accessibility/", "th", "Accessibility statement"),
        ("/en/accessibility/", "en", "Accessibility statement"),
        ("/privacy/", "th", "Privacy notice"),
        ("/en/privacy/", "en", "Privacy notice"),
    ],
)
def test_statements_are_public_in_both_languages(
    client: Client, db: Any, url: str, language: str, heading: str
) -> None:
    # given / when
    response = client.get(url)

    # then
    assert response.status_code == 200
    assert response["Content-Language"] == language
    page = Page(response.content.decode())
    assert page.find_all("html")[0].attrs["lang"] == language
    assert [h.tag for h in page.elements if h.tag in {"h1"}] == ["h1"]
    if language == "en":
        assert page.find_all("h1")[0].text == heading


def test_language_switch_is_a_form_that_works_without_javascript(client: Client, db: Any) -> None:
    # given
    response = client.get("/accessibility/")
    page = Page(response.content.decode())
    form = next(f for f in page.find_all("form") if f.attrs.get("action") == "/i18n/setlang/")

    # when
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accessibility/"}, follow=False
    )

    # then
    assert form.attrs["method"] == "post"
    assert [b.attrs["value"] for b in page.find_all("button", name="language")] == ["en"]
    assert switched.status_code == 302
    assert switched["Location"] == "/en/accessibility/"


@pytest.mark.parametrize(
    ("next_url", "language", "landing"),
    [
        ("/en/accessibility/", "th", "/accessibility/"),
        ("/en/?q=permit", "th", "/?q=permit"),
        ("/en/", "th", "/"),
        ("/privacy/", "en", "/en/privacy/"),
    ],
)
def test_language_switch_goes_to_the_same_page_in_either_direction(
    client: Client, db: Any, next_url: str, language: str, landing: str
) -> None:
    # when: the switch on a page, as its form posts it
    switched = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    # then: the same page in the other language, which then speaks it
    assert switched.status_code == 302
    assert switched["Location"] == landing
    assert client.get(landing)["Content-Language"] == language


@pytest.mark.parametrize("language", ["fr", "", "xx"])
def test_a_language_the_site_does_not_speak_is_refused_and_changes_nothing(
    client: Client, db: Any, language: str
) -> None:
    # when: a crafted switch (Django has a French catalogue; the site has no /fr/ pages)
    switched = client.post("/i18n/setlang/", {"language": language, "next": "/privacy/"})
    # then: our 400 page, no language cookie, Thai still spoken
    assert switched.status_code == 400
    assert "web/error_400.html" in [t.name for t in switched.templates]
    assert "django_language" not in switched.cookies
    assert client.get("/privacy/")["Content-Language"] == "th"


def test_unknown_url_answers_our_404_page(client: Client, db: Any) -> None:
    # given / when
    response = client.get("/no-such-page/")

    # then
    assert response.status_code == 404
    assert "web/error_404.html" in [t.name for t in response.templates]
    page = Page(response.content.decode())
    assert page.find_all("html")[0].attrs["lang"] == "th"
    assert len(page.find_all("h1")) == 1


@pytest.mark.parametrize(
    ("prefix", "language", "heading"),
    [("", "th", "ไม่สามารถเปิดหน้านี้โดยตรงได้"), ("/en", "en", "This page cannot be opened directly")],
)
def test_opening_a_forms_address_answers_a_page_not_a_blank(
    client: Client, citizen_a: Any, prefix: str, language: str, heading: str
) -> None:
    """A POST-only address opened by GET (a reload, a bookmark): 405 with a page in the
    reader's language saying nothing changed, and the ``Allow`` header kept."""
    # given: a form's address (POST only: keeping the session alive), opened by GET
    login(client, citizen_a)

    # when
    response = client.get(f"{prefix}/session/alive/")

    # then
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Language"] == language
    page = Page(response.content.decode())
    assert [h.text for h in page.find_all("h1")] == [heading]
    assert page.find_all("html")[0].attrs["lang"] == language
    assert client.get(f"{prefix}/cases/").status_code == 200  # still signed in


@pytest.mark.parametrize(
    ("accept", "detail"),
    [
        ("th", "ที่อยู่นี้ไม่รองรับคำขอแบบ DELETE รองรับเฉพาะ: {allowed}"),
        ("en", "This address does not take DELETE. It takes: {allowed}."),
    ],
)
def test_the_api_answers_405_in_json(
    client: Client, citizen_a: Any, accept: str, detail: str
) -> None:
    # given
    login(client, citizen_a)
    # when: a method the API has no operation for
    response = client.delete("/api/v1/cases", headers={"Accept-Language": accept})
    # then: JSON, in the client's language, with the methods it takes
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    assert response.json() == {"detail": detail.format(allowed=response["Allow"])}


@pytest.mark.parametrize("language", ["th", "en"])
def test_500_page_renders_without_a_request_or_the_database(language: str) -> None:
    # given: no `db` fixture, so any query would raise

    # when
    with translation.override(language):
        html = render_to_string("web/error_500.html")

    # then
    page = Page(html)
    assert page.find_all("html")[0].attrs["lang"] == language
    assert len(page.find_all("h1")) == 1
    assert page.find_all("script") == []


def _csp(response: HttpResponse) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = [d.strip().split() for d in policy.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize(
    "url", ["/accessibility/", "/en/privacy/", "/no-such-page/", "/accounts/login/"]
)
def test_every_response_has_a_csp_without_inline_scripts(client: Client, db: Any, url: str) -> None:
    # given / when
    response = client.get(url)

    # then
    policy = _csp(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("default-src", [])
    assert "'unsafe-inline'" not in policy["style-src"]


def test_pages_have_no_inline_scripts_or_styles(client: Client, db: Any) -> None:
    # given / when
    page = Page(client.get("/en/accessibility/").content.decode())

    # then
    scripts = page.find_all("script")
    assert [(s.attrs.get("type"), s.attrs.get("src", "")[-8:], s.text) for s in scripts] == [
        ("module", "/init.js", "")
    ]
    assert page.find_all("style") == []
    assert [e.tag for e in page.elements if "style" in e.attrs] == []


def test_every_page_links_to_the_public_results(client, db) -> None:
    # the performance figures and the governance scorecard are for anyone: the footer
    # of every page leads there
    page = client.get("/en/").content.decode()
    assert 'href="/en/performance/"' in page
    assert 'href="/en/governance/"' in page


@pytest.mark.parametrize(
    ("person", "links"),
    [
        ("citizen_a", []),
        ("clerk", ["Case queue"]),
        ("counter_officer", ["Case queue"]),
        ("approver", ["Case queue", "Issued documents"]),
        ("agency_admin", ["Case queue", "Issued documents", "Officers"]),
    ],
)
def test_the_header_offers_the_back_office_pages_each_role_can_use(
    request: Any, db: Any, person: str, links: list[str]
) -> None:
    """A link in the header leads somewhere its reader can use: the issued-documents page
    lists only what they may revoke (approvers and admins), so a clerk is not sent to an
    empty list."""
    # given
    client = login(Client(), request.getfixturevalue(person))

    # when
    page = Page(client.get("/en/").content.decode())

    # then
    back_office = {"Case queue", "Issued documents", "Officers"}
    assert [a.text for a in page.find_all("a") if a.text in back_office] == links


def test_the_start_page_and_the_form_have_titles_of_their_own(
    citizen_a: Any, service_version: Any
) -> None:
    """WCAG 2.4.2: the service page, the page before starting and the form each say
    what they are in the title, not only the service's name."""
    from goodgov.cases import services as cases

    # given
    client = login(Client(), citizen_a)
    draft = cases.case_start(actor=citizen_a, applicant=citizen_a, service=service_version.service)
    name = service_version.definition["name"]["en"]

    # when
    titles = [
        Page(client.get(url).content.decode()).find_all("title")[0].text.split(" \u2013 ")[0]
        for url in (
            f"/en/services/{service_version.service.code}/",
            f"/en/cases/start/{service_version.service.code}/",
            f"/en/cases/{draft.uuid}/edit/",
        )
    ]

    # then
    assert titles == [name, f"Before you start: {name}", f"Your application: {name}"]
