"""``goodgov catalogue ACTION``: the service catalogue.

- ``load [PATH ...] [--dir DIR] [--check]``: publish the service definitions in
  ``services/`` (or in DIR, or the files and directories named). All or nothing: if any
  file has a problem, nothing is published, every problem is printed to stderr as
  ``file: field: message``, and the command exits non-zero. ``--check`` checks and says
  what would change, publishing nothing (for an author, or CI, before a load).
- ``withdraw CODE --reason TEXT``: the service stops taking applications
  (``service.withdrawn``, the reason public); submitted cases go on.
- ``reopen CODE``: a withdrawn service takes applications again (``service.reopened``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from goodgov.catalogue.services import (
    DefinitionError,
    ServiceStateError,
    catalogue_files,
    catalogue_load,
    service_reopen,
    service_withdraw,
)


class Command(BaseCommand):
    help = "Work with the service catalogue (services/*.yaml)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load",
            help="Check every services/*.yaml and publish the new and changed ones.",
            description="Check every *.yaml and publish the new and changed ones, all or none.",
        )
        load.add_argument(
            "--dir",
            dest="directory",
            type=Path,
            default=None,
            help="Directory of service definitions (default: settings.SERVICES_DIR).",
        )
        load.add_argument(
            "paths",
            nargs="*",
            type=Path,
            metavar="PATH",
            help="Definition files (*.yaml) or directories to load instead of SERVICES_DIR.",
        )
        load.add_argument(
            "--check",
            action="store_true",
            help="Check the definitions and say what would change, but publish nothing.",
        )

        withdraw = actions.add_parser(
            "withdraw",
            help="Stop a service taking applications (submitted cases go on).",
        )
        withdraw.add_argument("code", help="the service's code")
        withdraw.add_argument(
            "--reason", required=True, help="why, in a sentence: it is published in the ledger"
        )
        reopen = actions.add_parser(
            "reopen", help="Take applications for a withdrawn service again."
        )
        reopen.add_argument("code", help="the service's code")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            directory = options.get("directory")
            paths = list(options.get("paths") or [])
            if directory is None and not paths:
                directory = Path(settings.SERVICES_DIR)
            self._load(directory, paths, check_only=options.get("check", False))
            return
        try:
            if options["action"] == "withdraw":
                service = service_withdraw(
                    actor=None, code=options["code"], reason=options["reason"]
                )
                self.stdout.write(
                    f"{service.code}: withdrawn; its submitted cases go on to their decisions."
                )
            else:
                service = service_reopen(actor=None, code=options["code"])
                self.stdout.write(f"{service.code}: taking applications again.")
        except ServiceStateError as exc:
            raise CommandError(str(exc)) from exc

    def _load(self, directory: Path | None, paths: list[Path], *, check_only: bool) -> None:
        where = ", ".join(str(p) for p in ([directory] if directory else []) + paths)
        try:
            result = catalogue_load(
                actor=None,
                directory=directory,
                files=catalogue_files(paths),
                check_only=check_only,
            )
        except DefinitionError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {where}; nothing was published."
            ) from exc
        if not result.outcomes:
            self.stdout.write(f"No service definitions (*.yaml) in {where}.")
        for outcome in result.outcomes:
            self.stdout.write(str(outcome))
        if check_only and result.outcomes:
            self.stdout.write("No problems found; nothing was published (--check).")
