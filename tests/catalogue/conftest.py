"""Fixtures for the catalogue: the demo agencies, a copy of services/, decided cases."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings as django_settings
from django.utils import timezone

from goodgov.agencies import services as agency_services
from goodgov.agencies.models import Agency
from goodgov.cases.models import Case
from goodgov.catalogue.models import Service
from goodgov.catalogue.services import LoadResult, catalogue_load

REAL_SERVICES = Path(django_settings.REPO_DIR) / "services"
CODES = [
    "building-permit",
    "elderly-allowance",
    "food-shop-permit",
    "pdpa-correction",
    "pdpa-erasure",
    "residence-certificate",
]


@pytest.fixture(autouse=True)
def _static_files_by_name(settings: Any) -> None:
    """Pages link static files by their own names (no collectstatic in unit tests)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def ddg_agency(db: Any) -> Agency:
    return agency_services.agency_create(
        actor=None,
        code="DDG",
        name_th="กรมบริการประชาชน (สมมติ)",
        name_en="Department of Public Services (fictional)",
        kind=Agency.Kind.CENTRAL,
        fictional=True,
    )


@pytest.fixture
def agencies(agency: Agency, ddg_agency: Agency) -> tuple[Agency, Agency]:
    return agency, ddg_agency


@pytest.fixture
def services_dir(tmp_path: Path) -> Path:
    """A copy of the real services/ directory, free to change."""
    target = tmp_path / "services"
    target.mkdir()
    for path in REAL_SERVICES.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def read_yaml(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def edit(services_dir: Path) -> Callable[[str, Callable[[dict[str, Any]], Any]], Path]:
    """``edit(code, change)``: apply ``change`` to services/<code>.yaml in the copy."""

    def do(code: str, change: Callable[[dict[str, Any]], Any]) -> Path:
        path = services_dir / f"{code}.yaml"
        data = read_yaml(path)
        change(data)
        write_yaml(path, data)
        return path

    return do


@pytest.fixture
def loaded(agencies: Any, services_dir: Path) -> LoadResult:
    return catalogue_load(actor=None, directory=services_dir)


@pytest.fixture
def decided_case(citizen_a: Any) -> Callable[..., Case]:
    """``decided_case(service, days=..., state=...)``: a case row decided ``days`` after
    it was submitted (``days=None``: still open)."""
    counter = iter(range(1, 1000))

    def make(service: Service, *, days: float | None, state: str = "approved") -> Case:
        submitted = timezone.now() - dt.timedelta(days=30)
        return Case.objects.create(
            reference=f"TEST-{next(counter)}",
            service=service,
            version=service.current,
            agency=service.agency,
            applicant=citizen_a,
            state=state,
            submitted_at=submitted,
            decided_at=None if days is None else submitted + dt.timedelta(days=days),
        )

    return make
