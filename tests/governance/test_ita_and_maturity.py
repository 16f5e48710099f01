"""The ITA checklist (loading, automatic links, answers and the ledger) and the maturity view."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from goodgov.governance import indicators as gi
from goodgov.governance import maturity, periods, selectors, services
from goodgov.governance.models import ItaAnswer, ItaChecklist
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment

from .conftest import FY2568


def test_the_default_checklist_loads_for_a_year_and_every_kind(db):
    # when
    loaded = services.ita_checklist_load(year=2568)
    # then: 42 items for each of the three kinds, ten of them on preventing corruption
    assert sorted(c.agency_kind for c in loaded) == ["central", "local", "regional"]
    checklist = ItaChecklist.objects.get(year=2568, agency_kind="local")
    assert checklist.items.count() == 42
    assert checklist.items.filter(integrity=True).count() == 10
    assert dict(checklist.items.exclude(auto="").values_list("code", "auto")) == {
        "O11": "progress_report", "O12": "progress_report", "O14": "service_manual",
        "O15": "service_statistics", "O16": "satisfaction", "O17": "e_service",
        "O30": "complaint_channel",
    }  # fmt: skip


def test_loading_again_keeps_answers(agency, agency_admin):
    services.ita_checklist_load(year=2568)
    item = selectors.ita_item(agency, 2568, "O1")
    services.ita_item_answer(actor=agency_admin, agency=agency, item=item, url="https://a.test/o1")
    # when
    services.ita_checklist_load(year=2568)
    # then
    assert ItaAnswer.objects.get().item == selectors.ita_item(agency, 2568, "O1")


BROKEN_CHECKLISTS = {
    "no items": ("year: 2569\ngroups: []\n", ["groups: at least one group of items"]),
    "a code twice, a blank title": (
        "year: 2569\ngroups:\n  - group: {th: ก, en: A}\n    items:\n"
        "      - {code: O1, th: ก, en: A}\n      - {code: O1, th: ข, en: B}\n"
        '      - {code: O2, th: "", en: ""}\n',
        [
            "item O1 (group 1): the code is used twice",
            "item O2 (group 1): a title in Thai and English (th, en)",
        ],
    ),
    "a Common Era year, integrity as text": (
        "year: 2026\ngroups:\n  - group: {th: ก, en: A}\n    items:\n"
        '      - {code: O1, th: ก, en: A, integrity: "no"}\n',
        [
            "year 2026: a fiscal year in the Buddhist era, like 2569",
            "item O1 (group 1): integrity is true or false",
        ],
    ),
}


@pytest.mark.parametrize("broken", BROKEN_CHECKLISTS, ids=list(BROKEN_CHECKLISTS))
def test_a_broken_checklist_file_loads_nothing_and_says_why(db, tmp_path, broken):
    # given: the default list loaded for 2569
    services.ita_checklist_load(year=2569)
    before = sorted(
        ItaChecklist.objects.get(year=2569, agency_kind="local").items.values_list(
            "code", "title_en"
        )
    )
    text, problems = BROKEN_CHECKLISTS[broken]
    path = tmp_path / "ita.yaml"
    path.write_text(text, encoding="utf-8")

    # when
    with pytest.raises(ValidationError) as refused:
        services.ita_checklist_load(path=path)
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("governance", "ita-load", str(path), stdout=out)

    # then: every problem named; the year's checklist as it was; nothing for 2026 either
    assert refused.value.messages == problems
    assert all(problem in str(failed.value) for problem in problems)
    after = sorted(
        ItaChecklist.objects.get(year=2569, agency_kind="local").items.values_list(
            "code", "title_en"
        )
    )
    assert after == before and len(after) == 42
    assert not ItaChecklist.objects.filter(year=2026).exists()


def test_items_the_platform_publishes_are_linked_automatically(agency, service_version):
    # given: the agency has a service in the catalogue, no figures, no plan
    services.ita_checklist_load(year=2568)
    # when
    statuses = {s.item.code: s for s in selectors.ita_statuses(agency, 2568)}
    # then: the service manual and e-service link to the catalogue; the rest wait
    assert statuses["O14"].url == "/services/agency/TBNK/"
    assert statuses["O17"].url == "/services/agency/TBNK/"
    assert statuses["O14"].met and statuses["O17"].met
    for code in ("O11", "O12", "O15", "O16", "O30", "O1"):
        assert not statuses[code].met
    assert statuses["O16"].waiting


def test_service_statistics_link_to_the_agencys_performance_figures(agency, log, publish):
    services.ita_checklist_load(year=2568)
    log.file("2025-01-02 09:00", due="2025-01-10 09:00")
    publish(log)
    statuses = {s.item.code: s for s in selectors.ita_statuses(agency, 2568)}
    assert statuses["O15"].url == "/performance/?agency=TBNK"


def test_an_answer_is_recorded_in_the_ledger_without_the_note(agency, agency_admin):
    # given
    services.ita_checklist_load(year=2568)
    item = selectors.ita_item(agency, 2568, "O33")
    # when
    services.ita_item_answer(
        actor=agency_admin, agency=agency, item=item,
        url="https://www.example.go.th/ita/o33", evidence="Signed by the mayor, page 2",
    )  # fmt: skip
    # then
    event = Event.objects.get(action="ita.item_answered")
    assert event.public == {
        "agency": "TBNK", "year": 2568, "kind": "local", "item": "O33",
        "url": "https://www.example.go.th/ita/o33", "officer": commitment(agency_admin),
    }  # fmt: skip
    assert event.private == {"evidence": "Signed by the mayor, page 2"}
    assert event.agency == agency


def test_ita_indicators_count_items_with_a_link(agency, agency_admin, service_version, context):
    # given: O14 and O17 linked by the platform; O1 and O33 answered
    services.ita_checklist_load(year=2568)
    for code in ("O1", "O33"):
        services.ita_item_answer(
            actor=agency_admin, agency=agency, item=selectors.ita_item(agency, 2568, code),
            url=f"https://a.test/{code}",
        )  # fmt: skip
    ctx = context()
    # when / then: 4 of 42; 1 of the 10 integrity items
    assert gi.ita_items_met(ctx).value == 100 * 4 / 42
    assert gi.ita_integrity_items_met(ctx).value == 10.0


def test_a_checklist_of_another_year_does_not_count(agency, context):
    services.ita_checklist_load(year=2567)
    assert gi.ita_items_met(context()).value is None


def test_maturity_phases_follow_the_capabilities_used(log, context, service_version):
    # given: a service, an online submission and a signed document, no data exchange
    ref = log.file("2025-01-02 09:00", due="2025-01-10 09:00")
    log.approve(ref, "2025-01-03 09:00")
    log.issue(ref, "2025-01-03 09:00")
    # when
    found = maturity.maturity(context(log))
    # then
    assert [p.reached for p in found.phases] == [True, True, True, False]
    assert found.current == 3
    assert [c.count for c in found.phases[3].capabilities] == [0, 4]


def test_maturity_stops_at_the_first_phase_not_reached(log, context):
    # given: data served and online submissions, but no service in the catalogue
    log.file("2025-01-02 09:00", due="2025-01-10 09:00")
    log.serve("2025-01-02 10:00")
    # when
    found = maturity.maturity(context(log))
    # then
    assert found.phases[0].reached is False
    assert found.current == 0


def test_periods_are_thai_fiscal_years_and_halves():
    assert periods.parse("2568") == FY2568
    assert periods.parse("2568-2") == periods.Period(2568, 2)
    assert periods.parse("2568-3") is None and periods.parse("x") is None
    assert FY2568.start == dt.datetime(2024, 10, 1, tzinfo=periods.BANGKOK)
    assert FY2568.end == dt.datetime(2025, 10, 1, tzinfo=periods.BANGKOK)
    assert periods.Period(2568, 2).start == dt.datetime(2025, 4, 1, tzinfo=periods.BANGKOK)
    assert periods.Period(2568, 1).last_day() == dt.date(2025, 3, 31)
    now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    assert periods.current(now) == periods.Period(2570)


def test_progress_reports_link_to_the_plans_when_a_plan_covers_the_year(agency, monkeypatch):
    import sys
    import types

    services.ita_checklist_load(year=2568)
    plans = types.ModuleType("goodgov.performance.plans")
    plans.indicators_achieved = lambda agency, year: (0, 0) if year == 2568 else None
    monkeypatch.setitem(sys.modules, "goodgov.performance.plans", plans)
    statuses = {s.item.code: s for s in selectors.ita_statuses(agency, 2568)}
    assert statuses["O11"].url == statuses["O12"].url == "/performance/plans/agency/TBNK/"


def test_satisfaction_links_to_the_performance_figures_once_an_answer_exists(agency, log, publish):
    # given: one answer in fiscal 2568 by the agency's applicant; none in 2569
    services.ita_checklist_load(year=2568)
    services.ita_checklist_load(year=2569)
    reference = log.file("2025-01-02 09:00", due="2025-01-10 09:00")
    log.add(
        "case.rated", "2025-01-09 09:00", "TBNK", reference=reference, agency="TBNK",
        service="permit", score=4,
    )  # fmt: skip
    publish(log)
    # when
    statuses = {s.item.code: s for s in selectors.ita_statuses(agency, 2568)}
    next_year = {s.item.code: s for s in selectors.ita_statuses(agency, 2569)}
    # then
    assert statuses["O16"].url == "/performance/?agency=TBNK"
    assert statuses["O16"].met
    assert not next_year["O16"].met
    assert next_year["O16"].waiting


def test_satisfaction_waits_when_only_another_agency_has_answers(
    agency, other_agency, log, publish
):
    # given: an answer at another agency only
    services.ita_checklist_load(year=2568)
    reference = log.file("2025-01-02 09:00", due="2025-01-10 09:00", agency=other_agency.code)
    log.add(
        "case.rated", "2025-01-09 09:00", other_agency.code, reference=reference,
        agency=other_agency.code, service="permit", score=5,
    )  # fmt: skip
    publish(log)
    # when
    statuses = {s.item.code: s for s in selectors.ita_statuses(agency, 2568)}
    # then
    assert not statuses["O16"].met
    assert statuses["O16"].waiting


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read {path}: No such file or directory"),
        ("dir", "cannot read {path}: Is a directory"),
        (b"year: \xae\xff", "not UTF-8 text (byte 6 cannot be read)"),
        ("year: 2569\ngroups: [unclosed\n", "not valid YAML: "),
    ],
    ids=["missing", "a directory", "not UTF-8", "not YAML"],
)
def test_a_file_that_cannot_be_read_as_a_checklist_is_named_without_a_traceback(
    db, tmp_path, content, message
):
    # given
    path = tmp_path / "ita.yaml"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    # when
    with pytest.raises(CommandError) as failed:
        call_command("governance", "ita-load", str(path), stdout=io.StringIO())
    # then
    assert message.format(path=path) in str(failed.value)
    assert not ItaChecklist.objects.exists()
