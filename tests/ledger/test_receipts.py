"""Receipts: built from the published log, checked with nothing but the receipt (and, on
this node, its key and latest checkpoint). Every tampering fails for its own reason."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from goodgov.ledger import keys, merkle, note, receipts, sequencer
from goodgov.ledger.models import Event, PersonSalt
from goodgov.ledger.services import commitment
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


def submission_event(case: Any) -> Event:
    return Event.objects.get(
        subject_type="cases.case", subject_id=str(case.pk), action="case.submitted"
    )


@pytest.fixture
def receipt(citizen_a: Any, service_version: Any) -> dict[str, Any]:
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    built = receipts.receipt_for(submission_event(case), person=citizen_a)
    assert built is not None
    return built


def _flip(b64: str) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_a_receipt_for_a_submitted_case_verifies_offline_and_here(citizen_a, receipt):
    # given
    event = Event.objects.get(leaf_index=receipt["index"])
    salt = PersonSalt.objects.get(user=citizen_a).salt
    # when
    offline = receipts.check_receipt(json.loads(receipts.dumps(receipt)))
    here = receipts.check_here(receipt)
    # then
    assert offline.valid and here.valid and here.reason == ""
    assert here.person_checked
    assert here.index == event.leaf_index and here.size == Event.objects.count()
    assert here.entry_text == sequencer.entry_bytes(event).decode()
    assert here.entry["action"] == "case.submitted"
    assert here.at == event.created_at
    assert receipt["format"] == "goodgov-receipt/1"
    assert receipt["origin"] == keys.origin()
    assert receipt["verifier_key"] == keys.verifier_key()
    assert receipt["person"] == {
        "user": citizen_a.pk,
        "salt": salt,
        "commitment": commitment(citizen_a),
    }
    assert receipt["person"]["commitment"] == event.public["applicant"]


def test_no_receipt_before_the_event_is_sequenced(citizen_a, service_version):
    # given
    case = submitted_case(citizen_a, service_version)
    # when
    built = receipts.receipt_for(submission_event(case), person=citizen_a)
    # then
    assert built is None
    assert receipts.build_receipt(0) is None


def test_a_receipt_stays_valid_as_the_log_grows(citizen_a, citizen_b, service_version, receipt):
    # given: more entries and a newer checkpoint
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all()
    assert sequencer.latest_checkpoint().size > receipt["size"]
    # when
    result = receipts.check_here(receipt)
    # then: consistent with the newer checkpoint
    assert result.valid


def test_someone_else_gets_no_person_part(citizen_b, receipt):
    # given: citizen B asks for a receipt of A's submission
    result = receipts.build_receipt(receipt["index"], person=citizen_b)
    # then: the public part only; B's salt is not in it
    assert result is not None and "person" not in result
    assert receipts.check_here(result).valid


def _tampered(receipt: dict[str, Any], change: Any) -> dict[str, Any]:
    copied = copy.deepcopy(receipt)
    change(copied)
    return copied


def _change_entry(r: dict[str, Any]) -> None:
    r["entry"] = r["entry"].replace('"channel":"online"', '"channel":"counter"')


def _change_proof(r: dict[str, Any]) -> None:
    r["proof"][0] = _flip(r["proof"][0])


def _forge_signature(r: dict[str, Any]) -> None:
    text, _, signature = r["checkpoint"].rpartition("\u2014 ")
    name, _, sig = signature.strip().partition(" ")
    r["checkpoint"] = f"{text}\u2014 {name} {_flip(sig)}\n"


def _change_root(r: dict[str, Any]) -> None:
    body = r["checkpoint"][: r["checkpoint"].index("\n\n") + 1]
    root = body.splitlines()[2]
    r["checkpoint"] = r["checkpoint"].replace(root, _flip(root))


def _other_salt(r: dict[str, Any]) -> None:
    r["person"]["salt"] = "0" * 64


def _another_person(r: dict[str, Any]) -> None:
    r["person"] = {"user": 999, "salt": "s", "commitment": receipts.commitment_of("s", 999)}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_change_entry, "entry_mismatch"),
        (lambda r: r.update(leaf_hash=_flip(r["leaf_hash"])), "entry_mismatch"),
        (_change_proof, "proof_invalid"),
        (lambda r: r.update(index=r["index"] + 1), "proof_invalid"),
        (_forge_signature, "signature_invalid"),
        (_change_root, "signature_invalid"),
        (lambda r: r.update(size=r["size"] + 1), "checkpoint_mismatch"),
        (lambda r: r.update(origin="elsewhere.example/log"), "checkpoint_mismatch"),
        (_other_salt, "commitment_mismatch"),
        (_another_person, "commitment_absent"),
        (lambda r: r.update(verifier_key="not a key"), "key_invalid"),
        (lambda r: r.pop("proof"), "malformed"),
        (lambda r: r.update(format="other/1"), "malformed"),
        (lambda r: r.update(index=True), "malformed"),
        (lambda r: r.update(leaf_hash="AAAA"), "malformed"),
        (lambda r: r.update(person="me"), "malformed"),
        (lambda r: r.update(entry="[" * 60_000 + "]" * 60_000), "malformed"),
    ],
)
def test_a_tampered_receipt_fails_for_its_reason(receipt, change, reason):
    # given
    tampered = _tampered(receipt, change)
    # when
    offline = receipts.check_receipt(tampered)
    here = receipts.check_here(tampered)
    # then
    assert (offline.valid, offline.reason) == (False, reason)
    assert (here.valid, here.reason) == (False, reason)
    assert here.message == str(receipts.REASONS[reason])


def test_a_receipt_with_another_key_is_refused(receipt):
    # given: another key of the same name, in place of the node's
    _skey, other_vkey = note.generate_signer(receipt["verifier_key"].split("+")[0])
    tampered = _tampered(receipt, lambda r: r.update(verifier_key=other_vkey))
    # when / then: offline, the checkpoint is not signed by that key; here, not our key
    assert receipts.check_receipt(tampered).reason == "signature_invalid"
    assert receipts.check_here(tampered).reason == "wrong_key"


def test_a_whole_log_forged_with_another_key_is_refused_here(receipt):
    # given: an attacker signs their own checkpoint over a made-up entry with their own key
    skey, vkey = note.generate_signer(keys.origin())
    entry = receipt["entry"].replace('"channel":"online"', '"channel":"counter"')
    leaf = merkle.leaf_hash(entry.encode())
    forged = {
        **receipt,
        "index": 0,
        "size": 1,
        "entry": entry,
        "leaf_hash": base64.b64encode(leaf).decode(),
        "proof": [],
        "checkpoint": note.sign_note(note.checkpoint_body(keys.origin(), 1, leaf), skey),
        "verifier_key": vkey,
    }
    # when / then: consistent in itself, but not signed by this ledger
    assert receipts.check_receipt(forged).valid
    assert receipts.check_here(forged).reason == "wrong_key"


def test_a_log_that_rewrote_history_is_caught(receipt):
    # given: a "latest" checkpoint signed by the node that does not extend the receipt's
    checkpoint = note.checkpoint_body(keys.origin(), receipt["size"] + 3, b"\x07" * 32)
    latest = receipts.LatestLog(
        note.sign_note(checkpoint, keys.signer_key()), lambda old, new: [b"\x00" * 32]
    )
    # when
    result = receipts.check_receipt(receipt, trusted_key=keys.verifier_key(), latest=latest)
    # then
    assert result.reason == "inconsistent"


def test_a_receipt_newer_than_the_log_is_caught(receipt):
    # given: this node's latest checkpoint is smaller than the receipt's
    checkpoint = note.checkpoint_body(keys.origin(), receipt["size"] - 1, b"\x07" * 32)
    latest = receipts.LatestLog(note.sign_note(checkpoint, keys.signer_key()), lambda a, b: [])
    # when
    result = receipts.check_receipt(receipt, latest=latest)
    # then
    assert result.reason == "ahead"


def test_a_receipt_of_another_log_is_caught(receipt):
    # given: same key, but this node's log has another name
    checkpoint = note.checkpoint_body("other.example/log", receipt["size"], b"\x07" * 32)
    latest = receipts.LatestLog(note.sign_note(checkpoint, keys.signer_key()), lambda a, b: [])
    # when
    result = receipts.check_receipt(receipt, latest=latest)
    # then
    assert result.reason == "wrong_log"


def test_the_short_code_finds_and_checks_the_entry(receipt):
    # given
    leaf = base64.b64decode(receipt["leaf_hash"])
    code = receipts.short_code(receipt["index"], leaf)
    # when
    found = receipts.check_code(code)
    typed = receipts.check_code("  " + code.lower().replace("-", " ").replace("O", "0") + " ")
    # then
    assert found is not None and typed is not None
    public, result = found
    assert result.valid and not result.person_checked
    assert public["entry"] == receipt["entry"] and "person" not in public
    assert typed[1].valid
    assert code.startswith(f"{receipt['index']}-") and len(code.split("-")) == 5


@pytest.mark.parametrize(
    "wrong",
    [
        lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # another hash
        lambda code: "9999-" + code.split("-", 1)[1],  # beyond the log
        lambda code: code[:-2],  # too short
        lambda code: "hello",
        lambda code: "",
    ],
)
def test_a_wrong_short_code_finds_nothing(receipt, wrong):
    # given
    code = receipts.short_code(receipt["index"], base64.b64decode(receipt["leaf_hash"]))
    # when / then
    assert receipts.check_code(wrong(code)) is None


def test_offers_wait_for_the_sequencer(citizen_a, service_version):
    # given
    case = submitted_case(citizen_a, service_version)
    event = submission_event(case)
    # when
    before = receipts.offers([event])
    sequencer.sequence_all()
    event.refresh_from_db()
    after = receipts.offers([event])
    # then
    assert [o.ready for o in before] == [False]
    leaf = merkle.leaf_hash(sequencer.entry_bytes(event))
    assert [o.code for o in after] == [receipts.short_code(event.leaf_index, leaf)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{", "not_json"),
        ("\xff", "not_json"),
        (b"\xff\xfe", "not_json"),
        ("[" + " " * receipts.MAX_BYTES + "]", "too_large"),
        ("[" * 60_000, "not_json"),
    ],
)
def test_input_that_cannot_be_a_receipt(text, code):
    with pytest.raises(receipts.ReceiptInputError) as raised:
        receipts.parse_receipt(text)
    assert raised.value.code == code
