"""Registries a node publishes as data services, and the exchange's own records.

National IDs are stored as elsewhere in goodgov (``core.national_id``): AES-GCM
ciphertext for reading back, a keyed hash (HMAC-SHA256) beside it for look-ups.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov.core import national_id


class NationalIDMixin(models.Model):
    national_id_encrypted = models.TextField(editable=False)
    national_id_hash = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        abstract = True

    def set_national_id(self, value: str) -> None:
        digits = national_id.clean(value)
        self.national_id_encrypted = national_id.encrypt_text(digits)
        self.national_id_hash = national_id.lookup_hash(digits)

    @property
    def national_id(self) -> str:
        return national_id.decrypt_text(self.national_id_encrypted)


class RegistryPerson(NationalIDMixin):
    """One person in the (demo) population registry, as the central department keeps it."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    national_id_hash = models.CharField(max_length=64, unique=True, editable=False)
    given_name_th = models.CharField(max_length=100)
    family_name_th = models.CharField(max_length=100)
    given_name_en = models.CharField(max_length=100)
    family_name_en = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    # The address by official codes (see ``core.thai_address``), as on the house register.
    address_line = models.CharField(max_length=200)
    subdistrict = models.CharField(max_length=6)
    district = models.CharField(max_length=4)
    province = models.CharField(max_length=2)
    postcode = models.CharField(max_length=5)
    household_id = models.CharField(max_length=11, db_index=True, help_text=_("House code"))
    household_role = models.CharField(max_length=16, default="member")
    dead = models.BooleanField(default=False)
    death_date = models.DateField(null=True, blank=True)
    fictional = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("population registry entry")
        verbose_name_plural = _("population registry entries")

    def __str__(self) -> str:
        return f"{self.given_name_en} {self.family_name_en} ({self.household_id})"


class WelfareRecord(NationalIDMixin):
    """A person's welfare payments, as the municipality's welfare registry keeps them."""

    class Programme(models.TextChoices):
        ELDERLY = "elderly-allowance", _("Elderly allowance")
        DISABILITY = "disability-allowance", _("Disability allowance")
        CHILD = "child-support-grant", _("Child support grant")

    programme = models.CharField(max_length=32, choices=Programme.choices)
    monthly_amount = models.PositiveIntegerField()
    since = models.DateField()
    active = models.BooleanField(default=True)
    fictional = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("welfare registry entry")
        verbose_name_plural = _("welfare registry entries")

    def __str__(self) -> str:
        return f"{self.programme} since {self.since}"


class AccessRight(models.Model):
    """What one client node may ask of one of this node's data services.

    Deny by default: without a right, nothing is served. ``fields`` lists exactly the
    fields the client may receive; ``purposes`` and ``legal_bases`` list what it may
    state. An empty ``legal_bases`` means the client needs the person's consent.
    """

    client = models.CharField(max_length=64, help_text=_("Client node name, as in the directory"))
    service = models.CharField(max_length=64)
    method = models.CharField(max_length=64)
    fields = models.JSONField(default=list, help_text=_("Fields the client may receive"))
    purposes = models.JSONField(default=list, help_text=_("Purposes the client may state"))
    legal_bases = models.JSONField(
        default=list, blank=True, help_text=_("Legal bases accepted without consent")
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("access right")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "service", "method"], name="exchange_right_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} -> {self.service}.{self.method}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class Consent(models.Model):
    """A person's consent that a client node may receive their data from a data service.

    Kept where the person gave it: at the provider (which checks it itself), or at the
    client node, which then sends a signed consent token with each request while the
    consent stands (``exchange.consent_tokens``). The reference travels in requests.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person_hash = models.CharField(max_length=64, db_index=True, editable=False)
    client = models.CharField(max_length=64)
    service = models.CharField(max_length=64)
    purpose = models.CharField(max_length=64)
    fields = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Fields the person agreed to; empty: those the client's right allows"),
    )
    given_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"consent {self.reference} ({self.client} -> {self.service})"


class SeenNonce(models.Model):
    """A request nonce already accepted: the same nonce from the same client is a replay."""

    client = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "nonce"], name="exchange_nonce_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.nonce}"


class PersonSalt(models.Model):
    """The secret behind a registry person's commitment in public events (erasure deletes it).

    People who have an account here are committed to with the ledger's own salt instead.
    """

    person_hash = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"salt of {self.person_hash[:8]}"


class Exchange(models.Model):
    """One exchange as this node saw it: served to a client, or requested from a provider."""

    class Direction(models.TextChoices):
        SERVED = "served", _("Served to another agency")
        REQUESTED = "requested", _("Requested from another agency")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    peer = models.CharField(max_length=64, help_text=_("The other node"))
    service = models.CharField(max_length=64)
    method = models.CharField(max_length=64)
    purpose = models.CharField(max_length=64)
    legal_basis = models.CharField(max_length=32)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.SET_NULL, related_name="uses"
    )
    consent_reference = models.CharField(max_length=36, blank=True)
    person_hash = models.CharField(max_length=64, db_index=True, editable=False)
    fields = models.JSONField(default=list)
    outcome = models.CharField(max_length=32, default="ok")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=32, blank=True)
    nonce = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.peer} {self.service}.{self.method} {self.outcome}"


class RecordView(models.Model):
    """An officer opened a person's record (a case's back-office page), or looked the
    person up by national ID at the counter (no case then): ``person.viewed``.

    Kept here, beside the exchanges, so that the person's data tracker can list who looked
    at their data, when and why, without scanning the ledger.
    """

    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_views"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    officer_roles = models.JSONField(default=list)
    purpose = models.CharField(max_length=64, default="case-processing")

    class Meta:
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["person", "viewed_at"])]

    def __str__(self) -> str:
        if self.case_id is None:
            return f"{self.officer_id} looked up {self.person_id} at {self.viewed_at}"
        return f"{self.officer_id} viewed case {self.case_id} at {self.viewed_at}"


class Breach(models.Model):
    """A personal data breach, as the agency's data protection officer records it.

    PDPA section 37(4): the agency notifies the Office of the Personal Data Protection
    Committee within 72 hours of becoming aware of it (unless it is unlikely to result in a
    risk to people's rights and freedoms), and the people affected without delay when the
    risk is high.
    """

    class Risk(models.TextChoices):
        UNLIKELY = "unlikely", _("Unlikely to result in a risk to people")
        RISK = "risk", _("A risk to people's rights and freedoms")
        HIGH = "high", _("A high risk to people's rights and freedoms")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    discovered_at = models.DateTimeField(help_text=_("When the agency became aware of it"))
    description = models.TextField()
    affected_count = models.PositiveIntegerField()
    risk = models.CharField(max_length=16, choices=Risk.choices)
    notified_office_at = models.DateTimeField(null=True, blank=True)
    notified_people_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-discovered_at", "-id"]
        verbose_name = _("personal data breach")

    def __str__(self) -> str:
        return f"breach {self.uuid} ({self.agency_id})"
