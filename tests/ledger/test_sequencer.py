"""The sequencer puts committed events in the public log; anyone can check the result
from the public endpoints alone: checkpoint, key and tiles."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from goodgov.ledger import keys, merkle, note, sequencer, tiles
from goodgov.ledger.models import Checkpoint, Event
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


def open_checkpoint(client: Client) -> note.Checkpoint:
    verifier = client.get("/ledger/key").content.decode().strip()
    text = client.get("/ledger/checkpoint").content.decode()
    return note.parse_checkpoint(note.open_note(text, [verifier]))


def http_fetch(client: Client) -> Any:
    def fetch(level: int, index: int, width: int) -> bytes:
        path = tiles.Tile(level, index, width).path
        response = client.get(f"/ledger/{path}")
        assert response.status_code == 200, path
        return response.content

    return fetch


def test_events_are_sequenced_in_commit_order_once(citizen_a, service_version):
    # given: the events of a submission (agency, service, person, case...)
    submitted_case(citizen_a, service_version)
    waiting = list(Event.objects.order_by("id").values_list("id", flat=True))
    # when
    added = sequencer.sequence_all()
    again = sequencer.sequence_all()
    # then
    assert added == len(waiting) and again == 0
    assert list(Event.objects.order_by("leaf_index").values_list("id", flat=True)) == waiting
    assert list(Event.objects.order_by("id").values_list("leaf_index", flat=True)) == list(
        range(len(waiting))
    )


def test_an_event_that_commits_late_gets_a_later_index(citizen_a, service_version):
    # given: an event written, then sequencing, then an earlier-numbered event "committing"
    submitted_case(citizen_a, service_version)
    late = Event.objects.order_by("id").first()
    Event.objects.filter(pk=late.pk).update(leaf_index=None)
    others = Event.objects.exclude(pk=late.pk)
    Event.objects.filter(pk__in=others).update(leaf_index=None)
    with transaction.atomic():
        # the others are sequenced first, as if `late` had not committed yet
        Event.objects.filter(pk=late.pk).update(leaf_index=-1)
        sequencer.sequence_all()
        Event.objects.filter(pk=late.pk).update(leaf_index=None)
    # when
    sequencer.sequence_all()
    # then
    late.refresh_from_db()
    assert late.leaf_index == Event.objects.count() - 1
    assert sorted(Event.objects.values_list("leaf_index", flat=True)) == list(
        range(Event.objects.count())
    )


def test_the_published_checkpoint_verifies_and_commits_to_every_entry(citizen_a, service_version):
    # given
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    client = Client()
    # when
    checkpoint = open_checkpoint(client)
    # then: the root is the RFC 6962 root of the canonical entries of the events
    events = list(Event.objects.order_by("leaf_index").select_related("agency"))
    assert checkpoint.origin == keys.origin()
    assert checkpoint.size == len(events)
    assert checkpoint.root == merkle.root(
        merkle.leaf_hashes(sequencer.entry_bytes(e) for e in events)
    )


def test_inclusion_of_every_entry_is_provable_from_public_tiles(
    citizen_a, citizen_b, service_version
):
    # given: two batches, so partial tiles have grown
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    first = open_checkpoint(Client())
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all(limit=3)
    client = Client()
    checkpoint = open_checkpoint(client)
    reader = tiles.TileReader(checkpoint.size, http_fetch(client))
    # then: each entry's inclusion, and the two checkpoints' consistency
    for event in Event.objects.select_related("agency"):
        leaf = merkle.leaf_hash(sequencer.entry_bytes(event))
        proof = reader.inclusion_proof(event.leaf_index)
        assert merkle.verify_inclusion(
            leaf, event.leaf_index, checkpoint.size, proof, checkpoint.root
        )
    proof = reader.consistency_proof(first.size, checkpoint.size)
    assert merkle.verify_consistency(
        first.size, checkpoint.size, first.root, checkpoint.root, proof
    )
    # and the entry bundle holds the canonical entries themselves
    bundle = client.get("/ledger/" + tiles.entries_path(0, checkpoint.size)).content
    assert tiles.parse_entry_bundle(bundle)[0] == sequencer.entry_bytes(
        Event.objects.get(leaf_index=0)
    )


def test_entries_carry_no_personal_data(citizen_a, service_version):
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    bundle = Client().get("/ledger/" + tiles.entries_path(0, Event.objects.count())).content
    for personal in (citizen_a.email, citizen_a.national_id, citizen_a.full_name):
        assert personal.encode() not in bundle


def test_tiles_beyond_the_log_or_misspelt_are_not_found(citizen_a, service_version):
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    client = Client()
    size = Checkpoint.objects.get().size
    assert client.get("/ledger/" + tiles.tile_path(0, 0, size)).status_code == 200
    assert client.get("/ledger/" + tiles.tile_path(0, 0)).status_code == 404  # not full yet
    assert client.get("/ledger/" + tiles.tile_path(0, 0, size + 1)).status_code == 404
    assert client.get("/ledger/tile/0/0.p/1").status_code == 404  # not canonical
    assert client.get("/ledger/tile/0/000.p/1").status_code == 200  # an older, narrower width
    assert client.get("/ledger/tile/0/x000").status_code == 404


def test_the_command_sequences_and_reports(citizen_a, service_version, capsys):
    submitted_case(citizen_a, service_version)
    count = Event.objects.count()
    call_command("ledger", "sequence")
    assert f"sequenced {count} events; the log has {count} entries" in capsys.readouterr().out


def test_no_checkpoint_yet_is_not_found(db):
    assert Client().get("/ledger/checkpoint").status_code == 404


def test_proof_endpoints_give_proofs_that_verify_against_the_checkpoint(
    citizen_a, citizen_b, service_version
):
    # given: two checkpoints
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    client = Client()
    first = open_checkpoint(client)
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all()
    latest = open_checkpoint(client)
    event = Event.objects.select_related("agency").get(leaf_index=first.size - 1)
    # when
    inclusion = client.get("/ledger/proof/inclusion", {"index": event.leaf_index}).json()
    pinned = client.get("/ledger/proof/inclusion", {"index": event.leaf_index, "size": first.size})
    consistency = client.get("/ledger/proof/consistency", {"old": first.size}).json()
    # then
    leaf = merkle.leaf_hash(sequencer.entry_bytes(event))
    assert base64.b64decode(inclusion["leaf_hash"]) == leaf
    proof = [base64.b64decode(h) for h in inclusion["proof"]]
    assert merkle.verify_inclusion(leaf, event.leaf_index, latest.size, proof, latest.root)
    old_proof = [base64.b64decode(h) for h in pinned.json()["proof"]]
    assert merkle.verify_inclusion(leaf, event.leaf_index, first.size, old_proof, first.root)
    assert "immutable" in pinned["Cache-Control"]
    steps = [base64.b64decode(h) for h in consistency["proof"]]
    assert merkle.verify_consistency(first.size, latest.size, first.root, latest.root, steps)
    # and sizes beyond the log, or nonsense, are not found
    huge = "9" * 26  # beyond the database's integers
    for bad in (
        {"index": latest.size},
        {"index": 0, "size": latest.size + 1},
        {"index": "x"},
        {"index": "²"},  # str.isdigit() says yes; int() says no
        {"index": "๑"},  # a Thai digit: one URL per proof
        {"index": huge},
        {"index": 0, "size": huge},
    ):
        assert client.get("/ledger/proof/inclusion", bad).status_code == 404, bad
    for bad in ({"old": 0}, {"old": "²"}, {"old": huge}, {"old": 1, "new": huge}):
        assert client.get("/ledger/proof/consistency", bad).status_code == 404, bad
    assert client.get("/ledger/checkpoints", {"after": "²"}).status_code == 404


def _filler(count: int, subject: Any) -> list[int]:
    from goodgov import ledger

    with transaction.atomic():
        return [
            ledger.record(
                actor=None,
                action="case.draft_saved",
                subject=subject,
                agency=None,
                public={"case": str(subject.uuid), "service": f"filler-{n}"},
            ).pk
            for n in range(count)
        ]


@pytest.mark.parametrize("gaps", [3, 100], ids=["few runs of ids", "more runs than _MAX_RUNS"])
def test_ids_with_gaps_get_consecutive_indices_in_id_order(citizen_a, service_version, gaps):
    # given: waiting events whose ids have gaps (rolled-back transactions leave them)
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    before = Event.objects.count()
    ids = _filler(2 * gaps + 10, case)
    Event.objects.filter(pk__in=ids[1 : 2 * gaps : 2]).delete()  # every other one
    waiting = list(
        Event.objects.filter(leaf_index=None).order_by("id").values_list("id", flat=True)
    )
    # when
    added = sequencer.sequence_all()
    # then
    assert added == len(waiting)
    indexed = dict(Event.objects.filter(pk__in=waiting).values_list("id", "leaf_index"))
    assert [indexed[pk] for pk in waiting] == list(range(before, before + len(waiting)))
    assert Event.objects.filter(leaf_index__isnull=True).count() == 0


def test_a_large_batch_fills_full_tiles_and_continues_a_partial_one(citizen_a, service_version):
    # given: a partial tile of the first events, then 600 more in batches of 250
    case = submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    _filler(600, case)
    # when
    sequencer.sequence_all(limit=250)
    # then: the stored tiles are exactly the tiles of the log, and the root checks
    size = Event.objects.count()
    stored = {(t.level, t.index): t.width for t in tiles_of_the_log()}
    expected = {(t.level, t.index): t.width for t in tiles.tiles_for_size(size)}
    expected |= {(t.level, t.index): t.width for t in tiles.entry_bundles_between(0, size)}
    assert stored == expected
    events = Event.objects.order_by("leaf_index").select_related("agency")
    assert Checkpoint.objects.get(size=size).root == merkle.root(
        merkle.leaf_hashes(sequencer.entry_bytes(e) for e in events)
    )


def tiles_of_the_log() -> list[Any]:
    from goodgov.ledger.models import Tile

    return list(Tile.objects.all())
