"""Answers as summary-list rows: BE dates in Thai, labels, addresses, masked IDs."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from goodgov.cases.answers import answer_rows

ANSWERS = {
    "shop_name": "Somchai Noodles",
    "opening_date": "2026-11-24",
    "seats": 1200,
    "applicant_id": "1101700230708",
    "home": {
        "line": "12",
        "postcode": "10200",
        "subdistrict": "100101",
        "district": "1001",
        "province": "10",
    },
    "bank": "ktb",
    "phone": "+66812345678",
    "agree": True,
    "old_question": "kept from an older version",
}


def test_rows_follow_the_form_order_in_thai(full_version: Any) -> None:
    # given / when
    with translation.override("th"):
        rows = answer_rows(full_version, ANSWERS, reveal_national_ids=False)

    # then
    assert [r["key"] for r in rows] == [
        "shop_name",
        "opening_date",
        "seats",
        "applicant_id",
        "home",
        "bank",
        "phone",
        "agree",
    ]
    values = {r["key"]: r["value"] for r in rows}
    assert values["opening_date"] == "24 พฤศจิกายน 2569"
    assert values["seats"] == "1,200"
    assert values["home"] == "12 แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร 10200"
    assert values["bank"] == "ธนาคารกรุงไทย"
    assert values["phone"] == "081 234 5678"
    assert rows[0]["label"] == "ชื่อร้าน"


def test_national_ids_are_masked_unless_revealed(full_version: Any) -> None:
    # given / when
    masked = answer_rows(full_version, ANSWERS, reveal_national_ids=False)
    revealed = answer_rows(full_version, ANSWERS, reveal_national_ids=True)

    # then
    assert next(r["value"] for r in masked if r["key"] == "applicant_id") == "x-xxxx-xxxx0-70-8"
    assert next(r["value"] for r in revealed if r["key"] == "applicant_id") == "1-1017-00230-70-8"


def test_english_rows_use_english_labels_and_common_era(full_version: Any) -> None:
    # given / when
    with translation.override("en"):
        rows = {r["key"]: r for r in answer_rows(full_version, ANSWERS, reveal_national_ids=False)}

        # then
        assert rows["opening_date"]["value"] == "24 November 2026"
        assert rows["bank"]["value"] == "Krungthai Bank"
        assert rows["agree"]["value"] == "Yes"
        assert rows["home"]["value"] == "12, Phra Borom Maha Ratchawang, Phra Nakhon, Bangkok 10200"
        assert rows["applicant_id"]["label"] == "National ID number"


def test_the_summary_list_template_renders_each_row(full_version: Any) -> None:
    # given
    with translation.override("en"):
        rows = answer_rows(
            full_version, {"shop_name": "A & B", "seats": 3}, reveal_national_ids=False
        )

        # when
        html = render_to_string("cases/includes/answers.html", {"rows": rows})

    # then
    assert html.count('class="govuk-summary-list__row"') == 2
    assert '<dt class="govuk-summary-list__key">Shop name</dt>' in html
    assert '<dd class="govuk-summary-list__value">A &amp; B</dd>' in html
