"""The Content Security Policy header, with a fixed strict policy for the JSON API.

django-csp builds the site's policy for every response (pages need it: ``'self'`` for
styles, scripts, images, fonts, forms). A JSON answer of ``/api/`` loads nothing and is
never a page, so it gets ``default-src 'none'; frame-ancestors 'none'``, stricter than the
site's, as a constant: the exchange's machine endpoints do the same. Anything else under
``/api/`` that is not JSON (the site's own 404 page for an unknown path, say) gets the
site's policy as before.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponseBase

from goodgov.core.locale import API_PREFIX

HEADER = "Content-Security-Policy"
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the API's JSON answers given :data:`JSON_POLICY`."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if request.path_info.startswith(API_PREFIX) and response.get("Content-Type", "").startswith(
            "application/json"
        ):
            response.headers.setdefault(HEADER, JSON_POLICY)
            return response
        return super().process_response(request, response)
