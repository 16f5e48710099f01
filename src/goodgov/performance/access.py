"""Who may do what with plans. Reading is public: plans and results are public information.

- An agency's administrators (role ``admin``) create and edit its plans, objectives,
  indicators and targets.
- Any officer with an active role in the agency enters values of its manual indicators.
- Its approvers and administrators approve them; never a value they entered themselves
  (the services and a database constraint refuse that too).
- Nobody acts on another agency's plan: the same 404 as for a plan that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from goodgov.agencies.models import Agency, Role
from goodgov.agencies.selectors import roles_of
from goodgov.performance.models import Indicator, IndicatorValue, Plan, StrategicObjective

APPROVING_ROLES = {Role.APPROVER.value, Role.ADMIN.value}


def may_manage(user: Any, agency: Agency) -> bool:
    return Role.ADMIN.value in roles_of(user, agency)


def may_enter(user: Any, agency: Agency) -> bool:
    return bool(roles_of(user, agency))


def may_approve(user: Any, agency: Agency) -> bool:
    return bool(roles_of(user, agency) & APPROVING_ROLES)


def may_approve_value(user: Any, value: IndicatorValue) -> bool:
    return (
        value.approved_at is None
        and value.entered_by_id != getattr(user, "pk", None)
        and may_approve(user, value.indicator.objective.plan.agency)
    )


# Objects for reading (public) ---------------------------------------------------------


def agency_public(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def plan_public(plan_id: int) -> Plan:
    plan = Plan.objects.select_related("agency").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


# Objects to act on (404 unless allowed) -----------------------------------------------


def agency_to_plan(user: Any, code: str) -> Agency:
    """An agency whose plans ``user`` manages."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not may_manage(user, agency):
        raise Http404
    return agency


def plan_to_manage(user: Any, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("agency").filter(pk=plan_id).first()
    if plan is None or not may_manage(user, plan.agency):
        raise Http404
    return plan


def objective_to_manage(user: Any, objective_id: int) -> StrategicObjective:
    objective = (
        StrategicObjective.objects.select_related("plan", "plan__agency")
        .filter(pk=objective_id)
        .first()
    )
    if objective is None or not may_manage(user, objective.plan.agency):
        raise Http404
    return objective


def _indicator(indicator_id: int) -> Indicator | None:
    return (
        Indicator.objects.select_related("objective", "objective__plan", "objective__plan__agency")
        .filter(pk=indicator_id)
        .first()
    )


def indicator_to_manage(user: Any, indicator_id: int) -> Indicator:
    indicator = _indicator(indicator_id)
    if indicator is None or not may_manage(user, indicator.objective.plan.agency):
        raise Http404
    return indicator


def indicator_to_enter(user: Any, indicator_id: int) -> Indicator:
    """A manual indicator of an agency ``user`` has a role in."""
    indicator = _indicator(indicator_id)
    if (
        indicator is None
        or indicator.computed
        or not may_enter(user, indicator.objective.plan.agency)
    ):
        raise Http404
    return indicator


def plan_to_approve(user: Any, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("agency").filter(pk=plan_id).first()
    if plan is None or not may_approve(user, plan.agency):
        raise Http404
    return plan


def value_to_approve(user: Any, value_id: int) -> IndicatorValue:
    """A value awaiting approval in an agency where ``user`` approves. Their own entries
    are returned too: the service refuses them with a message, since it is no secret
    that they exist."""
    value = (
        IndicatorValue.objects.select_related(
            "indicator",
            "indicator__objective",
            "indicator__objective__plan",
            "indicator__objective__plan__agency",
        )
        .filter(pk=value_id)
        .first()
    )
    if value is None or not may_approve(user, value.indicator.objective.plan.agency):
        raise Http404
    return value


# Costs of services (entered by the agency's administrators) ----------------------------


def agency_to_cost(user: Any, code: str) -> Agency:
    """An agency whose services' costs ``user`` enters (its administrators only)."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not may_manage(user, agency):
        raise Http404
    return agency
