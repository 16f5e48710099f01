"""Public services and their versioned definitions (loaded from ``services/*.yaml``).

A changed definition becomes a new :class:`ServiceVersion`; a case pins the version it
was filed under, so its form, evidence and workflow never change under it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema
from django.db import models
from django.utils.translation import get_language

from goodgov.catalogue.validation import schema_validator
from goodgov.core.fastschema import compile_schema
from goodgov.core.models import Timestamped

# Definitions never change once stored (a change is a new version), so validators built
# from them can be kept for the life of the process, keyed by the definition's digest.
#: Per (definition digest, complete): the form's validator and its compiled fast check.
_answer_checks: dict[
    tuple[str, bool],
    tuple[jsonschema.Draft202012Validator, Callable[[Any], bool] | None],
] = {}


def localized(value: Any) -> str:
    """Pick the current language from a ``{"th": ..., "en": ...}`` mapping (Thai first)."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    lang = (get_language() or "th")[:2]
    return str(value.get(lang) or value.get("th") or value.get("en") or "")


class Service(Timestamped):
    code = models.SlugField(max_length=64, unique=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="services")
    current = models.ForeignKey(
        "ServiceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def definition(self) -> dict[str, Any]:
        return self.current.definition if self.current else {}

    @property
    def name(self) -> str:
        return localized(self.definition.get("name"))


class ServiceVersion(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the canonical definition")
    source = models.CharField(max_length=255, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "number"], name="serviceversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["service", "digest"], name="serviceversion_unique_digest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number}"

    @property
    def name(self) -> str:
        return localized(self.definition.get("name"))

    def answers_validator(self, *, complete: bool) -> jsonschema.Draft202012Validator:
        """The form's JSON Schema validator, built once per definition and kept.

        ``complete=False`` drops ``required``: a draft may be half filled in.
        """
        return self._answers_checks(complete)[0]

    def answers_accepted(self, answers: Any, *, complete: bool) -> bool:
        """True when the form's schema surely accepts ``answers`` (a predicate compiled
        from it, :mod:`goodgov.core.fastschema`); False means ask :meth:`answers_validator`,
        which also names what is wrong."""
        fast = self._answers_checks(complete)[1]
        return fast is not None and fast(answers)

    def _answers_checks(
        self, complete: bool
    ) -> tuple[jsonschema.Draft202012Validator, Callable[[Any], bool] | None]:
        key = (self.digest, complete)
        checks = _answer_checks.get(key) if self.digest else None
        if checks is None:
            schema = dict(self.definition["form"]["schema"])
            if not complete:
                schema.pop("required", None)
            # Never fetches what a $ref names, even in a version stored before the loader
            # refused references outside the form: such a reference fails to resolve.
            validator = schema_validator(schema)
            checks = (validator, compile_schema(schema))
            if self.digest:  # an unsaved version (no digest yet) is not cached
                _answer_checks[key] = checks
        return checks

    def transition(self, name: str) -> dict[str, Any] | None:
        for t in self.definition.get("workflow", {}).get("transitions", []):
            if t["name"] == name:
                return dict(t)
        return None

    def state_label(self, state: str) -> str:
        states = self.definition.get("workflow", {}).get("states", {})
        return localized(states.get(state, {}).get("label")) or state
