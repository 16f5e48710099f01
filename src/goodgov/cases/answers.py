"""An application's answers as rows for a GOV.UK summary list, and how a question is asked.

Answers are stored as JSON in the shape ``ApplicationForm.answers()`` gives (ISO dates in
the Common Era, codes for addresses and choices, 13-digit national IDs, E.164 phones).
Everything people read is made here, in the reader's language: Buddhist-era dates in
Thai, choice labels, place names from official codes, masked national IDs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from goodgov.catalogue.models import ServiceVersion, localized
from goodgov.catalogue.validation import WIDGET_TYPES, widget_of
from goodgov.core import national_id, thai, thai_address

# The widgets a question can have, and how one is picked from the definition: the
# catalogue's checker and the form share one rule.
KINDS = set(WIDGET_TYPES)
field_kind = widget_of

YES = _("Yes")
NO = _("No")


def choice_values(prop: dict[str, Any], ui: dict[str, Any]) -> list[Any]:
    """The values a radios/select question offers, in order (schema ``enum`` first)."""
    if "enum" in prop:
        return list(prop["enum"])
    if ui.get("choices"):
        return list(ui["choices"])
    if prop.get("type") == "boolean":
        return [True, False]
    return []


def choice_key(value: Any) -> str:
    """How a choice value travels in HTML: ``true``/``false`` for booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def choice_label(value: Any, ui: dict[str, Any]) -> str:
    labels = ui.get("choices") or {}
    key = choice_key(value)
    if key in labels:
        return localized(labels[key])
    if isinstance(value, bool):
        return str(YES if value else NO)
    return key


def format_phone(value: str) -> str:
    """``+66812345678`` as ``081 234 5678``; ``+6621234567`` as ``02 123 4567``."""
    if not value.startswith("+66"):
        return value
    local = "0" + value[3:]
    if len(local) == 10:
        return f"{local[:3]} {local[3:6]} {local[6:]}"
    if local.startswith("02") and len(local) == 9:
        return f"{local[:2]} {local[2:5]} {local[5:]}"
    if len(local) == 9:
        return f"{local[:3]} {local[3:6]} {local[6:]}"
    return local


def _format_number(value: Any) -> str:
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    return str(value)


def display_value(
    kind: str, value: Any, prop: dict[str, Any], ui: dict[str, Any], *, reveal_national_ids: bool
) -> str:
    """One answer as text for people, in the current language."""
    language = (get_language() or "th")[:2]
    if kind == "date":
        try:
            return thai.format_date(dt.date.fromisoformat(str(value)), language)
        except ValueError:
            return str(value)
    if kind in ("radios", "select"):
        return choice_label(value, ui)
    if kind == "checkbox" or isinstance(value, bool):
        return str(YES if value else NO)
    if kind == "address" and isinstance(value, dict):
        return thai_address.format_address(value, language)
    if kind == "national_id":
        digits = str(value)
        if len(digits) != 13 or not digits.isdigit():
            return digits if reveal_national_ids else "x" * len(digits)
        return national_id.display(digits) if reveal_national_ids else national_id.masked(digits)
    if kind == "phone":
        return format_phone(str(value))
    if kind == "number":
        return _format_number(value)
    return str(value)


def answer_rows(
    version: ServiceVersion,
    answers: dict[str, Any],
    *,
    reveal_national_ids: bool,
    every_question: bool = False,
) -> list[dict[str, Any]]:
    """``{"key", "label", "value"}`` for every answered question, in the form's order.

    With ``every_question``, every question of the form, with ``answered`` and ``required``
    too (an unanswered one has an empty ``value``): a check-your-answers page shows them
    all, so nobody sends an application without seeing what it lacks. (Without it, the
    rows keep their shape: the personal data export publishes them.) Answers whose key the
    version does not ask (kept from an older version) are left out.
    """
    form = version.definition.get("form", {})
    schema = form.get("schema", {})
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    ui_fields = form.get("ui", {}).get("fields", {})
    rows = []
    for key in form.get("ui", {}).get("order", []):
        answered = key in answers and answers[key] is not None and answers[key] != ""
        if not answered and not every_question:
            continue
        prop = properties.get(key, {})
        ui = ui_fields.get(key, {})
        kind = field_kind(prop, ui)
        row: dict[str, Any] = {
            "key": key,
            "label": localized(ui.get("label")) or key,
            "value": (
                display_value(kind, answers[key], prop, ui, reveal_national_ids=reveal_national_ids)
                if answered
                else ""
            ),
        }
        if every_question:
            row.update(answered=answered, required=key in required)
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------- fetched facts


