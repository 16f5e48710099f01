"""Lists in a sentence: "a, b and c" in English; no commas in Thai, the word joined to
the last item ("วันเดือนปีเกิด อายุ และที่อยู่"), as Thai agencies write them."""

from __future__ import annotations

import pytest
from django.utils import translation

from goodgov.core.thai import text_list


@pytest.mark.parametrize(
    ("items", "word", "thai"),
    [
        (["วันเดือนปีเกิด", "อายุ", "ที่อยู่ตามทะเบียนบ้าน"], "และ", "วันเดือนปีเกิด อายุ และที่อยู่ตามทะเบียนบ้าน"),
        (["วัน", "ปี"], "และ", "วันและปี"),
        (["วัน"], "และ", "วัน"),
        (["PDF", "JPG", "PNG"], "หรือ", "PDF, JPG หรือ PNG"),
        (["PDF", "PNG"], "หรือ", "PDF หรือ PNG"),
    ],
)
def test_thai_lists_have_no_commas_between_thai_words(items, word, thai) -> None:
    with translation.override("th"):
        assert text_list(items, word) == thai


def test_english_lists_are_djangos() -> None:
    with translation.override("en"):
        assert text_list(["date of birth", "age", "address"], "and") == (
            "date of birth, age and address"
        )


def test_the_file_types_an_upload_takes_read_as_a_list_in_each_language() -> None:
    from goodgov.documents.validation import type_names

    accept = ["application/pdf", "image/jpeg", "image/png"]
    with translation.override("th"):
        assert type_names(accept) == "PDF, JPG หรือ PNG"
    with translation.override("en"):
        assert type_names(accept) == "PDF, JPG or PNG"
