"""Plan pages: public reading (plans and results are public information), officers'
forms to build the plan and record results, and the six-month and annual reports as a
page and a PDF (evidence for the ITA items O11 and O12)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from goodgov.agencies.models import Agency
from goodgov.core import access as rules
from goodgov.core import kept_forms, thai
from goodgov.performance import access, plans, services
from goodgov.performance.forms import (
    IndicatorForm,
    ObjectiveForm,
    PlanForm,
    TargetsForm,
    ValueForm,
)
from goodgov.performance.models import Indicator, IndicatorValue, Period, Plan

STATUS_TAGS = {
    plans.ON_TRACK: "govuk-tag--green",
    plans.AT_RISK: "govuk-tag--yellow",
    plans.OFF_TRACK: "govuk-tag--red",
    plans.NO_DATA: "govuk-tag--grey",
}
REPORT_PERIODS = {"h1": Period.H1.value, "h2": Period.H2.value, "year": Period.YEAR.value}
MANAGE = "administrators of the plan's agency; anyone else gets 404"


# Presentation ------------------------------------------------------------------------


def figure(value: Decimal | None) -> str:
    """A figure as pages show it: grouped thousands, at most two decimals ("" for none)."""
    if value is None:
        return ""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def status(code: str) -> dict[str, str]:
    return {
        "code": code or "no_data",
        "label": str(Indicator.Status(code).label),
        "tag": STATUS_TAGS[code],
    }


def day(value: dt.date) -> str:
    return thai.format_date(value, get_language() or "th")


def period_text(fiscal_year: int, period: str) -> dict[str, str]:
    first, last = plans.period_bounds(fiscal_year, period)
    return {
        "label": str(Period(period).label),
        "from": day(first),
        "to": day(last),
    }


def present(progress: plans.PlanProgress) -> dict[str, Any]:
    """The progress of a plan as plain text for pages and the PDF."""
    objectives = []
    for item in progress.objectives:
        indicators = []
        for ip in item.indicators:
            indicator = ip.indicator
            periods = []
            for name in plans.PERIODS:
                pp = ip.periods[name]
                periods.append(
                    {
                        "period": name,
                        "label": pp.label,
                        "target": figure(pp.target),
                        # Before the period starts nothing is expected yet.
                        "expected": figure(pp.expected) if pp.elapsed > 0 else "",
                        "elapsed": percent(pp.elapsed),
                        "value": figure(pp.value),
                        "progress": percent(pp.progress),
                        "status": status(pp.status),
                        "record": pp.record,
                    }
                )
            indicators.append(
                {
                    "indicator": indicator,
                    "id": f"indicator-{indicator.pk}",
                    "number": f"{item.objective.number}.{indicator.number}",
                    "baseline": figure(indicator.baseline),
                    "weight": figure(indicator.weight),
                    "periods": periods,
                    "headline": (
                        {
                            "label": ip.headline.label,
                            "status": status(ip.headline.status),
                            "progress": percent(ip.headline.progress),
                        }
                        if ip.headline
                        else {"label": "", "status": status(plans.NO_DATA), "progress": ""}
                    ),
                    "pending": ip.pending,
                }
            )
        objectives.append(
            {
                "objective": item.objective,
                "id": f"objective-{item.objective.pk}",
                "weight": figure(item.objective.weight),
                "progress": percent(item.rollup.progress),
                "coverage": percent(item.rollup.coverage),
                "status": status(item.rollup.status),
                "indicators": indicators,
            }
        )
    return {
        "fiscal_year": progress.fiscal_year,
        "be": plans.be(progress.fiscal_year),
        "as_of": day(progress.today),
        "progress": percent(progress.rollup.progress),
        "coverage": percent(progress.rollup.coverage),
        "status": status(progress.rollup.status),
        "objectives": objectives,
        "thresholds": {
            "on_track": percent(plans.ON_TRACK_FROM),
            "at_risk": percent(plans.AT_RISK_FROM),
        },
    }


def _chosen_year(request: HttpRequest, plan: Plan) -> int:
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and plan.covers(plans.from_be(int(raw))):
        return plans.from_be(int(raw))
    current = plans.fiscal_year_of(timezone.localdate())
    return min(max(current, plan.first_year), plan.last_year)


def _apply_error(form: Any, error: services.PlanError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: Any,
    caption: str,
    back: str,
    button: Any,
    intro: Any = "",
) -> HttpResponse:
    return render(
        request,
        "performance/plans/form.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back": back,
            "button": button,
            "intro": intro,
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


def _plan_url(plan: Plan, fiscal_year: int | None = None) -> str:
    url = reverse("performance:plans:detail", kwargs={"plan_id": plan.pk})
    return f"{url}?year={plans.be(fiscal_year)}" if fiscal_year else url


# Public pages ------------------------------------------------------------------------


@rules.rule(rules.PUBLIC, "plans and results are public information")
def index(request: HttpRequest) -> HttpResponse:
    rows = Plan.objects.select_related("agency").order_by("agency__code", "-first_year", "pk")
    groups: dict[int, dict[str, Any]] = {}
    for plan in rows:
        groups.setdefault(plan.agency_id, {"agency": plan.agency, "plans": []})["plans"].append(
            {"plan": plan, "first": plans.be(plan.first_year), "last": plans.be(plan.last_year)}
        )
    from goodgov.agencies.selectors import agencies_administered_by

    return render(
        request,
        "performance/plans/index.html",
        {"groups": list(groups.values()), "administered": agencies_administered_by(request.user)},
    )


@rules.rule(rules.PUBLIC, "plans and results are public information")
def agency_plans(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.agency_public(code)
    return render(
        request,
        "performance/plans/agency.html",
        {
            "agency": agency,
            "plans": [
                {"plan": p, "first": plans.be(p.first_year), "last": plans.be(p.last_year)}
                for p in plans.plans_of(agency)
            ],
            "may_manage": access.may_manage(request.user, agency),
        },
    )


@rules.rule(rules.PUBLIC, "plans and results are public information")
def detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_public(plan_id)
    year = _chosen_year(request, plan)
    progress = plans.plan_progress(plan, year)
    pending = sum(len(i.pending) for i in progress.indicators)
    return render(
        request,
        "performance/plans/detail.html",
        {
            "plan": plan,
            "first": plans.be(plan.first_year),
            "last": plans.be(plan.last_year),
            "years": [{"be": plans.be(y), "current": y == year} for y in plan.fiscal_years],
            "p": present(progress),
            "may_manage": access.may_manage(request.user, plan.agency),
            "may_enter": access.may_enter(request.user, plan.agency),
            "may_approve": access.may_approve(request.user, plan.agency),
            "pending": pending,
            "year_started": timezone.localdate() >= plans.period_bounds(year, Period.YEAR)[0],
        },
    )


def _report_context(plan_id: int, year_be: int, period_slug: str) -> dict[str, Any]:
    plan = access.plan_public(plan_id)
    period = REPORT_PERIODS.get(period_slug)
    year = plans.from_be(year_be)
    if period is None or not plan.covers(year):
        raise Http404
    today = timezone.localdate()
    first, last = plans.period_bounds(year, period)
    if today < first:
        raise Http404  # no report on a period that has not started
    progress = plans.plan_progress(plan, year, period=period, today=today)
    return {
        "plan": plan,
        "agency": plan.agency,
        "period": period,
        "show_periods": [period],
        "slug": period_slug,
        "year_be": year_be,
        "span": period_text(year, period),
        "over": today > last,
        "six_months": period != Period.YEAR,
        "p": present(progress),
        "issued": day(today),
    }


@rules.rule(rules.PUBLIC, "progress reports are public information (ITA O11, O12)")
def report(request: HttpRequest, plan_id: int, year: int, period: str) -> HttpResponse:
    context = _report_context(plan_id, year, period)
    return render(request, "performance/plans/report.html", context)


@rules.rule(rules.PUBLIC, "progress reports are public information (ITA O11, O12)")
def report_pdf(request: HttpRequest, plan_id: int, year: int, period: str) -> HttpResponse:
    from goodgov.documents.pdf import render as render_pdf

    context = _report_context(plan_id, year, period)
    context["language"] = get_language() or "th"
    data = render_pdf("performance/plans/report_pdf.html", context)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan_id}-{year}-{period}.pdf"'
    return response


# Building the plan (agency administrators) ------------------------------------------


@rules.rule(
    rules.AGENCY_ADMIN,
    "administrators of the agency in the URL; anyone else gets 404",
    form_page=kept_forms.HERE,
)
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    agency: Agency = access.agency_to_plan(request.user, code)
    form = PlanForm(kept_forms.posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user, agency=agency, **form.service_arguments()
            )
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The plan is created. Add its strategic objectives."))
            return redirect(_plan_url(plan))
    return _form_page(
        request,
        form,
        title=_("Create a plan"),
        caption=agency.name,
        back=reverse("performance:plans:agency", kwargs={"code": agency.code}),
        button=_("Create the plan"),
    )


@rules.rule(rules.AGENCY_ADMIN, MANAGE, form_page=kept_forms.HERE)
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_to_manage(request.user, plan_id)
    form = PlanForm(kept_forms.posted(request), initial=PlanForm.initial_for(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.service_arguments())
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect(_plan_url(plan))
    return _form_page(
        request,
        form,
        title=_("Edit the plan"),
        caption=plan.agency.name,
        back=_plan_url(plan),
        button=_("Save the plan"),
    )


@rules.rule(rules.AGENCY_ADMIN, MANAGE, form_page=kept_forms.HERE)
def objective_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_to_manage(request.user, plan_id)
    form = ObjectiveForm(kept_forms.posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_add(actor=request.user, plan=plan, **form.cleaned_data)
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The strategic objective is added."))
            return redirect(_plan_url(plan))
    return _form_page(
        request,
        form,
        title=_("Add a strategic objective"),
        caption=plan.title,
        back=_plan_url(plan),
        button=_("Add the objective"),
    )


@rules.rule(rules.AGENCY_ADMIN, MANAGE, form_page=kept_forms.HERE)
def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access.objective_to_manage(request.user, objective_id)
    form = ObjectiveForm(
        kept_forms.posted(request),
        initial={
            "number": objective.number,
            "name_th": objective.name_th,
            "name_en": objective.name_en,
            "weight": objective.weight,
        },
    )
    form.fields["number"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_update(actor=request.user, objective=objective, **form.cleaned_data)
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The strategic objective is saved."))
            return redirect(_plan_url(objective.plan))
    return _form_page(
        request,
        form,
        title=_("Edit the strategic objective"),
        caption=objective.plan.title,
        back=_plan_url(objective.plan),
        button=_("Save the objective"),
    )


def _indicator_arguments(form: IndicatorForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["measure_service"] = data.get("measure_service") or ""
    data["measure"] = data.get("measure") or ""
    return data


@rules.rule(rules.AGENCY_ADMIN, MANAGE, form_page=kept_forms.HERE)
def indicator_add(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access.objective_to_manage(request.user, objective_id)
    agency = objective.plan.agency
    form = IndicatorForm(kept_forms.posted(request), agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_add(
                actor=request.user, objective=objective, **_indicator_arguments(form)
            )
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The indicator is added. Set its targets."))
            return redirect("performance:plans:targets", indicator_id=indicator.pk)
    return _form_page(
        request,
        form,
        title=_("Add an indicator"),
        caption=objective.name,
        back=_plan_url(objective.plan),
        button=_("Add the indicator"),
    )


@rules.rule(rules.AGENCY_ADMIN, MANAGE, form_page=kept_forms.HERE)
def indicator_edit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = access.indicator_to_manage(request.user, indicator_id)
    plan = indicator.objective.plan
    form = IndicatorForm(
        kept_forms.posted(request), agency=plan.agency, initial=IndicatorForm.initial_for(indicator)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                actor=request.user, indicator=indicator, **_indicator_arguments(form)
            )
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect(_plan_url(plan))
    return _form_page(
        request,
        form,
        title=_("Edit the indicator"),
        caption=indicator.objective.name,
        back=_plan_url(plan),
        button=_("Save the indicator"),
    )


@rules.rule(rules.AGENCY_ADMIN, MANAGE, form_page=kept_forms.HERE)
def targets(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = access.indicator_to_manage(request.user, indicator_id)
    plan = indicator.objective.plan
    form = TargetsForm(kept_forms.posted(request), indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for year, period, value, name in form.targets():
                    try:
                        services.target_set(
                            actor=request.user,
                            indicator=indicator,
                            fiscal_year=year,
                            period=period,
                            value=value,
                        )
                    except services.PlanError as exc:
                        exc.field = name
                        raise
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The targets are saved."))
            return redirect(_plan_url(plan))
    return render(
        request,
        "performance/plans/targets.html",
        {
            "form": form,
            "indicator": indicator,
            "plan": plan,
            "baseline": figure(indicator.baseline),
            "back": _plan_url(plan),
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


# Results (officers, approvers) -------------------------------------------------------


@rules.rule(
    rules.OFFICER,
    "officers of the plan's agency, for its manual indicators; else 404",
    form_page=kept_forms.HERE,
)
def value_enter(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = access.indicator_to_enter(request.user, indicator_id)
    plan = indicator.objective.plan
    today = timezone.localdate()
    current = plans.fiscal_year_of(today)
    initial = {"period": plans.current_half(today)}
    if plan.covers(current):
        initial["fiscal_year"] = str(current)
    form = ValueForm(kept_forms.posted(request), plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_value_enter(
                actor=request.user, indicator=indicator, **form.cleaned_data
            )
        except services.PlanError as exc:
            _apply_error(form, exc)
        else:
            messages.success(
                request, _("The value is recorded. It counts once another officer approves it.")
            )
            return redirect(_plan_url(plan, form.cleaned_data["fiscal_year"]))
    return _form_page(
        request,
        form,
        title=_("Enter a value"),
        caption=f"{indicator.name} ({indicator.unit})",
        back=_plan_url(plan),
        button=_("Record the value"),
        intro=_(
            "Another approving officer or administrator of the agency must approve the value "
            "before it counts. You cannot approve a value you entered."
        ),
    )


@rules.rule(rules.OFFICER, "approvers and administrators of the plan's agency; else 404")
def approvals(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_to_approve(request.user, plan_id)
    waiting = list(
        IndicatorValue.objects.filter(indicator__objective__plan=plan, approved_at__isnull=True)
        .select_related("indicator", "indicator__objective", "entered_by")
        .order_by("created_at", "pk")
    )
    rows = [
        {
            "value": v,
            "be": plans.be(v.fiscal_year),
            "period": str(Period(v.period).label),
            "figure": figure(v.value),
            "own": v.entered_by_id == request.user.pk,
        }
        for v in waiting
    ]
    return render(
        request,
        "performance/plans/approvals.html",
        {"plan": plan, "rows": rows, "back": _plan_url(plan)},
    )


@rules.rule(rules.OFFICER, "approvers and administrators of the plan's agency; else 404")
@require_POST
def value_approve(request: HttpRequest, value_id: int) -> HttpResponse:
    value = access.value_to_approve(request.user, value_id)
    plan = value.indicator.objective.plan
    try:
        services.indicator_value_approve(actor=request.user, value=value)
    except services.PlanNotAllowed as exc:  # pragma: no cover (checked by access)
        raise Http404 from exc
    except services.PlanError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The value is approved and now counts."))
    return redirect("performance:plans:approvals", plan_id=plan.pk)
