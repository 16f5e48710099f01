"""Moving personal data to the current secret key after a rotation (``goodgov pii rekey``).

After ``SECRET_KEY`` changes (the old key listed in ``SECRET_KEY_FALLBACKS``), data sealed
or hashed under the old key still reads (:mod:`goodgov.core.national_id` tries each
fallback), but only until the fallback is dropped. :func:`rekey_all` seals every
encrypted value again with the current key and recomputes every stored look-up hash, so
the fallback can go. What it visits, found from the models rather than listed by hand:

- every concrete ``EncryptedJSONField`` / ``EncryptedTextField`` column;
- every national-ID pair, a ``<name>_encrypted`` text column (sealed with the national-ID
  purpose) beside a ``<name>_hash`` column (its :func:`~national_id.lookup_hash`):
  ``accounts.User``, ``exchange.RegistryPerson``, ``exchange.WelfareRecord``;
- every ``person_hash`` column (exchange consents, exchanges, registry persons' salts):
  it holds the same look-up hash without the ID beside it, so it is moved from the old
  hash to the new one as the pairs are rekeyed, in the same transaction;
- the second factor's secrets in allauth's authenticators (``accounts.mfa_secrets``).

Rows are read and written in plain SQL in primary-key order, one transaction per batch,
with no ``save()`` (no signals, no ``auto_now``). Each write names the value it replaces,
so a row the running application changed meanwhile (already sealed with the current key)
is left alone. A value already under the current key is not written, so a second run
changes nothing. A value no configured key opens stops the run with
:class:`~goodgov.core.national_id.UnknownKey`: nothing is skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from goodgov.core import national_id
from goodgov.core.fields import EncryptedJSONField, EncryptedTextField

ENCRYPTED_FIELDS = (EncryptedJSONField, EncryptedTextField)  # each names its ``purpose``
ID_PURPOSE = b"pii-encryption-v1"  # what ``*_encrypted`` national IDs are sealed with
PERSON_HASH = "person_hash"


@dataclass(frozen=True)
class Column:
    model: type[models.Model]
    field: models.Field[Any, Any]
    purpose: bytes


@dataclass(frozen=True)
class Pair:
    model: type[models.Model]
    encrypted: models.Field[Any, Any]
    hash: models.Field[Any, Any]


def _models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if not model._meta.proxy and model._meta.managed:
            yield model


def encrypted_columns() -> list[Column]:
    """Every concrete encrypted field of every model, with the purpose it seals with."""
    found = []
    for model in _models():
        for field in model._meta.local_concrete_fields:
            if isinstance(field, ENCRYPTED_FIELDS):
                found.append(Column(model, field, field.purpose))
    return found


def national_id_pairs() -> list[Pair]:
    """Every ``<name>_encrypted`` column with a ``<name>_hash`` beside it."""
    found = []
    for model in _models():
        fields = {f.name: f for f in model._meta.local_concrete_fields}
        for name, field in fields.items():
            stem = name.removesuffix("_encrypted")
            if stem != name and f"{stem}_hash" in fields:
                found.append(Pair(model, field, fields[f"{stem}_hash"]))
    return found


def person_hash_columns() -> list[models.Field[Any, Any]]:
    """Every ``person_hash`` column: a look-up hash kept without the ID beside it."""
    return [
        field
        for model in _models()
        for field in model._meta.local_concrete_fields
        if field.name == PERSON_HASH
    ]


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _batches(
    model: type[models.Model], columns: list[models.Field[Any, Any]], batch: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows (primary key first, then ``columns``, as stored) whose first column is set,
    ``batch`` at a time in primary-key order, each batch inside its own transaction."""
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    first = quote(columns[0].column)
    select = (
        f"SELECT {pk}, {', '.join(quote(c.column) for c in columns)}"  # noqa: S608 (model names)
        f" FROM {quote(model._meta.db_table)}"
        f" WHERE {first} IS NOT NULL AND {first} <> ''"
    )
    after: Any = None
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if after is None:
                    cursor.execute(f"{select} ORDER BY {pk} LIMIT %s", [batch])
                else:
                    cursor.execute(f"{select} AND {pk} > %s ORDER BY {pk} LIMIT %s", [after, batch])
                rows = cursor.fetchall()
            if not rows:
                return
            yield rows
        after = rows[-1][0]


