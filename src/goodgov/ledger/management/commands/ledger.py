"""``goodgov ledger sequence [--follow]``: integrate committed events into the public log."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodgov.ledger import sequencer


class Command(BaseCommand):
    help = "Work with the public ledger. Actions: sequence."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        seq = sub.add_parser("sequence", help="Sequence waiting events, once or continuously.")
        seq.add_argument("--follow", action="store_true", help="Keep sequencing every interval.")
        seq.add_argument("--interval", type=float, default=1.0, help="Seconds between batches.")
        seq.add_argument("--batch", type=int, default=sequencer.BATCH, help="Events per batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            added = sequencer.sequence_all(limit=options["batch"])
            checkpoint = sequencer.latest_checkpoint()
            if added or not options["follow"]:
                size = checkpoint.size if checkpoint else 0
                self.stdout.write(f"sequenced {added} events; the log has {size} entries")
            if not options["follow"]:
                return
            time.sleep(options["interval"])