def _fact_value(name: str, value: Any, language: str) -> str:
    from goodgov.exchange.models import RegistryPerson

    if value is None or value == "":
        return "-"
    if name in ("birth_date", "death_date", "since"):
        try:
            return thai.format_date(dt.date.fromisoformat(str(value)), language)
        except ValueError:
            return str(value)
    if name == "age" and isinstance(value, int):
        return str(ngettext("%(count)s year", "%(count)s years", value) % {"count": value})
    if name == "address" and isinstance(value, dict):
        return thai_address.format_address(value, language)
    if name == "sex":
        return str(dict(RegistryPerson.Sex.choices).get(value, value))
    if isinstance(value, bool):
        return str(YES if value else NO)
    if name == "members" and isinstance(value, list):
        return "\n".join(
            " ".join(
                str(m.get(k, ""))
                for k in (
                    ("given_name_th", "family_name_th")
                    if language == "th"
                    else ("given_name_en", "family_name_en")
                )
            )
            for m in value
            if isinstance(m, dict)
        )
    if name == "programmes" and isinstance(value, list):
        return "\n".join(
            str(
                _("%(programme)s: %(amount)s baht a month")
                % {"programme": p.get("programme", ""), "amount": p.get("monthly_amount", "")}
            )
            for p in value
            if isinstance(p, dict) and p.get("active", True)
        ) or str(_("None"))
    return str(value)


def _fact_item(fact: Any) -> dict[str, Any]:
    for item in fact.case.version.definition.get("evidence", []):
        if item.get("key") == fact.item:
            return dict(item)
    return {}


def fact_rows(fact: Any) -> list[dict[str, str]]:
    """``{"key", "label", "value"}`` for each field of a fetched fact, in the item's order."""
    from goodgov.exchange.once_only import FIELD_LABELS

    language = (get_language() or "th")[:2]
    order = list(_fact_item(fact).get("fields") or []) or list(fact.data)
    return [
        {
            "key": name,
            "label": str(FIELD_LABELS.get(name, name)),
            "value": _fact_value(name, fact.data[name], language),
        }
        for name in order
        if name in fact.data
    ]


def fact_provenance(fact: Any) -> dict[str, str]:
    """Where a fact came from and on what ground, in the reader's language."""
    from goodgov.exchange import once_only

    agency = once_only.agency_name(fact.agency_code)
    registry = localized(_fact_item(fact).get("registry")) or once_only.registry_name(fact.service)
    return {
        "agency": agency,
        "registry": registry,
        "legal_basis": once_only.basis_label(fact.legal_basis),
        "node": fact.node,
    }


def fact_panels(version: ServiceVersion, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """Each evidence item fetched from a registry, with its fact if held: what the person
    reads about it (which registry of which agency, which fields, on what ground)."""
    from goodgov.exchange import once_only

    panels = []
    for item in once_only.fetched_items(version.definition):
        source = once_only.parse_source(item["source"])
        _code, agency = once_only.provider_agency(source.node)
        basis = "consent" if item.get("consent") else str(item.get("legal_basis", ""))
        panels.append(
            {
                "key": item["key"],
                "name": localized(item.get("name")),
                "hint": localized(item.get("hint")),
                "registry": localized(item.get("registry")),
                "agency": agency,
                "fields": once_only.fields_text(item.get("fields", [])),
                "basis": once_only.basis_label(basis),
                "consent": bool(item.get("consent")),
                "fallback": item.get("fallback") == "upload",
                "required": bool(item.get("required")),
                "fact": facts.get(item["key"]),
            }
        )
    return panels
