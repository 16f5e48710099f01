"""The data tracker across two real nodes: two processes, two databases, two keys, ports.

"tbnk" (the municipality, node A) fetched a fact about a person from "ddg" (the central
department, node B) when the nodes started; "dopa" (a third node, played by this test process) also asked ddg
about that person, and about someone else. The person signs in at tbnk: ``/me/data/``
asks ddg for its record of the uses of their data and lists them; once ddg is down, the
page still renders and says that ddg's record could not be fetched now.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from goodgov.exchange import client as exchange_client
from goodgov.exchange import synthetic
from goodgov.ledger import note
from tests.exchange.nodes import BIN, Node, free_port, wait_until_up

DOPA = note.Signer.generate("dopa")  # this test process, as a third node


SIGN_IN = """
from django.conf import settings
from django.test import Client
from goodgov.accounts.models import User
user = User.objects.create_user(
    email="somchai@example.test", password="correct horse battery", full_name="Somchai"
)
user.set_national_id("{national_id}")
user.save()
client = Client()
client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


@dataclass
class World:
    ddg: Node
    tbnk: Node
    directory: Path
    person: str
    other_person: str
    session: str

    def tracker_page(self) -> httpx.Response:
        return httpx.get(
            f"{self.tbnk.url}/en/me/data/", cookies={"sessionid": self.session}, timeout=30
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: Any) -> Iterator[World]:
    root = tmp_path_factory.mktemp("tracker-two-nodes")
    ddg = Node(
        "ddg",
        "DDG",
        free_port(),
        root / "ddg",
        note.Signer.generate("ddg"),
        ["population"],
        pages=True,
    )
    tbnk = Node(
        "tbnk", "TBNK", free_port(), root / "tbnk", note.Signer.generate("tbnk"), [], pages=True
    )
    directory = root / "directory.yaml"
    entries = [
        {
            "name": n.name,
            "agency": n.agency,
            "base_url": n.url,
            "public_key": n.key.verifier.key,
            "services": [{"name": s, "methods": ["person"]} for s in n.services],
        }
        for n in (ddg, tbnk)
    ]
    entries.append(
        {
            "name": "dopa",
            "agency": "DOPA",
            "base_url": f"http://127.0.0.1:{free_port()}",
            "public_key": DOPA.verifier.key,
        }
    )
    directory.write_text(yaml.safe_dump({"nodes": entries}))
    migrations = []
    for node in (ddg, tbnk):
        node.data_dir.mkdir()
        migrations.append(
            subprocess.Popen([str(BIN / "goodgov"), "migrate", "-v0"], env=node.env(directory))
        )
    assert [m.wait(timeout=120) for m in migrations] == [0, 0]
    ddg.goodgov_ok(directory, "exchange", "people", "--count", "20", "--registries", "population")
    for client, purposes in (("tbnk", "elderly-allowance"), ("dopa", "tax-audit,land-survey")):
        ddg.goodgov_ok(
            directory,
            "exchange",
            "grant",
            f"--client={client}",
            "--service=population",
            "--method=person",
            "--fields=birth_date,age",
            f"--purposes={purposes}",
            "--legal-bases=pdpa-24-4",
        )
    granted = ddg.goodgov_ok(directory, "exchange", "tracker-rights")
    assert granted.stdout.splitlines() == [
        "granted dopa -> tracker.uses",
        "granted tbnk -> tracker.uses",
    ]
    person, other_person = synthetic.national_ids(2)
    session = (
        tbnk.goodgov_ok(directory, "shell", "-c", SIGN_IN.format(national_id=person))
        .stdout.strip()
        .splitlines()[-1]
    )
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
        # tbnk fetches a fact about the person from ddg: each now has a record of it
        tbnk.goodgov_ok(
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
        yield World(ddg, tbnk, directory, person, other_person, session)
    finally:
        for node in (ddg, tbnk):
            if node.server is not None and node.server.poll() is None:
                node.server.terminate()
                node.server.wait(timeout=20)


def _row(page: str, text: str) -> str:
    """The table row of ``page`` that holds ``text``."""
    [row] = [
        r for r in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", page, re.S) if text in r
    ]
    return row


def test_the_person_sees_the_uses_recorded_at_the_node_their_data_came_from(
    world: World, settings: Any, db: Any
) -> None:
    # given: tbnk fetched a fact from ddg (the world); dopa (this process) asked ddg about
    # the person and about someone else
    settings.GOODGOV_EXCHANGE_NODE = "dopa"
    settings.GOODGOV_EXCHANGE_KEY = DOPA.key
    settings.GOODGOV_EXCHANGE_DIRECTORY = str(world.directory)
    for person, purpose in ((world.person, "tax-audit"), (world.other_person, "land-survey")):
        exchange_client.call(
            node="ddg",
            service="population",
            method="person",
            national_id_value=person,
            purpose=purpose,
            legal_basis="pdpa-24-4",
        )

    # when
    response = world.tracker_page()

    # then: ddg's record is listed beside tbnk's, each labelled with who recorded it
    assert response.status_code == 200
    page = response.text
    assert "DDG: its record is included below." in page
    assert "could not be fetched now" not in page
    assert "Sent by DDG to DOPA" in _row(page, "tax-audit")
    assert ">DDG</td>" in _row(page, "tax-audit")
    # the exchange both nodes recorded is listed once, recorded by both
    assert page.count("elderly-allowance") == 1
    assert "TBNK, DDG" in _row(page, "elderly-allowance")
    assert "land-survey" not in page  # someone else's
    # the request for the record is a use on both sides
    [(served_purpose, basis, fields)] = world.ddg.query(
        "select purpose, legal_basis, fields from exchange_exchange "
        "where service = 'tracker' and direction = 'served' and peer = 'tbnk'"
    )
    assert (served_purpose, basis, fields) == (
        "data-subject-access",
        "pdpa-24-6",
        '["exchanges", "views"]',
    )
    [(outcome, actor)] = world.tbnk.query(
        "select outcome, actor_id from exchange_exchange "
        "where service = 'tracker' and direction = 'requested' and peer = 'ddg'"
    )
    assert outcome == "ok" and actor is not None
    assert world.ddg.query(
        "select count(*) from ledger_event where action = 'exchange.served' "
        "and json_extract(public, '$.service') = 'tracker'"
    ) == [(1,)]


# Every test here asks for ``db`` (which only the first needs): pytest-django runs the
# tests that use the database before the others, and this keeps the three together, in
# this order, on one pair of nodes.


def test_the_requests_for_records_are_counted_not_listed(world: World, db: Any) -> None:
    # when: two visits
    world.tracker_page()
    page = world.tracker_page().text

    # then: every request for ddg's record so far, this one included, each counted once
    # although both nodes recorded it
    [(asked,)] = world.tbnk.query(
        "select count(*) from exchange_exchange where service = 'tracker' and outcome = 'ok'"
    )
    assert asked >= 2
    assert f"agencies asked each other {asked} times for their records" in page
    assert "data-subject-access" not in page


def test_a_node_that_is_down_is_named_and_the_page_still_renders(world: World, db: Any) -> None:
    # given
    assert world.ddg.server is not None
    world.ddg.server.terminate()
    world.ddg.server.wait(timeout=20)

    # when
    started = time.monotonic()
    response = world.tracker_page()
    took = time.monotonic() - started

    # then
    assert response.status_code == 200
    assert took < 10
    page = response.text
    assert (
        "The record of uses of your data kept by DDG could not be fetched now, so its uses "
        "are not listed below." in page
    )
    assert "DDG: its record is included below." not in page
    assert "elderly-allowance" in page  # tbnk's own record
    assert "tax-audit" not in page  # only ddg knew of it
    [(outcome,)] = world.tbnk.query(
        "select outcome from exchange_exchange where service = 'tracker' order by id desc limit 1"
    )
    assert outcome == "provider_unavailable"
