"""``goodgov analytics export [--follow]``: append newly sequenced public entries to Parquet."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodgov.performance.export import default_log, export_local


class Command(BaseCommand):
    help = "Analytics over the public log. Actions: export."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        export = sub.add_parser(
            "export", help="Append the public log's new entries to its Parquet copy."
        )
        export.add_argument("--follow", action="store_true", help="Keep exporting.")
        export.add_argument("--interval", type=float, default=60.0, help="Seconds between runs.")

    def handle(self, *args: Any, **options: Any) -> None:
        log = default_log()
        while True:
            result = export_local(log)
            if result.added or not options["follow"]:
                self.stdout.write(
                    f"exported {result.added} entries; {log.directory} holds {result.size}"
                )
            if not options["follow"]:
                return
            time.sleep(options["interval"])
