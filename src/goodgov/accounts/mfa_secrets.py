"""The second factor's secrets sealed at rest.

allauth keeps each authenticator's secrets in its ``data`` JSON: a TOTP key
(``secret``), a recovery-code seed (``seed``) and codes carried over from elsewhere
(``migrated_codes``). Anyone holding them can make the codes, so a database dump must
not show them: they are sealed like national IDs (AES-GCM with a key derived from the
secret key, :mod:`goodgov.core.national_id`), under their own purpose. The MFA adapter
seals what allauth writes and opens what it reads; a value written before sealing began
(no ``v1:`` prefix: base32 and hex have no colon) still reads as it is, until the
migration that seals them or ``goodgov pii rekey`` has run.
"""

from __future__ import annotations

from typing import Any

from goodgov.core import national_id

PURPOSE = b"mfa-secret-v1"
SEALED_PREFIX = "v1:"
KEYS = ("secret", "seed")  # one sealed value each
LISTS = ("migrated_codes",)  # a list of sealed values


def seal(text: str) -> str:
    return national_id.encrypt_text(text, purpose=PURPOSE)


def open_(text: str) -> str:
    """The secret; a value stored before sealing began comes back as it is."""
    if text.startswith(SEALED_PREFIX):
        return national_id.decrypt_text(text, purpose=PURPOSE)
    return text


def _current(text: str) -> str | None:
    """``text`` sealed with the current key, or None when it already is."""
    if not text.startswith(SEALED_PREFIX):
        return seal(text)
    plain, current = national_id.decrypt_text_current(text, purpose=PURPOSE)
    return None if current else seal(plain)


def resealed(data: dict[str, Any]) -> dict[str, Any] | None:
    """An authenticator's ``data`` with every secret sealed with the current key, or None
    when nothing needs it (a second run changes nothing)."""
    out, changed = dict(data), False
    for key in KEYS:
        value = data.get(key)
        if isinstance(value, str) and (new := _current(value)) is not None:
            out[key], changed = new, True
    for key in LISTS:
        values = data.get(key)
        if isinstance(values, list):
            items = []
            for value in values:
                new = _current(value) if isinstance(value, str) else None
                items.append(value if new is None else new)
                changed = changed or new is not None
            out[key] = items
    return out if changed else None
