"""Whatever row of the log is tampered with, `verify_log` finds it, and names the first bad
entry where there is one.

One real log is built per test (cases through the services, filler events through
``ledger.record``, sequenced in batches of different sizes so there are several checkpoints,
two entry bundles and a level-1 tile); each Hypothesis example tampers with it inside a
savepoint that is rolled back afterwards.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from goodgov import ledger
from goodgov.ledger import sequencer, tiles
from goodgov.ledger.canonical import MAX_SAFE_INTEGER, canonical_json
from goodgov.ledger.models import Checkpoint, Event, Tile
from goodgov.ledger.verify import Problem, verify_log
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db

FILLER = 280  # enough for a full tile, a second entry bundle and a level-1 tile


@dataclass
class Log:
    entries: list[bytes]  # the true entries, by leaf index
    agencies: list[Any]  # None and the two agencies

    @property
    def size(self) -> int:
        return len(self.entries)


@pytest.fixture
def log(citizen_a, citizen_b, clerk, service_version, other_agency) -> Log:
    # given: a log sequenced in five batches of different sizes
    first = submitted_case(citizen_a, service_version)
    sequencer.sequence_batch(limit=7)
    submitted_case(citizen_b, service_version)
    sequencer.sequence_all(limit=2)
    with transaction.atomic():
        for n in range(FILLER):
            ledger.record(
                actor=citizen_a,
                action="case.draft_saved",
                subject=first,
                agency=first.agency if n % 3 else other_agency,
                public={"case": str(first.uuid), "service": f"filler-{n}"},
            )
    sequencer.sequence_batch(limit=200)
    sequencer.sequence_all()
    events = Event.objects.select_related("agency").order_by("leaf_index")
    entries = [sequencer.entry_bytes(e) for e in events]
    assert [e.leaf_index for e in events] == list(range(len(entries)))
    assert Checkpoint.objects.count() >= 5
    assert verify_log() == len(entries)  # the untouched log verifies
    return Log(entries=entries, agencies=[None, first.agency, other_agency])


# What each tampering is expected to do: the first bad index, or None for a forged
# checkpoint (no entry is bad); ``allowed`` widens the index to a range where the right
# answer is a matter of reporting (a broken bundle: its first entry or the broken one).


@dataclass
class Expect:
    index: int | None
    allowed: range | None = None
    checkpoint: int | None = None  # the size of the forged checkpoint the message names


def _event(leaf: int) -> Event:
    return Event.objects.select_related("agency").get(leaf_index=leaf)


# Text any database stores as it is (PostgreSQL refuses NUL; surrogates are not Unicode).
CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
JSON_TEXT = st.text(CHARS, max_size=20)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | JSON_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3),
    max_leaves=6,
)


def tamper_payload(data: st.DataObject, log: Log) -> Expect:
    """Change, remove or add one member of an event's public payload."""
    leaf = data.draw(st.integers(0, log.size - 1), label="leaf")
    event = _event(leaf)
    public = dict(event.public)
    how = data.draw(st.sampled_from(["change", "remove", "add"]), label="how")
    if how == "add" or not public:
        public[data.draw(JSON_TEXT, label="key")] = data.draw(JSON_VALUES, label="value")
    else:
        key = data.draw(st.sampled_from(sorted(public)), label="key")
        if how == "remove":
            del public[key]
        else:
            public[key] = data.draw(JSON_VALUES, label="value")
    assume(canonical_json(public) != canonical_json(event.public))
    Event.objects.filter(pk=event.pk).update(public=public)
    return Expect(leaf)


def tamper_action(data: st.DataObject, log: Log) -> Expect:
    leaf = data.draw(st.integers(0, log.size - 1), label="leaf")
    event = _event(leaf)
    action = data.draw(st.text(CHARS, min_size=1, max_size=64), label="action")
    assume(action != event.action)
    Event.objects.filter(pk=event.pk).update(action=action)
    return Expect(leaf)


def tamper_agency(data: st.DataObject, log: Log) -> Expect:
    leaf = data.draw(st.integers(0, log.size - 1), label="leaf")
    event = _event(leaf)
    others = [a for a in log.agencies if getattr(a, "pk", None) != event.agency_id]
    agency = data.draw(st.sampled_from(others), label="agency")
    Event.objects.filter(pk=event.pk).update(agency=agency)
    return Expect(leaf)


def tamper_time(data: st.DataObject, log: Log) -> Expect:
    leaf = data.draw(st.integers(0, log.size - 1), label="leaf")
    event = _event(leaf)
    shift = data.draw(
        st.integers(-(10**12), 10**12).filter(bool), label="microseconds"
    )  # up to ±11 days, down to one microsecond
    Event.objects.filter(pk=event.pk).update(
        created_at=event.created_at + dt.timedelta(microseconds=shift)
    )
    return Expect(leaf)


