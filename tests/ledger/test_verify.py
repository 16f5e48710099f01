"""`goodgov ledger verify` recomputes the log from the stored events and names the first
entry that was modified, deleted or reordered, and any forged checkpoint."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from goodgov.ledger import sequencer
from goodgov.ledger.models import Checkpoint, Event, Tile
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(citizen_a, citizen_b, service_version) -> int:
    submitted_case(citizen_a, service_version)
    sequencer.sequence_all()
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all()
    return Event.objects.count()


def verify() -> str:
    out = StringIO()
    call_command("ledger", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_untouched_log_verifies(log):
    assert f"the log verifies: {log} entries" in verify()


def test_a_modified_event_is_found(log):
    event = Event.objects.get(leaf_index=5)
    Event.objects.filter(pk=event.pk).update(public={**event.public, "agency": "FORGED"})
    with pytest.raises(CommandError, match=r"entry 5: event \d+ differs from the published entry"):
        verify()


def test_a_deleted_event_is_found(log):
    Event.objects.filter(leaf_index=3).delete()
    with pytest.raises(CommandError, match="entry 3: missing"):
        verify()


def test_swapped_events_are_found(log):
    a, b = Event.objects.get(leaf_index=2), Event.objects.get(leaf_index=4)
    Event.objects.filter(pk=a.pk).update(leaf_index=-4)
    Event.objects.filter(pk=b.pk).update(leaf_index=2)
    Event.objects.filter(pk=a.pk).update(leaf_index=4)
    with pytest.raises(CommandError, match="entry 2: event"):
        verify()


def test_an_event_inserted_into_the_log_is_found(log, citizen_a):
    Event.objects.filter(leaf_index__gte=6).update(leaf_index=None)
    clone = Event.objects.get(leaf_index=5)
    clone.pk = None
    clone.leaf_index = 6
    clone.save()
    with pytest.raises(CommandError, match="entry 6: event"):
        verify()


def test_a_forged_checkpoint_is_found(log):
    checkpoint = Checkpoint.objects.order_by("size").first()
    forged = checkpoint.note.replace(f"\n{checkpoint.size}\n", f"\n{checkpoint.size + 1}\n", 1)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(note=forged)
    with pytest.raises(CommandError, match=f"checkpoint at size {checkpoint.size}"):
        verify()


def test_a_tampered_hash_tile_is_found(log):
    # given: leaf hash 4 changed in the stored level-0 tile
    row = Tile.objects.get(level=0, index=0)
    data = bytearray(row.data)
    data[4 * 32] ^= 1
    Tile.objects.filter(pk=row.pk).update(data=bytes(data))
    with pytest.raises(CommandError, match=r"entry 4: its leaf hash differs from hash 4 of the"):
        verify()


def test_an_entry_that_no_checkpoint_covers_is_found(log):
    # given: the latest checkpoint withdrawn
    Checkpoint.objects.order_by("-size").first().delete()
    covered = Checkpoint.objects.order_by("-size").first().size
    with pytest.raises(CommandError, match=rf"entry {covered}: event \d+ has this index, but no"):
        verify()


def test_progress_goes_to_stderr(log):
    err = StringIO()
    call_command("ledger", "verify", stdout=StringIO(), stderr=err)
    assert f"verified {log:,} of {log:,} entries" in err.getvalue()
