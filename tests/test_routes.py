"""Every route states who may use it, and no protected page answers a stranger.

Like GOV.UK Notify's ``test_route_authentication.py``: the tests walk the real URL
configuration rather than a list someone must remember to update.

- Every Django view carries an access rule (``goodgov.core.access.rule``), or its
  third-party group is declared in ``urls.py`` with ``access.declare``.
- Every django-ninja operation states its auth: an auth class, or ``auth=None``
  written out for a public operation (on the operation, its router or the API).
- An anonymous GET and an empty anonymous POST of every route that is not public
  (allauth's signed-in pages included, though their group is declared public) are sent
  to sign in, or answered 401/403 (API), 404 or 405; never 200, never 5xx; and they
  change nothing. Parameters are filled with real objects' values
  (``tests/route_fixtures.py``), so that a view which forgot its check would answer;
  a parameter the walk has no value for fails it.
- Those values are real: each page with parameters answers one of the people who own
  or work on its objects.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation
from ninja.constants import NOT_SET
from ninja.operation import Operation, PathView

from goodgov.api import api
from goodgov.core.access import PUBLIC, rule_of
from goodgov.ledger.models import Event
from goodgov.urls import allauth_patterns
from tests import route_fixtures
from tests.conftest import login

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


def test_every_app_that_serves_a_route_has_its_access_module() -> None:
    """DESIGN.md: each domain app's ``access.py`` decides who may see and do what. An
    app of the platform with a view on some route and data of its own (``models.py``)
    must have one; ``web`` (home, statements, errors) serves only other apps' data."""
    # given
    serving = {
        module.split(".")[1]
        for route in routes()
        for module in [getattr(route.callback, "__module__", "") or ""]
        if module.startswith("goodgov.")
    }
    with_data = {
        app.split(".")[1]
        for app in settings.INSTALLED_APPS
        if app.startswith("goodgov.") and importlib.util.find_spec(f"{app}.models") is not None
    }

    # when
    without = sorted(
        app
        for app in serving & with_data
        if importlib.util.find_spec(f"goodgov.{app}.access") is None
    )

    # then
    assert {"cases", "catalogue", "ledger", "notifications", "accounts"} <= serving & with_data, (
        "the walk missed apps that serve routes"
    )
    assert not without, f"apps serving routes without an access.py: {without}"


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


#: allauth's URL group is declared public in ``urls.py`` (strangers must reach its sign-in
#: pages), but these of its pages need a signed-in person: the walk treats them as
#: protected, like the platform's own.
ALLAUTH_SIGNED_IN = {
    "account_email",  # the person's addresses (the platform's own view answers it first)
    "account_change_password",
    "account_set_password",
    "account_reauthenticate",  # the password again, before a sensitive change
    "account_change_phone",
    "mfa_index",  # the second factor's settings
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}
#: allauth's pages for strangers: signing in, up and out, resetting a password, and the
#: steps that work off the half-signed-in session (second factor, emailed code, phone
#: code during sign-up) or a link's key.
ALLAUTH_PUBLIC = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "account_verify_phone",
    "mfa_authenticate",
}
METHODS = ("GET", "POST")
REDIRECTS = (301, 302, 303, 307, 308)
_PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>(?:[^()]|\([^()]*\))*\)")
_TITLE = re.compile(rb"<title>\s*(.*?)\s*</title>", re.DOTALL)


def _sign_in_pages() -> set[str]:
    pages = {urlsplit(resolve_url(settings.LOGIN_URL)).path}
    pages.add(reverse("admin:login"))
    return pages


def _protected_methods(route: Route, allauth: set[int]) -> list[str] | str:
    """The methods a stranger must be refused on ``route`` (none for a public route), or
    why the walk cannot tell."""
    path_view = ninja_path_view(route.callback)
    if path_view is not None:
        if all(_is_public_operation(op) for op in path_view.operations):
            return []
        return [  # a method with no operation at all must answer 405
            method
            for method in METHODS
            if not all(
                _is_public_operation(op) for op in path_view.operations if method in op.methods
            )
            or not any(method in op.methods for op in path_view.operations)
        ]
    if id(route.callback) in allauth:
        if route.name in ALLAUTH_SIGNED_IN:
            return list(METHODS)
        if route.name in ALLAUTH_PUBLIC:
            return []
        return (
            "an allauth page in neither ALLAUTH_SIGNED_IN nor ALLAUTH_PUBLIC of "
            "tests/test_routes.py: put it in the one it belongs to"
        )
    if (rule_of(route.callback) or "").split(":")[0] == PUBLIC:
        return []
    return list(METHODS)


