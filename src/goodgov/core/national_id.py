"""Thai national ID numbers: validation, display, masking, encryption and look-up hashes.

An ID is stored encrypted (AES-GCM, key derived from the secret key) with a keyed
hash (HMAC-SHA256) beside it for look-ups, so a database dump alone reveals neither.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin


class InvalidNationalID(ValueError):
    pass


def clean(value: str) -> str:
    """The 13 digits of a valid ID, or ``InvalidNationalID``."""
    try:
        return str(pin.validate(value))
    except StdnumError as exc:
        raise InvalidNationalID(str(exc)) from exc


def is_valid(value: str) -> bool:
    return bool(pin.is_valid(value))


def display(digits: str) -> str:
    """``X-XXXX-XXXXX-XX-X``."""
    d = pin.compact(digits)
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def masked(digits: str) -> str:
    """Only the last four digits remain: ``x-xxxx-xxxxx-12-3``."""
    d = pin.compact(digits)
    return f"x-xxxx-xxxx{d[9]}-{d[10:12]}-{d[12]}"


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"goodgov-pii", info=purpose).derive(
        settings.SECRET_KEY.encode()
    )


_keys: dict[tuple[str, bytes], bytes] = {}


def _key(purpose: bytes) -> bytes:
    cache_key = (settings.SECRET_KEY, purpose)
    if cache_key not in _keys:
        _keys[cache_key] = _derive(purpose)
    return _keys[cache_key]


def encrypt_text(plaintext: str, *, purpose: bytes = b"pii-encryption-v1") -> str:
    """Encrypt a short text with AES-256-GCM; returns ``v1:<base64 nonce+ciphertext>``."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(purpose)).encrypt(nonce, plaintext.encode(), purpose)
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def decrypt_text(token: str, *, purpose: bytes = b"pii-encryption-v1") -> str:
    raw = base64.b64decode(token.removeprefix("v1:"))
    return AESGCM(_key(purpose)).decrypt(raw[:12], raw[12:], purpose).decode()


def lookup_hash(digits: str) -> str:
    """A keyed hash of the ID for equality look-ups."""
    return hmac.new(
        _key(b"pii-lookup-v1"), pin.compact(digits).encode(), hashlib.sha256
    ).hexdigest()
