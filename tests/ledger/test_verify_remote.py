"""`goodgov ledger verify --url URL` checks another node's log from its public endpoints
alone (run here against the test server with a real sequenced log), and names the first
bad entry, a forged checkpoint, a wrong key or a rolled-back history."""

from __future__ import annotations

import base64
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from goodgov import ledger
from goodgov.ledger import keys, note, remote, sequencer, tiles, views
from goodgov.ledger.models import Checkpoint, Event, SequencerState, Tile
from tests.cases.conftest import submitted_case

FILLER = 280  # with the cases: two entry bundles, a full level-0 tile and a level-1 tile


@pytest.fixture
def log(live_server, citizen_a, citizen_b, service_version) -> int:
    """A log sequenced in several batches; its size."""
    first = submitted_case(citizen_a, service_version)
    sequencer.sequence_batch(limit=5)
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all(limit=3)
    with transaction.atomic():
        for n in range(FILLER):
            ledger.record(
                actor=citizen_a,
                action="case.draft_saved",
                subject=first,
                agency=first.agency,
                public={"case": str(first.uuid), "service": f"filler-{n}"},
            )
    sequencer.sequence_batch(limit=100)
    sequencer.sequence_all()
    return Event.objects.count()


def verify(url: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ledger", "verify", "--url", url, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def pinned() -> tuple[str, str]:
    return "--key", keys.verifier_key()


def test_an_untouched_log_verifies_with_the_pinned_key(log, live_server):
    # when
    out, err = verify(live_server.url, *pinned())
    # then
    checkpoints = Checkpoint.objects.count()
    assert out.strip() == (
        f"the log at {live_server.url} verifies: {keys.origin()}, {log} entries, "
        f"{checkpoints} stored checkpoints signed and consistent"
    )
    assert "warning" not in err
    assert f"verified {log:,} of {log:,} entries" in err  # progress, at the end at least


def test_the_key_taken_from_the_node_is_warned_about(log, live_server):
    out, err = verify(live_server.url + "/ledger/")
    assert f"verifies: {keys.origin()}, {log} entries" in out
    assert "warning: the verifier key was taken from the node itself" in err


def test_a_tampered_leaf_hash_tile_names_its_entry(log, live_server):
    # given: one byte of leaf hash 37 changed in the stored level-0 tile
    row = Tile.objects.get(level=0, index=0)
    data = bytearray(row.data)
    data[37 * 32 + 5] ^= 0x40
    Tile.objects.filter(pk=row.pk).update(data=bytes(data))
    # then
    with pytest.raises(CommandError, match=r"entry 37: its leaf hash differs from hash 37 of "):
        verify(live_server.url, *pinned())


def test_a_tampered_level_one_tile_names_the_entries_under_it(log, live_server):
    # given: the root of entries 0..255 changed in the level-1 tile
    row = Tile.objects.get(level=1, index=0)
    Tile.objects.filter(pk=row.pk).update(data=bytes(32) + bytes(row.data)[32:])
    # then
    with pytest.raises(
        CommandError, match=r"entry 0: the root of entries 0 to 255 differs from hash 0 of "
    ):
        verify(live_server.url, *pinned())


def test_a_tampered_entry_bundle_names_the_entry(log, live_server):
    # given: one byte of entry 260 (bundle 1, position 4) changed
    row = Tile.objects.get(level=tiles.ENTRIES, index=1)
    entries = tiles.parse_entry_bundle(bytes(row.data))
    entries[4] = entries[4].replace(b"filler-", b"FILLER-", 1)
    Tile.objects.filter(pk=row.pk).update(data=tiles.entry_bundle(entries))
    # then
    with pytest.raises(CommandError, match=r"entry 260: its leaf hash differs from hash 4 of "):
        verify(live_server.url, *pinned())


def test_a_forged_stored_checkpoint_is_found(log, live_server):
    # given: an older checkpoint's size changed in its signed text
    checkpoint = Checkpoint.objects.order_by("size")[1]
    forged = checkpoint.note.replace(f"\n{checkpoint.size}\n", f"\n{checkpoint.size + 1}\n", 1)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(note=forged)
    # then
    with pytest.raises(
        CommandError,
        match=rf"log: checkpoint at size {checkpoint.size}: the signature by \S+ does not verify",
    ):
        verify(live_server.url, *pinned())


def test_a_checkpoint_signed_by_the_node_over_another_tree_is_found(log, live_server):
    # given: a checkpoint the node's own key signed, whose root is not the tree's
    checkpoint = Checkpoint.objects.order_by("size")[2]
    text = note.sign_note(
        note.checkpoint_body(keys.origin(), checkpoint.size, bytes(32)), keys.signer_key()
    )
    Checkpoint.objects.filter(pk=checkpoint.pk).update(note=text)
    # then
    with pytest.raises(
        CommandError,
        match=rf"entry {checkpoint.size - 1}: the tree of size {checkpoint.size} does not "
        "match its signed checkpoint",
    ):
        verify(live_server.url, *pinned())


def test_a_wrong_pinned_key_is_refused(log, live_server):
    _, other = note.generate_signer(keys.origin())
    with pytest.raises(
        CommandError, match="log: the latest checkpoint: no known key signed this note"
    ):
        verify(live_server.url, "--key", other)


def test_a_state_file_remembers_and_accepts_a_log_that_grew(
    log, live_server, tmp_path, citizen_b, service_version
):
    # given
    state = tmp_path / "state.json"
    verify(live_server.url, *pinned(), "--state", str(state))
    assert json.loads(state.read_text())["size"] == log
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all()
    # when
    out, _ = verify(live_server.url, *pinned(), "--state", str(state))
    # then
    grown = Event.objects.count()
    assert f"{grown} entries" in out
    assert json.loads(state.read_text())["size"] == grown


def test_a_rolled_back_log_fails_against_the_state_file(log, live_server, tmp_path):
    # given: verified once, then the node drops its latest entries and checkpoint
    state = tmp_path / "state.json"
    verify(live_server.url, *pinned(), "--state", str(state))
    latest = Checkpoint.objects.order_by("-size").first()
    latest.delete()
    # then
    with pytest.raises(
        CommandError,
        match=rf"has {Checkpoint.objects.order_by('-size').first().size} entries, fewer than "
        rf"the {log} verified before \(state file\): the log was rolled back",
    ):
        verify(live_server.url, *pinned(), "--state", str(state))
    assert json.loads(state.read_text())["size"] == log  # not overwritten


def test_a_rewritten_log_fails_against_the_state_file(log, live_server, tmp_path):
    # given: verified once; then the node rewrites entry 3 and re-signs its whole log
    state = tmp_path / "state.json"
    verify(live_server.url, *pinned(), "--state", str(state))
    event = Event.objects.get(leaf_index=3)
    Event.objects.filter(pk=event.pk).update(public={**event.public, "service": "rewritten"})
    Event.objects.update(leaf_index=None)
    Tile.objects.all().delete()
    Checkpoint.objects.all().delete()
    SequencerState.objects.all().delete()
    sequencer.sequence_all()
    # the rewritten log is consistent by itself
    assert "verifies" in verify(live_server.url, *pinned())[0]
    # then
    with pytest.raises(
        CommandError, match=rf"the node signs a different root for size {log} from the one"
    ):
        verify(live_server.url, *pinned(), "--state", str(state))


def test_a_node_that_cannot_be_reached_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"cannot check the log at http://127\.0\.0\.1:9/"):
        verify("http://127.0.0.1:9/", *pinned())


