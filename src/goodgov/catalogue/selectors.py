"""Reading the catalogue: what is on offer, search, and how long services take.

The catalogue is small (hundreds of services at most), so search filters the active
services in Python: no search engine to run, and Thai (written without spaces between
words) matches by substring like any other language.
"""

from __future__ import annotations

import statistics
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from goodgov.agencies.models import Agency
from goodgov.cases.models import Case, State
from goodgov.catalogue import life_events
from goodgov.catalogue.models import Service

LANGUAGES = ("th", "en")
DECIDED_STATES = (State.APPROVED, State.REJECTED)
SECONDS_PER_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class LifeEventGroup:
    code: str
    label: str
    services: list[Service]


@dataclass(frozen=True)
class AgencyGroup:
    agency: Agency
    services: list[Service]


def active_services() -> list[Service]:
    """Every active service that has a published version, by code."""
    return list(
        Service.objects.filter(active=True, current__isnull=False)
        .select_related("agency", "current")
        .order_by("code")
    )


def service_detail(code: str) -> Service | None:
    """The active service with ``code`` (with its current version), or None."""
    return (
        Service.objects.filter(code=code, active=True, current__isnull=False)
        .select_related("agency", "current")
        .first()
    )


def service_exists(code: str) -> bool:
    """Whether any service, taking applications or not, has this code."""
    return Service.objects.filter(code=code).exists()


def services_of(agency: Agency) -> list[Service]:
    """The agency's active services, by name in the current language."""
    services = [s for s in active_services() if s.agency_id == agency.pk]
    return sorted(services, key=lambda s: s.name.casefold())


def agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(value.get(lang) or "") for lang in LANGUAGES]
    return [str(value)] if value else []


def _event_labels() -> dict[str, str]:
    """Each life event's code and its names in every language, folded for search."""
    labels: dict[str, str] = {}
    for code in life_events.LIFE_EVENTS:
        names = [code]
        for lang in LANGUAGES:
            with translation.override(lang):
                names.append(life_events.label(code))
        labels[code] = _fold(" ".join(names))
    return labels


def search(query: str) -> list[Service]:
    """Active services whose name, summary, keywords (the words people use for it: "ร้านอาหาร"
    for a food-shop licence), life events or agency (its name in Thai or English, or its
    code) contain every word of ``query``, ignoring case.

    Services matching by their own name come first, then those matching by their own
    other words, then those found only through their agency: asking for "เทศบาลตำบลบ้านนา"
    lists what that agency offers. One query: the agency comes with each service.
    """
    words = _fold(query or "").split()
    if not words:
        return []
    events = _event_labels()
    found: list[tuple[int, int, str, Service]] = []
    for service in active_services():
        definition = service.definition
        names = _fold(" ".join(_texts(definition.get("name"))))
        other = _fold(
            " ".join(
                [
                    *_texts(definition.get("summary")),
                    *_texts(definition.get("keywords")),
                    *(events.get(code, code) for code in definition.get("life_events", [])),
                ]
            )
        )
        agency = service.agency
        agency_names = _fold(f"{agency.name_th} {agency.name_en}")
        agency_code = _fold(agency.code)
        own = [word in names or word in other for word in words]
        by_agency = [word in agency_names or word == agency_code for word in words]
        if all(o or a for o, a in zip(own, by_agency, strict=True)):
            in_name = sum(word in names for word in words)
            found.append((-in_name, -sum(own), service.name.casefold(), service))
    found.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in found]


def by_life_event() -> list[LifeEventGroup]:
    """The life events that have services, in the fixed order, each with its services."""
    services = active_services()
    groups = []
    for code in life_events.LIFE_EVENTS:
        members = [s for s in services if code in s.definition.get("life_events", [])]
        if members:
            members.sort(key=lambda s: s.name.casefold())
            groups.append(LifeEventGroup(code, life_events.label(code), members))
    return groups


def by_agency() -> list[AgencyGroup]:
    """Agencies that offer services, by name, each with its services."""
    by_id: dict[int, AgencyGroup] = {}
    for service in active_services():
        group = by_id.setdefault(service.agency_id, AgencyGroup(service.agency, []))
        group.services.append(service)
    groups = sorted(by_id.values(), key=lambda g: g.agency.name.casefold())
    for group in groups:
        group.services.sort(key=lambda s: s.name.casefold())
    return groups


def processing_time_in_practice(service: Service) -> dict[str, Any] | None:
    """How long decided applications took, from submission to decision, as recorded.

    ``{"median_days": float (one decimal), "count": int}`` over every approved or
    rejected case of the service (all versions), or None before the first decision.
    """
    rows = Case.objects.filter(
        service=service,
        state__in=DECIDED_STATES,
        submitted_at__isnull=False,
        decided_at__isnull=False,
    ).values_list("submitted_at", "decided_at")
    days = [
        max((decided - submitted).total_seconds(), 0) / SECONDS_PER_DAY
        for submitted, decided in rows
        if submitted is not None and decided is not None
    ]
    if not days:
        return None
    return {"median_days": round(statistics.median(days), 1), "count": len(days)}
