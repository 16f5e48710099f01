"""The demo journey, step by step: each step's event is in the public log and provable,
from the public endpoints alone, against the signed checkpoint; and each checkpoint is
provably an extension of the one before."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from goodgov.cases import services
from goodgov.ledger import merkle, note, sequencer, tiles
from goodgov.ledger.models import Event
from goodgov.ledger.services import commitment
from tests.cases.conftest import ANSWERS

pytestmark = pytest.mark.django_db


class Journey:
    """Runs steps; after each, sequences and checks its events against the public log."""

    def __init__(self) -> None:
        self.client = Client()
        self.checkpoint: note.Checkpoint | None = None
        self.last_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.seen: list[str] = []

    def signed_checkpoint(self) -> note.Checkpoint:
        key = self.client.get("/ledger/key")
        text = self.client.get("/ledger/checkpoint")
        assert key.status_code == text.status_code == 200
        body = note.open_note(text.content.decode(), [key.content.decode().strip()])  # verifies
        return note.parse_checkpoint(body)

    def published_entry(self, index: int, size: int) -> bytes:
        bundle, offset = divmod(index, tiles.TILE_WIDTH)
        width = min(tiles.TILE_WIDTH, size - bundle * tiles.TILE_WIDTH)
        response = self.client.get("/ledger/" + tiles.entries_path(bundle, width))
        assert response.status_code == 200
        return tiles.parse_entry_bundle(response.content, width)[offset]

    def step(self, actions: list[str], do: Callable[[], Any]) -> Any:
        # when
        result = do()
        events = list(
            Event.objects.filter(id__gt=self.last_event).select_related("agency").order_by("id")
        )
        # then: the step recorded exactly these events
        assert [e.action for e in events] == actions
        self.last_event = events[-1].id
        sequencer.sequence_all()
        checkpoint = self.signed_checkpoint()
        assert checkpoint.size == Event.objects.count()
        for event in events:
            event.refresh_from_db(fields=["leaf_index"])
            self._check_included(event, checkpoint)
        self._check_consistent(checkpoint)
        self.checkpoint = checkpoint
        self.seen += actions
        return result

    def _check_included(self, event: Event, checkpoint: note.Checkpoint) -> None:
        index = event.leaf_index
        assert index is not None
        entry = sequencer.entry_bytes(event)
        assert self.published_entry(index, checkpoint.size) == entry
        assert json.loads(entry)["action"] == event.action
        leaf = merkle.leaf_hash(entry)
        response = self.client.get("/ledger/proof/inclusion", {"index": index})
        assert response.status_code == 200
        body = response.json()
        assert (body["index"], body["size"]) == (index, checkpoint.size)
        assert base64.b64decode(body["leaf_hash"]) == leaf
        proof = [base64.b64decode(h) for h in body["proof"]]
        assert merkle.verify_inclusion(leaf, index, checkpoint.size, proof, checkpoint.root)
        # and the proof is bound to this entry: another leaf does not verify
        other = merkle.leaf_hash(entry + b" ")
        assert not merkle.verify_inclusion(other, index, checkpoint.size, proof, checkpoint.root)

    def _check_consistent(self, checkpoint: note.Checkpoint) -> None:
        old = self.checkpoint
        if old is None:
            return
        assert checkpoint.size > old.size
        response = self.client.get(
            "/ledger/proof/consistency", {"old": old.size, "new": checkpoint.size}
        )
        assert response.status_code == 200
        proof = [base64.b64decode(h) for h in response.json()["proof"]]
        assert merkle.verify_consistency(
            old.size, checkpoint.size, old.root, checkpoint.root, proof
        )


def test_every_step_of_the_journey_is_in_the_log_and_provable(
    citizen_a, citizen_b, clerk, approver, service_version
):
    # given: the agency, its officers and the service, already in the log
    sequencer.sequence_all()
    journey = Journey()
    first_event = journey.last_event
    service = service_version.service

    # a citizen applies, is asked for more, answers, and is approved
    case = journey.step(
        ["case.started"],
        lambda: services.case_start(actor=citizen_a, applicant=citizen_a, service=service),
    )
    journey.step(
        ["case.draft_saved"],
        lambda: services.case_save_draft(actor=citizen_a, case=case, answers=dict(ANSWERS)),
    )
    case = journey.step(
        ["case.submitted"],
        lambda: services.case_submit(actor=citizen_a, case=case, declaration=True),
    )
    case = journey.step(["case.claimed"], lambda: services.case_claim(actor=clerk, case=case))
    journey.step(
        ["case.info_requested"],
        lambda: services.case_request_info(actor=clerk, case=case, message="กรุณาส่งแผนผังร้านฉบับล่าสุด"),
    )
    journey.step(
        ["case.info_provided"],
        lambda: services.case_answer(actor=citizen_a, case=case, response="แผนผังไม่เปลี่ยนจากที่ส่งไว้ค่ะ"),
    )
    approved = journey.step(
        ["case.approved", "document.issued"],
        lambda: services.case_approve(actor=approver, case=case, conditions=""),
    )

    # a second citizen is refused; a third application is withdrawn
    second = journey.step(
        ["case.started"],
        lambda: services.case_start(actor=citizen_b, applicant=citizen_b, service=service),
    )
    journey.step(
        ["case.draft_saved"],
        lambda: services.case_save_draft(actor=citizen_b, case=second, answers=dict(ANSWERS)),
    )
    second = journey.step(
        ["case.submitted"],
        lambda: services.case_submit(actor=citizen_b, case=second, declaration=True),
    )
    second = journey.step(["case.claimed"], lambda: services.case_claim(actor=clerk, case=second))
    rejected = journey.step(
        ["case.rejected", "document.issued"],
        lambda: services.case_reject(
            actor=approver,
            case=second,
            reasons="ร้านอยู่ในเขตที่ห้ามประกอบกิจการ",
            legal_ground=0,
        ),
    )
    third = journey.step(
        ["case.started"],
        lambda: services.case_start(actor=citizen_b, applicant=citizen_b, service=service),
    )
    journey.step(
        ["case.draft_saved"],
        lambda: services.case_save_draft(actor=citizen_b, case=third, answers=dict(ANSWERS)),
    )
    third = journey.step(
        ["case.submitted"],
        lambda: services.case_submit(actor=citizen_b, case=third, declaration=True),
    )
    withdrawn = journey.step(
        ["case.withdrawn"], lambda: services.case_withdraw(actor=citizen_b, case=third)
    )

    # then: the cases ended as the journey says, and the log holds every step, in order
    assert (approved.state, rejected.state, withdrawn.state) == (
        "approved",
        "rejected",
        "withdrawn",
    )
    assert journey.seen == [
        "case.started",
        "case.draft_saved",
        "case.submitted",
        "case.claimed",
        "case.info_requested",
        "case.info_provided",
        "case.approved",
        "document.issued",
        "case.started",
        "case.draft_saved",
        "case.submitted",
        "case.claimed",
        "case.rejected",
        "document.issued",
        "case.started",
        "case.draft_saved",
        "case.submitted",
        "case.withdrawn",
    ]
    logged = Event.objects.filter(id__gt=first_event).order_by("leaf_index")
    assert [e.action for e in logged] == journey.seen


def test_the_public_log_of_a_decision_says_what_was_decided_and_names_nobody(
    citizen_a, clerk, approver, service_version
):
    # given: an approved case, in the log
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    services.case_save_draft(actor=citizen_a, case=case, answers=dict(ANSWERS))
    case = services.case_submit(actor=citizen_a, case=case, declaration=True)
    case = services.case_claim(actor=clerk, case=case)
    case = services.case_approve(actor=approver, case=case, conditions="เปิดได้ไม่เกิน 22.00 น.")
    sequencer.sequence_all()
    # when
    event = Event.objects.get(action="case.approved")
    assert event.leaf_index is not None
    entry = json.loads(Journey().published_entry(event.leaf_index, Event.objects.count()))
    # then: the facts, and the officer only as a commitment; the conditions stay private
    assert entry["action"] == "case.approved" and entry["agency"] == "TBNK"
    assert entry["data"] == event.public
    assert entry["data"]["reference"] == case.reference
    assert entry["data"]["with_conditions"] is True
    assert entry["data"]["officer"] == commitment(approver)
    for key in ("officer", "applicant"):  # people only as commitments, where they appear
        if key in entry["data"]:
            assert re.fullmatch("[0-9a-f]{64}", entry["data"][key])
    text = json.dumps(entry, ensure_ascii=False)
    for personal in (approver.email, approver.full_name, citizen_a.email, "22.00"):
        assert personal not in text
