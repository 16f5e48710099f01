"""The cost of delivering a service, as its agency enters it: the write, its public event
and the periods it is entered for.

The cost is public budget information, so ``service.cost_set`` carries it whole (agency,
service, period, amount) and the cost per transaction (``measures``) is computed from the
public log alone. Amounts are written as decimal strings, exactly as stored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from goodgov.catalogue.models import Service
from goodgov.core import thai
from goodgov.ledger.schemas import CODE, declare
from goodgov.ledger.services import record
from goodgov.performance import access, selectors
from goodgov.performance import measures as m
from goodgov.performance.models import ServiceCost

__all__ = [
    "CostError",
    "fiscal_year_period",
    "month_period",
    "period_label",
    "service_cost_set",
]

MAX_AMOUNT = Decimal("999999999999.99")
CENTS = Decimal("0.01")

declare(
    "service.cost_set",
    {
        "agency": CODE,
        "service": CODE,
        "period": {"type": "string", "pattern": f"{m.MONTH_PERIOD}|{m.FISCAL_YEAR_PERIOD}"},
        "amount": {"type": "string", "pattern": r"^[0-9]{1,12}\.[0-9]{2}$"},
    },
)


class CostError(Exception):
    """A cost that cannot be recorded; ``message`` is translated, ``field`` names the form
    field it is about (None: the whole form)."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class CostNotAllowed(CostError):
    """The actor may not do this. Views answer 404 so nothing is revealed."""

    def __init__(self) -> None:
        super().__init__(_("You cannot do this."))


def fiscal_year_period(fiscal_year_ce: int) -> str:
    """The period of a whole Thai fiscal year, named by the Common Era year it ends in."""
    return f"FY{fiscal_year_ce:04d}"


def month_period(fiscal_year_ce: int, month: int) -> str:
    """The period of one calendar month of a fiscal year (October to December fall in the
    Common Era year before the one the fiscal year ends in)."""
    year = fiscal_year_ce - 1 if month >= 10 else fiscal_year_ce
    return f"{year:04d}-{month:02d}"


def period_label(period: str) -> str:
    """A period as the reader reads it: ``ปีงบประมาณ 2569`` or ``Fiscal year 2569``; a
    month as ``พฤศจิกายน 2568`` or ``November 2025``."""
    if re.fullmatch(m.FISCAL_YEAR_PERIOD, period):
        return str(_("Fiscal year %(year)s") % {"year": thai.be_year(int(period[2:]))})
    return selectors.month_name(period)


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise CostError(_("Enter the cost in baht, for example 125000.50."), "amount") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise CostError(_("Enter a cost from 0 to 999,999,999,999.99 baht."), "amount")
    if amount != amount.quantize(CENTS):
        raise CostError(_("Use at most two digits after the decimal point."), "amount")
    return amount.quantize(CENTS)


def service_cost_set(*, actor: Any, service: Service, period: str, amount: Any) -> ServiceCost:
    """Enter (or correct) what ``service`` cost its agency over ``period``.

    Only the agency's administrators may; the entry last recorded for a period is the one
    that counts, here and in the measures.
    """
    if not (
        re.fullmatch(m.MONTH_PERIOD, period or "")
        or re.fullmatch(m.FISCAL_YEAR_PERIOD, period or "")
    ):
        raise CostError(_("Choose the fiscal year, and a month or the whole year."), "period")
    value = _amount(amount)
    with transaction.atomic():
        service = Service.objects.select_related("agency").select_for_update().get(pk=service.pk)
        if not access.may_manage(actor, service.agency):
            raise CostNotAllowed()
        cost, _created = ServiceCost.objects.update_or_create(
            service=service,
            period=period,
            defaults={"amount": value, "entered_by": actor},
        )
        record(
            actor=actor,
            action="service.cost_set",
            subject=cost,
            agency=service.agency,
            public={
                "agency": service.agency.code,
                "service": service.code,
                "period": period,
                "amount": f"{value:f}",
            },
        )
    return cost
