"""``goodgov governance ita-load [FILE] [--year YEAR] [--kind KIND ...]``: load an ITA
open-information checklist (default: the app's default list) for a fiscal year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from goodgov.governance.services import DEFAULT_ITA_FILE, ita_checklist_load


class Command(BaseCommand):
    help = "Good governance. Actions: ita-load."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        load = sub.add_parser("ita-load", help="Load an ITA OIT checklist for a fiscal year.")
        load.add_argument("file", nargs="?", default=str(DEFAULT_ITA_FILE))
        load.add_argument(
            "--year", type=int, help="Fiscal year, Buddhist era (default: the file's)."
        )
        load.add_argument("--kind", action="append", help="Kind of agency (default: the file's).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = ita_checklist_load(
                path=Path(options["file"]), year=options["year"], kinds=options["kind"]
            )
        except ValidationError as exc:
            problems = "\n".join(f"  {options['file']}: {m}" for m in exc.messages)
            raise CommandError(f"nothing was loaded:\n{problems}") from exc
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from exc
        for checklist in loaded:
            self.stdout.write(
                f"ITA {checklist.year} {checklist.agency_kind}: {checklist.items.count()} items"
            )
