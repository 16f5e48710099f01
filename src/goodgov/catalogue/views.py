"""Public catalogue pages: one service, and one agency's services."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from goodgov.catalogue import access, selectors
from goodgov.catalogue.validation import clock_stops_for_information
from goodgov.core import access as rules
from goodgov.exchange import privacy


@rules.rule(rules.PUBLIC, "a public service's page")
def detail(request: HttpRequest, code: str) -> HttpResponse:
    service, version = access.service_to_show(code)
    definition = version.definition
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


@rules.rule(rules.PUBLIC, "a public service's privacy notice")
def privacy_notice(request: HttpRequest, code: str) -> HttpResponse:
    service, _version = access.service_to_show(code)
    notice = privacy.notice_for(service)
    if notice is None:
        raise Http404
    return render(request, "catalogue/privacy.html", {"service": service, "notice": notice})


@rules.rule(rules.PUBLIC, "an agency's public services")
def agency(request: HttpRequest, code: str) -> HttpResponse:
    found = access.agency_to_show(code)
    return render(
        request,
        "catalogue/agency.html",
        {"agency": found, "services": selectors.services_of(found)},
    )
