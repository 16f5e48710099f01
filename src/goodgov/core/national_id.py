"""Thai national ID numbers: validation, display, masking, encryption and look-up hashes.

An ID is stored encrypted (AES-GCM, key derived from the secret key) with a keyed
hash (HMAC-SHA256) beside it for look-ups, so a database dump alone reveals neither.

Key rotation follows Django's own: data is always sealed and hashed with
``SECRET_KEY``; reading also accepts the keys in ``SECRET_KEY_FALLBACKS`` (AES-GCM's tag
tells which key fits), and look-ups match :func:`lookup_hashes`, one per key, until
``goodgov pii rekey`` (:mod:`goodgov.core.rekey`) has moved everything to the current key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin

from goodgov.core.thai_address import ascii_digits


class InvalidNationalID(ValueError):
    pass


def clean(value: str) -> str:
    """The 13 digits of a valid ID, or ``InvalidNationalID``. Typed with Thai digits
    or ASCII, with spaces or dashes: people type either, wherever they type it."""
    try:
        return str(pin.validate(ascii_digits(value)))
    except StdnumError as exc:
        raise InvalidNationalID(str(exc)) from exc


def is_valid(value: str) -> bool:
    return bool(pin.is_valid(ascii_digits(value)))


def display(digits: str) -> str:
    """``X-XXXX-XXXXX-XX-X``."""
    d = pin.compact(digits)
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def masked(digits: str) -> str:
    """Only the last four digits remain: ``x-xxxx-xxxxx-12-3``."""
    d = pin.compact(digits)
    return f"x-xxxx-xxxx{d[9]}-{d[10:12]}-{d[12]}"


class UnknownKey(InvalidTag):
    """No configured key (``SECRET_KEY``, then each of ``SECRET_KEY_FALLBACKS``) opens the
    token: it was sealed with a key that is no longer listed, or it was altered."""


def _derive(purpose: bytes, secret: str | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"goodgov-pii", info=purpose).derive(
        (settings.SECRET_KEY if secret is None else secret).encode()
    )


_keys: dict[tuple[str, bytes], bytes] = {}


def _key(purpose: bytes, secret: str | None = None) -> bytes:
    """The key derived for ``purpose`` from ``secret`` (default: the current secret key)."""
    cache_key = (settings.SECRET_KEY if secret is None else secret, purpose)
    if cache_key not in _keys:
        _keys[cache_key] = _derive(purpose, cache_key[0])
    return _keys[cache_key]


def _fallbacks() -> list[str]:
    """The old secret keys still accepted for reading, without the current one."""
    current = settings.SECRET_KEY
    return [s for s in dict.fromkeys(settings.SECRET_KEY_FALLBACKS) if s and s != current]


def encrypt_text(plaintext: str, *, purpose: bytes = b"pii-encryption-v1") -> str:
    """Encrypt a short text with AES-256-GCM; returns ``v1:<base64 nonce+ciphertext>``."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(purpose)).encrypt(nonce, plaintext.encode(), purpose)
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def decrypt_text(token: str, *, purpose: bytes = b"pii-encryption-v1") -> str:
    """The plaintext; :class:`UnknownKey` (an ``InvalidTag``) if no configured key fits.

    The current key is tried first, at the same cost as before rotation existed; the
    fallbacks only when its tag does not match."""
    raw = base64.b64decode(token.removeprefix("v1:"))
    try:
        return AESGCM(_key(purpose)).decrypt(raw[:12], raw[12:], purpose).decode()
    except InvalidTag:
        return _decrypt_fallback(raw, purpose)


def decrypt_text_current(token: str, *, purpose: bytes = b"pii-encryption-v1") -> tuple[str, bool]:
    """The plaintext, and whether the current key sealed it (False: a fallback did, so
    it should be sealed again: see :mod:`goodgov.core.rekey`)."""
    raw = base64.b64decode(token.removeprefix("v1:"))
    try:
        return AESGCM(_key(purpose)).decrypt(raw[:12], raw[12:], purpose).decode(), True
    except InvalidTag:
        return _decrypt_fallback(raw, purpose), False


def _decrypt_fallback(raw: bytes, purpose: bytes) -> str:
    for secret in _fallbacks():
        try:
            opened = AESGCM(_key(purpose, secret)).decrypt(raw[:12], raw[12:], purpose)
        except InvalidTag:
            continue
        return opened.decode()
    raise UnknownKey(
        "no configured key opens this value: if SECRET_KEY was changed, list the old key in"
        " GOODGOV_SECRET_KEY_FALLBACKS until `goodgov pii rekey` has run"
    )


def _hash(digits: str, secret: str) -> str:
    return hmac.new(
        _key(b"pii-lookup-v1", secret), pin.compact(digits).encode(), hashlib.sha256
    ).hexdigest()


def lookup_hash(digits: str) -> str:
    """A keyed hash of the ID for equality look-ups: the one to store (current key)."""
    return hmac.new(
        _key(b"pii-lookup-v1"), pin.compact(digits).encode(), hashlib.sha256
    ).hexdigest()


def lookup_hashes(digits: str) -> list[str]:
    """The ID's hash under the current key, then under each fallback key: what a look-up
    compares (``national_id_hash__in=``) while rows hashed under an old key may remain."""
    if not settings.SECRET_KEY_FALLBACKS:
        return [lookup_hash(digits)]
    return [lookup_hash(digits), *(_hash(digits, secret) for secret in _fallbacks())]
