"""Identical uploads share one stored file, but only once a committed row holds it: a
request that fails deletes the files it stored, and must never delete one another
request has committed (review of the case workflow, finding 4, on PostgreSQL: B shared
A's file while A's transaction was open; A then failed and deleted it under B's row)."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from goodgov.cases import services
from goodgov.catalogue.services import service_publish
from goodgov.documents import services as document_services
from goodgov.documents.models import Evidence
from tests.conftest import TEST_DEFINITION

pytestmark = pytest.mark.django_db(transaction=True)

PLAN = b"%PDF-1.4\n% a floor plan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOO_BIG = b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n"


@pytest.fixture
def definition() -> dict[str, Any]:
    found = copy.deepcopy(TEST_DEFINITION)
    found["evidence"].append(
        {
            "key": "extra",
            "name": {"th": "เอกสารอื่น", "en": "Other document"},
            "kind": "upload",
            "required": False,
            "accept": ["application/pdf"],
        }
    )
    return found


def _upload(name: str, data: bytes) -> tuple[Any, str]:
    return (SimpleUploadedFile(name, data), "application/pdf")


def test_a_failed_request_never_deletes_a_file_another_committed(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    citizen_a: Any,
    citizen_b: Any,
    service_version: Any,
    other_agency: Any,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two transactions at once: PostgreSQL (SQLite writes one at a time)")
    # given: A's draft, whose second upload will fail the case's size limit; B's draft
    settings.GOODGOV_CASE_UPLOAD_MAX_BYTES = 1000
    case_a = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    other = copy.deepcopy(TEST_DEFINITION) | {"code": "dept-permit", "agency": "DEPT"}
    case_b = services.case_start(
        actor=citizen_b,
        applicant=citizen_b,
        service=service_publish(actor=None, definition=other, source="tests").service,
    )
    # A pauses after storing its floor plan, its transaction open, until B is done
    stored, release = threading.Event(), threading.Event()
    check_total = document_services._check_case_total

    def pausing(case: Any, item: str, size: int) -> None:
        if item == "extra" and threading.current_thread().name == "A":
            stored.set()
            release.wait(10)
        check_total(case, item, size)

    monkeypatch.setattr(document_services, "_check_case_total", pausing)
    failures: list[Exception] = []

    def request_a() -> None:
        try:
            services.case_save_draft(
                actor=citizen_a,
                case=case_a,
                answers={},
                uploads={
                    "floor_plan": _upload("plan.pdf", PLAN),
                    "extra": _upload("x.pdf", TOO_BIG),
                },
            )
        except services.CaseError as exc:
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=request_a, name="A")
    thread.start()
    assert stored.wait(10)

    # when: B uploads the same bytes and commits meanwhile; then A fails
    services.case_save_draft(
        actor=citizen_b, case=case_b, answers={}, uploads={"floor_plan": _upload("b.pdf", PLAN)}
    )
    release.set()
    thread.join(10)

    # then: A failed and left nothing; B's evidence still has its file
    assert failures
    assert not Evidence.objects.filter(case=case_a).exists()
    evidence = Evidence.objects.get(case=case_b)
    assert evidence.file.storage.exists(evidence.file.name)
