"""Every answer carries the security headers, including those given before a view runs
(the size limit's 413, a bad Host's 400) and the JSON API's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

PERMISSIONS = "Permissions-Policy"


def _off(response: Any) -> set[str]:
    """The features the Permissions-Policy turns off (``feature=()``)."""
    return {
        part.strip().removesuffix("=()")
        for part in response[PERMISSIONS].split(",")
        if part.strip().endswith("=()")
    }


@pytest.mark.parametrize("url", ["/", "/en/accessibility/", "/no-such-page/", "/api/v1/services"])
def test_pages_and_api_turn_off_the_browsers_powerful_features(
    client: Client, db: Any, url: str
) -> None:
    # when
    response = client.get(url)
    # then: camera, microphone and location among them; nothing left on
    assert {"camera", "microphone", "geolocation", "payment"} <= _off(response)
    assert "=(self" not in response[PERMISSIONS] and "*" not in response[PERMISSIONS]


def test_the_too_large_answer_carries_the_security_headers(client: Client, db: Any) -> None:
    # when: a body over the limit, refused before it is read
    response = client.post(
        "/en/verify/", data=b"", content_type="application/pdf", CONTENT_LENGTH="99999999999"
    )
    # then
    assert response.status_code == 413
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "camera" in _off(response)


def test_a_bad_host_answer_carries_the_security_headers(client: Client, db: Any) -> None:
    # when
    response = client.get("/", HTTP_HOST="evil.example")
    # then
    assert response.status_code == 400
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "camera" in _off(response)
