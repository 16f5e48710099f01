"""Plan services: the four-eyes rule on manual values, who may act, the public events,
and the owner's alert when an indicator turns off track."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from goodgov.notifications.models import Message
from goodgov.performance import plans, services
from goodgov.performance.models import IndicatorValue
from tests.performance.test_plans import (
    FY,
    make_indicator,
    make_objective,
    make_plan,
    set_target,
)

pytestmark = pytest.mark.django_db

D = Decimal
LATER = dt.date(2030, 1, 1)


@pytest.fixture
def indicator(agency: Any, clerk: Any) -> Any:
    plan = make_plan(agency)
    indicator = make_indicator(make_objective(plan), baseline="50", owner=clerk)
    set_target(indicator, "70")
    return indicator


def enter(indicator: Any, actor: Any, value: str = "68", period: str = "h1") -> IndicatorValue:
    return services.indicator_value_enter(
        actor=actor,
        indicator=indicator,
        fiscal_year=FY,
        period=period,
        value=D(value),
        evidence_url="https://tbnk.example.test/survey.pdf",
        today=LATER,
    )


# Four eyes ------------------------------------------------------------------------------


def test_a_value_counts_only_once_another_officer_approves_it(
    indicator: Any, clerk: Any, approver: Any
):
    # given: entered, not approved
    row = enter(indicator, clerk)
    before = plans.plan_progress(indicator.plan, FY, today=LATER, period="h1")
    # when
    services.indicator_value_approve(actor=approver, value=row)
    after = plans.plan_progress(indicator.plan, FY, today=LATER, period="h1")
    # then
    assert before.indicators[0].periods["h1"].value is None
    assert [v.pk for v in before.indicators[0].pending] == [row.pk]
    assert after.indicators[0].periods["h1"].value == D(68)
    row.refresh_from_db()
    assert row.entered_by == clerk and row.approved_by == approver
    assert row.approved_at is not None


def test_whoever_entered_a_value_cannot_approve_it(indicator: Any, approver: Any):
    # given: an approver enters a value
    row = enter(indicator, approver)
    # when
    with pytest.raises(services.PlanError) as refused:
        services.indicator_value_approve(actor=approver, value=row)
    # then
    assert refused.type is services.PlanError
    row.refresh_from_db()
    assert row.approved_at is None and row.approved_by is None
    assert not Event.objects.filter(action="indicator.value_approved").exists()


def test_the_database_refuses_a_value_approved_by_whoever_entered_it(indicator: Any, approver: Any):
    # given
    row = enter(indicator, approver)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.filter(pk=row.pk).update(
            approved_by=approver, approved_at=row.created_at
        )


def test_an_officer_without_the_approving_role_cannot_approve(
    indicator: Any, clerk: Any, counter_officer: Any
):
    # given: entered by the counter officer; the clerk is a case officer only
    row = enter(indicator, counter_officer)
    # when / then
    with pytest.raises(services.PlanNotAllowed):
        services.indicator_value_approve(actor=clerk, value=row)
    row.refresh_from_db()
    assert row.approved_at is None


def test_a_value_is_approved_once(indicator: Any, clerk: Any, approver: Any, agency_admin: Any):
    # given
    row = enter(indicator, clerk)
    services.indicator_value_approve(actor=approver, value=row)
    # when / then
    with pytest.raises(services.PlanError):
        services.indicator_value_approve(actor=agency_admin, value=row)
    row.refresh_from_db()
    assert row.approved_by == approver


# Who may act ----------------------------------------------------------------------------


def test_officers_of_another_agency_and_citizens_cannot_enter_values(
    indicator: Any, foreign_officer: Any, citizen_a: Any
):
    # given / when / then
    for actor in (foreign_officer, citizen_a, None):
        with pytest.raises(services.PlanNotAllowed):
            enter(indicator, actor)
    assert not IndicatorValue.objects.exists()


def test_only_the_agency_admins_build_its_plan(
    agency: Any, agency_admin: Any, clerk: Any, foreign_officer: Any
):
    # given / when
    plan = make_plan(agency, agency_admin)
    # then
    for actor in (clerk, foreign_officer):
        with pytest.raises(services.PlanNotAllowed):
            make_plan(agency, actor)
        with pytest.raises(services.PlanNotAllowed):
            services.objective_add(actor=actor, plan=plan, name_th="ก", weight=1)
    assert agency.plans.count() == 1


def test_a_value_for_a_period_not_yet_started_is_refused(indicator: Any, clerk: Any):
    # given / when
    with pytest.raises(services.PlanError) as refused:
        services.indicator_value_enter(
            actor=clerk,
            indicator=indicator,
            fiscal_year=FY,
            period="h2",
            value=D(1),
            evidence_note="x",
            today=dt.date(2026, 3, 31),
        )
    # then
    assert refused.value.field == "period"


def test_plan_years_and_targets_are_checked(agency: Any, indicator: Any):
    # given / when / then
    with pytest.raises(services.PlanError) as backwards:
        make_plan(agency, first=2027, last=2026)
    assert backwards.value.field == "last_year"
    with pytest.raises(services.PlanError) as outside:
        set_target(indicator, "1", year=FY + 1)
    assert outside.value.field == "fiscal_year"
    with pytest.raises(services.PlanError) as weightless:
        services.objective_add(actor=None, plan=indicator.plan, name_th="ก", weight=0)
    assert weightless.value.field == "weight"


# Events -----------------------------------------------------------------------------------


def test_each_step_is_recorded_in_the_ledger_without_personal_data(
    agency: Any, agency_admin: Any, clerk: Any, approver: Any
):
    # given
    plan = make_plan(agency, agency_admin)
    objective = make_objective(plan)
    indicator = make_indicator(objective, owner=clerk)
    set_target(indicator, "12.5")
    # when
    row = enter(indicator, clerk, "12.25")
    services.indicator_value_approve(actor=approver, value=row)
    # then
    events = {e.action: e.public for e in Event.objects.order_by("pk")}
    assert events["plan.created"] == {
        "agency": "TBNK",
        "plan": plan.pk,
        "first_year": FY,
        "last_year": FY,
    }
    assert events["indicator.target_set"]["target"] == "12.5"
    assert events["indicator.value_entered"] == {
        "agency": "TBNK",
        "plan": plan.pk,
        "indicator": indicator.pk,
        "value_id": row.pk,
        "fiscal_year": FY,
        "period": "h1",
        "value": "12.25",
        "officer": commitment(clerk),
    }
    assert events["indicator.value_approved"]["approver"] == commitment(approver)
    public = json.dumps([e.public for e in Event.objects.all()], ensure_ascii=False)
    for personal in (clerk.email, approver.email, clerk.full_name, "survey.pdf", "แผนพัฒนา"):
        assert personal not in public


# Alerts -----------------------------------------------------------------------------------


def test_the_owner_is_alerted_once_when_an_indicator_turns_off_track(
    indicator: Any, clerk: Any, approver: Any
):
    # given: 55 against 70 from 50: progress 0.25, off track
    services.indicator_value_approve(actor=approver, value=enter(indicator, clerk, "55"))
    in_h1 = dt.date(2026, 3, 31)
    # when: refreshed twice
    first = services.plan_progress_refresh(plan=indicator.plan, today=in_h1)
    second = services.plan_progress_refresh(plan=indicator.plan, today=in_h1)
    # then
    assert [i.pk for i in first] == [indicator.pk]
    assert second == []
    messages = list(Message.objects.filter(user=clerk))
    assert len(messages) == 1
    assert indicator.name in messages[0].subject
    indicator.refresh_from_db()
    assert indicator.status == "off_track"
    assert indicator.off_track_alerted_at is not None


def test_an_indicator_on_track_alerts_nobody_and_turning_off_again_alerts_again(
    indicator: Any, clerk: Any, approver: Any
):
    # given: on track (68 of 70)
    in_h1 = dt.date(2026, 3, 31)
    services.indicator_value_approve(actor=approver, value=enter(indicator, clerk, "68"))
    # when / then
    assert services.plan_progress_refresh(plan=indicator.plan, today=in_h1) == []
    services.indicator_value_approve(actor=approver, value=enter(indicator, clerk, "51"))
    assert len(services.plan_progress_refresh(plan=indicator.plan, today=in_h1)) == 1
    services.indicator_value_approve(actor=approver, value=enter(indicator, clerk, "69"))
    assert services.plan_progress_refresh(plan=indicator.plan, today=in_h1) == []
    services.indicator_value_approve(actor=approver, value=enter(indicator, clerk, "50"))
    assert len(services.plan_progress_refresh(plan=indicator.plan, today=in_h1)) == 1
    assert Message.objects.filter(user=clerk).count() == 2


def test_refreshing_every_plan_covers_only_the_current_fiscal_year(
    indicator: Any, clerk: Any, approver: Any
):
    # given: off track in fiscal year 2569
    services.indicator_value_approve(actor=approver, value=enter(indicator, clerk, "50"))
    # when
    outside = services.plans_progress_refresh(today=dt.date(2027, 1, 1))
    inside = services.plans_progress_refresh(today=dt.date(2026, 3, 1))
    # then
    assert outside == (0, [])
    assert inside[0] == 1 and [i.pk for i in inside[1]] == [indicator.pk]
