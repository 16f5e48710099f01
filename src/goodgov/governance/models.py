"""The ITA OIT checklist: the items of a year for one kind of agency, and agencies' answers.

The Integrity and Transparency Assessment (ITA) of the National Anti-Corruption Commission
asks each agency to publish items of open information (OIT, ``O1``, ``O2``, ...) on its
website. The list changes from year to year and differs by kind of agency, so it is data:
one :class:`ItaChecklist` per fiscal year and kind of agency, loaded from a file
(``goodgov governance ita-load``). Items the platform publishes itself are linked
automatically (``ItaItem.auto``); an agency admin answers the others with a link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ItaChecklist(models.Model):
    year = models.PositiveSmallIntegerField(help_text=_("Fiscal year, Buddhist era (e.g. 2569)."))
    agency_kind = models.CharField(max_length=16)  # agencies.Agency.Kind
    source = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "agency_kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "agency_kind"], name="ita_checklist_unique")
        ]

    def __str__(self) -> str:
        return f"ITA {self.year} {self.agency_kind}"


class ItaItem(models.Model):
    class Auto(models.TextChoices):
        NONE = "", _("Answered by the agency")
        SERVICE_MANUAL = "service_manual", _("The service catalogue")
        SERVICE_STATISTICS = "service_statistics", _("Service performance figures")
        SATISFACTION = "satisfaction", _("User satisfaction survey")
        E_SERVICE = "e_service", _("Online services")
        PROGRESS_REPORT = "progress_report", _("Plan progress reports")
        COMPLAINT_CHANNEL = "complaint_channel", _("Complaint channel")

    checklist = models.ForeignKey(ItaChecklist, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=8)
    position = models.PositiveSmallIntegerField()
    group_th = models.CharField(max_length=300, blank=True)
    group_en = models.CharField(max_length=300, blank=True)
    title_th = models.CharField(max_length=500)
    title_en = models.CharField(max_length=500)
    auto = models.CharField(max_length=32, choices=Auto.choices, blank=True, default="")
    #: An item of the integrity part (preventing corruption): counts for morality/ethics too.
    integrity = models.BooleanField(default=False)

    class Meta:
        ordering = ["checklist", "position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="ita_item_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_en}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "th").startswith("en") else self.title_th

    @property
    def group(self) -> str:
        return self.group_en if (get_language() or "th").startswith("en") else self.group_th


class ItaAnswer(models.Model):
    """An agency's answer to one item: where it publishes it, and a note on the evidence.

    One answer per item and agency; answering again replaces it (the ledger keeps each)."""

    item = models.ForeignKey(ItaItem, on_delete=models.CASCADE, related_name="answers")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=500)
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "agency"], name="ita_answer_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.item_id}"
