"""Fixtures for the application form: definitions with every kind of question, files."""

from __future__ import annotations

import copy
import struct
import zlib
from html.parser import HTMLParser
from typing import Any

import pytest

from goodgov.catalogue.models import ServiceVersion
from tests.conftest import TEST_DEFINITION

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes() -> bytes:
    """A real 1x1 white PNG, built chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte + one white pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def version_of(definition: dict[str, Any]) -> ServiceVersion:
    """An unsaved version: the form reads only ``definition``."""
    return ServiceVersion(number=1, definition=definition)


def _label(th: str, en: str) -> dict[str, str]:
    return {"th": th, "en": en}


@pytest.fixture
def full_definition() -> dict[str, Any]:
    """TEST_DEFINITION plus one question of every other kind and every kind of evidence."""
    d = copy.deepcopy(TEST_DEFINITION)
    schema = d["form"]["schema"]
    ui = d["form"]["ui"]
    schema["required"] += ["applicant_id", "home", "bank", "agree"]
    schema["properties"].update(
        {
            "applicant_id": {"type": "string", "pattern": "^[0-9]{13}$"},
            "home": {"type": "object"},
            "bank": {"type": "string", "enum": ["ktb", "bbl", "gsb"]},
            "floor": {"type": "integer", "enum": [1, 2, 3]},
            "phone": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "notes": {"type": "string", "maxLength": 20},
            "agree": {"type": "boolean"},
        }
    )
    ui["order"] += ["applicant_id", "home", "bank", "floor", "phone", "email", "notes", "agree"]
    ui["fields"].update(
        {
            "applicant_id": {
                "label": _label("เลขประจำตัวประชาชน", "National ID number"),
                "widget": "national_id",
            },
            "home": {"label": _label("ที่อยู่ร้าน", "Shop address"), "widget": "address"},
            "bank": {
                "label": _label("ธนาคาร", "Bank"),
                "widget": "radios",
                "choices": {
                    "ktb": _label("ธนาคารกรุงไทย", "Krungthai Bank"),
                    "bbl": _label("ธนาคารกรุงเทพ", "Bangkok Bank"),
                    "gsb": _label("ธนาคารออมสิน", "Government Savings Bank"),
                },
            },
            "floor": {"label": _label("ชั้น", "Floor"), "widget": "select"},
            "phone": {"label": _label("เบอร์โทรศัพท์", "Phone number"), "widget": "phone"},
            "email": {"label": _label("อีเมล", "Email address"), "widget": "email"},
            "notes": {"label": _label("หมายเหตุ", "Notes"), "widget": "textarea"},
            "agree": {
                "label": _label("ข้าพเจ้ายืนยันว่าข้อมูลถูกต้อง", "I confirm the information is correct"),
                "widget": "checkbox",
            },
        }
    )
    d["evidence"] += [
        {
            "key": "id_card",
            "name": _label("สำเนาบัตรประชาชน", "Copy of ID card"),
            "kind": "upload",
            "required": True,
            "accept": ["application/pdf", "image/png"],
        },
        {
            "key": "house_registration",
            "name": _label("ทะเบียนบ้าน", "House registration"),
            "kind": "exchange",
            "source": _label("ฐานข้อมูลทะเบียนราษฎร", "the civil registration database"),
            "required": False,
        },
    ]
    return d


@pytest.fixture
def full_version(full_definition: dict[str, Any]) -> ServiceVersion:
    return version_of(full_definition)


def valid_full_data(**changes: str) -> dict[str, str]:
    """A complete, correct submission of ``full_definition`` (English-era date)."""
    data = {
        "shop_name": "Somchai Noodles",
        "opening_date_0": "24",
        "opening_date_1": "11",
        "opening_date_2": "2026",
        "seats": "20",
        "applicant_id": "1-1017-00230-70-8",
        "home_postcode": "10200",
        "home_subdistrict": "100101",
        "home_line": "12 Ratchadamnoen Road",
        "bank": "ktb",
        "floor": "2",
        "phone": "081-234-5678",
        "email": "somchai@example.test",
        "notes": "Near the temple",
        "agree": "on",
    }
    data.update(changes)
    return data


class PageParser(HTMLParser):
    """Every id in the page, the error summary's links, and each input's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.summary_links: list[str] = []
        self.elements: dict[str, dict[str, str | None]] = {}
        self.options: dict[str, list[tuple[str, str, bool]]] = {}
        self._in_summary = 0
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
            self.elements[str(a["id"])] = {"tag": tag, **a}
        if "govuk-error-summary__list" in str(a.get("class", "")):
            self._in_summary += 1
        if tag == "a" and self._in_summary:
            self.summary_links.append(str(a.get("href")))
        if tag == "select":
            self._select = str(a.get("id"))
            self.options[self._select] = []
        if tag == "option" and self._select:
            self._option = (str(a.get("value")), "selected" in a)

    def handle_data(self, data: str) -> None:
        if self._option and self._select:
            value, selected = self._option
            self.options[self._select].append((value, data.strip(), selected))
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self._in_summary:
            self._in_summary -= 1
        if tag == "select":
            self._select = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser
