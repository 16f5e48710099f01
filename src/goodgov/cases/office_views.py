"""The back office: an officer's queue, a case's page and its decisions, and the counter.

Every view requires an active agency membership (``officer`` rule); each case is found
through ``cases.access.case_for_officer`` (404 outside the officer's agencies) and each
step is allowed only to the role the service's workflow names.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import ChoiceField, Textarea
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from goodgov.accounts.models import User
from goodgov.accounts.selectors import user_by_national_id, users_claiming_national_id
from goodgov.accounts.services import (
    person_national_id_confirm,
    person_register_at_counter,
)
from goodgov.agencies.selectors import agencies_of, roles_of
from goodgov.cases import access, selectors, services
from goodgov.cases.answers import answer_rows
from goodgov.cases.models import Case, State
from goodgov.cases.step_forms import (
    ApproveForm,
    CounterConfirmForm,
    CounterFindForm,
    CounterRegisterForm,
    QueueFilterForm,
    RejectForm,
    RequestInfoForm,
)
from goodgov.catalogue.models import Service
from goodgov.core import access as rules
from goodgov.core import kept_forms, national_id
from goodgov.documents.selectors import evidence_by_item, evidence_of
from goodgov.exchange.services import person_lookup_record, person_view_record
from goodgov.ledger.selectors import events_for


@rules.rule(rules.OFFICER, "cases of the officer's own agencies only")
def queue(request: HttpRequest) -> HttpResponse:
    agencies = agencies_of(request.user)
    form = QueueFilterForm(request.GET or None)
    service_field = form.fields["service"]
    assert isinstance(service_field, ChoiceField)
    service_field.choices = [("", _("All services"))] + [
        (s.code, s.name)
        for s in Service.objects.filter(agency__in=agencies).select_related("current")
    ]
    for name, text in _filter_unknown().items():  # not Django's generic "valid choice"
        form.fields[name].error_messages["invalid_choice"] = text
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # a bad value is shown as an error; the filters that are good still apply
        filters = form.cleaned_data
    cases = selectors.queue(
        request.user,
        service=filters.get("service", ""),
        state=filters.get("state", ""),
        due=filters.get("due", ""),
    )
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/office/queue.html",
        {
            "form": form,
            "page": page,
            "agencies": agencies,
            "query": query.urlencode(),
            "files_at_counter": bool(_counter_agencies(request)),
        },
    )


def _filter_unknown() -> dict[str, str]:
    """What the queue says, per filter, of a value not in its list (an old bookmark, an
    address typed by hand): the filter is left out and the others still apply."""
    return {
        "service": _("Select a service from the list"),
        "state": _("Select a status from the list"),
        "due": _("Select a due date from the list"),
    }


def decision_maker(case: Case) -> User | None:
    """The officer who approved or refused ``case``, from its decision event in the ledger
    (the case stores who handled it, not who decided); None while it is undecided."""
    if case.state not in (State.APPROVED, State.REJECTED):
        return None
    event = (
        events_for(case)
        .filter(action__in=["case.approved", "case.rejected"])
        .select_related("actor")
        .last()
    )
    return event.actor if event is not None else None


def _case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    roles = roles_of(request.user, case.agency)  # read once for the rules below
    allowed = access.allowed_transitions(request.user, case, roles)
    in_full = access.may_see_national_ids(request.user, case, roles)
    context: dict[str, Any] = {
        "case": case,
        "version": case.version,
        "allowed": allowed,
        "party": access.is_party(request.user, case),
        "timeline": selectors.timeline(case, for_officer=True),
        "rows": answer_rows(
            case.version,
            case.data,
            reveal_national_ids=in_full,
        ),
        "applicant_id": (
            case.applicant.national_id_display if in_full else case.applicant.national_id_masked
        ),
        "evidence_rows": evidence_by_item(case.version, evidence_of(case)),
        "opens_evidence": in_full,  # the same officers may open the files
        "info_request": selectors.open_information_request(case),
        "request_info_form": RequestInfoForm() if "request_info" in allowed else None,
        "approve_form": ApproveForm() if "approve" in allowed else None,
        "reject_form": RejectForm() if "reject" in allowed else None,
        "decided_by": decision_maker(case),
    }
    context.update({k: v for k, v in forms.items() if context.get(k) is not None})
    return context


@rules.rule(rules.OFFICER, "officers of the owning agency; drafts are never shown")
def case(request: HttpRequest, case_id: str) -> HttpResponse:
    found = access.case_for_officer(request.user, case_id)
    person_view_record(actor=request.user, case=found)  # person.viewed: on their data tracker
    kept = _kept(request, found)
    context = _case_context(request, found, **kept)
    for name, form in kept.items():
        if context.get(name) is not form:  # a step the case no longer allows: say why
            conflict = services.transition_conflict(found, STEP_FORMS[name][0].split(":")[1])
            if conflict is not None:
                messages.error(request, str(conflict.message))
            context.update({"conflict": True, "not_sent": _typed(form)})
    return render(request, "cases/office/case.html", context)


#: The step forms of the case page: the form's name in the page, the view it is sent to.
STEP_FORMS = {
    "request_info_form": ("office:request_info", RequestInfoForm),
    "approve_form": ("office:approve", ApproveForm),
    "reject_form": ("office:reject", RejectForm),
}


def _kept(request: HttpRequest, case: Case) -> dict[str, Any]:
    """A step's form as the officer typed it before their session ended (kept_forms)."""
    for name, (view, form_class) in STEP_FORMS.items():
        kept = kept_forms.take(request, reverse(view, args=[case.uuid]))
        if kept is not None:
            return {name: form_class(kept)}
    return {}


