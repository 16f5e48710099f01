"""This node's identity and key, and the directory of nodes and their data services.

The directory is configuration: ``GOODGOV_EXCHANGE_DIRECTORY`` names a YAML or JSON file::

    nodes:
      - name: ddg                       # node name: the keyid of its signatures
        agency: DDG                     # the agency that runs it
        base_url: https://ddg.example.go.th
        public_key: ddg+1a2b3c4d+AR...  # Ed25519, in the signed-note verifier-key format
        services:
          - name: population
            methods: [person, household]

Each node also serves its own entry at ``/exchange/node`` (:func:`own_entry`), so an
operator can copy it into the shared directory.

The node's key is ``GOODGOV_EXCHANGE_KEY`` (a signed-note signer key,
``PRIVATE+KEY+<node>+<id>+<seed>``) or one generated once under the data dir (0600),
as the ledger does for its key; it is a separate key so that each key signs one kind of
message only.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from django.conf import settings

from goodgov.ledger import note


class DirectoryError(ValueError):
    """The directory file is missing, malformed, or names a key that does not fit."""


@dataclass(frozen=True)
class Node:
    name: str
    base_url: str
    public_key: str
    agency: str = ""
    services: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def verifier(self) -> note.Verifier:
        return _verifier(self.public_key)

    @property
    def verification_key(self) -> Any:
        """The node's Ed25519 public key (parsed once per process)."""
        return _verifier(self.public_key).public_key

    def offers(self, service: str, method: str) -> bool:
        return method in self.services.get(service, ())


def node_name() -> str:
    """``GOODGOV_EXCHANGE_NODE``, or the host and port of ``BASE_URL``."""
    configured = getattr(settings, "GOODGOV_EXCHANGE_NODE", "")
    return configured or (urlsplit(settings.BASE_URL).netloc or "localhost")


@cache
def _verifier(key: str) -> note.Verifier:
    return note.Verifier.from_key(key)


@cache
def _signer_from_text(text: str) -> note.Signer:
    return note.Signer.from_key(text)


def _key_text() -> str:
    configured = getattr(settings, "GOODGOV_EXCHANGE_KEY", "")
    if configured:
        return str(configured)
    path = Path(settings.DATA_DIR) / "exchange.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):  # another process may be writing it this moment
            text = path.read_text().strip()
            if text:
                return text
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty: delete it or set GOODGOV_EXCHANGE_KEY") from None
    skey, _ = note.generate_signer(node_name())
    with os.fdopen(fd, "w") as handle:
        handle.write(skey + "\n")
    return skey


def signer() -> note.Signer:
    """This node's Ed25519 key; its name must be the node's name."""
    key = _signer_from_text(_key_text())
    if key.name != node_name():
        raise DirectoryError(
            f"the exchange key is named {key.name!r} but this node is {node_name()!r}: "
            "set GOODGOV_EXCHANGE_NODE to the key's name, or make a key for the node"
        )
    return key


#: Data services every node serves, whatever ``GOODGOV_EXCHANGE_SERVICES`` says, and that
#: every node in the directory is taken to offer without listing them: a node's record of
#: the uses of a person's data, for that person's data tracker at another node
#: (:mod:`goodgov.exchange.remote_uses`). An access right is still needed to call them.
EVERY_NODE: dict[str, tuple[str, ...]] = {"tracker": ("uses",)}


def published_services(*, every_node: bool = True) -> dict[str, tuple[str, ...]]:
    """The data services this node serves (``GOODGOV_EXCHANGE_SERVICES``) and their
    methods, and (unless ``every_node`` is false) those every node serves."""
    from goodgov.exchange.registries import REGISTRIES

    wanted = getattr(settings, "GOODGOV_EXCHANGE_SERVICES", list(REGISTRIES))
    served = {name: tuple(REGISTRIES[name]) for name in wanted if name in REGISTRIES}
    return {**served, **EVERY_NODE} if every_node else served


def own_entry() -> dict[str, Any]:
    """This node's directory entry; the services every node serves go without saying."""
    return {
        "name": node_name(),
        "agency": getattr(settings, "GOODGOV_EXCHANGE_AGENCY", ""),
        "base_url": settings.BASE_URL,
        "public_key": signer().verifier.key,
        "services": [
            {"name": name, "methods": list(methods)}
            for name, methods in published_services(every_node=False).items()
        ],
    }


def _parse(data: Any, source: str) -> dict[str, Node]:
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise DirectoryError(f"{source}: the directory is a mapping with a list of 'nodes'")
    nodes: dict[str, Node] = {}
    for item in data["nodes"]:
        try:
            name = str(item["name"])
            base_url = str(item["base_url"]).rstrip("/")
            public_key = str(item["public_key"])
            services = {
                str(s["name"]): tuple(str(m) for m in s.get("methods", []))
                for s in item.get("services", [])
            }
        except (KeyError, TypeError) as error:
            raise DirectoryError(f"{source}: a node lacks {error}") from error
        try:
            verifier = note.Verifier.from_key(public_key)
        except note.NoteError as error:
            raise DirectoryError(f"{source}: node {name!r}: {error}") from error
        if verifier.name != name:
            raise DirectoryError(f"{source}: node {name!r} has a key named {verifier.name!r}")
        if name in nodes:
            raise DirectoryError(f"{source}: node {name!r} appears twice")
        for service, methods in EVERY_NODE.items():
            services[service] = tuple(dict.fromkeys((*services.get(service, ()), *methods)))
        nodes[name] = Node(name, base_url, public_key, str(item.get("agency", "")), services)
    return nodes


_loaded: dict[tuple[str, int], dict[str, Node]] = {}


def nodes() -> dict[str, Node]:
    """Every node in the directory by name (re-read when the file changes). Without a
    directory, the node knows only itself (one node serving its own registries: the demo)."""
    path = getattr(settings, "GOODGOV_EXCHANGE_DIRECTORY", "")
    if not path:
        own = own_entry()
        me = Node(
            own["name"],
            str(own["base_url"]).rstrip("/"),
            own["public_key"],
            own["agency"],
            {**{s["name"]: tuple(s["methods"]) for s in own["services"]}, **EVERY_NODE},
        )
        return {me.name: me}
    try:
        stamp = os.stat(path).st_mtime_ns
    except FileNotFoundError as error:
        raise DirectoryError(f"the exchange directory {path} does not exist") from error
    key = (str(path), stamp)
    if key not in _loaded:
        text = Path(path).read_text()
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        _loaded.clear()
        _loaded[key] = _parse(data, str(path))
    return _loaded[key]


def node(name: str) -> Node | None:
    return nodes().get(name)
