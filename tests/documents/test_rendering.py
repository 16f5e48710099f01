"""Thai renders right in issued documents.

Words without SARA AM (ำ) are checked through text extraction. Words with it are
checked on a page image: WeasyPrint's text layer garbles ำ (issue #2841), so the
extracted text of ``น้ำ`` is wrong even when the page is right. On the image, a correct
shaper lifts the tone mark of ``น้ำ`` above SARA AM's circle (nikhahit), both over the
consonant, and draws SARA AM's vowel stroke after it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from goodgov.core import thai
from goodgov.documents import pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils is not installed",
)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def ink_rows_and_columns(text: str, tmp_path: Path) -> tuple[list[int], list[int]]:
    """Render ``text`` alone, large, and return the rows and columns that hold ink
    in the top of the page (the footer is left out)."""
    data = pdf.render("documents/pdf/document.html", {"probe": text})
    (tmp_path / "probe.pdf").write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-gray",
            "-png",
            "-singlefile",
            "-y",
            "0",
            "-H",
            "400",
            str(tmp_path / "probe.pdf"),
            str(tmp_path / "probe"),
        ],
        check=True,
    )
    with Image.open(tmp_path / "probe.png") as image:
        gray = image.convert("L")
        width, height = gray.size
        pixels = gray.load()
        rows = [y for y in range(height) if any(pixels[x, y] < 128 for x in range(width))]
        cols = [x for x in range(width) if any(pixels[x, y] < 128 for y in range(height))]
    return rows, cols


def bands(rows: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive rows: separate shapes stacked vertically."""
    runs: list[tuple[int, int]] = []
    for y in rows:
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs


def test_issued_permit_text_extracts_for_words_without_sara_am(issued: Any, tmp_path: Path) -> None:
    # when
    text = pdf_text(issued.file.open("rb").read(), tmp_path)
    # then
    day = timezone.localtime(issued.issued_at).date()
    for words in [
        "ใบอนุญาต",  # the title
        "เงื่อนไข",  # two marks stacked: SARA UEE and MAI EK
        "เปิดร้านได้ไม่เกินเวลา 22.00 น. ทุกวัน",  # the officer's conditions
        "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535 มาตรา 38",  # the legal basis
        thai.format_date(day, "th"),  # Buddhist-era date
        issued.code,
        issued.case.reference,
        "Permit",
    ]:
        assert words in text, words
    assert "\u25cc" not in text  # no dotted circle: no mark was left without its base


def test_sara_am_is_drawn_with_the_tone_mark_stacked_above_its_circle(tmp_path: Path) -> None:
    # given
    na_rows, na_cols = ink_rows_and_columns("นา", tmp_path)
    n_rows, n_cols = ink_rows_and_columns("น", tmp_path)
    tone_rows, _ = ink_rows_and_columns("น้", tmp_path)
    # when
    nam_rows, nam_cols = ink_rows_and_columns("น้ำ", tmp_path)
    # then
    consonant_top = min(na_rows)
    assert min(n_rows) == consonant_top
    above = bands([y for y in nam_rows if y < consonant_top])
    assert len(above) == 2, above  # the tone mark, then below it the circle of SARA AM
    tone, circle = above
    assert tone[1] < circle[0]
    # the tone mark is lifted above where it sits on a bare consonant
    assert tone[0] < min(tone_rows)
    # SARA AM's vowel stroke is drawn: the word is as wide as นา, wider than น
    assert abs((max(nam_cols) - min(nam_cols)) - (max(na_cols) - min(na_cols))) <= 3
    assert max(nam_cols) - max(n_cols) > 0.2 * (max(n_cols) - min(n_cols))


def test_sara_am_marks_sit_over_the_consonant(tmp_path: Path) -> None:
    # given
    na_rows, _ = ink_rows_and_columns("นา", tmp_path)
    _, n_cols = ink_rows_and_columns("น", tmp_path)
    consonant_top = min(na_rows)
    # when
    data = pdf.render("documents/pdf/document.html", {"probe": "น้ำ"})
    (tmp_path / "p.pdf").write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-gray",
            "-png",
            "-singlefile",
            "-y",
            "0",
            "-H",
            "400",
            str(tmp_path / "p.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    with Image.open(tmp_path / "p.png") as image:
        gray = image.convert("L")
        pixels = gray.load()
        mark_cols = [
            x for x in range(gray.size[0]) if any(pixels[x, y] < 128 for y in range(consonant_top))
        ]
    # then
    slack = 0.25 * (max(n_cols) - min(n_cols))
    assert min(mark_cols) >= min(n_cols) - slack
    assert max(mark_cols) <= max(n_cols) + slack
