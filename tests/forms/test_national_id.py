"""National ID numbers: dashes and spaces accepted, check digit verified, 13 digits stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from goodgov.cases.forms import application_form
from tests.conftest import ID_A
from tests.forms.conftest import version_of


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the English texts."""
    with translation.override("en"):
        yield


@pytest.fixture
def id_version() -> Any:
    return version_of(
        {
            "code": "id-only",
            "form": {
                "schema": {
                    "type": "object",
                    "required": ["person"],
                    "properties": {"person": {"type": "string", "pattern": "^[0-9]{13}$"}},
                },
                "ui": {
                    "order": ["person"],
                    "fields": {
                        "person": {
                            "label": {"th": "เลขประจำตัวประชาชน", "en": "National ID number"},
                            "widget": "national_id",
                        }
                    },
                },
            },
            "evidence": [],
        }
    )


@pytest.mark.parametrize("typed", ["1101700230708", "1-1017-00230-70-8", " 1 1017 00230 70 8 "])
def test_a_valid_id_is_stored_as_13_digits(id_version: Any, typed: str) -> None:
    # given
    form = application_form(id_version, data={"person": typed}, files={})

    # when
    assert form.is_valid(), form.errors

    # then
    assert form.answers() == {"person": ID_A}


@pytest.mark.parametrize(
    "typed", ["1101700230709", "110170023070", "11017002307081", "abcdefghijklm"]
)
def test_a_wrong_id_is_refused(id_version: Any, typed: str) -> None:
    # given
    with translation.override("en"):
        form = application_form(id_version, data={"person": typed}, files={})

        # when
        valid = form.is_valid()

    # then
    assert valid is False
    assert form.errors == {"person": ["Enter a valid 13-digit national ID number"]}
