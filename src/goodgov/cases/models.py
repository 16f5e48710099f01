"""Applications (cases), requests for information and reference numbers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from goodgov.catalogue.validation import clock_stops_for_information
from goodgov.core.fields import EncryptedJSONField, EncryptedTextField
from goodgov.core.models import Timestamped


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Being reviewed")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FINAL_STATES = {State.APPROVED, State.REJECTED, State.WITHDRAWN}
OPEN_STATES = {State.SUBMITTED, State.IN_REVIEW, State.INFO_REQUESTED}


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter, filed by an officer")


class Case(Timestamped):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Unique by the constraint below: a plain unique field on PostgreSQL also gets a
    # ``LIKE`` index no query uses, one more index to write on every submission. NULL
    # until submitted: drafts have none, and NULLs (unlike '') never collide.
    reference = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(
        "catalogue.ServiceVersion", on_delete=models.PROTECT, related_name="cases"
    )
    # No index of its own: the (agency, state, due_at) index below starts with it.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_filed",
        help_text=_("The officer who filed the case at the counter, if any."),
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    # Every query by state is also by agency, service or applicant, whose indexes serve it.
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    data = EncryptedJSONField(default=dict, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_assigned",
    )
    decision_conditions = models.TextField(blank=True)
    decision_reasons = models.TextField(blank=True)
    decision_legal_ground = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "state", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="cases_case_reference_key")
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.uuid}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def clock_stopped(self) -> bool:
        """Whether the deadline stands still now: the case waits for the applicant's answer
        to a request for information made before the deadline, under a service whose
        clock stops meanwhile (one made after the deadline stops nothing)."""
        if (
            self.state != State.INFO_REQUESTED
            or self.due_at is None
            or not clock_stops_for_information(self.version.definition)
        ):
            return False
        asked = (
            self.information_requests.filter(responded_at__isnull=True)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        return asked is None or asked < self.due_at


class InformationRequest(Timestamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField()
    response = EncryptedTextField(blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"request on case {self.case_id}"


class ReferenceCounter(models.Model):
    """The last sequence number issued per agency and Buddhist-era year."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year_be = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year_be"], name="referencecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}-{self.year_be}: {self.last}"


class FetchedFact(Timestamped):
    """A fact fetched for a case from another agency's registry, so the person gives it once.

    One per evidence item of ``kind: fetched``. The data is personal: stored encrypted, and
    shown only to the applicant (and who files for them) and the case's officers. Where it
    came from (node, agency, data service) and why (legal basis or consent) are kept beside
    it, so the officer can see it as verified.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="facts")
    item = models.CharField(max_length=64, help_text=_("The evidence item's key"))
    node = models.CharField(max_length=64, help_text=_("The node that provided it"))
    agency_code = models.CharField(max_length=32, blank=True)
    service = models.CharField(max_length=64)
    method = models.CharField(max_length=64)
    purpose = models.CharField(max_length=64)
    legal_basis = models.CharField(max_length=32, help_text=_("PDPA section, or consent"))
    consent_reference = models.CharField(max_length=36, blank=True)
    data = EncryptedJSONField(default=dict)
    fetched_at = models.DateTimeField()
    fetched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="fetchedfact_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} of case {self.case_id} from {self.node}"

    @property
    def rows(self) -> list[dict[str, str]]:
        """The fact as summary-list rows in the reader's language (``answers.fact_rows``)."""
        from goodgov.cases.answers import fact_rows

        return fact_rows(self)

    @property
    def provenance(self) -> dict[str, str]:
        """Where and why, in words: agency, registry, legal basis."""
        from goodgov.cases.answers import fact_provenance

        return fact_provenance(self)
