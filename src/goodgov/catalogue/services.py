"""Publishing service definitions: one at a time, or a whole ``services/`` directory.

A definition is stored as a :class:`ServiceVersion` with the SHA-256 digest of its
canonical JSON. Publishing the same text again changes nothing and records nothing;
a changed text becomes the next version and ``service.published`` is recorded in the
same transaction. Cases pin their version, so open cases never change under people.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
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
    "catalogue_files",
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


def _yaml_words(exc: yaml.YAMLError) -> str:
    """What a YAML syntax error means, in words an author can act on (PyYAML's own text
    names an internal "<unicode string>" and the parser's states)."""
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    opened = getattr(exc, "context_mark", None)
    since = f" (opened on line {opened.line + 1})" if opened is not None else ""
    if problem.startswith("found character '\\t'"):
        return "a tab character: indent with spaces, not tabs"
    if problem.startswith("found character"):
        character = problem.split("'")[1] if problem.count("'") >= 2 else "this character"
        return f"a value cannot start with {character!r}: put the value in quotes"
    if problem == "mapping values are not allowed here":
        return (
            "a colon where none can be: put a value that contains ': ' in quotes, or check "
            "the indentation of this line"
        )
    if problem.startswith("expected <block end>"):
        return f"the indentation does not line up with the lines above{since}"
    if "quoted scalar" in context and "end of stream" in problem:
        return f"a quoted text{since} is never closed: its closing quote is missing"
    if problem.startswith("expected ',' or ']'"):
        return f"the list in [ ]{since} is not closed, or its items are not separated by commas"
    if problem.startswith("expected ',' or '}'"):
        return (
            f"the mapping in {{ }}{since} is not closed, or its entries are not separated by commas"
        )
    if problem.startswith("found undefined alias"):
        return f"{problem}: an alias (*name) must name an anchor (&name) given before it"
    if problem.startswith("could not determine a constructor"):
        return "a tag (!!...) that service definitions cannot use: remove it"
    return f"{context}: {problem}" if context else problem


def _duplicate_keys(root: yaml.Node) -> Iterator[tuple[str, str]]:
    """(field path, message) for each key given twice in one mapping: PyYAML would keep
    the last silently, so ``deadline_days: 30`` then ``deadline_days: 60`` means 60."""
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:  # an alias: the same node again (maybe itself)
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, str(i))) for i, item in enumerate(node.value))
        if not isinstance(node, yaml.MappingNode):
            continue
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            line = key_node.start_mark.line + 1
            if key in lines:
                yield (
                    ".".join((*path, key)),
                    f"is given twice (lines {lines[key]} and {line}): only the last would "
                    "count, without a word, so remove one of them",
                )
            else:
                lines[key] = line
            stack.append((value_node, (*path, key)))


def _parse(text: str, source: str) -> tuple[Any, list[Problem]]:
    """The YAML document in ``text``, or the problems that stop it being read."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            duplicates = sorted(_duplicate_keys(node))
            if duplicates:
                return None, [Problem(source, path, message) for path, message in duplicates]
        return (loader.construct_document(node) if node is not None else None), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            return None, [Problem(source, "", f"is not valid YAML: {_yaml_words(exc)}")]
        return None, [
            Problem(
                source,
                f"line {mark.line + 1}",
                f"is not valid YAML (column {mark.column + 1}): {_yaml_words(exc)}",
            )
        ]
    finally:
        loader.dispose()


def read_definition(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse one YAML file; the definition, or the problems that stop it being read."""
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(source, "", f"cannot be read: {exc}")]
    data, problems = _parse(text, source)
    if problems:
        return None, problems
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
    service_code = data.get("code") if isinstance(data, dict) else None
    if agency is not None and isinstance(service_code, str):
        service = Service.objects.select_related("agency").filter(code=service_code).first()
        if service is not None:
            problems.extend(_agency_problems(service, agency, source))
    if problems or agency is None:
        raise DefinitionError(problems)
    return data, agency


