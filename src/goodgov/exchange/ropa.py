"""The record of processing activities (PDPA section 39) of one agency, generated.

One activity per service the agency runs (from its definition, as the privacy notice says
it), and one per data service this node serves to other agencies (from the exchange's
access rights), when the node acts for that agency. Nothing here is typed by hand, so the
record cannot drift from what the platform actually does.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from goodgov.catalogue.models import Service
from goodgov.exchange import privacy, selectors, services
from goodgov.exchange.models import AccessRight


@dataclass(frozen=True)
class Activity:
    kind: str  # "service" or "exchange"
    name: str
    purpose: str
    data_subjects: str
    categories: list[str]
    legal_basis: str
    retention: str
    recipients: list[str]
    sources: list[str]


def _retention(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return str(_("%(years)s years after the decision") % {"years": years})
    return str(_("%(days)s days after the decision") % {"days": days})


def service_activities(agency: Any) -> list[Activity]:
    rows = []
    found = Service.objects.filter(agency=agency, current__isnull=False).select_related(
        "agency", "current"
    )
    for service in sorted(found, key=lambda s: s.code):
        notice = privacy.notice_for(service)
        if notice is None:
            continue
        rows.append(
            Activity(
                kind="service",
                name=notice.service_name,
                purpose=notice.purpose,
                data_subjects=str(_("Applicants")),
                categories=notice.data,
                legal_basis="; ".join([notice.basis_label, *notice.laws]),
                retention=_retention(notice.retention_days),
                recipients=notice.recipients
                or [str(_("No one outside the agency, unless a law requires it"))],
                sources=notice.sources,
            )
        )
    return rows


def exchange_activities(agency: Any) -> list[Activity]:
    """The data services this node discloses to other agencies, if it acts for ``agency``."""
    node = services.node_agency()
    if node is None or node.pk != agency.pk:
        return []
    rows = []
    for right in AccessRight.objects.filter(revoked_at__isnull=True).order_by(
        "service", "method", "client"
    ):
        service = selectors.SERVICE_NAMES.get(right.service, right.service)
        method = selectors.METHOD_NAMES.get(right.method, right.method)
        bases = [str(services.LEGAL_BASES.get(b, b)) for b in right.legal_bases]
        rows.append(
            Activity(
                kind="exchange",
                name=f"{service}: {method}",
                purpose=", ".join(right.purposes),
                data_subjects=str(_("People in the registry")),
                categories=list(right.fields),
                legal_basis="; ".join(bases) if bases else str(_("The person's consent")),
                retention=str(_("As the registry's own law requires")),
                recipients=[_client_name(right.client)],
                sources=[],
            )
        )
    return rows


def _client_name(node: str) -> str:
    return selectors._agency_name(node, {})


def activities(agency: Any) -> list[Activity]:
    return service_activities(agency) + exchange_activities(agency)


CSV_COLUMNS = [
    ("kind", _("Kind")),
    ("name", _("Activity")),
    ("purpose", _("Purpose")),
    ("data_subjects", _("Data subjects")),
    ("categories", _("Categories of personal data")),
    ("legal_basis", _("Legal basis")),
    ("retention", _("Retention")),
    ("recipients", _("Recipients")),
    ("sources", _("Sources")),
]


def as_csv(rows: list[Activity]) -> str:
    """The record as CSV (UTF-8; lists joined with " | ")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(label) for _key, label in CSV_COLUMNS])
    for row in rows:
        values = []
        for key, _label in CSV_COLUMNS:
            value = getattr(row, key)
            text = " | ".join(value) if isinstance(value, list) else str(value)
            # A spreadsheet must not read a cell as a formula.
            values.append("'" + text if text[:1] in ("=", "+", "-", "@") else text)
        writer.writerow(values)
    return out.getvalue()
