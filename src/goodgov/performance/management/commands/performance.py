"""``goodgov performance recompute --from-ledger URL``: recompute a node's published figures.
``goodgov performance progress``: refresh plan indicators' statuses and alert their owners."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goodgov.performance.recompute import RecomputeError, recompute_from


class Command(BaseCommand):
    help = "Service performance figures and plans. Actions: recompute, progress."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        recompute = sub.add_parser(
            "recompute",
            help="Recompute a node's published figures from its public log; list differences.",
        )
        recompute.add_argument(
            "--from-ledger", required=True, metavar="URL", help="The node's address."
        )
        recompute.add_argument(
            "--key", default=None, help="Pin the log's verifier key (signed-note format)."
        )
        sub.add_parser(
            "progress",
            help="Refresh plan indicators' statuses; alert owners of indicators turning off track.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "progress":
            from goodgov.performance.services import plans_progress_refresh

            count, alerted = plans_progress_refresh()
            self.stdout.write(f"{count} plans refreshed; {len(alerted)} owners alerted")
            return
        try:
            result = recompute_from(
                options["from_ledger"], key=options["key"], progress=self.stderr.write
            )
        except RecomputeError as exc:
            raise CommandError(str(exc)) from exc
        for difference in result.differences:
            self.stdout.write(str(difference))
        if result.differences:
            raise CommandError(
                f"{len(result.differences)} published figures differ from the recomputation"
            )
        self.stdout.write(
            f"all {result.rows} rows of figures match: recomputed from the first "
            f"{result.figures_size} of {result.checkpoint_size} entries of the public log"
        )
