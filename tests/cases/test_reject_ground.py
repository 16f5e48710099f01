"""A refusal rests on one of the service's own legal grounds, chosen, never typed: the public
log names it (index and the definition's words); what the officer writes stays private."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.cases.step_forms import RejectForm
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from goodgov.notifications.models import Message
from tests.cases.conftest import ANSWERS
from tests.conftest import ID_A, make_officer

pytestmark = pytest.mark.django_db

ORDINANCE = {
    "act": {
        "th": "ข้อบัญญัติตำบลบ้านนา เรื่อง สถานที่ขายอาหาร พ.ศ. 2560",
        "en": "Ban Na Subdistrict Ordinance on Food Premises B.E. 2560 (2017)",
    },
    "section": {"th": "ข้อ 5", "en": "Clause 5"},
    "url": "https://www.example.go.th/ordinance",
}
ORDINANCE_WORDS = (
    "ข้อบัญญัติตำบลบ้านนา เรื่อง สถานที่ขายอาหาร พ.ศ. 2560 ข้อ 5\n"
    "Ban Na Subdistrict Ordinance on Food Premises B.E. 2560 (2017), Clause 5"
)
# What an officer might type: a name and a national ID among the reasons.
REASONS = f"นายสมชาย ใจดี ({ID_A}) ไม่ได้ยื่นใบรับรองแพทย์ของผู้สัมผัสอาหาร"


@pytest.fixture
def definition(definition: dict[str, Any]) -> dict[str, Any]:
    """The test service, citing a second legal basis (index 1)."""
    definition["legal_basis"].append(ORDINANCE)
    return definition


@pytest.fixture
def refused(in_review: Case, approver: Any) -> Case:
    return services.case_reject(actor=approver, case=in_review, reasons=REASONS, legal_ground=1)


def test_the_public_log_names_the_chosen_basis_and_never_the_officers_words(
    in_review, approver, citizen_a
):
    # when
    case = services.case_reject(actor=approver, case=in_review, reasons=REASONS, legal_ground="1")
    # then: the exact public payload; the reasons only in the private part
    event = Event.objects.get(action="case.rejected")
    assert event.public == {
        "reference": case.reference,
        "agency": "TBNK",
        "officer": commitment(approver),
        "applicant": commitment(citizen_a),
        "legal_basis": 1,
        "legal_ground": ORDINANCE_WORDS,
    }
    assert event.private == {"reasons": REASONS}
    public_text = str(list(Event.objects.values_list("public", flat=True)))
    for typed in (REASONS, "สมชาย", ID_A, "ใบรับรองแพทย์"):
        assert typed not in public_text
    # and the decision keeps the ground in words, for the letter and the pages
    case.refresh_from_db()
    assert case.state == State.REJECTED
    assert case.decision_reasons == REASONS
    assert case.decision_legal_ground == ORDINANCE_WORDS


@pytest.mark.parametrize(
    ("language", "ground"),
    [
        ("th", "ข้อบัญญัติตำบลบ้านนา เรื่อง สถานที่ขายอาหาร พ.ศ. 2560, ข้อ 5"),
        ("en", "Ban Na Subdistrict Ordinance on Food Premises B.E. 2560 (2017), Clause 5"),
    ],
)
def test_the_applicant_is_told_the_reasons_and_the_ground_in_their_language(
    in_review, approver, citizen_a, language, ground
):
    # given
    citizen_a.preferred_language = language
    citizen_a.save(update_fields=["preferred_language"])
    # when
    with translation.override("th" if language == "en" else "en"):
        case = services.case_reject(actor=approver, case=in_review, reasons=REASONS, legal_ground=1)
    # then
    message = Message.objects.filter(case=case).order_by("-id").first()
    assert message is not None
    assert f"{REASONS}\n" in message.body
    assert f": {ground}\n" in message.body


def test_the_signed_letter_states_the_ground_in_words(refused, tmp_path: Path):
    # given
    document = refused.issued_documents.get()
    path = tmp_path / "letter.pdf"
    path.write_bytes(document.file.open("rb").read())
    # when
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    # then: under its heading, the ground in words (checked in English: Thai extracts
    # unreliably from PDFs), not the other legal basis the service cites
    flat = " ".join(text.split())
    ground = flat.split("Legal ground", 1)[1].split("How to appeal", 1)[0]
    assert "Ban Na Subdistrict Ordinance on Food Premises B.E. 2560 (2017), Clause 5" in ground
    assert "Section 38" not in ground
    assert document.kind == "decision-letter"


def test_the_officer_chooses_the_ground_from_the_services_legal_basis(as_user, in_review, approver):
    # given
    client = as_user(approver)
    url = reverse("office:case", kwargs={"case_id": in_review.uuid})
    # when
    with translation.override("en"):
        english = client.get(reverse("office:case", kwargs={"case_id": in_review.uuid}))
    thai = client.get(url)
    # then: one radio per entry of legal_basis, labelled in the page's language
    assert english.status_code == thai.status_code == 200
    for page, labels in (
        (english, ["Public Health Act B.E. 2535 (1992), Section 38", "Clause 5"]),
        (thai, ["พระราชบัญญัติการสาธารณสุข พ.ศ. 2535, มาตรา 38", "ข้อ 5"]),
    ):
        html = page.content.decode()
        assert 'id="id_legal_ground_0" name="legal_ground" type="radio" value="0"' in html
        assert 'id="id_legal_ground_1" name="legal_ground" type="radio" value="1"' in html
        assert 'id="id_legal_ground_2"' not in html
        assert 'name="legal_ground" type="text"' not in html
        for label in labels:
            assert label in html


def test_a_typed_ground_is_refused_and_what_was_typed_stays(as_user, in_review, approver):
    # given
    client = as_user(approver)
    url = "/en" + reverse("office:reject", kwargs={"case_id": in_review.uuid})  # English page
    before = Event.objects.count()
    # when: free text where a ground is chosen; then a ground but no reasons
    typed = client.post(url, {"legal_ground": "มาตรา 38", "reasons": REASONS})
    no_reasons = client.post(url, {"legal_ground": "1", "reasons": ""})
    # then: the page again, the error linked to the first ground, nothing written
    assert typed.status_code == no_reasons.status_code == 400
    html = typed.content.decode()
    assert '<a href="#id_legal_ground_0">Choose the legal ground for the refusal.</a>' in html
    assert REASONS in html  # the reasons are kept
    again = no_reasons.content.decode()
    assert 'id="id_legal_ground_1" name="legal_ground" type="radio" value="1" checked' in again
    assert 'id="id_legal_ground_0" name="legal_ground" type="radio" value="0" checked' not in again
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW and Event.objects.count() == before
    # the error summary opens the page, above the heading (nothing moves focus without
    # script), and there is one
    assert html.count('class="govuk-error-summary"') == 1
    assert html.index('class="govuk-error-summary"') < html.index('<h1 class="govuk-heading-xl">')


def test_a_ground_the_version_does_not_have_is_refused_by_the_service(as_user, in_review, approver):
    # given
    client = as_user(approver)
    url = reverse("office:reject", kwargs={"case_id": in_review.uuid})
    # when
    response = client.post(url, {"legal_ground": "2", "reasons": REASONS})
    # then
    assert response.status_code == 400
    assert 'href="#id_legal_ground_0"' in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW
    assert not Event.objects.filter(action="case.rejected").exists()


def test_refusing_over_the_back_office_publishes_no_typed_text(as_user, in_review, approver):
    # given
    client = as_user(approver)
    # when
    response = client.post(
        reverse("office:reject", kwargs={"case_id": in_review.uuid}),
        {"legal_ground": "0", "reasons": REASONS},
    )
    # then
    assert response.status_code == 302
    event = Event.objects.get(action="case.rejected")
    assert event.public["legal_basis"] == 0
    assert event.public["legal_ground"] == (
        "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535 มาตรา 38\nPublic Health Act B.E. 2535 (1992), Section 38"
    )
    assert REASONS not in str(list(Event.objects.values_list("public", flat=True)))


@pytest.mark.parametrize(
    ("language", "act", "section"),
    [
        ("th", "ข้อบัญญัติตำบลบ้านนา เรื่อง สถานที่ขายอาหาร พ.ศ. 2560", "ข้อ 5"),
        ("en", "Ban Na Subdistrict Ordinance on Food Premises B.E. 2560 (2017)", "Clause 5"),
    ],
)
def test_the_applicant_reads_the_ground_in_the_pages_language(
    as_user, refused, citizen_a, language, act, section
):
    # given
    client = as_user(citizen_a)
    # when
    with translation.override(language):
        response = client.get(reverse("cases:detail", kwargs={"case_id": refused.uuid}))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<a class="govuk-link" href="{ORDINANCE["url"]}" rel="noopener">{act}</a>, {section}'
        in html
    )
    assert "นายสมชาย ใจดี" in html  # the reasons, to the applicant


def test_a_refusal_recorded_before_grounds_were_chosen_still_shows_its_words(
    as_user, refused, citizen_a
):
    # given: a refusal from before (its ground was typed)
    Case.objects.filter(pk=refused.pk).update(decision_legal_ground="มาตรา 38 วรรคสอง")
    # when
    response = as_user(citizen_a).get(reverse("cases:detail", kwargs={"case_id": refused.uuid}))
    # then
    assert '<p class="govuk-body">มาตรา 38 วรรคสอง</p>' in response.content.decode()


PARTY_NOTE = (
    "You are a party to this application (you applied, or you filed it at the counter), "
    "so you cannot work on it. Another officer must handle it."
)


def test_an_officer_who_is_party_to_the_case_is_told_so_above_the_actions(
    as_user, agency, service_version, citizen_a, approver
):
    # given: an officer with every casework role who filed the case at the counter
    filer = make_officer("desk@tbnk.example.test", agency, "counter", "officer", "approver")
    case = services.case_start(actor=filer, applicant=citizen_a, service=service_version.service)
    services.case_save_draft(actor=filer, case=case, answers=dict(ANSWERS))
    services.case_submit(actor=filer, case=case, declaration=True)
    with translation.override("en"):
        url = reverse("office:case", kwargs={"case_id": case.uuid})
    # when
    theirs = as_user(filer).get(url)
    colleague = as_user(approver).get(url)
    # then
    note = f'<div class="govuk-inset-text">{PARTY_NOTE}</div>'
    assert theirs.status_code == colleague.status_code == 200
    assert theirs.context["party"] is True and note in theirs.content.decode()
    assert colleague.context["party"] is False and PARTY_NOTE not in colleague.content.decode()


def test_the_form_given_the_version_offers_exactly_its_grounds(service_version):
    # given / when
    with translation.override("en"):
        form = RejectForm({"legal_ground": "2", "reasons": "x"}, version=service_version)
        choices = list(form.fields["legal_ground"].choices)
        valid = form.is_valid()
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    chosen = RejectForm({"legal_ground": "1", "reasons": "x"}, version=service_version)
    # then
    assert choices == [
        ("0", "Public Health Act B.E. 2535 (1992), Section 38"),
        ("1", "Ban Na Subdistrict Ordinance on Food Premises B.E. 2560 (2017), Clause 5"),
    ]
    assert not valid and errors == {"legal_ground": ["Choose one of the legal grounds listed."]}
    assert chosen.is_valid() and chosen.cleaned_data["legal_ground"] == "1"
