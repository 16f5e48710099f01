"""Publishing service definitions: one at a time, or a whole ``services/`` directory.

A definition is stored as a :class:`ServiceVersion` with the SHA-256 digest of its
canonical JSON. Publishing the same text again changes nothing and records nothing;
a changed text becomes the next version and ``service.published`` is recorded in the
same transaction. Cases pin their version, so open cases never change under people.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max

from goodgov import ledger
from goodgov.agencies.models import Agency
from goodgov.catalogue.events import REASON_MAX
from goodgov.catalogue.models import Service, ServiceVersion
from goodgov.catalogue.validation import (
    DefinitionError,
    Problem,
    canonical_json,
    definition_problems,
)

__all__ = [
    "DefinitionError",
    "LoadOutcome",
    "LoadResult",
    "Problem",
    "catalogue_load",
    "definition_digest",
    "read_definition",
    "service_publish",
    "service_reopen",
    "service_withdraw",
]

NEW = "new"
NEW_VERSION = "new version"
UNCHANGED = "unchanged"
RESTORED = "restored"


class ServiceStateError(ValueError):
    """The service cannot be withdrawn or reopened as asked (the message says why)."""


class _Loader(yaml.SafeLoader):
    """YAML as JSON sees it: ``2026-01-01`` stays text rather than becoming a date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def definition_digest(definition: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``definition``."""
    return hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()


def _as_json(definition: Any, source: str) -> tuple[Any, list[Problem]]:
    """The definition as JSON will store it, or a problem if JSON cannot hold it."""
    try:
        return json.loads(json.dumps(definition, ensure_ascii=False, allow_nan=False)), []
    except (TypeError, ValueError) as exc:
        return None, [Problem(source, "", f"cannot be stored as JSON: {exc}")]


def read_definition(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse one YAML file; the definition, or the problems that stop it being read."""
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(source, "", f"cannot be read: {exc}")]
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 -- a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        return None, [Problem(source, where, f"is not valid YAML: {exc}")]
    data, problems = _as_json(data, source)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(source, "", "must be a mapping of named fields (is the file empty?)")]
    return data, []


def _check(definition: Any, source: str) -> tuple[dict[str, Any], Agency]:
    """The definition as stored and its agency, or :class:`DefinitionError`."""
    data, problems = _as_json(definition, source)
    if problems:
        raise DefinitionError(problems)
    problems = definition_problems(data, source=source)
    agency = None
    code = data.get("agency") if isinstance(data, dict) else None
    if isinstance(code, str):
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            problems.append(Problem(source, "agency", f"no agency has the code '{code}'"))
    if problems or agency is None:
        raise DefinitionError(problems)
    return data, agency


def _publish(*, actor: Any, definition: Any, source: str) -> tuple[ServiceVersion, str]:
    data, agency = _check(definition, source)
    digest = definition_digest(data)
    service, created = Service.objects.select_for_update().get_or_create(
        code=data["code"], defaults={"agency": agency}
    )
    current = service.current
    if current is not None and current.digest == digest:
        return current, UNCHANGED
    version = ServiceVersion.objects.filter(service=service, digest=digest).first()
    if version is not None:
        status = RESTORED  # the text of an earlier version, published again
    else:
        last = ServiceVersion.objects.filter(service=service).aggregate(n=Max("number"))["n"]
        version = ServiceVersion.objects.create(
            service=service,
            number=(last or 0) + 1,
            definition=data,
            digest=digest,
            source=source[:255],
        )
        status = NEW if created else NEW_VERSION
    service.current = version
    service.agency = agency
    service.save(update_fields=["current", "agency", "updated_at"])
    ledger.record(
        actor=actor,
        action="service.published",
        subject=version,
        agency=agency,
        public={
            "service": service.code,
            "agency": agency.code,
            "version": version.number,
            "digest": digest,
        },
    )
    return version, status


@transaction.atomic
def service_publish(*, actor: Any, definition: dict[str, Any], source: str) -> ServiceVersion:
    """Validate ``definition`` and make it the service's current version.

    Returns the current version unchanged when the text is the same (no event).
    Publishing the text of an earlier version makes that version current again
    rather than numbering the same text twice. Raises :class:`DefinitionError`.
    """
    version, _status = _publish(actor=actor, definition=definition, source=source)
    return version


