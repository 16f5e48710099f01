"""The ledger: every official act, recorded once, published without personal data."""

from __future__ import annotations

from typing import Any


def record(**kwargs: Any) -> Any:
    """``ledger.record(*, actor, action, subject, agency, public, private=None)``."""
    from goodgov.ledger.services import record as _record

    return _record(**kwargs)
