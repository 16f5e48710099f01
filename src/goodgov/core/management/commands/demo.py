"""``goodgov demo``: fictional agencies, officers and citizens to try goodgov with.

Idempotent: what exists already is left as it is, so a second run changes nothing and
records no event. Every write goes through the services (``agency_create``,
``user_register``, ``membership_grant``, ``user_totp_activate``), so the ledger shows
the demo data like any other.

The officers' TOTP secrets are fixed and printed, so a reader of the README (or a
browser test) can compute their codes. Never use them for real accounts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import geothai
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from stdnum.th import pin

from goodgov.accounts import phone as phones
from goodgov.accounts.models import User
from goodgov.accounts.selectors import user_by_phone
from goodgov.accounts.services import user_register, user_totp_activate
from goodgov.agencies.models import Agency
from goodgov.agencies.services import agency_create, membership_grant
from goodgov.core.arguments import at_least

PASSWORD = "goodgov-demo-2568"


def _national_id(first_twelve: str) -> str:
    """A synthetic, valid national ID: twelve chosen digits and their check digit."""
    return first_twelve + pin.calc_check_digit(first_twelve)


# Ban Na, Ban Na District, Nakhon Nayok: a real place, so addresses and codes look
# right; the municipality below is fictional.
TBNK_PLACE = {"province_code": "26", "district_code": "2603", "subdistrict_code": "260301"}

AGENCIES: list[dict[str, Any]] = [
    {
        "code": "TBNK",
        "name_th": "เทศบาลตำบลบ้านนา (สมมติ)",
        "name_en": "Ban Na Subdistrict Municipality (fictional)",
        "kind": Agency.Kind.LOCAL,
        "email": "contact@tbnk.example.test",
        **TBNK_PLACE,
    },
    {
        "code": "DDG",
        "name_th": "กรมบริการประชาชน (สมมติ)",
        "name_en": "Department of Public Services (fictional)",
        "kind": Agency.Kind.CENTRAL,
        "email": "contact@ddg.example.test",
    },
]


@dataclass(frozen=True)
class Person:
    full_name: str
    email: str | None = None
    phone: str | None = None
    national_id: str | None = None
    agency: str | None = None
    roles: tuple[str, ...] = ()
    totp_secret: str | None = None
    description: str = ""


OFFICERS = [
    Person(
        "นางสาวอำนวย การสมมติ",
        "admin.tbnk@example.test",
        agency="TBNK",
        roles=("admin",),
        totp_secret="V7U77IEBQTTORJDHC55LQC35FJNWJZHR",
        description="TBNK admin",
    ),
    Person(
        "นายพิจารณ์ คำร้องดี",
        "clerk.tbnk@example.test",
        agency="TBNK",
        roles=("officer",),
        totp_secret="QSRADURS67T76B44VPEUKCBGBERVEKGB",
        description="TBNK clerk",
    ),
    Person(
        "นางอนุมัติ รวดเร็ว",
        "approver.tbnk@example.test",
        agency="TBNK",
        roles=("officer", "approver"),
        totp_secret="IMORLBETL4GAMH7UYWJOSKZTKQVX4ONQ",
        description="TBNK approver",
    ),
    Person(
        "นายต้อนรับ หน้าเคาน์เตอร์",
        "counter.tbnk@example.test",
        agency="TBNK",
        roles=("counter",),
        totp_secret="X73HDVTAOBRJYCCVMKZFPNWWPJ6U3S64",
        description="TBNK counter",
    ),
    Person(
        "นายบริหาร กรมสมมติ",
        "admin.ddg@example.test",
        agency="DDG",
        roles=("admin",),
        totp_secret="WLXZZ3SPEVW7CSHZG3BWE5QZQ2PIDGAW",
        description="DDG admin",
    ),
    Person(
        "นางสาวตรวจ เอกสารดี",
        "clerk.ddg@example.test",
        agency="DDG",
        roles=("officer",),
        totp_secret="PQCZH2SNUHQLKG5OVWZSTGHRQYMOF2HF",
        description="DDG clerk",
    ),
    Person(
        "นายลงนาม ถูกต้อง",
        "approver.ddg@example.test",
        agency="DDG",
        roles=("officer", "approver"),
        totp_secret="5J4A4NNRQBJSLXJLC663U7IQQ6FH5J6P",
        description="DDG approver",
    ),
    Person(
        "นางบริการ ยิ้มแย้ม",
        "counter.ddg@example.test",
        agency="DDG",
        roles=("counter",),
        totp_secret="7HYHFWY2FZGNMBBFAOG6W3EHWKP2X64F",
        description="DDG counter",
    ),
]

CITIZENS = [
    Person(
        "นางสาวตัวอย่าง ทดลองดี",
        "tuayang@example.test",
        "+66810000001",
        _national_id("110990012345"),
        description="citizen",
    ),
    Person(
        "นายสาธิต ระบบงาม",
        "sathit@example.test",
        None,
        _national_id("110990023456"),
        description="citizen",
    ),
    Person(
        "นางสมมุติ ใจประชา",
        "sommut@example.test",
        None,
        _national_id("310990034567"),
        description="citizen",
    ),
    Person(
        "นายจำลอง บริการดี",
        "jamlong@example.test",
        None,
        _national_id("510990045678"),
        description="citizen",
    ),
    Person(
        "นางสาวทดสอบ มือถือ",
        None,
        "+66800000005",
        _national_id("810990056789"),
        description="citizen, phone only",
    ),
]


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Thai vowel and tone marks take none."""
    return sum(1 for ch in text if unicodedata.category(ch) != "Mn")


