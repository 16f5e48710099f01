"""Public catalogue pages: one service, and one agency's services."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from goodgov.catalogue import selectors
from goodgov.catalogue.validation import clock_stops_for_information
from goodgov.core import access
from goodgov.exchange import privacy


@access.rule(access.PUBLIC, "a public service's page")
def detail(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.service_detail(code)
    if service is None:
        raise Http404
    version = service.current
    definition = version.definition if version is not None else {}
    evidence = definition.get("evidence", [])
    return render(
        request,
        "catalogue/detail.html",
        {
            "service": service,
            "version": version,
            "definition": definition,
            "uploads": [item for item in evidence if item.get("kind") == "upload"],
            "fetched": [item for item in evidence if item.get("kind") in ("exchange", "fetched")],
            "practice": selectors.processing_time_in_practice(service),
            "clock_stops": clock_stops_for_information(definition),
            "notice": privacy.notice_for(service),
        },
    )


@access.rule(access.PUBLIC, "a public service's privacy notice")
def privacy_notice(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.service_detail(code)
    notice = privacy.notice_for(service) if service is not None else None
    if notice is None:
        raise Http404
    return render(request, "catalogue/privacy.html", {"service": service, "notice": notice})


@access.rule(access.PUBLIC, "an agency's public services")
def agency(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.agency_by_code(code)
    if found is None:
        raise Http404
    return render(
        request,
        "catalogue/agency.html",
        {"agency": found, "services": selectors.services_of(found)},
    )
