"""Plain SQL for the few writes on the hot paths (a submission, an exchange, every event).

Building an ``INSERT`` through the ORM took longer than the database took to run it, so
these statements are built once per process, database vendor, model and row count, and
their values prepared by each field exactly as the ORM would send them (defaults,
``auto_now``, JSON, encrypted fields). Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models, transaction

#: Columns whose value, a str (or None), goes to the database as it is.
_TEXT = (models.CharField, models.TextField)
#: Columns whose value, an int (or None), goes to the database as it is.
_INTEGERS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)
#: Statements kept per (vendor, model, rows); more rows than this are built each time.
_KEPT_ROWS = 8
_INSERTS: dict[tuple[str, type[models.Model], int], tuple[str, list[Any], bool]] = {}


def _plain(field: Any) -> tuple[type, ...] | None:
    """The exact Python types of values ``field`` sends to the database as they are (its
    ``get_db_prep_save`` would give them back unchanged), or None to always prepare."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None
    if type(field) in _TEXT:
        return (str, type(None))
    target = field.target_field if field.many_to_one else field  # a foreign key: its target
    if isinstance(target, models.AutoField | models.BigAutoField) or type(target) in _INTEGERS:
        return (int, type(None))
    if type(target) is models.BooleanField:
        return (bool, type(None))
    return None


def table(model: type[models.Model]) -> str:
    """The model's table name, quoted for the default database."""
    return transaction.get_connection().ops.quote_name(model._meta.db_table)


def insert(rows: Sequence[models.Model]) -> None:
    """INSERT new instances of one model in one statement, as ``save()`` (or
    ``bulk_create``) would, and give them their primary keys in order. No signals are sent
    (the project has no receivers for these models)."""
    if not rows:
        return
    connection = transaction.get_connection()
    if len(rows) > 1 and not connection.features.can_return_rows_from_bulk_insert:
        for row in rows:  # an old SQLite (before 3.35): one statement each
            insert([row])
        return
    model = type(rows[0])
    sql, fields, returning = _statement(connection, model, len(rows))
    values = []
    for row in rows:
        for field, plain in fields:
            value = getattr(row, field.attname)
            if plain is None or type(value) not in plain:
                value = field.get_db_prep_save(field.pre_save(row, True), connection)
            values.append(value)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        # One statement: the ids ascend in the order of the rows.
        ids = sorted(r[0] for r in cursor.fetchall()) if returning else [cursor.lastrowid]
    for row, pk in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = connection.alias


def _statement(
    connection: Any, model: type[models.Model], count: int
) -> tuple[str, list[Any], bool]:
    key = (connection.vendor, model, count)
    found = _INSERTS.get(key)
    if found is not None:
        return found
    meta = model._meta
    fields = [(f, _plain(f)) for f in meta.concrete_fields if f is not meta.pk]
    quote = connection.ops.quote_name
    returning = connection.features.can_return_columns_from_insert
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(meta.db_table)}"  # noqa: S608 (names from the model)
        f" ({', '.join(quote(f.column) for f, _plain in fields)})"
        f" VALUES {', '.join([row] * count)}"
        + (f" RETURNING {quote(meta.pk.column)}" if returning else "")
    )
    made = (sql, fields, returning)
    if count <= _KEPT_ROWS:
        _INSERTS[key] = made
    return made
