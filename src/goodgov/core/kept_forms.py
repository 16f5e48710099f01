"""What a person typed into a form they sent after their session had ended.

A session ends after 30 minutes without a request, or when the person signs out in
another tab. Someone who spent longer than that on a form, and then sent it, used to
meet the sign-in page and then the form afresh, or a "method not allowed" page when the
form is sent to an address only a POST reaches (an answer, an officer's decision).

Instead :func:`goodgov.core.access.rule` sends them, after signing in, to the page the
form was on: the one the view names (``form_page``), else a same-site ``Referer``, else
the address the form was sent to (:func:`page_of_form`). For a view that names its form's
page, :func:`keep` also puts the form's fields in the new session, sealed (they may hold personal data; the session
table is not encrypted), with the address the form was sent to. Signing in keeps the
session's data (Django's ``login`` cycles the key of a session that had no user). Back
on that page, the view that draws the form calls :func:`take` with the address the form
is sent to: it gets the fields once, to show, not to act on, so the person checks them
and sends them again. Chosen files cannot be kept (the page says so). What is kept goes
when it is taken, when the person first opens another signed-in page, and after
:data:`MAX_AGE` seconds.

Anyone can send a form without a session, so each address may have only a few forms kept
a minute (:data:`RATE_LIMIT`, through allauth's rate limits, as sign-in's are): past that
the person still goes to sign-in and back to the form's page, without what they typed,
and a script cannot fill the session table with sealed forms.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, QueryDict
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from goodgov.core import national_id

#: What the page that shows a kept form again says above it.
KEPT_TYPING = _(
    "This is what you typed before your session ended. Nothing has been saved or sent"
    " yet: check it, then send it again."
)
#: ``form_page`` of a view whose form is sent to its own address (see :func:`posted`).
HERE = "."
SESSION_KEY = "goodgov.kept_form"
PURPOSE = b"kept-form-v1"
MAX_AGE = 60 * 60  # a form kept longer than this is dropped: sign-in takes minutes
MAX_BYTES = 64 * 1024  # a larger form is not kept (sessions are read on every request)
#: The allauth rate limit (``ACCOUNT_RATE_LIMITS``) counting forms kept per address.
RATE_LIMIT = "keep_form"
# Never kept: the form's token (a new one comes with the new session) and secrets.
SKIPPED = ("csrfmiddlewaretoken",)
SECRET_WORDS = ("password", "secret", "otp", "token")


def _kept_fields(request: HttpRequest) -> dict[str, list[str]]:
    return {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in SKIPPED and not any(word in name.lower() for word in SECRET_WORDS)
    }


def page_of_form(request: HttpRequest) -> str:
    """Where to come back to: the same-site page the form was sent from, else where it
    was sent (never the sign-in page itself)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
        if (
            back.startswith("/")
            and not back.startswith("//")
            and parts.path != resolve_url(settings.LOGIN_URL)
        ):
            return back
    return request.get_full_path()


def keep(request: HttpRequest, back: str) -> tuple[bool, bool]:
    """Keep what was typed into the form ``request`` sends, for the page ``back`` (a
    path) that shows it again; returns whether anything typed was kept (False: nothing
    typed, or too much to keep) and whether files were chosen (they are not kept)."""
    fields = _kept_fields(request)
    files = any(f.size for name in request.FILES for f in request.FILES.getlist(name))
    sealed = (
        seal(fields) if typed(fields) and ratelimit.consume(request, action=RATE_LIMIT) else None
    )
    if sealed is None or len(sealed["fields"]) > MAX_BYTES:
        request.session.pop(SESSION_KEY, None)
        return False, files
    request.session[SESSION_KEY] = {
        "action": request.path,
        "back": back.split("?", 1)[0],
        **sealed,
    }
    return True, files


def typed(fields: dict[str, list[str]]) -> bool:
    """Whether any of ``fields`` (name: values) holds something typed."""
    return any(value.strip() for values in fields.values() for value in values)


def seal(fields: dict[str, list[str]]) -> dict[str, Any]:
    """``fields`` (name: values) sealed for a session, with the time: what :func:`unseal`
    opens, within :data:`MAX_AGE`."""
    sealed = national_id.encrypt_text(json.dumps(fields, ensure_ascii=False), purpose=PURPOSE)
    return {"at": int(time.time()), "fields": sealed}


def unseal(kept: dict[str, Any]) -> QueryDict | None:
    """The fields :func:`seal` sealed in ``kept``, as a form's data; None once older than
    :data:`MAX_AGE`, or if no configured key opens them."""
    if time.time() - kept.get("at", 0) > MAX_AGE:
        return None
    try:
        fields = json.loads(national_id.decrypt_text(kept["fields"], purpose=PURPOSE))
    except (national_id.UnknownKey, ValueError, KeyError):
        return None
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, values)
    data._mutable = False
    return data


def forget_elsewhere(request: HttpRequest) -> None:
    """Drop what is kept once the person, signed in again, opens a page other than the
    one it was kept for, or once it is too old."""
    kept = request.session.get(SESSION_KEY)
    if kept is None:
        return
    if request.path != kept.get("back") or time.time() - kept.get("at", 0) > MAX_AGE:
        del request.session[SESSION_KEY]


def take(request: HttpRequest, action: str, *, banner: bool = True) -> QueryDict | None:
    """The fields kept from a form sent to ``action`` (a path), once, and a banner over
    the page saying what they are (:data:`KEPT_TYPING`; ``banner=False`` for a page that
    decides from the fields whether it shows any); None if none are kept."""
    kept: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if kept is None or kept.get("action") != action:
        return None
    del request.session[SESSION_KEY]
    data = unseal(kept)
    if data is not None and banner:
        messages.warning(request, KEPT_TYPING)
    return data


def posted(request: HttpRequest) -> QueryDict | None:
    """What a form sent to its own address is bound with: the data sent; or, on the
    page's first showing after the person signed in again, what was kept for it
    (:func:`take`); else None (a fresh form)."""
    if request.method == "POST":
        return request.POST
    return take(request, request.path)