#: Said after a decision when its applicant cannot read it online: a person registered at
#: the counter with neither an email address nor a password gets the in-app message and
#: the signed letter, but will not see them unless told.
OFFLINE_NOTICE = {
    "approve": gettext_lazy(
        "The applicant has no email address and cannot sign in, so they will not see this "
        "online: give them the signed decision at the counter or send it by post."
    ),
    "reject": gettext_lazy(
        "The applicant has no email address and cannot sign in, so they will not see this "
        "online: give them the signed decision, with its reasons, at the counter or send it "
        "by post."
    ),
    "request_info": gettext_lazy(
        "The applicant has no email address and cannot sign in, so they will not see this "
        "request online: tell them by telephone or by post. When they come back to the "
        "counter, the counter officer who filed the application records their answer on its "
        "page."
    ),
}


def reachable_online(person: Any) -> bool:
    """Whether a person can read their messages: by email, or by signing in."""
    return bool(person.email) or person.has_usable_password()


def _step(
    request: HttpRequest,
    case_id: str,
    step: str,
    run: Any,
    form_name: str,
    form: Any,
    done: str,
) -> HttpResponse:
    """Run one workflow step; on bad input re-render the case page keeping what was typed.

    An officer without the step's role is refused (404) before the form is read, whatever
    they typed. One with it whose case has moved on meanwhile (decided by a colleague, say)
    is told so (``Conflict``) before their input is judged, whether it is complete or not:
    errors in a form for a step that can no longer be taken would help nobody."""
    found = access.case_for_officer(request.user, case_id)
    if not access.may_take_step(request.user, found, step):
        raise Http404
    conflict = services.transition_conflict(found, step)
    if conflict is None and (form is None or form.is_valid()):
        try:
            run(found, form.cleaned_data if form is not None else {})
        except services.NotAllowed as exc:
            raise Http404 from exc
        except services.Conflict as exc:
            conflict = exc
            found = access.case_for_officer(request.user, case_id)  # as it is now
        except services.CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, done)
            if step in OFFLINE_NOTICE and not reachable_online(found.applicant):
                messages.warning(request, str(OFFLINE_NOTICE[step]))
            return redirect("office:case", case_id=found.uuid)
    if conflict is not None:
        return _conflict(request, found, conflict, form_name, form)
    return render(
        request,
        "cases/office/case.html",
        _case_context(request, found, **{form_name: form}),
        status=400,
    )


