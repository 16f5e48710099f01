"""``goodgov catalogue load``: one line per service; problems on stderr, exit non-zero."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from goodgov.catalogue.models import Service
from tests.catalogue.conftest import CODES


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_prints_one_line_per_service(agencies, services_dir):
    # when
    out, err = run("load", "--dir", str(services_dir))

    # then
    assert out.splitlines() == [
        "building-permit: new (version 1)",
        "elderly-allowance: new (version 1)",
        "food-shop-permit: new (version 1)",
        "pdpa-correction: new (version 1)",
        "pdpa-erasure: new (version 1)",
        "residence-certificate: new (version 1)",
    ]
    assert err == ""


def test_a_second_load_says_unchanged_and_a_changed_file_says_new_version(
    agencies, services_dir, edit
):
    # given
    run("load", "--dir", str(services_dir))
    edit("residence-certificate", lambda d: d["fee"].update(amount=20))

    # when
    out, _err = run("load", "--dir", str(services_dir))

    # then
    assert out.splitlines() == [
        "building-permit: unchanged (version 1)",
        "elderly-allowance: unchanged (version 1)",
        "food-shop-permit: unchanged (version 1)",
        "pdpa-correction: unchanged (version 1)",
        "pdpa-erasure: unchanged (version 1)",
        "residence-certificate: new version 2",
    ]


def test_load_reads_settings_services_dir_by_default(agencies, services_dir, settings):
    # given
    settings.SERVICES_DIR = services_dir

    # when
    out, _err = run("load")

    # then
    assert len(out.splitlines()) == len(CODES)
    assert Service.objects.count() == len(CODES)


def test_the_command_exits_non_zero_and_prints_every_problem(agencies, services_dir, edit, capsys):
    # given
    edit("food-shop-permit", lambda d: d["name"].pop("th"))
    edit("building-permit", lambda d: d.update(agency="NOPE"))

    out, err = StringIO(), StringIO()

    # when (call_command: run_from_argv would close the test's database connection)
    with pytest.raises(CommandError) as raised:
        call_command("catalogue", "load", "--dir", str(services_dir), stdout=out, stderr=err)

    # then: the shell sees exit status 1 and every problem on stderr
    assert raised.value.returncode == 1
    assert str(raised.value) == f"2 problems in {services_dir}; nothing was published."
    assert out.getvalue() == ""
    assert err.getvalue().splitlines() == [
        "building-permit.yaml: agency: no agency has the code 'NOPE'",
        "food-shop-permit.yaml: name.th: the Thai text is missing",
    ]
    assert not Service.objects.exists()


def test_the_command_needs_an_action(db, capsys):
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["goodgov", "catalogue"])
    assert exited.value.code == 2
    assert "ACTION" in capsys.readouterr().err
