"""The management commands refuse a number out of range when they parse it, naming the
argument, rather than failing later with a traceback or, for ``mail send --batch 0``,
never stopping."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mail", "send", "--batch", "0"], "argument --batch: must be at least 1, not 0"),
        (["mail", "send", "--follow", "--interval", "0"], "--interval: must be more than 0"),
        (["mail", "send", "--older-than", "-5"], "--older-than: must be at least 0, not -5"),
        (["mail", "send", "--interval", "soon"], "--interval: 'soon' is not a number"),
        (["demo", "--people", "-3"], "argument --people: must be at least 0, not -3"),
        (["exchange", "people", "--count", "-1"], "argument --count: must be at least 0"),
    ],
)
def test_a_number_out_of_range_is_refused_naming_the_argument(db, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(*args)
