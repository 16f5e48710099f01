"""C2SP signed notes with Ed25519, and tlog checkpoints.

- https://c2sp.org/signed-note: a note is a UTF-8 text ending in a newline, a blank line, and
  signature lines ``— <key name> base64(key ID || signature)``. The key ID is the first four
  bytes of ``SHA-256(key name || "\\n" || 0x01 || public key)``.
- Keys are written as in Go's ``golang.org/x/mod/sumdb/note``: a verifier key is
  ``<name>+<key ID, 8 hex digits>+base64(0x01 || public key)`` and a signer key is
  ``PRIVATE+KEY+<name>+<key ID>+base64(0x01 || seed)``, so existing tools read them.
- https://c2sp.org/tlog-checkpoint: the note text of a log's tree head is
  ``<origin>\\n<tree size>\\n<base64(root hash)>\\n`` (optionally followed by extension lines).

Opening a note verifies it: :func:`open_note` returns the text only if a known key signed it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "Checkpoint",
    "NoteError",
    "Signer",
    "Verifier",
    "checkpoint_body",
    "generate_signer",
    "key_id",
    "open_note",
    "parse_checkpoint",
    "sign_note",
    "verifier_key_for",
]

ALG_ED25519 = 0x01
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16 and to set some limit
SIGNATURE_PREFIX = "\u2014 "  # em dash, space


class NoteError(ValueError):
    """A note, key or checkpoint that is malformed, or a note that no known key signed."""


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _check_text(text: str, what: str) -> None:
    try:
        text.encode()
    except UnicodeEncodeError as error:
        raise NoteError(f"{what} is not valid UTF-8") from error
    if any(c < " " and c != "\n" for c in text):
        raise NoteError(f"{what} holds a control character other than newline")


def key_id(name: str, public_key: bytes, alg: int = ALG_ED25519) -> bytes:
    """The 4-byte key ID: ``SHA-256(name || 0x0A || alg || public key)[:4]``."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NoteError(f"not standard base64: {text!r}") from error


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A named Ed25519 public key that checks note signatures."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey = field(repr=False, compare=False)

    @classmethod
    def from_key(cls, vkey: str) -> Verifier:
        """Parse ``<name>+<hex key ID>+<base64(0x01 || public key)>``; check the ID matches."""
        parts = vkey.split("+", 2)  # base64 may hold "+" too
        if len(parts) != 3:
            raise NoteError("a verifier key is <name>+<key ID>+<key>")
        name, hex_id, encoded = parts
        if not _valid_name(name) or not re.fullmatch(r"[0-9a-fA-F]{8}", hex_id):
            raise NoteError("a verifier key needs a valid name and an 8-digit hex key ID")
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("only Ed25519 verifier keys (0x01 and 32 bytes) are supported")
        if key_id(name, raw[1:]) != bytes.fromhex(hex_id):
            raise NoteError("the verifier key's ID does not match its name and key")
        return cls(name, bytes.fromhex(hex_id), Ed25519PublicKey.from_public_bytes(raw[1:]))

    @property
    def key(self) -> str:
        """This verifier in the note verifier-key format."""
        raw = bytes([ALG_ED25519]) + _raw_public(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode()}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A named Ed25519 private key that signs notes."""

    name: str
    key_id: bytes
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def from_key(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key is PRIVATE+KEY+<name>+<key ID>+<key>")
        name, hex_id, encoded = parts[2:]
        if not _valid_name(name) or not re.fullmatch(r"[0-9a-fA-F]{8}", hex_id):
            raise NoteError("a signer key needs a valid name and an 8-digit hex key ID")
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("only Ed25519 signer keys (0x01 and a 32-byte seed) are supported")
        private_key = Ed25519PrivateKey.from_private_bytes(raw[1:])
        if key_id(name, _raw_public(private_key.public_key())) != bytes.fromhex(hex_id):
            raise NoteError("the signer key's ID does not match its name and key")
        return cls(name, bytes.fromhex(hex_id), private_key)

    @classmethod
    def generate(cls, name: str) -> Signer:
        if not _valid_name(name):
            raise NoteError("a key name is non-empty, without spaces or '+'")
        private_key = Ed25519PrivateKey.generate()
        return cls(name, key_id(name, _raw_public(private_key.public_key())), private_key)

    @property
    def key(self) -> str:
        """This signer in the note signer-key format (a secret: store it like one)."""
        seed = self.private_key.private_bytes_raw()
        raw = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{raw}"

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_id, self.private_key.public_key())

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def generate_signer(name: str) -> tuple[str, str]:
    """A new Ed25519 key named ``name``: ``(signer key, verifier key)`` as strings."""
    signer = Signer.generate(name)
    return signer.key, signer.verifier.key


def verifier_key_for(skey: str) -> str:
    """The verifier key that goes with a signer key (to publish a configured key)."""
    return Signer.from_key(skey).verifier.key


def sign_note(body: str, *signers: str | Signer) -> str:
    """The signed note: ``body``, a blank line, one signature line per signer."""
    if not signers:
        raise NoteError("a note needs at least one signer")
    _check_text(body, "a note text")
    if not body.endswith("\n"):
        raise NoteError("a note text ends in a newline")
    message = body.encode()
    lines = []
    for item in signers:
        signer = Signer.from_key(item) if isinstance(item, str) else item
        signature = base64.b64encode(signer.key_id + signer.sign(message)).decode()
        lines.append(f"{SIGNATURE_PREFIX}{signer.name} {signature}\n")
    return body + "\n" + "".join(lines)


def open_note(text: str | bytes, verifiers: Iterable[str | Verifier]) -> str:
    """The note text of a signed note, if a known key signed it; :class:`NoteError` if not.

    Signatures by unknown keys (another name or key ID) are ignored, as the spec requires; any
    signature by a known key that does not verify rejects the whole note, even beside a good
    one (stricter than Go, which skips a known key's repeated signatures unchecked). ``text`` may be the
    raw bytes (as fetched), which must be UTF-8.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode()
        except UnicodeDecodeError as error:
            raise NoteError("a signed note is not valid UTF-8") from error
    known: dict[tuple[str, bytes], Verifier] = {}
    for item in verifiers:
        verifier = Verifier.from_key(item) if isinstance(item, str) else item
        known[(verifier.name, verifier.key_id)] = verifier
    _check_text(text, "a signed note")
    split = text.rfind("\n\n")
    if split < 0 or not text.endswith("\n"):
        raise NoteError("a signed note is a text, a blank line and signature lines")
    body, signature_block = text[: split + 1], text[split + 2 :]
    lines = signature_block.split("\n")[:-1]  # the block ends in a newline
    if not lines:
        raise NoteError("a signed note has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a signed note has more than {MAX_SIGNATURES} signatures")
    message = body.encode()
    verified: set[tuple[str, bytes]] = set()
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"not a signature line: {line!r}")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        raw = _b64decode(encoded)
        if not _valid_name(name) or len(raw) < 5:
            raise NoteError(f"not a signature line: {line!r}")
        signed_by = known.get((name, raw[:4]))
        if signed_by is None:
            continue
        if not signed_by.verify(message, raw[4:]):
            raise NoteError(f"the signature by {name} does not verify")
        verified.add((name, raw[:4]))
    if not verified:
        raise NoteError("no known key signed this note")
    return body


class Checkpoint(NamedTuple):
    """A log's tree head: who (``origin``), how many leaves (``size``), and the ``root``."""

    origin: str
    size: int
    root: bytes


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    """The checkpoint note text: ``origin``, ``size`` and ``base64(root)``, one a line."""
    if not origin or "\n" in origin:
        raise NoteError("a checkpoint origin is one non-empty line")
    _check_text(origin, "a checkpoint origin")
    if size < 0 or len(root) != 32:
        raise NoteError("a checkpoint has a size of 0 or more and a 32-byte root")
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def parse_checkpoint(body: str) -> Checkpoint:
    """The origin, size and root of a checkpoint note text (extension lines are ignored)."""
    if not body.endswith("\n"):
        raise NoteError("a checkpoint ends in a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise NoteError("a checkpoint is at least three non-empty lines")
    origin, size, encoded = lines[:3]
    if not re.fullmatch(r"0|[1-9][0-9]*", size):
        raise NoteError("a checkpoint's size is a decimal number without leading zeros")
    root = _b64decode(encoded)
    if len(root) != 32:
        raise NoteError("a checkpoint's root hash is 32 bytes")
    return Checkpoint(origin, int(size), root)
