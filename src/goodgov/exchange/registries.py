"""The data services a node can publish, backed by its registries.

Each method takes the request's query (a national ID) and returns the person's lookup
hash and every field it knows; the provider then keeps only the fields the client's
access right allows (:func:`goodgov.exchange.services.exchange_serve`). Besides its
registries, every node serves ``tracker.uses``: its record of the uses of the person's
data, for the person's data tracker at another node.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, Protocol

from django.conf import settings
from django.db import connection
from django.utils import timezone

from goodgov.core import national_id
from goodgov.exchange.models import RegistryPerson, WelfareRecord


class NotInRegistry(LookupError):
    """The registry holds no such person."""


class BadQuery(ValueError):
    """The query does not name a person by a valid national ID."""


class Method(Protocol):
    """A data service method: the query (and its :func:`person_hash`, when the caller has
    it already) to the person's lookup hash and every field the registry knows."""

    def __call__(
        self, query: dict[str, Any], *, key: str | None = None
    ) -> tuple[str, dict[str, Any]]: ...


def person_hashes(query: dict[str, Any], key: str) -> list[str]:
    """``key`` (the query's :func:`person_hash`), then its hashes under the fallback secret
    keys while a key rotation is under way: rows hashed under an old key still match."""
    if not settings.SECRET_KEY_FALLBACKS:
        return [key]
    return national_id.lookup_hashes(query["national_id"])


def person_hash(query: dict[str, Any]) -> str:
    value = query.get("national_id") if isinstance(query, dict) else None
    if not isinstance(value, str):
        raise BadQuery("the query needs a national_id")
    try:
        return national_id.lookup_hash(national_id.clean(value))
    except national_id.InvalidNationalID as error:
        raise BadQuery("the national_id is not a valid Thai national ID") from error


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _person_fields(person: RegistryPerson | _Person, today: dt.date) -> dict[str, Any]:
    return {
        "given_name_th": person.given_name_th,
        "family_name_th": person.family_name_th,
        "given_name_en": person.given_name_en,
        "family_name_en": person.family_name_en,
        "birth_date": person.birth_date.isoformat(),
        "age": age_on(person.birth_date, today),
        "sex": person.sex,
        "address": {
            "line": person.address_line,
            "subdistrict": person.subdistrict,
            "district": person.district,
            "province": person.province,
            "postcode": person.postcode,
        },
        "household_id": person.household_id,
        "household_role": person.household_role,
        "dead": person.dead,
        "death_date": person.death_date.isoformat() if person.death_date else None,
    }


class _Person(NamedTuple):
    """The columns of a :class:`RegistryPerson` that a record is built from."""

    given_name_th: str
    family_name_th: str
    given_name_en: str
    family_name_en: str
    birth_date: dt.date
    sex: str
    address_line: str
    subdistrict: str
    district: str
    province: str
    postcode: str
    household_id: str
    household_role: str
    dead: bool
    death_date: dt.date | None


def _date(value: Any) -> Any:
    """A date column as the ORM reads it (SQLite may hand over its text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


_SELECT: dict[tuple[str, int], str] = {}


def _person(hashes: list[str]) -> _Person:
    # One plain statement, read into a tuple: every exchange reads a person, and the ORM
    # (building the query, then a model instance and its converters) cost several times
    # what the database took. ``hashes``: :func:`person_hashes`.
    sql = _SELECT.get((connection.vendor, len(hashes)))
    if sql is None:
        quote = connection.ops.quote_name
        column = {f.name: quote(f.column) for f in RegistryPerson._meta.concrete_fields}
        match = "= %s" if len(hashes) == 1 else f"IN ({', '.join(['%s'] * len(hashes))})"
        sql = _SELECT[connection.vendor, len(hashes)] = (
            f"SELECT {', '.join(column[name] for name in _Person._fields)}"  # noqa: S608 (the model's names)
            f" FROM {quote(RegistryPerson._meta.db_table)}"
            f" WHERE {column['national_id_hash']} {match}"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, hashes)
        row = cursor.fetchone()
    if row is None:
        raise NotInRegistry
    found = _Person(*row)
    return found._replace(
        birth_date=_date(found.birth_date),
        dead=bool(found.dead),
        death_date=_date(found.death_date),
    )


def population_person(
    query: dict[str, Any], *, key: str | None = None
) -> tuple[str, dict[str, Any]]:
    """``key``: the query's :func:`person_hash`, when the caller has it already."""
    key = key or person_hash(query)
    return key, _person_fields(_person(person_hashes(query, key)), timezone.localdate())


def population_household(
    query: dict[str, Any], *, key: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The person's house code and every member registered at that house."""
    key = key or person_hash(query)
    person = _person(person_hashes(query, key))
    today = timezone.localdate()
    members = RegistryPerson.objects.filter(household_id=person.household_id).order_by("id")
    keep = (
        "given_name_th",
        "family_name_th",
        "given_name_en",
        "family_name_en",
        "birth_date",
        "sex",
        "household_role",
        "dead",
    )
    return key, {
        "household_id": person.household_id,
        "address": _person_fields(person, today)["address"],
        "members": [{k: _person_fields(m, today)[k] for k in keep} for m in members],
    }


def welfare_status(query: dict[str, Any], *, key: str | None = None) -> tuple[str, dict[str, Any]]:
    """The welfare programmes paying the person (an empty list when none)."""
    key = key or person_hash(query)
    records = WelfareRecord.objects.filter(national_id_hash__in=person_hashes(query, key)).order_by(
        "since"
    )
    return key, {
        "programmes": [
            {
                "programme": r.programme,
                "monthly_amount": r.monthly_amount,
                "since": r.since.isoformat(),
                "active": r.active,
            }
            for r in records
        ]
    }


def tracker_uses(query: dict[str, Any], *, key: str | None = None) -> tuple[str, dict[str, Any]]:
    """This node's record of the uses of the person's data (``exchanges``: what it served
    and asked about them; ``views``: officers who opened their record), for the person's
    data tracker at another node. Empty lists, never "not found", for someone it never
    handled. See :func:`goodgov.exchange.selectors.uses_record`."""
    from goodgov.exchange.selectors import uses_record

    key = key or person_hash(query)
    return key, uses_record(key, also=person_hashes(query, key)[1:])


#: The registries a node may publish, as ``GOODGOV_EXCHANGE_SERVICES`` names them.
REGISTRIES: dict[str, dict[str, Method]] = {
    "population": {"person": population_person, "household": population_household},
    "welfare": {"status": welfare_status},
}
#: Every data service a node can serve: its registries, and what every node serves
#: (:data:`goodgov.exchange.directory.EVERY_NODE`).
SERVICES: dict[str, dict[str, Method]] = {**REGISTRIES, "tracker": {"uses": tracker_uses}}
