"""A service's privacy notice (PDPA section 23), generated from its definition.

What the notice says comes from the service definition: the purpose (the service itself),
the legal basis (the acts it names, and the PDPA basis they give), the personal data (the
form's questions and the evidence), the sources (evidence fetched from registries), and the
retention and recipients from the definition's optional ``privacy`` block, or the defaults
below when it has none. The same facts make the agency's record of processing (``ropa``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from goodgov.catalogue.models import localized
from goodgov.exchange.services import LEGAL_BASES

#: Government records are kept at least ten years (Regulation of the Prime Minister's
#: Office on Correspondence B.E. 2526, clause 57) unless a definition says otherwise.
DEFAULT_RETENTION_DAYS = 3650
#: A public service is an agency's task in the public interest or its official authority.
DEFAULT_BASIS = "pdpa-24-4"

# A definition's ``privacy`` block overrides these defaults (``terms`` below); the PDPA
# request services declare their own basis there (pdpa-24-6, legal obligation).

ACCOUNT_DATA = _(
    "Your account details: name, national ID number, email address and mobile phone number"
)
WIDGET_NOTES = {
    "national_id": _("national ID number"),
    "address": _("address"),
}


@dataclass(frozen=True)
class Terms:
    """What the definition (or the defaults) says about keeping and sharing the data."""

    basis: str
    retention_days: int
    recipients: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Notice:
    service_code: str
    service_name: str
    controller: str
    controller_email: str
    purpose: str
    basis: str  # code, a key of LEGAL_BASES
    basis_label: str
    laws: list[str]  # "Act, section"
    data: list[str]  # categories of personal data, as the person reads them
    sources: list[str]  # evidence fetched from registries: "name (from source)"
    retention_days: int
    retention_years: int | None  # whole years, when the days are whole years
    recipients: list[str]


def terms(definition: dict[str, Any]) -> Terms:
    """The definition's ``privacy`` block over the general defaults."""
    given = definition.get("privacy") or {}
    basis = str(given.get("basis") or DEFAULT_BASIS)
    if basis not in LEGAL_BASES:
        basis = DEFAULT_BASIS
    recipients = [localized(r) for r in given.get("recipients") or [] if localized(r)]
    return Terms(
        basis=basis,
        retention_days=int(given.get("retention_days") or DEFAULT_RETENTION_DAYS),
        recipients=recipients,
    )


def laws(definition: dict[str, Any]) -> list[str]:
    return [
        f"{localized(item.get('act'))}, {localized(item.get('section'))}"
        for item in definition.get("legal_basis", [])
    ]


def data_categories(definition: dict[str, Any]) -> list[str]:
    """The personal data a service processes: the account, each question, each piece of
    evidence (uploaded or fetched)."""
    form = definition.get("form", {})
    ui = form.get("ui", {})
    fields = ui.get("fields", {})
    categories = [str(ACCOUNT_DATA)]
    for name in ui.get("order") or list(form.get("schema", {}).get("properties", {})):
        label = localized(fields.get(name, {}).get("label")) or name
        note = WIDGET_NOTES.get(fields.get(name, {}).get("widget", ""))
        categories.append(f"{label} ({note})" if note else label)
    for item in definition.get("evidence", []):
        categories.append(localized(item.get("name")))
    return categories


def sources(definition: dict[str, Any]) -> list[str]:
    found = []
    for item in definition.get("evidence", []):
        if item.get("kind") not in ("exchange", "fetched"):
            continue
        source = item.get("registry") or item.get("source")
        where = localized(source) if isinstance(source, dict) else str(source or "")
        name = localized(item.get("name"))
        found.append(
            str(_("%(name)s (from %(source)s)") % {"name": name, "source": where})
            if where
            else name
        )
    return found


def notice_for(service: Any) -> Notice | None:
    """The privacy notice of ``service``'s current version (None if it has none)."""
    version = service.current
    if version is None:
        return None
    definition = version.definition
    found = terms(definition)
    agency = service.agency
    name = localized(definition.get("name"))
    return Notice(
        service_code=service.code,
        service_name=name,
        controller=agency.name,
        controller_email=agency.email,
        purpose=str(
            _("To handle your application for %(service)s and to decide on it.") % {"service": name}
        ),
        basis=found.basis,
        basis_label=str(LEGAL_BASES[found.basis]),
        laws=laws(definition),
        data=data_categories(definition),
        sources=sources(definition),
        retention_days=found.retention_days,
        retention_years=found.retention_days // 365 if found.retention_days % 365 == 0 else None,
        recipients=found.recipients,
    )
