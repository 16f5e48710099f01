"""``tracker.uses``: a node's record of the uses of one person's data, for that person's
data tracker at another node; and how ``/me/data/`` merges what other nodes answer.

This process is node "ddg" (``provider_node``); the client "tbnk" signs with its own key
and reaches ddg in-process (``wsgi``), as in ``test_protocol.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import timezone, translation

from goodgov.core import national_id
from goodgov.exchange import client as exchange_client
from goodgov.exchange import directory, errors, remote_uses, selectors, services
from goodgov.exchange.models import AccessRight, Exchange
from goodgov.ledger.models import Event
from tests.cases.conftest import submitted_case
from tests.conftest import ID_A, ID_B
from tests.exchange.conftest import CLIENT, PROVIDER, clear_directory_cache


def _served(person: str, *, client: str, purpose: str, nonce: str) -> Exchange:
    return services.exchange_record_served(
        client=client,
        service="population",
        method="person",
        purpose=purpose,
        legal_basis="pdpa-24-4",
        consent=None,
        person_hash=national_id.lookup_hash(person),
        fields=["age", "birth_date"],
        nonce=nonce,
    )


def _grant(client: str = "tbnk", **terms: Any) -> AccessRight:
    arguments: dict[str, Any] = {
        "actor": None,
        "client": client,
        "service": "tracker",
        "method": "uses",
        "fields": list(remote_uses.FIELDS),
        "purposes": [remote_uses.PURPOSE],
        "legal_bases": [remote_uses.LEGAL_BASIS],
    }
    arguments.update(terms)
    return services.right_grant(**arguments)


def _ask(wsgi: Any, person: str, **overrides: Any) -> exchange_client.Result:
    arguments: dict[str, Any] = {
        "node": "ddg",
        "service": "tracker",
        "method": "uses",
        "national_id_value": person,
        "purpose": remote_uses.PURPOSE,
        "legal_basis": remote_uses.LEGAL_BASIS,
        "identity": CLIENT,
        "transport": wsgi,
        "retries": 0,
    }
    arguments.update(overrides)
    return exchange_client.call(**arguments)


def test_the_record_holds_only_that_persons_uses_and_officers_by_role_only(
    provider_node: Any,
    wsgi: Any,
    citizen_a: Any,
    citizen_b: Any,
    clerk: Any,
    service_version: Any,
) -> None:
    # given: uses of A's and of B's data; the clerk opened A's case and B's case
    _grant()
    _served(ID_A, client="tbnk", purpose="elderly-allowance", nonce="nonce-a")
    _served(ID_B, client="tbnk", purpose="tax-audit", nonce="nonce-b")
    case_a = submitted_case(citizen_a, service_version)
    case_b = submitted_case(citizen_b, service_version)
    services.person_view_record(actor=clerk, case=case_a)
    services.person_view_record(actor=clerk, case=case_b)

    # when
    result = _ask(wsgi, ID_A)

    # then
    assert sorted(result.data) == ["exchanges", "views"]
    [use] = result.data["exchanges"]
    assert use == {
        "at": use["at"],
        "direction": "served",
        "node": "tbnk",
        "agency": "TBNK",
        "service": "population",
        "method": "person",
        "purpose": "elderly-allowance",
        "legal_basis": "pdpa-24-4",
        "fields": ["age", "birth_date"],
        "outcome": "ok",
        "officer_role": "",
        "match": selectors.match_key("nonce-a"),
    }
    assert dt.datetime.fromisoformat(use["at"]).tzinfo is not None
    [view] = result.data["views"]
    assert view == {
        "at": view["at"],
        "agency": {
            "code": "TBNK",
            "th": "เทศบาลตำบลบ้านนา",
            "en": "Ban Na Subdistrict Municipality",
        },
        "officer_roles": ["officer"],
        "service": service_version.definition["name"],
        "reference": case_a.reference,
        "purpose": "case-processing",
        "legal_basis": "pdpa-24-4",
        "laws": [
            {"act": law["act"], "section": law["section"]}
            for law in service_version.definition["legal_basis"]
        ],
    }
    answer = json.dumps(result.data, ensure_ascii=False)
    for secret in (ID_A, ID_B, "tax-audit", str(case_b.reference), clerk.email, clerk.full_name):
        assert secret not in answer
    assert "nonce-a" not in answer


def test_the_request_for_uses_is_itself_a_use_recorded_on_both_sides(
    provider_node: Any, wsgi: Any, citizen_a: Any
) -> None:
    # given
    _grant()

    # when
    result = _ask(wsgi, ID_A)

    # then: the answer does not hold the request itself; both records do
    assert result.data == {"exchanges": [], "views": []}
    served = Event.objects.get(action="exchange.served")
    requested = Event.objects.get(action="exchange.requested")
    assert {k: served.public[k] for k in ("client", "service", "method", "purpose")} == {
        "client": "tbnk",
        "service": "tracker",
        "method": "uses",
        "purpose": "data-subject-access",
    }
    assert served.public["legal_basis"] == requested.public["legal_basis"] == "pdpa-24-6"
    assert served.public["fields"] == ["exchanges", "views"]
    assert requested.public["outcome"] == "ok"
    assert Exchange.objects.filter(service="tracker", direction="served").count() == 1


@pytest.mark.parametrize(
    ("terms", "refusal"),
    [
        (None, errors.NoRight),
        ({"purposes": ["elderly-allowance"]}, errors.PurposeNotAllowed),
        ({"legal_bases": ["pdpa-24-4"]}, errors.LegalBasisNotAllowed),
        ("revoked", errors.RightRevoked),
    ],
)
def test_the_record_needs_a_right_for_the_purpose_and_basis(
    provider_node: Any, wsgi: Any, citizen_a: Any, terms: Any, refusal: type
) -> None:
    # given
    _served(ID_A, client="tbnk", purpose="elderly-allowance", nonce="nonce-a")
    if terms == "revoked":
        services.right_revoke(actor=None, right=_grant())
    elif terms is not None:
        _grant(**terms)

    # when / then
    with pytest.raises(refusal):
        _ask(wsgi, ID_A)
    assert not Exchange.objects.filter(service="tracker", direction="served").exists()
    assert not Event.objects.filter(action="exchange.served", public__service="tracker").exists()


def test_every_node_serves_the_record_without_listing_it(provider_node: Any) -> None:
    # given: this node publishes one registry only
    provider_node.GOODGOV_EXCHANGE_SERVICES = ["population"]

    # when
    published = directory.published_services()
    entry = directory.own_entry()
    nodes = directory.nodes()

    # then
    assert published == {"population": ("person", "household"), "tracker": ("uses",)}
    assert [s["name"] for s in entry["services"]] == ["population"]
    assert nodes["tbnk"].offers("tracker", "uses")  # listed with no service at all
    assert nodes["ddg"].offers("tracker", "uses") and nodes["ddg"].offers("welfare", "status")


def test_an_answer_is_read_row_by_row_leaving_out_what_is_not_well_formed(
    provider_node: Any,
) -> None:
    # given
    good = {
        "at": "2026-11-20T10:00:00+07:00",
        "direction": "served",
        "node": "elsewhere",
        "agency": "ELSE",
        "service": "population",
        "method": "person",
        "purpose": "tax-audit",
        "legal_basis": "pdpa-24-4",
        "fields": ["age"],
        "outcome": "ok",
        "officer_role": "officer",
        "match": "abc",
    }
    data = {
        "exchanges": [
            good,
            {**good, "at": "2026-11-20T10:00:00"},  # no time zone
            {**good, "direction": "sideways"},
            {**good, "fields": "age"},
            "not a row",
            {**good, "purpose": "x" * 1000},
        ],
        "views": [{"at": "yesterday"}, {"agency": []}],
    }

    # when
    with translation.override("en"):
        uses, views = remote_uses.read_answer(data, node="tbnk", agency="Ban Na")

    # then
    assert [u.purpose for u in uses] == ["tax-audit", "x" * remote_uses.TEXT]
    first = uses[0]
    assert first.agency == "ELSE"  # a node this node does not know: the code it was sent
    assert first.recorded_by == ("Ban Na",)
    assert first.officer_role == "Case officer"
    assert first.service == "Population registry: personal details"
    assert first.legal_basis.startswith("PDPA section 24(4)")
    assert views == []


def _use(**given: Any) -> selectors.Use:
    values: dict[str, Any] = {
        "when": timezone.now(),
        "direction": "requested",
        "agency": "DEPT",
        "officer_role": "",
        "service": "s",
        "purpose": "elderly-allowance",
        "legal_basis": "b",
        "fields": [],
        "outcome": "ok",
        "node": "tbnk",
        "service_code": "population",
        "recorded_by": ("Here",),
        "match": "",
    }
    values.update(given)
    return selectors.Use(**values)


def test_an_exchange_both_nodes_recorded_is_listed_once_and_requests_for_records_are_counted(
    provider_node: Any,
) -> None:
    # given: here (ddg) asked tbnk; tbnk recorded that and one exchange with another node
    now = timezone.now()
    local = [
        _use(when=now - dt.timedelta(hours=2), match="m1"),
        _use(when=now, service_code="tracker", match="m2"),
    ]
    answer = remote_uses.Answer(
        node="tbnk",
        agency="Ban Na",
        fetched=True,
        uses=[
            _use(
                when=now - dt.timedelta(hours=2),
                direction="served",
                node="ddg",
                match="m1",
                recorded_by=("Ban Na",),
            ),
            _use(
                when=now - dt.timedelta(hours=1),
                direction="served",
                node="other",
                purpose="tax-audit",
                match="m3",
                recorded_by=("Ban Na",),
            ),
            _use(when=now, direction="served", node="ddg", service_code="tracker", match="m2"),
        ],
    )

    # when
    tracker = selectors.tracker(uses=local, views=[], answers=[answer])

    # then
    assert [(u.purpose, u.recorded_by) for u in tracker.uses] == [
        ("tax-audit", ("Ban Na",)),
        ("elderly-allowance", ("Here", "Ban Na")),
    ]
    assert tracker.access_requests == 1
    assert tracker.last_access_request == now


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _peer_at(settings: Any, tmp_path: Path, port: int) -> None:
    path = tmp_path / "directory-peer.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "nodes": [
                    {
                        "name": "ddg",
                        "agency": "DEPT",
                        "base_url": "http://testserver",
                        "public_key": PROVIDER.verifier.key,
                    },
                    {
                        "name": "tbnk",
                        "agency": "TBNK",
                        "base_url": f"http://127.0.0.1:{port}",
                        "public_key": CLIENT.verifier.key,
                    },
                ]
            }
        )
    )
    settings.GOODGOV_EXCHANGE_DIRECTORY = str(path)
    clear_directory_cache()


@pytest.fixture
def unreachable_peer(provider_node: Any, tmp_path: Path) -> Any:
    """The directory puts tbnk at a port where nothing listens."""
    _peer_at(provider_node, tmp_path, _closed_port())
    return provider_node


@pytest.fixture
def silent_peer(provider_node: Any, tmp_path: Path) -> Iterator[Any]:
    """The directory puts tbnk at a port that takes connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        _peer_at(provider_node, tmp_path, int(listener.getsockname()[1]))
        yield provider_node


