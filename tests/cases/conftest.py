from __future__ import annotations

from typing import Any

import pytest

from goodgov.cases import services
from goodgov.cases.models import Case

ANSWERS = {"shop_name": "ร้านข้าวแกงป้าแดง", "opening_date": "2026-12-01", "seats": 20}


def submitted_case(applicant: Any, service_version: Any) -> Case:
    case = services.case_start(
        actor=applicant, applicant=applicant, service=service_version.service
    )
    services.case_save_draft(actor=applicant, case=case, answers=dict(ANSWERS))
    return services.case_submit(actor=applicant, case=case, declaration=True)


@pytest.fixture
def submitted(citizen_a: Any, service_version: Any) -> Case:
    return submitted_case(citizen_a, service_version)


@pytest.fixture
def in_review(submitted: Case, clerk: Any) -> Case:
    return services.case_claim(actor=clerk, case=submitted)
