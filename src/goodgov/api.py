"""The JSON API (django-ninja). Every operation states its auth; see tests/test_routes.py.

Errors answer in the client's language (Accept-Language, then the language cookie; Thai
by default), with the status ninja gives them and the body ``{"detail": message}``
(``{"message", "errors"}`` for a request that does not fit the schema). The language is
worked out only when an error is answered, so successful requests pay nothing for it.
"""

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

api = NinjaAPI(
    title="goodgov API",
    version="1",
    urls_namespace="api",
    # No interactive docs page: it loads scripts from a CDN, which our CSP forbids and
    # an offline installation cannot reach. The OpenAPI JSON is served.
    docs_url=None,
    description="Public service catalogue and a signed-in person's own cases.",
)

from goodgov.cases.api import router as cases_router  # noqa: E402
from goodgov.catalogue.api import router as catalogue_router  # noqa: E402

api.add_router("/services", catalogue_router)
api.add_router("/cases", cases_router)

#: What ninja's cookie auth (``django_auth``) raises, as ``HttpError(403, ...)``, when the
#: CSRF check fails (ninja/security/apikey.py); no class of its own tells it apart.
NINJA_CSRF_FAILED = "CSRF check Failed"
#: What ninja raises, as ``HttpError(400, ...)``, for a body it cannot parse
#: (ninja/params/models.py; with " (the parser's error)" after it under DEBUG).
NINJA_BODY_UNPARSED = "Cannot parse request body"


#: What a field of the wrong kind must be, by the type of pydantic's error (strict or not).
WRONG_KIND = {
    "bool_type": gettext_lazy("This field must be true or false"),
    "bool_parsing": gettext_lazy("This field must be true or false"),
    "string_type": gettext_lazy("This field must be text"),
    "dict_type": gettext_lazy("This field must be a JSON object of named values"),
}


def request_language(request: HttpRequest) -> str:
    """The language to answer in: ``ApiLanguageMiddleware``'s choice when it ran, else
    the one the request asks for (Accept-Language or the language cookie, never the path)."""
    chosen = getattr(request, "LANGUAGE_CODE", None)
    return chosen or translation.get_language_from_request(request, check_path=False)


def _detail(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Not there, or not the client's to see: the same answer for both."""
    with translation.override(request_language(request)):
        return _detail(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    with translation.override(request_language(request)):
        return _detail(request, exc.status_code, _("Sign in to use this."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's CSRF refusal, translated; any other ``HttpError`` keeps its message (pass
    a ``gettext_lazy`` one to have it translated here)."""
    with translation.override(request_language(request)):
        if exc.status_code == 403 and exc.message == NINJA_CSRF_FAILED:
            message = _(
                "The request did not carry a valid CSRF token (the X-CSRFToken header). "
                "Reload the page and try again."
            )
        elif exc.status_code == 400 and str(exc.message).startswith(NINJA_BODY_UNPARSED):
            return _not_valid(
                request, [{"field": "body", "message": _("The request body is not valid JSON")}]
            )
        else:
            message = str(exc.message)
        return _detail(request, exc.status_code, message)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(RawPostDataException)
def body_not_json(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A form (multipart) sent where JSON goes: the CSRF check parses it as a form,
    after which the body cannot be read again, or fails to parse it. Bad input, not a
    fault of ours: 400, the body named, as for any body that is not JSON."""
    with translation.override(request_language(request)):
        return _not_valid(
            request, [{"field": "body", "message": _("The request body is not valid JSON")}]
        )


def _not_valid(request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    """400 with one message a field (call under the client's language)."""
    return api.create_response(
        request,
        {"message": _("The request is not valid. Correct the fields listed."), "errors": errors},
        status=400,
    )


def _body_not_an_object(request: HttpRequest) -> bool:
    """Whether a JSON request's body is empty, or JSON but not an object (``[]``, ``"x"``):
    ninja reads either as an object with every field missing. Asked only on the error
    path, so valid requests pay nothing for it."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    try:
        if not request.body:
            return True
        if not (request.content_type or "").endswith("json"):
            return False
        return not isinstance(json.loads(request.body), dict)
    except (ValueError, RawPostDataException):
        return False  # not JSON at all (or read already): ninja says so itself


@api.exception_handler(ValidationError)
def request_not_valid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A request that does not fit the operation's schema: 400, one translated message a
    field, in the language the client asks for (Accept-Language; Thai by default)."""
    with translation.override(request_language(request)):
        if _body_not_an_object(request):  # not the fields' fault: say what the body is
            message = _("The request body must be a JSON object")
            return _not_valid(request, [{"field": "body", "message": message}])
        errors: list[dict[str, Any]] = []
        for error in exc.errors:
            location = [
                str(part) for part in error.get("loc", ()) if part not in ("body", "payload")
            ]
            kind = str(error.get("type", ""))
            if kind == "missing":
                message = _("This field is required")
            elif kind.startswith("json"):
                message = _("The request body is not valid JSON")
            elif kind in WRONG_KIND:
                message = str(WRONG_KIND[kind])
            else:
                message = _("This value is not valid here")
            errors.append({"field": ".".join(location) or "body", "message": message})
        return _not_valid(request, errors)
