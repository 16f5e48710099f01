"""An example plan for the demo municipality, made through the services (so its events are
in the ledger). Idempotent: a second call finds the plan and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from goodgov.agencies.models import Agency, Membership, Role
from goodgov.performance import plans, services
from goodgov.performance.models import Indicator, Plan

TITLE_TH = "แผนพัฒนาบริการประชาชนด้วยดิจิทัล (ตัวอย่าง)"
TITLE_EN = "Digital public service development plan (example)"

OBJECTIVES: list[dict[str, Any]] = [
    {
        "name_th": "ประชาชนได้รับบริการรวดเร็ว ตรงตามมาตรฐานเวลา",
        "name_en": "People are served quickly, within the service standards",
        "weight": Decimal("60"),
        "indicators": [
            {
                "name_th": "ร้อยละของคำขอที่วินิจฉัยภายในระยะเวลาตามกฎหมาย",
                "name_en": "Share of applications decided within the statutory deadline",
                "kind": Indicator.Kind.OUTCOME,
                "unit_th": "ร้อยละ",
                "unit_en": "per cent",
                "baseline": Decimal("80"),
                "direction": Indicator.Direction.UP,
                "data_source_th": "คำนวณจากบันทึกสาธารณะ (เหตุการณ์ case.submitted และคำวินิจฉัย)",
                "data_source_en": "Computed from the public ledger (case.submitted and decisions).",
                "weight": Decimal("60"),
                "measure": "within_deadline",
                "targets": {"h1": "90", "h2": "95", "year": "92"},
            },
            {
                "name_th": "ร้อยละของคำขอที่ยื่นทางออนไลน์",
                "name_en": "Share of applications made online",
                "kind": Indicator.Kind.OUTPUT,
                "unit_th": "ร้อยละ",
                "unit_en": "per cent",
                "baseline": Decimal("20"),
                "direction": Indicator.Direction.UP,
                "data_source_th": "คำนวณจากบันทึกสาธารณะ (ช่องทางการยื่นคำขอ)",
                "data_source_en": "Computed from the public ledger (the channel of each filing).",
                "weight": Decimal("40"),
                "measure": "digital_takeup",
                "targets": {"h1": "40", "h2": "50", "year": "45"},
            },
        ],
    },
    {
        "name_th": "ประชาชนพึงพอใจและมีส่วนร่วมในการพัฒนาบริการ",
        "name_en": "People are satisfied and take part in improving services",
        "weight": Decimal("40"),
        "indicators": [
            {
                "name_th": "ระดับความพึงพอใจของผู้รับบริการ",
                "name_en": "Satisfaction of service users",
                "kind": Indicator.Kind.OUTCOME,
                "unit_th": "ร้อยละ",
                "unit_en": "per cent",
                "baseline": Decimal("75"),
                "direction": Indicator.Direction.UP,
                "data_source_th": "ผลสำรวจความพึงพอใจของผู้รับบริการ รายครึ่งปี",
                "data_source_en": "Half-yearly survey of service users.",
                "weight": Decimal("100"),
                "measure": "",
                "targets": {"h1": "80", "h2": "82", "year": "82"},
                "value": {"period": "h1", "value": "78.5"},
            },
        ],
    },
]


def _officer(agency: Agency, *roles: str, exclude: Any = None) -> Any:
    """The first active officer holding the first of ``roles`` anyone holds."""
    for role in roles:
        memberships = Membership.objects.filter(agency=agency, active=True, role=role)
        if exclude is not None:
            memberships = memberships.exclude(user=exclude)
        first = memberships.select_related("user").order_by("user_id").first()
        if first is not None:
            return first.user
    return None


@transaction.atomic
def demo_plan(agency: Agency) -> Plan:
    """The demo plan of ``agency`` for the current fiscal year and the two after it, with
    two objectives, two indicators computed from the ledger and one entered by hand (its
    first-half value entered by a case officer and approved by an approver, when the
    agency has both). Returns the existing plan if there is one with the demo title."""
    existing = Plan.objects.filter(agency=agency, title_th=TITLE_TH).first()
    if existing is not None:
        return existing
    admin = _officer(agency, Role.ADMIN)
    year = plans.fiscal_year_of(timezone.localdate())
    plan = services.plan_create(
        actor=admin,
        agency=agency,
        first_year=year,
        last_year=year + 2,
        title_th=TITLE_TH,
        title_en=TITLE_EN,
        vision_th="บริการสาธารณะที่รวดเร็ว โปร่งใส ตรวจสอบได้ ประชาชนเข้าถึงได้ทุกที่ทุกเวลา",
        vision_en="Public services that are quick, open and verifiable, "
        "within everyone's reach at any time.",
        mission_th="ให้บริการออนไลน์ครบทุกบริการ ลดระยะเวลาการให้บริการ และเปิดเผยผลการดำเนินงานต่อสาธารณะ",
        mission_en="Offer every service online, shorten processing times and publish "
        "results openly.",
    )
    for spec in OBJECTIVES:
        objective = services.objective_add(
            actor=admin,
            plan=plan,
            name_th=spec["name_th"],
            name_en=spec["name_en"],
            weight=spec["weight"],
        )
        for item in spec["indicators"]:
            fields = {k: v for k, v in item.items() if k not in ("targets", "value")}
            indicator = services.indicator_add(
                actor=admin, objective=objective, owner=admin, **fields
            )
            for fiscal_year in plan.fiscal_years:
                for period, target in item["targets"].items():
                    services.target_set(
                        actor=admin,
                        indicator=indicator,
                        fiscal_year=fiscal_year,
                        period=period,
                        value=Decimal(target),
                    )
            entry = item.get("value")
            clerk = _officer(agency, Role.OFFICER, Role.COUNTER)
            approver = _officer(agency, Role.APPROVER, Role.ADMIN, exclude=clerk)
            if entry and clerk is not None and approver is not None:
                period = entry["period"]
                if plans.period_bounds(year, period)[0] <= timezone.localdate():
                    value = services.indicator_value_enter(
                        actor=clerk,
                        indicator=indicator,
                        fiscal_year=year,
                        period=period,
                        value=Decimal(entry["value"]),
                        evidence_note="รายงานผลสำรวจความพึงพอใจ ครึ่งปีแรก (ตัวอย่าง)",
                    )
                    services.indicator_value_approve(actor=approver, value=value)
    return plan
