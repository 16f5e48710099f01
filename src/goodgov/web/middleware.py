"""Pages for answers Django leaves without one.

A view that takes only a form's POST (claim, withdraw, sign out…) answers any other
method with Django's ``HttpResponseNotAllowed``: a 405 with no body, which a browser
shows as a blank page. That happens to people: a reloaded page after a session ended, a
link copied from the address bar, a bookmark. :class:`MethodNotAllowedPageMiddleware`
gives them a page in their language instead, saying nothing changed and where to go.
The JSON API gets a JSON answer in the client's language, as its other refusals.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from goodgov.core.locale import API_PREFIX


class MethodNotAllowedPageMiddleware:
    """Renders ``web/error_405.html`` for an empty 405 of a page, or ``{"detail": ...}``
    for any of ``/api/``, keeping its status and ``Allow`` header. Place it after the
    authentication and locale middleware: the page has the site's header and language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or request.method == "HEAD":
            return response
        if request.path_info.startswith(API_PREFIX):  # ninja's is plain text, in English
            from goodgov.api import request_language

            with translation.override(request_language(request)):
                message = _("This address does not take %(method)s. It takes: %(allowed)s.")
                page: HttpResponse = JsonResponse(
                    {"detail": message % {"method": request.method, "allowed": response["Allow"]}},
                    status=405,
                )
        elif response.content:  # a view that wrote its own
            return response
        else:
            page = render(request, "web/error_405.html", status=405)
        page["Allow"] = response["Allow"]
        return page
