"""Real objects for the URL walk of ``tests/test_routes.py``, and the value each route
parameter takes from them.

A route with parameters is requested with the values of objects that exist, so that a
view which forgot its access check would answer a stranger 200; an invented value
would be answered 404 and hide the fault. One set of objects serves every route.

A new route whose parameter name :func:`parameter_values` does not know fails the walk
until its name is added here.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from goodgov.agencies import services as agency_services
from goodgov.agencies.models import Agency, Membership
from goodgov.cases import services as case_services
from goodgov.cases.models import Case
from goodgov.catalogue.services import service_publish
from goodgov.documents.models import Evidence, IssuedDocument
from goodgov.exchange import breach as breaches
from goodgov.exchange import services as exchange_services
from goodgov.exchange.models import Breach, Consent, RecordView
from goodgov.governance import services as governance_services
from goodgov.governance.models import ItaAnswer
from goodgov.ledger import sequencer
from goodgov.ledger.models import Event
from goodgov.notifications.models import Message
from goodgov.performance import plans
from goodgov.performance import services as plan_services
from goodgov.performance.models import Indicator, IndicatorValue, Plan, StrategicObjective
from tests.cases.conftest import submitted_case
from tests.conftest import ID_A, TEST_DEFINITION, TOTP_SECRET, make_officer, make_user
from tests.documents.test_evidence_access import case_with_upload
from tests.performance.test_plans import make_indicator, set_target

ITA_YEAR = 2568  # Buddhist era, as the ITA pages take it
ITA_ITEM = "O1"


@dataclass(frozen=True)
class RouteObjects:
    agency: Agency
    citizen: User
    clerk: User  # officer of the agency, with a TOTP authenticator an admin may reset
    approver: User
    admin: User
    service_code: str
    draft: Case  # the citizen's draft: the edit and review pages take drafts only
    submitted: Case  # submitted, with an uploaded floor plan; its submission is sequenced
    decided: Case  # approved, with its issued permit
    evidence: Evidence
    document: IssuedDocument
    receipt_index: int
    consent: Consent
    breach: Breach
    plan: Plan
    objective: StrategicObjective
    indicator: Indicator
    value: IndicatorValue


def build() -> RouteObjects:
    """An agency TBNK with its officers, a published service, cases in three states with
    evidence and an issued permit, a consent, a breach, a plan and the ITA checklist."""
    agency = agency_services.agency_create(
        actor=None,
        code="TBNK",
        name_th="เทศบาลตำบลบ้านนา",
        name_en="Ban Na Subdistrict Municipality",
        kind=Agency.Kind.LOCAL,
        fictional=True,
    )
    citizen = make_user("somchai@example.test", ID_A, phone="+66812345678")
    clerk = make_officer("clerk@tbnk.example.test", agency, "officer")
    approver = make_officer("approver@tbnk.example.test", agency, "officer", "approver")
    admin = make_officer("admin@tbnk.example.test", agency, "admin")
    user_totp_activate(user=clerk, secret=TOTP_SECRET)
    version = service_publish(actor=None, definition=copy.deepcopy(TEST_DEFINITION), source="tests")

    draft = case_with_upload(actor=citizen, applicant=citizen, service_version=version)
    submitted = case_services.case_submit(
        actor=citizen,
        case=case_with_upload(actor=citizen, applicant=citizen, service_version=version),
        declaration=True,
    )
    decided = case_services.case_approve(
        actor=approver,
        case=case_services.case_claim(actor=clerk, case=submitted_case(citizen, version)),
        conditions="เปิดร้านได้ไม่เกินเวลา 22.00 น.",
    )
    sequencer.sequence_all()
    submission = Event.objects.get(
        subject_type="cases.case", subject_id=str(submitted.pk), action="case.submitted"
    )

    now = timezone.now()
    consent = exchange_services.consent_give(
        actor=citizen,
        person_hash=citizen.national_id_hash,
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        expires_at=now + dt.timedelta(days=30),
    )
    breach = breaches.breach_record(
        actor=admin,
        agency=agency,
        discovered_at=now - dt.timedelta(hours=1),
        description="A list of applicants' phone numbers was emailed to a wrong address.",
        affected_count=3,
        risk="risk",
    )

    year = plans.fiscal_year_of(timezone.localdate())
    plan = plan_services.plan_create(
        actor=admin,
        agency=agency,
        first_year=year,
        last_year=year + 1,
        title_th="แผนพัฒนาบริการดิจิทัล",
        vision_th="บริการรวดเร็ว โปร่งใส",
        mission_th="ให้บริการออนไลน์",
    )
    objective = plan_services.objective_add(actor=admin, plan=plan, name_th="บริการรวดเร็ว", weight=1)
    indicator = make_indicator(objective, baseline="70", owner=clerk, name="ความพึงพอใจ")
    set_target(indicator, "80", "h1", year)
    value = plan_services.indicator_value_enter(
        actor=clerk,
        indicator=indicator,
        fiscal_year=year,
        period="h1",
        value=Decimal("75"),
        evidence_note="ผลสำรวจ",
    )
    governance_services.ita_checklist_load(year=ITA_YEAR)

    return RouteObjects(
        agency=agency,
        citizen=citizen,
        clerk=clerk,
        approver=approver,
        admin=admin,
        service_code=version.service.code,
        draft=draft,
        submitted=submitted,
        decided=decided,
        evidence=Evidence.objects.get(case=submitted),
        document=decided.issued_documents.get(),
        receipt_index=submission.leaf_index,
        consent=consent,
        breach=breach,
        plan=plan,
        objective=objective,
        indicator=indicator,
        value=value,
    )


#: A parameter's value: text, or a function of the route's path (the admin's pages).
Value = str | Callable[[str], str]


def _admin_object_id(path: str) -> str:
    """The primary key of a row of the model an admin page is about (``/admin/<app>/<model>/
    <object_id>/...``); the admin's "view on site" link takes a user."""
    parts = path.split("/admin/", 1)[1].split("/")
    if parts[0] == "r":
        return str(User.objects.order_by("pk").values_list("pk", flat=True).first())
    model = apps.get_model(parts[0], parts[1])
    found = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return str(found if found is not None else 1)  # no row of this model: nothing to find


