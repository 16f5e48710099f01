"""What an action recorded in the ledger: the events after a mark, summarised so that a
test can compare them whole (action, actor, agency, subject), in order."""

from __future__ import annotations

from typing import Any

from goodgov.ledger.models import Event


def last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_since(event_id: int) -> list[Event]:
    return list(Event.objects.filter(id__gt=event_id).select_related("agency").order_by("id"))


def summary(events: list[Event]) -> list[tuple[str, Any, str | None, str, str]]:
    """(action, actor, agency code, subject type, subject id) of each event, in order."""
    return [
        (e.action, e.actor_id, e.agency.code if e.agency else None, e.subject_type, e.subject_id)
        for e in events
    ]
