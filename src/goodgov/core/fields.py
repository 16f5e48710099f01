"""Model fields that keep personal data unreadable in a database dump."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models

from goodgov.core.national_id import decrypt_text, encrypt_text


class EncryptedJSONField(models.TextField):
    """A JSON value stored AES-GCM encrypted; decrypted on load.

    It cannot be filtered on; keep anything you query in ordinary columns.
    """

    description = "JSON, encrypted at rest"
    purpose = b"json-field-v1"  # what its values are sealed with (``goodgov pii rekey`` too)
    if TYPE_CHECKING:  # what django-stubs reads for the attribute's type
        _pyi_private_set_type: Any
        _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(decrypt_text(value, purpose=self.purpose))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("v1:"):
            return json.loads(decrypt_text(value, purpose=self.purpose))
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_text(
            json.dumps(value, ensure_ascii=False, sort_keys=True), purpose=self.purpose
        )


class EncryptedTextField(models.TextField):
    """A short text stored AES-GCM encrypted."""

    purpose = b"pii-encryption-v1"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt_text(value, purpose=self.purpose)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return encrypt_text(str(value), purpose=self.purpose)
