"""Configuration by environment: production settings pass Django's deployment checks,
and a missing secret key is generated once and kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection


def run_goodgov(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goodgov.cli", *args],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("GOODGOV_")}, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "extra",
    [{}, {"GOODGOV_SSL_REDIRECT": "0"}],
    ids=["redirecting to HTTPS", "behind a proxy that redirects"],
)
def test_production_settings_pass_the_deployment_checks(
    tmp_path: Path, extra: dict[str, str]
) -> None:
    # given
    env = {
        "GOODGOV_PRODUCTION": "1",
        "GOODGOV_DATA_DIR": str(tmp_path),
        "GOODGOV_ALLOWED_HOSTS": "services.example.go.th",
        "GOODGOV_BASE_URL": "https://services.example.go.th",
        "GOODGOV_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
        **extra,
    }
    # when
    result = run_goodgov("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("base_url", ["", "http://services.example.go.th", "https://localhost"])
def test_production_needs_its_public_https_address(tmp_path: Path, base_url: str) -> None:
    # given: production settings whose base address is the default (unset), plain HTTP
    # or this machine: issued documents and emails would link there
    env = {
        "GOODGOV_PRODUCTION": "1",
        "GOODGOV_DATA_DIR": str(tmp_path),
        "GOODGOV_ALLOWED_HOSTS": "services.example.go.th",
        "GOODGOV_BASE_URL": base_url,
        "GOODGOV_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
    }
    # when
    result = run_goodgov("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then
    assert result.returncode != 0
    assert "goodgov.W001" in result.stderr + result.stdout
    assert "GOODGOV_BASE_URL" in result.stderr + result.stdout


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


def _database_options(env: dict[str, str]) -> str:
    show = (
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
        " print(o.get('server_side_binding'), o.get('prepare_threshold'))",
    )
    result = run_goodgov(*show, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_on_postgresql_statements_are_prepared_unless_turned_off(tmp_path: Path) -> None:
    # given: a PostgreSQL URL (nothing connects to it here)
    env = {
        "GOODGOV_DATA_DIR": str(tmp_path),
        "GOODGOV_DATABASE_URL": "postgres://goodgov:secret@db.example.test:5432/goodgov",
    }
    # then: parameters bound by the server, often-run statements prepared
    assert _database_options(env) == "True 5"
    # and behind a pooler that cannot keep them, off
    assert _database_options({**env, "GOODGOV_DB_PREPARED": "0"}) == "None None"
    # and SQLite has nothing of the sort
    assert _database_options({"GOODGOV_DATA_DIR": str(tmp_path)}) == "None None"


def test_an_unknown_email_delivery_is_refused_at_start(tmp_path: Path) -> None:
    result = run_goodgov(
        "check", env={"GOODGOV_DATA_DIR": str(tmp_path), "GOODGOV_EMAIL_DELIVERY": "later"}
    )
    assert result.returncode != 0
    assert "GOODGOV_EMAIL_DELIVERY must be 'now' or 'outbox'" in result.stderr


def test_blank_variables_mean_their_defaults(tmp_path: Path) -> None:
    # given: variables left empty, as a systemd unit or a compose file often leaves them
    env = {"GOODGOV_DATA_DIR": str(tmp_path)}
    env |= dict.fromkeys(
        [
            "GOODGOV_ALLOWED_HOSTS",
            "GOODGOV_DB_CONN_MAX_AGE",
            "GOODGOV_UPLOAD_MAX_BYTES",
            "GOODGOV_BASE_URL",
            "GOODGOV_FROM_EMAIL",
            "GOODGOV_EMAIL_URL",
            "GOODGOV_EMAIL_DELIVERY",
            "GOODGOV_TASKS_BACKEND",
            "GOODGOV_SECRET_KEY",
            "GOODGOV_EXCHANGE_TRACKER_TIMEOUT",
        ],
        " ",
    )
    code = (
        "from django.conf import settings as s; "
        "print(s.ALLOWED_HOSTS, s.DATABASES['default']['CONN_MAX_AGE'], "
        "s.GOODGOV_UPLOAD_MAX_BYTES, s.BASE_URL, s.DEFAULT_FROM_EMAIL, "
        "s.EMAIL_BACKEND.rsplit('.', 2)[1], s.GOODGOV_EMAIL_DELIVERY, "
        "s.TASKS['default']['BACKEND'].rsplit('.', 1)[1], len(s.SECRET_KEY) >= 50, "
        "s.GOODGOV_EXCHANGE_TRACKER_TIMEOUT)"
    )

    # when
    result = run_goodgov("shell", "--no-imports", "-c", code, env=env)

    # then: each as if it were not set (the secret key generated and kept)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['127.0.0.1',",
        "'localhost']",
        "60",
        "10485760",
        "http://127.0.0.1:8000",
        "no-reply@goodgov.invalid",
        "filebased",
        "now",
        "ImmediateBackend",
        "True",
        "2.0",
    ]


def test_the_exchange_limits_of_the_data_use_tracker_come_from_the_environment(
    tmp_path: Path,
) -> None:
    env = {
        "GOODGOV_DATA_DIR": str(tmp_path),
        "GOODGOV_EXCHANGE_TRACKER_TIMEOUT": "1.5",
        "GOODGOV_EXCHANGE_TRACKER_BUDGET": "4",
    }
    code = (
        "from goodgov.exchange import remote_uses as r; "
        "print(r._setting('TIMEOUT', r.TIMEOUT), r._setting('BUDGET', r.BUDGET))"
    )
    result = run_goodgov("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1.5", "4.0"]


def test_an_smtp_address_with_a_bad_port_is_refused_naming_the_variable(tmp_path: Path) -> None:
    result = run_goodgov(
        "check",
        env={"GOODGOV_DATA_DIR": str(tmp_path), "GOODGOV_EMAIL_URL": "smtp://mail:twenty-five"},
    )
    assert result.returncode != 0
    assert "GOODGOV_EMAIL_URL must be smtp://host[:port]" in result.stderr


def test_a_number_that_is_not_one_is_refused_naming_the_variable(tmp_path: Path) -> None:
    result = run_goodgov(
        "check", env={"GOODGOV_DATA_DIR": str(tmp_path), "GOODGOV_UPLOAD_MAX_BYTES": "10MB"}
    )
    assert result.returncode != 0
    assert "GOODGOV_UPLOAD_MAX_BYTES must be a number, not '10MB'" in result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_a_statement_run_often_is_prepared_by_postgresql(citizen_a) -> None:
    from goodgov.accounts.models import User

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"accounts_user"%'],
            )
            return int(cursor.fetchone()[0])

    before = prepared()
    for _ in range(6):
        assert User.objects.filter(pk=citizen_a.pk, is_active=True).exists()
    assert prepared() == before + 1


def test_a_mistyped_yes_or_no_stops_the_start_naming_it(tmp_path: Path) -> None:
    # when: a typo that, read as "no", would turn production's protections off
    result = run_goodgov(
        "check", env={"GOODGOV_DATA_DIR": str(tmp_path), "GOODGOV_PRODUCTION": "ture"}
    )
    # then
    assert result.returncode != 0
    assert "GOODGOV_PRODUCTION must be one of 1, true, yes, on or 0, false, no, off" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("value", "meaning"),
    [
        *[("0", False), ("false", False), ("No", False), ("OFF", False), ("", True)],
        *[("1", True), ("true", True), ("Yes", True), ("on", True)],
    ],
)
def test_yes_and_no_in_their_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, value: str, meaning: bool
) -> None:
    from goodgov.settings import _env_bool

    monkeypatch.setenv("GOODGOV_SOMETHING", value)
    assert _env_bool("GOODGOV_SOMETHING", True) is meaning


@pytest.mark.parametrize("url", ["nonsense", "mysql://x", "sqlite://", "postgres//db"])
def test_a_database_url_of_another_kind_is_refused_naming_the_variable(url: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from goodgov.settings import _database

    with pytest.raises(ImproperlyConfigured, match="GOODGOV_DATABASE_URL must be postgres://"):
        _database(url)


def test_the_data_directory_and_uploads_are_private(tmp_path: Path) -> None:
    # when: the platform makes its data directory
    data = tmp_path / "new-data"
    result = run_goodgov("check", env={"GOODGOV_DATA_DIR": str(data)})
    # then: nobody else on the machine can read it
    assert result.returncode == 0, result.stderr
    assert data.stat().st_mode & 0o077 == 0