def test_a_site_without_a_ledger_is_a_clear_error(live_server):
    with pytest.raises(CommandError, match=r"ledger/checkpoint: not found \(404\)"):
        verify(live_server.url, *pinned())  # no checkpoint yet


def test_key_and_state_need_a_url(db):
    with pytest.raises(CommandError, match="--key and --state go with --url"):
        call_command("ledger", "verify", "--key", "x", stdout=StringIO(), stderr=StringIO())


def test_the_url_may_be_the_node_or_its_ledger_prefix():
    assert remote.ledger_base("https://node.example/") == "https://node.example/ledger/"
    assert remote.ledger_base("https://node.example/ledger") == "https://node.example/ledger/"
    assert remote.ledger_base("https://n.example/gov/ledger/") == "https://n.example/gov/ledger/"
    with pytest.raises(remote.RemoteError):
        remote.ledger_base("node.example")


@pytest.mark.django_db
def test_the_checkpoints_endpoint_pages_signed_notes_in_size_order(
    citizen_a, service_version, monkeypatch
):
    # given: a checkpoint after each of the first events, pages of two
    submitted_case(citizen_a, service_version)
    while sequencer.sequence_batch(limit=1):
        pass
    monkeypatch.setattr(views, "CHECKPOINTS_PAGE", 2)
    client = Client()
    verifier = keys.verifier_key()
    # when: every page, following "next"
    sizes, after, pages = [], 0, []
    while after is not None:
        response = client.get("/ledger/checkpoints", {"after": after})
        pages.append(response)
        body = response.json()
        for item in body["checkpoints"]:
            signed = note.parse_checkpoint(note.open_note(item["note"], [verifier]))
            assert signed.size == item["size"]
            sizes.append(item["size"])
        after = body["next"]
    # then
    assert sizes == list(range(1, Event.objects.count() + 1))
    assert "immutable" in pages[0]["Cache-Control"]  # a full page never changes
    assert "immutable" not in pages[-1]["Cache-Control"]
    assert pages[0]["Access-Control-Allow-Origin"] == "*"
    assert client.get("/ledger/checkpoints", {"after": "x"}).status_code == 404


def test_the_state_file_keeps_the_checkpoint_it_verified(log, live_server, tmp_path):
    state = tmp_path / "state.json"
    verify(live_server.url, *pinned(), "--state", str(state))
    saved = json.loads(Path(state).read_text())
    latest = Checkpoint.objects.order_by("-size").first()
    assert saved["checkpoint"] == latest.note
    assert base64.b64decode(saved["root"]) == bytes(latest.root)
