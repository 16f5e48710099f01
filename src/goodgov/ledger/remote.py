"""Check another node's public log from its public endpoints alone.

``goodgov ledger verify --url https://node/`` trusts nothing the node serves but the verifier
key (pinned with ``--key``; otherwise taken from the node itself, with a warning):

1. the latest signed checkpoint, ``/ledger/checkpoint``, and its signature;
2. every stored checkpoint, ``/ledger/checkpoints?after=S`` (pages of signed notes): each
   signature, and that its root is the root of the rebuilt tree at its size, which proves
   each is consistent with the next;
3. every entry bundle, ``/ledger/tile/entries/<N>``: each entry's RFC 6962 leaf hash is
   compared with the published level-0 tile, and every node of the tree rebuilt from them
   at levels 8, 16, ... with the higher tiles (:class:`goodgov.ledger.verify.TreeCheck`);
4. the rebuilt root against the latest checkpoint.

With a state file, the last verified checkpoint is kept, and the next run also checks a
consistency proof (``/ledger/proof/consistency``) from it to the new one and the rebuilt
tree at its size: a node that rewrote or rolled back its history between two runs fails.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from goodgov.ledger import merkle, note, tiles
from goodgov.ledger.verify import PROGRESS_EVERY, Problem, TreeCheck

__all__ = ["RemoteError", "Report", "ledger_base", "verify_remote"]

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class RemoteError(Exception):
    """The node could not be read: unreachable, an error status, or not a goodgov ledger."""


@dataclass
class Report:
    origin: str
    size: int
    root: bytes
    checkpoints: int
    key_from_node: bool


def ledger_base(url: str) -> str:
    """The log's prefix: ``https://node/`` and ``https://node/ledger/`` both mean
    ``https://node/ledger/``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"{url!r} is not an http(s) URL")
    base = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not base.endswith("/ledger"):
        base += "/ledger"
    return base + "/"


