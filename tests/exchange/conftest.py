"""Two nodes in one test: the provider is this Django process ("ddg", the central
department with the population registry); the client ("tbnk", the municipality) signs
with its own key, listed in the same directory.

Requests reach the provider in-process through ``httpx.WSGITransport`` (the test's own
database transaction), or over real sockets with pytest-django's ``live_server``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from goodgov.exchange import client as exchange_client
from goodgov.exchange import directory, services, synthetic
from goodgov.exchange.models import AccessRight
from goodgov.ledger import note

PROVIDER = note.Signer.generate("ddg")
CLIENT = note.Signer.generate("tbnk")
STRANGER = note.Signer.generate("stranger")
IMPOSTOR = note.Signer.generate("tbnk")  # the client's name, another key

PERSON_FIELDS = ["given_name_th", "family_name_th", "birth_date", "age", "address"]


def ask(transport: Any, person: str, **overrides: Any) -> exchange_client.Result:
    """Node tbnk asks ddg for a person's record (elderly allowance, PDPA 24(4)), through
    ``transport``; ``overrides`` change any argument of the call."""
    arguments: dict[str, Any] = {
        "node": "ddg",
        "service": "population",
        "method": "person",
        "national_id_value": person,
        "purpose": "elderly-allowance",
        "legal_basis": "pdpa-24-4",
        "identity": CLIENT,
        "transport": transport,
    }
    arguments.update(overrides)
    return exchange_client.call(**arguments)


def write_directory(path: Path, provider_url: str, *, provider_key: str | None = None) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "nodes": [
                    {
                        "name": "ddg",
                        "agency": "DEPT",
                        "base_url": provider_url,
                        "public_key": provider_key or PROVIDER.verifier.key,
                        "services": [
                            {"name": "population", "methods": ["person", "household"]},
                            {"name": "welfare", "methods": ["status"]},
                        ],
                    },
                    {
                        "name": "tbnk",
                        "agency": "TBNK",
                        "base_url": "http://tbnk.invalid",
                        "public_key": CLIENT.verifier.key,
                    },
                ]
            }
        )
    )
    return path


@pytest.fixture
def provider_node(settings: Any, tmp_path: Path) -> Any:
    """This process is node "ddg"; its directory lists ddg at http://testserver and tbnk."""
    settings.GOODGOV_EXCHANGE_NODE = "ddg"
    settings.GOODGOV_EXCHANGE_KEY = PROVIDER.key
    settings.GOODGOV_EXCHANGE_AGENCY = "DEPT"
    settings.GOODGOV_EXCHANGE_SERVICES = ["population", "welfare"]
    settings.GOODGOV_EXCHANGE_DIRECTORY = str(
        write_directory(tmp_path / "directory.yaml", "http://testserver")
    )
    settings.GOODGOV_EXCHANGE_RETRIES = 2
    settings.GOODGOV_EXCHANGE_BACKOFF = 0.01
    return settings


@pytest.fixture
def wsgi() -> Iterator[httpx.WSGITransport]:
    """Requests into this process's Django app, inside the test's transaction.

    As Django's test client does, keep the request signals from closing the test's
    database connection.
    """
    from goodgov.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield httpx.WSGITransport(app=application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def people(db: Any) -> list[str]:
    synthetic.generate(count=30)
    return synthetic.national_ids(30)


@pytest.fixture
def living_adult(people: list[str]) -> str:
    from goodgov.core import national_id
    from goodgov.exchange.models import RegistryPerson

    hashes = {national_id.lookup_hash(i): i for i in people}
    person = RegistryPerson.objects.filter(dead=False, household_role="head").first()
    assert person is not None
    return hashes[person.national_id_hash]


@pytest.fixture
def right(db: Any, provider_node: Any) -> AccessRight:
    return services.right_grant(
        actor=None,
        client="tbnk",
        service="population",
        method="person",
        fields=PERSON_FIELDS,
        purposes=["elderly-allowance"],
        legal_bases=["pdpa-24-4"],
    )


def clear_directory_cache() -> None:
    directory._loaded.clear()


def publish_pdpa_service(code: str, agency_code: str = "TBNK") -> Any:
    """Publish ``services/<code>.yaml`` as it is, owned by ``agency_code`` (tests have no DDG)."""
    from goodgov.catalogue.services import service_publish

    root = Path(__file__).resolve().parents[2]
    definition = yaml.safe_load((root / "services" / f"{code}.yaml").read_text())
    definition["agency"] = agency_code
    return service_publish(actor=None, definition=definition, source=f"services/{code}.yaml")


@pytest.fixture
def erasure_service(agency: Any) -> Any:
    return publish_pdpa_service("pdpa-erasure")


@pytest.fixture
def correction_service(agency: Any) -> Any:
    return publish_pdpa_service("pdpa-correction")


def dpo_urlpatterns() -> list[Any]:
    """The site's URLs with the data protection officer's pages at ``/dpo/`` (until
    ``goodgov/urls.py`` mounts ``goodgov.exchange.dpo_urls`` itself). A test module assigns
    this to ``urlpatterns`` and marks itself ``pytest.mark.urls(__name__)``."""
    from django.conf.urls.i18n import i18n_patterns
    from django.urls import NoReverseMatch, include, path, reverse

    import goodgov.urls

    try:
        reverse("dpo:ropa", kwargs={"code": "TBNK"})
    except NoReverseMatch:
        return [
            *goodgov.urls.urlpatterns,
            *i18n_patterns(
                path("dpo/", include("goodgov.exchange.dpo_urls")), prefix_default_language=False
            ),
        ]
    return list(goodgov.urls.urlpatterns)


@pytest.fixture
def scripted() -> Iterator[Any]:
    """``scripted(reply)`` starts a loopback HTTP server answering each request with
    ``reply`` (tests/exchange/scripted.py); the client's kept connections are dropped before
    and after."""
    from tests.exchange.scripted import Scripted, forget_connections

    servers: list[Scripted] = []

    def start(reply: Any) -> Scripted:
        servers.append(Scripted(reply))
        return servers[-1]

    forget_connections()
    yield start
    forget_connections()
    for server in servers:
        server.close()
