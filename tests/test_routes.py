"""Every route states who may use it, and no protected page answers a stranger.

Like GOV.UK Notify's ``test_route_authentication.py``: the tests walk the real URL
configuration rather than a list someone must remember to update.

- Every Django view carries an access rule (``goodgov.core.access.rule``), or its
  third-party group is declared in ``urls.py`` with ``access.declare``.
- Every django-ninja operation states its auth: an auth class, or ``auth=None``
  written out for a public operation (on the operation, its router or the API).
- An anonymous GET of every parameter-less route that is not public is sent to
  sign in, or answered 401/403 (API), 404 or 405; never 200.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation
from ninja.constants import NOT_SET
from ninja.operation import Operation, PathView

from goodgov.api import api
from goodgov.core.access import PUBLIC, rule_of

LANGUAGES = [code for code, _name in settings.LANGUAGES]
_PLAIN_REGEX = re.compile(r"[\w\-/.]*")


@dataclass(frozen=True)
class Route:
    path: str  # "/" + route text; only usable as a URL when ``literal``
    name: str
    callback: Any
    literal: bool  # no parameters: the path is the URL


def _part(pattern: Any) -> tuple[str, bool]:
    """The text a pattern adds to the URL, and whether it takes no parameters."""
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix, True
    if isinstance(pattern, RoutePattern):
        return str(pattern), not pattern.converters
    if isinstance(pattern, RegexPattern):
        text = str(pattern).removeprefix("^").removesuffix("$").removesuffix(r"\Z")
        literal = pattern.regex.groups == 0 and _PLAIN_REGEX.fullmatch(text) is not None
        return text.replace("\\", ""), literal
    return str(pattern), False


def _walk(
    patterns: list[Any], prefix: str = "", names: str = "", literal: bool = True
) -> Iterator[Route]:
    for entry in patterns:
        text, plain = _part(entry.pattern)
        if isinstance(entry, URLResolver):
            namespace = f"{names}{entry.namespace}:" if entry.namespace else names
            yield from _walk(entry.url_patterns, prefix + text, namespace, literal and plain)
        elif isinstance(entry, URLPattern):
            name = f"{names}{entry.name}" if entry.name else f"{names}<unnamed>"
            yield Route("/" + prefix + text, name, entry.callback, literal and plain)


def routes(language: str = settings.LANGUAGE_CODE) -> list[Route]:
    with translation.override(language):
        return list(_walk(get_resolver().url_patterns))


def _describe(callback: Any) -> str:
    target = getattr(callback, "func", callback)  # functools.partial
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))}"


def ninja_path_view(callback: Any) -> PathView | None:
    """The django-ninja PathView behind a URL callback (ninja's own view closure), if any."""
    if not inspect.isfunction(callback):
        return None
    owner = inspect.getclosurevars(callback).nonlocals.get("self")
    return owner if isinstance(owner, PathView) else None


def api_operations() -> Iterator[tuple[str, PathView, Operation, bool]]:
    """Every operation of the API as mounted: (path, its view, operation, auth stated).

    ninja keeps ``auth_param`` as written on the operation (``NOT_SET`` when absent);
    a router or the API may state it for all their operations instead.
    ``_get_bound_routers`` is how ninja itself builds the URLs; it has no public twin.
    """
    api.urls  # noqa: B018 -- builds and freezes the routers, as urls.py already did
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                stated = (
                    operation.auth_param is not NOT_SET
                    or bound.auth is not NOT_SET
                    or api.auth is not NOT_SET
                )
                yield f"{bound.prefix}{path}", path_view, operation, stated


def _is_public_operation(operation: Operation) -> bool:
    return not operation.auth_callbacks


def test_every_route_states_its_access_rule() -> None:
    # given
    all_routes = routes()

    # when
    missing = [
        f"{route.path}  ({route.name} -> {_describe(route.callback)})"
        for route in all_routes
        if ninja_path_view(route.callback) is None and rule_of(route.callback) is None
    ]

    # then
    assert any(route.name == "web:home" for route in all_routes), "the walk missed web:home"
    assert not missing, "routes without an access rule (goodgov.core.access.rule):\n" + "\n".join(
        missing
    )


def test_every_api_operation_states_its_auth() -> None:
    # given
    operations = list(api_operations())
    mounted = {id(ninja_path_view(route.callback)) for route in routes()} - {id(None)}

    # when
    implicit = [
        f"{', '.join(op.methods)} {path}  ({_describe(op.view_func)})"
        for path, _view, op, stated in operations
        if not stated
    ]

    # then
    assert {id(view) for _path, view, _op, _stated in operations} == mounted, (
        "the API walk and the URL walk found different API paths"
    )
    assert not implicit, (
        "API operations without an explicit auth (public ones say auth=None):\n"
        + "\n".join(implicit)
    )


def _sign_in_pages() -> set[str]:
    pages = {urlsplit(resolve_url(settings.LOGIN_URL)).path}
    pages.add(reverse("admin:login"))
    return pages


def _refusal_problem(client: Client, path: str, sign_in: set[str], api_route: bool) -> str | None:
    """None when an anonymous GET of ``path`` is refused; otherwise what happened.

    Refused: 404 or 405 (401 or 403 from the API), or redirects that end on a sign-in
    page (Django admin's logout, for one, sends strangers to its index, which sends
    them to its sign-in page).
    """
    response = client.get(path)
    hops = [path]
    while response.status_code in (301, 302, 303, 307, 308) and len(hops) <= 5:
        location = urlsplit(response["Location"])
        if location.netloc or location.path in sign_in:
            break
        hops.append(location.path)
        response = client.get(location.path)
    status = response.status_code
    if status in (404, 405) or (api_route and status in (401, 403)):
        return None
    if status in (301, 302, 303, 307, 308):
        if (
            urlsplit(response["Location"]).path in sign_in
            and not urlsplit(response["Location"]).netloc
        ):
            return None
        return f"redirects to {response['Location']} via {' -> '.join(hops)} (not sign-in)"
    return f"answers {status}" + (f" via {' -> '.join(hops)}" if len(hops) > 1 else "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_anonymous_get_of_every_protected_route_is_refused(db: Any, language: str) -> None:
    # given
    client = Client(raise_request_exception=False)
    with translation.override(language):
        sign_in = _sign_in_pages()
    checked: list[str] = []
    problems: list[str] = []

    # when
    for route in routes(language):
        if not route.literal or route.path in sign_in:
            continue  # parameters to invent, or the sign-in page itself
        path_view = ninja_path_view(route.callback)
        if path_view is not None:
            operations = [op for op in path_view.operations if "GET" in op.methods]
            if not operations or all(_is_public_operation(op) for op in operations):
                continue
        elif (rule_of(route.callback) or "").split(":")[0] == PUBLIC:
            continue
        checked.append(route.path)
        problem = _refusal_problem(client, route.path, sign_in, path_view is not None)
        if problem:
            problems.append(f"GET {route.path}  ({route.name}): {problem}")

    # then
    assert "/" + ("" if language == settings.LANGUAGE_CODE else f"{language}/") + "dashboard/" in (
        checked
    ), "the walk missed the dashboard, a signed-in route"
    assert not problems, "protected routes that answer an anonymous GET:\n" + "\n".join(problems)
