"""The breach register and its 72-hour clock (PDPA section 37(4)).

The agency notifies the Office of the Personal Data Protection Committee within 72 hours of
becoming aware of a breach, unless it is unlikely to result in a risk to people's rights
and freedoms; when the risk is high it also tells the people affected, without delay.
The ledger gets the facts (when, how many, how serious, whether notified late), never who.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.exchange.models import Breach

NOTIFY_WITHIN = dt.timedelta(hours=72)
OFFICE, PEOPLE = "office", "people"


def due_at(breach: Breach) -> dt.datetime:
    """When the Office must have been told: 72 hours after the agency became aware."""
    return breach.discovered_at + NOTIFY_WITHIN


@dataclass(frozen=True)
class Clock:
    """Where a breach stands against the 72-hour clock at ``now``."""

    due: dt.datetime
    required: bool  # the Office must be told (the risk is not "unlikely")
    notified: bool
    late: bool  # notified after the due time, or not yet notified and past it
    overdue: bool  # not notified and past the due time
    remaining: dt.timedelta  # until due (negative when past it)

    @property
    def hours_left(self) -> int:
        """Whole hours left (rounded down); 0 or less once due."""
        return int(self.remaining.total_seconds() // 3600)


def clock(breach: Breach, *, now: dt.datetime | None = None) -> Clock:
    now = now or timezone.now()
    due = due_at(breach)
    notified = breach.notified_office_at is not None
    required = breach.risk != Breach.Risk.UNLIKELY
    if notified:
        late = breach.notified_office_at > due  # type: ignore[operator]
        overdue = False
    else:
        late = overdue = required and now > due
    return Clock(
        due=due,
        required=required,
        notified=notified,
        late=late,
        overdue=overdue,
        remaining=due - now,
    )


@transaction.atomic
def breach_record(
    *,
    actor: Any,
    agency: Any,
    discovered_at: dt.datetime,
    description: str,
    affected_count: int,
    risk: str,
) -> Breach:
    """Put a breach in the agency's register and record ``breach.recorded``."""
    now = timezone.now()
    if timezone.is_naive(discovered_at):
        raise ValueError("discovered_at must be an aware datetime")
    errors: dict[str, Any] = {}
    if discovered_at > now:
        errors["discovered_at"] = _("The time you found out cannot be in the future")
    if not (description or "").strip():
        errors["description"] = _("Describe what happened")
    if affected_count < 0:
        errors["affected_count"] = _("Enter how many people are affected, 0 or more")
    if risk not in Breach.Risk.values:
        errors["risk"] = _("Select how serious the risk to people is")
    if errors:
        raise ValidationError(errors)
    breach = Breach.objects.create(
        agency=agency,
        discovered_at=discovered_at,
        description=description.strip(),
        affected_count=affected_count,
        risk=risk,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=now,
    )
    ledger.record(
        actor=actor,
        action="breach.recorded",
        subject=breach,
        agency=agency,
        public={
            "agency": agency.code,
            "breach": str(breach.uuid),
            "risk": risk,
            "affected": affected_count,
            "discovered_at": discovered_at.isoformat(),
            "due": due_at(breach).isoformat(),
        },
        private={"description": breach.description},
    )
    return breach


@transaction.atomic
def breach_notify(
    *, actor: Any, breach: Breach, whom: str, at: dt.datetime | None = None
) -> Breach:
    """Record that the Office (``office``) or the people affected (``people``) were told."""
    if whom not in (OFFICE, PEOPLE):
        raise ValueError(f"unknown recipient {whom!r}")
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        raise ValueError("at must be an aware datetime")
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if at > now:
        raise ValidationError({"notified_at": _("The time you told them cannot be in the future")})
    if at < breach.discovered_at:
        raise ValidationError(
            {"notified_at": _("The time you told them cannot be before you found out")}
        )
    column = "notified_office_at" if whom == OFFICE else "notified_people_at"
    if getattr(breach, column) is not None:
        raise ValidationError({"whom": _("That notification is already recorded")})
    setattr(breach, column, at)
    breach.save(update_fields=[column])
    ledger.record(
        actor=actor,
        action="breach.notified",
        subject=breach,
        agency=breach.agency,
        public={
            "agency": breach.agency.code,
            "breach": str(breach.uuid),
            "whom": whom,
            "at": at.isoformat(),
            "late": at > due_at(breach),
        },
    )
    return breach
