"""The public service catalogue over JSON: the list, and one service in full.

Public (``auth=None`` on each operation): a catalogue anyone may read and reuse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.errors import HttpError

from goodgov.catalogue import access, selectors
from goodgov.catalogue.models import Service
from goodgov.core.apiparts import DetailOut

router = Router(tags=["catalogue"])


class Text(Schema):
    th: str
    en: str


class ServiceOut(Schema):
    code: str
    agency: str
    name: Text
    summary: Text
    life_events: list[str]
    version: int
    digest: str
    published_at: dt.datetime

    @staticmethod
    def fields_of(service: Service) -> dict[str, Any]:
        version = service.current
        assert version is not None  # selectors return only published services
        definition = version.definition
        return {
            "code": service.code,
            "agency": service.agency.code,
            "name": definition["name"],
            "summary": definition["summary"],
            "life_events": definition.get("life_events", []),
            "version": version.number,
            "digest": version.digest,
            "published_at": version.loaded_at,
        }


class InPracticeOut(Schema):
    median_days: float
    count: int


class ServiceDetailOut(ServiceOut):
    in_practice: InPracticeOut | None
    definition: dict[str, Any]


@router.get("", response=list[ServiceOut], auth=None, summary="All published services")
def service_list(request: HttpRequest) -> list[ServiceOut]:
    return [ServiceOut(**ServiceOut.fields_of(s)) for s in selectors.active_services()]


@router.get(
    "/{anytext:code}",
    response={200: ServiceDetailOut, 404: DetailOut},
    auth=None,
    summary="One service: its current definition and how long it takes in practice",
)
def service_detail(request: HttpRequest, code: str) -> ServiceDetailOut:
    try:
        if "\x00" in code:  # names no service, and PostgreSQL cannot take it as text
            raise Http404
        service, version = access.service_to_show(code)
    except Http404 as exc:
        # lazy: goodgov.api.http_error answers it in the client's language
        raise HttpError(404, _("No published service has this code.")) from exc  # type: ignore[arg-type]
    practice = selectors.processing_time_in_practice(service)
    return ServiceDetailOut(
        **ServiceOut.fields_of(service),
        in_practice=InPracticeOut(**practice) if practice else None,
        definition=version.definition,
    )
