"""The events of building a plan: ``plan.updated``, ``plan.objective_added``,
``plan.objective_updated``, ``plan.indicator_added`` and ``plan.indicator_updated``. Each
action records exactly its one event, with identifiers and figures only (no text an
officer typed), and a refused action records nothing and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from goodgov.ledger import schemas
from goodgov.ledger.models import Event
from goodgov.performance import services
from goodgov.performance.models import Indicator, Plan, StrategicObjective
from tests.performance.test_plans import FY, make_indicator, make_objective, make_plan
from tests.recorded import events_since, last_event_id, summary

pytestmark = pytest.mark.django_db

D = Decimal
LATER = dt.date(2030, 1, 1)


def assert_only(events: list[Event], action: str, public: dict[str, Any]) -> None:
    """There is one event; its public part is exactly ``public`` (so nothing an officer
    typed is in it) and fits the action's schema; it has no private part."""
    assert len(events) == 1
    assert events[0].public == public
    assert events[0].private is None
    schemas.check(action, events[0].public)


@pytest.fixture
def plan(agency: Any, agency_admin: Any) -> Plan:
    return make_plan(agency, agency_admin)


@pytest.fixture
def objective(plan: Plan) -> StrategicObjective:
    return make_objective(plan, weight="2")


@pytest.fixture
def indicator(objective: StrategicObjective) -> Indicator:
    return make_indicator(objective, baseline="40", weight="3")


def plan_texts(**overrides: Any) -> dict[str, Any]:
    texts: dict[str, Any] = {
        "title_th": "แผนพัฒนาบริการฉบับปรับปรุง",
        "vision_th": "บริการรวดเร็ว",
        "mission_th": "ให้บริการออนไลน์ทุกเรื่อง",
    }
    texts.update(overrides)
    return texts


def indicator_terms(**overrides: Any) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "name_th": "ร้อยละคำขอที่เสร็จตามกำหนด",
        "kind": "output",
        "unit_th": "ร้อยละ",
        "baseline": D("62.5"),
        "direction": "up",
        "data_source_th": "ระบบงาน",
        "weight": D("1.5"),
    }
    terms.update(overrides)
    return terms


# plan.updated ---------------------------------------------------------------------------


def test_editing_a_plan_records_plan_updated_with_its_new_years_and_nothing_else(
    plan: Plan, agency_admin: Any
) -> None:
    # given
    before = last_event_id()

    # when: the admin extends the plan by two years
    services.plan_update(
        actor=agency_admin, plan=plan, first_year=FY, last_year=FY + 2, **plan_texts()
    )

    # then
    events = events_since(before)
    assert summary(events) == [
        ("plan.updated", agency_admin.pk, "TBNK", "performance.plan", str(plan.pk))
    ]
    assert_only(
        events,
        "plan.updated",
        {"agency": "TBNK", "plan": plan.pk, "first_year": FY, "last_year": FY + 2},
    )
    assert "แผนพัฒนาบริการฉบับปรับปรุง" not in str(events[0].public)


def test_an_admin_edits_a_plan_on_its_page_in_buddhist_era_years_and_plan_updated_is_recorded(
    plan: Plan, agency_admin: Any, as_user: Any
) -> None:
    # given
    client = as_user(agency_admin)
    before = last_event_id()

    # when
    response = client.post(
        f"/en/performance/plans/{plan.pk}/edit/",
        {
            **plan_texts(),
            "first_year": str(FY + 543),
            "last_year": str(FY + 543 + 4),
        },
    )

    # then: the log keeps Common Era fiscal years
    assert response.status_code == 302
    events = events_since(before)
    assert summary(events) == [
        ("plan.updated", agency_admin.pk, "TBNK", "performance.plan", str(plan.pk))
    ]
    assert_only(
        events,
        "plan.updated",
        {"agency": "TBNK", "plan": plan.pk, "first_year": FY, "last_year": FY + 4},
    )


def test_a_plan_edit_refused_records_nothing_and_changes_nothing(
    plan: Plan, clerk: Any, foreign_officer: Any, agency_admin: Any
) -> None:
    # given: a target in the plan's only year
    indicator = make_indicator(make_objective(plan))
    services.target_set(actor=None, indicator=indicator, fiscal_year=FY, period="h1", value=1)
    before = last_event_id()

    # when / then: officers who do not manage the agency's plans
    for actor in (clerk, foreign_officer):
        with pytest.raises(services.PlanNotAllowed):
            services.plan_update(
                actor=actor, plan=plan, first_year=FY, last_year=FY + 1, **plan_texts()
            )
    # the last year before the first; years that would drop the target's
    for years, field in (((FY, FY - 1), "last_year"), ((FY + 1, FY + 2), "first_year")):
        with pytest.raises(services.PlanError) as refused:
            services.plan_update(
                actor=agency_admin,
                plan=plan,
                first_year=years[0],
                last_year=years[1],
                **plan_texts(),
            )
        assert refused.value.field == field
    assert events_since(before) == []
    plan.refresh_from_db()
    assert (plan.first_year, plan.last_year, plan.title_th) == (FY, FY, "แผนพัฒนาบริการ")