def _typed(form: Any) -> list[tuple[Any, str]]:
    """The text an officer typed into a step's form (its text areas), as (label, text)."""
    return [
        (field.label, form.data.get(name, "").strip())
        for name, field in form.fields.items()
        if isinstance(field.widget, Textarea) and form.data.get(name, "").strip()
    ]


def _conflict(
    request: HttpRequest, case: Case, conflict: Any, form_name: str, form: Any
) -> HttpResponse:
    """The case page as it is now, saying why the step was not taken (409). What the
    officer typed stays: in the step's form if the page still shows it, else shown back
    as text to copy, since nothing was sent."""
    messages.error(request, str(conflict.message))
    context = _case_context(request, case)
    typed: list[tuple[Any, str]] = []
    if form is not None:
        if context.get(form_name) is not None:
            form.errors.clear()  # judged against a step the case no longer allows
            context[form_name] = form
        else:
            typed = _typed(form)
    context.update({"conflict": True, "not_sent": typed})
    return render(request, "cases/office/case.html", context, status=409)


@require_POST
@rules.rule(rules.OFFICER, "role named by the workflow's 'claim' step, owning agency")
def claim(request: HttpRequest, case_id: str) -> HttpResponse:
    return _step(
        request,
        case_id,
        "claim",
        lambda c, d: services.case_claim(actor=request.user, case=c),
        "",
        None,
        _("You are now handling this application."),
    )


@require_POST
@rules.rule(
    rules.OFFICER,
    "role named by the workflow's 'request_info' step, owning agency",
    form_page="office:case",
)
def request_info(request: HttpRequest, case_id: str) -> HttpResponse:
    return _step(
        request,
        case_id,
        "request_info",
        lambda c, d: services.case_request_info(actor=request.user, case=c, message=d["message"]),
        "request_info_form",
        RequestInfoForm(request.POST),
        _("Your request has been sent to the applicant."),
    )


@require_POST
@rules.rule(
    rules.OFFICER,
    "role named by the workflow's 'approve' step, owning agency",
    form_page="office:case",
)
def approve(request: HttpRequest, case_id: str) -> HttpResponse:
    return _step(
        request,
        case_id,
        "approve",
        lambda c, d: services.case_approve(actor=request.user, case=c, conditions=d["conditions"]),
        "approve_form",
        ApproveForm(request.POST),
        _("The application is approved and the applicant has been told."),
    )


@require_POST
@rules.rule(
    rules.OFFICER,
    "role named by the workflow's 'reject' step, owning agency",
    form_page="office:case",
)
def reject(request: HttpRequest, case_id: str) -> HttpResponse:
    return _step(
        request,
        case_id,
        "reject",
        lambda c, d: services.case_reject(
            actor=request.user, case=c, reasons=d["reasons"], legal_ground=d["legal_ground"]
        ),
        "reject_form",
        RejectForm(request.POST),
        _("The application is refused and the applicant has been told the reasons."),
    )


#: What the counter keeps in the session for its next step: whom a look-up found (their
#: account's pk), or the national ID nobody has yet, encrypted, for registering them.
COUNTER_PERSON = "office.counter.person"
COUNTER_NEW = "office.counter.new"
_COUNTER_NEW_PURPOSE = b"office-counter-new-v1"
#: The accounts (pks) that claim the national ID the look-up found nobody checked for:
#: the officer may confirm one of them against the person's ID card, and only these.
COUNTER_CLAIMANTS = "office.counter.claimants"
#: What the officer typed to register a person before their session ended, sealed, held
#: until they have looked the person's ID up again (that ID was in the session that
#: ended) and the registration form shows it; dropped when they start again, when the
#: look-up finds someone with an account, and after :data:`kept_forms.MAX_AGE`.
COUNTER_KEPT = "office.counter.kept"
#: Look-ups by national ID one officer may make in a sliding minute, so that nobody can
#: walk through IDs to learn who has an account.
COUNTER_LOOKUPS_PER_MINUTE = 30
_LOOKUP_WINDOW = 60.0


def _counter_agencies(request: HttpRequest) -> list[Any]:
    return [a for a in agencies_of(request.user) if access.may_start_for_others(request.user, a)]


