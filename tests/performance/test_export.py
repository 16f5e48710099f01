"""``goodgov analytics export`` copies exactly the published entries to Parquet, once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db import transaction

from goodgov import ledger
from goodgov.cases import services as case_services
from goodgov.ledger import sequencer, tiles
from goodgov.ledger.models import Tile
from goodgov.performance import eventlog
from goodgov.performance.eventlog import ParquetLog
from goodgov.performance.export import export_local
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db


def published(size: int) -> list[dict[str, Any]]:
    """Every entry of the log as its bundles publish it."""
    entries: list[bytes] = []
    for tile in Tile.objects.filter(level=tiles.ENTRIES).order_by("index"):
        entries.extend(tiles.parse_entry_bundle(bytes(tile.data)))
    return [json.loads(e) for e in entries[:size]]


def record_withdrawals(agency: Any, count: int) -> None:
    with transaction.atomic():
        for number in range(count):
            ledger.record(
                actor=None,
                action="case.withdrawn",
                subject=agency,
                agency=agency,
                public={"reference": f"TBNK-2568-{number:06d}", "agency": "TBNK"},
            )


def test_export_writes_each_sequenced_entry_with_its_fields(
    tmp_path: Path, citizen_a: Any, clerk: Any, approver: Any, service_version: Any
):
    # given: a case submitted, claimed and approved, and its events sequenced
    case = submitted_case(citizen_a, service_version)
    case = case_services.case_claim(actor=clerk, case=case)
    case_services.case_approve(actor=approver, case=case)
    sequencer.sequence_all()
    size = sequencer.latest_checkpoint().size
    log = ParquetLog(tmp_path)
    # when
    result = export_local(log)
    # then: every entry, in order, with the published fields and the flattened ones
    assert (result.added, result.size, log.size()) == (size, size, size)
    rows = pq.read_table(log.files()[0]).to_pylist()
    entries = published(size)
    assert [r["index"] for r in rows] == list(range(size))
    assert [(r["action"], r["agency"], json.loads(r["data"])) for r in rows] == [
        (e["action"], e["agency"], e["data"]) for e in entries
    ]
    submitted = next(r for r in rows if r["action"] == "case.submitted")
    assert submitted["reference"] == case.reference
    assert submitted["service"] == "test-permit"
    assert submitted["channel"] == "online"
    assert submitted["due"] == case.due_at.astimezone(dt.UTC).replace(tzinfo=None)
    assert submitted["due_us"] == int(case.due_at.timestamp() * 1_000_000)
    approved = next(r for r in rows if r["action"] == "case.approved")
    entry = next(e for e in entries if e["action"] == "case.approved")
    assert approved["at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ") == entry["at"]
    assert approved["reference"] == case.reference and approved["service"] is None


def test_export_again_adds_nothing_and_leaves_the_files_alone(tmp_path: Path, agency: Any):
    # given: an exported log
    record_withdrawals(agency, 3)
    sequencer.sequence_all()
    log = ParquetLog(tmp_path)
    export_local(log)
    before = {p.name: p.read_bytes() for p in log.files()}
    # when
    result = export_local(log)
    # then
    assert (result.added, result.size) == (0, log.size())
    assert {p.name: p.read_bytes() for p in log.files()} == before


def test_export_appends_only_entries_after_the_last_exported(
    tmp_path: Path, agency: Any, monkeypatch: pytest.MonkeyPatch
):
    # given: 300 entries exported (two bundles), then 20 more sequenced; small files are
    # not merged here, so the second export must make a second file
    monkeypatch.setattr(eventlog, "SMALL_FILE_ROWS", 0)
    record_withdrawals(agency, 300)
    sequencer.sequence_all()
    log = ParquetLog(tmp_path)
    first = export_local(log)
    first_file = log.files()[0].read_bytes()
    record_withdrawals(agency, 20)
    sequencer.sequence_all()
    # when
    second = export_local(log)
    # then
    assert first.added == sequencer.latest_checkpoint().size - 20
    assert second.added == 20
    assert [p.name for p in log.files()] == [
        "events-000000000000.parquet",
        f"events-{first.size:012d}.parquet",
    ]
    assert log.files()[0].read_bytes() == first_file
    indices = [i for p in log.files() for i in pq.read_table(p).column("index").to_pylist()]
    assert indices == list(range(second.size))


def test_a_small_last_file_is_merged_with_the_next_export(tmp_path: Path, agency: Any):
    # given: one small exported file
    record_withdrawals(agency, 5)
    sequencer.sequence_all()
    log = ParquetLog(tmp_path)
    export_local(log)
    record_withdrawals(agency, 4)
    sequencer.sequence_all()
    # when
    export_local(log)
    # then: still one file, holding every entry once, in order
    assert [p.name for p in log.files()] == ["events-000000000000.parquet"]
    indices = pq.read_table(log.files()[0]).column("index").to_pylist()
    assert indices == list(range(sequencer.latest_checkpoint().size))


def test_export_refuses_a_copy_longer_than_the_log(tmp_path: Path, agency: Any):
    # given: a copy of another, longer log
    record_withdrawals(agency, 2)
    sequencer.sequence_all()
    other = [{"action": "x", "agency": None, "at": "2025-01-01T00:00:00.000000Z", "data": {}}]
    log = ParquetLog(tmp_path)
    with log.locked():
        log.append(eventlog.rows_from_entries(other * 10, 0))
    # when / then
    with pytest.raises(ValueError, match="another log"):
        export_local(log)


def test_rows_must_continue_the_copy(tmp_path: Path):
    # given
    entry = {"action": "x", "agency": None, "at": "2025-01-01T00:00:00.000000Z", "data": {}}
    log = ParquetLog(tmp_path)
    with log.locked():
        log.append(eventlog.rows_from_entries([entry], 0))
        # when / then: a gap, or an entry held already
        with pytest.raises(ValueError, match="continue the log at index 1"):
            log.append(eventlog.rows_from_entries([entry], 2))
        with pytest.raises(ValueError, match="continue the log at index 1"):
            log.append(eventlog.rows_from_entries([entry], 0))


def test_export_command_reports_what_it_did(settings, tmp_path: Path, agency: Any):
    # given
    settings.DATA_DIR = tmp_path
    record_withdrawals(agency, 2)
    sequencer.sequence_all()
    size = sequencer.latest_checkpoint().size
    # when
    from io import StringIO

    out = StringIO()
    call_command("analytics", "export", stdout=out)
    call_command("analytics", "export", stdout=out)
    # then
    assert out.getvalue().splitlines() == [
        f"exported {size} entries; {tmp_path / 'analytics' / 'events'} holds {size}",
        f"exported 0 entries; {tmp_path / 'analytics' / 'events'} holds {size}",
    ]
