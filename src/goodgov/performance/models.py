"""An agency's plan: vision, mission, strategic objectives and their indicators, the
targets per Thai fiscal half-year and year, and the values recorded against them.

Fiscal years are stored as Common Era numbers of the year in which the fiscal year ends
(fiscal year 2570 BE, October 2026 to September 2027, is stored as 2027); pages and URLs
show and take the Buddhist era (``goodgov.core.thai``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from goodgov.core.models import Timestamped


def _pick(th: str, en: str) -> str:
    return (en or th) if (get_language() or "th").startswith("en") else (th or en)


class Period(models.TextChoices):
    """The parts of a Thai fiscal year a target or a value is for."""

    H1 = "h1", _("First half (October to March)")
    H2 = "h2", _("Second half (April to September)")
    YEAR = "year", _("Whole fiscal year (October to September)")


class Plan(Timestamped):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="plans")
    first_year = models.PositiveSmallIntegerField(
        help_text="First fiscal year covered (Common Era year in which it ends)."
    )
    last_year = models.PositiveSmallIntegerField(
        help_text="Last fiscal year covered (Common Era year in which it ends)."
    )
    title_th = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    vision_th = models.TextField()
    vision_en = models.TextField(blank=True)
    mission_th = models.TextField()
    mission_en = models.TextField(blank=True)

    class Meta:
        ordering = ["agency__code", "-first_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="plan_years_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _pick(self.title_th, self.title_en)

    @property
    def vision(self) -> str:
        return _pick(self.vision_th, self.vision_en)

    @property
    def mission(self) -> str:
        return _pick(self.mission_th, self.mission_en)

    def covers(self, fiscal_year: int) -> bool:
        return self.first_year <= fiscal_year <= self.last_year

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class StrategicObjective(Timestamped):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    name_th = models.CharField(max_length=500)
    name_en = models.CharField(max_length=500, blank=True)
    weight = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["plan", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="objective_unique_number"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="objective_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _pick(self.name_th, self.name_en)


class Indicator(Timestamped):
    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        OUTCOME = "outcome", _("Outcome")

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    class Status(models.TextChoices):
        NO_DATA = "", _("No data yet")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField()
    name_th = models.CharField(max_length=500)
    name_en = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    unit_th = models.CharField(max_length=60)
    unit_en = models.CharField(max_length=60, blank=True)
    baseline = models.DecimalField(max_digits=16, decimal_places=4)
    direction = models.CharField(max_length=4, choices=Direction.choices)
    data_source_th = models.TextField()
    data_source_en = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_indicators",
    )
    weight = models.DecimalField(max_digits=7, decimal_places=2)
    #: A performance measure (``goodgov.performance.measures``) the value is computed
    #: from; empty: values are entered by officers and approved by another officer.
    measure = models.CharField(max_length=64, blank=True)
    #: With ``measure``: one service of the agency; empty for all its services.
    measure_service = models.CharField(max_length=64, blank=True)
    #: The headline status as last refreshed (``plan_progress_refresh``), and when the
    #: owner was last told it turned off track (so they are told once per turn).
    status = models.CharField(max_length=10, choices=Status.choices, blank=True, default="")
    status_refreshed_at = models.DateTimeField(null=True, blank=True)
    off_track_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["objective__number", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "number"], name="indicator_unique_number"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _pick(self.name_th, self.name_en)

    @property
    def unit(self) -> str:
        return _pick(self.unit_th, self.unit_en)

    @property
    def data_source(self) -> str:
        return _pick(self.data_source_th, self.data_source_en)

    @property
    def computed(self) -> bool:
        return bool(self.measure)

    @property
    def plan(self) -> Plan:
        return self.objective.plan


class IndicatorTarget(Timestamped):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=4, choices=Period.choices)
    value = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["indicator", "fiscal_year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "period"], name="target_unique_period"
            )
        ]


class IndicatorValue(Timestamped):
    """A value of a manual indicator for one period, entered by one officer with its
    evidence and approved by another. Only approved values count; for a period, the one
    approved last does."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    fiscal_year = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=4, choices=Period.choices)
    value = models.DecimalField(max_digits=16, decimal_places=4)
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "fiscal_year", "period", "created_at", "pk"]
        constraints = [
            # Four eyes: whoever entered a value never approves it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("entered_by")),
                name="value_approved_by_another",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="value_approval_complete",
            ),
        ]

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


class ServiceCost(Timestamped):
    """What delivering a service cost its agency over a period, as the agency entered it.

    Public budget information: the ``service.cost_set`` event carries the same figure, and
    the measures read it from there (``measures.cost_base``), so cost per transaction is
    computable from the public log alone. This row is the agency's current entry.
    ``period`` is a calendar month (``2025-11``) or a Thai fiscal year named by the
    Common Era year it ends in (``FY2026``: October 2025 to September 2026).
    """

    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="costs")
    period = models.CharField(max_length=7)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["service__code", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["service", "period"], name="servicecost_one_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.period}: {self.amount}"
