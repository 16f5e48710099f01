"""Who may see what in the catalogue. Deny by default.

- **Everyone** (signed in or not) sees every active service that has a published
  version, its privacy notice, and every agency's list of such services: the pages and
  the API (``GET /api/v1/services``) alike.
- **Nobody** sees a withdrawn service or one with no published version through them,
  staff included: it answers "not found", as a code that does not exist does.
- **Nobody writes through a request**: services are loaded from ``services/*.yaml`` by
  ``goodgov catalogue load`` on the command line; the Django admin shows them read-only.
"""

from __future__ import annotations

from django.http import Http404

from goodgov.agencies.models import Agency
from goodgov.catalogue import selectors
from goodgov.catalogue.models import Service, ServiceVersion


def service_to_show(code: str) -> tuple[Service, ServiceVersion]:
    """The active service with ``code`` and its published version; 404 otherwise."""
    service = selectors.service_detail(code)
    if service is None or service.current is None:
        raise Http404
    return service, service.current


def agency_to_show(code: str) -> Agency:
    """The agency with ``code`` (every agency's services are public); 404 otherwise."""
    found = selectors.agency_by_code(code)
    if found is None:
        raise Http404
    return found