def _existing(person: Person) -> User | None:
    if person.email:
        found = User.objects.filter(email__iexact=person.email).first()
        if found is not None:
            return found
    if person.phone:
        return user_by_phone(person.phone)
    return None


class Command(BaseCommand):
    help = "Create fictional demo agencies, officers and citizens, then load the service catalogue."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-catalogue",
            action="store_true",
            help="Do not run `goodgov catalogue load` afterwards.",
        )
        parser.add_argument(
            "--people",
            type=at_least(0),
            default=1000,
            help="Synthetic people in the demo population registry (default 1,000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._check_place()
        with transaction.atomic():
            agencies = {spec["code"]: self._agency(spec) for spec in AGENCIES}
            for person in OFFICERS:
                user = self._person(person, channel="agency")
                for role in person.roles:
                    membership_grant(
                        actor=None, user=user, agency=agencies[str(person.agency)], role=role
                    )
                user_totp_activate(user=user, secret=str(person.totp_secret))
            for person in CITIZENS:
                self._person(person, channel="online")
        if not options["no_catalogue"]:
            self._load_catalogue()
            self._sample_cases()
            self._sample_documents()
            # An example plan with targets and results for the municipality (idempotent).
            from goodgov.performance.demo import demo_plan

            demo_plan(Agency.objects.get(code="TBNK"))
        # The population registry other agencies' services read (goodgov.exchange); idempotent.
        call_command("exchange", "people", "--count", str(options["people"]))
        if not options["no_catalogue"]:
            # The demo citizens are in the registry, and the rights the catalogue's fetched
            # evidence needs are granted (idempotent), so the elderly allowance asks for no upload.
            from goodgov.exchange import demo as exchange_demo

            exchange_demo.register_citizens(CITIZENS)
            exchange_demo.demo_rights()
            exchange_demo.tracker_rights()
        self._print_table()

    def _check_place(self) -> None:
        if geothai.subdistrict(TBNK_PLACE["subdistrict_code"]) is None:
            raise CommandError("geothai no longer knows the demo subdistrict code 260301")

    def _agency(self, spec: dict[str, Any]) -> Agency:
        existing = Agency.objects.filter(code=spec["code"]).first()
        if existing is not None:
            return existing
        return agency_create(actor=None, fictional=True, **spec)

    def _person(self, person: Person, *, channel: str) -> User:
        existing = _existing(person)
        if existing is not None:
            if existing.national_id_claimed and existing.fictional:
                # made before IDs given online were kept as claims: as if checked
                existing.set_national_id(existing.national_id_claimed)
                existing.save()
            return existing
        # Fictional people's IDs count as checked (as a national digital ID sign-in or a
        # counter would have), so the demo's services reach the demo registries.
        return user_register(
            full_name=person.full_name,
            email=person.email,
            phone=person.phone,
            password=PASSWORD,
            national_id=person.national_id,
            channel=channel,
            fictional=True,
            national_id_checked=True,
        )

    def _load_catalogue(self) -> None:
        try:
            call_command("catalogue", "load")
        except CommandError as exc:
            if "Unknown command" in str(exc):
                raise CommandError(
                    "The demo people and agencies are in place, but the service catalogue "
                    "was not loaded: this installation has no `goodgov catalogue` command. "
                    "Run `goodgov demo --no-catalogue` to skip it."
                ) from exc
            raise

    def _sample_cases(self) -> None:
        """A few applications, so officers open a working queue: once, through the services."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from goodgov.cases import services as cases
        from goodgov.cases.models import Case
        from goodgov.catalogue.models import Service
        from goodgov.documents.services import files_discarded_on_failure

        citizens = [_existing(person) for person in CITIZENS]
        if Case.objects.filter(applicant__in=[c for c in citizens if c]).exists():
            return
        shop = Service.objects.filter(code="food-shop-permit", current__isnull=False).first()
        certificate = Service.objects.filter(
            code="residence-certificate", current__isnull=False
        ).first()
        ddg_clerk = _existing(next(p for p in OFFICERS if p.email == "clerk.ddg@example.test"))
        if shop is None or certificate is None or ddg_clerk is None:
            return
        tuayang, sathit, sommut = citizens[0], citizens[1], citizens[2]
        pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        with files_discarded_on_failure(), transaction.atomic():
            # A food shop permit, submitted and waiting for an officer.
            case = cases.case_start(actor=sommut, applicant=sommut, service=shop)
            uploads: cases.Uploads = {
                key: (SimpleUploadedFile(f"{key}.pdf", pdf, "application/pdf"), "application/pdf")
                for key in ("floor_plan", "id_card_copy")
            }
            cases.case_save_draft(
                actor=sommut,
                case=case,
                answers={
                    "shop_name": "ร้านก๋วยเตี๋ยวป้าสมมุติ (สมมติ)",
                    "area_sqm": 48,
                    "seats": 24,
                    "opening_date": "2027-01-15",
                    "shop_address": {
                        "line": "99 หมู่ 1",
                        "postcode": geothai.subdistrict(
                            TBNK_PLACE["subdistrict_code"]
                        ).postal_codes[0],  # type: ignore[union-attr]
                        "subdistrict": TBNK_PLACE["subdistrict_code"],
                        "district": TBNK_PLACE["subdistrict_code"][:4],
                        "province": TBNK_PLACE["subdistrict_code"][:2],
                    },
                },
                uploads=uploads,
            )
            cases.case_submit(actor=sommut, case=case, declaration=True)
            # A certificate request the department's clerk is waiting on the applicant for.
            case = cases.case_start(actor=sathit, applicant=sathit, service=certificate)
            cases.case_save_draft(
                actor=sathit,
                case=case,
                answers={"purpose": "bank", "copies": 2, "delivery": "electronic"},
            )
            case = cases.case_submit(actor=sathit, case=case, declaration=True)
            case = cases.case_claim(actor=ddg_clerk, case=case)
            cases.case_request_info(
                actor=ddg_clerk,
                case=case,
                message="กรุณาแจ้งชื่อธนาคารที่จะนำสำเนาทะเบียนบ้านไปใช้",
            )
            # A draft the citizen has not finished.
            case = cases.case_start(actor=tuayang, applicant=tuayang, service=certificate)
            cases.case_save_draft(actor=tuayang, case=case, answers={"purpose": "job"})
        self.stdout.write(
            "Sample applications: 2 submitted (one waiting for the applicant), 1 draft."
        )

    def _sample_documents(self) -> None:
        """Decided applications with their signed documents (one revoked): once."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from goodgov.cases import services as cases
        from goodgov.catalogue.models import Service
        from goodgov.documents.models import IssuedDocument
        from goodgov.documents.services import document_revoke, files_discarded_on_failure

        jamlong, tuayang = _existing(CITIZENS[3]), _existing(CITIZENS[0])
        if jamlong is None or tuayang is None:
            return
        if IssuedDocument.objects.filter(case__applicant__in=[jamlong, tuayang]).exists():
            return
        shop = Service.objects.filter(code="food-shop-permit", current__isnull=False).first()
        certificate = Service.objects.filter(
            code="residence-certificate", current__isnull=False
        ).first()
        officer = {p.email: _existing(p) for p in OFFICERS}
        if shop is None or certificate is None or None in officer.values():
            return
        pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        place = TBNK_PLACE["subdistrict_code"]
        postcode = geothai.subdistrict(place).postal_codes[0]  # type: ignore[union-attr]

        def decided(applicant: User, service: Any, answers: dict[str, Any], clerk: str) -> Any:
            case = cases.case_start(actor=applicant, applicant=applicant, service=service)
            uploads: cases.Uploads = {
                item["key"]: (
                    SimpleUploadedFile(f"{item['key']}.pdf", pdf, "application/pdf"),
                    "application/pdf",
                )
                for item in service.current.definition.get("evidence", [])
                if item.get("kind") == "upload" and item.get("required")
            }
            cases.case_save_draft(actor=applicant, case=case, answers=answers, uploads=uploads)
            case = cases.case_submit(actor=applicant, case=case, declaration=True)
            return cases.case_claim(actor=officer[clerk], case=case)

        def shop_answers(name: str) -> dict[str, Any]:
            return {
                "shop_name": name,
                "area_sqm": 30,
                "seats": 12,
                "opening_date": "2027-02-01",
                "shop_address": {
                    "line": "12 หมู่ 3",
                    "postcode": postcode,
                    "subdistrict": place,
                    "district": place[:4],
                    "province": place[:2],
                },
            }

        tbnk_approver = officer["approver.tbnk@example.test"]
        with files_discarded_on_failure(), transaction.atomic():
            case = decided(
                jamlong, shop, shop_answers("ร้านข้าวมันไก่ลุงจำลอง (สมมติ)"), "clerk.tbnk@example.test"
            )
            cases.case_approve(
                actor=tbnk_approver, case=case, conditions="ล้างทำความสะอาดพื้นที่ปรุงอาหารทุกวัน"
            )
            case = decided(
                jamlong, shop, shop_answers("ร้านน้ำปั่นลุงจำลอง (สมมติ)"), "clerk.tbnk@example.test"
            )
            case = cases.case_approve(actor=tbnk_approver, case=case)
            document_revoke(
                actor=tbnk_approver,
                document=case.issued_documents.get(),
                reason="ผู้รับใบอนุญาตแจ้งเลิกกิจการ",
            )
            case = decided(
                tuayang,
                certificate,
                {"purpose": "bank", "copies": 1, "delivery": "electronic"},
                "clerk.ddg@example.test",
            )
            cases.case_approve(actor=officer["approver.ddg@example.test"], case=case)
        codes = ", ".join(IssuedDocument.objects.order_by("id").values_list("code", flat=True))
        self.stdout.write(f"Sample documents: 3 issued, 1 of them revoked ({codes}).")

    def _print_table(self) -> None:
        rows = [("Who", "Sign in with", "Password", "TOTP secret")]
        for person in OFFICERS:
            rows.append(
                (
                    f"{person.description}: {person.full_name}",
                    str(person.email),
                    PASSWORD,
                    str(person.totp_secret),
                )
            )
        for person in CITIZENS:
            sign_in = person.email or phones.display(str(person.phone))
            rows.append((f"{person.description}: {person.full_name}", sign_in, PASSWORD, "-"))
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        out = self.stdout
        out.write("")
        out.write("Demo sign-ins (all people and agencies here are fictional):")
        for n, row in enumerate(rows):
            cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
            out.write("  ".join(cells).rstrip())
            if n == 0:
                out.write("  ".join("-" * w for w in widths))
        out.write("")
        out.write(
            "Officers also need a code from an authenticator app: add the TOTP secret to one "
            "(or run `oathtool --totp -b SECRET`). The agencies TBNK and DDG, their officers "
            "and the citizens are fictional; national ID numbers are synthetic."
        )
