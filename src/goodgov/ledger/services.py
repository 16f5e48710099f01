"""The only way to write to the ledger: :func:`record`, inside the caller's transaction."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import models, transaction

from goodgov.ledger import schemas
from goodgov.ledger.models import Event, PersonSalt


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
    value = hashlib.sha256(f"{salt_row.salt}:{user.pk}".encode()).hexdigest()
    user._ledger_commitment = value  # one look-up per person per request
    return value


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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.record must be called inside the service's transaction")
    schemas.check(action, public)
    return Event.objects.create(
        action=action,
        agency=agency,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        public=public,
        private=private,
    )
