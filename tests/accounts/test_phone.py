from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from goodgov.accounts import phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("081-234-5678", "+66812345678"),
        ("081 234 5678", "+66812345678"),
        ("0812345678", "+66812345678"),
        ("+66 81 234 5678", "+66812345678"),
        ("+66812345678", "+66812345678"),
        ("66812345678", "+66812345678"),
        ("+66 081 234 5678", "+66812345678"),
        ("0066 81 234 5678", "+66812345678"),
        ("(062) 000-1111", "+66620001111"),
        ("+44 7700 900123", "+447700900123"),
    ],
)
def test_accepted_forms_become_e164(typed: str, stored: str) -> None:
    assert phone.normalise(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["", "02-123-4567", "081-234-567", "081-234-56789", "+66 2 123 4567", "hello", "+0123456789"],
)
def test_invalid_numbers_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        phone.normalise(typed)
    assert info.value.code == "invalid_phone"


def test_display_is_the_thai_local_form() -> None:
    assert phone.display("+66812345678") == "081-234-5678"
    assert phone.display("+447700900123") == "+447700900123"
