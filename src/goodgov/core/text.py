"""Text people type: what no answer, message or reason may carry.

Control characters (NUL, escape, bell, the C1 range…) arrive by copying and pasting or
from a client that means harm. They are invisible on a page, may cut a value short in a
PDF or in another agency's system, and NUL is refused outright by PostgreSQL's text
columns. Tab, line feed and carriage return are ordinary in a paragraph and allowed.
One rule for every form and the API, with one message.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: C0 controls except tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROL_CHARACTERS_MESSAGE = _(
    "Remove the invisible control characters from this answer: they can come with text "
    "copied from elsewhere"
)


def has_control_characters(value: Any) -> bool:
    """Whether ``value`` (a string, or a list or mapping of them, at any depth) holds one."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, dict):
        return any(has_control_characters(v) or has_control_characters(k) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_control_characters(v) for v in value)
    return False


def refuse_control_characters(value: Any, parts: Collection[str] = ()) -> None:
    """``ValidationError`` (code ``control_characters``) for what was typed, before it is
    read or tidied (tidying would hide some, a vertical tab being white space, and keep
    others). ``parts``: the inputs of a field of several that hold them, for its error
    summary link."""
    if has_control_characters(value):
        params = {"parts": tuple(parts)} if parts else None
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters", params=params)


class PlainTextMixin:
    """For a form field of free text: control characters are refused with the shared
    message before the field reads the value (and so before Django's own "Null
    characters are not allowed.")."""

    def to_python(self, value: Any) -> Any:
        refuse_control_characters(value)
        return super().to_python(value)  # type: ignore[misc]