def tamper_delete(data: st.DataObject, log: Log) -> Expect:
    leaf = data.draw(st.integers(0, log.size - 1), label="leaf")
    Event.objects.filter(leaf_index=leaf).delete()
    return Expect(leaf)


def tamper_swap(data: st.DataObject, log: Log) -> Expect:
    first = data.draw(st.integers(0, log.size - 2), label="first")
    second = data.draw(st.integers(first + 1, log.size - 1), label="second")
    assume(log.entries[first] != log.entries[second])
    a, b = _event(first), _event(second)
    Event.objects.filter(pk=a.pk).update(leaf_index=-1)
    Event.objects.filter(pk=b.pk).update(leaf_index=first)
    Event.objects.filter(pk=a.pk).update(leaf_index=second)
    return Expect(first)


def tamper_insert(data: st.DataObject, log: Log) -> Expect:
    """Slip a new event in at ``at``, moving every later one up by one."""
    at = data.draw(st.integers(0, log.size - 1), label="at")
    model = _event(data.draw(st.integers(0, log.size - 1), label="copy of"))
    # Two steps, so no two rows ever hold the same index: x -> -x - 2 -> x + 1.
    Event.objects.filter(leaf_index__gte=at).update(leaf_index=-F("leaf_index") - 2)
    Event.objects.filter(leaf_index__lt=0).update(leaf_index=-F("leaf_index") - 1)
    Event.objects.create(
        created_at=timezone.now(),
        action=model.action,
        agency=model.agency,
        subject_type=model.subject_type,
        subject_id=model.subject_id,
        public=model.public,
        leaf_index=at,
    )
    return Expect(at)


def _first_difference(true: list[bytes], published: list[bytes]) -> int:
    for position, (a, b) in enumerate(zip(true, published, strict=False)):
        if a != b:
            return position
    return min(len(true), len(published))


def tamper_bundle_entry(data: st.DataObject, log: Log) -> Expect:
    """Change one byte inside one entry of a published entry bundle."""
    row = data.draw(st.sampled_from(list(Tile.objects.filter(level=tiles.ENTRIES))), label="bundle")
    entries = tiles.parse_entry_bundle(bytes(row.data))
    position = data.draw(st.integers(0, len(entries) - 1), label="entry")
    entry = bytearray(entries[position])
    offset = data.draw(st.integers(0, len(entry) - 1), label="byte")
    entry[offset] ^= data.draw(st.integers(1, 255), label="xor")
    entries[position] = bytes(entry)
    Tile.objects.filter(pk=row.pk).update(data=tiles.entry_bundle(entries))
    return Expect(row.index * tiles.TILE_WIDTH + position)


def tamper_bundle_framing(data: st.DataObject, log: Log) -> Expect:
    """Change the length of one entry in a bundle, so the bytes no longer frame the entries."""
    row = data.draw(st.sampled_from(list(Tile.objects.filter(level=tiles.ENTRIES))), label="bundle")
    raw = bytearray(row.data)
    true = tiles.parse_entry_bundle(bytes(raw))
    position = data.draw(st.integers(0, len(true) - 1), label="entry")
    prefix = sum(2 + len(e) for e in true[:position])
    length = data.draw(st.integers(0, 0xFFFF).filter(lambda n: n != len(true[position])))
    raw[prefix : prefix + 2] = length.to_bytes(2, "big")
    Tile.objects.filter(pk=row.pk).update(data=bytes(raw))
    start = row.index * tiles.TILE_WIDTH
    try:
        published = tiles.parse_entry_bundle(bytes(raw))
    except ValueError:  # unreadable: the bundle's first entry or the broken one
        return Expect(start + position, allowed=range(start, start + position + 1))
    return Expect(start + _first_difference(true, published))


def tamper_hash_tile(data: st.DataObject, log: Log) -> Expect:
    """Change one byte of a stored hash tile (level 0: leaf hashes; level 1: subtree roots)."""
    row = data.draw(st.sampled_from(list(Tile.objects.filter(level__gte=0))), label="tile")
    raw = bytearray(row.data)
    offset = data.draw(st.integers(0, len(raw) - 1), label="byte")
    raw[offset] ^= data.draw(st.integers(1, 255), label="xor")
    Tile.objects.filter(pk=row.pk).update(data=bytes(raw))
    node = row.index * tiles.TILE_WIDTH + offset // 32  # at tree level 8 * row.level
    return Expect(node << (tiles.TILE_HEIGHT * row.level))  # the first leaf under it


