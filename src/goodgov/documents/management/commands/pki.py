"""``goodgov pki init``: a demo certificate authority and a signing certificate per agency.

For trying goodgov out and for tests. A real deployment brings its own key and chain
(``GOODGOV_SIGNING_P12`` or ``GOODGOV_SIGNING_DIR``; docs/documents.md), so this refuses
to run with ``GOODGOV_PRODUCTION`` set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from goodgov.agencies.models import Agency
from goodgov.documents import pki


class Command(BaseCommand):
    help = "Document signing keys. Action: init (a demo CA and a certificate per agency)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        init = sub.add_parser("init", help="Make the demo CA and any missing agency certificate.")
        init.add_argument(
            "--dir", help="Where to write (default: GOODGOV_SIGNING_DIR or data dir/pki)."
        )
        init.add_argument("--agency", action="append", help="Only this agency code (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "pki init makes a demo certificate authority; in production configure your "
                "own key (GOODGOV_SIGNING_P12 or GOODGOV_SIGNING_DIR, see docs/documents.md)."
            )
        agencies = Agency.objects.order_by("code")
        if options["agency"]:
            agencies = agencies.filter(code__in=options["agency"])
            missing = set(options["agency"]) - set(agencies.values_list("code", flat=True))
            if missing:
                raise CommandError(f"no such agency: {', '.join(sorted(missing))}")
        directory = Path(options["dir"]) if options["dir"] else pki.signing_dir()
        made = pki.pki_init(
            agencies=[(a.code, a.name_en or a.code) for a in agencies], directory=directory
        )
        for code in made:
            self.stdout.write(f"{code}: new signing certificate")
        self.stdout.write(
            f"{len(made)} new, {agencies.count() - len(made)} kept; demo root {directory / pki.ROOT_CERT}"
        )
