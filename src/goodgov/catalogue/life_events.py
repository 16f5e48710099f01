"""Life events: how people look for a service (“I am having a baby”), not how
government is organised. A service lists the codes of the events it belongs to.

The codes are fixed here and in ``service.schema.json`` (a test keeps them equal).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LIFE_EVENTS: dict[str, Promise] = {
    "birth": _("Having a baby"),
    "education": _("Education"),
    "work": _("Work"),
    "business": _("Running a business"),
    "housing": _("Housing and building"),
    "family": _("Family and marriage"),
    "health": _("Health"),
    "old-age": _("Older age"),
    "disability": _("Disability"),
    "death": _("Death and bereavement"),
    "documents": _("Documents and certificates"),
}


def label(code: str) -> str:
    """The life event's name in the current language (the code itself if unknown)."""
    found = LIFE_EVENTS.get(code)
    return str(found) if found is not None else code