def _fill(
    route: Route, values: dict[str, route_fixtures.Value], by_route: dict[str, Any]
) -> tuple[str, list[str]]:
    """The route's URL with each parameter's value, and the parameters without one."""
    missing: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match["name"] or match["group"]
        known = by_route.get(route.name, {}).get(name, values.get(name))
        if known is None:
            missing.append(name)
            return match[0]
        return known(route.path) if callable(known) else known

    return _PARAMETER.sub(value, route.path), missing


def _reaches(url: str, route: Route, language: str) -> bool:
    """Whether ``url`` is answered by ``route``'s view (the API's by its operations)."""
    try:
        with translation.override(language):  # a request may have activated another
            found = resolve(url)
    except Resolver404:
        return False
    path_view = ninja_path_view(route.callback)
    if path_view is not None:
        return ninja_path_view(found.func) is path_view
    return found.func is route.callback


def _what_it_gave(response: Any) -> str:
    """What a page let out: its type, size and title."""
    kind = response.get("Content-Type", "?")
    if response.streaming:
        return f"{kind}, a file"
    title = _TITLE.search(response.content)
    shown = f", title {title[1].decode(errors='replace')!r}" if title else ""
    return f"{kind}, {len(response.content)} bytes{shown}"


def _refusal_problem(
    client: Client, method: str, path: str, sign_in: set[str], api_route: bool
) -> str | None:
    """None when a stranger's ``method`` request of ``path`` is refused; otherwise what
    happened.

    Refused: 404 or 405 (401 or 403 from the API), or redirects that end on a sign-in
    page (Django admin's logout, for one, sends strangers to its index, which sends
    them to its sign-in page). A redirect is followed as a browser does: a 307 or 308
    repeats the method, the others GET.
    """
    response = client.generic(method, path)
    hops = [path]
    while response.status_code in REDIRECTS and len(hops) <= 5:
        location = urlsplit(response["Location"])
        if location.netloc or location.path in sign_in:
            break
        method = method if response.status_code in (307, 308) else "GET"
        hops.append(location.path)
        response = client.generic(method, location.path)
    status = response.status_code
    via = f" via {' -> '.join(hops)}" if len(hops) > 1 else ""
    if status in (404, 405) or (api_route and status in (401, 403)):
        return None
    if status in REDIRECTS:
        location = urlsplit(response["Location"])
        if location.path in sign_in and not location.netloc:
            return None
        return f"redirects to {response['Location']}{via} (not sign-in)"
    if status == 200:
        return f"answers 200{via} ({_what_it_gave(response)})"
    return f"answers {status}{via}"


@dataclass(frozen=True)
class Target:
    route: Route
    url: str  # the route's address, its parameters filled with real objects' values
    methods: list[str]  # those a stranger must be refused
    api: bool  # a django-ninja path, which may also answer 401 or 403


