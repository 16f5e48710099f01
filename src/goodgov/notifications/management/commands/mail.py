"""``goodgov mail send [--follow]`` emails the copies of in-app messages still waiting:
those left for it (``GOODGOV_EMAIL_DELIVERY=outbox``) and those whose send failed."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from goodgov.core.arguments import at_least, more_than
from goodgov.notifications import tasks


class Command(BaseCommand):
    help = "Email the copies of in-app messages still waiting. Actions: send."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        send = sub.add_parser("send", help="Send waiting copies, once or continuously.")
        send.add_argument("--follow", action="store_true", help="Keep sending every interval.")
        send.add_argument(
            "--interval", type=more_than(0), default=1.0, help="Seconds between sweeps."
        )
        send.add_argument(
            "--batch", type=at_least(1), default=tasks.BATCH, help="Copies per batch."
        )
        send.add_argument(
            "--older-than",
            type=at_least(0, float),
            help="Only messages at least this many seconds old (default: 0 with outbox "
            "delivery; 300 with 'now' delivery, so as not to race the task sending a new one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = options["older_than"]
        if older_than is None:
            older_than = 0.0 if settings.GOODGOV_EMAIL_DELIVERY == "outbox" else 300.0
        while True:
            sent = failed = 0
            while True:  # drain: batch after batch while full batches go out
                batch_sent, batch_failed = tasks.send_pending(
                    limit=options["batch"], older_than=older_than
                )
                sent, failed = sent + batch_sent, failed + batch_failed
                if batch_failed or batch_sent < options["batch"]:
                    break
            if sent or failed or not options["follow"]:
                self.stdout.write(f"sent {sent} emails; {failed} failed")
            if not options["follow"]:
                return
            time.sleep(options["interval"])
