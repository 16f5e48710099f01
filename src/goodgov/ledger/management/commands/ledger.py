"""``goodgov ledger sequence [--follow]``: integrate committed events into the public log."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goodgov.ledger import sequencer


class Command(BaseCommand):
    help = "Work with the public ledger. Actions: sequence, verify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        seq = sub.add_parser("sequence", help="Sequence waiting events, once or continuously.")
        seq.add_argument("--follow", action="store_true", help="Keep sequencing every interval.")
        seq.add_argument("--interval", type=float, default=1.0, help="Seconds between batches.")
        seq.add_argument("--batch", type=int, default=sequencer.BATCH, help="Events per batch.")
        sub.add_parser("verify", help="Check every event and checkpoint of this node's log.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify()
            return
        while True:
            added = sequencer.sequence_all(limit=options["batch"])
            checkpoint = sequencer.latest_checkpoint()
            if added or not options["follow"]:
                size = checkpoint.size if checkpoint else 0
                self.stdout.write(f"sequenced {added} events; the log has {size} entries")
            if not options["follow"]:
                return
            time.sleep(options["interval"])

    def _verify(self) -> None:
        from goodgov.ledger.verify import Problem, verify_log

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"verified {done} of {total} entries")

        try:
            size = verify_log(progress=progress)
        except Problem as problem:
            raise CommandError(f"the log does not verify: {problem}") from problem
        self.stdout.write(
            f"the log verifies: {size} entries, every checkpoint signed and consistent"
        )
