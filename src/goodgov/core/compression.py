"""Text answers compressed for slow lines; files left as they are."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

#: Content types worth compressing: pages, JSON, CSV, SVG and the like. PDFs, JPEGs, PNGs
#: and archives are compressed already; gzipping a 10 MB scan again costs CPU for nothing.
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    """Django's ``GZipMiddleware`` (with its BREACH mitigation) for text answers only."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
