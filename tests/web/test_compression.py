"""Pages come compressed to a browser that asks (a slow line carries a third of the
bytes); the data exchange's signed answers come exactly as signed."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(service_version) -> None:
    # when
    plain = Client().get("/en/")
    packed = Client().get("/en/", headers={"accept-encoding": "gzip, br"})

    # then
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert gzip.decompress(packed.content).decode().count("<h1") == 1
    assert plain.get("Content-Encoding") is None


def test_the_exchanges_machine_endpoints_are_not_compressed() -> None:
    # the node's signed description: long enough that the page middleware would pack it
    response = Client().get("/exchange/node", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert len(response.content) > 200
    assert response.get("Content-Encoding") is None
