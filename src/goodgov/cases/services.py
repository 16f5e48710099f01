"""Every write to a case: one transaction each, each recording its ledger event.

Views call these and nothing else to change a case. Permission is checked here too
(``cases.access``), so the HTML views, the API and the back office behave the same.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodgov import ledger
from goodgov.cases import access
from goodgov.cases import forms as answer_forms
from goodgov.cases.events import AGE_BANDS, LEGAL_GROUND_MAX
from goodgov.cases.models import (
    Case,
    Channel,
    FetchedFact,
    InformationRequest,
    ReferenceCounter,
    State,
)
from goodgov.catalogue.models import Service, localized
from goodgov.catalogue.validation import clock_stops_for_information, widget_of
from goodgov.core import rawsql, thai, thai_address
from goodgov.core.text import CONTROL_CHARACTERS_MESSAGE, has_control_characters
from goodgov.documents.pki import SigningNotConfigured
from goodgov.documents.services import (
    DocumentError,
    document_issue,
    evidence_attach,
    files_discarded_on_failure,
)
from goodgov.exchange import erasure, once_only, registries
from goodgov.ledger.selectors import events_for
from goodgov.ledger.services import commitment
from goodgov.notifications.services import in_language_of, message_send


class CaseError(Exception):
    """A request that cannot be carried out; ``message`` is translated and shown as is.

    ``field`` names the answer at fault; ``errors`` maps each faulty answer to its message.
    """

    def __init__(
        self, message: Any, field: str | None = None, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors = errors or ({field: message} if field else {})


class NotAllowed(CaseError):
    """The actor may not do this. Views answer 404 so nothing is revealed."""

    def __init__(self) -> None:
        super().__init__(_("You cannot do this."))


class Conflict(CaseError):
    """The case moved on meanwhile (another officer decided it, say)."""


Uploads = dict[str, tuple[UploadedFile, str]]  # item key -> (checked upload, content type)


ANSWER_MISSING = _("Answer this question")
ANSWER_INVALID = _("This answer is not in the form the service needs")
ANSWER_UNKNOWN = _("This service does not ask this question")
VERSION_CHANGED = _("This service's form has changed since you started. Please check your answers.")
NOT_TAKING_APPLICATIONS = _("This service is not taking applications.")


#: What an answer of the wrong kind is asked to be, where the application form has no
#: words of its own for it (it reads numbers from text and offers choices as choices).
ANSWER_TEXT = _("Enter the %(thing)s as text")
ANSWER_TRUE_OR_FALSE = _("%(label)s must be true or false")
ANSWER_PARTS = _("Enter the %(thing)s as named parts (a JSON object)")
ANSWER_LIST = _("Enter the %(thing)s as a list")
ANSWER_DATE = _("Enter the %(thing)s as a date in the form YYYY-MM-DD, like %(example)s")
ANSWER_ONE_OF = _("The %(thing)s must be one of: %(values)s")

_TYPE_MESSAGES = {
    "integer": answer_forms.WHOLE_NUMBER,
    "number": answer_forms.NUMBER,
    "string": ANSWER_TEXT,
    "boolean": ANSWER_TRUE_OR_FALSE,
    "object": ANSWER_PARTS,
    "array": ANSWER_LIST,
}
#: Which broken rule an answer is told of when it breaks several: its kind first, then
#: its size or range, then its shape (a date, a pattern); any rule not named here last.
_RULE_ORDER = {
    rule: rank
    for rank, rule in enumerate(
        (
            "type",
            "enum",
            "const",
            "minLength",
            "maxLength",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "format",
            "pattern",
        )
    )
}
_RANGE_RULES = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})


def _check_answers(case: Case, answers: dict[str, Any], *, complete: bool) -> None:
    """Check answers against the service's schema; every faulty answer gets a message
    naming the rule it breaks, in the words of the application form.

    Text with control characters (``core.text``, the forms' rule too) and numbers that
    are not numbers (NaN, infinity, which JSON cannot hold) are refused here, before the
    schema, as jsonschema lets both through.
    """
    errors: dict[str, Any] = {}
    form = case.version.definition["form"]
    asked = form["schema"].get("properties", {})
    for name, value in answers.items():
        if name not in asked:
            errors[str(name)] = ANSWER_UNKNOWN
        elif has_control_characters(value):
            errors[name] = CONTROL_CHARACTERS_MESSAGE
        elif isinstance(value, float) and not math.isfinite(value):
            errors[name] = _broken_rule(form, name, "type", asked[name], value)
        elif isinstance(value, dict | list) and _holds_non_finite(value):
            errors[name] = ANSWER_INVALID
    if not errors and case.version.answers_accepted(answers, complete=complete):
        _check_form_rules(case, answers, complete=complete)
        return
    # One message an answer, in the order jsonschema finds them: the rule it breaks
    # that matters most (_RULE_ORDER).
    found: dict[str, Any] = {}
    for error in case.version.answers_validator(complete=complete).iter_errors(answers):
        if error.validator == "required" and not error.path:
            for name in error.validator_value:
                if name not in answers:
                    errors.setdefault(str(name), ANSWER_MISSING)
            continue
        name = str(error.path[0]) if error.path else "answers"
        if name in errors and name not in found:
            continue
        if name not in found or _rank(error) < _rank(found[name]):
            found[name] = error
            errors[name] = None  # its place in the order; the message follows
    for name, error in found.items():
        errors[name] = (
            _broken_rule(form, name, str(error.validator), error.schema, error.instance)
            if error.path
            else ANSWER_INVALID
        )
    if errors:
        raise CaseError(
            _("Some answers are missing or not valid. Check them and try again."),
            field=next(iter(errors)),
            errors=errors,
        )
    _check_form_rules(case, answers, complete=complete)  # the fast check's doubt was unfounded


_TOO_MANY = 10**answer_forms.NUMBER_MAX_DIGITS  # a whole number with more digits


def _check_form_rules(case: Case, answers: dict[str, Any], *, complete: bool) -> None:
    """The application form's rules that JSON Schema cannot state (an address's codes; a
    date's earliest and latest), for answers the schema accepted: checked by the form's
    own fields (``forms.form_rule_problem``), and an address stored as the form stores it
    (its district and province from its subdistrict), whichever way it came. Only for
    questions that have such rules; and no whole number longer than the form takes."""
    definition = case.version.definition
    form = definition["form"]
    ui_fields = form.get("ui", {}).get("fields", {})
    errors: dict[str, Any] = {}
    for name, prop in form["schema"].get("properties", {}).items():
        if name not in answers:
            continue
        value = answers[name]
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _TOO_MANY:
            # within the question's range (the schema said so), but longer than the form
            # takes: the same limit whichever way the answer came
            ui = ui_fields.get(name, {})
            params = answer_forms.message_params(
                localized(ui.get("label")) or name, localized(ui.get("noun"))
            )
            limit = answer_forms.NUMBER_MAX_DIGITS
            errors[name] = str(answer_forms.WHOLE_NUMBER_DIGITS) % {**params, "limit": limit}
            continue
        if not answer_forms.has_form_rules(prop, ui_fields.get(name, {})):
            continue
        stored, problem = answer_forms.form_rule_problem(
            definition, name, answers[name], complete=complete
        )
        if problem is not None:
            errors[name] = problem
        elif stored is None:
            del answers[name]  # nothing the form would keep (an address of no parts)
        else:
            answers[name] = stored
    if errors:
        raise CaseError(
            _("Some answers are missing or not valid. Check them and try again."),
            field=next(iter(errors)),
            errors=errors,
        )


def _rank(error: Any) -> int:
    return _RULE_ORDER.get(str(error.validator), len(_RULE_ORDER))


def _holds_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_holds_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_non_finite(v) for v in value)
    return False


def _broken_rule(form: dict[str, Any], name: str, rule: str, schema: Any, value: Any) -> Any:
    """What answer ``name`` must be, as the application form says it, in the current
    language: ``rule`` is the JSON Schema keyword it breaks in ``schema`` (the answer's
    own, or a part's); ``value`` what was sent there."""
    if not isinstance(schema, dict):
        return ANSWER_INVALID
    ui = form.get("ui", {}).get("fields", {}).get(name, {})
    params = answer_forms.message_params(
        localized(ui.get("label")) or name, localized(ui.get("noun"))
    )
    if "enum" in schema and rule in ("type", "enum"):
        values = ", ".join(
            v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in schema["enum"]
        )
        return str(ANSWER_ONE_OF) % {**params, "values": values}
    if rule == "type":
        wanted = schema.get("type")
        message = _TYPE_MESSAGES.get(wanted if isinstance(wanted, str) else (wanted or [""])[0])
        return str(message) % params if message is not None else ANSWER_INVALID
    if rule == "format":
        kind = schema.get("format")
        if kind == "date":
            example = answer_forms.EXAMPLE_DATE.isoformat()
            return str(ANSWER_DATE) % {**params, "example": example}
        if kind == "email":
            return str(answer_forms.EMAIL)
        return str(answer_forms.PATTERN) % params
    if rule == "pattern":
        return str(answer_forms.PATTERN) % params
    check: Any
    if rule in _RANGE_RULES:
        check = answer_forms.RangeValidator(params, schema)
    elif rule in ("minLength", "maxLength"):
        check = answer_forms.LengthValidator(params, schema)
    else:
        return ANSWER_INVALID
    try:
        check(value)
    except ValidationError as exc:
        return exc.messages[0]
    return ANSWER_INVALID  # jsonschema and the form's check disagree: say no more


def _refuse_control_characters(text: str | None, field: str) -> None:
    """Free text a case keeps (a message, an answer, reasons): the forms' rule."""
    if has_control_characters(text):
        raise CaseError(CONTROL_CHARACTERS_MESSAGE, field=field)


def _attach(actor: Any, case: Case, uploads: Uploads | None) -> None:
    for item, (upload, content_type) in (uploads or {}).items():
        evidence_attach(actor=actor, case=case, item=item, upload=upload, content_type=content_type)


def _locked(case: Case) -> Case:
    """The case, its row locked until the transaction ends; not the rows it joins (its
    agency, service, version and applicant are shared with other cases)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("service", "version", "agency", "applicant")
        .get(pk=case.pk)
    )


def case_start(*, actor: Any, applicant: Any, service: Service) -> Case:
    """Open a draft application. An officer with the counter role may open one for a person."""
    with transaction.atomic():
        return _open_draft(actor, applicant, service)


def _filing_facts(case: Case) -> dict[str, Any]:
    """What the public log says of every filing: which case, service, version, agency, whom."""
    return {
        "case": str(case.uuid),
        "service": case.service.code,
        "version": case.version.number,
        "agency": case.agency.code,
        "applicant": commitment(case.applicant),
        "channel": case.channel,
    }


def _open_draft(actor: Any, applicant: Any, service: Service) -> Case:
    case = _new_case(actor, applicant, service)
    case.save(force_insert=True)
    _record_started(actor, case)
    return case


def _new_case(actor: Any, applicant: Any, service: Service) -> Case:
    """A draft for ``applicant``, not yet saved, once ``actor`` may open it."""
    if not service.active or service.current is None:
        raise CaseError(NOT_TAKING_APPLICATIONS)
    on_behalf = applicant.pk != actor.pk
    if on_behalf and not access.may_start_for_others(actor, service.agency):
        raise NotAllowed()
    return Case(
        service=service,
        version=service.current,
        agency=service.agency,
        applicant=applicant,
        filed_by=actor if on_behalf else None,
        channel=Channel.COUNTER if on_behalf else Channel.ONLINE,
        state=State.DRAFT,
        data={},
    )


def _record_started(actor: Any, case: Case) -> None:
    ledger.record(**_started(actor, case))


def _started(actor: Any, case: Case) -> dict[str, Any]:
    """The ``case.started`` event, as :func:`ledger.record`'s arguments."""
    return {
        "actor": actor,
        "action": "case.started",
        "subject": case,
        "agency": case.agency,
        "public": _filing_facts(case),
    }


def _may_edit(actor: Any, case: Case) -> bool:
    return case.state == State.DRAFT and (
        case.applicant_id == actor.pk or access.is_counter_filer(actor, case)
    )


def case_save_draft(
    *, actor: Any, case: Case, answers: dict[str, Any], uploads: Uploads | None = None
) -> Case:
    """Keep what the person has filled in so far; nothing is required yet."""
    with files_discarded_on_failure(), transaction.atomic():
        case = _locked(case)
        if not _may_edit(actor, case):
            raise NotAllowed()
        _check_answers(case, answers, complete=False)
        case.data = answers
        case.save(update_fields=["data", "updated_at"])
        _attach(actor, case, uploads)
        ledger.record(
            actor=actor,
            action="case.draft_saved",
            subject=case,
            agency=case.agency,
            public={"case": str(case.uuid), "service": case.service.code},
        )
    return case


class VersionChanged(CaseError):
    """The draft was started under a version of the service that is no longer current:
    move it (:func:`case_move_version`) and let the person check their answers."""

    def __init__(self) -> None:
        super().__init__(VERSION_CHANGED)


def taking_applications(service: Service) -> bool:
    """Whether ``service`` takes applications now: active, with a published version."""
    return service.active and service.current_id is not None


def case_move_version(*, actor: Any, case: Case) -> Case | None:
    """Move a draft to its service's current version, if another was published since the
    draft was started; None when there is nothing to move (the draft is on the current
    version, or the service takes no applications).

    The answers the current version still accepts are kept, the others dropped; so are
    the facts fetched for a registry item the version no longer asks for in the same way
    (they are fetched again on Continue). Files stay attached; the new version's list of
    documents decides what is still required. Records ``case.version_moved``.
    """
    if case.version_id == case.service.current_id or not taking_applications(case.service):
        return None  # the usual case: no query, no lock
    with transaction.atomic():
        case = _locked(case)
        if not _may_edit(actor, case):
            raise NotAllowed()
        service = case.service
        if not taking_applications(service) or case.version_id == service.current_id:
            return None
        old = case.version
        assert service.current is not None
        case.version = new = service.current
        case.data, dropped = _answers_kept(new, case.data if isinstance(case.data, dict) else {})
        case.save(update_fields=["version", "data", "updated_at"])
        stale_facts = _facts_not_kept(case, old, new)
        if stale_facts:
            case.facts.filter(item__in=stale_facts).delete()
        ledger.record(
            actor=actor,
            action="case.version_moved",
            subject=case,
            agency=case.agency,
            public={
                "case": str(case.uuid),
                "service": service.code,
                "from": old.number,
                "to": new.number,
            },
            private=(
                {"answers_dropped": dropped, "facts_dropped": stale_facts}
                if dropped or stale_facts
                else None
            ),
        )
    return case


def _answers_kept(version: Any, answers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``answers`` split into those ``version``'s form accepts (as a draft: nothing is
    required yet) and the names of those it does not (questions it no longer asks, or
    answers no longer valid)."""
    asked = set(version.definition.get("form", {}).get("schema", {}).get("properties", {}))
    kept = {name: value for name, value in answers.items() if name in asked}
    validator = version.answers_validator(complete=False)
    while kept and not version.answers_accepted(kept, complete=False):
        faulty = {str(e.path[0]) for e in validator.iter_errors(kept) if e.path}
        if not faulty & set(kept):  # only faults of the whole form: no one answer to drop
            break
        kept = {name: value for name, value in kept.items() if name not in faulty}
    return kept, [name for name in answers if name not in kept]


def _facts_not_kept(case: Case, old: Any, new: Any) -> list[str]:
    """The fetched facts of the draft whose item the new version no longer fetches the way
    the old one did (another registry, other fields, another legal basis or consent)."""
    same = ("source", "fields", "legal_basis", "consent")

    def terms(version: Any) -> dict[str, tuple[Any, ...]]:
        return {
            item["key"]: tuple(str(item.get(k)) for k in same)
            for item in once_only.fetched_items(version.definition)
        }

    before, after = terms(old), terms(new)
    held = list(case.facts.values_list("item", flat=True))
    return [item for item in held if item not in after or after[item] != before.get(item)]


def missing_evidence(case: Case) -> list[dict[str, Any]]:
    """Required items not yet provided: uploads without a file, and facts not yet fetched
    from their registry (unless the item lets an upload replace the fact, and one was)."""
    required = [
        item for item in case.version.definition.get("evidence", []) if item.get("required")
    ]
    if not required:
        return []
    if case.pk is None:  # not saved yet (filed in one step): it has nothing attached
        have: set[str] = set()
        facts: set[str] = set()
    else:
        have = set(case.evidence.values_list("item", flat=True))
        facts = set(case.facts.values_list("item", flat=True))
    missing = []
    for item in required:
        key = item["key"]
        replaced = item.get("fallback") == "upload" and key in have
        if (item.get("kind") == "upload" and key not in have) or (
            item.get("kind") == "fetched" and key not in facts and not replaced
        ):
            missing.append(item)
    return missing


def case_fetch_facts(
    *, actor: Any, case: Case, consented: Collection[str] = ()
) -> dict[str, once_only.FetchFailed]:
    """Fetch from other agencies' registries the facts the draft still lacks (once-only).

    The applicant is named by the national ID of their account, once checked against
    their ID card (a national ID they only typed themselves is never sent). ``consented`` holds the
    keys of the ``consent: true`` items the person has just agreed to. No transaction is
    held while a provider answers; each fact is then stored in a transaction of its own.
    Returns, for each item not fetched, why (an optional item waiting for consent is left
    alone).
    """
    case = Case.objects.select_related("service", "version", "agency", "applicant").get(pk=case.pk)
    if not _may_edit(actor, case):
        raise NotAllowed()
    have = set(case.facts.values_list("item", flat=True))
    role = "counter" if access.is_counter_filer(actor, case) else ""
    failures: dict[str, once_only.FetchFailed] = {}
    for item in once_only.fetched_items(case.version.definition):
        key = item["key"]
        if key in have or (item.get("consent") and key not in consented and not item["required"]):
            continue
        try:
            fact = once_only.fetch(
                item=item,
                national_id_value=case.applicant.national_id,
                national_id_unchecked=bool(case.applicant.national_id_claim_hash),
                purpose=case.service.code,
                actor=actor,
                actor_role=role,
                consent=key in consented,
            )
        except once_only.FetchFailed as exc:
            failures[key] = exc
            continue
        _fact_store(actor=actor, case=case, item=key, fact=fact)
    return failures


def _fact_store(*, actor: Any, case: Case, item: str, fact: once_only.Fact) -> FetchedFact:
    with transaction.atomic():
        case = _locked(case)
        if not _may_edit(actor, case):
            raise NotAllowed()
        row, _created = FetchedFact.objects.update_or_create(
            case=case,
            item=item,
            defaults={
                "node": fact.node,
                "agency_code": fact.agency_code,
                "service": fact.service,
                "method": fact.method,
                "purpose": fact.purpose,
                "legal_basis": fact.legal_basis,
                "consent_reference": fact.consent_reference,
                "data": fact.data,
                "fetched_at": fact.fetched_at,
                "fetched_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        # The draft gained the fact; the exchange itself is recorded as exchange.requested.
        ledger.record(
            actor=actor,
            action="case.draft_saved",
            subject=case,
            agency=case.agency,
            public={"case": str(case.uuid), "service": case.service.code},
        )
    return row


def _next_reference(case: Case, now: dt.datetime) -> str:
    """The case's reference, ``<AGENCY>-<BE year>-<sequence>``, in one statement.

    The upsert creates the agency's counter for the year or adds one to it, and keeps the
    row locked for the rest of the transaction: submissions of one agency queue on it, so
    numbers are never issued twice, and a rolled-back submission gives its number back
    (no gaps).
    """
    year_be = thai.be_year(timezone.localtime(now).year)
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    table = quote(ReferenceCounter._meta.db_table)
    agency, year, last = (quote(c) for c in ("agency_id", "year_be", "last"))
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({agency}, {year}, {last}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({agency}, {year}) DO UPDATE SET {last} = {table}.{last} + 1"
            + (f" RETURNING {last}" if returning else ""),
            [case.agency_id, year_be],
        )
        if not returning:  # an old SQLite (before 3.35); its writers are serialised anyway
            cursor.execute(
                f"SELECT {last} FROM {table} WHERE {agency} = %s AND {year} = %s",  # noqa: S608
                [case.agency_id, year_be],
            )
        (number,) = cursor.fetchone()
    return f"{case.agency.code.upper()}-{year_be}-{number:06d}"


def case_submit(*, actor: Any, case: Case, declaration: bool) -> Case:
    """Submit a complete draft: it gets its reference number and its legal deadline.

    Only under the service's current version: a draft started under an earlier one raises
    :class:`VersionChanged` (nothing is submitted; move it with :func:`case_move_version`
    and let the person check their answers). A service that stopped taking applications
    takes no submission either.
    """
    _require_declaration(declaration)
    with transaction.atomic():
        case = _locked(case)
        if not _may_edit(actor, case):
            raise NotAllowed()
        if not taking_applications(case.service):
            raise CaseError(NOT_TAKING_APPLICATIONS)
        if case.version_id != case.service.current_id:
            raise VersionChanged()
        _check_complete(case)
        now = _stamp_submitted(case)
        case.save(update_fields=[*SUBMISSION_FIELDS, "updated_at"])
        ledger.record(**_submitted(actor, case, now))
        _send_received(case)
    return case


def case_file(
    *, actor: Any, applicant: Any, service: Service, answers: dict[str, Any], declaration: bool
) -> Case:
    """Start and submit in one step, for a service that needs no uploads (the JSON API).

    Records ``case.started`` and ``case.submitted``; if anything is wrong, nothing is kept.
    The case is checked before anything is written, then inserted once, submitted.
    """
    case = _new_case(actor, applicant, service)
    case.data = answers
    try:
        _check_complete(case)
    except CaseError as exc:
        if declaration:
            raise
        # every fault at once: the declaration first, then the answers
        raise CaseError(
            exc.message,
            field="declaration",
            errors={"declaration": DECLARATION_REQUIRED, **exc.errors},
        ) from exc
    _require_declaration(declaration)
    with transaction.atomic():
        now = _stamp_submitted(case)
        rawsql.insert([case])
        ledger.record_all([_started(actor, case), _submitted(actor, case, now)])
        _send_received(case)
    return case


DECLARATION_REQUIRED = _("Confirm the declaration to submit your application.")


def _require_declaration(declaration: bool) -> None:
    if not declaration:
        raise CaseError(DECLARATION_REQUIRED, field="declaration")


def _sla_due(case: Case, submitted_at: dt.datetime) -> dict[str, str]:
    """When the agency promises a decision: the steps' SLA days added up (none if unset)."""
    days = sum(int(d) for d in case.version.definition.get("sla_days", {}).values())
    return {"sla_due": (submitted_at + dt.timedelta(days=days)).isoformat()} if days else {}


SUBMISSION_FIELDS = ("reference", "state", "declared_at", "submitted_at", "due_at")


def _check_complete(case: Case) -> None:
    """Every answer the service needs, valid, and every required item of evidence."""
    _check_answers(case, case.data, complete=True)
    missing = missing_evidence(case)
    if any(item.get("kind") == "fetched" for item in missing):
        raise CaseError(
            _(
                "We do not yet have the information we get from another agency's registry. "
                "Go back to your application to get it, then submit."
            )
        )
    if missing:
        raise CaseError(_("Upload every required document before you submit."))


def _stamp_submitted(case: Case) -> dt.datetime:
    """Give the case its reference, state and dates (inside the caller's transaction)."""
    now = timezone.now()
    case.reference = _next_reference(case, now)
    case.state = State.SUBMITTED
    case.declared_at = now
    case.submitted_at = now
    case.due_at = _statutory_due(case, now)
    return now


def _statutory_due(case: Case, submitted_at: dt.datetime) -> dt.datetime:
    """The deadline the law sets: ``deadline_days`` after submission."""
    return submitted_at + dt.timedelta(days=int(case.version.definition["deadline_days"]))


def _submitted(actor: Any, case: Case, now: dt.datetime) -> dict[str, Any]:
    """The ``case.submitted`` event, as :func:`ledger.record`'s arguments."""
    assert case.due_at is not None
    return {
        "actor": actor,
        "action": "case.submitted",
        "subject": case,
        "agency": case.agency,
        "public": {
            **_filing_facts(case),
            "reference": case.reference,
            "due": case.due_at.isoformat(),
            **_sla_due(case, now),
            **_equity_facts(case, now),
        },
    }


def _equity_facts(case: Case, now: dt.datetime) -> dict[str, str]:
    """``region`` and ``age_band`` for the public log, each only when the case holds it.

    The region is the official 2-digit province code of the applicant's address: the
    address fetched from the population registry, otherwise the form's first Thai address
    answer (for a permit that is the place the application is about: the region where the
    service is delivered). The age band is the applicant's age on the submission day (Thai time), from a
    fetched birth date or age, otherwise from a ``birth_date``/``date_of_birth`` or ``age``
    answer. Only these two coarse values are published, never the birth date, the district
    or the address itself; nothing is guessed when the case holds neither.
    """
    day = timezone.localtime(now).date()
    fetched: list[dict[str, Any]] = []
    evidence = case.version.definition.get("evidence") or []
    if case.pk is not None and any(item.get("kind") == "fetched" for item in evidence):
        fetched = [fact.data for fact in case.facts.all() if isinstance(fact.data, dict)]
    answers = case.data if isinstance(case.data, dict) else {}
    form = case.version.definition.get("form", {})
    properties = form.get("schema", {}).get("properties", {})
    ui_fields = form.get("ui", {}).get("fields", {})
    addresses = [fact.get("address") for fact in fetched] + [
        answers.get(key)
        for key in form.get("ui", {}).get("order", [])
        if widget_of(properties.get(key, {}), ui_fields.get(key, {})) == "address"
    ]
    region = next((code for a in addresses if (code := _province_of(a))), None)
    band = next((b for source in [*fetched, answers] if (b := _age_band_of(source, day))), None)
    return {
        **({"region": region} if region else {}),
        **({"age_band": band} if band else {}),
    }


def _province_of(address: Any) -> str | None:
    """The official province code of a Thai address (``{"province", "subdistrict", ...}``)."""
    if not isinstance(address, dict):
        return None
    code = str(address.get("province") or "")
    if not code and address.get("subdistrict"):
        try:
            code = thai_address.codes_for(str(address["subdistrict"]))["province"]
        except ValueError:
            return None
    return code if len(code) == 2 and code.isdigit() and code[0] != "0" else None


def _age_band_of(source: dict[str, Any], day: dt.date) -> str | None:
    """The age band of a birth date (``birth_date``/``date_of_birth``) or an ``age``."""
    age: int | None = None
    for key in ("birth_date", "date_of_birth"):
        try:
            born = dt.date.fromisoformat(str(source.get(key)))
        except ValueError:
            continue
        if born <= day:
            age = registries.age_on(born, day)
            break
    if age is None:
        value = source.get("age")
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            age = value
    if age is None:
        return None
    for band, upper in zip(AGE_BANDS, (17, 39, 59, 69, 79), strict=False):
        if age <= upper:
            return band
    return AGE_BANDS[-1]


def _send_received(case: Case) -> None:
    """Tell the applicant their application arrived: in-app, and by email after commit."""
    with in_language_of(case.applicant):
        message_send(
            user=case.applicant,
            case=case,
            subject=_("Application received: %(reference)s") % {"reference": case.reference},
            body=_(
                "We have received your application for %(service)s. Your reference number is "
                "%(reference)s. You can follow it under My applications."
            )
            % {"service": case.version.name, "reference": case.reference},
        )


def transition_conflict(case: Case, name: str) -> Conflict | None:
    """Why step ``name`` cannot be taken from the case's state now, as the :class:`Conflict`
    the step would raise, or None when the state allows it (or the workflow has no such
    step, which is :class:`NotAllowed`). Reads ``case`` as given: the step checks again
    under the case's lock."""
    transition = case.version.transition(name)
    if transition is None or case.state in transition["from"]:
        return None
    state = case.version.state_label(case.state)
    if case.state in (State.APPROVED, State.REJECTED, State.WITHDRAWN):
        return Conflict(
            _("This application has already been closed (%(state)s). Nothing was changed.")
            % {"state": state}
        )
    return Conflict(
        _("This application is now “%(state)s”, so this step is not possible. Nothing was changed.")
        % {"state": state}
    )


def _transition(actor: Any, case: Case, name: str) -> Case:
    """Lock the case and check that ``actor`` may take transition ``name`` from its state now."""
    case = _locked(case)
    transition = case.version.transition(name)
    if transition is None:
        raise NotAllowed()
    conflict = transition_conflict(case, name)
    if conflict is not None:
        raise conflict
    if not access.can_transition(actor, case, name):
        raise NotAllowed()
    case.state = transition["to"]
    return case


def case_claim(*, actor: Any, case: Case) -> Case:
    with transaction.atomic():
        case = _transition(actor, case, "claim")
        case.assignee = actor
        case.save(update_fields=["state", "assignee", "updated_at"])
        ledger.record(
            actor=actor,
            action="case.claimed",
            subject=case,
            agency=case.agency,
            public={
                "reference": case.reference,
                "agency": case.agency.code,
                "officer": commitment(actor),
            },
        )
    return case


#: Said to an applicant asked for information under a service whose clock stops meanwhile.
CLOCK_STOPPED_FOR_YOU = _(
    "Until you answer, the time we have to decide stands still: the date we must decide by"
    " moves later by the time you take."
)


def case_request_info(*, actor: Any, case: Case, message: str) -> InformationRequest:
    _refuse_control_characters(message, "message")
    message = (message or "").strip()
    if not message:
        raise CaseError(_("Say what information you need from the applicant."), field="message")
    with transaction.atomic():
        case = _transition(actor, case, "request_info")
        case.save(update_fields=["state", "updated_at"])
        request = InformationRequest.objects.create(case=case, requested_by=actor, message=message)
        stopped = _clock_stops(case, request.created_at)
        ledger.record(
            actor=actor,
            action="case.info_requested",
            subject=case,
            agency=case.agency,
            public={
                "reference": case.reference,
                "agency": case.agency.code,
                "officer": commitment(actor),
                "clock_stopped": stopped,
            },
            private={"message": message},
        )
        with in_language_of(case.applicant):
            body = _(
                "The officer handling your application asks:\n\n%(message)s\n\nPlease answer on the application page."
            ) % {"message": message}
            if stopped:
                body += "\n\n" + str(CLOCK_STOPPED_FOR_YOU)
            message_send(
                user=case.applicant,
                case=case,
                subject=_("More information needed: %(reference)s") % {"reference": case.reference},
                body=body,
            )
    return request


#: The key of the document sent with an answer (not one of the service's evidence items);
#: stored as ``additional-<request>``, one for each request answered.
ANSWER_DOCUMENT = "additional"


def case_answer(*, actor: Any, case: Case, response: str, uploads: Uploads | None = None) -> Case:
    _refuse_control_characters(response, "response")
    response = (response or "").strip()
    if not response and not uploads:
        raise CaseError(_("Write your answer or upload a document."), field="response")
    with files_discarded_on_failure(), transaction.atomic():
        case = _transition(actor, case, "answer")
        open_request = case.information_requests.filter(responded_at__isnull=True).last()
        moved: dict[str, str] = {}
        if open_request is not None:
            open_request.response = response
            open_request.responded_at = timezone.now()
            open_request.save(update_fields=["response", "responded_at", "updated_at"])
            moved = _due_dates_moved(case, open_request.created_at, open_request.responded_at)
        case.save(update_fields=["state", *(["due_at"] if moved else []), "updated_at"])
        if open_request is not None:
            # each answer's own document (not one of the service's items) under a key of
            # its own: an item's upload replaces the one before it, and the document sent
            # with the answer to an earlier request must stay
            uploads = {
                (f"{ANSWER_DOCUMENT}-{open_request.pk}" if key == ANSWER_DOCUMENT else key): v
                for key, v in (uploads or {}).items()
            }
        _attach(actor, case, uploads)
        ledger.record(
            actor=actor,
            action="case.info_provided",
            subject=case,
            agency=case.agency,
            public={"reference": case.reference, "agency": case.agency.code, **moved},
            private={"response": response},
        )
    return case


def _clock_stops(case: Case, asked: dt.datetime) -> bool:
    """Whether asking the applicant for information at ``asked`` stops the case's clock:
    under a service whose clock stops meanwhile, and only for a request made before the
    deadline. One made after it stops nothing: the deadline has been missed, and a
    request must not hide that from the queue or the published figures."""
    return (
        case.due_at is not None
        and asked < case.due_at
        and clock_stops_for_information(case.version.definition)
    )


def _due_dates_moved(case: Case, asked: dt.datetime, answered: dt.datetime) -> dict[str, str]:
    """For a service whose clock stops while the applicant is asked for information
    (``clock_stops_for_information``), move the case's due date later by the time from
    the request to the answer, and return the new due dates for ``case.info_provided``:
    ``due``, and ``sla_due`` when the service sets a service level (it moves with the due
    date: both stand still for the same time). Nothing for a service whose clock runs.

    The service level's due date is not stored on the case: it is the submission's
    (:func:`_sla_due`) plus all the time the deadline has stood still so far, which is
    what the public log last published for it plus this wait.
    """
    if not _clock_stops(case, asked) or case.due_at is None:
        return {}
    case.due_at += max(answered - asked, dt.timedelta(0))
    moved = {"due": case.due_at.isoformat()}
    if case.submitted_at is not None:
        stood_still = case.due_at - _statutory_due(case, case.submitted_at)
        moved.update(_sla_due(case, case.submitted_at + stood_still))
    return moved


def _decided(case: Case, actor: Any, subject: Any, body: Any) -> None:
    case.decided_at = timezone.now()
    case.assignee = case.assignee or actor
    message_send(user=case.applicant, case=case, subject=subject, body=body)


def case_approve(*, actor: Any, case: Case, conditions: str = "") -> Case:
    _refuse_control_characters(conditions, "conditions")
    conditions = (conditions or "").strip()
    with files_discarded_on_failure(), transaction.atomic():
        case = _transition(actor, case, "approve")
        case.decision_conditions = conditions
        with in_language_of(case.applicant):
            _decided(
                case,
                actor,
                _("Application approved: %(reference)s") % {"reference": case.reference},
                _("Your application for %(service)s has been approved.")
                % {"service": case.version.name}
                + ("\n\n" + str(_("Conditions:")) + "\n" + conditions if conditions else ""),
            )
        case.save(
            update_fields=["state", "decision_conditions", "decided_at", "assignee", "updated_at"]
        )
        ledger.record(
            actor=actor,
            action="case.approved",
            subject=case,
            agency=case.agency,
            public={
                "reference": case.reference,
                "agency": case.agency.code,
                "officer": commitment(actor),
                "applicant": commitment(case.applicant),
                "with_conditions": bool(conditions),
            },
            private={"conditions": conditions} if conditions else None,
        )
        _issue(actor, case)
        # An approved PDPA erasure request erases the person (nothing for other services).
        erasure.on_case_approved(actor=actor, case=case)
    return case


def _issue(actor: Any, case: Case) -> None:
    """Issue the decision's signed document in the deciding transaction: a case is never
    decided without it (if rendering or signing fails, nothing is kept)."""
    try:
        document_issue(actor=actor, case=case)
    except SigningNotConfigured as exc:
        raise CaseError(
            _(
                "The agency's key for signing documents is not set up, so nothing was changed. Ask your administrator."
            )
        ) from exc
    except DocumentError as exc:
        raise CaseError(exc.message) from exc


def legal_ground_words(basis: dict[str, Any]) -> str:
    """An entry of a definition's ``legal_basis`` in words, as the signed decision letter
    shows it: Thai (act and section), then on a new line English ("act, section")."""

    def text(part: str, lang: str) -> str:
        value = basis.get(part)
        return str(value.get(lang) or "").strip() if isinstance(value, dict) else ""

    thai_words = " ".join(w for w in (text("act", "th"), text("section", "th")) if w)
    english = ", ".join(w for w in (text("act", "en"), text("section", "en")) if w)
    return "\n".join(w for w in (thai_words, english) if w)


def _legal_basis(case: Case, legal_ground: int | str) -> tuple[int, dict[str, Any]]:
    """The entry of the case's version's ``legal_basis`` named by its index (from 0), as
    the form offers it: "0", "1"… (never read as a number first: "9" * 5000 is too long
    for ``int`` and is refused like any ground the version does not have)."""
    bases = case.version.definition.get("legal_basis") or []
    text = str(legal_ground).strip()
    if text not in {str(index) for index in range(len(bases))}:
        raise CaseError(_("Choose the legal ground for the refusal."), field="legal_ground")
    index = int(text)
    return index, bases[index]


def case_reject(*, actor: Any, case: Case, reasons: str, legal_ground: int | str) -> Case:
    """Refuse the application on one of the service's own legal grounds.

    ``legal_ground`` is the index (from 0) of an entry of the case's version's
    ``legal_basis`` (the law the service page cites). The public log names that entry,
    by index and in the definition's words; the officer's reasons, free text that may
    name people, stay in the event's private part. The applicant is told both.
    """
    _refuse_control_characters(reasons, "reasons")
    reasons = (reasons or "").strip()
    if not reasons:
        raise CaseError(_("Give the reasons for the refusal."), field="reasons")
    with files_discarded_on_failure(), transaction.atomic():
        case = _transition(actor, case, "reject")  # who may refuse is checked first
        index, basis = _legal_basis(case, legal_ground)
        words = legal_ground_words(basis)[:LEGAL_GROUND_MAX]
        case.decision_reasons = reasons
        case.decision_legal_ground = words
        with in_language_of(case.applicant):
            ground = f"{localized(basis.get('act'))}, {localized(basis.get('section'))}"
            _decided(
                case,
                actor,
                _("Application refused: %(reference)s") % {"reference": case.reference},
                _(
                    "Your application for %(service)s has been refused.\n\nReasons: %(reasons)s\nLegal ground: %(ground)s\n\nYou may appeal this decision as the law provides."
                )
                % {"service": case.version.name, "reasons": reasons, "ground": ground},
            )
        case.save(
            update_fields=[
                "state",
                "decision_reasons",
                "decision_legal_ground",
                "decided_at",
                "assignee",
                "updated_at",
            ]
        )
        ledger.record(
            actor=actor,
            action="case.rejected",
            subject=case,
            agency=case.agency,
            public={
                "reference": case.reference,
                "agency": case.agency.code,
                "officer": commitment(actor),
                "applicant": commitment(case.applicant),
                "legal_basis": index,
                "legal_ground": words,
            },
            private={"reasons": reasons},
        )
        _issue(actor, case)
    return case


def case_withdraw(*, actor: Any, case: Case) -> Case:
    with transaction.atomic():
        case = _transition(actor, case, "withdraw")
        case.decided_at = timezone.now()
        case.save(update_fields=["state", "decided_at", "updated_at"])
        ledger.record(
            actor=actor,
            action="case.withdrawn",
            subject=case,
            agency=case.agency,
            public={"reference": case.reference, "agency": case.agency.code},
        )
        with in_language_of(case.applicant):
            message_send(
                user=case.applicant,
                case=case,
                subject=_("Application withdrawn: %(reference)s") % {"reference": case.reference},
                body=_(
                    "You have withdrawn your application %(reference)s. No further action will be taken."
                )
                % {"reference": case.reference},
            )
    return case


#: The satisfaction survey's scale: 1 (very dissatisfied) to 5 (very satisfied).
RATING_SCORES = range(1, 6)
RATING_COMMENT_MAX = 2000


def case_rated(case: Case) -> bool:
    """Whether the applicant has answered the satisfaction question for ``case``."""
    return events_for(case).filter(action="case.rated").exists()


def case_rate(*, actor: Any, case: Case, score: int, comment: str = "") -> Case:
    """Record the applicant's answer to "How satisfied are you with this service?".

    Offered once the case is closed (approved, refused or withdrawn), to the applicant
    only, once per case: the ``case.rated`` event is the record of the answer, and the
    case's row lock makes a second answer wait and then find the first.
    """
    _refuse_control_characters(comment, "comment")
    comment = (comment or "").strip()
    if isinstance(score, bool) or not isinstance(score, int) or score not in RATING_SCORES:
        raise CaseError(_("Choose how satisfied you are, from 1 to 5."), field="score")
    if len(comment) > RATING_COMMENT_MAX:
        raise CaseError(
            _("Write at most %(count)s characters.") % {"count": RATING_COMMENT_MAX},
            field="comment",
        )
    with transaction.atomic():
        case = _locked(case)
        if case.applicant_id != getattr(actor, "pk", None) or not case.is_final:
            raise NotAllowed()
        if case_rated(case):
            raise Conflict(_("You have already told us how satisfied you are. Thank you."))
        ledger.record(
            actor=actor,
            action="case.rated",
            subject=case,
            agency=case.agency,
            public={
                "reference": case.reference,
                "agency": case.agency.code,
                "service": case.service.code,
                "score": score,
            },
            private={"comment": comment} if comment else None,
        )
    return case
