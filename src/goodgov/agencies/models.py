"""Agencies, their hierarchy and jurisdiction, and officers' memberships and roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from goodgov.core.models import Timestamped


class Agency(Timestamped):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central government agency")
        REGIONAL = "regional", _("Provincial or regional office")
        LOCAL = "local", _("Local government organisation")

    code = models.SlugField(
        max_length=16,
        unique=True,
        help_text=_("Short code used in case reference numbers, e.g. DOPA or TBNK."),
    )
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province_code = models.CharField(max_length=2, blank=True)
    district_code = models.CharField(max_length=4, blank=True)
    subdistrict_code = models.CharField(max_length=6, blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    fictional = models.BooleanField(
        default=False, help_text=_("Demo data: this agency does not exist.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "th").startswith("en") else self.name_th


class Role(models.TextChoices):
    OFFICER = "officer", _("Case officer")
    APPROVER = "approver", _("Approving officer")
    COUNTER = "counter", _("Counter officer (files on behalf of people)")
    ADMIN = "admin", _("Agency administrator")
    EXECUTIVE = "executive", _("Executive (sees the agency's and its sub-agencies' results)")


class Membership(Timestamped):
    """One role an officer holds in one agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.agency.code}"
