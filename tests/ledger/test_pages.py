"""The public ledger's pages: the entries with filters, one entry with its proof, the
receipt checker, and receipts on a citizen's case page. No sign-in needed but for receipts."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from goodgov.cases import services as cases
from goodgov.ledger import keys, merkle, note, pages, receipts, sequencer
from goodgov.ledger.models import Event
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


def submission(case: Any) -> Event:
    return Event.objects.get(
        subject_type="cases.case", subject_id=str(case.pk), action="case.submitted"
    )


def listed(response: Any) -> list[int]:
    return [event.leaf_index for event, _text in response.context["rows"]]


# The ledger page ----------------------------------------------------------------------


def test_the_ledger_lists_sequenced_entries_newest_first(citizen_a, service_version):
    # given: a sequenced submission, then an event not yet sequenced
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    size = Event.objects.count()
    submitted_case(citizen_a, service_version)
    # when
    response = Client().get("/ledger/")
    # then
    assert response.status_code == 200
    assert listed(response) == list(range(size - 1, -1, -1))[:25]
    assert response.context["page"].paginator.count == size
    first_event, first_text = response.context["rows"][0]
    assert first_text == sequencer.entry_bytes(first_event).decode()
    html = response.content.decode()
    assert f'href="/ledger/entry/{size - 1}"' in html
    latest = sequencer.latest_checkpoint()
    assert latest.note.splitlines()[2] in html  # the checkpoint's root hash
    assert keys.verifier_key() in html
    assert "goodgov ledger verify --url http://testserver/ledger/" in html


def test_the_ledger_pages_through_entries(citizen_a, service_version, monkeypatch):
    # given: more than two pages of entries, two a page
    monkeypatch.setattr(pages, "PER_PAGE", 2)
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    size = Event.objects.count()
    assert size > 4
    # when
    second = Client().get("/ledger/", {"page": 2})
    filtered = Client().get("/ledger/", {"agency": "TBNK", "page": 2})
    # then
    assert listed(second) == [size - 3, size - 4]
    assert "agency=TBNK&amp;page=3" in filtered.content.decode()


def test_the_ledger_filters_by_agency_and_action(citizen_a, service_version, other_agency):
    # given
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    client = Client()
    # when
    by_action = client.get("/ledger/", {"action": "case.submitted"})
    by_agency = client.get("/ledger/", {"agency": "DEPT"})
    both = client.get("/ledger/", {"agency": "DEPT", "action": "case.submitted"})
    # then
    assert listed(by_action) == [Event.objects.get(action="case.submitted").leaf_index]
    assert listed(by_agency) == list(
        Event.objects.filter(agency__code="DEPT")
        .order_by("-leaf_index")
        .values_list("leaf_index", flat=True)
    )
    assert listed(by_agency) and all(
        event.agency.code == "DEPT" for event, _ in by_agency.context["rows"]
    )
    assert listed(both) == []
    assert 'value="case.submitted" selected' in by_action.content.decode()


def test_an_action_with_no_entries_yet_lists_nothing_not_everything(
    citizen_a, service_version, other_agency
):
    # given: entries of two agencies, none of them a rating (a scorecard's evidence link
    # may ask for one)
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    assert Event.objects.exclude(agency__code="TBNK").exists()
    # when
    response = Client().get("/en/ledger/", {"agency": "TBNK", "action": "case.rated"})
    malformed = Client().get("/en/ledger/", {"agency": "TBNK", "action": "<script>"})
    # then: an empty, filtered list; a malformed action is an error, the agency still applies
    assert response.status_code == 200
    assert listed(response) == []
    assert 'value="case.rated" selected' in response.content.decode()
    assert malformed.status_code == 400
    assert listed(malformed) == list(
        Event.objects.filter(agency__code="TBNK")
        .order_by("-leaf_index")
        .values_list("leaf_index", flat=True)
    )


def test_the_ledger_filters_by_date_in_the_buddhist_era(citizen_a, service_version):
    # given: events on three days (Bangkok time), sequenced after
    submitted_case(citizen_a, service_version)
    events = list(Event.objects.order_by("id"))
    days = [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
    for k, event in enumerate(events):
        day = days[k % 3]
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))
        Event.objects.filter(pk=event.pk).update(created_at=at)
    sequencer.sequence_all()
    on_2nd = sorted(
        (e.leaf_index for e in Event.objects.all() if timezone.localdate(e.created_at) == days[1]),
        reverse=True,
    )
    from_2nd = sorted(
        (e.leaf_index for e in Event.objects.all() if timezone.localdate(e.created_at) >= days[1]),
        reverse=True,
    )
    client = Client()
    # when: Thai dates in the Buddhist era, an ISO date, English in the Common Era
    thai = client.get("/ledger/", {"date_from": "2/3/2569", "date_to": "๒/๓/๒๕๖๙"})
    iso = client.get("/ledger/", {"date_from": "2026-03-02"})
    english = client.get("/en/ledger/", {"date_from": "2/3/2026", "date_to": "2/3/2026"})
    # then
    assert on_2nd and listed(thai) == on_2nd
    assert listed(iso) == from_2nd
    assert listed(english) == on_2nd
    assert "2569" in thai.content.decode()  # entry times in the Buddhist era


def test_a_bad_date_is_an_error_that_keeps_what_was_typed(citizen_a, service_version):
    # given
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    # when
    response = Client().get("/en/ledger/", {"date_from": "31/2/2026", "date_to": "1/1/2020"})
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_date_from"' in html
    assert "Enter a real date, like 24/11/2026" in html
    assert 'value="31/2/2026"' in html
    assert html.count("<title>Error:") == 1
    # the good filter (date_to, before every entry) still applies: not the whole log
    assert listed(response) == []


def test_the_end_date_must_not_be_before_the_start():
    response = Client().get("/en/ledger/", {"date_from": "2/3/2026", "date_to": "1/3/2026"})
    assert response.status_code == 400
    assert 'href="#id_date_to"' in response.content.decode()


def test_the_ledger_works_in_english_with_no_entries():
    # when
    response = Client().get("/en/ledger/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Public ledger" in html and "The ledger has no entries yet." in html
    assert "No checkpoint has been published yet." in html


# One entry ----------------------------------------------------------------------------


def test_the_entry_page_shows_a_proof_that_verifies(citizen_a, service_version):
    # given
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    event = submission(case)
    client = Client()
    # when
    response = client.get(f"/ledger/entry/{event.leaf_index}")
    # then: the proof on the page verifies against the published checkpoint and key
    assert response.status_code == 200
    verifier = client.get("/ledger/key").content.decode().strip()
    checkpoint = note.parse_checkpoint(
        note.open_note(client.get("/ledger/checkpoint").content.decode(), [verifier])
    )
    html = response.content.decode()
    proof = [base64.b64decode(h) for h in re.findall(r"<li><code[^>]*>([A-Za-z0-9+/=]{44})<", html)]
    leaf = merkle.leaf_hash(sequencer.entry_bytes(event))
    assert proof == [base64.b64decode(h) for h in response.context["proof"]] and proof
    assert merkle.verify_inclusion(leaf, event.leaf_index, checkpoint.size, proof, checkpoint.root)
    assert response.context["verified"] is True
    assert base64.b64encode(leaf).decode() in html and leaf.hex() in html
    assert sequencer.entry_bytes(event).decode().replace('"', "&quot;") in html
    proof_url = f"/ledger/proof/inclusion?index={event.leaf_index}&amp;size={checkpoint.size}"
    assert proof_url in html
    served = client.get(proof_url.replace("&amp;", "&")).json()
    assert [base64.b64decode(h) for h in served["proof"]] == proof


def test_an_entry_beyond_the_log_is_not_found(citizen_a, service_version):
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    size = Event.objects.count()
    assert Client().get(f"/ledger/entry/{size}").status_code == 404
    assert Client().get(f"/en/ledger/entry/{size - 1}").status_code == 200


# /ledger/verify -----------------------------------------------------------------------


@pytest.fixture
def receipt(citizen_a: Any, service_version: Any) -> dict[str, Any]:
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    built = receipts.receipt_for(submission(case), person=citizen_a)
    assert built is not None
    return built


def test_anyone_can_check_a_pasted_receipt(receipt):
    # given
    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/ledger/verify")
    token = page.cookies["csrftoken"].value
    # when
    response = client.post(
        "/en/ledger/verify",
        {"receipt": receipts.dumps(receipt), "csrfmiddlewaretoken": token},
    )
    # then
    assert page.status_code == 200
    assert response.status_code == 200
    result = response.context["result"]
    assert result.valid and result.person_checked and result.index == receipt["index"]
    html = response.content.decode()
    assert "The receipt is valid" in html
    assert f"{receipt['size']} entries" in html


def test_checking_needs_the_csrf_token(receipt):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/ledger/verify", {"receipt": receipts.dumps(receipt)})
    assert response.status_code == 403


def test_an_uploaded_receipt_file_is_checked(receipt):
    # given
    upload = SimpleUploadedFile(
        "receipt.json", receipts.dumps(receipt).encode(), content_type="application/json"
    )
    # when
    response = Client().post("/ledger/verify", {"file": upload})
    # then
    assert response.status_code == 200
    assert response.context["result"].valid


def test_a_tampered_receipt_is_invalid_with_its_reason(receipt):
    # given
    receipt["entry"] = receipt["entry"].replace('"channel":"online"', '"channel":"counter"')
    # when
    response = Client().post("/en/ledger/verify", {"receipt": json.dumps(receipt)})
    # then
    assert response.status_code == 200
    assert response.context["result"].reason == "entry_mismatch"
    html = response.content.decode()
    assert "The receipt is not valid." in html
    assert "The entry does not match its leaf hash" in html


def test_a_printed_code_link_checks_the_entry(receipt):
    # given
    code = receipts.short_code(receipt["index"], base64.b64decode(receipt["leaf_hash"]))
    # when
    response = Client().get("/en/ledger/verify", {"code": code})
    # then
    assert response.status_code == 200
    result = response.context["result"]
    assert result.valid and result.index == receipt["index"]
    assert f'value="{code}"' in response.content.decode()


def test_a_wrong_code_is_an_error_that_keeps_what_was_typed(receipt):
    # given
    code = receipts.short_code(receipt["index"], base64.b64decode(receipt["leaf_hash"]))
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    # when
    unknown = Client().post("/en/ledger/verify", {"code": wrong})
    garbled = Client().get("/en/ledger/verify", {"code": "12-XYZ"})
    # then
    assert unknown.status_code == 400 and unknown.context["result"] is None
    assert "This ledger has no entry with this code" in unknown.content.decode()
    assert f'value="{wrong}"' in unknown.content.decode()
    assert 'href="#id_code"' in unknown.content.decode()
    assert garbled.status_code == 400
    assert "Enter the code as printed" in garbled.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"receipt": "{not json"}, "The receipt is not in the right format"),
        ({"receipt": "[" + " " * (64 * 1024) + "]"}, "The receipt must be 64 KB or smaller"),
        ({}, "Paste a receipt, upload a receipt file or type a short code"),
    ],
)
def test_bad_input_is_an_error_that_keeps_what_was_typed(data, message):
    # when
    response = Client().post("/en/ledger/verify", data)
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'href="#id_receipt"' in html
    if data.get("receipt") == "{not json":
        assert "{not json</textarea>" in html


def test_a_large_file_is_refused():
    upload = SimpleUploadedFile("big.json", b"[" + b" " * (64 * 1024) + b"]")
    response = Client().post("/en/ledger/verify", {"file": upload})
    assert response.status_code == 400
    assert "The receipt must be 64 KB or smaller" in response.content.decode()


# Receipts on the case page ------------------------------------------------------------


def test_the_case_page_offers_a_receipt_once_sequenced(citizen_a, service_version, as_user):
    # given
    case = submitted_case(citizen_a, service_version)
    client = as_user(citizen_a)
    # when
    waiting = client.get(f"/en/cases/{case.uuid}/")
    sequencer.sequence_all()
    ready = client.get(f"/en/cases/{case.uuid}/")
    # then
    assert "Your receipt will be ready within a minute" in waiting.content.decode()
    event = submission(case)
    code = receipts.short_code(event.leaf_index, merkle.leaf_hash(sequencer.entry_bytes(event)))
    html = ready.content.decode()
    assert code in html
    assert f'href="/en/cases/{case.uuid}/receipt/{event.leaf_index}/"' in html
    assert "Your receipt will be ready" not in html


def test_the_applicant_downloads_a_receipt_that_verifies(citizen_a, service_version, as_user):
    # given
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    index = submission(case).leaf_index
    # when
    response = as_user(citizen_a).get(f"/cases/{case.uuid}/receipt/{index}/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="goodgov-receipt-{index}.json"'
    assert "no-store" in response["Cache-Control"]
    downloaded = json.loads(response.content)
    assert downloaded["person"]["user"] == citizen_a.pk
    result = receipts.check_here(downloaded)
    assert result.valid and result.person_checked


def test_nobody_else_gets_the_receipt(
    citizen_a, citizen_b, clerk, approver, foreign_officer, service_version, as_user
):
    # given
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    url = f"/cases/{case.uuid}/receipt/{submission(case).leaf_index}/"
    # when / then
    for stranger in (citizen_b, clerk, approver, foreign_officer):
        assert as_user(stranger).get(url).status_code == 404, stranger
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_no_receipt_for_other_events_or_before_sequencing(citizen_a, service_version, as_user):
    # given
    case = submitted_case(citizen_a, service_version)
    client = as_user(citizen_a)
    not_yet = client.get(f"/cases/{case.uuid}/receipt/0/")
    sequencer.sequence_all()
    started = Event.objects.get(subject_id=str(case.pk), action="case.started").leaf_index
    # when
    other_event = client.get(f"/cases/{case.uuid}/receipt/{started}/")
    # then
    assert not_yet.status_code == 404 and other_event.status_code == 404


def test_a_decision_gets_a_receipt_too(citizen_a, clerk, approver, service_version, as_user):
    # given: a refused case
    case = submitted_case(citizen_a, service_version)
    case = cases.case_claim(actor=clerk, case=case)
    case = cases.case_reject(actor=approver, case=case, reasons="ไม่ครบ", legal_ground=0)
    sequencer.sequence_all()
    decision = Event.objects.get(subject_id=str(case.pk), action="case.rejected")
    client = as_user(citizen_a)
    # when
    page = client.get(f"/cases/{case.uuid}/")
    response = client.get(f"/cases/{case.uuid}/receipt/{decision.leaf_index}/")
    # then: the decision names the applicant's commitment, so the receipt links it to them
    assert [offer.event.action for _label, offer in page.context["receipts"]] == [
        "case.submitted",
        "case.rejected",
    ]
    assert response.status_code == 200
    downloaded = json.loads(response.content)
    assert downloaded["person"]["commitment"] == decision.public["applicant"]
    assert receipts.check_here(downloaded).valid


@pytest.mark.parametrize("where", ["salt", "entry"])
def test_a_receipt_with_text_that_is_not_unicode_is_malformed(receipt, where):
    # given: a lone surrogate, which JSON can carry and UTF-8 cannot
    if where == "salt":
        receipt["person"]["salt"] = "\ud800"
    else:
        receipt["entry"] = receipt["entry"][:-1] + ',"z":"\ud800"}'
    # when
    response = Client().post("/en/ledger/verify", {"receipt": json.dumps(receipt)})
    # then: the checker's own answer, not a server error
    assert response.status_code == 200
    assert response.context["result"].reason == "malformed"


@pytest.mark.parametrize("date_from", ["1/1/0001", "1/1/9999", "1/1/3000"])
def test_a_date_outside_any_log_is_an_error(date_from):
    response = Client().get("/en/ledger/", {"date_from": date_from})
    assert response.status_code == 400
    assert 'href="#id_date_from"' in response.content.decode()
