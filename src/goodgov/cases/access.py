"""Who may see and do what with a case. Deny by default.

Every look-up answers 404 both for "does not exist" and "not yours", so nobody can
probe for other people's cases (as Zulip's ``access_stream_common`` does).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404

from goodgov.agencies.selectors import roles_of
from goodgov.cases.models import Case, Channel, State

APPLICANT = "applicant"
CASEWORK_ROLES = {"officer", "approver", "counter"}


def _get(case_id: UUID | str) -> Case:
    try:
        return Case.objects.select_related("service", "version", "agency", "applicant").get(
            uuid=case_id
        )
    except (Case.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def is_counter_filer(user: Any, case: Case) -> bool:
    """The counter officer who is filing this draft on someone's behalf."""
    return (
        case.channel == Channel.COUNTER
        and case.filed_by_id == getattr(user, "pk", None)
        and "counter" in roles_of(user, case.agency)
    )


def case_for_applicant(user: Any, case_id: UUID | str) -> Case:
    """The case as its applicant sees it; also as the counter officer who filed it for
    them sees it, to act for the person when they come back to the counter (answer a
    request for information, withdraw): someone registered at the counter may have no
    way to sign in."""
    case = _get(case_id)
    if case.applicant_id == user.pk:
        return case
    if is_counter_filer(user, case):
        return case
    raise Http404


class NoLongerDraft(Exception):
    """The person's own application, which is no longer a draft (submitted meanwhile, from
    this window or another): they may be told so, since it is theirs, rather than "not
    found". ``counter``: the one asking is the counter officer who filed it."""

    def __init__(self, case: Case, *, counter: bool) -> None:
        super().__init__(str(case.uuid))
        self.case = case
        self.counter = counter


def own_case(user: Any, case_id: UUID | str) -> Case:
    """The case of which ``user`` is the applicant, and nobody else's: what only the
    person themself may do (rate the service, read their cases over the API)."""
    case = _get(case_id)
    if case.applicant_id != getattr(user, "pk", None):
        raise Http404
    return case


def case_for_editing(user: Any, case_id: UUID | str) -> Case:
    """A draft, for its applicant or the counter officer filing it; 404 for anyone else.

    Raises :class:`NoLongerDraft` when the case is no longer a draft and is the applicant's
    own, or was filed at the counter by this officer (who still holds the counter role):
    only those already know it exists."""
    case = _get(case_id)
    pk = getattr(user, "pk", None)
    if case.state == State.DRAFT:
        if case.applicant_id == pk or is_counter_filer(user, case):
            return case
        raise Http404
    if case.applicant_id == pk:
        raise NoLongerDraft(case, counter=False)
    if is_counter_filer(user, case):
        raise NoLongerDraft(case, counter=True)
    raise Http404


def case_for_officer(user: Any, case_id: UUID | str) -> Case:
    """The case as an officer of the owning agency sees it. Drafts stay private."""
    case = _get(case_id)
    if case.state == State.DRAFT or not roles_of(user, case.agency):
        raise Http404
    return case


def is_party(user: Any, case: Case) -> bool:
    """The applicant, and the officer who filed the case on their behalf, are parties to
    it: neither may also work on it as an officer (an official does not decide a matter
    they are party to; Thailand's Administrative Procedure Act B.E. 2539, section 13)."""
    pk = getattr(user, "pk", None)
    return pk is not None and pk in (case.applicant_id, case.filed_by_id)


def works_on(user: Any, case: Case, roles: set[str] | None = None) -> bool:
    """Officers working the case: the one handling it, the counter officer who filed it,
    and whoever may take one of its workflow steps now (claim it, decide it)."""
    pk = getattr(user, "pk", None)
    if pk is None or case.state == State.DRAFT:
        return False
    roles = roles_of(user, case.agency) if roles is None else roles
    if not roles & CASEWORK_ROLES:
        return False
    if pk in (case.assignee_id, case.filed_by_id):
        return True
    return bool(allowed_transitions(user, case, roles))


def may_see_national_ids(user: Any, case: Case, roles: set[str] | None = None) -> bool:
    """The person themself, and officers working the case, see IDs (and evidence files)
    in full; other officers of the agency (administrators, executives, colleagues) see
    them masked. ``roles``: the user's roles in the case's agency, when already read."""
    if case.applicant_id == getattr(user, "pk", None):
        return True
    return works_on(user, case, roles)


def allowed_transitions(user: Any, case: Case, roles: set[str] | None = None) -> set[str]:
    """The workflow transitions ``user`` may take on ``case`` now. The applicant takes the
    applicant's steps, and so does the counter officer who filed the case for them
    (:func:`is_counter_filer`); a party to the case takes none of the officers' steps."""
    allowed = set()
    pk = getattr(user, "pk", None)
    party = is_party(user, case)
    if roles is None:
        roles = roles_of(user, case.agency)
    for t in case.version.definition.get("workflow", {}).get("transitions", []):
        if case.state not in t["from"]:
            continue
        if t["role"] == APPLICANT:
            # the applicant's steps, or the counter officer's who filed for them, on
            # the person's word at the counter
            if case.applicant_id == pk or (
                case.filed_by_id == pk and "counter" in roles and case.channel == Channel.COUNTER
            ):
                allowed.add(t["name"])
        elif t["role"] in roles and not party:
            allowed.add(t["name"])
    return allowed


def may_take_step(user: Any, case: Case, name: str) -> bool:
    """Whether ``user`` holds the role the workflow names for the officers' step ``name``
    in any state (and is not party to the case): asked before a step's form is read, so
    that someone without the role is refused alike whatever they typed."""
    if is_party(user, case):
        return False
    roles = roles_of(user, case.agency)
    return any(
        t["name"] == name and t["role"] in roles
        for t in case.version.definition.get("workflow", {}).get("transitions", [])
    )


def can_transition(user: Any, case: Case, name: str) -> bool:
    return name in allowed_transitions(user, case)


def may_start_for_others(user: Any, agency: Any) -> bool:
    return "counter" in roles_of(user, agency)
