"""Thai conventions, applied at the edges: Buddhist-era dates and the fiscal year.

Storage is always Common Era and aware datetimes; these helpers only format and parse.
"""

from __future__ import annotations

import datetime as dt
import re

BE_OFFSET = 543

MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_TH_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


def fiscal_year_be(day: dt.date) -> int:
    """The Thai government fiscal year (October to September), in the Buddhist era."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def format_date(day: dt.date, language: str, short: bool = False) -> str:
    """``24 พฤศจิกายน 2569`` in Thai, ``24 November 2026`` in English."""
    if language.startswith("th"):
        months = MONTHS_TH_SHORT if short else MONTHS_TH
        return f"{day.day} {months[day.month - 1]} {be_year(day.year)}"
    name = MONTHS_EN[day.month - 1]
    return f"{day.day} {name[:3] if short else name} {day.year}"


def format_datetime(moment: dt.datetime, language: str) -> str:
    """A local date and time, with the Thai ``น.`` suffix in Thai."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    date_part = format_date(local.date(), language, short=True)
    if language.startswith("th"):
        return f"{date_part} {local:%H:%M} น."
    return f"{date_part}, {local:%H:%M}"


_THAI_LETTER = re.compile(r"[\u0e00-\u0e7f]")


def text_list(items: list[str], last_word: str) -> str:
    """Items joined as a sentence says them, in the active language; ``last_word`` is
    "and" or "or", translated.

    English (Django's ``get_text_list``): "date of birth, age and address". Thai writes
    no commas: items are separated by a space and the word joins the last item, "วัน
    เดือนปีเกิด อายุ และที่อยู่"; two items are one phrase, "วันและปี". Words in Latin
    letters keep commas and spaces: "PDF, JPG หรือ PNG".
    """
    from django.utils.text import get_text_list
    from django.utils.translation import get_language

    items = [str(item) for item in items]
    if not (get_language() or "").startswith("th"):
        return str(get_text_list(items, last_word))
    if len(items) < 2:
        return "".join(items)
    last = items[-1]
    joined = f"{last_word}{last}" if _THAI_LETTER.match(last) else f"{last_word} {last}"
    if len(items) == 2 and _THAI_LETTER.match(items[0]) and _THAI_LETTER.match(last):
        return f"{items[0]}{joined}"
    # Latin words ("PDF JPG") run together without commas between them
    separator = " " if all(_THAI_LETTER.match(item) for item in items[:-1]) else ", "
    return separator.join(items[:-1]) + " " + joined
