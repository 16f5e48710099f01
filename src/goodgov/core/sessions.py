"""Sessions that end after a period without use, without a database write per request,
and read with one plain statement.

``SessionMiddleware`` replaces Django's in ``MIDDLEWARE``: the same, but when sessions are
kept in the database (Django's default engine, ours) it reads them through
:class:`SessionStore`. This module is an engine itself too (``SESSION_ENGINE =
"goodgov.core.sessions"``): the sessions' table, format and writes stay Django's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

DATABASE_ENGINES = frozenset({"django.contrib.sessions.backends.db", __name__})


class SessionStore(db.SessionStore):
    """Django's database sessions, each read with one plain ``SELECT``.

    Every signed-in request reads its session; the ORM took several times as long to
    build that query as the database took to answer it. Writes (sign-in, sign-out, at
    most one expiry push a minute) stay Django's own.
    """

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if key is None:
            self._session_key = None
            return None
        model = self.model
        connection = connections[model.objects.db]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)}"  # noqa: S608
                f" WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:  # unknown or expired: a new session if one is needed
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, reading database sessions with :class:`SessionStore`
    (any other ``SESSION_ENGINE`` is used as configured)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        if settings.SESSION_ENGINE in DATABASE_ENGINES:
            self.SessionStore = SessionStore


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
