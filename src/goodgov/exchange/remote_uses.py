"""The person's data tracker across nodes: the uses of their data recorded elsewhere.

A node records the exchanges it takes part in and the views of its own officers; the
nodes it exchanged a person's data with keep their own records, under their own salts.
So that ``/me/data/`` can show those too, every node serves the data service
``tracker.uses`` (:func:`goodgov.exchange.registries.tracker_uses`): given the person's
national ID, its record of the uses of that person's data, and nothing else.

:func:`ask_peers` asks each node that this node exchanged the person's data with (from
this node's own ``Exchange`` rows), over the ordinary signed protocol
(:func:`goodgov.exchange.client.call`): purpose ``data-subject-access``, legal basis
PDPA section 24(6) (the provider complies with the law: section 30 gives the person the
right to see what it holds about them and how it got it). Both sides record the request
like any other exchange. One node after another, each with a short timeout and no retry,
and all within a total budget, so a node that is down or slow costs the page a bounded
time; a node that cannot be asked, refuses or answers nonsense is reported, per node, as
not fetched now, and the page shows the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings

from goodgov.catalogue.models import localized
from goodgov.exchange import client, directory, errors, selectors
from goodgov.exchange.models import Exchange

logger = logging.getLogger(__name__)

SERVICE = "tracker"
METHOD = "uses"
PURPOSE = "data-subject-access"
# PDPA section 24(6), compliance with a law: section 30 obliges the provider to let the
# person see their data and how it was obtained. (A code of its own for section 30 would
# say it more exactly; LEGAL_BASES has none yet.)
LEGAL_BASIS = "pdpa-24-6"
FIELDS = ("exchanges", "views")

TIMEOUT = 2.0  # seconds per node (GOODGOV_EXCHANGE_TRACKER_TIMEOUT)
BUDGET = 5.0  # seconds for all nodes together (GOODGOV_EXCHANGE_TRACKER_BUDGET)
STEP = 0.5  # timeouts are whole steps: the client pools one HTTP client per timeout
TEXT = 300  # longest text kept from another node's answer
DIRECTIONS = {"served", "requested"}


@dataclass(frozen=True)
class Answer:
    """One node's record of the person's uses, or why it could not be had now."""

    node: str
    agency: str  # the node's agency, as this node names it
    fetched: bool
    uses: list[selectors.Use] = field(default_factory=list)
    views: list[selectors.View] = field(default_factory=list)
    reason: str = ""  # an error code, when not fetched


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, f"GOODGOV_EXCHANGE_TRACKER_{name}", default))


def peers_of(person_hash: str) -> list[str]:
    """The other nodes this node exchanged the person's data with, by name."""
    me = directory.node_name()
    found = (
        Exchange.objects.filter(person_hash=person_hash)
        .exclude(peer=me)
        .values_list("peer", flat=True)
        .distinct()
    )
    return sorted(set(found))


def _timeout(per_node: float, remaining: float) -> float | None:
    """The time one node gets: its share, cut to what is left, in whole steps."""
    seconds = min(per_node, math.floor(remaining / STEP) * STEP)
    return seconds if seconds >= STEP else None


def ask_peers(*, person: Any, transport: httpx.BaseTransport | None = None) -> list[Answer]:
    """Ask every node this node exchanged ``person``'s data with (an account with a
    national ID) for its record of the uses of that data, signed, as that person
    (recorded here as ``exchange.requested`` and there as ``exchange.served``). Never
    raises for a node that fails; never takes much longer than
    ``GOODGOV_EXCHANGE_TRACKER_BUDGET`` seconds."""
    peers = peers_of(person.national_id_hash)
    if not peers:
        return []
    national_id_value = person.national_id
    per_node, budget = _setting("TIMEOUT", TIMEOUT), _setting("BUDGET", BUDGET)
    deadline = time.monotonic() + budget
    names: dict[str, str] = {}
    answers = []
    for node in peers:
        label = selectors.agency_label(node, names)
        timeout = _timeout(per_node, deadline - time.monotonic())
        if timeout is None:  # the budget is spent: not asked, nothing recorded
            answers.append(Answer(node, label, fetched=False, reason="timeout"))
            continue
        try:
            result = client.call(
                node=node,
                service=SERVICE,
                method=METHOD,
                national_id_value=national_id_value,
                purpose=PURPOSE,
                legal_basis=LEGAL_BASIS,
                actor=person,
                timeout=timeout,
                retries=0,
                transport=transport,
            )
            uses, views = read_answer(result.data, node=node, agency=label, names=names)
        except errors.ExchangeError as error:
            answers.append(Answer(node, label, fetched=False, reason=error.code))
        except Exception:  # the page must render whatever one node did
            logger.exception("the record of uses of node %s could not be read", node)
            answers.append(Answer(node, label, fetched=False, reason="error"))
        else:
            answers.append(Answer(node, label, fetched=True, uses=uses, views=views))
    return answers


