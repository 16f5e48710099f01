"""Citizens' pages: start, fill in, check and submit an application; track it; answer; withdraw.

Views are thin: find the case through ``cases.access`` (404 when not yours), call a
service, render. Every service checks permission again.
"""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goodgov.cases import access, selectors, services
from goodgov.cases.answers import answer_rows, fact_panels
from goodgov.cases.forms import (
    EVIDENCE_PREFIX,
    REQUIRED,
    AddressField,
    ApplicationForm,
    application_form,
    message_params,
)
from goodgov.cases.models import Case, FetchedFact, State
from goodgov.cases.step_forms import (
    AnswerForm,
    CounterDeclarationForm,
    DeclarationForm,
    RatingForm,
)
from goodgov.catalogue.models import Service, localized
from goodgov.core import access as rules
from goodgov.core import kept_forms
from goodgov.core.text import CONTROL_CHARACTERS_MESSAGE
from goodgov.documents.selectors import documents_of_case, evidence_by_item, evidence_of
from goodgov.documents.validation import check_upload
from goodgov.ledger import receipts
from goodgov.ledger.selectors import events_for
from goodgov.web.forms import field_target_id

ACCEPT_ANY_DOCUMENT = ["application/pdf", "image/jpeg", "image/png"]
# The acts of a case the applicant gets a ledger receipt for: filing it, and the decision.
RECEIPT_ACTIONS = ("case.submitted", "case.approved", "case.rejected")


def _evidence_items(case: Case) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in case.version.definition.get("evidence", [])}


def _facts(case: Case) -> dict[str, FetchedFact]:
    return {fact.item: fact for fact in case.facts.all()}


def _evidence_rows(case: Case) -> list[dict[str, Any]]:
    """The documents of the case; an item fetched from a registry is listed only if an
    upload replaced it (the fact itself is shown apart, read-only)."""
    return [
        row
        for row in evidence_by_item(case.version, evidence_of(case))
        if row["item"].get("kind") != "fetched" or row["docs"]
    ]


def checked_uploads(case: Case, cleaned: dict[str, Any]) -> services.Uploads:
    """The uploads among ``cleaned``: the form has checked them and set their content type
    from their bytes (``documents.validation.check_upload``)."""
    uploads: services.Uploads = {}
    for key in _evidence_items(case):
        upload = cleaned.get(f"evidence_{key}")
        if upload:
            uploads[key] = (upload, upload.content_type)
    return uploads


@require_http_methods(["GET", "POST"])
@rules.rule(rules.SIGNED_IN, "anyone signed in may start an application for themself")
def start(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service, code=code, active=True, current__isnull=False)
    if request.method == "POST":
        case = services.case_start(actor=request.user, applicant=request.user, service=service)
        return redirect("cases:edit", case_id=case.uuid)
    drafts = selectors.cases_of(request.user).filter(service=service, state=State.DRAFT)
    return render(
        request,
        "cases/start.html",
        {"service": service, "version": service.current, "drafts": drafts},
    )


