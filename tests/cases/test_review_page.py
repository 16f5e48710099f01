"""Check your answers (GOV.UK pattern): every question and document, each with its own
"Change" link to its field on the edit page; a submission refused for what is missing
names each missing thing in an error summary, linked the same way. And the case page's
error summary stands above its heading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.catalogue.services import service_publish
from tests.cases.conftest import submitted_case
from tests.web.html import Element, Page

QUESTIONS = [  # the building permit's questions, in its order, and the id of each on the form
    ("Type of building", "id_building_type"),
    ("Number of floors", "id_floors"),
    ("Total floor area (square metres)", "id_floor_area"),
    ("Land title deed number", "id_title_deed_number"),
    ("Where the building will be", "id_site_address_0"),  # the postcode comes first
    ("When you plan to start building", "id_start_date_0"),  # the day comes first
]


@pytest.fixture
def permit(agency: Any) -> Any:
    """The real building permit: six required questions, two required documents."""
    path = Path(settings.SERVICES_DIR) / "building-permit.yaml"
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    return service_publish(actor=None, definition=definition, source="tests")


@pytest.fixture
def draft(permit: Any, citizen_a: Any) -> Case:
    """A draft with only its first question answered."""
    case = services.case_start(actor=citizen_a, applicant=citizen_a, service=permit.service)
    return services.case_save_draft(
        actor=citizen_a, case=case, answers={"building_type": "shophouse"}
    )


def text(element: Element) -> str:
    return " ".join(element.text.split())


def summary_rows(page: Page, index: int) -> list[dict[str, str]]:
    """The rows of the page's ``index``-th summary list: key, value, action text and href."""
    rows = []
    for row in page.with_class("govuk-summary-list")[index].children:
        cells = {next(iter(c.classes)).rsplit("__", 1)[1]: c for c in row.children}
        action = cells["actions"].children[0] if "actions" in cells else None
        rows.append(
            {
                "key": text(cells["key"]),
                "value": text(cells["value"]),
                "action": text(action) if action else "",
                "hidden": text(action.children[0]) if action else "",
                "href": action.attrs["href"] if action else "",
            }
        )
    return rows


def error_links(page: Page) -> list[tuple[str, str]]:
    (summary,) = page.with_class("govuk-error-summary")
    return [
        (text(a), a.attrs["href"])
        for a in page.elements
        if a.tag == "a" and _inside(page, a, summary)
    ]


def _inside(page: Page, element: Element, container: Element) -> bool:
    stack = list(container.children)
    while stack:
        child = stack.pop()
        if child is element:
            return True
        stack.extend(child.children)
    return False


def before(page: Page, first: Element, second: Element) -> bool:
    return page.elements.index(first) < page.elements.index(second)


def title(html: str) -> str:
    return " ".join(Page(html).find_all("title")[0].text.split())


# ---------------------------------------------------------------------- check your answers


