"""A service's page says which file types each upload takes, and not that optional ones are a must."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.web.html import Page


def upload_items(path: str) -> tuple[dict[str, str], str]:
    """Each listed upload's name (with its marks) -> its file types line; and the page."""
    html = Client().get(path).content.decode()
    items: dict[str, str] = {}
    for li in Page(html).find_all("li"):
        types = [c for c in li.children if c.attrs.get("data-testid") == "file-types"]
        if types:
            name = li.text
            for span in li.children:
                name = name.replace(span.text, "")
            items[" ".join(name.split())] = " ".join(types[0].text.split())
    return items, html


def test_each_upload_lists_its_own_file_types(loaded: Any) -> None:
    # when
    items, html = upload_items("/en/services/building-permit/")

    # then: the plans are PDF only; the others PDF, JPG or PNG
    assert items == {
        "Site plan, drawings, specifications and calculations": "File type: PDF",
        "Copy of the land title deed": "File types: PDF, JPG or PNG",
        "The landowner's written consent (if you have it)": "File types: PDF, JPG or PNG",
        "Copy of the architect's and engineer's licences (if you have it)": (
            "File types: PDF, JPG or PNG"
        ),
    }
    assert "PDF, JPEG or PNG" not in html


def test_the_thai_page_does_not_say_optional_uploads_must_be_given(loaded: Any) -> None:
    # when
    items, html = upload_items("/services/building-permit/")

    # then: no "you must upload" above items marked "(if you have it)", and each item's
    # own types in Thai ("or" is หรือ)
    assert "ต้องอัปโหลด" not in html
    assert sum("(ถ้ามี)" in name for name in items) == 2
    types = [line.split(":", 1)[1].strip() for line in items.values()]
    assert types == ["PDF", "PDF, JPG หรือ PNG", "PDF, JPG หรือ PNG", "PDF, JPG หรือ PNG"]
