"""Shared fixtures: two agencies, citizens, officers with each role, and a service.

Every test gets a fresh database (pytest-django). Officers sign in with a password and
a TOTP code; ``login`` marks the session as the real sign-in flow does.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from goodgov.accounts.models import User
from goodgov.agencies import services as agency_services
from goodgov.agencies.models import Agency

# Valid synthetic national IDs (check digit correct); the people are fictional.
ID_A = "1101700230708"
ID_B = "3100600445783"

#: An evidence item fetched from the population registry instead of uploaded (once-only).
FETCHED: dict[str, Any] = {
    "key": "registry_record",
    "name": {"th": "ข้อมูลทะเบียนราษฎร", "en": "Civil registration record"},
    "kind": "fetched",
    "source": "ddg/population/person",
    "registry": {"th": "ฐานข้อมูลทะเบียนราษฎร", "en": "the civil registration database"},
    "fields": ["birth_date", "age", "address"],
    "legal_basis": "pdpa-24-4",
    "required": True,
}

TEST_DEFINITION: dict[str, Any] = {
    "code": "test-permit",
    "agency": "TBNK",
    "life_events": ["business"],
    "name": {"th": "ใบอนุญาตทดสอบ", "en": "Test permit"},
    "summary": {"th": "บริการสำหรับการทดสอบ", "en": "A service for tests."},
    "who_can_apply": {"th": "ทุกคน", "en": "Anyone."},
    "legal_basis": [
        {
            "act": {
                "th": "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535",
                "en": "Public Health Act B.E. 2535 (1992)",
            },
            "section": {"th": "มาตรา 38", "en": "Section 38"},
            "url": "https://www.krisdika.go.th/",
        }
    ],
    "fee": {"amount": 100},
    "deadline_days": 15,
    "sla_days": {"review": 3, "decision": 10},
    "responsible": {"th": "กองสาธารณสุข", "en": "Public Health Division"},
    "form": {
        "schema": {
            "type": "object",
            "required": ["shop_name", "opening_date"],
            "properties": {
                "shop_name": {"type": "string", "maxLength": 200},
                "opening_date": {"type": "string", "format": "date"},
                "seats": {"type": "integer", "minimum": 0, "maximum": 500},
            },
        },
        "ui": {
            "order": ["shop_name", "opening_date", "seats"],
            "fields": {
                "shop_name": {"label": {"th": "ชื่อร้าน", "en": "Shop name"}},
                "opening_date": {
                    "label": {"th": "วันที่เปิดร้าน", "en": "Opening date"},
                    "widget": "date",
                },
                "seats": {"label": {"th": "จำนวนที่นั่ง", "en": "Number of seats"}},
            },
        },
    },
    "evidence": [
        {
            "key": "floor_plan",
            "name": {"th": "แผนผังร้าน", "en": "Floor plan"},
            "kind": "upload",
            "required": False,
            "accept": ["application/pdf", "image/jpeg", "image/png"],
        }
    ],
    "workflow": {
        "states": {
            s: {"label": {"th": s, "en": s}}
            for s in [
                "submitted",
                "in_review",
                "info_requested",
                "approved",
                "rejected",
                "withdrawn",
            ]
        },
        "transitions": [
            {"name": "claim", "from": ["submitted"], "to": "in_review", "role": "officer"},
            {
                "name": "request_info",
                "from": ["in_review"],
                "to": "info_requested",
                "role": "officer",
            },
            {"name": "answer", "from": ["info_requested"], "to": "in_review", "role": "applicant"},
            {"name": "approve", "from": ["in_review"], "to": "approved", "role": "approver"},
            {"name": "reject", "from": ["in_review"], "to": "rejected", "role": "approver"},
            {
                "name": "withdraw",
                "from": ["submitted", "in_review", "info_requested"],
                "to": "withdrawn",
                "role": "applicant",
            },
        ],
    },
    "output": {"title": {"th": "ใบอนุญาต", "en": "Permit"}},
    "eligibility": {"th": "ทุกคน", "en": "Anyone."},
}


@pytest.fixture
def definition() -> dict[str, Any]:
    return copy.deepcopy(TEST_DEFINITION)


@pytest.fixture
def agency(db: Any) -> Agency:
    return agency_services.agency_create(
        actor=None,
        code="TBNK",
        name_th="เทศบาลตำบลบ้านนา",
        name_en="Ban Na Subdistrict Municipality",
        kind=Agency.Kind.LOCAL,
        fictional=True,
    )


@pytest.fixture
def other_agency(db: Any) -> Agency:
    return agency_services.agency_create(
        actor=None,
        code="DEPT",
        name_th="กรมทดสอบ",
        name_en="Department of Tests",
        kind=Agency.Kind.CENTRAL,
        fictional=True,
    )


def make_user(email: str, national_id: str | None = None, **extra: Any) -> User:
    user = User.objects.create_user(
        email=email, password="correct horse battery", full_name=email.split("@")[0], **extra
    )
    if national_id:
        user.set_national_id(national_id)
        user.save()
    return user


def make_officer(email: str, agency: Agency, *roles: str) -> User:
    user = make_user(email)
    for role in roles:
        agency_services.membership_grant(actor=None, user=user, agency=agency, role=role)
    return user


@pytest.fixture
def citizen_a(db: Any) -> User:
    return make_user("somchai@example.test", ID_A, phone="+66812345678")


@pytest.fixture
def citizen_b(db: Any) -> User:
    return make_user("malee@example.test", ID_B)


@pytest.fixture
def clerk(agency: Agency) -> User:
    """Officer of the owning agency who processes cases but may not decide them."""
    return make_officer("clerk@tbnk.example.test", agency, "officer")


@pytest.fixture
def approver(agency: Agency) -> User:
    return make_officer("approver@tbnk.example.test", agency, "officer", "approver")


@pytest.fixture
def counter_officer(agency: Agency) -> User:
    return make_officer("counter@tbnk.example.test", agency, "counter")


@pytest.fixture
def foreign_officer(other_agency: Agency) -> User:
    """Officer with every role, but in another agency."""
    return make_officer(
        "officer@dept.example.test", other_agency, "officer", "approver", "counter", "admin"
    )


@pytest.fixture
def agency_admin(agency: Agency) -> User:
    return make_officer("admin@tbnk.example.test", agency, "admin")


@pytest.fixture
def service_version(agency: Agency, definition: dict[str, Any]) -> Any:
    from goodgov.catalogue.services import service_publish

    return service_publish(actor=None, definition=definition, source="tests")


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def login(client: Client, user: User, *, totp: bool = True) -> Client:
    """Sign ``user`` in as the sign-in flow would, second factor included.

    Officers must have a TOTP authenticator (the middleware insists); they get one here
    unless ``totp=False`` (to test what an officer without one meets).
    """
    if totp and user.memberships.filter(active=True).exists():
        from goodgov.accounts.services import user_totp_activate

        user_totp_activate(user=user, secret=TOTP_SECRET)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def as_user(db: Any) -> Any:
    """``as_user(user)`` gives a test client signed in as that user (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        return login(client, user) if user is not None else client

    return make


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo PKI made once per session with the code of ``goodgov pki init``: approving
    or rejecting a case issues a signed document."""
    from goodgov.documents import pki

    directory = tmp_path_factory.mktemp("pki")
    pki.pki_init(
        agencies=[("TBNK", "Ban Na Subdistrict Municipality"), ("DEPT", "Department of Tests")],
        directory=directory,
    )
    return directory


@pytest.fixture(autouse=True)
def _signing_and_media(settings: Any, pki_dir: Path, tmp_path: Path) -> None:
    """Signing keys from the session's PKI, and files under the test's own media dir."""
    settings.GOODGOV_SIGNING_DIR = str(pki_dir)
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in Thai, the default, whatever an earlier test activated."""
    from django.utils import translation

    translation.activate("th")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_kept_exchange_connections() -> Any:
    """A provider connection kept alive by one test is closed after it: the live server's
    thread serving it would otherwise hold its database connection open, and PostgreSQL
    then refuses to drop the test database at the end of the run."""
    yield
    from goodgov.exchange import client

    client.close_connections()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Tests only: PBKDF2 would take most of each sign-in test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_by_name(settings: Any) -> None:
    """Pages link static files by their own names: the manifest storage's hashed names
    exist only after ``collectstatic``, which unit tests do not run."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
