"""Machine endpoints between nodes (a node's own directory entry, its data services) and
the person's data tracker."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goodgov.catalogue import selectors as catalogue_selectors
from goodgov.core import access as core_access
from goodgov.core import kept_forms
from goodgov.exchange import (
    access,
    breach,
    directory,
    erasure,
    errors,
    remote_uses,
    ropa,
    selectors,
    services,
    signing,
)
from goodgov.exchange.forms import BreachForm, NotifyForm
from goodgov.exchange.models import Breach

PDPA_CORRECTION = "pdpa-correction"
DPO_RULE = "agency admins (data protection officer) of that agency only"


@require_GET
@core_access.rule(core_access.PUBLIC, "the node's own directory entry (public key, services)")
def node(request: HttpRequest) -> HttpResponse:
    return JsonResponse(directory.own_entry())


def _signed(request_message: signing.Request, status: int, payload: dict[str, Any]) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(body, status=status, content_type="application/json")
    signing.sign_response(
        signing.Response(status, response.headers, request_message),
        body,
        signer=directory.signer(),
        key_id=directory.node_name(),
    )
    return response


# No cookie or session authenticates this view, so there is nothing for CSRF to protect:
# each request is authenticated by its Ed25519 signature (exchange.access checks it).
@csrf_exempt
@require_POST
@core_access.rule(
    core_access.PUBLIC, "other nodes: signed requests only, checked by exchange.access"
)
def serve(request: HttpRequest, service: str, method: str) -> HttpResponse:
    message = signing.Request(
        request.method or "POST",
        request.build_absolute_uri(),
        signing.Headers.from_environ(request.META),  # not request.headers: see there
    )
    body = request.body
    try:
        data = access.serve(message, body, service=service, method=method)
    except errors.ExchangeError as error:
        return _signed(message, error.status, {"error": error.code, "detail": error.detail})
    payload = {
        "node": directory.node_name(),
        "service": service,
        "method": method,
        "served_at": timezone.now().isoformat(),
        "data": data,
    }
    return _signed(message, 200, payload)


@require_GET
@core_access.rule(core_access.SIGNED_IN, "the person only: the uses of their own data")
def data_tracker(request: HttpRequest) -> HttpResponse:
    person_hash = getattr(request.user, "national_id_hash", None)
    # First the other nodes' records (asked as this person, and recorded here), then ours,
    # which then include these very requests.
    answers = remote_uses.ask_peers(person=request.user) if person_hash else []
    tracker = selectors.tracker(
        uses=selectors.uses_of_person(person_hash) if person_hash else [],
        views=selectors.views_of_person(request.user),
        answers=answers,
    )
    return render(
        request,
        "exchange/tracker.html",
        {
            "has_id": bool(person_hash),
            "tracker": tracker,
            "uses": tracker.uses,
            "views": tracker.views,
            "nodes": tracker.nodes,
            "unreachable": [a for a in tracker.nodes if not a.fetched],
            "fetched": [a for a in tracker.nodes if a.fetched],
            "consents": list(selectors.consents_of_person(person_hash)) if person_hash else [],
            "now": timezone.now(),
            "correction": catalogue_selectors.service_detail(PDPA_CORRECTION),
            "erasure": catalogue_selectors.service_detail(erasure.ERASURE_SERVICE),
        },
    )


@require_GET
@core_access.rule(core_access.SIGNED_IN, "the person only: download their own data")
def export(request: HttpRequest) -> HttpResponse:
    return render(request, "exchange/export.html", {})


@require_GET
@core_access.rule(core_access.SIGNED_IN, "the person only: their own data as JSON")
def export_json(request: HttpRequest) -> HttpResponse:
    data = selectors.person_export(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@core_access.rule(core_access.SIGNED_IN, "the person only: their own data as a PDF")
def export_pdf(request: HttpRequest) -> HttpResponse:
    from goodgov.documents import pdf

    data = selectors.person_export(request.user)
    body = pdf.render("exchange/export_pdf.html", {"data": data, "person": request.user})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@core_access.rule(core_access.SIGNED_IN, "the person only: withdraw their own consent")
def consent_withdraw(request: HttpRequest, reference: Any) -> HttpResponse:
    consent = access.consent_for_user(request.user, str(reference))
    services.consent_withdraw(actor=request.user, consent=consent)
    messages.success(request, _("You have withdrawn your consent. It is no longer used."))
    return redirect("data:tracker")


@require_GET
@core_access.rule(core_access.AGENCY_ADMIN, DPO_RULE)
def ropa_page(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.agency_for_dpo(request.user, code)
    return render(
        request, "exchange/ropa.html", {"agency": agency, "activities": ropa.activities(agency)}
    )


@require_GET
@core_access.rule(core_access.AGENCY_ADMIN, DPO_RULE)
def ropa_csv(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.agency_for_dpo(request.user, code)
    response = HttpResponse(
        "\ufeff" + ropa.as_csv(ropa.activities(agency)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ropa-{agency.code}.csv"'
    return response


@require_GET
@core_access.rule(core_access.AGENCY_ADMIN, DPO_RULE)
def breaches(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.agency_for_dpo(request.user, code)
    now = timezone.now()
    rows = [(b, breach.clock(b, now=now)) for b in Breach.objects.filter(agency=agency)]
    return render(request, "exchange/breaches.html", {"agency": agency, "rows": rows})


@require_http_methods(["GET", "POST"])
@core_access.rule(core_access.AGENCY_ADMIN, DPO_RULE, form_page=kept_forms.HERE)
def breach_new(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.agency_for_dpo(request.user, code)
    form = BreachForm(kept_forms.posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            found = breach.breach_record(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("The breach is in the register. The 72-hour clock is running.")
            )
            return redirect("dpo:breach", code=agency.code, breach_id=found.uuid)
    return render(
        request,
        "exchange/breach_new.html",
        {"agency": agency, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors_ in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors_)


@require_http_methods(["GET", "POST"])
@core_access.rule(core_access.AGENCY_ADMIN, DPO_RULE, form_page=kept_forms.HERE)
def breach_detail(request: HttpRequest, code: str, breach_id: Any) -> HttpResponse:
    agency = access.agency_for_dpo(request.user, code)
    found = access.breach_for_dpo(agency, breach_id)
    form = NotifyForm(kept_forms.posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            breach.breach_notify(
                actor=request.user,
                breach=found,
                whom=form.cleaned_data["whom"],
                at=form.cleaned_data["notified_at"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The notification is recorded."))
            return redirect("dpo:breach", code=agency.code, breach_id=found.uuid)
    return render(
        request,
        "exchange/breach.html",
        {"agency": agency, "breach": found, "clock": breach.clock(found), "form": form},
        status=400 if request.method == "POST" else 200,
    )