def read_answer(
    data: dict[str, Any], *, node: str, agency: str, names: dict[str, str] | None = None
) -> tuple[list[selectors.Use], list[selectors.View]]:
    """A node's answer as the tracker's rows, each recorded by ``agency``. A row that is
    not well formed is left out (and logged); too many rows are cut."""
    names = {} if names is None else names
    uses = [
        use
        for use in _rows(data.get("exchanges"), node, lambda r: _use(r, agency, names))
        if use is not None
    ]
    views = [view for view in _rows(data.get("views"), node, lambda r: _view(r, agency)) if view]
    return uses, views


def _rows(rows: Any, node: str, read: Any) -> Iterable[Any]:
    if not isinstance(rows, list):
        return
    for row in rows[: selectors.RECORD_LIMIT]:
        try:
            yield read(row)
        except (KeyError, TypeError, ValueError, AttributeError):
            logger.warning("node %s sent a row of uses that is not well formed", node)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise TypeError("not a text")
    return str(value)[:TEXT]


def _localized(value: Any) -> str:
    if isinstance(value, dict):
        return localized({k: _text(v) for k, v in value.items() if k in ("th", "en")})
    return _text(value)


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone")
    return moment


def _codes(values: Any) -> list[str]:
    if not isinstance(values, list):
        raise TypeError("not a list")
    return [_text(v) for v in values[:64]]


def _use(row: dict[str, Any], recorded_by: str, names: dict[str, str]) -> selectors.Use:
    direction = _text(row["direction"])
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    node = _text(row.get("node"))
    agency = selectors.agency_label(node, names) if node else ""
    if agency == node and row.get("agency"):  # a node this one does not know
        agency = _text(row["agency"])
    service, method = _text(row.get("service")), _text(row.get("method"))
    return selectors.Use(
        when=_moment(row["at"]),
        direction=direction,
        agency=agency,
        officer_role=selectors.role_label(_text(row.get("officer_role"))),
        service=selectors.service_label(service, method),
        purpose=_text(row.get("purpose")),
        legal_basis=selectors.basis_label(_text(row.get("legal_basis"))),
        fields=_codes(row.get("fields") or []),
        outcome=_text(row.get("outcome")),
        node=node,
        service_code=service,
        recorded_by=(recorded_by,),
        match=_text(row.get("match")),
        by=recorded_by,
    )


def _view(row: dict[str, Any], recorded_by: str) -> selectors.View:
    agency = row.get("agency") or {}
    if not isinstance(agency, dict):
        raise TypeError("the agency is a mapping")
    laws = [
        f"{_localized(law.get('act'))}, {_localized(law.get('section'))}"
        for law in (row.get("laws") or [])[:16]
    ]
    purpose = _text(row.get("purpose"))
    return selectors.View(
        when=_moment(row["at"]),
        agency=_localized(agency) or _text(agency.get("code")),
        officer_role=selectors.roles_label(_codes(row.get("officer_roles") or [])),
        service=_localized(row.get("service")),
        reference=_text(row.get("reference")),
        purpose=str(selectors.PURPOSES.get(purpose, purpose)),
        legal_basis="; ".join([selectors.basis_label(_text(row.get("legal_basis"))), *laws]),
        recorded_by=(recorded_by,),
    )
