"""Who may see what of the ledger. Deny by default.

- **Everyone** may read the public log and check it: its entries, checkpoints, verifier
  key, tiles and proofs, and any receipt. What is public is what a signed checkpoint
  covers: events given a leaf below the latest checkpoint's size. An event not yet
  sequenced, or sequenced after that checkpoint, answers "not found", as an index past
  the end does.
- **Only the public part** of an event is shown: its published entry (action, agency,
  time, the public payload, where people appear only as salted commitments). The private
  part never leaves the database through these routes; a person sees what concerns them
  on their own pages (their cases, and who looked up their data).
- **Nobody writes through a request**: events are appended by service functions only
  (``ledger.record`` in their transaction), and sequenced by ``goodgov ledger sequence``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from goodgov.ledger import sequencer
from goodgov.ledger.models import Checkpoint, Event


def published_events(size: int) -> QuerySet[Event]:
    """The events a checkpoint of ``size`` covers."""
    return Event.objects.filter(leaf_index__isnull=False, leaf_index__lt=size)


def checkpoint_to_show() -> Checkpoint:
    """The latest signed checkpoint; 404 while the log has none."""
    latest = sequencer.latest_checkpoint()
    if latest is None:
        raise Http404
    return latest


def entry_to_show(index: int) -> tuple[Checkpoint, Event | None]:
    """The latest checkpoint and the event at ``index`` under it; 404 for an index it
    does not cover. The event is None only if its row was erased from the table (the
    published entry stays in the log's tiles)."""
    latest = checkpoint_to_show()
    if not 0 <= index < latest.size:
        raise Http404
    event = published_events(latest.size).select_related("agency").filter(leaf_index=index)
    return latest, event.first()