def _lookup_allowed(user: Any) -> bool:
    """Count one look-up by ``user``; False (and not counted) once they have made
    :data:`COUNTER_LOOKUPS_PER_MINUTE` in the last minute.

    A sliding window of timestamps in Django's cache under a short lock, as allauth's rate
    limits keep theirs, so it holds across processes with any shared cache backend.
    """
    key = f"goodgov:counter-lookups:{user.pk}"
    lock = f"{key}:lock"
    deadline = time.monotonic() + 1.0
    while not cache.add(lock, True, timeout=10):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    try:
        now = time.time()
        history = [t for t in cache.get(key, []) if t > now - _LOOKUP_WINDOW]
        if len(history) >= COUNTER_LOOKUPS_PER_MINUTE:
            return False
        history.append(now)
        cache.set(key, history, timeout=_LOOKUP_WINDOW)
        return True
    finally:
        cache.delete(lock)


def _counter_forget(request: HttpRequest) -> None:
    request.session.pop(COUNTER_PERSON, None)
    request.session.pop(COUNTER_NEW, None)
    request.session.pop(COUNTER_KEPT, None)
    request.session.pop(COUNTER_CLAIMANTS, None)


def _counter_claimants(request: HttpRequest) -> list[User]:
    """The accounts that claim the looked-up ID, as the look-up found them (still
    claiming it: one confirmed meanwhile releases the others)."""
    pks = request.session.get(COUNTER_CLAIMANTS) or []
    claiming = User.objects.filter(pk__in=pks).exclude(national_id_claim_hash="")
    found = {u.pk: u for u in claiming}
    return [found[pk] for pk in pks if pk in found]


def _counter_person(request: HttpRequest) -> User | None:
    """The person the officer's last look-up (or registration) found, if any."""
    pk = request.session.get(COUNTER_PERSON)
    return None if pk is None else User.objects.filter(pk=pk).first()


def _counter_new_id(request: HttpRequest) -> str:
    """The national ID the last look-up found nobody with, or ""."""
    token = request.session.get(COUNTER_NEW)
    return national_id.decrypt_text(token, purpose=_COUNTER_NEW_PURPOSE) if token else ""


def _register_form(data: Any = None) -> CounterRegisterForm:
    form = CounterRegisterForm(data)
    form.fields.pop("national_id", None)  # kept in the session, never in the page
    return form


def _counter_hold(request: HttpRequest, kept: QueryDict) -> None:
    """Hold, sealed, the registration details in ``kept`` (a form taken from
    :mod:`~goodgov.core.kept_forms`) until the registration form shows them."""
    fields = {name: kept.getlist(name) for name in _register_form().fields if name in kept}
    if kept_forms.typed(fields):
        request.session[COUNTER_KEPT] = kept_forms.seal(fields)


def _counter_held(request: HttpRequest, *, take: bool = False) -> QueryDict | None:
    """The registration details held by :func:`_counter_hold`, if any and not too old
    (:data:`kept_forms.MAX_AGE`); ``take`` drops them once read (the registration form
    then holds them), as does finding them too old or unreadable."""
    held = request.session.get(COUNTER_KEPT)
    if held is None:
        return None
    data = kept_forms.unseal(held)
    if take or data is None:
        del request.session[COUNTER_KEPT]
    return data


def _held_rows(held: QueryDict) -> list[tuple[Any, str]]:
    """The registration details held, as (label, what was typed), shown over the look-up
    that will bring them back into the registration form."""
    rows = []
    for name, field in _register_form().fields.items():
        typed = [value for value in held.getlist(name) if value.strip()]
        if typed:
            rows.append((field.label, ", ".join(typed)))
    return rows


