"""Home, the signed-in dashboard, statements, keeping a session alive and error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from goodgov.agencies.selectors import is_officer
from goodgov.catalogue import selectors as catalogue
from goodgov.core import access


@access.rule(access.PUBLIC, "the catalogue home page")
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "web/home.html",
        {
            "query": query,
            "results": catalogue.search(query) if query else None,
            "life_events": catalogue.by_life_event(),
            "agencies": catalogue.by_agency(),
        },
    )


@access.rule(access.PUBLIC, "switch language")
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, reading ``next`` in the language of its own address,
    for the site's languages only (``settings.LANGUAGES``; any other: 400).

    ``set_language`` translates ``next`` by resolving it in the active language, which
    for ``/i18n/setlang/`` (no prefix) is always Thai: ``/en/...`` resolved as Thai
    matches nothing and came back unchanged, so English pages could not switch to Thai.
    """
    wanted = request.POST.get("language")
    if request.method == "POST" and wanted not in dict(settings.LANGUAGES):
        # Django's own would take any language it has a catalogue for ("fr") and send
        # the reader to a /fr/ address that does not exist.
        return _error(request, 400)
    next_url = request.POST.get("next", request.GET.get("next", ""))
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or settings.LANGUAGE_CODE):
        return set_language(request)


@access.rule(access.SIGNED_IN, "sends people to their own cases, officers to their queue")
def dashboard(request: HttpRequest) -> HttpResponse:
    if is_officer(request.user):
        return redirect("office:queue")
    return redirect("cases:mine")


@access.rule(access.PUBLIC, "accessibility statement")
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@access.rule(access.PUBLIC, "privacy notice")
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


@access.rule(access.SIGNED_IN, "keeps the person's own session alive (the timeout warning)")
@require_POST
def session_alive(request: HttpRequest) -> HttpResponse:
    """The warning's "Stay signed in" (WCAG 2.2.1): the session is saved now, so it ends
    ``SESSION_COOKIE_AGE`` from now. A page's own requests push the expiry at most once a
    minute (``goodgov.core.sessions``); this always does."""
    request.session.modified = True
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, f"web/error_{status}.html", status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """allauth's answer when a rate limit is reached (sign-in, password reset and the
    like): our page, in the reader's language, instead of its bare English one."""
    return _error(request, 429)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the session or database may be what failed.
    return HttpResponseServerError(loader.render_to_string("web/error_500.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (an old page, a session that ended)."""
    return render(request, "web/error_csrf.html", status=403)