def _agency_problems(service: Service, agency: Agency, source: str) -> list[Problem]:
    """A service stays with the agency that published it: its cases, their officers and
    the figures published about them all belong to that agency."""
    if service.agency_id == agency.pk:
        return []
    owner = service.agency
    return [
        Problem(
            source,
            "agency",
            f"is '{agency.code}', but the service '{service.code}' belongs to {owner.code} "
            f"({owner.name_en}): a service cannot change agency, as its cases stay with "
            f"the agency that received them; give it a new code instead",
        )
    ]


def _plan(data: dict[str, Any], digest: str) -> tuple[Service | None, ServiceVersion | None, str]:
    """What publishing ``data`` would do: the service (None if new), the version that
    would become current (None if a new one), and NEW, NEW_VERSION, UNCHANGED or RESTORED."""
    service = Service.objects.select_related("current").filter(code=data["code"]).first()
    if service is None:
        return None, None, NEW
    if service.current is not None and service.current.digest == digest:
        return service, service.current, UNCHANGED
    version = ServiceVersion.objects.filter(service=service, digest=digest).first()
    return service, version, RESTORED if version is not None else NEW_VERSION


def _foreseen(definition: Any, source: str) -> LoadOutcome:
    """The outcome publishing ``definition`` would have, publishing nothing."""
    data, _agency = _check(definition, source)
    service, version, status = _plan(data, definition_digest(data))
    if version is not None:
        number = version.number
    elif service is None:
        number = 1
    else:
        last = ServiceVersion.objects.filter(service=service).aggregate(n=Max("number"))["n"]
        number = (last or 0) + 1
    return LoadOutcome(data["code"], status, number, published=False)


def _publish(*, actor: Any, definition: Any, source: str) -> tuple[ServiceVersion, str]:
    data, agency = _check(definition, source)
    digest = definition_digest(data)
    service, created = Service.objects.select_for_update().get_or_create(
        code=data["code"], defaults={"agency": agency}
    )
    if not created:  # checked again under the lock: another load may have come first
        problems = _agency_problems(service, agency, source)
        if problems:
            raise DefinitionError(problems)
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
    service.save(update_fields=["current", "updated_at"])
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
    published: bool = True  # False: what a check (dry run) found it would do

    def __str__(self) -> str:
        if not self.published:
            if self.status == UNCHANGED:
                return f"{self.code}: unchanged (version {self.version})"
            if self.status == NEW:
                return f"{self.code}: would be new (version {self.version})"
            if self.status == NEW_VERSION:
                return f"{self.code}: would be new version {self.version}"
            return f"{self.code}: would be version {self.version} again (same text as before)"
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


def catalogue_files(paths: Sequence[Path]) -> list[Path]:
    """The definition files ``paths`` name: a ``.yaml`` file itself, a directory's
    ``*.yaml``. Raises :class:`DefinitionError` for a path that is neither."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
        elif not path.exists():
            problems.append(Problem(str(path), "", "does not exist"))
        elif path.suffix != ".yaml":
            problems.append(Problem(str(path), "", "is not a service definition (*.yaml)"))
        else:
            files.append(path)
    if problems:
        raise DefinitionError(problems)
    return list(dict.fromkeys(files))


def catalogue_load(
    *,
    actor: Any,
    directory: Path | None = None,
    files: Sequence[Path] = (),
    check_only: bool = False,
) -> LoadResult:
    """Publish every ``*.yaml`` in ``directory``, or the definition ``files``: all of
    them, or none.

    Every file is checked first (its name must be its code); if any has a problem,
    nothing is published and :class:`DefinitionError` lists every problem of every file.
    ``check_only``: check, and say what publishing would do, but publish nothing.
    """
    if directory is not None:
        directory = Path(directory)
        if not directory.is_dir():
            raise DefinitionError([Problem(str(directory), "", "is not a directory")])
        files = [*sorted(directory.glob("*.yaml")), *files]
    files = list(dict.fromkeys(files))
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
    if check_only:
        return LoadResult([_foreseen(definition, path.name) for path, definition in checked])
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