def _targets(language: str, objects: route_fixtures.RouteObjects) -> tuple[list[Target], list[str]]:
    """Every route a stranger must be refused, with its URL; and the routes the walk could
    not make a URL for, with what to do about it."""
    values = route_fixtures.parameter_values(objects)
    by_route = route_fixtures.route_values(objects)
    allauth_routes = list(_walk(allauth_patterns))
    allauth = {id(route.callback) for route in allauth_routes}
    all_routes = routes(language)
    with translation.override(language):
        sign_in = _sign_in_pages()
    targets: list[Target] = []
    problems = [
        f"{name}: in ALLAUTH_SIGNED_IN or ALLAUTH_PUBLIC, but allauth has no such page"
        for name in sorted((ALLAUTH_SIGNED_IN | ALLAUTH_PUBLIC) - {r.name for r in allauth_routes})
    ]
    for position, route in enumerate(all_routes):
        if route.literal and route.path in sign_in:
            continue  # the sign-in page itself
        methods = _protected_methods(route, allauth)
        if isinstance(methods, str):
            problems.append(f"{route.path}  ({route.name}): {methods}")
            continue
        if not methods:
            continue
        url, missing = _fill(route, values, by_route)
        if missing:
            problems.append(
                f"{route.path}  ({route.name}): no value for {', '.join(missing)}; add it "
                "to parameter_values (or route_values) in tests/route_fixtures.py, the "
                "value of a real object a stranger must not reach"
            )
        elif any(target.url == url for target in targets):
            continue  # another name of the same API path (its operations' names)
        elif _reaches(url, route, language):
            targets.append(Target(route, url, methods, ninja_path_view(route.callback) is not None))
        elif not any(earlier.path == route.path for earlier in all_routes[:position]):
            problems.append(
                f"{route.path}  ({route.name}): {url} does not reach this route; fix its "
                "values in tests/route_fixtures.py"
            )
        # else an earlier route of the same path answers its URL, and is walked
    return targets, problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stranger_is_refused_by_every_protected_route(db: Any, language: str) -> None:
    """An anonymous GET and an empty anonymous POST (no CSRF check, as a script would
    send it) of every route that is not public, its parameters filled with real
    objects' values, are sent to sign in or refused, and change nothing."""
    # given
    objects = route_fixtures.build()
    targets, problems = _targets(language, objects)
    client = Client(raise_request_exception=False)
    prefix = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
    with translation.override(language):
        sign_in = _sign_in_pages()
    checked: list[str] = []
    before = route_fixtures.snapshot()

    # when
    for target in targets:
        for method in target.methods:
            events = Event.objects.count()
            problem = _refusal_problem(client, method, target.url, sign_in, target.api)
            recorded = Event.objects.count() - events
            if recorded:
                problem = f"{problem + '; ' if problem else ''}recorded {recorded} event(s)"
            checked.append(f"{method} {target.url}")
            if problem:
                problems.append(f"{method} {target.url}  ({target.route.name}): {problem}")
    after = route_fixtures.snapshot()

    # then
    assert not problems, (
        f"{len(problems)} of {len(checked)} requests by a stranger were not refused "
        "(sent to sign in, or 401/403 from the API, 404, 405):\n" + "\n".join(problems)
    )
    for expected in (
        f"GET {prefix}dashboard/",
        f"POST {prefix}office/cases/{objects.submitted.uuid}/approve/",
        f"GET {prefix}documents/evidence/{objects.evidence.uuid}/",
        f"POST {prefix}accounts/2fa/totp/deactivate/",
    ):
        assert expected in checked, f"the walk missed {expected}"
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"strangers' requests changed {', '.join(changed)}"


def test_the_walks_values_name_objects_their_people_reach(db: Any) -> None:
    """The walk's values are worth something only if they unlock pages: each page with
    parameters (but the admin's) answers one of the people who own or work on its objects
    200. A page taking only POST answers every GET 405 whatever its values: there, one of
    them must get something other than 404 or 405 for a POST (empty, or the body in
    ``route_fixtures.POST_BODIES``), undone at once."""
    # given
    objects = route_fixtures.build()
    targets, problems = _targets(settings.LANGUAGE_CODE, objects)
    people = {
        who: login(Client(raise_request_exception=False), getattr(objects, who))
        for who in ("citizen", "clerk", "approver", "admin")
    }
    pages = [
        target
        for target in targets
        if not target.route.literal and not target.route.name.startswith("admin:")
    ]

    # when
    for target in pages:
        answers = {
            f"GET as {who}": client.get(target.url).status_code for who, client in people.items()
        }
        if all(status in (404, 405) for status in answers.values()) and 405 in answers.values():
            for who, client in people.items():
                with transaction.atomic():
                    answers[f"POST as {who}"] = client.post(
                        target.url, route_fixtures.POST_BODIES.get(target.route.name, {})
                    ).status_code
                    transaction.set_rollback(True)
        reached = any(
            status == 200 if method == "GET" else status not in (404, 405)
            for method, status in ((key.split()[0], value) for key, value in answers.items())
        )
        if not reached or any(status >= 500 for status in answers.values()):
            shown = ", ".join(f"{key}: {status}" for key, status in answers.items())
            problems.append(
                f"{target.url}  ({target.route.name}): {shown}; its values in "
                "tests/route_fixtures.py must name an object its people may use"
            )

    # then
    assert len(pages) > 40, f"only {len(pages)} pages with parameters walked"
    assert not problems, "\n".join(problems)
