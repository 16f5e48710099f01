"""Mobile phone numbers: what people type, normalised to E.164 (``+66812345678``).

People in Thailand write their mobile number the local way (``081-234-5678``,
``081 234 5678``, ``0812345678``) or with the country code (``+66 81 234 5678``,
``66812345678``), in Thai digits (``๐๘๑-๒๓๔-๕๖๗๘``) as often as in ASCII ones. We store
one form, E.164 in ASCII digits, so sign-in by phone finds the account however the
number was typed. A Thai mobile number has nine digits after +66 and starts with 6, 8
or 9; numbers of other countries must be plausible E.164.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from goodgov.core.thai_address import ascii_digits

# Spaces, and the dashes people type or paste (hyphen, en and em dash, minus sign).
_SEPARATORS = re.compile(r"[\s\-.()/\u2010-\u2015\u2212]")
# [0-9], not \d: \d matches every script's digits, and only ASCII ones are stored.
_THAI_MOBILE = re.compile(r"^\+66[689][0-9]{8}$")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")

INVALID_MESSAGE = _("Enter a mobile phone number, like 081 234 5678 or +66 81 234 5678")


def normalise(value: str) -> str:
    """The E.164 form of a phone number, or ``ValidationError`` (code ``invalid_phone``)."""
    compact = _SEPARATORS.sub("", ascii_digits(value or ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("0"):
        compact = "+66" + compact[1:]
    elif compact.startswith("66") and not compact.startswith("+"):
        compact = "+" + compact
    if compact.startswith("+660"):  # "+66 081..." : the trunk 0 typed after the code
        compact = "+66" + compact[4:]
    if compact.startswith("+66"):
        if not _THAI_MOBILE.match(compact):
            raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
        return compact
    if not _E164.match(compact):
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return compact


def is_valid(value: str) -> bool:
    try:
        normalise(value)
    except ValidationError:
        return False
    return True


def display(e164: str) -> str:
    """A Thai mobile number the way Thais read it (``081-234-5678``); others as stored."""
    if _THAI_MOBILE.match(e164 or ""):
        local = "0" + e164[3:]
        return f"{local[:3]}-{local[3:6]}-{local[6:]}"
    return e164 or ""