@require_http_methods(["GET", "POST"])
@rules.rule(
    rules.SIGNED_IN,
    "the applicant, or the counter officer filing for them; drafts only",
    form_page=kept_forms.HERE,
)
def edit(request: HttpRequest, case_id: str) -> HttpResponse:
    """Fill in the form; on Continue, also fetch from registries what the service takes
    from them (once-only). "Save and come back later" keeps the draft without fetching;
    "Try again" (``_action=fetch``) fetches and shows the result here."""
    try:
        case = access.case_for_editing(request.user, case_id)
    except access.NoLongerDraft as exc:
        return _no_longer_draft(request, exc, changes_lost=request.method == "POST")
    moved = _moved_to_current_version(request, case)
    if moved is not None:
        case = moved
    have = {e.item for e in evidence_of(case)}
    facts = _facts(case)
    data = kept_forms.posted(request)
    if request.method == "GET" or moved is not None:
        # The saved draft; or, shown again saving nothing, so the person checks it before
        # going on: what they typed before their session ended (kept_forms), or what they
        # typed for the form of an earlier version (in the new one: the questions both ask).
        form = application_form(
            case.version,
            data=data,
            initial=case.data,
            existing_evidence=have,
            mode="submit" if data is None else "draft",
            facts=facts,
        )
        return _render_edit(request, case, form)
    action = request.POST.get("_action", "continue")
    mode: Literal["draft", "submit"] = "submit" if action == "continue" else "draft"
    form = application_form(
        case.version,
        data=request.POST,
        files=request.FILES,
        initial=case.data,
        existing_evidence=have,
        mode=mode,
        facts=facts,
    )
    if form.lookup_requested:
        return _render_edit(request, case, form)
    if not form.is_valid():
        if _keep_good_uploads(request, case, form):
            # The page shows the files just kept as uploaded (so nobody sends them again
            # from a slow phone), and the other answers' errors as before. A file that
            # failed its checks keeps its own error ("The file must be a PDF..."), not
            # "Select a file": the form shown again has no files to judge.
            refused = {n: form.errors[n] for n in form.evidence_names if n in form.errors}
            form = application_form(
                case.version,
                data=request.POST,
                initial=case.data,
                existing_evidence={e.item for e in evidence_of(case)},
                mode=mode,
                facts=facts,
            )
            form.is_valid()
            form.errors.update(refused)
        return _render_edit(request, case, form, status=400)
    try:
        case = services.case_save_draft(
            actor=request.user,
            case=case,
            answers=form.answers(),
            uploads=checked_uploads(case, form.cleaned_data),
        )
    except services.NotAllowed:
        return _submitted_meanwhile(request, case_id, changes_lost=True)
    except services.CaseError as exc:
        if not exc.errors:
            form.add_error(None, str(exc.message))
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, str(message))
        return _render_edit(request, case, form, status=400)
    if action == "draft":
        messages.success(request, _("Your answers are saved. You can come back and finish later."))
        return redirect("cases:mine")
    try:
        failures = services.case_fetch_facts(
            actor=request.user, case=case, consented=form.consented()
        )
    except services.NotAllowed as exc:
        raise Http404 from exc
    blocking = _blocking(case, failures)
    if action == "fetch" or blocking:
        consented = form.consented()
        have = {e.item for e in evidence_of(case)}
        form = application_form(
            case.version, initial=case.data, existing_evidence=have, facts=_facts(case)
        )
        for name, key in form.consent_names.items():
            form.fields[name].initial = key in consented  # what they ticked stays ticked
        return _render_edit(request, case, form, fetch_errors=failures)
    for failure in failures.values():
        messages.warning(request, str(failure.message))
    return redirect("cases:review", case_id=case.uuid)


def _no_longer_draft(
    request: HttpRequest, refused: access.NoLongerDraft, *, changes_lost: bool = False
) -> HttpResponse:
    """The case page of an application the person may no longer change because it was
    submitted (sent twice by a double click or the browser's back button, or in another
    window), saying so; ``changes_lost``: what they sent to change it was not saved."""
    case = refused.case
    if changes_lost:
        messages.warning(
            request,
            _(
                "This application has already been submitted, so it can no longer be changed. "
                "Your changes were not saved."
            ),
        )
    else:
        messages.info(
            request,
            _("This application has already been submitted. Its reference number is %(reference)s.")
            % {"reference": case.reference},
        )
    view = "office:case" if refused.counter else "cases:detail"
    return redirect(view, case_id=case.uuid)


def _submitted_meanwhile(request: HttpRequest, case_id: str, *, changes_lost: bool) -> HttpResponse:
    """A service refused to change a draft (``NotAllowed``): if it was submitted meanwhile
    (a second request racing the first), say so as :func:`_no_longer_draft`; else 404."""
    try:
        access.case_for_editing(request.user, case_id)
    except access.NoLongerDraft as exc:
        return _no_longer_draft(request, exc, changes_lost=changes_lost)
    raise Http404