def _update(
    model: type[models.Model],
    changes: list[tuple[Any, ...]],
    columns: list[models.Field[Any, Any]],
) -> int:
    """``changes``: (pk, old first column, *new values of ``columns``). Only rows whose
    first column still holds the old value are written."""
    if not changes:
        return 0
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {sets}"  # noqa: S608 (model names)
        f" WHERE {quote(model._meta.pk.column)} = %s AND {quote(columns[0].column)} = %s"
    )
    written = 0
    with connection.cursor() as cursor:
        for pk, old, *new in changes:
            cursor.execute(sql, [*new, pk, old])
            written += cursor.rowcount
    return written


def _rekey_column(column: Column, batch: int) -> int:
    written = 0
    for rows in _batches(column.model, [column.field], batch):
        changes = []
        for pk, token in rows:
            plaintext, current = national_id.decrypt_text_current(token, purpose=column.purpose)
            if not current:
                changes.append(
                    (pk, token, national_id.encrypt_text(plaintext, purpose=column.purpose))
                )
        written += _update(column.model, changes, [column.field])
    return written


def _move_person_hashes(moves: dict[str, str], counts: dict[str, int]) -> None:
    """Rows keyed by an old look-up hash take the new one (in the caller's transaction).
    Where a unique column already holds the new hash (a row made under the new key
    before this ran), the old row goes: the new one stands for the person from now on.
    Plain SQL: one look-up per table, then a statement per hash actually present."""
    if not moves:
        return
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(moves))
    for field in person_hash_columns():
        table, column = quote(field.model._meta.db_table), quote(field.column)
        present_sql = f"SELECT DISTINCT {column} FROM {table} WHERE {column} IN ({marks})"  # noqa: S608 (model names)
        with connection.cursor() as cursor:
            cursor.execute(present_sql, list(moves))
            present = [row[0] for row in cursor.fetchall()]
            if not present:
                continue
            moved = 0
            if field.unique:
                cursor.execute(present_sql, [moves[old] for old in moves])
                taken = {row[0] for row in cursor.fetchall()}
                for old in [old for old in present if moves[old] in taken]:
                    cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [old])  # noqa: S608
                    moved += cursor.rowcount
                present = [old for old in present if moves[old] not in taken]
            for old in present:
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {column} = %s",  # noqa: S608
                    [moves[old], old],
                )
                moved += cursor.rowcount
        label = _label(field.model)
        counts[label] = counts.get(label, 0) + moved


def _rekey_pair(pair: Pair, batch: int, counts: dict[str, int]) -> int:
    written = 0
    for rows in _batches(pair.model, [pair.encrypted, pair.hash], batch):
        changes, moves = [], {}
        for pk, token, stored_hash in rows:
            digits, current = national_id.decrypt_text_current(token, purpose=ID_PURPOSE)
            new_hash = national_id.lookup_hash(digits)
            if current and stored_hash == new_hash:
                continue
            sealed = token if current else national_id.encrypt_text(digits, purpose=ID_PURPOSE)
            changes.append((pk, token, sealed, new_hash))
            if stored_hash and stored_hash != new_hash:
                moves[stored_hash] = new_hash
        written += _update(pair.model, changes, [pair.encrypted, pair.hash])
        _move_person_hashes(moves, counts)
    return written


def rekey_all(*, batch: int = 1000) -> dict[str, int]:
    """Seal and hash everything with the current secret key; returns, per model label
    (``cases.Case``), how many rows were written (0: all already current)."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    counts: dict[str, int] = {}
    for column in encrypted_columns():
        label = _label(column.model)
        counts[label] = counts.get(label, 0) + _rekey_column(column, batch)
    for field in person_hash_columns():
        counts.setdefault(_label(field.model), 0)
    for pair in national_id_pairs():
        label = _label(pair.model)
        counts[label] = counts.get(label, 0) + _rekey_pair(pair, batch, counts)
    counts["mfa.Authenticator"] = _rekey_authenticators(batch)
    return counts


def _rekey_authenticators(batch: int) -> int:
    """The second factor's secrets (``accounts.mfa_secrets``), sealed again with the
    current key: allauth's ``data`` JSON, not a column of ours. Each update names the
    data it replaces, as the other writes here do."""
    from allauth.mfa.models import Authenticator

    from goodgov.accounts.mfa_secrets import resealed

    written, after = 0, 0
    while True:
        rows = list(Authenticator.objects.filter(pk__gt=after).order_by("pk")[:batch])
        if not rows:
            return written
        with transaction.atomic():
            for row in rows:
                data = resealed(row.data or {})
                if data is not None:
                    written += Authenticator.objects.filter(pk=row.pk, data=row.data).update(
                        data=data
                    )
        after = rows[-1].pk
