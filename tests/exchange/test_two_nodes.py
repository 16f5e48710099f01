"""Two nodes as two real processes: two data dirs (SQLite databases), two keys, two ports.

"ddg" (the central department) serves the population registry under gunicorn; "tbnk"
(the municipality) runs gunicorn too and asks through ``goodgov exchange call``. The
test then reads each node's own database to see what each recorded.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from goodgov.exchange import synthetic
from goodgov.ledger import note
from tests.exchange.nodes import BIN, Node, free_port, wait_until_up


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: Any) -> Iterator[tuple[Node, Node, Path]]:
    root = tmp_path_factory.mktemp("two-nodes")
    ddg = Node("ddg", "DDG", free_port(), root / "ddg", note.Signer.generate("ddg"), ["population"])
    tbnk = Node(
        "tbnk", "TBNK", free_port(), root / "tbnk", note.Signer.generate("tbnk"), ["welfare"]
    )
    directory = root / "directory.yaml"
    directory.write_text(
        yaml.safe_dump(
            {
                "nodes": [
                    {
                        "name": n.name,
                        "agency": n.agency,
                        "base_url": n.url,
                        "public_key": n.key.verifier.key,
                        "services": (
                            [{"name": "population", "methods": ["person", "household"]}]
                            if n is ddg
                            else [{"name": "welfare", "methods": ["status"]}]
                        ),
                    }
                    for n in (ddg, tbnk)
                ]
            }
        )
    )
    migrations = []
    for node in (ddg, tbnk):
        node.data_dir.mkdir()
        migrations.append(
            subprocess.Popen([str(BIN / "goodgov"), "migrate", "-v0"], env=node.env(directory))
        )
    assert [m.wait(timeout=120) for m in migrations] == [0, 0]
    people = ddg.goodgov(
        directory, "exchange", "people", "--count", "50", "--registries", "population"
    )
    assert people.returncode == 0, people.stderr
    granted = ddg.goodgov(
        directory,
        "exchange",
        "grant",
        "--client=tbnk",
        "--service=population",
        "--method=person",
        "--fields=birth_date,age,address,dead",
        "--purposes=elderly-allowance",
        "--legal-bases=pdpa-24-4",
    )
    assert granted.returncode == 0, granted.stderr
    try:
        for node in (ddg, tbnk):
            node.server = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "goodgov.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{node.port}",
                    "--workers",
                    "2",
                    "--log-level",
                    "warning",
                ],
                env=node.env(directory),
                cwd=node.data_dir,
            )
        for node in (ddg, tbnk):
            wait_until_up(node)
        yield ddg, tbnk, directory
    finally:
        for node in (ddg, tbnk):
            if node.server is not None and node.server.poll() is None:
                node.server.terminate()
                node.server.wait(timeout=20)


def test_each_node_serves_its_own_entry_with_its_own_key(two_nodes: Any) -> None:
    # given
    ddg, tbnk, _directory = two_nodes

    # when
    entries = [httpx.get(f"{n.url}/exchange/node", timeout=5).json() for n in (ddg, tbnk)]

    # then
    assert [e["name"] for e in entries] == ["ddg", "tbnk"]
    assert entries[0]["public_key"] == ddg.key.verifier.key
    assert entries[1]["public_key"] == tbnk.key.verifier.key
    assert entries[0]["services"] == [{"name": "population", "methods": ["person", "household"]}]


def test_machine_endpoints_skip_the_page_middleware_and_keep_the_security_headers(
    two_nodes: Any,
) -> None:
    # given
    ddg, _tbnk, _directory = two_nodes

    # when
    entry = httpx.get(f"{ddg.url}/exchange/node", timeout=5)
    unsigned = httpx.post(f"{ddg.url}/exchange/population/person", content=b"{}", timeout=5)
    page = httpx.get(f"{ddg.url}/exchange/nothing-here", timeout=5)  # not a machine endpoint

    # then: no session, no language, no CSRF refusal; the security headers all there
    for response in (entry, unsigned):
        assert "set-cookie" not in response.headers
        assert "content-language" not in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )
        assert response.headers["cache-control"] == "no-store"
    assert unsigned.status_code == 401
    assert unsigned.json()["error"] == "bad_signature"
    assert "signature" in unsigned.headers  # a refusal is signed too
    assert page.status_code >= 400 and "signature" not in page.headers


def test_an_unknown_path_under_exchange_goes_through_the_whole_chain(client: Any, db: Any) -> None:
    # when
    response = client.get("/exchange/nothing-here")

    # then: the site's own 404 page, in the site's language, with the site's policy
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Language"] == "th"
    assert "default-src 'none'" not in response.get("Content-Security-Policy", "")


def test_the_municipality_asks_the_population_registry_over_http(two_nodes: Any) -> None:
    # given
    ddg, tbnk, directory = two_nodes
    person = synthetic.national_ids(1)[0]

    # when
    answer = tbnk.goodgov(
        directory,
        "exchange",
        "call",
        "--node=ddg",
        "--service=population",
        "--method=person",
        f"--id={person}",
        "--purpose=elderly-allowance",
        "--legal-basis=pdpa-24-4",
    )

    # then
    assert answer.returncode == 0, answer.stderr
    result = json.loads(answer.stdout)
    assert result["provider"] == "ddg"
    assert sorted(result["data"]) == ["address", "age", "birth_date", "dead"]
    served = ddg.query("select public from ledger_event where action = 'exchange.served'")
    requested = tbnk.query("select public from ledger_event where action = 'exchange.requested'")
    assert len(served) == 1 and len(requested) == 1
    served_public, requested_public = json.loads(served[0][0]), json.loads(requested[0][0])
    assert served_public["client"] == "tbnk" and requested_public["provider"] == "ddg"
    assert requested_public["outcome"] == "ok"
    # Each node commits to the person with its own salt: the two public logs do not link.
    assert served_public["person"] != requested_public["person"]
    assert person not in served[0][0] + requested[0][0]
    assert ddg.query("select count(*) from exchange_seennonce") == [(1,)]


def test_a_refusal_travels_back_as_a_typed_error(two_nodes: Any) -> None:
    # given
    _ddg, tbnk, directory = two_nodes
    person = synthetic.national_ids(2)[1]

    # when
    answer = tbnk.goodgov(
        directory,
        "exchange",
        "call",
        "--node=ddg",
        "--service=population",
        "--method=person",
        f"--id={person}",
        "--purpose=marketing",
        "--legal-basis=pdpa-24-4",
    )

    # then
    assert answer.returncode == 1
    assert "purpose_not_allowed" in answer.stderr
    outcomes = tbnk.query(
        "select json_extract(public, '$.outcome') from ledger_event "
        "where action = 'exchange.requested' order by id"
    )
    assert outcomes[-1] == ("purpose_not_allowed",)


def test_the_provider_refuses_its_own_service_to_a_node_without_a_right(two_nodes: Any) -> None:
    # given: ddg asks tbnk's welfare registry, where ddg holds no right
    ddg, _tbnk, directory = two_nodes

    # when
    answer = ddg.goodgov(
        directory,
        "exchange",
        "call",
        "--node=tbnk",
        "--service=welfare",
        "--method=status",
        f"--id={synthetic.national_ids(1)[0]}",
        "--purpose=elderly-allowance",
        "--legal-basis=pdpa-24-4",
    )

    # then
    assert answer.returncode == 1
    assert "no_right" in answer.stderr


def test_a_stopped_provider_is_reported_unavailable(two_nodes: Any) -> None:
    # given
    ddg, tbnk, directory = two_nodes
    assert ddg.server is not None
    ddg.server.terminate()
    ddg.server.wait(timeout=20)

    # when
    started = time.monotonic()
    answer = tbnk.goodgov(
        directory,
        "exchange",
        "call",
        "--node=ddg",
        "--service=population",
        "--method=person",
        f"--id={synthetic.national_ids(1)[0]}",
        "--purpose=elderly-allowance",
        "--legal-basis=pdpa-24-4",
    )

    # then
    assert answer.returncode == 1
    assert "provider_unavailable" in answer.stderr
    assert time.monotonic() - started < 15
