"""Fixtures for issued documents: a demo PKI made once per test session (with the same
code as ``goodgov pki init``), files under a temporary media dir, decided cases."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from goodgov.cases import services as cases
from goodgov.cases.models import Case
from goodgov.documents import pki
from tests.cases.conftest import submitted_case


@pytest.fixture(scope="session")
def nss_db(pki_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """An NSS database trusting the demo root, for poppler's pdfsig (None without certutil)."""
    if shutil.which("certutil") is None:
        return None
    directory = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{directory}",
            "-n",
            "goodgov-demo-root",
            "-t",
            "CT,C,C",
            "-i",
            str(pki_dir / pki.ROOT_CERT),
        ],
        check=True,
    )
    return f"sql:{directory}"


@pytest.fixture
def in_review(citizen_a: Any, service_version: Any, clerk: Any) -> Case:
    case = submitted_case(citizen_a, service_version)
    return cases.case_claim(actor=clerk, case=case)


@pytest.fixture
def approved(in_review: Case, approver: Any) -> Case:
    return cases.case_approve(
        actor=approver, case=in_review, conditions="เปิดร้านได้ไม่เกินเวลา 22.00 น. ทุกวัน"
    )


@pytest.fixture
def issued(approved: Case) -> Any:
    return approved.issued_documents.get()