def test_a_node_that_cannot_be_reached_is_named_on_the_page_which_still_renders(
    unreachable_peer: Any, citizen_a: Any, agency: Any, other_agency: Any, as_user: Any
) -> None:
    # given: ddg served A's data to tbnk, which is down now
    _served(ID_A, client="tbnk", purpose="elderly-allowance", nonce="nonce-a")

    # when
    response = as_user(citizen_a).get("/en/me/data/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Records of other agencies" in page
    assert (
        "The record of uses of your data kept by Ban Na Subdistrict Municipality could not "
        "be fetched now, so its uses are not listed below." in page
    )
    assert "elderly-allowance" in page  # this node's own record is still there
    requested = Event.objects.get(action="exchange.requested")
    assert requested.public["service"] == "tracker"
    assert requested.public["outcome"] == "provider_unavailable"
    assert requested.actor == citizen_a


def test_the_page_in_thai_names_the_node_that_cannot_be_reached(
    unreachable_peer: Any, citizen_a: Any, agency: Any, as_user: Any
) -> None:
    # given
    _served(ID_A, client="tbnk", purpose="elderly-allowance", nonce="nonce-a")

    # when
    response = as_user(citizen_a).get("/me/data/")

    # then
    assert response.status_code == 200
    assert "เทศบาลตำบลบ้านนา" in response.content.decode()
    assert response.content.decode().count('data-testid="node-unreachable"') == 1


def test_the_page_lists_another_nodes_uses_and_views_labelled_with_that_node(
    provider_node: Any, citizen_a: Any, agency: Any, as_user: Any, monkeypatch: Any
) -> None:
    # given: tbnk answers with one exchange and one view of its own
    _served(ID_A, client="tbnk", purpose="elderly-allowance", nonce="nonce-a")
    data = {
        "exchanges": [
            {
                "at": "2026-11-20T10:00:00+07:00",
                "direction": "requested",
                "node": "ddg",
                "service": "welfare",
                "method": "status",
                "purpose": "child-support",
                "legal_basis": "pdpa-24-6",
                "fields": ["programmes"],
                "outcome": "ok",
                "officer_role": "approver",
                "match": "nothing-here-matches",
            }
        ],
        "views": [
            {
                "at": "2026-11-21T09:30:00+07:00",
                "agency": {"code": "TBNK", "th": "เทศบาลตำบลบ้านนา", "en": "Ban Na (remote)"},
                "officer_roles": ["approver", "officer"],
                "service": {"th": "ขอใบอนุญาต", "en": "Shop licence"},
                "reference": "TBNK-2569-000042",
                "purpose": "case-processing",
                "legal_basis": "pdpa-24-4",
                "laws": [{"act": {"en": "Public Health Act"}, "section": {"en": "Section 38"}}],
            }
        ],
    }
    asked = []

    def answer(**kwargs: Any) -> exchange_client.Result:
        asked.append(kwargs)
        return exchange_client.Result("tbnk", "tracker", "uses", data, "", "n")

    monkeypatch.setattr(remote_uses.client, "call", answer)

    # when
    page = as_user(citizen_a).get("/en/me/data/").content.decode()

    # then
    assert [(a["node"], a["purpose"], a["legal_basis"], a["retries"]) for a in asked] == [
        ("tbnk", "data-subject-access", "pdpa-24-6", 0)
    ]
    assert asked[0]["national_id_value"] == ID_A and asked[0]["actor"] == citizen_a
    assert "Ban Na Subdistrict Municipality: its record is included below." in page
    assert "Asked by Ban Na Subdistrict Municipality of DEPT" in page
    assert "child-support" in page and "by an officer (Approving officer)" in page
    assert "Shop licence" in page and "TBNK-2569-000042" in page
    assert "Public Health Act, Section 38" in page
    assert "Recorded by" in page
    assert "could not be fetched now" not in page


def test_a_person_with_no_exchanges_asks_no_node(
    provider_node: Any, citizen_a: Any, as_user: Any, monkeypatch: Any
) -> None:
    # given
    monkeypatch.setattr(remote_uses.client, "call", pytest.fail)

    # when
    page = as_user(citizen_a).get("/en/me/data/").content.decode()

    # then
    assert "Records of other agencies" not in page and "Recorded by" not in page


def test_the_budget_bounds_the_time_spent_on_slow_nodes(
    provider_node: Any, citizen_a: Any, monkeypatch: Any
) -> None:
    # given: three peers; each call uses up the time it is given
    provider_node.GOODGOV_EXCHANGE_TRACKER_TIMEOUT = 1.0
    provider_node.GOODGOV_EXCHANGE_TRACKER_BUDGET = 1.5
    for node in ("n1", "n2", "n3"):
        _served(ID_A, client=node, purpose="p", nonce=f"nonce-{node}")
    clock = [0.0]
    monkeypatch.setattr(remote_uses.time, "monotonic", lambda: clock[0])
    timeouts = []

    def slow(**kwargs: Any) -> Any:
        timeouts.append(kwargs["timeout"])
        clock[0] += kwargs["timeout"]
        raise errors.ProviderTimeout

    monkeypatch.setattr(remote_uses.client, "call", slow)

    # when
    answers = remote_uses.ask_peers(person=citizen_a)

    # then
    assert timeouts == [1.0, 0.5]
    assert [(a.node, a.fetched, a.reason) for a in answers] == [
        ("n1", False, "timeout"),
        ("n2", False, "timeout"),
        ("n3", False, "timeout"),
    ]


def test_a_node_that_never_answers_costs_the_page_its_timeout_only(
    silent_peer: Any, citizen_a: Any, agency: Any, as_user: Any
) -> None:
    # given
    silent_peer.GOODGOV_EXCHANGE_TRACKER_TIMEOUT = 0.5
    _served(ID_A, client="tbnk", purpose="elderly-allowance", nonce="nonce-a")

    # when
    started = time.monotonic()
    response = as_user(citizen_a).get("/en/me/data/")
    took = time.monotonic() - started

    # then
    assert response.status_code == 200
    assert took < 3
    assert "kept by Ban Na Subdistrict Municipality could not be fetched now" in (
        response.content.decode()
    )
    requested = Event.objects.get(action="exchange.requested")
    assert requested.public["outcome"] == "timeout"
