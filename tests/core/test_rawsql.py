"""``core.rawsql.insert`` writes exactly the row the ORM's ``save()`` writes: the same
value in every column, whether prepared by its field or sent as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, models
from django.utils import timezone

from goodgov.cases.models import Case
from goodgov.core import rawsql
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message

pytestmark = pytest.mark.django_db


def _encrypted(field: Any) -> bool:
    return type(field).__name__.startswith("Encrypted")


def _stored(instance: models.Model) -> dict[str, Any]:
    """The row as the database holds it, every column but the key; an encrypted column
    (a fresh nonce each time) as the ORM reads it back, decrypted."""
    meta = type(instance)._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    columns = [f.column for f in fields if not _encrypted(f)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(meta.db_table)}"
            f" WHERE {quote(meta.pk.column)} = %s",
            [instance.pk],
        )
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    loaded = type(instance)._default_manager.get(pk=instance.pk)
    for field in fields:
        if _encrypted(field):
            row[field.column] = ("decrypted", getattr(loaded, field.attname))
    return row


def _both(make: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    by_orm, by_sql = make(), make()
    by_orm.save(force_insert=True)
    rawsql.insert([by_sql])
    assert by_sql.pk is not None and by_sql.pk != by_orm.pk
    assert not by_sql._state.adding
    return _stored(by_orm), _stored(by_sql)


def test_a_message_row_is_the_orms(citizen_a):
    when = timezone.now() - dt.timedelta(minutes=3)

    def make() -> Message:
        return Message(
            user=citizen_a, subject="ได้รับคำขอแล้ว", body="Body\n", created_at=when, email_attempts=2
        )

    orm, sql = _both(make)
    assert orm == sql
    assert sql["email_attempts"] == 2 and sql["emailed_at"] is None


def test_an_event_row_is_the_orms(citizen_a, agency):
    when = timezone.now()

    def make() -> Event:
        return Event(
            created_at=when,
            action="case.submitted",
            agency=agency,
            actor=citizen_a,
            subject_type="cases.case",
            subject_id="12",
            public={"b": [1, 2.5, None, True], "a": "ก"},
            private={"note": "ส่วนตัว"},
        )

    orm, sql = _both(make)
    assert orm == sql
    assert sql["private"] == ("decrypted", {"note": "ส่วนตัว"})


def test_a_case_row_is_the_orms(citizen_a, service_version):
    declared = timezone.now()

    def make() -> Case:
        return Case(
            reference=None,
            service=service_version.service,
            version=service_version,
            agency=service_version.service.agency,
            applicant=citizen_a,
            filed_by=citizen_a,
            data={"shop_name": "ร้านก๋วยเตี๋ยว", "seats": 24},
            declared_at=declared,
        )

    orm, sql = _both(make)
    assert orm.pop("uuid") != sql.pop("uuid")  # each its own default
    for stamp in ("created_at", "updated_at"):  # auto_now: each its own time
        assert orm.pop(stamp) is not None and sql.pop(stamp) is not None
    assert orm == sql
    assert sql["data"] == ("decrypted", {"shop_name": "ร้านก๋วยเตี๋ยว", "seats": 24})
    assert sql["applicant_id"] == citizen_a.pk and sql["version_id"] == service_version.pk
