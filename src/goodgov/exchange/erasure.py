"""Erasure at the person's request (PDPA section 33), once an officer approves it.

What goes: the salts behind the person's commitments (the ledger's, and the exchange's for
their national ID), so the public log can no longer be linked to them by anyone, the node
included; the personal fields of their account (name, email, phone, national ID), its
sign-in (password, second factor, email addresses) and the text of its inbox; their
consents end.

What stays, and why: the public log, byte for byte (it stays verifiable; the commitments in
it now point at nobody); case files and issued documents, which the agency must keep under
the law on official records for their retention period (PDPA section 33, paragraph 2) and
which now belong to an anonymous account; the records of what was disclosed to whom (the
agency's accountability), under the keyed hash of the national ID: only someone holding both
the node's key and the ID could find them again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.core import national_id
from goodgov.exchange.models import Consent, PersonSalt
from goodgov.ledger.services import person_salt_erase

#: The service whose approval erases the applicant (``services/pdpa-erasure.yaml``).
ERASURE_SERVICE = "pdpa-erasure"

ERASED_SUBJECT = _("Your personal data has been erased")
ERASED_BODY = _(
    "As you asked (request %(reference)s), your account and the personal data in it have "
    "been erased, and the public log can no longer be linked to you. Case files the law "
    "requires us to keep stay with the agency until their retention period ends, no longer "
    "linked to an account."
)


@transaction.atomic
def person_erase(*, actor: Any, person: Any, reference: str = "", agency: Any = None) -> Any:
    """Erase ``person`` (a ``User``): salts, account fields, sign-in; record ``person.erased``.

    ``reference`` is the erasure request's case reference, ``agency`` the agency that
    decided it. Idempotent: erasing an erased account changes nothing more.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from goodgov.accounts.models import User
    from goodgov.notifications.models import Message

    person = User.objects.select_for_update().get(pk=person.pk)
    email, language = person.email, person.preferred_language or "th"
    person_hash = person.national_id_hash
    now = timezone.now()

    person_salt_erase(actor=actor, user=person)
    if person_hash:
        hashes = {person_hash}
        if settings.SECRET_KEY_FALLBACKS:  # a key rotation under way: rows may carry any key's
            hashes.update(national_id.lookup_hashes(person.national_id))
        PersonSalt.objects.filter(person_hash__in=hashes).delete()
        Consent.objects.filter(person_hash__in=hashes, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )

    person.full_name = ""
    person.email = None
    person.phone = None
    person.phone_verified = False
    person.national_id_encrypted = ""
    person.national_id_hash = None
    person.national_id_claim_encrypted = ""
    person.national_id_claim_hash = ""
    person.is_active = False
    person.set_unusable_password()
    person.save(
        update_fields=[
            "full_name",
            "email",
            "phone",
            "phone_verified",
            "national_id_encrypted",
            "national_id_hash",
            "national_id_claim_encrypted",
            "national_id_claim_hash",
            "is_active",
            "password",
        ]
    )
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    # Emptied rather than deleted: an email of one of them may still be queued (it finds
    # no address now and sends nothing).
    Message.objects.filter(user=person).update(subject="", body="")

    ledger.record(
        actor=actor,
        action="person.erased",
        subject=person,
        agency=agency,
        public={"agency": getattr(agency, "code", "") or "", "reference": reference or ""},
    )
    if email:
        # The address is gone from the database: tell the person once, with the copy in hand.
        with translation.override(language):
            subject = str(ERASED_SUBJECT)
            body = str(ERASED_BODY % {"reference": reference or "-"})
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))
    return person


def on_case_approved(*, actor: Any, case: Any) -> Any:
    """Run the erasure an approved ``pdpa-erasure`` case asks for (nothing for other cases).

    Called by ``cases.services.case_approve`` inside its transaction, after the decision
    and its document: if erasure fails, the approval is not kept either.
    """
    if case.service.code != ERASURE_SERVICE:
        return None
    return person_erase(
        actor=actor, person=case.applicant, reference=case.reference or "", agency=case.agency
    )