def test_every_question_is_listed_and_the_unanswered_ones_say_so(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # when
    page = Page(as_user(citizen_a).get(f"/en/cases/{draft.uuid}/review/").content.decode())

    # then: all six questions, in the form's order; the five required ones not answered
    rows = summary_rows(page, 0)
    assert [(r["key"], r["value"]) for r in rows] == [
        ("Type of building", "Shophouse"),
        *((label, "Not answered") for label, _ in QUESTIONS[1:]),
    ]


def test_an_optional_question_left_blank_is_listed_as_optional(
    service_version: Any, citizen_a: Any, as_user: Any
) -> None:
    # given: the test service's "Number of seats" is optional
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    services.case_save_draft(actor=citizen_a, case=case, answers={"shop_name": "ร้านป้าแดง"})

    # when
    page = Page(as_user(citizen_a).get(f"/en/cases/{case.uuid}/review/").content.decode())

    # then
    assert [(r["key"], r["value"]) for r in summary_rows(page, 0)] == [
        ("Shop name", "ร้านป้าแดง"),
        ("Opening date", "Not answered"),
        ("Number of seats", "Not answered (optional)"),
    ]


def test_each_answer_has_its_own_change_link_to_its_field_on_the_edit_page(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # given
    client = as_user(citizen_a)
    edit = f"/en/cases/{draft.uuid}/edit/"

    # when
    html = client.get(f"/en/cases/{draft.uuid}/review/").content.decode()
    form_ids = Page(client.get(edit).content.decode()).ids()

    # then: "Change" with the question's name for screen readers, to the field itself
    rows = summary_rows(Page(html), 0)
    assert [(r["action"], r["hidden"], r["href"]) for r in rows] == [
        (f"Change {label}", label, f"{edit}#{field_id}") for label, field_id in QUESTIONS
    ]
    assert {field_id for _, field_id in QUESTIONS} <= form_ids
    assert "Change your answers" not in html


def test_each_document_has_its_own_change_link_to_its_upload(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # given
    client = as_user(citizen_a)
    edit = f"/en/cases/{draft.uuid}/edit/"

    # when
    page = Page(client.get(f"/en/cases/{draft.uuid}/review/").content.decode())
    form_ids = Page(client.get(edit).content.decode()).ids()

    # then
    rows = summary_rows(page, 1)
    assert [(r["key"], r["value"], r["href"]) for r in rows] == [
        (
            "Site plan, drawings, specifications and calculations",
            "Not uploaded yet",
            f"{edit}#id_evidence_plans",
        ),
        ("Copy of the land title deed", "Not uploaded yet", f"{edit}#id_evidence_land_title_copy"),
        (
            "The landowner's written consent",
            "Not provided (optional)",
            f"{edit}#id_evidence_landowner_consent",
        ),
        (
            "Copy of the architect's and engineer's licences",
            "Not provided (optional)",
            f"{edit}#id_evidence_engineer_licence",
        ),
    ]
    assert rows[0]["hidden"] == "Site plan, drawings, specifications and calculations"
    assert {r["href"].split("#")[1] for r in rows} <= form_ids


# ----------------------------------------------------------------- a refused submission


def test_a_refused_submission_names_each_missing_answer_and_document_and_links_to_it(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # given
    edit = f"/en/cases/{draft.uuid}/edit/"

    # when
    response = as_user(citizen_a).post(f"/en/cases/{draft.uuid}/review/", {"declaration": "on"})

    # then: above the heading, each missing thing in the page's order, linked to its field
    html = response.content.decode()
    page = Page(html)
    assert response.status_code == 400
    assert title(html).startswith("Error: Check your answers")
    (summary,) = page.with_class("govuk-error-summary")
    assert before(page, summary, page.find_all("h1")[0])
    assert error_links(page) == [
        ("Enter the number of floors", f"{edit}#id_floors"),
        ("Enter the total floor area (square metres)", f"{edit}#id_floor_area"),
        ("Enter the land title deed number", f"{edit}#id_title_deed_number"),
        ("Enter the address where the building will be", f"{edit}#id_site_address_0"),
        ("Enter the date you plan to start building", f"{edit}#id_start_date_0"),
        (
            "Select a file for the site plan, drawings, specifications and calculations",
            f"{edit}#id_evidence_plans",
        ),
        (
            "Select a file for the copy of the land title deed",
            f"{edit}#id_evidence_land_title_copy",
        ),
    ]
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.reference is None


def test_a_refusal_for_documents_alone_links_to_each_missing_upload(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # given: every answer given, no document uploaded
    answers = {
        "building_type": "shophouse",
        "floors": 2,
        "floor_area": 120,
        "title_deed_number": "12345",
        "site_address": {"line": "1 ถนนทดสอบ", "postcode": "10200", "subdistrict": "100101"},
        "start_date": "2027-01-15",
    }
    Case.objects.filter(pk=draft.pk).update(data=answers)
    edit = f"/en/cases/{draft.uuid}/edit/"

    # when
    response = as_user(citizen_a).post(f"/en/cases/{draft.uuid}/review/", {"declaration": "on"})

    # then
    page = Page(response.content.decode())
    assert response.status_code == 400
    assert error_links(page) == [
        (
            "Select a file for the site plan, drawings, specifications and calculations",
            f"{edit}#id_evidence_plans",
        ),
        (
            "Select a file for the copy of the land title deed",
            f"{edit}#id_evidence_land_title_copy",
        ),
    ]


def test_an_answer_the_service_does_not_accept_is_named_and_linked(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # given: an answer kept from before the service's rules changed (at least one floor)
    Case.objects.filter(pk=draft.pk).update(data={"building_type": "shophouse", "floors": 0})

    # when
    response = as_user(citizen_a).post(f"/en/cases/{draft.uuid}/review/", {"declaration": "on"})

    # then
    links = error_links(Page(response.content.decode()))
    assert links[0] == (
        "Number of floors must be between 1 and 50",
        f"/en/cases/{draft.uuid}/edit/#id_floors",
    )


def test_in_thai_the_title_says_error_and_the_links_lead_to_the_thai_form(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # when
    response = as_user(citizen_a).post(f"/cases/{draft.uuid}/review/", {"declaration": "on"})

    # then
    html = response.content.decode()
    assert title(html).startswith("ข้อผิดพลาด: ")
    hrefs = [href for _, href in error_links(Page(html))]
    assert hrefs[0] == f"/cases/{draft.uuid}/edit/#id_floors"
    assert len(hrefs) == 7


def test_the_declaration_left_unticked_is_linked_to_its_box(
    draft: Case, citizen_a: Any, as_user: Any
) -> None:
    # when
    response = as_user(citizen_a).post(f"/en/cases/{draft.uuid}/review/", {})

    # then
    html = response.content.decode()
    page = Page(html)
    assert response.status_code == 400
    assert title(html).startswith("Error: ")
    assert error_links(page) == [
        ("Confirm the declaration to submit your application.", "#id_declaration")
    ]
    assert page.by_id("id_declaration").tag == "input"


# ------------------------------------------------------------------------------ case page


def test_the_case_pages_error_summary_stands_above_its_heading(
    citizen_a: Any, clerk: Any, service_version: Any, as_user: Any
) -> None:
    # given: the officer asked for information
    case = services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    services.case_request_info(actor=clerk, case=case, message="ส่งรูปห้องครัว")

    client = as_user(citizen_a)

    # when: an answer with nothing in it
    response = client.post(f"/en/cases/{case.uuid}/answer/", {"response": ""})
    thai = client.post(f"/cases/{case.uuid}/answer/", {"response": ""}).content.decode()

    # then
    html = response.content.decode()
    page = Page(html)
    assert response.status_code == 400
    assert title(html).startswith("Error: ")
    (summary,) = page.with_class("govuk-error-summary")
    assert before(page, summary, page.find_all("h1")[0])
    assert error_links(page) == [("Write your answer or upload a document.", "#id_response")]
    assert page.by_id("id_response").tag == "textarea"
    assert title(thai).startswith("ข้อผิดพลาด: ")
