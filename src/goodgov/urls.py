"""Every route. Each view states its access rule (``goodgov.core.access``);
third-party groups declare theirs here. ``tests/test_routes.py`` enforces it."""

from allauth import urls as allauth_urls
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from goodgov.accounts import views as accounts_views
from goodgov.accounts.middleware import secure_admin_login
from goodgov.api import api
from goodgov.core import access
from goodgov.web import views as web_views

# Staff sign in through allauth (throttled, second factor), never the admin's own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin_patterns = access.declare(
    "staff: Django admin's own staff and permission checks; its sign-in page sends you "
    "to the platform's",
    admin.site.get_urls(),
)
allauth_patterns = access.declare(
    "public: allauth sign-in, sign-up and second factor; each view checks its own session",
    allauth_urls.urlpatterns,
)

PUBLIC_API_PAGES = {"openapi-json", "api-root"}

urlpatterns = [
    path("ledger/", include("goodgov.ledger.urls")),
    path("exchange/", include("goodgov.exchange.urls")),
    path("i18n/setlang/", web_views.switch_language, name="set_language"),
    path(
        "api/v1/",
        (
            access.declare(
                "public: the API root and its OpenAPI description; each operation states its own auth",
                [p for p in api.urls[0] if getattr(p, "name", "") in PUBLIC_API_PAGES],
            )
            + [p for p in api.urls[0] if getattr(p, "name", "") not in PUBLIC_API_PAGES],
            api.urls[1],
            api.urls[2],
        ),
    ),
]

urlpatterns += i18n_patterns(
    path("", include("goodgov.web.urls")),
    path("services/", include("goodgov.catalogue.urls")),
    path("cases/", include("goodgov.cases.urls")),
    path("office/", include("goodgov.cases.office_urls")),
    path("agency/", include("goodgov.agencies.urls")),
    path("documents/", include("goodgov.documents.urls")),
    path("verify/", include("goodgov.documents.verify_urls")),
    path("messages/", include("goodgov.notifications.urls")),
    path("ledger/", include("goodgov.ledger.page_urls")),
    path("me/data/", include("goodgov.exchange.tracker_urls")),
    path("dpo/", include("goodgov.exchange.dpo_urls")),
    path("me/", include("goodgov.accounts.urls")),
    path("performance/", include("goodgov.performance.urls")),
    path("governance/", include("goodgov.governance.urls")),
    # allauth's email page, refusing to make another account's address the main one
    path("accounts/email/", accounts_views.email, name="account_email"),
    path("accounts/", include(allauth_patterns)),
    path("admin/", (admin_patterns, "admin", admin.site.name)),
    prefix_default_language=False,
)

handler400 = "goodgov.web.views.bad_request"
handler403 = "goodgov.web.views.forbidden"
handler429 = "goodgov.web.views.too_many_requests"  # allauth's rate limits (not Django's)
handler404 = "goodgov.web.views.not_found"
handler500 = "goodgov.web.views.server_error"