# plan.objective_added / plan.objective_updated ------------------------------------------


def test_adding_an_objective_records_objective_added_with_its_number_and_weight_and_nothing_else(
    plan: Plan, agency_admin: Any
) -> None:
    # given: one objective already
    make_objective(plan)
    before = last_event_id()

    # when
    objective = services.objective_add(
        actor=agency_admin, plan=plan, name_th="ลดเวลารอคอย", weight=D("2.50")
    )

    # then: numbered after the first, its weight as plain decimal text
    events = events_since(before)
    assert summary(events) == [
        (
            "plan.objective_added",
            agency_admin.pk,
            "TBNK",
            "performance.strategicobjective",
            str(objective.pk),
        )
    ]
    assert_only(
        events,
        "plan.objective_added",
        {
            "agency": "TBNK",
            "plan": plan.pk,
            "objective": objective.pk,
            "number": 2,
            "weight": "2.5",
        },
    )
    assert "ลดเวลารอคอย" not in str(events[0].public)


def test_an_objective_refused_records_nothing(
    plan: Plan, objective: StrategicObjective, agency_admin: Any, clerk: Any
) -> None:
    # given
    before = last_event_id()

    # when / then
    with pytest.raises(services.PlanNotAllowed):
        services.objective_add(actor=clerk, plan=plan, name_th="ก", weight=1)
    refusals = (
        ({"number": objective.number, "weight": 1}, "number"),  # taken
        ({"weight": 0}, "weight"),
        ({"weight": "1.005"}, "weight"),
    )
    for arguments, field in refusals:
        with pytest.raises(services.PlanError) as refused:
            services.objective_add(actor=agency_admin, plan=plan, name_th="ก", **arguments)
        assert refused.value.field == field
    with pytest.raises(services.PlanError) as untitled:
        services.objective_add(actor=agency_admin, plan=plan, name_th="  ", weight=1)
    assert untitled.value.field == "name_th"
    assert events_since(before) == []
    assert list(plan.objectives.all()) == [objective]


def test_editing_an_objective_records_objective_updated_with_its_new_number_and_weight(
    objective: StrategicObjective, agency_admin: Any
) -> None:
    # given
    before = last_event_id()

    # when
    services.objective_update(
        actor=agency_admin, objective=objective, name_th="เป้าประสงค์ใหม่", weight="4", number=7
    )

    # then
    events = events_since(before)
    assert summary(events) == [
        (
            "plan.objective_updated",
            agency_admin.pk,
            "TBNK",
            "performance.strategicobjective",
            str(objective.pk),
        )
    ]
    assert_only(
        events,
        "plan.objective_updated",
        {
            "agency": "TBNK",
            "plan": objective.plan_id,
            "objective": objective.pk,
            "number": 7,
            "weight": "4",
        },
    )


def test_an_objective_edit_refused_records_nothing_and_keeps_the_objective(
    plan: Plan, objective: StrategicObjective, agency_admin: Any, foreign_officer: Any
) -> None:
    # given: a second objective, numbered 2
    second = make_objective(plan)
    before = last_event_id()

    # when / then
    with pytest.raises(services.PlanNotAllowed):
        services.objective_update(
            actor=foreign_officer, objective=objective, name_th="ก", weight=1, number=5
        )
    with pytest.raises(services.PlanError) as taken:
        services.objective_update(
            actor=agency_admin, objective=objective, name_th="ก", weight=1, number=second.number
        )
    assert taken.value.field == "number"
    with pytest.raises(services.PlanError) as weightless:
        services.objective_update(
            actor=agency_admin, objective=objective, name_th="ก", weight=-1, number=1
        )
    assert weightless.value.field == "weight"
    assert events_since(before) == []
    objective.refresh_from_db()
    assert (objective.number, objective.weight, objective.name_th) == (1, D(2), "เป้าประสงค์")


# plan.indicator_added / plan.indicator_updated ------------------------------------------


def test_adding_a_computed_indicator_records_indicator_added_with_its_measure_and_service(
    objective: StrategicObjective, agency_admin: Any, service_version: Any
) -> None:
    # given
    before = last_event_id()

    # when
    indicator = services.indicator_add(
        actor=agency_admin,
        objective=objective,
        **indicator_terms(measure="completion_rate", measure_service="test-permit"),
    )

    # then
    events = events_since(before)
    assert summary(events) == [
        (
            "plan.indicator_added",
            agency_admin.pk,
            "TBNK",
            "performance.indicator",
            str(indicator.pk),
        )
    ]
    assert_only(
        events,
        "plan.indicator_added",
        {
            "agency": "TBNK",
            "plan": objective.plan_id,
            "objective": objective.pk,
            "indicator": indicator.pk,
            "kind": "output",
            "direction": "up",
            "baseline": "62.5",
            "weight": "1.5",
            "measure": "completion_rate",
            "service": "test-permit",
        },
    )
    assert "ร้อยละคำขอที่เสร็จตามกำหนด" not in str(events[0].public)


