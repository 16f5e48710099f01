"""A consent given at one node, relied on by another: two processes, two databases, two keys.

"tbnk" (the municipality) keeps the person's consent; "ddg" (the population registry)
serves tbnk only on consent (its right names no legal basis) and keeps no consent itself,
so every answer rests on the consent token tbnk signs for each request.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from goodgov.exchange import client as exchange_client
from goodgov.exchange import consent_tokens, directory, errors, signing, synthetic
from goodgov.ledger import note
from tests.exchange.nodes import BIN, Node, free_port, wait_until_up

PURPOSE = "elderly-allowance"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: Any) -> Iterator[tuple[Node, Node, Path]]:
    root = tmp_path_factory.mktemp("two-nodes-consent")
    ddg = Node("ddg", "DDG", free_port(), root / "ddg", note.Signer.generate("ddg"), ["population"])
    tbnk = Node(
        "tbnk", "TBNK", free_port(), root / "tbnk", note.Signer.generate("tbnk"), ["welfare"]
    )
    path = root / "directory.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "nodes": [
                    {
                        "name": "ddg",
                        "agency": "DDG",
                        "base_url": ddg.url,
                        "public_key": ddg.key.verifier.key,
                        "services": [{"name": "population", "methods": ["person", "household"]}],
                    },
                    {
                        "name": "tbnk",
                        "agency": "TBNK",
                        "base_url": tbnk.url,
                        "public_key": tbnk.key.verifier.key,
                        "services": [{"name": "welfare", "methods": ["status"]}],
                    },
                ]
            }
        )
    )
    migrations = []
    for node in (ddg, tbnk):
        node.data_dir.mkdir()
        migrations.append(
            subprocess.Popen([str(BIN / "goodgov"), "migrate", "-v0"], env=node.env(path))
        )
    assert [m.wait(timeout=120) for m in migrations] == [0, 0]
    people = ddg.goodgov(path, "exchange", "people", "--count", "20", "--registries", "population")
    assert people.returncode == 0, people.stderr
    granted = ddg.goodgov(
        path,
        "exchange",
        "grant",
        "--client=tbnk",
        "--service=population",
        "--method=person",
        "--fields=birth_date,age,address,dead",
        f"--purposes={PURPOSE}",
    )
    assert granted.returncode == 0, granted.stderr
    try:
        ddg.server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "goodgov.wsgi:application",
                "--bind",
                f"127.0.0.1:{ddg.port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env=ddg.env(path),
            cwd=ddg.data_dir,
        )
        wait_until_up(ddg)
        yield ddg, tbnk, path
    finally:
        if ddg.server is not None and ddg.server.poll() is None:
            ddg.server.terminate()
            ddg.server.wait(timeout=20)


def give_consent(tbnk: Node, path: Path, person: str) -> str:
    given = tbnk.goodgov(
        path,
        "exchange",
        "consent",
        f"--id={person}",
        "--client=tbnk",
        "--service=population",
        f"--purpose={PURPOSE}",
        "--days=30",
    )
    assert given.returncode == 0, given.stderr
    return given.stdout.strip()


def call(tbnk: Node, path: Path, person: str, reference: str) -> subprocess.CompletedProcess[str]:
    return tbnk.goodgov(
        path,
        "exchange",
        "call",
        "--node=ddg",
        "--service=population",
        "--method=person",
        f"--id={person}",
        f"--purpose={PURPOSE}",
        f"--consent={reference}",
    )


def ask_as_tbnk(
    ddg: Node,
    tbnk: Node,
    person: str,
    reference: str,
    make_token: Callable[[str], str | None],
) -> exchange_client.Result:
    """A request by tbnk's key, built here, with the token ``make_token(nonce)`` (or none)."""
    nonce = signing.new_nonce()
    headers = signing.Headers(
        {
            "Content-Type": "application/json",
            signing.H_CLIENT: "tbnk",
            signing.H_SERVICE: "population",
            signing.H_METHOD: "person",
            signing.H_PURPOSE: PURPOSE,
            signing.H_CONSENT: reference,
        }
    )
    token = make_token(nonce)
    if token is not None:
        headers[signing.H_CONSENT_TOKEN] = token
    body = json.dumps({"national_id": person}, separators=(",", ":")).encode()
    message = signing.Request("POST", f"{ddg.url}/exchange/population/person", headers)
    signing.sign_request(message, body, signer=tbnk.key, key_id="tbnk", nonce=nonce)
    provider = directory.Node("ddg", ddg.url, ddg.key.verifier.key, "DDG", {})
    with httpx.Client(timeout=10) as http:
        return exchange_client.send(
            exchange_client.Prepared(message, body, nonce, provider), http=http
        )


def token(
    tbnk: Node, person: str, reference: str, nonce: str, *, signer: Any = None, **overrides: Any
) -> str:
    now = dt.datetime.now(dt.UTC)
    terms: dict[str, Any] = {
        "signer": signer or tbnk.key,
        "provider": "ddg",
        "reference": reference,
        "service": "population",
        "method": "person",
        "purpose": PURPOSE,
        "fields": [],
        "national_id_digits": person,
        "given_at": now - dt.timedelta(minutes=1),
        "expires_at": now + dt.timedelta(days=30),
        "nonce": nonce,
        "now": now,
    }
    terms.update(overrides)
    return consent_tokens.issue(**terms)


def served_count(ddg: Node) -> int:
    rows = ddg.query("select count(*) from ledger_event where action = 'exchange.served'")
    return int(rows[0][0])


