"""Keys and certificates that sign issued documents.

Each agency signs with its own key. Where the key comes from (the first that exists):

1. ``GOODGOV_SIGNING_P12`` (+ ``GOODGOV_SIGNING_P12_PASSWORD``): one PKCS#12 file for
   every agency of this node (a node that serves one agency);
2. the signing directory ``GOODGOV_SIGNING_DIR`` (default ``<data dir>/pki``):
   ``<code>.p12`` (password from ``GOODGOV_SIGNING_P12_PASSWORD``, or none), or
   ``<code>.key`` and ``<code>.crt`` in PEM; ``chain.pem`` there holds the intermediate
   and root certificates embedded in every signature;
3. outside production only: a demo certificate authority and a certificate for the
   agency, made on first use in the signing directory (what ``goodgov pki init`` does).

Verification trusts the roots in ``<signing dir>/trust.pem`` (``GOODGOV_SIGNING_TRUST``
to point elsewhere): the demo root after ``pki init``, the real chain's root in production.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone

DEMO_ROOT_NAME = "goodgov demo document root (not for real use)"
ROOT_KEY = "demo-root.key"
ROOT_CERT = "demo-root.pem"
TRUST = "trust.pem"
CHAIN = "chain.pem"


class SigningNotConfigured(Exception):
    """No key to sign with: the deployment must configure one (docs/documents.md)."""


def signing_dir() -> Path:
    """Read at call time, so tests (and ``pki init --dir``) can point elsewhere."""
    configured = getattr(settings, "GOODGOV_SIGNING_DIR", None) or os.environ.get(
        "GOODGOV_SIGNING_DIR"
    )
    return Path(configured) if configured else Path(settings.DATA_DIR) / "pki"


def _password() -> bytes | None:
    value = os.environ.get("GOODGOV_SIGNING_P12_PASSWORD")
    return value.encode() if value else None


def _name(code: str) -> str:
    return code.lower()


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600) through a temporary file, so no reader sees half."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One process at a time creates keys in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _root(directory: Path) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The demo root CA in ``directory``, made once."""
    key_path, cert_path = directory / ROOT_KEY, directory / ROOT_CERT
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "goodgov demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_ROOT_NAME),
        ]
    )
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path.write_bytes(pem)
    for bundle in (directory / TRUST, directory / CHAIN):
        # Keep certificates an operator put there; add the new root after them.
        bundle.write_bytes((bundle.read_bytes() if bundle.exists() else b"") + pem)
    return key, cert


def _agency_certificate(
    directory: Path, code: str, name: str, root: tuple[rsa.RSAPrivateKey, x509.Certificate]
) -> None:
    root_key, root_cert = root
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = timezone.now()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, code),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{code} document signing (demo)"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    password = _password()
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(
        name=code.encode(), key=key, cert=cert, cas=[root_cert], encryption_algorithm=encryption
    )
    _write_private(directory / f"{_name(code)}.p12", data)
    (directory / f"{_name(code)}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def pki_init(*, agencies: list[tuple[str, str]], directory: Path | None = None) -> list[str]:
    """Make the demo root (once) and a signing certificate for each ``(code, name)``
    that has none. Idempotent. Returns the codes that got a new certificate."""
    directory = directory or signing_dir()
    made: list[str] = []
    with _locked(directory):
        root: tuple[rsa.RSAPrivateKey, x509.Certificate] | None = None
        for code, name in agencies:
            if _has_key(directory, code):
                continue
            root = root or _root(directory)
            _agency_certificate(directory, code, name, root)
            made.append(code)
        if root is None and not (directory / TRUST).exists():
            _root(directory)
    signer_for_files.cache_clear()
    return made


def _has_key(directory: Path, code: str) -> bool:
    return (directory / f"{_name(code)}.p12").exists() or (
        (directory / f"{_name(code)}.key").exists() and (directory / f"{_name(code)}.crt").exists()
    )


def _files(agency: Any) -> tuple[str, ...]:
    """Which files hold ``agency``'s key, and their modification times (the cache key)."""
    single = os.environ.get("GOODGOV_SIGNING_P12")
    if single:
        return ("p12", single, str(os.stat(single).st_mtime_ns), "", "")
    directory = signing_dir()
    if not _has_key(directory, agency.code):
        if getattr(settings, "PRODUCTION", False):
            raise SigningNotConfigured(
                f"no signing key for agency {agency.code} in {directory} "
                "(set GOODGOV_SIGNING_P12 or GOODGOV_SIGNING_DIR: see docs/documents.md)"
            )
        pki_init(agencies=[(agency.code, agency.name_en or agency.code)], directory=directory)
    p12 = directory / f"{_name(agency.code)}.p12"
    chain = directory / CHAIN
    chain_part = (str(chain), str(chain.stat().st_mtime_ns)) if chain.exists() else ("", "")
    if p12.exists():
        return ("p12", str(p12), str(p12.stat().st_mtime_ns), *chain_part)
    key, crt = directory / f"{_name(agency.code)}.key", directory / f"{_name(agency.code)}.crt"
    return ("pem", str(key), str(crt), str(key.stat().st_mtime_ns), *chain_part)


@lru_cache(maxsize=64)
def signer_for_files(spec: tuple[str, ...]) -> Any:
    from pyhanko.sign import signers

    chain = [spec[-2]] if spec[-2] else None
    if spec[0] == "p12":
        signer = signers.SimpleSigner.load_pkcs12(
            spec[1], ca_chain_files=chain, passphrase=_password()
        )
    else:
        signer = signers.SimpleSigner.load(
            spec[1], spec[2], ca_chain_files=chain, key_passphrase=_password()
        )
    if signer is None:
        raise SigningNotConfigured(f"could not load the signing key from {spec[1]}")
    return signer


def signer_for(agency: Any) -> Any:
    """The pyHanko signer of ``agency`` (loaded once per file version)."""
    return signer_for_files(_files(agency))


def trust_roots() -> list[Any]:
    """The certificates verification trusts (asn1crypto), from ``trust.pem``."""
    from pyhanko.keys import load_certs_from_pemder

    configured = os.environ.get("GOODGOV_SIGNING_TRUST")
    path = Path(configured) if configured else signing_dir() / TRUST
    if not path.exists():
        return []
    return list(load_certs_from_pemder([str(path)]))
