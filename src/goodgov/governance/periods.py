"""Thai fiscal periods: a fiscal year (October to September) or one of its halves.

A period is a run of whole calendar months in Thai time, so it lines up exactly with the
performance measures' months (``goodgov.performance.measures.month_of``). Years are shown
and written in the Buddhist era; ``2568`` is the fiscal year from October 2024 to
September 2025, ``2568-1`` its first half (October to March), ``2568-2`` its second.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov.core import thai

BANGKOK = dt.timezone(dt.timedelta(hours=7))
_CODE = re.compile(r"^(2[4-9][0-9]{2})(?:-([12]))?$")


@dataclass(frozen=True)
class Period:
    fiscal_year: int  # Buddhist era
    half: int | None = None  # 1: October to March, 2: April to September, None: the year

    @property
    def code(self) -> str:
        return f"{self.fiscal_year}-{self.half}" if self.half else str(self.fiscal_year)

    @property
    def fiscal_year_ce(self) -> int:
        """The Common Era year in which the fiscal year ends (how the plans store it)."""
        return thai.ce_year(self.fiscal_year)

    @property
    def first_month(self) -> int:
        """The first month as ``year * 12 + month - 1`` (Common Era; the measures' months)."""
        october = (self.fiscal_year_ce - 1) * 12 + 9
        return october + (6 if self.half == 2 else 0)

    @property
    def last_month(self) -> int:
        return self.first_month + (11 if self.half is None else 5)

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period (aware, Thai time)."""
        year, month = divmod(self.first_month, 12)
        return dt.datetime(year, month + 1, 1, tzinfo=BANGKOK)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (aware, Thai time)."""
        year, month = divmod(self.last_month + 1, 12)
        return dt.datetime(year, month + 1, 1, tzinfo=BANGKOK)

    @property
    def label(self) -> str:
        if self.half == 1:
            return str(
                _("Fiscal year %(year)s, first half (October to March)") % {"year": self.shown_year}
            )
        if self.half == 2:
            return str(
                _("Fiscal year %(year)s, second half (April to September)")
                % {"year": self.shown_year}
            )
        return str(_("Fiscal year %(year)s (October to September)") % {"year": self.shown_year})

    @property
    def shown_year(self) -> int:
        """The year as the reader reads it: Buddhist era in Thai, Common Era in English."""
        from django.utils.translation import get_language

        if (get_language() or "th").startswith("en"):
            return self.fiscal_year_ce
        return self.fiscal_year

    def first_day(self) -> dt.date:
        return self.start.date()

    def last_day(self) -> dt.date:
        return (self.end - dt.timedelta(days=1)).date()


def parse(code: str) -> Period | None:
    """``2568`` or ``2568-1``/``2568-2`` as a period, or None."""
    match = _CODE.match((code or "").strip())
    if not match:
        return None
    return Period(int(match.group(1)), int(match.group(2)) if match.group(2) else None)


def current(now: dt.datetime | None = None) -> Period:
    """The fiscal year we are in."""
    moment = (now or timezone.now()).astimezone(BANGKOK)
    return Period(thai.fiscal_year_be(moment.date()))


def choices(years_back: int = 4, now: dt.datetime | None = None) -> list[Period]:
    """The periods to choose from: this fiscal year and the ones before, each with its halves."""
    this_year = current(now).fiscal_year
    found: list[Period] = []
    for year in range(this_year, this_year - years_back - 1, -1):
        found += [Period(year), Period(year, 1), Period(year, 2)]
    return found
