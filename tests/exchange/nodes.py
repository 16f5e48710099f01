"""Real goodgov nodes for the two-node tests: each its own process, data directory,
SQLite database, Ed25519 key and port, started with the ``goodgov`` and ``gunicorn``
commands of this environment."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from goodgov.ledger import note

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Node:
    name: str
    agency: str
    port: int
    data_dir: Path
    key: note.Signer
    services: list[str]
    server: subprocess.Popen[bytes] | None = None
    pages: bool = False  # serves pages too (debug static files: no collectstatic)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, directory: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODGOV_", "DJANGO_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "goodgov.settings",
                "GOODGOV_DATA_DIR": str(self.data_dir),
                "GOODGOV_SECRET_KEY": f"test-secret-of-{self.name}-" + "x" * 40,
                "GOODGOV_BASE_URL": self.url,
                "GOODGOV_ALLOWED_HOSTS": "127.0.0.1",
                "GOODGOV_EXCHANGE_NODE": self.name,
                "GOODGOV_EXCHANGE_KEY": self.key.key,
                "GOODGOV_EXCHANGE_AGENCY": self.agency,
                "GOODGOV_EXCHANGE_DIRECTORY": str(directory),
                "GOODGOV_EXCHANGE_SERVICES": ",".join(self.services),
                "GOODGOV_EXCHANGE_TIMEOUT": "5",
                "GOODGOV_EXCHANGE_BACKOFF": "0.05",
            }
        )
        if self.pages:
            env["GOODGOV_DEBUG"] = "1"
        return env

    def goodgov(self, directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "goodgov"), *args],
            env=self.env(directory),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def goodgov_ok(self, directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """:meth:`goodgov`, which must succeed."""
        done = self.goodgov(directory, *args)
        assert done.returncode == 0, done.stderr
        return done

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.data_dir / "goodgov.sqlite3") as db:
            return db.execute(sql, params).fetchall()


def wait_until_up(node: Node) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert node.server is not None and node.server.poll() is None, "the server died"
        try:
            if httpx.get(f"{node.url}/exchange/node", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{node.name} did not start")
