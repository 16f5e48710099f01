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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goodgov.cases import access, selectors, services
from goodgov.cases.answers import answer_rows
from goodgov.cases.forms import application_form
from goodgov.cases.models import Case, State
from goodgov.cases.step_forms import AnswerForm, CounterDeclarationForm, DeclarationForm
from goodgov.catalogue.models import Service
from goodgov.core import access as rules
from goodgov.documents.selectors import evidence_by_item, evidence_of
from goodgov.documents.validation import check_upload

ACCEPT_ANY_DOCUMENT = ["application/pdf", "image/jpeg", "image/png"]


def _evidence_items(case: Case) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in case.version.definition.get("evidence", [])}


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
@rules.rule(rules.SIGNED_IN, "the applicant, or the counter officer filing for them; drafts only")
def edit(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_editing(request.user, case_id)
    have = {e.item for e in evidence_of(case)}
    if request.method == "GET":
        form = application_form(case.version, initial=case.data, existing_evidence=have)
        return _render_edit(request, case, form)
    action = request.POST.get("_action", "continue")
    mode: Literal["draft", "submit"] = "draft" if action == "draft" else "submit"
    form = application_form(
        case.version,
        data=request.POST,
        files=request.FILES,
        initial=case.data,
        existing_evidence=have,
        mode=mode,
    )
    if form.lookup_requested:
        return _render_edit(request, case, form)
    if not form.is_valid():
        _keep_good_uploads(request, case, form)
        return _render_edit(request, case, form, status=400)
    try:
        services.case_save_draft(
            actor=request.user,
            case=case,
            answers=form.answers(),
            uploads=checked_uploads(case, form.cleaned_data),
        )
    except services.NotAllowed as exc:
        raise Http404 from exc
    except services.CaseError as exc:
        if not exc.errors:
            form.add_error(None, str(exc.message))
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, str(message))
        return _render_edit(request, case, form, status=400)
    if mode == "draft":
        messages.success(request, _("Your answers are saved. You can come back and finish later."))
        return redirect("cases:mine")
    return redirect("cases:review", case_id=case.uuid)


def _keep_good_uploads(request: HttpRequest, case: Case, form: Any) -> None:
    """Files that passed their checks are kept even when other answers need fixing."""
    good = {k: v for k, v in form.cleaned_data.items() if k.startswith("evidence_") and v}
    if not good:
        return
    try:
        services.case_save_draft(
            actor=request.user, case=case, answers=case.data, uploads=checked_uploads(case, good)
        )
    except (services.CaseError, ValidationError):
        return


def _render_edit(request: HttpRequest, case: Case, form: Any, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cases/edit.html",
        {
            "case": case,
            "version": case.version,
            "form": form,
            "evidence_rows": evidence_by_item(case.version, evidence_of(case)),
            "max_upload_mb": settings.GOODGOV_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@rules.rule(rules.SIGNED_IN, "the applicant, or the counter officer filing for them; drafts only")
def review(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_editing(request.user, case_id)
    counter = access.is_counter_filer(request.user, case)
    form_class = CounterDeclarationForm if counter else DeclarationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_submit(actor=request.user, case=case, declaration=True)
        except services.NotAllowed as exc:
            raise Http404 from exc
        except services.CaseError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("Application submitted. Your reference number is %(reference)s.")
                % {"reference": case.reference},
            )
            if counter:
                return redirect("office:case", case_id=case.uuid)
            return redirect("cases:detail", case_id=case.uuid)
    return render(
        request,
        "cases/review.html",
        {
            "case": case,
            "version": case.version,
            "rows": answer_rows(case.version, case.data, reveal_national_ids=True),
            "evidence_rows": evidence_by_item(case.version, evidence_of(case)),
            "missing": services.missing_evidence(case),
            "form": form,
            "counter": counter,
        },
        status=400 if request.method == "POST" else 200,
    )


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


@rules.rule(rules.SIGNED_IN, "the applicant only (404 for anyone else)")
def detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_applicant(request.user, case_id)
    if case.state == State.DRAFT:
        return redirect("cases:edit", case_id=case.uuid)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _detail_context(
    request: HttpRequest, case: Case, answer_form: AnswerForm | None = None
) -> dict[str, Any]:
    allowed = access.allowed_transitions(request.user, case)
    if answer_form is None and "answer" in allowed:
        answer_form = AnswerForm()
    return {
        "case": case,
        "version": case.version,
        "timeline": selectors.timeline(case),
        "rows": answer_rows(case.version, case.data, reveal_national_ids=True),
        "evidence_rows": evidence_by_item(case.version, evidence_of(case)),
        "info_request": selectors.open_information_request(case),
        "answer_form": answer_form if "answer" in allowed else None,
        "can_withdraw": "withdraw" in allowed,
    }


@require_POST
@rules.rule(rules.SIGNED_IN, "the applicant, when the workflow lets them answer")
def answer(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_applicant(request.user, case_id)
    if not access.can_transition(request.user, case, "answer"):
        raise Http404
    form = AnswerForm(request.POST, request.FILES)
    uploads: services.Uploads = {}
    if form.is_valid() and form.cleaned_data.get("document"):
        upload = form.cleaned_data["document"]
        try:
            uploads = {"additional": (upload, check_upload(upload, accept=ACCEPT_ANY_DOCUMENT))}
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
            messages.error(request, str(exc.message))
            return redirect("cases:detail", case_id=case.uuid)
        except services.CaseError as exc:
            form.add_error("response", str(exc.message))
        else:
            messages.success(request, _("Your answer has been sent to the officer."))
            return redirect("cases:detail", case_id=case.uuid)
    return render(request, "cases/detail.html", _detail_context(request, case, form), status=400)


@require_http_methods(["GET", "POST"])
@rules.rule(rules.SIGNED_IN, "the applicant, while the workflow allows withdrawal")
def withdraw(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.case_for_applicant(request.user, case_id)
    if not access.can_transition(request.user, case, "withdraw"):
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
    return render(request, "cases/withdraw.html", {"case": case, "version": case.version})
