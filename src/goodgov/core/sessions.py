"""Sessions that end after a period without use, without a database write per request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

REFRESH_EVERY_SECONDS = 60
_SEEN_KEY = "_goodgov_seen"


class SlidingSessionMiddleware:
    """Push a signed-in session's expiry forward, at most once a minute.

    ``SESSION_COOKIE_AGE`` then means "idle for this long": a session used within the
    last minute keeps its full lifetime. Django's ``SESSION_SAVE_EVERY_REQUEST`` does the
    same with a write on every request; this writes once a minute at most.
    Place it after ``SessionMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if now - int(session.get(_SEEN_KEY, 0)) >= REFRESH_EVERY_SECONDS:
            session[_SEEN_KEY] = now  # marks the session modified: saved with a new expiry
        return response
