"""The Thai and English catalogues are complete, consistent and used by the pages.

The catalogues are ``src/goodgov/locale/{th,en}/LC_MESSAGES/django.po``; the compiled
``.mo`` files are build outputs (``make messages``). If a ``.mo`` is missing or older
than its ``.po``, the fixture below compiles it with ``msgfmt`` before the page tests.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.signals import setting_changed
from django.test import Client
from django.utils import translation

LOCALE = Path(settings.LOCALE_PATHS[0])
TH_PO = LOCALE / "th" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

# A python-format placeholder: %(name)s, %s, %d, or the escaped percent sign %%.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[sdrfi%]")
TAG = re.compile(r"<[^>]+>")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the entries of a .po file (obsolete ``#~`` entries skipped)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    key = ""

    def flush() -> None:
        if "msgid" in fields:
            strs = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr"))]
            entries.append(Entry(fields["msgid"], fields.get("msgid_plural"), strs, set(flags)))
        fields.clear()
        flags.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
        elif line.startswith("#,"):
            flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            fields[key] = ast.literal_eval(value)
    flush()
    header, *rest = entries
    assert header.msgid == ""
    return header, rest


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def _shape(text: str) -> tuple[str, str, int]:
    """Leading and trailing whitespace, and the number of line breaks."""
    return (text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :], text.count("\n"))


def _compile(po: Path) -> None:
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail(f"{mo} is missing or stale and msgfmt (GNU gettext) is not installed")
    subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)
    # Django caches catalogues per process: its own handler forgets them (as when a
    # test overrides LOCALE_PATHS), so the new .mo is read.
    setting_changed.send(
        sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
    )


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    for po in (TH_PO, EN_PO):
        _compile(po)


# --- The catalogues themselves --------------------------------------------------------


def test_the_thai_catalogue_header_declares_thai_with_one_plural_form() -> None:
    # when
    header, _ = parse_po(TH_PO)

    # then
    text = header.msgstr[0]
    assert "Language: th\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "fuzzy" not in header.flags


def test_the_english_catalogue_header_declares_english_with_two_plural_forms() -> None:
    # when
    header, _ = parse_po(EN_PO)

    # then
    text = header.msgstr[0]
    assert "Language: en\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "fuzzy" not in header.flags


def test_every_thai_entry_is_translated_and_none_is_fuzzy() -> None:
    # when
    _, entries = parse_po(TH_PO)

    # then
    assert len(entries) > 500
    untranslated = [e.msgid for e in entries if not all(s.strip() for s in e.msgstr)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


#: Words of the informal or personal register Thai agencies do not use to the public:
#: คุณ as "you" (ท่าน), โปรด (กรุณา), ลงชื่อเข้าใช้ (เข้าสู่ระบบ), ดิฉัน/ผม as "I". คุณ in
#: ขอบคุณ, คุณธรรม, คุณภาพ, คุณสมบัติ, คุณค่า and the like is another word.
INFORMAL = re.compile(
    r"(?<!ขอบ)คุณ(?!ธรรม|ภาพ|สมบัติ|ค่า|ลักษณะ|ประโยชน์|วุฒิ)|โปรด(?!เกล้า)|ลงชื่อเข้าใช้|ดิฉัน"
    r"|(?<![ก-๙])ผม(?![ก-๙])"
)


def test_the_thai_catalogue_keeps_the_official_register() -> None:
    # when
    _, entries = parse_po(TH_PO)
    # then
    informal = [
        (e.msgid, INFORMAL.findall(s)) for e in entries for s in e.msgstr if INFORMAL.search(s)
    ]
    assert informal == []


def test_thai_plural_entries_have_exactly_one_form() -> None:
    # when
    _, entries = parse_po(TH_PO)

    # then
    plurals = [e for e in entries if e.msgid_plural is not None]
    assert plurals
    assert [e.msgid for e in plurals if len(e.msgstr) != 1] == []


def test_thai_and_english_catalogues_hold_the_same_messages() -> None:
    # when
    _, thai = parse_po(TH_PO)
    _, english = parse_po(EN_PO)

    # then
    assert [(e.msgid, e.msgid_plural) for e in thai] == [(e.msgid, e.msgid_plural) for e in english]


def test_every_english_translation_is_its_own_msgid() -> None:
    # when
    _, entries = parse_po(EN_PO)

    # then
    wrong = [
        e.msgid
        for e in entries
        if e.msgstr != ([e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural])
        or "fuzzy" in e.flags
    ]
    assert wrong == []


def test_thai_translations_keep_every_placeholder_of_their_msgid() -> None:
    # when
    _, entries = parse_po(TH_PO)

    # then
    wrong = [
        (e.msgid, s)
        for e in entries
        for s in e.msgstr
        if placeholders(s) != placeholders(e.msgid_plural or e.msgid)
    ]
    assert wrong == []


def test_thai_translations_keep_the_markup_of_their_msgid() -> None:
    # when
    _, entries = parse_po(TH_PO)

    # then
    wrong = [
        (e.msgid, s)
        for e in entries
        for s in e.msgstr
        if TAG.findall(s) != TAG.findall(e.msgid_plural or e.msgid)
    ]
    assert wrong == []


def test_thai_translations_keep_the_outer_whitespace_and_line_breaks_of_their_msgid() -> None:
    # when
    _, entries = parse_po(TH_PO)

    # then
    wrong = [(e.msgid, s) for e in entries for s in e.msgstr if _shape(s) != _shape(e.msgid)]
    assert wrong == []


def test_the_brand_name_stays_goodgov_in_thai() -> None:
    # when
    _, entries = parse_po(TH_PO)

    # then
    branded = [e for e in entries if "goodgov" in e.msgid]
    assert branded
    assert [e.msgid for e in branded if not all("goodgov" in s for s in e.msgstr)] == []


# --- The pages use them -------------------------------------------------------------------


def test_the_thai_home_page_is_in_thai(client: Client, db: Any) -> None:
    # when
    response = client.get("/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th"' in html
    assert ">เข้าสู่ระบบ</a>" in html
    assert "ค้นหาบริการภาครัฐ" in html
    assert ">Sign in</a>" not in html
    assert "Find a public service" not in html


def test_the_english_home_page_is_in_english(client: Client, db: Any) -> None:
    # when
    response = client.get("/en/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert ">Sign in</a>" in html
    assert "Find a public service" in html
    assert "เข้าสู่ระบบ" not in html


def test_an_empty_sign_in_on_the_thai_site_shows_its_errors_in_thai(
    client: Client, db: Any
) -> None:
    # when
    response = client.post("/accounts/login/", {"login": "", "password": ""})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>ข้อผิดพลาด: เข้าสู่ระบบ \u2013 บริการภาครัฐ goodgov</title>" in html
    assert "พบข้อผิดพลาด" in html  # the error summary's title
    # Each field says what to type (accounts/forms.py), not Django's "ฟิลด์นี้จำเป็น".
    assert '<a href="#id_login">กรุณากรอกอีเมลหรือหมายเลขโทรศัพท์มือถือ</a>' in html
    assert '<a href="#id_password">กรุณากรอกรหัสผ่าน</a>' in html
    assert "ฟิลด์นี้จำเป็น" not in html
    assert "This field is required" not in html
    assert "Enter your" not in html
    assert "There is a problem" not in html


def test_a_wrong_password_on_the_thai_site_is_told_in_thai(client: Client, db: Any) -> None:
    # when
    response = client.post(
        "/accounts/login/", {"login": "nobody@example.test", "password": "not the password"}
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in html
    assert "is not correct" not in html


def test_password_rules_on_the_thai_sign_up_page_are_in_thai(client: Client, db: Any) -> None:
    # Django's Thai catalogue lacks its password validators' messages; ours has them.
    # when
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "นางสาวทดลอง ใช้ระบบ",
            "email": "thai.password@example.test",
            "password1": "1234567890",
            "password2": "1234567890",
        },
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "รหัสผ่านนี้ใช้กันทั่วไปเกินไป" in html
    assert "รหัสผ่านนี้เป็นตัวเลขล้วน" in html
    assert "This password is" not in html


def test_every_message_we_take_from_django_reads_in_thai(db: Any) -> None:
    """``core.upstream_messages`` lists Django's messages that reach our pages without a
    message of our own; each must read in Thai on a Thai page (Django's Thai catalogue
    lacks some, and words others as "ฟิลด์นี้จำเป็น")."""
    from goodgov.core import upstream_messages

    # given
    msgids = [
        str(message)
        for group in (
            upstream_messages.PASSWORD_VALIDATION,
            upstream_messages.LENGTH,
            upstream_messages.FIELDS,
        )
        for message in group
        if isinstance(message, str)
    ]
    th_entries = {e.msgid: e for e in parse_po(TH_PO)[1]}

    # when
    with translation.override("th"):
        thai = {msgid: translation.gettext(msgid) for msgid in msgids}

    # then: ours, and Thai
    assert [m for m in msgids if m not in th_entries] == []
    assert [
        m
        for m, t in thai.items()
        if t != th_entries[m].msgstr[0] or not re.search("[\u0e00-\u0e7f]", t)
    ] == []


def test_a_django_field_message_on_a_thai_form_reads_in_thai(client: Client, db: Any) -> None:
    # when: the Thai sign-up page, a name with a NUL in it (Django's own validator)
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "นางสาว\x00ทดลอง",
            "email": "thai.null@example.test",
            "password1": "a long unusual passphrase",
            "password2": "a long unusual passphrase",
        },
    )

    # then
    html = response.content.decode()
    assert "Null characters" not in html
    assert "อักขระว่าง (Null)" in html or "อักขระควบคุม" in html