@dataclass(frozen=True)
class LoadOutcome:
    code: str
    status: str  # NEW, NEW_VERSION, UNCHANGED or RESTORED
    version: int

    def __str__(self) -> str:
        if self.status == NEW:
            return f"{self.code}: new (version {self.version})"
        if self.status == NEW_VERSION:
            return f"{self.code}: new version {self.version}"
        if self.status == RESTORED:
            return f"{self.code}: version {self.version} again (same text as before)"
        return f"{self.code}: unchanged (version {self.version})"


@dataclass(frozen=True)
class LoadResult:
    outcomes: list[LoadOutcome] = field(default_factory=list)

    @property
    def changed(self) -> list[LoadOutcome]:
        return [o for o in self.outcomes if o.status != UNCHANGED]


def catalogue_load(*, actor: Any, directory: Path) -> LoadResult:
    """Publish every ``*.yaml`` in ``directory``: all of them, or none.

    Every file is checked first (its name must be its code); if any has a problem,
    nothing is published and :class:`DefinitionError` lists every problem of every file.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DefinitionError([Problem(str(directory), "", "is not a directory")])
    files = sorted(directory.glob("*.yaml"))
    problems: list[Problem] = []
    checked: list[tuple[Path, dict[str, Any]]] = []
    codes: dict[str, str] = {}
    for path in files:
        definition, read_problems = read_definition(path)
        problems.extend(read_problems)
        if definition is None:
            continue
        try:
            _check(definition, path.name)
        except DefinitionError as exc:
            problems.extend(exc.problems)
        code = definition.get("code")
        if isinstance(code, str) and code != path.stem:
            problems.append(
                Problem(path.name, "code", f"is '{code}' but the file is named '{path.stem}.yaml'")
            )
        if isinstance(code, str) and code in codes:
            problems.append(Problem(path.name, "code", f"'{code}' is also used by {codes[code]}"))
        if isinstance(code, str):
            codes.setdefault(code, path.name)
        checked.append((path, definition))
    if problems:
        raise DefinitionError(problems)
    outcomes = []
    with transaction.atomic():
        for path, definition in checked:
            version, status = _publish(actor=actor, definition=definition, source=path.name)
            outcomes.append(LoadOutcome(version.service.code, status, version.number))
    return LoadResult(outcomes)


def _locked_service(code: str) -> Service:
    service = Service.objects.select_for_update().select_related("agency").filter(code=code).first()
    if service is None:
        raise ServiceStateError(f"no service has the code '{code}'")
    return service


@transaction.atomic
def service_withdraw(*, actor: Any, code: str, reason: str) -> Service:
    """Stop the service taking applications, and record ``service.withdrawn`` with the
    reason, which is public: the people who used the service may ask why it is gone.

    Its pages leave the catalogue and answer 404, drafts can no longer be submitted, and
    the cases already submitted go on to their decisions under their versions. Loading
    its definition again publishes versions but does not reopen it:
    :func:`service_reopen` does. Raises :class:`ServiceStateError`.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceStateError("give the reason for withdrawing the service (it is public)")
    if len(reason) > REASON_MAX:
        raise ServiceStateError(f"the reason takes at most {REASON_MAX} characters")
    service = _locked_service(code)
    if not service.active:
        raise ServiceStateError(f"'{code}' is already withdrawn")
    return _set_active(actor, service, False, "service.withdrawn", reason=reason)


@transaction.atomic
def service_reopen(*, actor: Any, code: str) -> Service:
    """Take applications for a withdrawn service again, under its current version, and
    record ``service.reopened``. Raises :class:`ServiceStateError`."""
    service = _locked_service(code)
    if service.active:
        raise ServiceStateError(f"'{code}' is not withdrawn")
    if service.current_id is None:
        raise ServiceStateError(f"'{code}' has no published version to reopen with")
    return _set_active(actor, service, True, "service.reopened")


def _set_active(actor: Any, service: Service, active: bool, action: str, **facts: str) -> Service:
    """Open or close the (locked) service and record ``action`` with ``facts``."""
    service.active = active
    service.save(update_fields=["active", "updated_at"])
    ledger.record(
        actor=actor,
        action=action,
        subject=service,
        agency=service.agency,
        public={"service": service.code, "agency": service.agency.code, **facts},
    )
    return service
