"""Thai addresses by official codes (DOPA subdistrict, district and province codes).

An address is stored as codes plus the free-text part (house number, village, road):
``{"line", "postcode", "subdistrict", "district", "province"}``. Names come from
``geothai`` at display time, so a renamed area shows its current name and the stored
data never holds a misspelt one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import geothai
from django.utils.translation import get_language

BANGKOK = "10"
_POSTCODE = re.compile(r"^[1-9][0-9]{4}$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def ascii_digits(value: str) -> str:
    """Thai numerals as ASCII digits; people type either."""
    return value.translate(_THAI_DIGITS)


def clean_postcode(value: str) -> str:
    """The postcode without spaces, with ASCII digits (not checked)."""
    return re.sub(r"\s+", "", ascii_digits(value or ""))


def is_postcode(value: str) -> bool:
    """Five digits in the form Thailand Post uses (no check that it exists)."""
    return bool(_POSTCODE.match(value or ""))


def subdistricts_for_postcode(postcode: str) -> list[geothai.types.Subdistrict]:
    return geothai.by_postal_code(postcode) if is_postcode(postcode) else []


def subdistrict_in_postcode(subdistrict: str, postcode: str) -> bool:
    found = geothai.subdistrict(subdistrict or "")
    return found is not None and postcode in found.postal_codes


def _lang(language: str | None) -> str:
    return (language or get_language() or "th")[:2]


def _names(area: geothai.types.Address, language: str) -> tuple[str, str, str]:
    """Subdistrict, district and province names, with Thai prefixes in Thai."""
    sub, dist, prov = area.subdistrict, area.district, area.province
    if language != "th":
        return sub.name_en, dist.name_en, prov.name_en
    if prov.code == BANGKOK:
        # Bangkok has แขวง and เขต; geothai already writes เขต in the district name.
        district = dist.name_th if dist.name_th.startswith("เขต") else f"เขต{dist.name_th}"
        return f"แขวง{sub.name_th}", district, prov.name_th
    return f"ตำบล{sub.name_th}", f"อำเภอ{dist.name_th}", f"จังหวัด{prov.name_th}"


def subdistrict_label(code: str, language: str | None = None) -> str:
    """``แขวงพระบรมมหาราชวัง, เขตพระนคร, กรุงเทพมหานคร`` / ``Phra Borom Maha Ratchawang, ...``."""
    area = geothai.address(code)
    if area is None:
        return code
    return ", ".join(_names(area, _lang(language)))


def postcode_choices(postcode: str, language: str | None = None) -> list[tuple[str, str]]:
    """(subdistrict code, "subdistrict, district, province") for every area using the postcode."""
    lang = _lang(language)
    return [(s.code, subdistrict_label(s.code, lang)) for s in subdistricts_for_postcode(postcode)]


def codes_for(subdistrict: str) -> dict[str, str]:
    """The subdistrict code with its district and province codes."""
    area = geothai.address(subdistrict)
    if area is None:
        raise ValueError(f"unknown subdistrict code {subdistrict!r}")
    return {
        "subdistrict": area.subdistrict.code,
        "district": area.district.code,
        "province": area.province.code,
    }


def format_address(address: Mapping[str, Any], language: str | None = None) -> str:
    """An address as one readable line in Thai or English, names looked up from the codes.

    Parts that are missing (a draft) are left out; an unknown code is shown as it is.
    """
    lang = _lang(language)
    line = str(address.get("line") or "").strip()
    postcode = str(address.get("postcode") or "").strip()
    area = geothai.address(str(address.get("subdistrict") or ""))
    parts = [line] if line else []
    if area is not None:
        parts.extend(_names(area, lang))
    elif address.get("subdistrict"):
        parts.append(str(address["subdistrict"]))
    separator = " " if lang == "th" else ", "
    text = separator.join(parts)
    if postcode:
        text = f"{text} {postcode}" if text else postcode
    return text
