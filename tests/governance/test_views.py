"""The public pages in Thai and English, the ITA answer form's access, and the dashboard."""

from __future__ import annotations

import pytest

from goodgov.governance import services
from goodgov.governance.models import ItaAnswer
from goodgov.ledger.models import Event
from tests.conftest import make_officer


def test_the_scorecard_page_renders_in_thai(as_user, agency, log, publish, service_version):
    # given: 3 of 4 decisions within the deadline
    refs = [log.file("2025-01-02 09:00", due="2025-01-10 09:00") for _ in range(4)]
    for ref in refs[:3]:
        log.approve(ref, "2025-01-03 09:00")
    log.approve(refs[3], "2025-01-11 09:00")
    publish(log)
    # when
    response = as_user(None).get("/governance/?agency=TBNK&period=2568")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "หลักนิติธรรม" in page and "วินิจฉัยภายในระยะเวลาตามกฎหมาย" in page
    assert "<strong>75.0</strong>" in page
    assert "/ledger/?agency=TBNK" in page


def test_the_scorecard_page_renders_in_english(as_user, agency):
    response = as_user(None).get("/en/governance/?agency=TBNK&period=2568-1")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rule of law" in page and "Morality and ethics" in page
    assert "No data yet" in page
    assert 'href="/en/services/agency/TBNK/"' in page


def test_the_index_lists_agencies(as_user, agency, other_agency):
    response = as_user(None).get("/en/governance/")
    assert response.status_code == 200
    assert "?agency=TBNK&amp;period=" in response.content.decode()


def test_an_unknown_agency_is_not_found(as_user, agency):
    assert as_user(None).get("/governance/?agency=NOPE").status_code == 404


def test_the_ita_checklist_is_public(as_user, agency, service_version):
    services.ita_checklist_load(year=2568)
    response = as_user(None).get("/en/governance/ita/TBNK/2568/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 of 42 items have a link." in page
    assert "/governance/ita/TBNK/2568/O1/" not in page  # no answer links for the public


ANSWER = "/en/governance/ita/TBNK/2568/O1/"


@pytest.mark.parametrize("who", ["clerk", "foreign_officer", "citizen_a"])
def test_only_the_agencys_admins_may_answer(request, as_user, agency, who):
    # given
    services.ita_checklist_load(year=2568)
    client = as_user(request.getfixturevalue(who))
    # when
    got = client.get(ANSWER)
    posted = client.post(ANSWER, {"url": "https://a.test/o1"})
    # then: not found, nothing recorded
    assert got.status_code == 404 and posted.status_code == 404
    assert not ItaAnswer.objects.exists()
    assert not Event.objects.filter(action="ita.item_answered").exists()


def test_anonymous_people_are_sent_to_sign_in(as_user, agency):
    services.ita_checklist_load(year=2568)
    response = as_user(None).get(ANSWER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_answers_an_item(as_user, agency, agency_admin):
    # given
    services.ita_checklist_load(year=2568)
    client = as_user(agency_admin)
    assert client.get(ANSWER).status_code == 200
    # when
    response = client.post(ANSWER, {"url": "https://www.example.go.th/ita/o1", "evidence": "p. 1"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/en/governance/ita/TBNK/2568/"
    answer = ItaAnswer.objects.get()
    assert (answer.url, answer.evidence, answer.answered_by) == (
        "https://www.example.go.th/ita/o1", "p. 1", agency_admin,
    )  # fmt: skip
    assert Event.objects.filter(action="ita.item_answered").count() == 1


def test_an_invalid_answer_shows_the_error_and_keeps_what_was_typed(as_user, agency, agency_admin):
    services.ita_checklist_load(year=2568)
    response = as_user(agency_admin).post(ANSWER, {"url": "not a link", "evidence": "kept"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_url"' in page and "kept" in page
    assert not ItaAnswer.objects.exists()


def test_an_item_not_in_the_checklist_is_not_found(as_user, agency, agency_admin):
    services.ita_checklist_load(year=2568)
    assert as_user(agency_admin).get("/en/governance/ita/TBNK/2568/O99/").status_code == 404
    assert as_user(agency_admin).get("/en/governance/ita/TBNK/2560/O1/").status_code == 404


def test_the_dashboard_shows_the_agencies_an_executive_oversees(as_user, agency):
    executive = make_officer("executive.tbnk@example.test", agency, "executive")
    response = as_user(executive).get("/en/governance/dashboard/?period=2568")
    assert response.status_code == 200
    assert "Ban Na Subdistrict Municipality" in response.content.decode()


def test_the_dashboard_is_not_found_for_other_officers(as_user, clerk, agency_admin):
    assert as_user(clerk).get("/en/governance/dashboard/").status_code == 404
    assert as_user(agency_admin).get("/en/governance/dashboard/").status_code == 404
