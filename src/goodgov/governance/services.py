"""Writes of the governance app: load an ITA checklist, answer an ITA item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.agencies.models import Agency
from goodgov.governance.models import ItaAnswer, ItaChecklist, ItaItem
from goodgov.ledger.services import commitment

DEFAULT_ITA_FILE = Path(__file__).parent / "ita" / "oit-2566.yaml"


@transaction.atomic
def ita_checklist_load(
    *, path: Path = DEFAULT_ITA_FILE, year: int | None = None, kinds: list[str] | None = None
) -> list[ItaChecklist]:
    """Load a checklist file for ``year`` (default: the file's) and each kind of agency.

    Loading again updates titles and groups, adds new items and removes items no longer in
    the file that nobody has answered (an answered item stays: its answer is evidence).
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not UTF-8 text (byte {exc.start} cannot be read)") from exc
    except yaml.YAMLError as exc:
        raise ValidationError(f"not valid YAML: {exc}") from exc
    year = _check_checklist(data, year)
    valid_kinds = set(Agency.Kind.values)
    kinds = list(kinds or data.get("kinds") or Agency.Kind.values)
    unknown = [k for k in kinds if k not in valid_kinds]
    if unknown:
        raise ValidationError(f"unknown kinds of agency: {', '.join(unknown)}")
    loaded = []
    for kind in kinds:
        checklist, _created = ItaChecklist.objects.update_or_create(
            year=year,
            agency_kind=kind,
            defaults={"source": str(data.get("source", ""))[:300], "loaded_at": timezone.now()},
        )
        codes = []
        position = 0
        for group in data["groups"]:
            for entry in group["items"]:
                position += 1
                auto = entry.get("auto", "") or ""
                ItaItem.objects.update_or_create(
                    checklist=checklist,
                    code=str(entry["code"]),
                    defaults={
                        "position": position,
                        "group_th": group["group"]["th"],
                        "group_en": group["group"]["en"],
                        "title_th": entry["th"],
                        "title_en": entry["en"],
                        "auto": auto,
                        "integrity": entry.get("integrity", False),
                    },
                )
                codes.append(str(entry["code"]))
        checklist.items.exclude(code__in=codes).filter(answers__isnull=True).delete()
        loaded.append(checklist)
    return loaded


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_checklist(data: Any, year: int | None) -> int:
    """The fiscal year (Buddhist era) of a checklist file that is whole, or a
    ``ValidationError`` listing every problem: nothing is written from a broken file (an
    empty list of items would otherwise remove every unanswered item)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError("the file is not a checklist (a mapping with year and groups)")
    try:
        year = int(year or data.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if year < 2400:
        problems.append(
            f"year {year or data.get('year')!r}: a fiscal year in the Buddhist era, like 2569"
        )
    groups = data.get("groups")
    if not isinstance(groups, list) or not groups:
        problems.append("groups: at least one group of items")
        groups = []
    codes: set[str] = set()
    auto_values = set(ItaItem.Auto.values)
    for g, group in enumerate(groups, 1):
        names = group.get("group") if isinstance(group, dict) else None
        if not (isinstance(names, dict) and _text(names.get("th")) and _text(names.get("en"))):
            problems.append(f"group {g}: a name in Thai and English (group: {{th, en}})")
        items = group.get("items") if isinstance(group, dict) else None
        if not isinstance(items, list) or not items:
            problems.append(f"group {g}: at least one item")
            continue
        for entry in items:
            code = str(entry.get("code") or "") if isinstance(entry, dict) else ""
            where = f"item {code or '?'} (group {g})"
            if not code:
                problems.append(f"{where}: a code")
            elif code in codes:
                problems.append(f"{where}: the code is used twice")
            codes.add(code)
            if not (isinstance(entry, dict) and _text(entry.get("th")) and _text(entry.get("en"))):
                problems.append(f"{where}: a title in Thai and English (th, en)")
                continue
            if (entry.get("auto") or "") not in auto_values:
                problems.append(f"{where}: unknown auto {entry.get('auto')!r}")
            if not isinstance(entry.get("integrity", False), bool):
                problems.append(f"{where}: integrity is true or false")
    if problems:
        raise ValidationError(problems)
    return year


@transaction.atomic
def ita_item_answer(
    *, actor: Any, agency: Agency, item: ItaItem, url: str, evidence: str = ""
) -> ItaAnswer:
    """Record where the agency publishes ``item`` (replacing an earlier answer)."""
    url, evidence = (url or "").strip(), (evidence or "").strip()
    if not url:
        raise ValidationError({"url": _("Enter the link to where the agency publishes this item")})
    answer, _created = ItaAnswer.objects.update_or_create(
        item=item,
        agency=agency,
        defaults={
            "url": url,
            "evidence": evidence,
            "answered_by": actor,
            "answered_at": timezone.now(),
        },
    )
    answer.full_clean()
    ledger.record(
        actor=actor,
        action="ita.item_answered",
        subject=answer,
        agency=agency,
        public={
            "agency": agency.code,
            "year": item.checklist.year,
            "kind": item.checklist.agency_kind,
            "item": item.code,
            "url": url,
            "officer": commitment(actor),
        },
        private={"evidence": evidence} if evidence else None,
    )
    return answer