def _counter_page(
    request: HttpRequest,
    agencies: list[Any],
    *,
    find: CounterFindForm | None = None,
    register: CounterRegisterForm | None = None,
    person: User | None = None,
    new_id: str = "",
    claimants: list[User] | None = None,
    confirm: CounterConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    held = _counter_held(request) if find is not None else None
    return render(
        request,
        "cases/office/counter.html",
        {
            "find": find,
            "register": register,
            "person": person,
            "new_id": national_id.display(new_id) if new_id else "",
            "claimants": len(claimants or []),
            "confirm": confirm if confirm is not None else CounterConfirmForm(),
            "held": _held_rows(held) if held is not None else [],
            "services": Service.objects.filter(
                agency__in=agencies, active=True, current__isnull=False
            ).select_related("current", "agency")
            if person is not None
            else [],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@rules.rule(
    rules.OFFICER,
    "counter role: file on behalf of a person at the counter",
    form_page=kept_forms.HERE,
)
def counter(request: HttpRequest) -> HttpResponse:
    """Find the person by national ID, or register them, then choose a service.

    The ID travels only in POST bodies, never in a URL (access logs, browser history):
    each step posts, keeps what it found in the session and redirects (Post/Redirect/Get).

    A step sent after the officer's session ended comes back here once they have signed
    in again (:mod:`goodgov.core.kept_forms`), shown and not acted on: a look-up in the
    find field; registration details once the ID is looked up again (:data:`COUNTER_KEPT`).
    """
    agencies = _counter_agencies(request)
    if not agencies:
        raise Http404
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "find":
            return _counter_find(request, agencies)
        if step == "register":
            return _counter_register(request, agencies)
        if step == "confirm":
            return _counter_confirm(request, agencies)
        if step == "again":
            _counter_forget(request)
        return redirect("office:counter")
    kept = kept_forms.take(request, request.path, banner=False)
    if kept is not None:  # a step sent after the session ended; this session has no other
        _counter_forget(request)
        step = kept.get("step")
        if step in ("find", "register"):  # not "again": nothing typed there
            messages.warning(request, kept_forms.KEPT_TYPING)
        if step == "find":
            return _counter_page(request, agencies, find=CounterFindForm(kept))
        if step == "register":
            _counter_hold(request, kept)
        return _counter_page(request, agencies, find=CounterFindForm())
    person = _counter_person(request)
    if person is not None:
        return _counter_page(request, agencies, person=person)
    new_id = _counter_new_id(request)
    if new_id:
        held = _counter_held(request, take=True)
        if held is not None:
            messages.warning(request, kept_forms.KEPT_TYPING)
        return _counter_page(
            request,
            agencies,
            register=_register_form(held),
            new_id=new_id,
            claimants=_counter_claimants(request),
        )
    return _counter_page(request, agencies, find=CounterFindForm())


def _counter_find(request: HttpRequest, agencies: list[Any]) -> HttpResponse:
    find = CounterFindForm(request.POST)
    if not find.is_valid():
        return _counter_page(request, agencies, find=find, status=400)
    if not _lookup_allowed(request.user):
        find.add_error(
            "national_id",
            _(
                "You have looked up too many people in the last minute. "
                "Wait a minute, then try again."
            ),
        )
        return _counter_page(request, agencies, find=find, status=429)
    digits = find.cleaned_data["national_id"]
    person = user_by_national_id(digits)
    if person is None:  # registration details held for this look-up stay, for the form
        request.session.pop(COUNTER_PERSON, None)
        request.session[COUNTER_NEW] = national_id.encrypt_text(
            digits, purpose=_COUNTER_NEW_PURPOSE
        )
        # Accounts made online that give this ID, unchecked: the officer, holding the ID
        # card, may confirm the one the person signs in with. Only how many is shown, and
        # nothing is put on their trackers: whoever claims someone's ID must not learn
        # when and where its owner goes to a counter.
        claimants = users_claiming_national_id(digits)
        request.session[COUNTER_CLAIMANTS] = [c.pk for c in claimants]
    else:
        _counter_forget(request)  # details held to register someone new are not theirs
        # The look-up showed the officer that the person has an account, and their name:
        # person.viewed, on the person's data tracker.
        person_lookup_record(actor=request.user, person=person, agency=agencies[0])
        request.session[COUNTER_PERSON] = person.pk
    return redirect("office:counter")


def _counter_register(request: HttpRequest, agencies: list[Any]) -> HttpResponse:
    new_id = _counter_new_id(request)
    if not new_id:  # nothing looked up (or already registered): start again
        return redirect("office:counter")
    register = _register_form(request.POST)
    if register.is_valid():
        try:
            person = person_register_at_counter(
                actor=request.user, national_id=new_id, **register.cleaned_data
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                register.add_error(field if field in register.fields else None, errors)
        else:
            _counter_forget(request)
            request.session[COUNTER_PERSON] = person.pk
            messages.success(
                request, _("The person is registered. Choose the service they are applying for.")
            )
            return redirect("office:counter")
    return _counter_page(
        request,
        agencies,
        register=register,
        new_id=new_id,
        claimants=_counter_claimants(request),
        status=400,
    )


def _counter_confirm(request: HttpRequest, agencies: list[Any]) -> HttpResponse:
    """The officer saw the person's ID card and typed the email address or mobile number
    the person says their account signs in with: the account among those claiming the
    looked-up ID that signs in with exactly that becomes the person's, the ID confirmed.
    The look-up then shows it on the person's tracker (``person.viewed``)."""
    new_id = _counter_new_id(request)
    claimants = _counter_claimants(request)
    if not new_id or not claimants:  # nothing looked up, or the claims released meanwhile
        messages.error(
            request,
            _(
                "No account is waiting for this national ID number to be confirmed any more. "
                "Look the person up again."
            ),
        )
        _counter_forget(request)
        return redirect("office:counter")
    confirm = CounterConfirmForm(request.POST)
    claimant = None
    if confirm.is_valid():
        claimant = _signs_in_with(claimants, confirm.cleaned_data["login"])
        if claimant is None:
            confirm.add_error(
                "login",
                _(
                    "No account that gives this national ID number signs in with this email "
                    "address or mobile number. Check it with the person, or register them below."
                ),
            )
        elif claimant.pk == request.user.pk:
            confirm.add_error(
                "login", _("You cannot confirm your own national ID. Ask another counter officer.")
            )
            claimant = None
    if claimant is None:
        return _counter_page(
            request,
            agencies,
            register=_register_form(),
            new_id=new_id,
            claimants=claimants,
            confirm=confirm,
            status=400,
        )
    try:
        person = person_national_id_confirm(actor=request.user, person=claimant, agency=agencies[0])
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        _counter_forget(request)
        return redirect("office:counter")
    person_lookup_record(actor=request.user, person=person, agency=agencies[0])
    _counter_forget(request)
    request.session[COUNTER_PERSON] = person.pk
    messages.success(
        request,
        _(
            "The national ID number is confirmed on the person's account. Choose the "
            "service they are applying for."
        ),
    )
    return redirect("office:counter")


def _signs_in_with(claimants: list[User], login: str) -> User | None:
    """The claimant whose account signs in with ``login`` (an email address, any case;
    or a mobile number, typed in any accepted form), if any."""
    from goodgov.accounts import phone as phones

    typed = login.strip()
    if "@" in typed:
        return next((c for c in claimants if (c.email or "").lower() == typed.lower()), None)
    try:
        e164 = phones.normalise(typed)
    except ValidationError:
        return None
    return next((c for c in claimants if c.phone == e164), None)


@require_http_methods(["GET", "POST"])
@rules.rule(rules.OFFICER, "counter role in the service's agency")
def counter_start(request: HttpRequest) -> HttpResponse:
    """Open a draft for the person the counter found; the person comes from the session.

    Nothing is typed here, so nothing is kept when the session has ended: the officer
    signs in again and comes back to the counter page (the page the form was on, or this
    address, which sends them there) to look the person up again.
    """
    if request.method == "GET":
        return redirect("office:counter")
    service = get_object_or_404(Service, code=request.POST.get("service", ""), active=True)
    person = _counter_person(request)
    if person is None:
        raise Http404
    try:
        found = services.case_start(actor=request.user, applicant=person, service=service)
    except services.NotAllowed as exc:
        raise Http404 from exc
    _counter_forget(request)
    return redirect("cases:edit", case_id=found.uuid)