def test_adding_a_manual_indicator_records_it_with_no_measure(
    objective: StrategicObjective, agency_admin: Any
) -> None:
    # given
    before = last_event_id()

    # when: a service named without a measure is not kept
    indicator = services.indicator_add(
        actor=agency_admin,
        objective=objective,
        **indicator_terms(direction="down", baseline="-3", measure_service="test-permit"),
    )

    # then
    events = events_since(before)
    assert [e.action for e in events] == ["plan.indicator_added"]
    assert_only(
        events,
        "plan.indicator_added",
        {
            "agency": "TBNK",
            "plan": objective.plan_id,
            "objective": objective.pk,
            "indicator": indicator.pk,
            "kind": "output",
            "direction": "down",
            "baseline": "-3",
            "weight": "1.5",
            "measure": "",
            "service": "",
        },
    )


def test_an_indicator_refused_records_nothing(
    objective: StrategicObjective,
    agency_admin: Any,
    clerk: Any,
    citizen_b: Any,
    other_agency: Any,
) -> None:
    # given: a service of another agency
    from goodgov.catalogue.models import Service

    Service.objects.create(agency=other_agency, code="dept-permit")
    before = last_event_id()

    # when / then
    with pytest.raises(services.PlanNotAllowed):
        services.indicator_add(actor=clerk, objective=objective, **indicator_terms())
    refusals = (
        ({"kind": "impact"}, "kind"),
        ({"direction": "sideways"}, "direction"),
        ({"measure": "happiness"}, "measure"),
        ({"measure": "completion_rate", "measure_service": "dept-permit"}, "measure_service"),
        ({"owner": citizen_b}, "owner"),
        ({"baseline": "many"}, "baseline"),
        ({"weight": "0"}, "weight"),
    )
    for overrides, field in refusals:
        with pytest.raises(services.PlanError) as refused:
            services.indicator_add(
                actor=agency_admin, objective=objective, **indicator_terms(**overrides)
            )
        assert refused.value.field == field, overrides
    assert events_since(before) == []
    assert not objective.indicators.exists()


def test_editing_an_indicator_records_indicator_updated_with_its_new_terms(
    indicator: Indicator, agency_admin: Any, clerk: Any, service_version: Any
) -> None:
    # given
    before = last_event_id()

    # when: it becomes computed from the test service's completion rate
    services.indicator_update(
        actor=agency_admin,
        indicator=indicator,
        owner=clerk,
        **indicator_terms(
            kind="outcome",
            direction="down",
            baseline="12.0500",
            weight="2.25",
            measure="completion_rate",
            measure_service="test-permit",
        ),
    )

    # then: the owner is in no part of the public payload (it is exactly this)
    events = events_since(before)
    assert summary(events) == [
        (
            "plan.indicator_updated",
            agency_admin.pk,
            "TBNK",
            "performance.indicator",
            str(indicator.pk),
        )
    ]
    assert_only(
        events,
        "plan.indicator_updated",
        {
            "agency": "TBNK",
            "plan": indicator.objective.plan_id,
            "objective": indicator.objective_id,
            "indicator": indicator.pk,
            "kind": "outcome",
            "direction": "down",
            "baseline": "12.05",
            "weight": "2.25",
            "measure": "completion_rate",
            "service": "test-permit",
        },
    )


def test_an_indicator_with_values_entered_by_hand_cannot_become_computed_and_records_nothing(
    indicator: Indicator, agency_admin: Any, clerk: Any, foreign_officer: Any
) -> None:
    # given: a value entered by hand
    services.indicator_value_enter(
        actor=clerk,
        indicator=indicator,
        fiscal_year=FY,
        period="h1",
        value=D("45"),
        evidence_note="นับจากทะเบียน",
        today=LATER,
    )
    before = last_event_id()

    # when / then
    with pytest.raises(services.PlanNotAllowed):
        services.indicator_update(actor=foreign_officer, indicator=indicator, **indicator_terms())
    with pytest.raises(services.PlanError) as refused:
        services.indicator_update(
            actor=agency_admin, indicator=indicator, **indicator_terms(measure="completion_rate")
        )
    assert refused.value.field == "measure"
    assert events_since(before) == []
    indicator.refresh_from_db()
    assert (indicator.measure, indicator.baseline, indicator.name_th) == ("", D(40), "ตัวชี้วัด")
