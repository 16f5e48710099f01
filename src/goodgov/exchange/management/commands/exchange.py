"""``goodgov exchange ACTION``: registries, rights and calls between nodes.

- ``people --count N [--seed S] [--registries population,welfare]``: synthetic people.
- ``node``: this node's directory entry (YAML), to copy into the shared directory.
- ``grant --client NODE --service S --method M --fields a,b --purposes p [--legal-bases b]``
- ``revoke --client NODE --service S --method M``
- ``call --node NODE --service S --method M --id ID --purpose P (--legal-basis B | --consent REF)``
- ``consent --id ID --client NODE --service S --purpose P [--days 365]``: record a consent.
- ``tracker-rights [--clients a,b]``: let the other nodes of the directory (or those named)
  ask this node for its record of the uses of a person's data (``tracker.uses``).
- ``purge-nonces``: forget nonces too old to matter.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from goodgov.core import national_id
from goodgov.core.arguments import at_least
from goodgov.exchange import client, directory, errors, services, synthetic
from goodgov.exchange.models import AccessRight


def _list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class Command(BaseCommand):
    help = "Data exchange between nodes. Actions: people, node, grant, revoke, call, consent, tracker-rights, purge-nonces."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        people = sub.add_parser("people", help="Generate synthetic people in the registries.")
        people.add_argument("--count", type=at_least(0), default=1000)
        people.add_argument("--seed", type=int, default=2568)
        people.add_argument("--registries", default="population,welfare")
        people.add_argument("--batch", type=int, default=5000)
        sub.add_parser("node", help="Print this node's directory entry as YAML.")
        for name in ("grant", "revoke"):
            p = sub.add_parser(name, help=f"{name.capitalize()} a client's access right.")
            p.add_argument("--client", required=True)
            p.add_argument("--service", required=True)
            p.add_argument("--method", required=True)
            if name == "grant":
                p.add_argument("--fields", required=True, help="comma-separated")
                p.add_argument("--purposes", required=True, help="comma-separated")
                p.add_argument("--legal-bases", default="", help="comma-separated, e.g. pdpa-24-4")
        call = sub.add_parser("call", help="Ask another node's data service (prints JSON).")
        call.add_argument("--node", required=True)
        call.add_argument("--service", required=True)
        call.add_argument("--method", required=True)
        call.add_argument("--id", required=True, help="the person's national ID")
        call.add_argument("--purpose", required=True)
        call.add_argument("--legal-basis")
        call.add_argument("--consent")
        consent = sub.add_parser(
            "consent", help="Record a person's consent (prints its reference)."
        )
        consent.add_argument("--id", required=True)
        consent.add_argument("--client", required=True)
        consent.add_argument("--service", required=True)
        consent.add_argument("--purpose", required=True)
        consent.add_argument("--days", type=int, default=365)
        tracker = sub.add_parser(
            "tracker-rights",
            help="Let other nodes ask this node for its record of a person's data uses.",
        )
        tracker.add_argument(
            "--clients", default="", help="comma-separated; default: every other node"
        )
        sub.add_parser("purge-nonces", help="Forget expired request nonces.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        getattr(self, f"_{action}")(options)

    def _people(self, options: dict[str, Any]) -> None:
        registries = set(_list(options["registries"]))
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done % 100_000 < options["batch"] or done == total:
                self.stderr.write(f"{done} of {total} people")

        written = synthetic.generate(
            count=options["count"],
            seed=options["seed"],
            population="population" in registries,
            welfare="welfare" in registries,
            batch=options["batch"],
            progress=progress,
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"wrote {written['people']} people and {written['welfare']} welfare records "
            f"in {seconds:.1f} s"
        )

    def _node(self, options: dict[str, Any]) -> None:
        self.stdout.write(yaml.safe_dump({"nodes": [directory.own_entry()]}, sort_keys=False))

    def _grant(self, options: dict[str, Any]) -> None:
        try:
            right = services.right_grant(
                actor=None,
                client=options["client"],
                service=options["service"],
                method=options["method"],
                fields=_list(options["fields"]),
                purposes=_list(options["purposes"]),
                legal_bases=_list(options["legal_bases"]),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"granted {right}")

    def _revoke(self, options: dict[str, Any]) -> None:
        right = AccessRight.objects.filter(
            client=options["client"], service=options["service"], method=options["method"]
        ).first()
        if right is None:
            raise CommandError("no such right")
        services.right_revoke(actor=None, right=right)
        self.stdout.write(f"revoked {right}")

    def _call(self, options: dict[str, Any]) -> None:
        try:
            result = client.call(
                node=options["node"],
                service=options["service"],
                method=options["method"],
                national_id_value=options["id"],
                purpose=options["purpose"],
                legal_basis=options["legal_basis"],
                consent=options["consent"],
            )
        except errors.ExchangeError as error:
            raise CommandError(f"{error.code}: {error.detail}") from error
        self.stdout.write(
            json.dumps(
                {"provider": result.provider, "served_at": result.served_at, "data": result.data},
                ensure_ascii=False,
            )
        )

    def _consent(self, options: dict[str, Any]) -> None:
        try:
            digits = national_id.clean(options["id"])
        except national_id.InvalidNationalID as error:
            raise CommandError(str(error)) from error
        consent = services.consent_give(
            actor=None,
            person_hash=national_id.lookup_hash(digits),
            client=options["client"],
            service=options["service"],
            purpose=options["purpose"],
            expires_at=timezone.now() + dt.timedelta(days=options["days"]),
        )
        self.stdout.write(str(consent.reference))

    def _tracker_rights(self, options: dict[str, Any]) -> None:
        from goodgov.exchange import demo

        try:
            granted = demo.tracker_rights(clients=_list(options["clients"]) or None)
        except directory.DirectoryError as error:
            raise CommandError(str(error)) from error
        for right in granted:
            self.stdout.write(f"granted {right}")
        if not granted:
            self.stdout.write("nothing to grant")

    def _purge_nonces(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"forgot {services.nonces_purge()} nonces")
