"""Configuration by environment: production settings pass Django's deployment checks,
and a missing secret key is generated once and kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_goodgov(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goodgov.cli", *args],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("GOODGOV_")}, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    # given
    env = {
        "GOODGOV_PRODUCTION": "1",
        "GOODGOV_DATA_DIR": str(tmp_path),
        "GOODGOV_ALLOWED_HOSTS": "services.example.go.th",
        "GOODGOV_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
    }
    # when
    result = run_goodgov("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_fail_the_deployment_checks(tmp_path: Path) -> None:
    result = run_goodgov(
        "check", "--deploy", "--fail-level", "WARNING", env={"GOODGOV_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_a_missing_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    # when
    show = (
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    )
    first = run_goodgov(*show, env={"GOODGOV_DATA_DIR": str(tmp_path)})
    second = run_goodgov(*show, env={"GOODGOV_DATA_DIR": str(tmp_path)})
    # then
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
