"""The ledger: every official act, recorded once, published without personal data."""

from __future__ import annotations

from typing import Any


def record(**kwargs: Any) -> Any:
    """``ledger.record(*, actor, action, subject, agency, public, private=None)``."""
    from goodgov.ledger.services import record as _record

    return _record(**kwargs)


def record_all(entries: Any) -> Any:
    """``ledger.record_all([{actor, action, subject, agency, public, private}, ...])``:
    several events of one change in one ``INSERT``, in order."""
    from goodgov.ledger.services import record_all as _record_all

    return _record_all(entries)