def _moved_to_current_version(request: HttpRequest, case: Case) -> Case | None:
    """Move a draft started under an earlier version of its service to the current one
    (``services.case_move_version``), telling the person; None when it did not move."""
    try:
        moved = services.case_move_version(actor=request.user, case=case)
    except services.NotAllowed as exc:
        raise Http404 from exc
    if moved is not None:
        messages.warning(request, str(services.VERSION_CHANGED))
    return moved


def _blocking(case: Case, failures: dict[str, Any]) -> bool:
    """Whether a fact that could not be fetched stops the person going on: a required one,
    unless an upload allowed to replace it was given."""
    have = {e.item for e in evidence_of(case)}
    for item in case.version.definition.get("evidence", []):
        if item["key"] not in failures or not item.get("required"):
            continue
        if not (item.get("fallback") == "upload" and item["key"] in have):
            return True
    return False


def _keep_good_uploads(request: HttpRequest, case: Case, form: Any) -> bool:
    """Files that passed their checks are kept even when other answers need fixing;
    whether any was."""
    good = {k: v for k, v in form.cleaned_data.items() if k.startswith("evidence_") and v}
    if not good:
        return False
    try:
        services.case_save_draft(
            actor=request.user, case=case, answers=case.data, uploads=checked_uploads(case, good)
        )
    except (services.CaseError, ValidationError):
        return False
    return True


