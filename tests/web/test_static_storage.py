"""Production's static files: every module the pages load has a hashed name, so browsers
may keep it for ever, and a later visit on a slow line fetches nothing again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings

from goodgov.web.storage import StaticFilesStorage

HASHED = re.compile(r"\.[0-9a-f]{12}\.js$")
HASHED_SVG = re.compile(r"\.[0-9a-f]{12}\.svg$")


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``collectstatic`` with production's storage, once for this module's tests."""
    root = tmp_path_factory.mktemp("static")
    production = {
        "STATIC_ROOT": root,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "goodgov.web.storage.StaticFilesStorage"},
        },
    }
    with override_settings(**production):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root / "goodgov"


def test_the_modules_init_imports_are_hashed_and_collected(collected: Path):
    # given: the start module the base template links (by its hashed name)
    manifest = StaticFilesStorage()
    init = collected.parent / manifest.stored_name("goodgov/init.js")

    # when
    text = init.read_text()
    imported = re.findall(r"""from\s*["']\./([^"']+)["']""", text)
    imported += re.findall(r"""import\(\s*["']\./([^"']+)["']\s*\)""", text)

    # then: GOV.UK Frontend (always) and the timeout warning (on signed-in pages, by a
    # dynamic import), each by a hashed name that exists
    assert len(imported) == 2
    assert {name.split(".")[0] for name in imported} == {"govuk-frontend", "session-timeout"}
    for name in imported:
        assert HASHED.search(name), name
        assert (collected / name).is_file(), name


def test_the_imported_modules_are_copied_unchanged(collected: Path):
    source = Path(__file__).resolve().parents[2] / "src/goodgov/web/static/goodgov"
    manifest = StaticFilesStorage()
    for name in ("govuk-frontend.min.js", "session-timeout.js"):
        stored = collected.parent / manifest.stored_name(f"goodgov/{name}")
        assert stored.read_bytes() == (source / name).read_bytes()


def test_the_icon_is_ours_and_linked_by_its_hashed_name(collected: Path, client: Any, db: Any):
    stored = StaticFilesStorage().stored_name("goodgov/favicon.svg")
    assert HASHED_SVG.search(stored) and (collected.parent / stored).is_file()
    page = client.get("/en/").content.decode()
    # (the page links it as the storage in force names it; no /favicon.ico to miss)
    assert f'<link rel="icon" href="{static("goodgov/favicon.svg")}"' in page
