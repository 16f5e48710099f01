"""``goodgov performance recompute --from-ledger URL`` against a live node."""

from __future__ import annotations

import dataclasses
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from goodgov.cases import services as case_services
from goodgov.ledger import sequencer
from goodgov.performance import engine, selectors
from goodgov.performance.export import export_local
from goodgov.performance.recompute import RecomputeError, recompute_from
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def node(
    settings: Any,
    tmp_path: Path,
    live_server: Any,
    citizen_a: Any,
    citizen_b: Any,
    clerk: Any,
    approver: Any,
    service_version: Any,
) -> str:
    """A node with a sequenced log: two submissions (one approved, one open), exported,
    then one more event sequenced after the export."""
    settings.DATA_DIR = tmp_path / "node"
    first = submitted_case(citizen_a, service_version)
    first = case_services.case_claim(actor=clerk, case=first)
    case_services.case_approve(actor=approver, case=first)
    second = submitted_case(citizen_b, service_version)
    sequencer.sequence_all()
    export_local()
    case_services.case_claim(actor=clerk, case=second)
    sequencer.sequence_all()
    return live_server.url


def test_recompute_finds_the_published_figures(node: str, tmp_path: Path):
    # given: the node's published figures, from the log as it was exported
    published = selectors.published_figures()
    # when
    result = recompute_from(node, workdir=tmp_path)
    # then: recomputed from the exported part only, though the log has grown since
    assert result.differences == []
    assert result.figures_size == published.size
    assert result.checkpoint_size == sequencer.latest_checkpoint().size > published.size
    assert result.rows == len(published.rows) == 1


def test_recompute_reports_a_figure_that_differs(
    node: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # given: the node publishes one wrong figure
    true = selectors.published_figures()
    wrong_row = {**true.rows[0], "applications": true.rows[0]["applications"] + 1}
    wrong = dataclasses.replace(true, rows=[wrong_row])
    monkeypatch.setattr(selectors, "published_figures", lambda: wrong)
    # when
    result = recompute_from(node, workdir=tmp_path)
    # then: exactly that figure
    row = true.rows[0]
    assert [
        (d.agency, d.service, d.month, d.measure, d.published, d.recomputed)
        for d in result.differences
    ] == [
        ("TBNK", "test-permit", row["month"], "applications", 3, 2),
    ]


def test_recompute_refuses_entries_that_do_not_match_the_signed_root(node: str, tmp_path: Path):
    # given: the node's stored entry bundle is altered after signing
    from goodgov.ledger.models import Tile

    tile = Tile.objects.get(level=-1, index=0)
    tile.data = bytes(tile.data).replace(b"case.claimed", b"case.claimex")
    tile.save()
    # when / then
    with pytest.raises(RecomputeError, match="signed root"):
        recompute_from(node, workdir=tmp_path)


def test_recompute_refuses_a_malformed_entry_bundle(node: str, tmp_path: Path):
    # given: a bundle cut short
    from goodgov.ledger.models import Tile

    tile = Tile.objects.get(level=-1, index=0)
    tile.data = bytes(tile.data)[:-3]
    tile.save()
    # when / then
    with pytest.raises(RecomputeError, match="cannot be read"):
        recompute_from(node, workdir=tmp_path)


def test_recompute_command_says_all_figures_match(node: str):
    # given
    out = StringIO()
    # when
    call_command("performance", "recompute", "--from-ledger", node, stdout=out, stderr=StringIO())
    # then
    size = engine.figures_for(selectors.default_log()).size
    assert out.getvalue().strip() == (
        f"all 1 rows of figures match: recomputed from the first {size} of "
        f"{sequencer.latest_checkpoint().size} entries of the public log"
    )


def test_recompute_command_fails_on_a_difference(node: str, monkeypatch: pytest.MonkeyPatch):
    # given
    true = selectors.published_figures()
    wrong = dataclasses.replace(true, rows=[{**true.rows[0], "decisions": 0}])
    monkeypatch.setattr(selectors, "published_figures", lambda: wrong)
    out = StringIO()
    # when / then
    with pytest.raises(CommandError, match="1 published figures differ"):
        call_command(
            "performance", "recompute", "--from-ledger", node, stdout=out, stderr=StringIO()
        )
    assert "decisions: published 0, recomputed 1" in out.getvalue()
