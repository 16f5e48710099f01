"""User satisfaction: the mean of the satisfaction answers, and how many, per month.

Worked by hand on small logs (times in Thai time, as in ``test_measures.py``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from goodgov.performance import measures
from goodgov.performance.eventlog import rows_from_entries

JAN, FEB = "2025-01", "2025-02"
PERMIT = ("TBNK", "permit")


def rate(log: Any, reference: str, when: str, score: Any, **where: str) -> None:
    """A ``case.rated`` entry as ``cases.services.case_rate`` records it."""
    agency = where.get("agency", "TBNK")
    log.add(
        "case.rated", when, agency, reference=reference, agency=agency,
        service=where.get("service", "permit"), score=score,
    )  # fmt: skip


def test_the_score_is_flattened_into_its_column(log):
    # given
    rate(log, "TBNK-2568-000001", "2025-01-10 09:00", 4)
    rate(log, "TBNK-2568-000002", "2025-01-10 09:00", True)  # not a score
    # when
    table = rows_from_entries(log.entries, 0)
    # then
    assert table.column("score").to_pylist() == [4, None]
    assert table.column("service").to_pylist() == ["permit", "permit"]


def test_satisfaction_is_the_mean_score_of_the_month(log, compute):
    # given: January: a case decided, then answers 5, 4 and 2 (one answered at 23:59 Thai
    # time on 31 January, which is still January); February: one answer of 1
    reference = log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    log.decide(reference, "2025-01-03 09:00")
    rate(log, reference, "2025-01-05 10:00", 5)
    rate(log, "TBNK-2568-000101", "2025-01-20 10:00", 4)
    rate(log, "TBNK-2568-000102", "2025-01-31 23:59", 2)
    rate(log, "TBNK-2568-000103", "2025-02-01 00:00", 1)
    # when
    rows = compute(log)
    # then: January (5 + 4 + 2) / 3 = 11 / 3 of 3 answers; February 1 of 1
    assert rows[(*PERMIT, JAN)]["satisfaction"] == 11 / 3
    assert rows[(*PERMIT, JAN)]["satisfaction_answers"] == 3
    assert rows[(*PERMIT, FEB)]["satisfaction"] == 1.0
    assert rows[(*PERMIT, FEB)]["satisfaction_answers"] == 1


def test_satisfaction_is_per_agency_and_service(log, compute):
    # given: answers for two services of two agencies in January
    rate(log, "TBNK-2568-000001", "2025-01-05 10:00", 5)
    rate(log, "TBNK-2568-000002", "2025-01-06 10:00", 3)
    rate(log, "DEPT-2568-000001", "2025-01-06 10:00", 2, agency="DEPT", service="licence")
    # when
    rows = compute(log)
    # then
    assert rows[(*PERMIT, JAN)]["satisfaction"] == 4.0
    assert rows[("DEPT", "licence", JAN)]["satisfaction"] == 2.0
    assert rows[("DEPT", "licence", JAN)]["satisfaction_answers"] == 1


def test_a_month_without_answers_has_no_satisfaction_and_zero_answers(log, compute):
    # given: a submission in January, nobody answered
    log.file("2025-01-02 09:00", due="2025-01-20 09:00")
    # when
    row = compute(log)[(*PERMIT, JAN)]
    # then: "no data", never 0
    assert row["satisfaction"] is None
    assert row["satisfaction_answers"] == 0


def test_satisfaction_is_defined_once_with_its_unit():
    # given / when
    measure = measures.by_code("satisfaction")
    # then
    assert measure.unit == measures.SCORE
    assert measure.base == "rated"
    assert measures.by_code("satisfaction_answers").unit == measures.COUNT


@pytest.mark.django_db
def test_the_answers_reach_the_published_figures(
    settings, tmp_path, citizen_a, citizen_b, clerk, approver, service_version
):
    # given: two closed cases this month, answered 4 and 1 (with a comment, which stays
    # out of the public log)
    from django.test import Client

    from goodgov.cases import services as case_services
    from goodgov.ledger import sequencer
    from goodgov.performance.export import export_local
    from tests.cases.conftest import submitted_case

    settings.DATA_DIR = tmp_path
    case = case_services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    case = case_services.case_approve(actor=approver, case=case)
    case_services.case_rate(actor=citizen_a, case=case, score=4)
    other = case_services.case_withdraw(
        actor=citizen_b, case=submitted_case(citizen_b, service_version)
    )
    case_services.case_rate(actor=citizen_b, case=other, score=1, comment="Somchai, 0812345678")
    sequencer.sequence_all()
    export_local()
    # when
    text = Client().get("/en/performance/figures.csv").content.decode()
    page = Client().get("/en/performance/").content.decode()
    # then: (4 + 1) / 2
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["satisfaction"], row["satisfaction_answers"]) == ("2.5", "2")
    assert "0812345678" not in text and "0812345678" not in page
    assert "User satisfaction (1 to 5)" in page
