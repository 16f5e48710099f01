"""The agency's phase of digital government, from the capabilities it actually uses.

Four phases, each reached when the agency uses its capabilities in the period (the
evidence is shown with each): information online, transactions online, digital from end
to end, connected and open government. The current phase is the highest one reached with
every phase before it reached too. See docs/governance.md for where the phases come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from goodgov.governance import indicators as gi
from goodgov.governance.indicators import Context, Fact, Link
from goodgov.performance import measures as m


@dataclass(frozen=True)
class Capability:
    label: Any
    count: int
    link: Link | None

    @property
    def used(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class Phase:
    number: int
    name: dict[str, str]
    description: dict[str, str]
    capabilities: list[Capability]

    @property
    def reached(self) -> bool:
        return all(c.used for c in self.capabilities)

    @property
    def facts(self) -> list[Fact]:
        return [Fact(c.label, gi.shown_number(c.count)) for c in self.capabilities]


@dataclass(frozen=True)
class Maturity:
    phases: list[Phase]

    @property
    def current(self) -> int:
        """The highest phase reached with every earlier phase reached (0: none yet)."""
        current = 0
        for phase in self.phases:
            if not phase.reached:
                break
            current = phase.number
        return current


def _count(ctx: Context, action: str, **equal: str) -> int:
    events = ctx.mine()
    if events is None:
        return 0
    rows = events.filter((events.action == action) & ctx.in_period(m.month_of(events.at)))
    for column, value in equal.items():
        rows = rows.filter(rows[column] == value)
    return int(rows.count().to_pyarrow().as_py())


def _entries(ctx: Context) -> int:
    events = ctx.mine()
    if events is None:
        return 0
    rows = events.filter(ctx.in_period(m.month_of(events.at)))
    return int(rows.count().to_pyarrow().as_py())


def maturity(ctx: Context) -> Maturity:
    from goodgov.catalogue.models import Service

    services = Service.objects.filter(agency=ctx.agency, active=True, current__isnull=False).count()
    return Maturity(
        [
            Phase(
                1,
                {"th": "ข้อมูลบริการออนไลน์", "en": "Information online"},
                {
                    "th": "หน่วยงานเผยแพร่บริการพร้อมขั้นตอน เอกสาร ระยะเวลา และฐานทางกฎหมายทางออนไลน์",
                    "en": "The agency publishes its services online, with their steps, "
                    "documents, time limits and legal basis.",
                },
                [Capability(_("Services in the catalogue"), services, gi.catalogue_link(ctx))],
            ),
            Phase(
                2,
                {"th": "ธุรกรรมออนไลน์", "en": "Transactions online"},
                {
                    "th": "ประชาชนยื่นคำขอและติดตามสถานะทางออนไลน์ได้",
                    "en": "People apply and follow their applications online.",
                },
                [
                    Capability(
                        _("Applications submitted online in the period"),
                        _count(ctx, "case.submitted", channel="online"),
                        gi.ledger_link(ctx, "case.submitted", _("Submissions")),
                    )
                ],
            ),
            Phase(
                3,
                {"th": "บริการดิจิทัลครบวงจร", "en": "Digital from end to end"},
                {
                    "th": "หน่วยงานออกผลการพิจารณาเป็นเอกสารอิเล็กทรอนิกส์ที่ลงนามและตรวจสอบได้",
                    "en": "The agency issues its decisions as signed electronic documents "
                    "anyone can verify.",
                },
                [
                    Capability(
                        _("Signed documents issued in the period"),
                        _count(ctx, "document.issued"),
                        gi.ledger_link(ctx, "document.issued", _("Documents issued")),
                    )
                ],
            ),
            Phase(
                4,
                {"th": "รัฐบาลเชื่อมโยงและเปิดเผย", "en": "Connected and open government"},
                {
                    "th": "หน่วยงานให้บริการข้อมูลแก่หน่วยงานอื่นผ่านระบบแลกเปลี่ยนข้อมูล และเปิดเผยการดำเนินงาน"
                    "ในบันทึกสาธารณะ",
                    "en": "The agency serves data to other agencies through the exchange, "
                    "and publishes its acts in the public ledger.",
                },
                [
                    Capability(
                        _("Data requests served to other agencies in the period"),
                        _count(ctx, "exchange.served"),
                        gi.ledger_link(ctx, "exchange.served", _("Data served")),
                    ),
                    Capability(
                        _("Entries published in the public ledger in the period"),
                        _entries(ctx),
                        gi.ledger_link(ctx, "", _("The agency's public ledger")),
                    ),
                ],
            ),
        ]
    )
