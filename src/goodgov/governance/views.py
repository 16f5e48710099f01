"""Governance pages: the public scorecard and ITA checklist, the ITA answer form for an
agency's admins, and the executive dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from goodgov.agencies.access import can_administer
from goodgov.core import access, kept_forms
from goodgov.governance import access as governance_access
from goodgov.governance import indicators, maturity, periods, selectors, services
from goodgov.governance.forms import ItaAnswerForm
from goodgov.governance.indicators import Context


def _period(request: HttpRequest) -> periods.Period:
    return periods.parse(request.GET.get("period", "")) or periods.current()


@access.rule(access.PUBLIC, "the good-governance scorecard of any agency, from public data")
def index(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    code = request.GET.get("agency", "").strip()[:16]
    context: dict[str, Any] = {
        "agencies": selectors.agencies(),
        "periods": periods.choices(),
        "period": period,
        "chosen": code,
        "groups": indicators.GROUPS,
    }
    if code:
        agency = selectors.agency_by_code(code)
        if agency is None:
            raise Http404
        events, size = selectors.public_events()
        card = indicators.scorecard(agency, period, events, log_size=size)
        context.update(
            agency=agency,
            card=card,
            maturity=maturity.maturity(Context(agency=agency, period=period, events=events)),
        )
    return render(request, "governance/index.html", context)


@access.rule(access.PUBLIC, "an agency's ITA open-information checklist and its links")
def ita(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agency = selectors.agency_by_code(code)
    if agency is None:
        raise Http404
    statuses = selectors.ita_statuses(agency, year)
    return render(
        request,
        "governance/ita.html",
        {
            "agency": agency,
            "year": year,
            "period": periods.Period(year),
            "statuses": statuses,
            "met": sum(1 for s in statuses or [] if s.met),
            "can_answer": can_administer(request.user, agency),
        },
    )


@access.rule(
    access.AGENCY_ADMIN,
    "active admins of the agency in the URL only; others get 404",
    form_page=kept_forms.HERE,
)
def ita_answer(request: HttpRequest, code: str, year: int, item: str) -> HttpResponse:
    agency = governance_access.agency_to_answer_ita(request.user, code)
    found = selectors.ita_item(agency, year, item)
    if found is None:
        raise Http404
    current = selectors.ita_answer(agency, found)
    initial = {"url": current.url, "evidence": current.evidence} if current else None
    form = ItaAnswerForm(kept_forms.posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.ita_item_answer(
                actor=request.user,
                agency=agency,
                item=found,
                url=form.cleaned_data["url"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(code)s is answered.") % {"code": found.code})
            return redirect("governance:ita", code=agency.code, year=year)
    return render(
        request,
        "governance/ita_answer.html",
        {"agency": agency, "year": year, "item": found, "form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@access.rule(access.OFFICER, "executives (for now: agency admins) see the agencies they oversee")
def dashboard(request: HttpRequest) -> HttpResponse:
    overseen = governance_access.agencies_overseen(request.user)
    if not overseen:
        raise Http404
    period = _period(request)
    events, size = selectors.public_events()
    principle_codes = [p.code for p in indicators.PRINCIPLES]
    rows = []
    for agency in overseen:
        card = indicators.scorecard(agency, period, events, log_size=size)
        rows.append(
            {"agency": agency, "scores": [card.principle(c).score for c in principle_codes]}
        )
    return render(
        request,
        "governance/dashboard.html",
        {
            "rows": rows,
            "principles": indicators.PRINCIPLES,
            "period": period,
            "periods": periods.choices(),
        },
    )
