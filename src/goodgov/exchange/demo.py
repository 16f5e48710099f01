"""The demo's once-only wiring, for ``goodgov demo``: where one node plays every agency.

- :func:`register_citizens` puts the demo citizens in the population registry, so the
  facts a service fetches for them exist (one of them is old enough for the elderly
  allowance).
- :func:`demo_rights` grants this node the access rights that the published services'
  fetched evidence needs from this node's own data services, so the node can ask itself.

- :func:`tracker_rights` lets every other node in the directory ask this node for its
  record of the uses of a person's data (``tracker.uses``), for that person's data
  tracker there.

All are idempotent: a second run writes nothing and records no event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from goodgov.exchange import directory, once_only, remote_uses, services, synthetic
from goodgov.exchange.models import AccessRight

# Registry facts of the demo citizens, by the first twelve digits of their national ID:
# birth date, English given and family name. Ages fit the ID's type digit (1: born from
# 1984; 3: registered in 1984; 5 and 8: added to the register later).
CITIZEN_FACTS: dict[str, tuple[dt.date, str, str]] = {
    "110990012345": (dt.date(1990, 4, 12), "Tuayang", "Thotlongdi"),
    "110990023456": (dt.date(1986, 9, 3), "Sathit", "Rabopngam"),
    "310990034567": (dt.date(1956, 2, 17), "Sommut", "Chaiprachha"),  # the older applicant
    "510990045678": (dt.date(1950, 11, 28), "Chamlong", "Borikandi"),
    "810990056789": (dt.date(1995, 6, 21), "Thotsop", "Muethue"),
}
DEFAULT_BIRTH = dt.date(1958, 1, 15)
TITLES = (("นางสาว", "F"), ("นาง", "F"), ("นาย", "M"))


def _split(full_name: str) -> tuple[str, str, str]:
    """``นางสาวตัวอย่าง ทดลองดี`` -> (``ตัวอย่าง``, ``ทดลองดี``, ``F``)."""
    given, _space, family = full_name.strip().partition(" ")
    sex = "F"
    for title, title_sex in TITLES:
        if given.startswith(title) and len(given) > len(title):
            given, sex = given[len(title) :], title_sex
            break
    return given, family.strip() or given, sex


def register_citizens(citizens: Iterable[Any]) -> int:
    """Put people (objects with ``full_name`` and ``national_id``, like the demo command's
    ``CITIZENS``) into the population registry at Ban Na; returns how many were new."""
    people = []
    for citizen in citizens:
        digits = getattr(citizen, "national_id", None)
        if not digits:
            continue
        given_th, family_th, sex = _split(citizen.full_name)
        born, given_en, family_en = CITIZEN_FACTS.get(digits[:12], (DEFAULT_BIRTH, "", ""))
        people.append(
            synthetic.given_person(
                national_id_value=digits,
                given_th=given_th,
                family_th=family_th,
                given_en=given_en,
                family_en=family_en,
                birth_date=born,
                sex=sex,
            )
        )
    return synthetic.insert(people)


def _wanted() -> dict[tuple[str, str], dict[str, set[str]]]:
    """(service, method) -> the fields, purposes and legal bases the published services'
    fetched evidence asks of this node."""
    from goodgov.catalogue.models import Service

    me = directory.node_name()
    served = directory.published_services()
    wanted: dict[tuple[str, str], dict[str, set[str]]] = {}
    for service in Service.objects.filter(active=True, current__isnull=False).select_related(
        "current"
    ):
        assert service.current is not None
        for item in once_only.fetched_items(service.current.definition):
            source = once_only.parse_source(item["source"])
            if source.node != me or source.method not in served.get(source.service, ()):
                continue
            terms = wanted.setdefault(
                (source.service, source.method),
                {"fields": set(), "purposes": set(), "legal_bases": set()},
            )
            terms["fields"].update(item.get("fields", []))
            terms["purposes"].add(service.code)
            if item.get("legal_basis"):
                terms["legal_bases"].add(item["legal_basis"])
    return wanted


def demo_rights(*, actor: Any = None) -> list[AccessRight]:
    """Let this node ask its own data services for what the catalogue's fetched evidence
    names (``source: <this node>/...``). Terms already granted are left alone."""
    me = directory.node_name()
    granted = []
    for (service, method), terms in sorted(_wanted().items()):
        right = AccessRight.objects.filter(client=me, service=service, method=method).first()
        if (
            right is not None
            and right.revoked_at is None
            and terms["fields"] <= set(right.fields)
            and terms["purposes"] <= set(right.purposes)
            and terms["legal_bases"] <= set(right.legal_bases)
        ):
            continue
        keep = right if right is not None and right.revoked_at is None else None
        granted.append(
            services.right_grant(
                actor=actor,
                client=me,
                service=service,
                method=method,
                fields=sorted(terms["fields"] | set(keep.fields if keep else [])),
                purposes=sorted(terms["purposes"] | set(keep.purposes if keep else [])),
                legal_bases=sorted(terms["legal_bases"] | set(keep.legal_bases if keep else [])),
                note="goodgov demo: this node asks its own registry (once-only evidence)",
            )
        )
    return granted


def tracker_rights(*, actor: Any = None, clients: Iterable[str] | None = None) -> list[AccessRight]:
    """Grant ``clients`` (by default every other node in the directory) the right to ask
    this node for its record of the uses of a person's data: ``tracker.uses``, its fields,
    for the purpose ``data-subject-access`` on PDPA section 24(6). A right that already
    covers that, or that an operator revoked, is left alone."""
    me = directory.node_name()
    names = sorted(set(clients) if clients is not None else set(directory.nodes()) - {me})
    terms = {
        "fields": set(remote_uses.FIELDS),
        "purposes": {remote_uses.PURPOSE},
        "legal_bases": {remote_uses.LEGAL_BASIS},
    }
    granted = []
    for client in names:
        right = AccessRight.objects.filter(
            client=client, service=remote_uses.SERVICE, method=remote_uses.METHOD
        ).first()
        if right is not None and (
            right.revoked_at is not None or all(terms[k] <= set(getattr(right, k)) for k in terms)
        ):
            continue
        granted.append(
            services.right_grant(
                actor=actor,
                client=client,
                service=remote_uses.SERVICE,
                method=remote_uses.METHOD,
                fields=sorted(terms["fields"] | set(right.fields if right else [])),
                purposes=sorted(terms["purposes"] | set(right.purposes if right else [])),
                legal_bases=sorted(terms["legal_bases"] | set(right.legal_bases if right else [])),
                note="the person's data tracker at that node (PDPA section 30)",
            )
        )
    return granted
