"""The numbers and texts of the warning before a signed-in session ends (WCAG 2.2
success criterion 2.2.1, Timing Adjustable): ``includes/session_timeout.html`` renders
them, ``static_src/session-timeout.js`` shows them. The script holds no text of its own."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from goodgov.core.sessions import REFRESH_EVERY_SECONDS

register = template.Library()

WARN_FOR_SECONDS = 120  # the warning is shown this long before the session ends
STEP_SECONDS = 15  # the countdown on screen changes this often; screen readers hear each minute


def warn_after_seconds() -> int:
    """Seconds after a page loads at which to warn. The page's request pushed the
    session's expiry forward only if the last push was a minute or more before it
    (``goodgov.core.sessions``), so the session may end up to a minute sooner than
    ``SESSION_COOKIE_AGE`` after the page loaded: count from the earliest."""
    return max(0, settings.SESSION_COOKIE_AGE - REFRESH_EVERY_SECONDS - WARN_FOR_SECONDS)


def duration(seconds: int) -> str:
    """``105`` -> "1 minute 45 seconds", in the reader's language."""
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(
            ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        )
    if rest or not minutes:
        parts.append(ngettext("%(count)s second", "%(count)s seconds", rest) % {"count": rest})
    return " ".join(parts)


@register.simple_tag
def session_timeout() -> dict[str, Any]:
    """Everything the warning dialog needs: when to warn, for how long, the countdown's
    texts (one per step of :data:`STEP_SECONDS`, keyed by seconds left) and what screen
    readers are told at each whole minute after the first (which the dialog's
    description already says)."""
    steps = range(WARN_FOR_SECONDS, 0, -STEP_SECONDS)
    return {
        "warn_after": warn_after_seconds(),
        "warn_for": WARN_FOR_SECONDS,
        "countdown": json.dumps({str(left): duration(left) for left in steps}, ensure_ascii=False),
        "announcements": json.dumps(
            {
                str(left): gettext("You will be signed out in %(time)s.") % {"time": duration(left)}
                for left in steps
                if left % 60 == 0 and left != WARN_FOR_SECONDS
            },
            ensure_ascii=False,
        ),
        "countdown_html": format_html(
            '<strong class="gg-timeout__countdown" data-session-timeout-countdown>{}</strong>',
            duration(WARN_FOR_SECONDS),
        ),
    }
