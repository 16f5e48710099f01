"""The node's ledger signing key: configured, or generated once under the data dir."""

from __future__ import annotations

import os
import time
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings

from goodgov.ledger import note


def origin() -> str:
    """The log's name, the first line of every checkpoint (``GOODGOV_LEDGER_ORIGIN``)."""
    configured = os.environ.get("GOODGOV_LEDGER_ORIGIN")
    if configured:
        return configured
    host = urlsplit(settings.BASE_URL).netloc or "localhost"
    return f"{host}/goodgov-ledger"


@cache
def signer_key() -> str:
    """``GOODGOV_LEDGER_KEY`` (a signed-note signer key), or one made once and kept 0600."""
    configured = os.environ.get("GOODGOV_LEDGER_KEY")
    if configured:
        return configured
    path = settings.DATA_DIR / "ledger.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):  # another process may be writing it this moment
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty: delete it or set GOODGOV_LEDGER_KEY") from None
    skey, _ = note.generate_signer(origin())
    with os.fdopen(fd, "w") as handle:
        handle.write(skey + "\n")
    return skey


def verifier_key() -> str:
    return note.verifier_key_for(signer_key())
