"""A request larger than any the platform accepts is refused before its body is read.

Django streams a multipart upload to a temporary file before any form sees it, so
without this check anyone could send gigabytes to a public form (``/verify/``, say) and
fill the disk or hold a worker. The limit is the most one request could lawfully carry:
one case's evidence together (``GOODGOV_CASE_UPLOAD_MAX_BYTES``, at least one file's
``GOODGOV_UPLOAD_MAX_BYTES``) and a mebibyte for the form around it, unless
``GOODGOV_REQUEST_MAX_BYTES`` says otherwise. A reverse proxy in front should refuse
the same sizes (docs/operations.md). Django reads no body without a ``Content-Length``
(a chunked request arrives empty), so the header is what counts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from goodgov.core.locale import API_PREFIX

FORM_ALLOWANCE = 1024 * 1024


def request_max_bytes() -> int:
    configured = getattr(settings, "GOODGOV_REQUEST_MAX_BYTES", None)
    if configured:
        return int(configured)
    files = max(settings.GOODGOV_CASE_UPLOAD_MAX_BYTES, settings.GOODGOV_UPLOAD_MAX_BYTES)
    return files + FORM_ALLOWANCE


class RequestSizeMiddleware:
    """Answers 413 to a request whose ``Content-Length`` is over :func:`request_max_bytes`.

    Place it after the locale middleware (the answer is in the page's language) and
    before anything that reads the body (CSRF reads the form)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH")
        if length and length.isdigit() and int(length) > request_max_bytes():
            return self._too_large(request)
        return self.get_response(request)

    def _too_large(self, request: HttpRequest) -> HttpResponse:
        limit = request_max_bytes()
        if request.path_info.startswith(API_PREFIX):
            message = _("The request is too large: at most %(size)s.") % {
                "size": filesizeformat(limit)
            }
            response: HttpResponse = JsonResponse({"detail": message}, status=413)
        else:
            from goodgov.documents.validation import size_text  # as the forms say it

            response = render(
                request,
                "web/error_413.html",
                {
                    "file_size": size_text(settings.GOODGOV_UPLOAD_MAX_BYTES),
                    "case_size": size_text(settings.GOODGOV_CASE_UPLOAD_MAX_BYTES),
                },
                status=413,
            )
        # the body was not read: the connection cannot carry another request
        response["Connection"] = "close"
        return response