def _render_edit(
    request: HttpRequest,
    case: Case,
    form: Any,
    status: int = 200,
    fetch_errors: dict[str, Any] | None = None,
) -> HttpResponse:
    panels = fact_panels(case.version, _facts(case))
    for panel in panels:
        panel["consent_field"] = form.consent_field(panel["key"])
        panel["error"] = (fetch_errors or {}).get(panel["key"])
    return render(
        request,
        "cases/edit.html",
        {
            "case": case,
            "version": case.version,
            "form": form,
            "evidence_rows": evidence_by_item(case.version, evidence_of(case)),
            "max_upload_mb": settings.GOODGOV_UPLOAD_MAX_BYTES // (1024 * 1024),
            "fact_panels": panels,
            "fetch_errors": [p for p in panels if p["error"] is not None],
            "not_taking_applications": not services.taking_applications(case.service),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@rules.rule(rules.SIGNED_IN, "the applicant, or the counter officer filing for them; drafts only")
def review(request: HttpRequest, case_id: str) -> HttpResponse:
    """Check your answers: every question and document, each with a link to change it on
    the form; when the case cannot be submitted, what is missing, each linked the same.
    Sent again once submitted (a double click, or back and send again), it goes to the
    case page, which says so."""
    try:
        case = access.case_for_editing(request.user, case_id)
    except access.NoLongerDraft as exc:
        return _no_longer_draft(request, exc)
    if _moved_to_current_version(request, case) is not None:
        return redirect("cases:edit", case_id=case.uuid)
    counter = access.is_counter_filer(request.user, case)
    form_class = CounterDeclarationForm if counter else DeclarationForm
    form = form_class(request.POST if request.method == "POST" else None)
    refused: services.CaseError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_submit(actor=request.user, case=case, declaration=True)
        except services.NotAllowed:
            return _submitted_meanwhile(request, case_id, changes_lost=False)
        except services.VersionChanged as exc:
            # A version was published since this page was opened: nothing was submitted.
            if _moved_to_current_version(request, case) is None:
                messages.warning(request, str(exc.message))
            return redirect("cases:edit", case_id=case.uuid)
        except services.CaseError as exc:
            refused = exc
        else:
            if counter:
                messages.success(
                    request,
                    _(
                        "Application submitted for the applicant. Give them its reference "
                        "number: %(reference)s."
                    )
                    % {"reference": case.reference},
                )
                return redirect("office:case", case_id=case.uuid)
            messages.success(
                request,
                _("Application submitted. Your reference number is %(reference)s.")
                % {"reference": case.reference},
            )
            return redirect("cases:detail", case_id=case.uuid)
    return render(
        request,
        "cases/review.html",
        _review_context(case, form, refused, counter=counter),
        status=400 if request.method == "POST" else 200,
    )


def _review_context(
    case: Case, form: Any, refused: services.CaseError | None, *, counter: bool
) -> dict[str, Any]:
    """Every question and document with the link that changes it: its field on the edit
    page, found in the form that page shows (``#id_floors``, ``#id_start_date_0``); and
    the error summary's ``problems`` when the declaration or the submission failed."""
    facts = _facts(case)
    edit_form = application_form(
        case.version,
        initial=case.data,
        existing_evidence={e.item for e in evidence_of(case)},
        facts=facts,
    )
    edit_url = reverse("cases:edit", kwargs={"case_id": case.uuid})
    rows = answer_rows(case.version, case.data, reveal_national_ids=True, every_question=True)
    for row in rows:
        row["change_url"] = f"{edit_url}#{field_target_id(edit_form[row['key']])}"
    evidence_rows = _evidence_rows(case)
    for evidence_row in evidence_rows:
        name = EVIDENCE_PREFIX + evidence_row["item"]["key"]
        if name in edit_form.fields:  # an upload (not a fact fetched, nor "additional")
            evidence_row["change_url"] = f"{edit_url}#{field_target_id(edit_form[name])}"
    missing = services.missing_evidence(case)
    problems = [
        {"text": str(error), "href": "#id_declaration"}
        for error in form.errors.get("declaration", [])
    ]
    if refused is not None:
        problems += _submission_problems(refused, edit_form, edit_url, missing)
    return {
        "case": case,
        "version": case.version,
        "rows": rows,
        "evidence_rows": evidence_rows,
        "fact_panels": fact_panels(case.version, facts),
        "missing": missing,
        "form": form,
        "refused": str(refused.message) if refused is not None else "",
        "problems": problems,
        "counter": counter,
        "not_taking_applications": not services.taking_applications(case.service),
    }


def _submission_problems(
    refused: services.CaseError,
    edit_form: ApplicationForm,
    edit_url: str,
    missing: list[dict[str, Any]],
) -> list[dict[str, str]]:
    """Why the case could not be submitted, for the error summary: ``{"text", "href"}`` for
    each answer at fault (``refused.errors``, in the form's order) and each required
    document still missing, linked to its place on the edit page."""
    problems = []
    for name in edit_form.question_names:
        if name in refused.errors:
            field = edit_form[name]
            problems.append(
                {
                    "text": _answer_problem(edit_form, name, refused.errors[name]),
                    "href": f"{edit_url}#{field_target_id(field)}",
                }
            )
    for name, message in refused.errors.items():
        if name not in edit_form.question_names:  # not a question of this version
            problems.append({"text": str(message), "href": edit_url})
    # The service stops at the first kind of fault: the documents are listed whatever it was.
    for item in missing:
        name = EVIDENCE_PREFIX + item["key"]
        if item.get("kind") == "upload":
            text = str(edit_form.fields[name].error_messages["required"])
            problems.append(
                {"text": text, "href": f"{edit_url}#{field_target_id(edit_form[name])}"}
            )
        else:  # fetched from a registry: its panel on the edit page gets it
            text = _("Go back to get %(name)s from the registry") % {
                "name": localized(item.get("name"))
            }
            problems.append({"text": text, "href": f"{edit_url}#fact-{item['key']}"})
    return problems


def _answer_problem(edit_form: ApplicationForm, name: str, message: Any) -> str:
    """What the error summary says of one answer the service refused: for a missing one,
    what the form itself says when it is left empty ("Select the type of building")."""
    field = edit_form.fields[name]
    if message is services.ANSWER_MISSING:
        if isinstance(field, AddressField):  # its own message names only the postcode
            ui = edit_form.definition["form"].get("ui", {}).get("fields", {}).get(name, {})
            return str(REQUIRED) % message_params(str(field.label), localized(ui.get("noun")))
        return str(field.error_messages["required"])
    if message in (services.ANSWER_INVALID, services.ANSWER_UNKNOWN, CONTROL_CHARACTERS_MESSAGE):
        # these do not say which question they are about
        return _("%(question)s: %(problem)s") % {"question": field.label, "problem": message}
    return str(message)  # the service names the question and the rule it breaks


@rules.rule(rules.SIGNED_IN, "a person's own applications only")
def mine(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.cases_of(request.user))
    return render(
        request,
        "cases/mine.html",
        {
            "drafts": [c for c in cases if c.state == State.DRAFT],
            "open": [c for c in cases if c.is_open],
            "closed": [c for c in cases if c.is_final],
        },
    )


@rules.rule(
    rules.SIGNED_IN, "the applicant, or the counter officer who filed it for them (404 for others)"
)
def detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_applicant(request.user, case_id)
    if case.state == State.DRAFT:
        return redirect("cases:edit", case_id=case.uuid)
    # An answer or a rating typed before their session ended (kept_forms): shown again.
    kept_answer = kept_forms.take(request, reverse("cases:answer", args=[case.uuid]))
    kept_rating = kept_forms.take(request, reverse("cases:rate", args=[case.uuid]))
    context = _detail_context(
        request,
        case,
        answer_form=AnswerForm(kept_answer) if kept_answer is not None else None,
        rating_form=RatingForm(kept_rating) if kept_rating is not None else None,
    )
    return render(request, "cases/detail.html", context)


def _detail_context(
    request: HttpRequest,
    case: Case,
    answer_form: AnswerForm | None = None,
    rating_form: RatingForm | None = None,
) -> dict[str, Any]:
    allowed = access.allowed_transitions(request.user, case)
    if answer_form is None and "answer" in allowed:
        answer_form = AnswerForm()
    may_rate = case.is_final and case.applicant_id == request.user.pk
    rated = may_rate and services.case_rated(case)
    if may_rate and not rated and rating_form is None:
        rating_form = RatingForm()
    return {
        "case": case,
        "version": case.version,
        # the counter officer who filed it, acting for the person at the counter
        "for_person": case.applicant if case.applicant_id != request.user.pk else None,
        "timeline": selectors.timeline(case),
        "rows": answer_rows(case.version, case.data, reveal_national_ids=True),
        "evidence_rows": _evidence_rows(case),
        "fact_panels": fact_panels(case.version, _facts(case)),
        "info_request": selectors.open_information_request(case),
        "legal_ground": _legal_ground(case),
        "answer_form": answer_form if "answer" in allowed else None,
        "can_withdraw": "withdraw" in allowed,
        "rating_form": rating_form if may_rate and not rated else None,
        "rated": rated,
        "documents": documents_of_case(case),
        "receipts": [
            (selectors.TIMELINE_LABELS[offer.event.action], offer)
            for offer in receipts.offers(events_for(case).filter(action__in=RECEIPT_ACTIONS))
        ],
    }


def _legal_ground(case: Case) -> dict[str, Any] | None:
    """The entry of the version's ``legal_basis`` a refusal rests on (``act``, ``section``,
    ``url``), to show in the reader's language; None when the case was not refused on one
    (the words stored with the decision are shown as they are)."""
    if case.state != State.REJECTED:
        return None
    for basis in case.version.definition.get("legal_basis") or []:
        if services.legal_ground_words(basis) == case.decision_legal_ground:
            return dict(basis)
    return None


@rules.rule(rules.SIGNED_IN, "the applicant only: their own receipt")
def receipt(request: HttpRequest, case_id: str, index: int) -> HttpResponse:
    """A ledger receipt for one of the case's acts, with the applicant's own salt in it."""
    case = access.own_case(request.user, case_id)
    if case.applicant_id != request.user.pk:
        raise Http404
    event = events_for(case).filter(action__in=RECEIPT_ACTIONS, leaf_index=index).first()
    built = receipts.receipt_for(event, person=case.applicant) if event is not None else None
    if built is None:
        raise Http404
    response = HttpResponse(receipts.dumps(built), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="goodgov-receipt-{index}.json"'
    response["Cache-Control"] = "private, no-store"  # it holds the person's salt
    return response


def _moved_on(request: HttpRequest, case: Case, step: str) -> HttpResponse | None:
    """When the case has moved on so that ``step`` is no longer possible (decided, say, or
    withdrawn in another window), say so on the case page; None when it has not."""
    conflict = services.transition_conflict(case, step)
    if conflict is None:
        return None
    messages.error(request, str(conflict.message))
    return redirect("cases:detail", case_id=case.uuid)


@require_POST
@rules.rule(
    rules.SIGNED_IN,
    "the applicant, or the counter officer who filed it for them (404 for others); the "
    "service checks the step",
    form_page="cases:detail",
)
def answer(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_applicant(request.user, case_id)
    if case.state == State.DRAFT:
        raise Http404
    form = AnswerForm(request.POST, request.FILES)
    uploads: services.Uploads = {}
    if form.is_valid() and form.cleaned_data.get("document"):
        upload = form.cleaned_data["document"]
        try:
            uploads = {
                services.ANSWER_DOCUMENT: (upload, check_upload(upload, accept=ACCEPT_ANY_DOCUMENT))
            }
        except ValidationError as exc:
            form.add_error("document", exc)
    if form.is_valid():
        try:
            services.case_answer(
                actor=request.user,
                case=case,
                response=form.cleaned_data["response"],
                uploads=uploads,
            )
        except services.NotAllowed as exc:
            raise Http404 from exc
        except services.Conflict as exc:
            case = access.case_for_applicant(request.user, case_id)  # as it is now
            return _answer_not_sent(request, case, form, exc)
        except services.CaseError as exc:
            form.add_error("response", str(exc.message))
        else:
            messages.success(request, _("Your answer has been sent to the officer."))
            return redirect("cases:detail", case_id=case.uuid)
    # An answer that needs fixing, to a question that is no longer open: say the latter.
    conflict = services.transition_conflict(case, "answer")
    if conflict is not None:
        return _answer_not_sent(request, case, form, conflict)
    if not access.can_transition(request.user, case, "answer"):
        raise Http404
    return render(request, "cases/detail.html", _detail_context(request, case, form), status=400)


def _answer_not_sent(
    request: HttpRequest, case: Case, form: AnswerForm, conflict: services.CaseError
) -> HttpResponse:
    """The case page as it is now, saying why the answer was not sent (409): answered
    already (sent twice), or the case moved on. What was typed is shown back to copy, as
    the officers' case page does, since nothing was sent."""
    messages.error(request, str(conflict.message))
    typed = str(form.data.get("response", "")).strip()
    context = _detail_context(request, case)
    context.update(
        {"conflict": True, "not_sent": [(form.fields["response"].label, typed)] if typed else []}
    )
    return render(request, "cases/detail.html", context, status=409)


@require_http_methods(["GET", "POST"])
@rules.rule(
    rules.SIGNED_IN,
    "the applicant, or the counter officer who filed it for them (404 for others); the "
    "service checks the step",
)
def withdraw(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_applicant(request.user, case_id)
    if case.state == State.DRAFT:
        raise Http404
    if request.method == "POST":
        try:
            services.case_withdraw(actor=request.user, case=case)
        except services.NotAllowed as exc:
            raise Http404 from exc
        except services.Conflict as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("cases:detail", case_id=case.uuid)
    moved_on = _moved_on(request, case, "withdraw")
    if moved_on is not None:
        return moved_on
    if not access.can_transition(request.user, case, "withdraw"):
        raise Http404
    return render(request, "cases/withdraw.html", {"case": case, "version": case.version})


@require_POST
@rules.rule(
    rules.SIGNED_IN,
    "the applicant only, once the case is closed, once per case",
    form_page="cases:detail",
)
def rate(request: HttpRequest, case_id: str) -> HttpResponse:
    """The answer to the satisfaction question (404 for anyone but the applicant, and
    before the case is closed)."""
    case = access.own_case(request.user, case_id)
    if not case.is_final:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.case_rate(
                actor=request.user,
                case=case,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except services.NotAllowed as exc:
            raise Http404 from exc
        except services.Conflict as exc:
            messages.info(request, str(exc.message))
            return redirect("cases:detail", case_id=case.uuid)
        except services.CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Thank you for telling us how satisfied you are."))
            return redirect("cases:detail", case_id=case.uuid)
    context = _detail_context(request, case, rating_form=form)
    return render(request, "cases/detail.html", context, status=400)
