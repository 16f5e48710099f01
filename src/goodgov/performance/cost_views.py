"""The page where an agency's administrators enter what its services cost (public budget
information, from which the cost per transaction is computed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from goodgov.core import access as rules
from goodgov.core import kept_forms
from goodgov.performance import access, costs
from goodgov.performance.forms import CostForm
from goodgov.performance.models import ServiceCost

#: Which form field a service error is about.
_FIELDS = {"period": "month", "amount": "amount"}


def _entered(agency: Any) -> list[dict[str, Any]]:
    rows = ServiceCost.objects.filter(service__agency=agency).select_related(
        "service", "service__current"
    )
    return [
        {
            "service": row.service.name or row.service.code,
            "period": costs.period_label(row.period),
            "amount": f"{row.amount:,.2f}",
            "updated_at": row.updated_at,
        }
        for row in rows
    ]


@require_http_methods(["GET", "POST"])
@rules.rule(
    rules.AGENCY_ADMIN,
    "administrators of the agency; anyone else gets 404",
    form_page=kept_forms.HERE,
)
def agency_costs(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.agency_to_cost(request.user, code)
    form = CostForm(kept_forms.posted(request), agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            cost = costs.service_cost_set(actor=request.user, **form.service_arguments())
        except costs.CostNotAllowed as exc:
            raise Http404 from exc
        except costs.CostError as exc:
            form.add_error(_FIELDS.get(exc.field or ""), str(exc.message))
        else:
            messages.success(
                request,
                _("The cost of %(service)s for %(period)s is recorded in the public ledger.")
                % {
                    "service": cost.service.name or cost.service.code,
                    "period": costs.period_label(cost.period),
                },
            )
            return redirect("performance:costs", code=agency.code)
    return render(
        request,
        "performance/costs.html",
        {"agency": agency, "form": form, "entered": _entered(agency)},
        status=400 if request.method == "POST" else 200,
    )
