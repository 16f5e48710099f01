"""A question whose label is a question ("How do you want to be paid?") is named in its
error messages by the noun phrase its definition gives, in Thai and in English."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import translation

from goodgov.cases.forms import application_form
from tests.conftest import TEST_DEFINITION
from tests.forms.conftest import version_of


def _asking(**extra: Any) -> Any:
    d = copy.deepcopy(TEST_DEFINITION)
    d["form"]["schema"]["required"].append("payment")
    d["form"]["schema"]["properties"]["payment"] = {"type": "string", "enum": ["cash", "bank"]}
    d["form"]["schema"]["properties"]["opens"] = {"type": "integer"}
    d["form"]["ui"]["order"] += ["payment", "opens"]
    d["form"]["ui"]["fields"]["payment"] = {
        "label": {"th": "ประสงค์รับเงินโดยวิธีใด", "en": "How do you want to be paid?"},
        "noun": {"th": "วิธีรับเงิน", "en": "way you want to be paid"},
        "widget": "radios",
        "choices": {"cash": {"th": "เงินสด", "en": "Cash"}, "bank": {"th": "โอน", "en": "Bank"}},
    }
    d["form"]["ui"]["fields"]["opens"] = {
        "label": {"th": "เปิดกี่โมง", "en": "When do you open?"},
        "noun": {"th": "เวลาเปิด (นาฬิกา)", "en": "hour you open"},
        **extra,
    }
    return version_of(d)


@pytest.mark.parametrize(
    ("language", "choose", "number"),
    [
        ("th", "กรุณาเลือกวิธีรับเงิน", "กรุณากรอกเวลาเปิด (นาฬิกา) เป็นจำนวนเต็ม เช่น 20"),
        (
            "en",
            "Select the way you want to be paid",
            "Enter the hour you open as a whole number, like 20",
        ),
    ],
)
def test_errors_name_a_question_by_its_noun(language: str, choose: str, number: str) -> None:
    # given / when
    with translation.override(language):
        form = application_form(_asking(), data={"opens": "nine"}, files={})
        form.is_valid()
        errors = {name: [str(e) for e in form.errors[name]] for name in ("payment", "opens")}

    # then
    assert errors == {"payment": [choose], "opens": [number]}