def tamper_checkpoint_note(data: st.DataObject, log: Log) -> Expect:
    """Change a character of a checkpoint's signed text, or a bit of its signature."""
    checkpoint = data.draw(st.sampled_from(list(Checkpoint.objects.all())), label="checkpoint")
    text = checkpoint.note
    split = text.rindex("\n\n") + 2
    if data.draw(st.booleans(), label="in the text"):
        places = [i for i, c in enumerate(text[:split]) if c != "\n"]
        at = data.draw(st.sampled_from(places), label="at")
        char = data.draw(st.sampled_from("abcXYZ019+/=.-"), label="char")
        assume(char != text[at])
        forged = text[:at] + char + text[at + 1 :]
    else:
        name, _, encoded = text[split:].rstrip("\n").partition(" ")[2].partition(" ")
        raw = bytearray(base64.b64decode(encoded))
        bit = data.draw(st.integers(0, len(raw) * 8 - 1), label="bit")
        raw[bit // 8] ^= 1 << (bit % 8)
        forged = f"{text[:split]}\u2014 {name} {base64.b64encode(bytes(raw)).decode()}\n"
    Checkpoint.objects.filter(pk=checkpoint.pk).update(note=forged)
    return Expect(None, checkpoint=checkpoint.size)


def tamper_checkpoint_fields(data: st.DataObject, log: Log) -> Expect:
    """Change the size or the root stored beside a checkpoint's signed note."""
    checkpoint = data.draw(st.sampled_from(list(Checkpoint.objects.all())), label="checkpoint")
    if data.draw(st.booleans(), label="root"):
        root = data.draw(st.binary(min_size=32, max_size=32), label="forged root")
        assume(root != bytes(checkpoint.root))
        Checkpoint.objects.filter(pk=checkpoint.pk).update(root=root)
        return Expect(None, checkpoint=checkpoint.size)
    sizes = set(Checkpoint.objects.values_list("size", flat=True))
    size = data.draw(st.integers(1, log.size + 50).filter(lambda s: s not in sizes))
    Checkpoint.objects.filter(pk=checkpoint.pk).update(size=size)
    if size > log.size:  # the log now claims more entries than it has
        return Expect(log.size)
    return Expect(None, checkpoint=size)


Tamper = Callable[[st.DataObject, Log], Expect]

TAMPERINGS: list[Tamper] = [
    tamper_payload,
    tamper_action,
    tamper_agency,
    tamper_time,
    tamper_delete,
    tamper_swap,
    tamper_insert,
    tamper_bundle_entry,
    tamper_bundle_framing,
    tamper_hash_tile,
    tamper_checkpoint_note,
    tamper_checkpoint_fields,
]


def problem_found() -> Problem:
    """The Problem verify_log raises, with the frames it was raised from already gone.

    verify_log reads events through ``.iterator()``, a server-side cursor on PostgreSQL that
    is closed when the generator is freed. The traceback keeps it alive; freed only after
    the savepoint it was declared in had been rolled back, closing it would fail and abort
    the test's transaction. Dropping the tracebacks frees it here, inside the savepoint.
    """
    with pytest.raises(Problem) as caught:
        verify_log()
    problem = caught.value
    del caught
    chained: BaseException | None = problem
    while chained is not None:  # the frames are reachable from every chained traceback
        chained.__traceback__ = None
        chained = chained.__cause__ or chained.__context__
    return problem


def _check(tamper: Tamper, log: Log, data: st.DataObject) -> None:
    with transaction.atomic():
        # when
        expected = tamper(data, log)
        problem = problem_found()
        transaction.set_rollback(True)  # the next example starts from the untouched log
    # then
    if expected.allowed is not None:
        assert problem.index in expected.allowed, problem
    else:
        assert problem.index == expected.index, problem
    if expected.checkpoint is not None:
        assert f"checkpoint at size {expected.checkpoint}" in problem.what, problem


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda t: t.__name__)
def test_verify_catches_every_tampering(tamper: Tamper, log: Log) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        _check(tamper, log, data)

    run()
    # and after every example the log is whole again
    assert verify_log() == log.size


# Edge cases of the same property, each once.


def test_a_payload_tampered_beyond_canonical_json_is_a_problem(log: Log) -> None:
    # given
    event = _event(3)
    Event.objects.filter(pk=event.pk).update(public={**event.public, "version": 2**60})
    # when
    problem = problem_found()
    # then
    assert problem.index == 3


def test_a_checkpoint_moved_to_size_zero_is_a_problem(log: Log) -> None:
    # given
    checkpoint = Checkpoint.objects.order_by("size")[1]
    Checkpoint.objects.filter(pk=checkpoint.pk).update(size=0)
    # when
    problem = problem_found()
    # then
    assert problem.index is None
    assert "checkpoint at size 0" in problem.what


def test_events_beyond_the_latest_checkpoint_are_a_problem(log: Log) -> None:
    # given: the latest checkpoint withdrawn, so the log's last entries are unsigned
    Checkpoint.objects.latest("size").delete()
    covered = Checkpoint.objects.latest("size").size
    # when
    problem = problem_found()
    # then
    assert problem.index == covered
