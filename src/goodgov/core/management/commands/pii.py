"""``goodgov pii ACTION``: personal data at rest.

- ``rekey [--batch N]``: after the secret key was rotated (the old key listed in
  ``GOODGOV_SECRET_KEY_FALLBACKS``), seal every encrypted value and recompute every stored
  national-ID look-up hash with the current key; prints how many rows changed per model.
  Idempotent: a second run changes nothing. Then the fallback can be dropped
  (docs/operations.md, "Rotating the secret key").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from goodgov.core import national_id
from goodgov.core.rekey import rekey_all


class Command(BaseCommand):
    help = "Personal data at rest. Actions: rekey."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        rekey = sub.add_parser(
            "rekey", help="Seal and hash all personal data with the current secret key."
        )
        rekey.add_argument("--batch", type=int, default=1000, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _rekey(self, options: dict[str, Any]) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        try:
            counts = rekey_all(batch=options["batch"])
        except national_id.UnknownKey as error:
            raise CommandError(
                f"{error} (earlier batches are kept: list the key that sealed it and run again)"
            ) from error
        except IntegrityError as error:
            raise CommandError(
                "two rows hold the same national ID, one hashed under each key (made while the"
                f" rotation was under way?): merge or remove one and run again ({error})"
            ) from error
        width = max((len(label) for label in counts), default=0)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label:<{width}}  {count}")
        total = sum(counts.values())
        fallbacks = len(settings.SECRET_KEY_FALLBACKS)
        self.stdout.write(
            f"{total} rows rewritten with the current key"
            + (
                f"; {fallbacks} fallback key(s) still configured:"
                " remove GOODGOV_SECRET_KEY_FALLBACKS and restart once every node has run this"
                if fallbacks
                else ""
            )
        )
