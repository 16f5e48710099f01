"""Deny by default: every view states who may use it.

A view is wrapped with :func:`rule`, which records a human-readable rule on the view
(``view.access_rule``) and enforces the coarse part of it (signed in, officer). The
fine part (is this *your* case, is this *your* agency) lives in each app's
``access.py`` and answers "not found" for both "forbidden" and "does not exist".
``tests/test_routes.py`` walks every URL and fails on a view with no rule.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from goodgov.core import kept_forms

PUBLIC = "public"
SIGNED_IN = "signed-in"
OFFICER = "officer"
AGENCY_ADMIN = "agency-admin"

_KINDS = {PUBLIC, SIGNED_IN, OFFICER, AGENCY_ADMIN}


def rule(
    kind: str, detail: str = "", *, form_page: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare and enforce who may use a view.

    ``public``: anyone. ``signed-in``: any signed-in person; object checks in the view.
    ``officer``: signed-in member of an agency; agency and role checks in the view.
    ``agency-admin``: signed-in admin of an agency.

    A form sent to a view that is not public by someone whose session has ended leads
    to the sign-in page, then back to the page the form was on. ``form_page`` names that
    page (a URL name, reversed with the view's own arguments; ``kept_forms.HERE`` for the
    view's own address): what they typed is then kept meanwhile, and that page must show
    it again (:func:`goodgov.core.kept_forms.take`, or :func:`~goodgov.core.kept_forms.posted`).
    Without it they come back to the page their browser says the form was on, or else
    to the view's own address, and what they typed is not kept.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown access kind {kind!r}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if kind != PUBLIC and not request.user.is_authenticated:
                if request.method == "POST":
                    return _signed_out_form(request, form_page, kwargs)
                return redirect_to_login(request.get_full_path())
            if kind != PUBLIC and kept_forms.SESSION_KEY in request.session:
                kept_forms.forget_elsewhere(request)
            if kind == OFFICER and not request.user.memberships.filter(active=True).exists():  # type: ignore[union-attr]
                raise Http404
            if (
                kind == AGENCY_ADMIN
                and not request.user.memberships.filter(  # type: ignore[union-attr]
                    active=True, role="admin"
                ).exists()
            ):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.access_rule = f"{kind}: {detail}" if detail else kind  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _signed_out_form(
    request: HttpRequest, form_page: str | None, kwargs: dict[str, Any]
) -> HttpResponse:
    """A form sent to a signed-in page by someone whose session has ended: ask them to
    sign in again, coming back to the page the form was on, and keep what they typed if
    that page shows it again (:mod:`goodgov.core.kept_forms`)."""
    if form_page is None:
        back, kept, files = kept_forms.page_of_form(request), False, False
    else:
        back = request.path if form_page == kept_forms.HERE else reverse(form_page, kwargs=kwargs)
        kept, files = kept_forms.keep(request, back)
    if kept:
        text = _(
            "Your session has ended, so what you sent has not been received yet. Sign in"
            " again to go back to the form with what you typed."
        )
        if files:
            text += " " + _("Files you chose cannot be kept: please choose them again.")
    else:
        text = _(
            "Your session has ended, so what you sent has not been received. Sign in again"
            " to carry on."
        )
    messages.warning(request, text)
    return redirect_to_login(back)


_declared: dict[int, tuple[Any, str]] = {}


def declare(rule_text: str, patterns: list[Any]) -> list[Any]:
    """Record the rule of a third-party URL group (allauth, Django admin) for its views."""
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            declare(rule_text, entry.url_patterns)
        elif isinstance(entry, URLPattern):
            # Keep a reference so the id stays unique for the life of the process.
            _declared.setdefault(id(entry.callback), (entry.callback, rule_text))
    return patterns


def rule_of(callback: Any) -> str | None:
    """The declared access rule of a view callback, or None."""
    declared = getattr(callback, "access_rule", None)
    if declared:
        return str(declared)
    entry = _declared.get(id(callback))
    return entry[1] if entry is not None else None
