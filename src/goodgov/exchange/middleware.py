"""The machine endpoints under ``/exchange/`` skip the middleware made for people's pages.

A node's data services answer other nodes: signed JSON, no cookies, no session, no
language, no form to protect with CSRF, no sign-in. Sessions, locale, CSRF, authentication,
messages, allauth and the officers' second factor only cost time there (at hundreds of
exchanges a second, a noticeable share). Placed right after Django's
``SecurityMiddleware`` (which still adds its headers: nosniff, referrer policy, COOP,
HSTS, and redirects to HTTPS), this middleware calls the exchange's own views directly and
adds the remaining security headers itself: ``X-Frame-Options`` and a Content Security
Policy that allows nothing (the answers are JSON, never a page), and, as
``CommonMiddleware`` would, the ``Content-Length``.

Only the views in :data:`MACHINE_VIEWS` are called this way; any other path, including
an unknown one under ``/exchange/``, goes through the whole chain as before. Each view
still carries and enforces its access rule (``core.access.rule``); the request's user is
the anonymous user, so no rule can be passed by accident. The host is checked against
``ALLOWED_HOSTS`` as ``CommonMiddleware`` would.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

PREFIX = "/exchange/"
CSP = "default-src 'none'; frame-ancestors 'none'"


def machine_views() -> set[Callable[..., HttpResponse]]:
    from goodgov.exchange import views

    return {views.node, views.serve}


class MachineEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = machine_views()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.func not in self.views:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) for a host not in ALLOWED_HOSTS
        request.resolver_match = match
        request.user = AnonymousUser()
        response = match.func(request, *match.args, **match.kwargs)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Cache-Control", "no-store")
        if not response.streaming and not response.has_header("Content-Length"):
            # as CommonMiddleware does for every other response: the server then sends the
            # body as it is, not in chunks
            response.headers["Content-Length"] = str(len(response.content))
        return response