def parameter_values(objects: RouteObjects) -> dict[str, Value]:
    """Each route parameter's value, by the parameter's name."""
    return {
        # cases, the office, the API
        "case_id": str(objects.submitted.uuid),
        "index": str(objects.receipt_index),
        # an agency's pages: officers, DPO, plans, costs, ITA answers
        "code": objects.agency.code,
        "user_id": str(objects.clerk.pk),
        # documents
        "evidence_id": str(objects.evidence.uuid),
        "document_id": str(objects.document.uuid),
        # the person's data
        "reference": str(objects.consent.reference),
        "breach_id": str(objects.breach.uuid),
        # plans
        "plan_id": str(objects.plan.pk),
        "objective_id": str(objects.objective.pk),
        "indicator_id": str(objects.indicator.pk),
        "value_id": str(objects.value.pk),
        # the ITA checklist
        "year": str(ITA_YEAR),
        "item": ITA_ITEM,
        # Django admin
        "app_label": "agencies",
        "object_id": _admin_object_id,
        "content_type_id": str(ContentType.objects.get_for_model(User).pk),
        "url": "agencies/agency",  # without its slash: the admin's catch-all
    }


def route_values(objects: RouteObjects) -> dict[str, dict[str, Value]]:
    """Values for the routes whose parameter of a common name needs another object."""
    draft = str(objects.draft.uuid)
    return {
        "cases:start": {"code": objects.service_code},  # a service's code, not an agency's
        "catalogue:detail": {"code": objects.service_code},
        "catalogue:privacy": {"code": objects.service_code},
        "cases:edit": {"case_id": draft},
        "cases:review": {"case_id": draft},
        "cases:rate": {"case_id": str(objects.decided.uuid)},  # closed cases only
    }


#: What the rightful person's POST needs to reach its object, for views that answer an
#: invalid form 404 (the walk's check that its values are real; the POST is undone).
POST_BODIES: dict[str, dict[str, str]] = {
    "agencies:role_grant": {"role": "approver"},
    "agencies:role_revoke": {"role": "officer"},
}


#: The tables whose rows an anonymous request must leave as they were.
WATCHED: tuple[type[Model], ...] = (
    Case,
    Evidence,
    IssuedDocument,
    Agency,
    Membership,
    User,
    EmailAddress,
    Authenticator,
    Consent,
    RecordView,
    Breach,
    Plan,
    StrategicObjective,
    Indicator,
    IndicatorValue,
    ItaAnswer,
    Message,
)


def counts() -> dict[str, int]:
    """The ledger's events and the main tables, counted."""
    return {
        "ledger events": Event.objects.count(),
        "cases": Case.objects.count(),
        "memberships": Membership.objects.count(),
        "issued documents": IssuedDocument.objects.count(),
    }


def snapshot() -> dict[str, Any]:
    """The counts, and every row of the watched tables as it is now."""
    rows = {
        model._meta.label: list(model._default_manager.order_by("pk").values()) for model in WATCHED
    }
    return {**counts(), **rows}
