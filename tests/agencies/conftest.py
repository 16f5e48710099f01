from __future__ import annotations

from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.services import user_totp_activate
from tests.accounts.helpers import SECRET
from tests.conftest import login


def sign_in(client: Client, user: User | None) -> Client:
    """Sign ``user`` in fully; officers get the TOTP authenticator they must have."""
    if user is None:
        return client
    if user.memberships.filter(active=True).exists():
        user_totp_activate(user=user, secret=SECRET)
    return login(client, user)
