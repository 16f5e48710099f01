"""The JSON API (django-ninja). Every operation states its auth; see tests/test_routes.py."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

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


@api.exception_handler(ValidationError)
def request_not_valid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A request that does not fit the operation's schema: 400, one translated message a
    field, in the language the client asks for (Accept-Language; Thai by default)."""
    errors: list[dict[str, Any]] = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        kind = str(error.get("type", ""))
        if kind == "missing":
            message = _("This field is required")
        elif kind.startswith("json"):
            message = _("The request body is not valid JSON")
        else:
            message = _("This value is not valid here")
        errors.append({"field": ".".join(location) or "body", "message": message})
    return api.create_response(
        request,
        {"message": _("The request is not valid. Correct the fields listed."), "errors": errors},
        status=400,
    )
