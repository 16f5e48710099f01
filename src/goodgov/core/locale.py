"""The JSON API speaks the client's language (Accept-Language), Thai by default.

Pages take their language from the URL (``/`` Thai, ``/en/`` English); Django's
LocaleMiddleware gives every unprefixed path the default language, which suits pages
but not an API whose paths carry no language. ``PageLocaleMiddleware`` is Django's
LocaleMiddleware for every path but the API's, which ``ApiLanguageMiddleware`` serves
alone (the language, ``Content-Language`` and ``Vary: Accept-Language``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


class PageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, which leaves ``/api/`` to :class:`ApiLanguageMiddleware`."""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path_info.startswith(API_PREFIX):
            super().process_request(request)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if request.path_info.startswith(API_PREFIX):
            return response
        return super().process_response(request, response)


class ApiLanguageMiddleware:
    """Place it after ``PageLocaleMiddleware`` (or Django's ``LocaleMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
