"""The only way to write to the ledger: :func:`record`, inside the caller's transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import models, transaction

from goodgov.core import rawsql
from goodgov.ledger import schemas
from goodgov.ledger.models import Event, PersonSalt

# That a node erased someone's salt is public (when, and that it happened); whose is not.
schemas.declare("person.salt_erased", {})


def commitment(user: Any) -> str:
    """A salted commitment to a person: SHA-256(salt || user id), hex.

    The person's receipt holds the salt, so only they can link an event to themselves.
    """
    cached = getattr(user, "_ledger_commitment", None)
    if cached is not None:
        return str(cached)
    salt_row, _ = PersonSalt.objects.get_or_create(
        user=user, defaults={"salt": secrets.token_hex(32)}
    )
    return commitment_remember(user, salt_row.salt)


def commitment_remember(user: Any, salt: str) -> str:
    """Keep ``user``'s commitment from a salt read with them (one look-up per request)."""
    value = hashlib.sha256(f"{salt}:{user.pk}".encode()).hexdigest()
    user._ledger_commitment = value
    return value


@transaction.atomic
def person_salt_erase(*, actor: Any, user: Any) -> int:
    """Erase a person from the public log: delete their salt.

    Their commitments stay in the log, which stays verifiable byte for byte, but nobody
    without the salt (the node included) can tell any more that they are this person's;
    the person can, with the salt on a receipt. A later event about them gets a new salt,
    so a new commitment unlinkable to the old ones. Returns how many salts were deleted
    (0 if the person never had one; then nothing is recorded).
    """
    deleted, _ = PersonSalt.objects.filter(user=user).delete()
    if hasattr(user, "_ledger_commitment"):
        del user._ledger_commitment
    user._state.fields_cache.pop("ledger_salt", None)
    if deleted:
        record(actor=actor, action="person.salt_erased", subject=user, agency=None, public={})
    return deleted


def record(
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    agency: Any,
    public: dict[str, Any],
    private: dict[str, Any] | None = None,
) -> Event:
    """Record an official act. Must run inside the transaction that makes the change."""
    event = _event(
        actor=actor, action=action, subject=subject, agency=agency, public=public, private=private
    )
    rawsql.insert([event])
    return event


def record_all(entries: Sequence[dict[str, Any]]) -> list[Event]:
    """Record several acts of one change at once, in this order: one ``INSERT``.

    Each entry holds :func:`record`'s keyword arguments; each is checked as
    :func:`record` checks it, and all must run inside the transaction that makes the
    change. The events get their ids in the order given.
    """
    events = [_event(**entry) for entry in entries]
    if events:
        rawsql.insert(events)
    return events


def _event(
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    agency: Any,
    public: dict[str, Any],
    private: dict[str, Any] | None = None,
) -> Event:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.record must be called inside the service's transaction")
    schemas.check(action, public)
    return Event(
        action=action,
        agency=agency,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        public=public,
        private=private,
    )
