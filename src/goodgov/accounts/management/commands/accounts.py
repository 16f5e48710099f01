"""``goodgov accounts second-factor-reset LOGIN``: a platform operator removes a person's
authenticator app and recovery codes and ends their sessions, for those an agency admin
may not reset (officers of several agencies, Django staff). Recorded in the ledger as
``person.second_factor_reset``; check who the person is before running it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from goodgov.accounts import selectors, services
from goodgov.accounts.models import User


class Command(BaseCommand):
    help = "People's accounts, for platform operators. Actions: second-factor-reset."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        reset = sub.add_parser(
            "second-factor-reset",
            help="Remove a person's authenticator app and recovery codes; end their sessions.",
        )
        reset.add_argument("login", help="The person's email address or mobile number.")

    def handle(self, *args: Any, **options: Any) -> None:
        login = options["login"].strip()
        person = (
            User.objects.filter(email__iexact=login).first()
            if "@" in login
            else selectors.user_by_phone(login)
        )
        if person is None:
            raise CommandError(f"no account signs in with {login!r}")
        try:
            removed = services.person_second_factor_reset(actor=None, person=person)
        except ValidationError as exc:
            with translation.override("en"):  # as every command's output is
                raise CommandError(" ".join(str(m) for m in exc.messages)) from exc
        self.stdout.write(
            f"removed {removed} authenticator(s) of account {person.pk} and ended its "
            "sessions; at their next sign-in they set up an app again"
        )
