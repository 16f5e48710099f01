"""``goodgov pki init``: a demo CA and one certificate per agency, made once."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("pki", *args, stdout=out)
    return out.getvalue()


def test_init_makes_a_root_and_a_certificate_per_agency_once(
    agency: Any, other_agency: Any, tmp_path: Path
) -> None:
    # when
    first = run("init", "--dir", str(tmp_path))
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    second = run("init", "--dir", str(tmp_path))
    # then
    assert "2 new, 0 kept" in first
    assert "0 new, 2 kept" in second
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files
    assert (tmp_path / "tbnk.p12").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "demo-root.key").stat().st_mode & 0o777 == 0o600
    key, cert, cas = pkcs12.load_key_and_certificates((tmp_path / "tbnk.p12").read_bytes(), None)
    root = x509.load_pem_x509_certificate((tmp_path / "demo-root.pem").read_bytes())
    assert cert is not None and key is not None
    assert cert.issuer == root.subject
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    assert [c.subject for c in cas] == [root.subject]


def test_init_refuses_in_production(settings: Any, agency: Any, tmp_path: Path) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        run("init", "--dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