def last_served(ddg: Node, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The public and the private part (encrypted at rest: read through the node) of the
    provider's last ``exchange.served``."""
    shown = ddg.goodgov(
        path,
        "shell",
        "-c",
        "import json; from goodgov.ledger.models import Event; "
        "e = Event.objects.filter(action='exchange.served').order_by('id').last(); "
        "print(json.dumps([e.public, e.private]))",
    )
    assert shown.returncode == 0, shown.stderr
    public, private = json.loads(shown.stdout.strip().splitlines()[-1])
    return public, private


def test_a_consent_given_at_the_client_node_lets_it_read_from_the_provider(nodes: Any) -> None:
    # given
    ddg, tbnk, path = nodes
    person = synthetic.national_ids(1)[0]
    reference = give_consent(tbnk, path, person)

    # when
    answer = call(tbnk, path, person, reference)

    # then
    assert answer.returncode == 0, answer.stderr
    assert sorted(json.loads(answer.stdout)["data"]) == ["address", "age", "birth_date", "dead"]
    assert ddg.query("select count(*) from exchange_consent") == [(0,)]  # kept at tbnk only
    public, private = last_served(ddg, path)
    assert public["legal_basis"] == "consent" and public["client"] == "tbnk"
    assert private["consent"] == reference
    assert private["consent_token"]["issuer"] == "tbnk"
    assert person not in json.dumps(private)
    assert ddg.query(
        "select consent_reference from exchange_exchange where direction = 'served' "
        "order by id desc limit 1"
    ) == [(reference,)]


def test_a_consent_withdrawn_at_the_client_node_is_no_longer_served(nodes: Any) -> None:
    # given: the consent worked, then the person withdraws it at tbnk
    ddg, tbnk, path = nodes
    person = synthetic.national_ids(2)[1]
    reference = give_consent(tbnk, path, person)
    assert call(tbnk, path, person, reference).returncode == 0
    withdrawn = tbnk.goodgov(
        path,
        "shell",
        "-c",
        "from goodgov.exchange import services; from goodgov.exchange.models import Consent; "
        f"services.consent_withdraw(actor=None, consent=Consent.objects.get(reference='{reference}'))",
    )
    assert withdrawn.returncode == 0, withdrawn.stderr
    served_before = served_count(ddg)
    nonces_before = ddg.query("select count(*) from exchange_seennonce")

    # when: tbnk's own client refuses to ask (no token can be made) ...
    answer = call(tbnk, path, person, reference)
    # ... and ddg refuses a request on that consent without a token
    with pytest.raises(errors.ConsentMissing):
        ask_as_tbnk(ddg, tbnk, person, reference, lambda nonce: None)

    # then
    assert answer.returncode == 1
    assert "consent_withdrawn" in answer.stderr
    assert ddg.query("select count(*) from exchange_seennonce") == [(nonces_before[0][0] + 1,)]
    assert served_count(ddg) == served_before
    outcomes = tbnk.query(
        "select json_extract(public, '$.outcome') from ledger_event "
        "where action = 'exchange.requested' order by id"
    )
    assert outcomes[-2:] == [("ok",), ("consent_withdrawn",)]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        # a token signed by a key that is not tbnk's (the request itself is tbnk's)
        (
            lambda tbnk, p, r, n: token(tbnk, p, r, n, signer=note.Signer.generate("tbnk")),
            errors.BadConsentToken,
        ),
        # a valid token with its payload changed after signing
        (
            lambda tbnk, p, r, n: token(tbnk, p, r, n).replace(".", ".x", 1),
            errors.BadConsentToken,
        ),
        # a token from an earlier request (another nonce)
        (lambda tbnk, p, r, n: token(tbnk, p, r, "an-earlier-nonce-0"), errors.BadConsentToken),
        # a token issued ten minutes ago
        (
            lambda tbnk, p, r, n: token(
                tbnk, p, r, n, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
            ),
            errors.ConsentTokenExpired,
        ),
        # a token for a consent that has expired
        (
            lambda tbnk, p, r, n: token(
                tbnk, p, r, n, expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
            ),
            errors.ConsentExpired,
        ),
    ],
)
def test_a_forged_altered_or_expired_token_is_refused_over_http(
    nodes: Any, make: Any, expected: type[errors.ExchangeError]
) -> None:
    # given
    ddg, tbnk, _path = nodes
    person = synthetic.national_ids(3)[2]
    reference = "0b9e7a52-5f0e-4c53-9d59-3f1b2f8c6d11"
    served_before = served_count(ddg)

    # when / then
    with pytest.raises(expected) as caught:
        ask_as_tbnk(
            ddg, tbnk, person, reference, lambda nonce: make(tbnk, person, reference, nonce)
        )
    assert type(caught.value) is expected
    assert served_count(ddg) == served_before


def test_a_token_made_here_by_tbnks_key_is_served(nodes: Any) -> None:
    # given: the same path as the refusals above, with a good token (the control)
    ddg, tbnk, _path = nodes
    person = synthetic.national_ids(3)[2]
    reference = "0b9e7a52-5f0e-4c53-9d59-3f1b2f8c6d11"

    # when
    result = ask_as_tbnk(
        ddg, tbnk, person, reference, lambda nonce: token(tbnk, person, reference, nonce)
    )

    # then
    assert sorted(result.data) == ["address", "age", "birth_date", "dead"]
