"""Behind the TLS proxy, each person's sign-in failures count against their own address
(X-Forwarded-For, ``GOODGOV_TRUSTED_PROXY_COUNT``), not the proxy's, so failures from
one address never lock everyone else out."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from goodgov.accounts.models import User
from tests.accounts.helpers import PASSWORD, en

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _sign_in(client: Client, login: str, password: str, client_ip: str) -> Any:
    return client.post(
        en("account_login"),
        {"login": login, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"203.0.113.77, {client_ip}",  # the first is the client's claim
    )


def test_many_failures_from_one_address_do_not_lock_out_another(
    behind_proxy: None, client: Client, citizen_a: User
) -> None:
    # given: 20 failed sign-ins, to 20 accounts, from one address behind the proxy
    for n in range(20):
        _sign_in(client, f"nobody{n}@example.test", "wrong", "198.51.100.7")
    # when: someone else, through the same proxy, from their own address
    response = _sign_in(Client(), "somchai@example.test", PASSWORD, "198.51.100.8")
    # then
    assert response.status_code == 302


def test_the_address_with_many_failures_is_stopped(
    behind_proxy: None, client: Client, citizen_a: User
) -> None:
    # given
    for n in range(20):
        _sign_in(client, f"nobody{n}@example.test", "wrong", "198.51.100.7")
    # when: the right password, from the address that failed 20 times in 5 minutes
    response = _sign_in(client, "somchai@example.test", PASSWORD, "198.51.100.7")
    # then
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
