"""Bad input on the citizen's and the officer's pages: every form refuses it with a clear
message for the field at fault, keeps what was typed, and a request that fails changes
nothing (no answer, no file, no event).

The application form is the food shop permit's (``services/food-shop-permit.yaml``): a
decimal floor area with ``exclusiveMinimum: 0``, a whole number of seats from 0 to 5,000,
an address and two required uploads.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from goodgov.cases import services
from goodgov.cases.models import Case, InformationRequest
from goodgov.catalogue.models import ServiceVersion
from goodgov.documents.models import Evidence
from goodgov.ledger.models import Event
from tests.cases.conftest import submitted_case
from tests.forms.conftest import PDF_BYTES, version_of

pytestmark = pytest.mark.django_db

FOOD_SHOP = Path(django_settings.REPO_DIR) / "services" / "food-shop-permit.yaml"
CONTROL = (
    "Remove the invisible control characters from this answer: they can come with text "
    "copied from elsewhere"
)
DJANGO_NULL = "Null characters are not allowed."
SAVED = {"shop_name": "ร้านป้าแดง", "seats": 12}


def en(name: str, case: Case) -> str:
    with translation.override("en"):
        return reverse(name, kwargs={"case_id": case.uuid})


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.state,
        case.data,
        case.updated_at,
        Evidence.objects.filter(case=case).count(),
        Event.objects.count(),
    )


@pytest.fixture
def food_shop(agency: Any) -> ServiceVersion:
    from goodgov.catalogue.services import service_publish

    definition = yaml.safe_load(FOOD_SHOP.read_text(encoding="utf-8"))
    return service_publish(actor=None, definition=definition, source="tests")


@pytest.fixture
def draft(citizen_a: Any, food_shop: ServiceVersion) -> Case:
    case = services.case_start(actor=citizen_a, applicant=citizen_a, service=food_shop.service)
    return services.case_save_draft(actor=citizen_a, case=case, answers=dict(SAVED))


def food_answers(**changes: Any) -> dict[str, Any]:
    """Every question of the food shop form answered well, a draft save (``_action``)."""
    data: dict[str, Any] = {
        "shop_name": "ร้านข้าวแกงป้าแดง",
        "area_sqm": "45.5",
        "seats": "20",
        "opening_date_0": "1",
        "opening_date_1": "12",
        "opening_date_2": "2026",
        "shop_address_postcode": "10200",
        "shop_address_subdistrict": "100101",
        "shop_address_line": "12 ถนนราชดำเนิน",
        "_action": "draft",
    }
    data.update(changes)
    return data


def pdf(name: str = "id.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# ---------------------------------------------------------------------------- numbers


def test_a_whole_number_of_5000_digits_gets_the_fields_range_message(
    as_user: Any, citizen_a: Any, draft: Case
) -> None:
    # given: a draft
    before = snapshot(draft)

    # when: a number of seats far too long for Python to read as an int
    response = as_user(citizen_a).post(en("cases:edit", draft), food_answers(seats="9" * 5000))

    # then: the field's own range message; what was typed is kept; nothing changed
    assert response.status_code == 400
    text = page(response)
    assert "Number of seats for customers must be between 0 and 5000" in text
    assert f'value="{"9" * 5000}"' in text
    assert snapshot(draft) == before


def test_a_long_whole_number_without_a_range_is_refused_with_a_clear_message(
    as_user: Any, citizen_a: Any, agency: Any, definition: dict[str, Any]
) -> None:
    # given: a service whose number of seats has no minimum or maximum
    from goodgov.catalogue.services import service_publish

    for keyword in ("minimum", "maximum"):
        definition["form"]["schema"]["properties"]["seats"].pop(keyword)
    version = service_publish(actor=None, definition=definition, source="tests")
    case = services.case_start(actor=citizen_a, applicant=citizen_a, service=version.service)
    before = snapshot(case)

    # when: 5,000 digits, then 16
    client = as_user(citizen_a)
    huge = client.post(en("cases:edit", case), {"seats": "9" * 5000, "_action": "draft"})
    sixteen = client.post(en("cases:edit", case), {"seats": "1" * 16, "_action": "draft"})

    # then: refused, saying how many digits a number may have, and kept
    for response, typed in ((huge, "9" * 5000), (sixteen, "1" * 16)):
        assert response.status_code == 400
        text = page(response)
        assert "Enter the number of seats as a whole number with at most 15 digits" in text
        assert f'value="{typed}"' in text
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "typed",
    [
        "99999.99999999999999999",  # would be stored as 100000.0
        "0." + "0" * 400 + "1",  # more than 0, but would be stored as 0.0
        "1" * 400 + ".5",  # too long for a float at all
    ],
)
def test_a_decimal_a_float_cannot_keep_is_refused_not_changed(
    as_user: Any, citizen_a: Any, draft: Case, typed: str
) -> None:
    before = snapshot(draft)

    response = as_user(citizen_a).post(en("cases:edit", draft), food_answers(area_sqm=typed))

    assert response.status_code == 400
    text = page(response)
    assert (
        "Enter the floor area of the shop (square metres) as a number with at most 15 digits"
        in text
        or "Floor area of the shop (square metres) must be" in text  # the range, when beyond it
    )
    assert f'value="{typed}"' in text
    assert snapshot(draft) == before


def test_a_decimal_of_15_digits_is_stored_as_typed(
    as_user: Any, citizen_a: Any, draft: Case
) -> None:
    response = as_user(citizen_a).post(
        en("cases:edit", draft), food_answers(area_sqm="12345.6789012345")
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["area_sqm"] == 12345.6789012345
    assert repr(draft.data["area_sqm"]) == "12345.6789012345"


def test_the_digits_message_names_the_limit_for_a_decimal_under_its_minimum(
    as_user: Any, citizen_a: Any, draft: Case
) -> None:
    # a tiny number that is still more than 0: the digits are what is wrong
    response = as_user(citizen_a).post(
        en("cases:edit", draft), food_answers(area_sqm="0." + "0" * 400 + "1")
    )

    assert response.status_code == 400
    assert (
        "Enter the floor area of the shop (square metres) as a number with at most 15 digits"
        in page(response)
    )


# ---------------------------------------------------------------------------- uploads

HTML_AS_PDF = b"<!DOCTYPE html><html><body>not a plan</body></html>"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            SimpleUploadedFile("plan.pdf", HTML_AS_PDF, content_type="application/pdf"),
            "The file must be a PDF, JPG or PNG",
        ),
        (
            SimpleUploadedFile("plan.pdf", b"", content_type="application/pdf"),
            "The selected file is empty",
        ),
        (
            SimpleUploadedFile("plan.pdf", PDF_BYTES[:-8], content_type="application/pdf"),
            "The file is damaged or incomplete. Save or scan it again and upload it",
        ),
        (
            SimpleUploadedFile("plan.pdf", PDF_BYTES + b" " * 2048, content_type="application/pdf"),
            "The file must be smaller than",
        ),
    ],
    ids=["wrong-type", "empty", "damaged", "too-large"],
)
def test_a_good_upload_beside_a_bad_one_keeps_the_bad_ones_own_error(
    as_user: Any, citizen_a: Any, draft: Case, settings: Any, bad: Any, message: str
) -> None:
    # given: a limit the large file passes over and the good one under
    settings.GOODGOV_UPLOAD_MAX_BYTES = len(PDF_BYTES) + 1024

    # when: a bad plan and a good ID card, going on to check the answers
    response = as_user(citizen_a).post(
        en("cases:edit", draft),
        food_answers(_action="continue", evidence_floor_plan=bad, evidence_id_card_copy=pdf()),
    )

    # then: the plan's own error, not "select a file"; the good file is kept and says so
    assert response.status_code == 400
    text = page(response)
    assert message in text
    assert "Select a file for the plan" not in text
    assert 'href="#id_evidence_floor_plan"' in text
    assert list(Evidence.objects.filter(case=draft).values_list("item", flat=True)) == [
        "id_card_copy"
    ]
    assert "Uploaded: Copy of your ID card" in text
    draft.refresh_from_db()
    assert draft.data == SAVED  # the answers themselves are not saved until they pass


# ---------------------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("shop_address_line", "1 ม.2\x00 ต.\x1bบ้านนา"),
        ("shop_name", "ร้าน\x07\x1b\x0bทดสอบ"),
        ("shop_name", "ร้าน\x00"),
        ("shop_name", "ร้าน\x85ทดสอบ"),  # a C1 control
        ("seats", "2\x000"),
        ("opening_date_0", "1\x1c"),
        ("shop_address_postcode", "10\x00200"),
    ],
)
def test_control_characters_in_an_answer_are_refused_with_one_clear_message(
    as_user: Any, citizen_a: Any, draft: Case, field: str, typed: str
) -> None:
    before = snapshot(draft)

    response = as_user(citizen_a).post(en("cases:edit", draft), food_answers(**{field: typed}))

    assert response.status_code == 400
    text = page(response)
    assert text.count(CONTROL) == 2  # the error summary and the field
    assert DJANGO_NULL not in text
    assert snapshot(draft) == before


def test_a_tab_in_an_answer_stays_allowed(as_user: Any, citizen_a: Any, draft: Case) -> None:
    response = as_user(citizen_a).post(
        en("cases:edit", draft), food_answers(shop_name="ร้าน\tป้าแดง")
    )

    assert response.status_code == 302


def with_every_text_kind(definition: dict[str, Any]) -> dict[str, Any]:
    """The test definition plus a question of each other kind a person types into."""
    extra = {
        "notes": ({"type": "string"}, {"widget": "textarea"}),
        "email": ({"type": "string", "format": "email"}, {"widget": "email"}),
        "phone": ({"type": "string"}, {"widget": "phone"}),
        "applicant_id": ({"type": "string"}, {"widget": "national_id"}),
        "home": ({"type": "object"}, {"widget": "address"}),
    }
    for name, (prop, ui) in extra.items():
        definition["form"]["schema"]["properties"][name] = prop
        definition["form"]["ui"]["order"].append(name)
        definition["form"]["ui"]["fields"][name] = {"label": {"th": name, "en": name}, **ui}
    return definition


EVERY_KIND = {
    "shop_name": "Somchai Noodles",
    "opening_date_0": "24",
    "opening_date_1": "11",
    "opening_date_2": "2026",
    "seats": "20",
    "notes": "Near the temple",
    "email": "somchai@example.test",
    "phone": "081-234-5678",
    "applicant_id": "1-1017-00230-70-8",
    "home_postcode": "10200",
    "home_subdistrict": "100101",
    "home_line": "12 Ratchadamnoen Road",
}


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("notes", "ใกล้วัด\x00"),  # textarea
        ("email", "somchai\x1b@example.test"),
        ("phone", "081\x00234 5678"),
        ("applicant_id", "1-1017-00230-70-8\x0c"),
        ("home_line", "12\x85 Ratchadamnoen Road"),
        ("home_subdistrict", "100101\x00"),
        ("opening_date_2", "2026\x7f"),
    ],
)
def test_every_kind_of_typed_answer_refuses_control_characters_with_one_message(
    definition: dict[str, Any], field: str, typed: str
) -> None:
    from goodgov.cases.forms import application_form

    version = version_of(with_every_text_kind(definition))
    with translation.override("en"):
        # given: the form is valid as typed ...
        assert application_form(version, data=EVERY_KIND).is_valid()

        # when: ... but for one answer
        form = application_form(version, data={**EVERY_KIND, field: typed})

        # then: that answer alone is refused, with the shared message only
        assert not form.is_valid()
        name = field.rsplit("_", 1)[0] if field.startswith(("home_", "opening_date_")) else field
        assert {k: [str(m) for m in v] for k, v in form.errors.items()} == {name: [CONTROL]}


@pytest.fixture
def asked(citizen_a: Any, clerk: Any, service_version: Any) -> Case:
    case = submitted_case(citizen_a, service_version)
    services.case_claim(actor=clerk, case=case)
    services.case_request_info(actor=clerk, case=case, message="ขอแผนผังร้านด้วย")
    case.refresh_from_db()
    return case


def test_an_answer_with_control_characters_is_refused_and_kept(
    as_user: Any, citizen_a: Any, asked: Case
) -> None:
    before = snapshot(asked)

    response = as_user(citizen_a).post(en("cases:answer", asked), {"response": "แนบแล้ว\x00ครับ"})

    assert response.status_code == 400
    text = page(response)
    assert text.count(CONTROL) == 2
    assert DJANGO_NULL not in text
    assert "แนบแล้ว" in text
    assert snapshot(asked) == before
    assert InformationRequest.objects.get(case=asked).responded_at is None


@pytest.mark.parametrize(
    ("view", "data", "who"),
    [
        ("office:request_info", {"message": "ขอ\x1bเอกสาร"}, "clerk"),
        ("office:approve", {"conditions": "เงื่อนไข\x00"}, "approver"),
        ("office:reject", {"reasons": "เหตุผล\x07", "legal_ground": "0"}, "approver"),
    ],
)
def test_an_officers_step_with_control_characters_is_refused_and_kept(
    as_user: Any,
    in_review: Case,
    clerk: Any,
    approver: Any,
    view: str,
    data: dict[str, str],
    who: str,
) -> None:
    before = snapshot(in_review)
    officer = {"clerk": clerk, "approver": approver}[who]

    response = as_user(officer).post(en(view, in_review), data)

    assert response.status_code == 400
    text = page(response)
    assert text.count(CONTROL) == 2
    assert DJANGO_NULL not in text
    typed = next(v for k, v in data.items() if k != "legal_ground")
    assert typed[:3] in text
    assert snapshot(in_review) == before


def test_a_rating_comment_with_control_characters_is_refused(
    as_user: Any, citizen_a: Any, in_review: Case, approver: Any
) -> None:
    services.case_approve(actor=approver, case=in_review)
    before = snapshot(in_review)

    response = as_user(citizen_a).post(
        en("cases:rate", in_review), {"score": "5", "comment": "ดีมาก\x00"}
    )

    assert response.status_code == 400
    text = page(response)
    assert text.count(CONTROL) == 2
    assert DJANGO_NULL not in text
    assert snapshot(in_review) == before


# ---------------------------------------------------------------------------- submitted twice


def _submittable(citizen_a: Any, service_version: Any) -> Case:
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    return services.case_save_draft(
        actor=citizen_a,
        case=case,
        answers={"shop_name": "ร้านข้าวแกงป้าแดง", "opening_date": "2026-12-01", "seats": 20},
    )


def test_sending_check_your_answers_twice_goes_to_the_case_saying_it_was_submitted(
    as_user: Any, citizen_a: Any, service_version: Any
) -> None:
    # given: a draft ready to submit
    case = _submittable(citizen_a, service_version)
    client = as_user(citizen_a)

    # when: the declaration is sent twice (a double click, or back and resend)
    first = client.post(en("cases:review", case), {"declaration": "on"})
    after_first = snapshot(case)
    second = client.post(en("cases:review", case), {"declaration": "on"}, follow=True)

    # then: the second lands on the case page, which says it was already submitted
    assert first.status_code == 302
    assert second.redirect_chain == [(en("cases:detail", case), 302)]
    assert second.status_code == 200
    case.refresh_from_db()
    assert (
        f"This application has already been submitted. Its reference number is "
        f"{case.reference}." in page(second)
    )
    assert snapshot(case) == after_first


def test_changing_a_submitted_application_says_the_changes_were_not_saved(
    as_user: Any, citizen_a: Any, submitted: Case
) -> None:
    before = snapshot(submitted)

    response = as_user(citizen_a).post(
        en("cases:edit", submitted), {"shop_name": "ชื่อใหม่", "_action": "draft"}, follow=True
    )

    assert response.redirect_chain == [(en("cases:detail", submitted), 302)]
    assert (
        "This application has already been submitted, so it can no longer be changed. "
        "Your changes were not saved." in page(response)
    )
    assert snapshot(submitted) == before


def test_opening_the_form_of_a_submitted_application_goes_to_the_case(
    as_user: Any, citizen_a: Any, submitted: Case
) -> None:
    client = as_user(citizen_a)
    for view in ("cases:edit", "cases:review"):
        response = client.get(en(view, submitted), follow=True)

        assert response.redirect_chain == [(en("cases:detail", submitted), 302)]
        assert "This application has already been submitted" in page(response)


@pytest.mark.parametrize("view", ["cases:edit", "cases:review"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_elses_submitted_application_is_still_not_found(
    as_user: Any, citizen_b: Any, clerk: Any, submitted: Case, view: str, method: str
) -> None:
    before = snapshot(submitted)
    for user in (citizen_b, clerk, None):
        client: Client = as_user(user)
        response = getattr(client, method)(en(view, submitted), {"declaration": "on"})
        if user is None:
            assert response.status_code == 302
            assert "/accounts/" in response["Location"]
        else:
            assert response.status_code == 404
    assert snapshot(submitted) == before


def test_the_counter_officer_submitting_twice_goes_to_the_office_case_page(
    as_user: Any, counter_officer: Any, citizen_b: Any, service_version: Any
) -> None:
    # given: a draft the counter officer files for a citizen, submitted once
    case = services.case_start(
        actor=counter_officer, applicant=citizen_b, service=service_version.service
    )
    services.case_save_draft(
        actor=counter_officer,
        case=case,
        answers={"shop_name": "ร้านข้าวแกงป้าแดง", "opening_date": "2026-12-01", "seats": 20},
    )
    client = as_user(counter_officer)
    first = client.post(en("cases:review", case), {"declaration": "on"})

    second = client.post(en("cases:review", case), {"declaration": "on"}, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain == [(en("office:case", case), 302)]
    assert "This application has already been submitted" in page(second)


# ---------------------------------------------------------------------------- answered twice


def test_answering_twice_keeps_the_second_answer_to_copy(
    as_user: Any, citizen_a: Any, asked: Case
) -> None:
    client = as_user(citizen_a)
    first = client.post(en("cases:answer", asked), {"response": "แนบแผนผังแล้ว"})
    after_first = snapshot(asked)

    second = client.post(en("cases:answer", asked), {"response": "ข้อความที่พิมพ์ครั้งที่สอง"})

    assert first.status_code == 302
    assert second.status_code == 409
    text = page(second)
    assert "so this step is not possible. Nothing was changed." in text
    assert "What you typed has not been sent" in text
    assert "ข้อความที่พิมพ์ครั้งที่สอง" in text
    assert snapshot(asked) == after_first
    assert InformationRequest.objects.get(case=asked).response == "แนบแผนผังแล้ว"


def test_an_incomplete_answer_to_a_question_no_longer_open_is_kept_too(
    as_user: Any, citizen_a: Any, asked: Case, clerk: Any
) -> None:
    # given: the applicant withdrew the case in another window
    services.case_withdraw(actor=citizen_a, case=asked)
    before = snapshot(asked)

    # when: an answer with a file that is not allowed is sent
    response = as_user(citizen_a).post(
        en("cases:answer", asked),
        {
            "response": "คำตอบที่พิมพ์ไว้",
            "document": SimpleUploadedFile("a.pdf", HTML_AS_PDF, content_type="application/pdf"),
        },
    )

    # then: the case's state is what is said; the text is shown to copy
    assert response.status_code == 409
    text = page(response)
    assert "This application has already been closed (withdrawn). Nothing was changed." in text
    assert "คำตอบที่พิมพ์ไว้" in text
    assert snapshot(asked) == before
