"""Every application can be decided: the loader follows a case from ``submitted``
through the workflow's steps and refuses a step no case can take, naming it and why."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.services import DefinitionError, Problem, catalogue_load

FOOD = "food-shop-permit"
START = "every case starts in 'submitted', and"


def _transitions(d: dict[str, Any]) -> list[dict[str, Any]]:
    return d["workflow"]["transitions"]


def _without(*names: str) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        d["workflow"]["transitions"] = [t for t in _transitions(d) if t["name"] not in names]

    return change


# (what is wrong, change to food-shop-permit.yaml, the problems it must give)
UNDECIDABLE: list[tuple[str, Callable[[dict[str, Any]], Any], list[tuple[str, str]]]] = [
    (
        "no claim: approve and reject start from a state no case reaches",
        _without("claim"),
        [
            (
                "workflow.transitions.0",
                f"'request_info' can never be taken: {START} 'in_review' is reached only by "
                "'answer', which can never be taken either",
            ),
            (
                "workflow.transitions.1",
                f"'answer' can never be taken: {START} 'info_requested' is reached only by "
                "'request_info', which can never be taken either",
            ),
            (
                "workflow.transitions.2",
                "'approve' can never be taken, so no application could ever be approved: "
                f"{START} 'in_review' is reached only by 'answer', which can never be taken "
                "either",
            ),
            (
                "workflow.transitions.3",
                "'reject' can never be taken, so no application could ever be refused: "
                f"{START} 'in_review' is reached only by 'answer', which can never be taken "
                "either",
            ),
        ],
    ),
    (
        "approve only from withdrawn, where a case is closed",
        lambda d: _transitions(d)[3].update({"from": ["withdrawn"]}),
        [
            (
                "workflow.transitions.3",
                "'approve' can never be taken, so no application could ever be approved: "
                f"{START} 'withdrawn' is where a case ends",
            )
        ],
    ),
    (
        "approve and reject from a state no step leads to",
        _without("claim", "answer"),
        [
            (
                "workflow.transitions.0",
                f"'request_info' can never be taken: {START} no step leads to 'in_review'",
            ),
            (
                "workflow.transitions.1",
                "'approve' can never be taken, so no application could ever be approved: "
                f"{START} no step leads to 'in_review'",
            ),
            (
                "workflow.transitions.2",
                "'reject' can never be taken, so no application could ever be refused: "
                f"{START} no step leads to 'in_review'",
            ),
        ],
    ),
    (
        "request_info without answer strands the case",
        _without("answer"),
        [
            (
                "workflow.states.info_requested",
                "a case that reaches 'info_requested' can never be decided: no step leads "
                "from it to approve or reject",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [(c, e) for _w, c, e in UNDECIDABLE],
    ids=[w for w, _c, _e in UNDECIDABLE],
)
def test_a_workflow_that_cannot_decide_every_case_is_refused(
    agencies, services_dir, edit, change, expected
):
    # given
    edit(FOOD, change)

    # when
    with pytest.raises(DefinitionError) as caught:
        catalogue_load(actor=None, directory=services_dir)

    # then
    assert caught.value.problems == [Problem(f"{FOOD}.yaml", path, m) for path, m in expected]
    assert not Service.objects.exists()


def test_a_new_version_without_claim_is_refused_and_the_old_one_stays(agencies, services_dir, edit):
    # given: the service is published and takes applications
    catalogue_load(actor=None, directory=services_dir)
    edit(FOOD, _without("claim"))
    out, err = StringIO(), StringIO()

    # when
    with pytest.raises(CommandError) as raised:
        call_command("catalogue", "load", "--dir", str(services_dir), stdout=out, stderr=err)

    # then: the author reads which steps are dead and why; version 1 stays current
    assert str(raised.value) == f"4 problems in {services_dir}; nothing was published."
    assert err.getvalue().splitlines()[2] == (
        f"{FOOD}.yaml: workflow.transitions.2: 'approve' can never be taken, so no "
        f"application could ever be approved: {START} 'in_review' is reached only by "
        "'answer', which can never be taken either"
    )
    assert Service.objects.get(code=FOOD).current.number == 1
    assert ServiceVersion.objects.filter(service__code=FOOD).count() == 1
