"""Receipts: one entry of the public log, with everything needed to check it offline.

A receipt (``goodgov-receipt/1``) holds the entry's canonical JSON, its leaf hash, its
inclusion proof in a signed checkpoint, and the verifier key. For the person the entry is
about, it also holds their salt, so they (and only they, or whoever they show it to) can link
the entry's salted commitment to themselves. A receipt exists once the event is sequenced
and a checkpoint covers it.

:func:`check_receipt` needs no database: anyone can run it with the receipt alone.
:func:`check_here` adds what this node knows: its own key, and its latest checkpoint, which
must be consistent with the receipt's (a log that rewrote history is caught here).

A short code (``<index>-XXXX-XXXX-XXXX-XXXX``: the first 80 bits of the leaf hash in base32)
is short enough to print and type; :func:`check_code` looks it up in this node's log.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from goodgov.ledger import keys, merkle, note, sequencer, tiles
from goodgov.ledger.models import Event, PersonSalt

FORMAT = "goodgov-receipt/1"
MAX_BYTES = 64 * 1024
CODE_CHARS = 16  # base32 characters of the leaf hash in a short code: 80 bits

# Why a receipt does not check out. Each is a distinct reason a person can act on.
REASONS = {
    "malformed": _("This is not a goodgov receipt: a part of it is missing or in the wrong form."),
    "key_invalid": _("The verifier key in the receipt is not a valid key."),
    "wrong_key": _("The receipt's checkpoint is signed with a key that is not this ledger's key."),
    "signature_invalid": _(
        "The checkpoint in the receipt is not signed by the receipt's key: "
        "the checkpoint or its signature has been changed."
    ),
    "checkpoint_mismatch": _("The receipt's log name or size does not match its checkpoint."),
    "entry_mismatch": _(
        "The entry does not match its leaf hash: the entry or the leaf hash has been changed."
    ),
    "proof_invalid": _(
        "The inclusion proof does not lead to the checkpoint's root hash: "
        "the receipt does not prove that this entry is in the log."
    ),
    "wrong_log": _("The receipt is for another ledger, not this one."),
    "ahead": _(
        "The receipt's checkpoint is larger than this ledger's latest checkpoint. "
        "This ledger may have lost entries."
    ),
    "inconsistent": _(
        "This ledger's latest checkpoint does not extend the receipt's checkpoint: "
        "the log has been changed since the receipt was issued."
    ),
    "commitment_mismatch": _(
        "The person part of the receipt does not match: "
        "the salt and the person do not give the commitment."
    ),
    "commitment_absent": _("The person's commitment does not appear in this entry."),
}


class ReceiptInputError(ValueError):
    """Input that cannot be a receipt at all: ``code`` is ``too_large`` or ``not_json``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ReceiptCheck:
    """The outcome of checking a receipt: valid, or the reason (a key of ``REASONS``)."""

    valid: bool
    reason: str = ""
    index: int | None = None
    size: int | None = None
    origin: str = ""
    entry_text: str = ""
    entry: Mapping[str, Any] | None = None
    person_checked: bool = False  # a person part was present and matched the entry

    @property
    def message(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""

    @property
    def at(self) -> dt.datetime | None:
        """When the event happened, as the entry says (``None`` if it cannot be read)."""
        value = (self.entry or {}).get("at")
        try:
            return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        except ValueError:
            return None


@dataclass(frozen=True)
class LatestLog:
    """What a node knows of its own log: its newest signed checkpoint and proofs from it."""

    checkpoint: str
    consistency_proof: Callable[[int, int], list[bytes]]


@dataclass(frozen=True)
class Offer:
    """A receipt a person may download for ``event``; ``code`` is ``None`` until it exists."""

    event: Event
    code: str | None

    @property
    def ready(self) -> bool:
        return self.code is not None


# Short codes ---------------------------------------------------------------------------


def short_code(index: int, leaf_hash: bytes) -> str:
    """``<index>-XXXX-XXXX-XXXX-XXXX``: the index and 80 bits of the leaf hash, in base32."""
    text = base64.b32encode(leaf_hash).decode()[:CODE_CHARS]
    return f"{index}-" + "-".join(text[i : i + 4] for i in range(0, CODE_CHARS, 4))


_CODE = re.compile(r"([0-9]{1,15})-([A-Z0-9-]+)")


def parse_code(text: str) -> tuple[int, str] | None:
    """The index and the base32 part of a short code as typed, or ``None``.

    Case, spaces and hyphens do not matter; the digits 0 and 1, which base32 does not use,
    are read as the letters O and I.
    """
    cleaned = re.sub(r"[\s\-\u2010-\u2015]+", "-", text.strip().upper()).strip("-")
    match = _CODE.fullmatch(cleaned)
    if match is None:
        return None
    part = match[2].replace("-", "").translate(str.maketrans("01", "OI"))
    if len(part) != CODE_CHARS or not re.fullmatch(r"[A-Z2-7]+", part):
        return None
    return int(match[1]), part


# Building ------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def commitment_of(salt: str, user: Any) -> str:
    """The salted commitment to a person, as :func:`goodgov.ledger.services.commitment`."""
    return hashlib.sha256(f"{salt}:{user}".encode()).hexdigest()


def _mentions(data: Any, value: str) -> bool:
    """Whether ``value`` is one of the strings anywhere in ``data``."""
    if isinstance(data, str):
        return data == value
    if isinstance(data, Mapping):
        return any(_mentions(item, value) for item in data.values())
    if isinstance(data, list):
        return any(_mentions(item, value) for item in data)
    return False


def _published_entry(index: int, size: int) -> bytes:
    bundle, offset = divmod(index, tiles.TILE_WIDTH)
    width = tiles.tile_width(0, bundle, size)
    return tiles.parse_entry_bundle(sequencer.fetch_tile(tiles.ENTRIES, bundle, width))[offset]


def build_receipt(index: int, *, person: Any = None) -> dict[str, Any] | None:
    """The receipt of log entry ``index`` in the latest checkpoint; ``None`` if not there yet.

    Everything comes from the published log (entry bundles, tiles, checkpoint). With
    ``person`` (a user), their salt is added only if their commitment is in the entry.
    """
    latest = sequencer.latest_checkpoint()
    if latest is None or not 0 <= index < latest.size:
        return None
    reader = tiles.TileReader(latest.size, sequencer.fetch_tile)
    entry = _published_entry(index, latest.size)
    receipt: dict[str, Any] = {
        "format": FORMAT,
        "origin": _checkpoint_of(latest.note, keys.verifier_key()).origin,
        "index": index,
        "entry": entry.decode(),
        "leaf_hash": _b64(reader.leaf_hash(index)),
        "size": latest.size,
        "proof": [_b64(h) for h in reader.inclusion_proof(index, latest.size)],
        "checkpoint": latest.note,
        "verifier_key": keys.verifier_key(),
    }
    if person is not None and person.pk is not None:
        salt = PersonSalt.objects.filter(user=person).values_list("salt", flat=True).first()
        if salt is not None:
            value = commitment_of(salt, person.pk)
            if _mentions(json.loads(entry).get("data"), value):
                receipt["person"] = {"user": person.pk, "salt": salt, "commitment": value}
    return receipt


def receipt_for(event: Event, *, person: Any = None) -> dict[str, Any] | None:
    """The receipt of a stored event, once it is sequenced and checkpointed."""
    if event.leaf_index is None:
        return None
    return build_receipt(event.leaf_index, person=person)


def dumps(receipt: Mapping[str, Any]) -> str:
    """A receipt as a file: readable JSON, with Thai text kept as it is."""
    return json.dumps(receipt, ensure_ascii=False, indent=2) + "\n"


def offers(events: Iterable[Event]) -> list[Offer]:
    """For each event, its short code if its receipt exists now (else ``None``)."""
    events = list(events)
    latest = sequencer.latest_checkpoint()
    size = latest.size if latest is not None else 0
    reader = tiles.TileReader(size, sequencer.fetch_tile)
    result = []
    for event in events:
        index = event.leaf_index
        if index is None or index >= size:
            result.append(Offer(event, None))
        else:
            result.append(Offer(event, short_code(index, reader.leaf_hash(index))))
    return result


# Checking ------------------------------------------------------------------------------


def parse_receipt(data: str | bytes) -> Any:
    """Raw input (pasted text or an uploaded file's bytes) as JSON; :class:`ReceiptInputError`
    if it is larger than ``MAX_BYTES`` or not JSON. The structure is checked later."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise ReceiptInputError("too_large")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ReceiptInputError("not_json") from exc


def _fail(reason: str, **known: Any) -> ReceiptCheck:
    return ReceiptCheck(False, reason, **known)


def _hash(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("not base64")
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    if len(decoded) != merkle.HASH_SIZE:
        raise ValueError("not a hash")
    return decoded


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _checkpoint_of(note_text: str, key: str) -> note.Checkpoint:
    return note.parse_checkpoint(note.open_note(note_text, [key]))


def check_receipt(
    receipt: Any, *, trusted_key: str | None = None, latest: LatestLog | None = None
) -> ReceiptCheck:
    """Check a receipt (parsed JSON) with no database: every failure has its own reason.

    ``trusted_key``: the verifier key the receipt must carry (a node passes its own).
    ``latest``: a newer checkpoint of the same log (verified with the trusted key, or the
    receipt's), which must be consistent with the receipt's checkpoint.
    """
    try:
        return _check_receipt(receipt, trusted_key=trusted_key, latest=latest)
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") in a string: not UTF-8 text
        return _fail("malformed")


def _check_receipt(
    receipt: Any, *, trusted_key: str | None, latest: LatestLog | None
) -> ReceiptCheck:
    fields = ("origin", "index", "entry", "leaf_hash", "size", "proof", "checkpoint")
    if (
        not isinstance(receipt, Mapping)
        or receipt.get("format") != FORMAT
        or not all(k in receipt for k in (*fields, "verifier_key"))
        or not _is_count(receipt["index"])
        or not _is_count(receipt["size"])
        or not all(isinstance(receipt[k], str) for k in ("origin", "entry", "checkpoint"))
        or not isinstance(receipt["proof"], list)
    ):
        return _fail("malformed")
    index, size, entry_text = receipt["index"], receipt["size"], receipt["entry"]
    known: dict[str, Any] = {"index": index, "size": size, "origin": receipt["origin"]}
    try:
        leaf = _hash(receipt["leaf_hash"])
        proof = [_hash(h) for h in receipt["proof"]]
        entry = json.loads(entry_text)
    except (ValueError, RecursionError):
        return _fail("malformed", **known)
    if not isinstance(entry, dict):
        return _fail("malformed", **known)
    known.update(entry_text=entry_text, entry=entry)

    key = receipt["verifier_key"]
    if not isinstance(key, str):
        return _fail("key_invalid", **known)
    try:
        note.Verifier.from_key(key)
    except note.NoteError:
        return _fail("key_invalid", **known)
    if trusted_key is not None and key != trusted_key:
        return _fail("wrong_key", **known)
    try:
        checkpoint = _checkpoint_of(receipt["checkpoint"], key)
    except note.NoteError:
        return _fail("signature_invalid", **known)
    if checkpoint.origin != receipt["origin"] or checkpoint.size != size:
        return _fail("checkpoint_mismatch", **known)

    if merkle.leaf_hash(entry_text.encode()) != leaf:
        return _fail("entry_mismatch", **known)
    if not merkle.verify_inclusion(leaf, index, size, proof, checkpoint.root):
        return _fail("proof_invalid", **known)

    if latest is not None:
        try:
            newest = _checkpoint_of(latest.checkpoint, trusted_key or key)
        except note.NoteError:
            return _fail("wrong_key", **known)
        if newest.origin != checkpoint.origin:
            return _fail("wrong_log", **known)
        if newest.size < size:
            return _fail("ahead", **known)
        consistency = latest.consistency_proof(size, newest.size) if newest.size > size else []
        if not merkle.verify_consistency(
            size, newest.size, checkpoint.root, newest.root, consistency
        ):
            return _fail("inconsistent", **known)

    person_checked = False
    if "person" in receipt:
        person = receipt["person"]
        if (
            not isinstance(person, Mapping)
            or not isinstance(person.get("salt"), str)
            or not isinstance(person.get("commitment"), str)
            or not isinstance(person.get("user"), int | str)
            or isinstance(person.get("user"), bool)
        ):
            return _fail("malformed", **known)
        if commitment_of(person["salt"], person["user"]) != person["commitment"]:
            return _fail("commitment_mismatch", **known)
        try:
            mentioned = _mentions(entry.get("data"), person["commitment"])
        except RecursionError:
            return _fail("malformed", **known)
        if not mentioned:
            return _fail("commitment_absent", **known)
        person_checked = True
    return ReceiptCheck(True, person_checked=person_checked, **known)


def latest_log() -> LatestLog | None:
    """This node's newest checkpoint, and consistency proofs to it from its tiles."""
    latest = sequencer.latest_checkpoint()
    if latest is None:
        return None
    reader = tiles.TileReader(latest.size, sequencer.fetch_tile)
    return LatestLog(latest.note, lambda old, new: reader.consistency_proof(old, new))


def check_here(receipt: Any) -> ReceiptCheck:
    """Check a receipt against this node: its key, and consistency with its latest log."""
    return check_receipt(receipt, trusted_key=keys.verifier_key(), latest=latest_log())


def check_code(text: str) -> tuple[dict[str, Any], ReceiptCheck] | None:
    """The receipt a short code stands for, checked; ``None`` if this log has no such entry."""
    parsed = parse_code(text)
    if parsed is None:
        return None
    index, part = parsed
    latest = sequencer.latest_checkpoint()
    if latest is None or index >= latest.size:
        return None
    reader = tiles.TileReader(latest.size, sequencer.fetch_tile)
    if base64.b32encode(reader.leaf_hash(index)).decode()[:CODE_CHARS] != part:
        return None
    receipt = build_receipt(index)
    if receipt is None:
        return None
    return receipt, check_here(receipt)
