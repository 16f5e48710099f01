"""``goodgov ledger sequence [--follow]`` integrates committed events into the public log;
``goodgov ledger verify [--url URL [--key VKEY] [--state FILE]]`` checks a whole log."""

from __future__ import annotations

import time
from pathlib import Path
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
        check = sub.add_parser(
            "verify",
            help="Check every entry and checkpoint of this node's log, or of another node's.",
        )
        check.add_argument(
            "--url",
            help="Check the log another node publishes at this URL (https://node/ or its "
            "/ledger/ prefix), from its public endpoints alone.",
        )
        check.add_argument(
            "--key",
            metavar="VKEY",
            help="With --url: the node's verifier key you trust (<name>+<id>+<key>); without "
            "it the key is taken from the node itself.",
        )
        check.add_argument(
            "--state",
            metavar="FILE",
            type=Path,
            help="With --url: keep the last verified checkpoint in FILE and, next time, "
            "require the new one to be consistent with it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            if options["url"]:
                self._verify_remote(options["url"], options["key"], options["state"])
            elif options["key"] or options["state"]:
                raise CommandError("--key and --state go with --url")
            else:
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

    def _progress(self) -> Any:
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            rate = f", {done / elapsed:,.0f} a second" if elapsed > 0 else ""
            self.stderr.write(f"verified {done:,} of {total:,} entries{rate}")

        return progress

    def _verify(self) -> None:
        from goodgov.ledger.verify import Problem, verify_log

        try:
            size = verify_log(progress=self._progress())
        except Problem as problem:
            raise CommandError(f"the log does not verify: {problem}") from problem
        self.stdout.write(
            f"the log verifies: {size} entries, every checkpoint signed and consistent"
        )

    def _verify_remote(self, url: str, key: str | None, state: Path | None) -> None:
        from goodgov.ledger.remote import RemoteError, verify_remote
        from goodgov.ledger.verify import Problem

        def warn(text: str) -> None:
            self.stderr.write(self.style.WARNING(f"warning: {text}"))

        try:
            report = verify_remote(url, key=key, state=state, progress=self._progress(), warn=warn)
        except Problem as problem:
            raise CommandError(f"the log at {url} does not verify: {problem}") from problem
        except RemoteError as error:
            raise CommandError(f"cannot check the log at {url}: {error}") from error
        self.stdout.write(
            f"the log at {url} verifies: {report.origin}, {report.size} entries, "
            f"{report.checkpoints} stored checkpoints signed and consistent"
        )
