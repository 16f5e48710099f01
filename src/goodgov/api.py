"""The JSON API (django-ninja). Every operation states its auth; see tests/test_routes.py."""

from ninja import NinjaAPI

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
