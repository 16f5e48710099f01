"""Fixtures for performance tests: hand-written public entries in a Parquet copy."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from goodgov.performance import engine
from goodgov.performance.eventlog import ParquetLog, rows_from_entries

UTC = dt.UTC
BANGKOK = dt.timezone(dt.timedelta(hours=7))


def at(text: str) -> str:
    """An instant written in Thai time (``2025-01-31 23:59``) as a log entry writes ``at``."""
    moment = dt.datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso(text: str) -> str:
    """An instant in Thai time as a payload writes it (``due``: isoformat with offset)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(UTC).isoformat()


class Log:
    """Build public entries of cases as the cases app records them."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._refs = 0

    def add(self, action: str, when: str, entry_agency: str, /, **data: Any) -> None:
        self.entries.append(
            {"action": action, "agency": entry_agency, "at": at(when), "data": data}
        )

    def start(
        self, when: str, *, service: str = "permit", agency: str = "TBNK", channel: str = "online"
    ) -> str:
        case = str(uuid.uuid4())
        self.add(
            "case.started", when, agency, case=case, service=service, version=1,
            agency=agency, applicant="0" * 64, channel=channel,
        )  # fmt: skip
        return case

    def submit(
        self,
        case: str,
        when: str,
        *,
        due: str,
        sla_due: str | None = None,
        service: str = "permit",
        agency: str = "TBNK",
        channel: str = "online",
    ) -> str:
        self._refs += 1
        reference = f"{agency}-2568-{self._refs:06d}"
        data = {
            "case": case, "reference": reference, "service": service, "version": 1, "agency": agency,
            "applicant": "0" * 64, "channel": channel, "due": iso(due),
        }  # fmt: skip
        if sla_due is not None:
            data["sla_due"] = iso(sla_due)
        self.add("case.submitted", when, agency, **data)
        return reference

    def file(self, when: str, *, due: str, **kwargs: Any) -> str:
        """Start and submit at once (as the API files a case)."""
        keep = {k: v for k, v in kwargs.items() if k in ("service", "agency", "channel")}
        case = self.start(when, **keep)
        return self.submit(case, when, due=due, **kwargs)

    def decide(
        self, reference: str, when: str, *, approve: bool = True, agency: str = "TBNK"
    ) -> None:
        if approve:
            self.add(
                "case.approved", when, agency, reference=reference, agency=agency,
                officer="1" * 64, with_conditions=False,
            )  # fmt: skip
        else:
            self.add(
                "case.rejected", when, agency, reference=reference, agency=agency,
                officer="1" * 64, legal_ground="s. 38",
            )  # fmt: skip

    def ask(
        self,
        reference: str,
        when: str,
        *,
        agency: str = "TBNK",
        clock_stopped: bool | None = None,
    ) -> None:
        """An officer's request for information; ``clock_stopped`` as the request
        publishes it (None: a request recorded before it was published)."""
        stopped = {} if clock_stopped is None else {"clock_stopped": clock_stopped}
        self.add(
            "case.info_requested", when, agency, reference=reference, agency=agency,
            officer="1" * 64, **stopped,
        )  # fmt: skip

    def answer(
        self,
        reference: str,
        when: str,
        *,
        agency: str = "TBNK",
        due: str | None = None,
        sla_due: str | None = None,
    ) -> None:
        """The applicant's answer; with ``due`` (and ``sla_due``), the due dates the
        answer moved (a service whose clock stops while the applicant is asked)."""
        moved = {k: iso(v) for k, v in (("due", due), ("sla_due", sla_due)) if v is not None}
        self.add("case.info_provided", when, agency, reference=reference, agency=agency, **moved)

    def withdraw(self, reference: str, when: str, *, agency: str = "TBNK") -> None:
        self.add("case.withdrawn", when, agency, reference=reference, agency=agency)


@pytest.fixture
def log() -> Log:
    return Log()


@pytest.fixture
def compute(tmp_path: Path) -> Callable[[Log], dict[tuple[str, str, str], dict[str, Any]]]:
    """Write the entries to a Parquet copy, run every measure on DuckDB, key rows by
    ``(agency, service, month)``."""

    def run(built: Log) -> dict[tuple[str, str, str], dict[str, Any]]:
        parquet = ParquetLog(tmp_path / "events")
        with parquet.locked():
            parquet.append(rows_from_entries(built.entries, 0))
        figures = engine.compute(engine.duckdb_events(parquet), parquet.size())
        return {(r["agency"], r["service"], r["month"]): r for r in figures.rows}

    return run