class _Node:
    def __init__(self, base: str, client: httpx.Client) -> None:
        self.base = base
        self.client = client

    def get(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        url = self.base + path
        try:
            response = self.client.get(url, params=params)
        except httpx.TimeoutException as error:
            raise RemoteError(f"{url}: no answer in time ({error})") from error
        except httpx.HTTPError as error:
            raise RemoteError(f"{url}: cannot reach the node ({error})") from error
        if response.status_code == 404:
            raise KeyError(url)
        if response.status_code != 200:
            raise RemoteError(f"{url}: the node answered {response.status_code}")
        return response.content

    def must(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        try:
            return self.get(path, params)
        except KeyError:
            raise RemoteError(f"{self.base}{path}: not found (404)") from None

    def json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return json.loads(self.must(path, params))
        except ValueError as error:
            raise RemoteError(f"{self.base}{path}: not JSON") from error

    def tile(self, level: int, index: int, width: int) -> bytes:
        return self.get(tiles.tile_path(level, index, width))

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        after: int | None = 0
        while after is not None:
            page = self.json("checkpoints", {"after": after})
            try:
                rows = [(int(c["size"]), str(c["note"])) for c in page["checkpoints"]]
                following = page["next"]
            except (KeyError, TypeError, ValueError) as error:
                raise RemoteError(f"{self.base}checkpoints: not a list of checkpoints") from error
            yield from rows
            if following is not None and (not rows or int(following) <= after):
                raise RemoteError(f"{self.base}checkpoints: the pages do not advance")
            after = None if following is None else int(following)


def _open(text: str, verifier: note.Verifier, what: str) -> note.Checkpoint:
    try:
        return note.parse_checkpoint(note.open_note(text, [verifier]))
    except note.NoteError as error:
        raise Problem(None, f"{what}: {error}") from error


def _load_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text())
        return {
            "origin": str(state["origin"]),
            "size": int(state["size"]),
            "root": base64.b64decode(state["root"]),
        }
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RemoteError(f"{path}: not a state file written by this command ({error})") from error


def _save_state(path: Path, url: str, checkpoint: note.Checkpoint, text: str) -> None:
    state = {
        "url": url,
        "origin": checkpoint.origin,
        "size": checkpoint.size,
        "root": base64.b64encode(checkpoint.root).decode(),
        "checkpoint": text,
    }
    partial = path.with_name(path.name + ".new")
    partial.write_text(json.dumps(state, indent=2) + "\n")
    partial.replace(path)


def verify_remote(
    url: str,
    *,
    key: str | None = None,
    state: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    client: httpx.Client | None = None,
) -> Report:
    """Check the whole log at ``url``; raise :class:`Problem` at the first difference and
    :class:`RemoteError` if the node cannot be read."""
    base = ledger_base(url)
    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    try:
        return _verify(_Node(base, http), key, state, progress, warn)
    finally:
        if own:
            http.close()


def _verify(
    node: _Node,
    key: str | None,
    state_path: Path | None,
    progress: Callable[[int, int], None] | None,
    warn: Callable[[str], None] | None,
) -> Report:
    key_from_node = key is None
    if key is None:
        key = node.must("key").decode(errors="replace").strip()
        if warn is not None:
            warn(
                f"the verifier key was taken from the node itself ({key}); anyone who controls "
                "the node controls that key: pin the key you trust with --key"
            )
    try:
        verifier = note.Verifier.from_key(key)
    except note.NoteError as error:
        raise RemoteError(f"not a verifier key: {error}") from error

    latest_text = node.must("checkpoint").decode(errors="replace")
    latest = _open(latest_text, verifier, "the latest checkpoint")
    size = latest.size

    previous = _load_state(state_path) if state_path is not None else None
    if previous is not None:
        _check_against_state(node, previous, latest)

    # Every stored checkpoint up to the latest: its signature now, its root as the tree grows.
    roots: dict[int, bytes] = {}
    count = 0
    for listed, text in node.checkpoints():
        if listed > size:
            break  # signed after we started
        checkpoint = _open(text, verifier, f"checkpoint at size {listed}")
        if checkpoint.size != listed:
            raise Problem(
                None, f"checkpoint at size {listed}: the signed note says {checkpoint.size}"
            )
        if checkpoint.origin != latest.origin:
            raise Problem(
                None,
                f"checkpoint at size {listed}: origin {checkpoint.origin!r}, not {latest.origin!r}",
            )
        roots[listed] = checkpoint.root
        count += 1
    if size and roots.get(size, latest.root) != latest.root:
        raise Problem(None, f"checkpoint at size {size}: two different signed roots")
    roots[size] = latest.root
    if previous is not None and 0 < previous["size"] <= size:
        roots.setdefault(previous["size"], previous["root"])
        if roots[previous["size"]] != previous["root"]:
            raise Problem(
                None,
                f"checkpoint at size {previous['size']}: the node now signs a different root "
                "from the one verified before (state file)",
            )

    def on_checkpoint(at: int, root: bytes) -> None:
        if root != roots[at]:
            raise Problem(at - 1, f"the tree of size {at} does not match its signed checkpoint")

    check = TreeCheck(size, node.tile, roots, on_checkpoint)
    for bundle in range(-(-size // tiles.TILE_WIDTH)):
        width = tiles.tile_width(0, bundle, size)
        first = bundle * tiles.TILE_WIDTH
        path = tiles.entries_path(bundle, width)
        try:
            data = node.get(path)
        except KeyError:
            raise Problem(first, f"the entry bundle {path} is not published") from None
        try:
            entries = tiles.parse_entry_bundle(data, width)
        except ValueError as error:
            raise Problem(first, f"the entry bundle {path} is malformed: {error}") from error
        check.add(merkle.leaf_hashes(entries))
        if progress is not None and (check.done % PROGRESS_EVERY == 0 or check.done == size):
            progress(check.done, size)
    if size and check.root() != latest.root:  # on_checkpoint has said so; belt and braces
        raise Problem(size - 1, f"the tree of size {size} does not match its signed checkpoint")
    if state_path is not None:
        _save_state(state_path, node.base, latest, latest_text)
    return Report(latest.origin, size, latest.root, count, key_from_node=key_from_node)


def _check_against_state(node: _Node, previous: dict[str, Any], latest: note.Checkpoint) -> None:
    """The node's log still extends the one verified before."""
    old, new = previous["size"], latest.size
    if previous["origin"] != latest.origin:
        raise RemoteError(
            f"the state file is for the log {previous['origin']!r}, not {latest.origin!r}"
        )
    if new < old:
        raise Problem(
            None,
            f"the node's latest checkpoint has {new} entries, fewer than the {old} verified "
            "before (state file): the log was rolled back",
        )
    if old == new:
        if previous["root"] != latest.root:
            raise Problem(
                None,
                f"the node signs a different root for size {new} from the one verified before "
                "(state file): the log was rewritten",
            )
        return
    if old == 0:
        return
    try:
        answer = node.json("proof/consistency", {"old": old, "new": new})
        proof = [base64.b64decode(h, validate=True) for h in answer["proof"]]
    except (KeyError, TypeError, ValueError) as error:
        raise Problem(
            None, f"no usable consistency proof from size {old} to {new}: {error}"
        ) from error
    if not merkle.verify_consistency(old, new, previous["root"], latest.root, proof):
        raise Problem(
            None,
            f"the checkpoint of size {new} is not consistent with the one of size {old} "
            "verified before (state file): the log was rewritten",
        )
