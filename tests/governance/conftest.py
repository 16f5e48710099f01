"""Fixtures for governance tests: hand-written public entries in this test's Parquet copy.

``settings.DATA_DIR`` points at the test's own directory, so the pages read the copy the
test wrote (or none at all)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pytest

from goodgov.governance.indicators import Context
from goodgov.governance.periods import Period
from goodgov.performance import engine
from goodgov.performance.eventlog import rows_from_entries
from goodgov.performance.export import default_log

UTC = dt.UTC
BANGKOK = dt.timezone(dt.timedelta(hours=7))
COMMITMENT = "0" * 64
FY2568 = Period(2568)  # October 2024 to September 2025


def at(text: str) -> str:
    """An instant in Thai time (``2025-01-31 23:59``) as a log entry writes ``at``."""
    moment = dt.datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso(text: str) -> str:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(UTC).isoformat()


class Log:
    """Public entries as the cases, documents and exchange apps record them."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._refs = 0

    def add(self, action: str, when: str, agency: str | None, /, **data: Any) -> None:
        self.entries.append({"action": action, "agency": agency, "at": at(when), "data": data})

    def start(self, when: str, *, agency: str = "TBNK", channel: str = "online") -> str:
        case = str(uuid.uuid4())
        self.add(
            "case.started", when, agency, case=case, service="permit", version=1,
            agency=agency, applicant=COMMITMENT, channel=channel,
        )  # fmt: skip
        return case

    def submit(
        self,
        case: str,
        when: str,
        *,
        due: str,
        sla_due: str | None = None,
        agency: str = "TBNK",
        channel: str = "online",
        region: str | None = None,
        age_band: str | None = None,
    ) -> str:
        self._refs += 1
        reference = f"{agency}-2568-{self._refs:06d}"
        data = {
            "case": case, "reference": reference, "service": "permit", "version": 1,
            "agency": agency, "applicant": COMMITMENT, "channel": channel, "due": iso(due),
        }  # fmt: skip
        if sla_due is not None:
            data["sla_due"] = iso(sla_due)
        for name, value in (("region", region), ("age_band", age_band)):
            if value is not None:
                data[name] = value
        self.add("case.submitted", when, agency, **data)
        return reference

    def file(self, when: str, *, due: str, **kwargs: Any) -> str:
        keep = {k: v for k, v in kwargs.items() if k in ("agency", "channel")}
        return self.submit(self.start(when, **keep), when, due=due, **kwargs)

    def approve(self, reference: str, when: str, *, agency: str = "TBNK") -> None:
        self.add(
            "case.approved", when, agency, reference=reference, agency=agency,
            officer=COMMITMENT, applicant=COMMITMENT, with_conditions=False,
        )  # fmt: skip

    def reject(
        self, reference: str, when: str, *, ground: str = "s. 38", agency: str = "TBNK"
    ) -> None:
        self.add(
            "case.rejected", when, agency, reference=reference, agency=agency,
            officer=COMMITMENT, applicant=COMMITMENT, legal_ground=ground,
        )  # fmt: skip

    def ask(self, reference: str, when: str, *, agency: str = "TBNK") -> None:
        self.add(
            "case.info_requested", when, agency, reference=reference, agency=agency,
            officer=COMMITMENT,
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

    def issue(self, reference: str, when: str, *, agency: str = "TBNK") -> None:
        self.add(
            "document.issued", when, agency, code="AAAA-BBBB-CCCC", sha256="a" * 64,
            kind="permit", agency=agency, reference=reference, service="permit",
        )  # fmt: skip

    def serve(self, when: str, *, agency: str = "TBNK") -> None:
        self.add(
            "exchange.served", when, agency, client="node.example", service="population",
            method="residence", purpose="service", legal_basis="law", person=COMMITMENT,
            fields=["house"],
        )  # fmt: skip


@pytest.fixture(autouse=True)
def _own_data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def log() -> Log:
    return Log()


@pytest.fixture
def publish() -> Callable[[Log], ir.Table | None]:
    """Write the entries to this test's Parquet copy; return the event table."""

    def run(built: Log) -> ir.Table | None:
        parquet = default_log()
        with parquet.locked():
            parquet.append(rows_from_entries(built.entries, 0))
        return engine.duckdb_events(parquet)

    return run


@pytest.fixture
def context(agency: Any, publish: Callable[[Log], Any]) -> Callable[..., Context]:
    """``context(log, period=FY2568)``: the agency's context over the published entries."""

    def make(built: Log | None = None, period: Period = FY2568) -> Context:
        events = publish(built) if built is not None and built.entries else None
        return Context(agency=agency, period=period, events=events)

    return make
