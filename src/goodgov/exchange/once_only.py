"""Once-only evidence: a fact a service needs, fetched from another agency's registry.

A service definition's evidence item of ``kind: fetched`` names where the fact lives
(``source: <node>/<data service>/<method>``, e.g. ``ddg/population/person``), which
``fields`` the service needs, and why it may have them: a ``legal_basis`` (PDPA section
24, one of :data:`goodgov.exchange.services.LEGAL_BASES`) or ``consent: true``. When the
person applies, the platform asks that node through the signed exchange protocol
(:func:`goodgov.exchange.client.call`) for the applicant, so the person gives the fact
once, to the state, and never uploads it again.

Consent: the person's consent is recorded here as a :class:`~goodgov.exchange.models.Consent`
for the fields the service needs (``exchange.consent_given``; they can withdraw it at
``/me/data/``). Its reference travels in the request with a consent token signed by this
node (:mod:`goodgov.exchange.consent_tokens`), issued for each request while the consent
stands, so a provider on another node can rely on it; once the person withdraws it here,
no token is issued and nothing more is asked on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# <node>/<data service>/<method>: a node name has no "/" (it may be host:port).
SOURCE = re.compile(
    r"^(?P<node>[^/\s]{1,64})/(?P<service>[a-z0-9-]{1,64})/(?P<method>[a-z0-9-]{1,64})$"
)

# The fields each data service method can return (docs/exchange.md, "Registries"); an
# access right and a service definition may name only these.
METHOD_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("population", "person"): (
        "given_name_th",
        "family_name_th",
        "given_name_en",
        "family_name_en",
        "birth_date",
        "age",
        "sex",
        "address",
        "household_id",
        "household_role",
        "dead",
        "death_date",
    ),
    ("population", "household"): ("household_id", "address", "members"),
    ("welfare", "status"): ("programmes",),
}

FIELD_LABELS = {
    "given_name_th": _("Given name (Thai)"),
    "family_name_th": _("Family name (Thai)"),
    "given_name_en": _("Given name (English)"),
    "family_name_en": _("Family name (English)"),
    "birth_date": _("Date of birth"),
    "age": _("Age"),
    "sex": _("Sex"),
    "address": _("Address in the house registration"),
    "household_id": _("House code"),
    "household_role": _("Role in the household"),
    "dead": _("Deceased"),
    "death_date": _("Date of death"),
    "members": _("Household members"),
    "programmes": _("Welfare payments"),
}

REGISTRY_NAMES = {
    "population": _("the population registry"),
    "welfare": _("the welfare registry"),
}

CONSENT_DAYS = 30  # a consent given when applying covers the application, not for ever


@dataclass(frozen=True)
class Source:
    node: str
    service: str
    method: str

    def __str__(self) -> str:
        return f"{self.node}/{self.service}/{self.method}"


def parse_source(text: Any) -> Source:
    """``"ddg/population/person"`` as a :class:`Source`; ValueError if malformed."""
    match = SOURCE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not <node>/<data service>/<method>")
    return Source(match["node"], match["service"], match["method"])


def source_problems(item: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with a fetched evidence item beyond its JSON Schema: (field, message).

    (The schema checks the form of ``source``, that ``legal_basis`` is a known code and
    that ``consent`` is true.)
    """
    problems: list[tuple[str, str]] = []
    try:
        source = parse_source(item.get("source"))
    except ValueError:
        return problems  # the schema reports the form of the source
    known = METHOD_FIELDS.get((source.service, source.method))
    if known is None:
        offered = ", ".join(f"{s}/{m}" for s, m in METHOD_FIELDS)
        problems.append(
            (
                "source",
                f"no data service offers '{source.service}/{source.method}'; known: {offered}",
            )
        )
    else:
        for index, name in enumerate(item.get("fields") or []):
            if isinstance(name, str) and name not in known:
                problems.append(
                    (
                        f"fields.{index}",
                        f"'{name}' is not a field of {source.service}/{source.method}; "
                        f"use one of: {', '.join(known)}",
                    )
                )
    basis, consent = item.get("legal_basis"), item.get("consent")
    if basis is None and consent is None:
        problems.append(
            ("legal_basis", "is missing: give a legal basis (pdpa-24-…) or consent: true")
        )
    elif basis is not None and consent is not None:
        problems.append(("consent", "give either a legal basis or consent: true, not both"))
    return problems


def fetched_items(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in definition.get("evidence", []) if i.get("kind") == "fetched"]


def provider_agency(node: str) -> tuple[str, str]:
    """The code and the name (in this language) of the agency that runs ``node``.

    From the directory and this node's agencies; if neither knows it (the directory
    cannot be reached, say), words for it rather than the node's machine name.
    """
    from goodgov.exchange import directory

    try:
        known = directory.node(node)
    except directory.DirectoryError:
        known = None
    code = known.agency if known is not None else ""
    return code, agency_name(code)


#: An agency the platform does not know by name, in a sentence about it.
UNKNOWN_AGENCY = _("the agency that keeps it")


def agency_name(code: str) -> str:
    """The name of the agency with this code here, in this language; else its code, or
    :data:`UNKNOWN_AGENCY` when there is none."""
    from goodgov.agencies.models import Agency

    agency = Agency.objects.filter(code=code).first() if code else None
    return agency.name if agency is not None else code or str(UNKNOWN_AGENCY)


def fields_text(fields: list[str]) -> str:
    """``date of birth, age and address in the house registration``, in this language."""
    from django.utils.translation import gettext

    from goodgov.core.thai import text_list

    labels = [str(FIELD_LABELS.get(f, f)) for f in fields]
    return text_list([label[:1].lower() + label[1:] for label in labels], gettext("and"))


def registry_name(service: str) -> str:
    return str(REGISTRY_NAMES.get(service, service))


def basis_label(legal_basis: str) -> str:
    from goodgov.exchange.services import CONSENT, LEGAL_BASES

    if legal_basis == CONSENT:
        return str(_("Your consent"))
    return str(LEGAL_BASES.get(legal_basis, legal_basis))


@dataclass(frozen=True)
class Fact:
    """What the provider returned for one evidence item, and where and why it came from."""

    node: str
    agency_code: str
    service: str
    method: str
    purpose: str
    legal_basis: str
    consent_reference: str
    data: dict[str, Any]
    fetched_at: dt.datetime


class FetchFailed(Exception):
    """The fact could not be fetched; ``message`` says why in words for the person."""

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def _explain(error: Any, *, agency: str, registry: str) -> FetchFailed:
    """A typed exchange error as a message the person can act on."""
    from goodgov.exchange import errors

    params = {"agency": agency, "registry": registry}
    if isinstance(error, errors.ProviderUnavailable | errors.ProviderTimeout):
        message = _(
            "We could not reach %(registry)s of %(agency)s just now. Your answers are "
            "saved: try again later."
        )
    elif isinstance(error, errors.NotFound):
        message = _(
            "We found no record for your national ID number in %(registry)s of %(agency)s. "
            "Contact the agency to check your record."
        )
    elif isinstance(error, errors.ConsentMissing | errors.ConsentExpired | errors.ConsentWithdrawn):
        message = _(
            "%(agency)s did not accept your consent, so it did not give us the information "
            "from %(registry)s."
        )
    elif isinstance(
        error,
        errors.NoRight
        | errors.RightRevoked
        | errors.PurposeNotAllowed
        | errors.LegalBasisNotAllowed,
    ):
        message = _(
            "%(agency)s did not agree to give us the information from %(registry)s for "
            "this service. We have told no one your details; contact the agency that runs "
            "this service."
        )
    elif isinstance(error, errors.UnknownNode):
        message = _(
            "This service is not connected to %(registry)s of %(agency)s yet. Contact "
            "the agency that runs this service."
        )
    else:
        message = _(
            "We could not get the information from %(registry)s of %(agency)s because "
            "of a technical problem. Your answers are saved: try again later."
        )
    return FetchFailed(_Lazy(message, params), getattr(error, "code", "exchange_error"))


class _Lazy:
    """A translated message with its parameters, rendered in the language of the moment."""

    def __init__(self, message: Any, params: dict[str, Any]) -> None:
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params


def _consent(
    national_id_value: str, source: Source, purpose: str, actor: Any, fields: list[str]
) -> Any:
    """The person's live consent for this node, service and purpose that covers ``fields``;
    given now (for those fields) if none."""
    from goodgov.core import national_id as ids
    from goodgov.exchange import directory, services
    from goodgov.exchange.models import Consent

    digits = ids.clean(national_id_value)
    person_hash = ids.lookup_hash(digits)
    now = timezone.now()
    terms = {
        "person_hash": person_hash,
        "client": directory.node_name(),
        "service": source.service,
        "purpose": purpose,
    }
    live_ones = Consent.objects.filter(
        person_hash__in=ids.lookup_hashes(digits),  # any key's, while a rotation completes
        client=terms["client"],
        service=terms["service"],
        purpose=purpose,
        withdrawn_at__isnull=True,
        expires_at__gt=now,
    )
    for live in live_ones:
        if not live.fields or set(fields) <= set(live.fields):
            return live
    return services.consent_give(
        actor=actor, expires_at=now + dt.timedelta(days=CONSENT_DAYS), fields=fields, **terms
    )


def fetch(
    *,
    item: dict[str, Any],
    national_id_value: str,
    purpose: str,
    actor: Any,
    actor_role: str = "",
    consent: bool = False,
    national_id_unchecked: bool = False,
    **call_options: Any,
) -> Fact:
    """Ask the item's source for the person's fields; :class:`FetchFailed` if it cannot.

    ``national_id_value`` is the person's checked national ID only; with none,
    ``national_id_unchecked`` says their account gives one nobody has checked yet
    (``User.national_id_claim_encrypted``), which is never sent.

    With ``consent: true`` items, ``consent`` says the person has just agreed: it is
    recorded here and its reference sent. Every attempt is recorded as
    ``exchange.requested`` by the client, whatever comes of it.
    """
    from goodgov.exchange import client, directory, errors, services

    source = parse_source(item["source"])
    code, agency = provider_agency(source.node)
    registry = registry_name(source.service)
    if not national_id_value and national_id_unchecked:
        raise FetchFailed(
            _Lazy(
                _(
                    "Your national ID number has not been checked against your ID card "
                    "yet, so we cannot ask %(registry)s of %(agency)s for you. Show your "
                    "ID card once at the counter of an agency that uses this service."
                ),
                {"agency": agency, "registry": registry},
            ),
            "national_id_unchecked",
        )
    if not national_id_value:
        raise FetchFailed(
            _Lazy(
                _(
                    "Your account has no national ID number, so we cannot ask "
                    "%(registry)s of %(agency)s for you."
                ),
                {"agency": agency, "registry": registry},
            ),
            "no_national_id",
        )
    reference = None
    if item.get("consent"):
        if not consent:
            raise FetchFailed(
                _Lazy(
                    _("Tick the box to agree that %(agency)s may give us this information."),
                    {"agency": agency},
                ),
                "consent_needed",
            )
        fields = [str(f) for f in item.get("fields") or []]
        reference = str(_consent(national_id_value, source, purpose, actor, fields).reference)
    try:
        result = client.call(
            node=source.node,
            service=source.service,
            method=source.method,
            national_id_value=national_id_value,
            purpose=purpose,
            legal_basis=None if reference else str(item["legal_basis"]),
            consent=reference,
            actor=actor,
            actor_role=actor_role,
            **call_options,
        )
    except (errors.ExchangeError, directory.DirectoryError) as error:
        raise _explain(error, agency=agency, registry=registry) from error
    wanted = set(item.get("fields") or [])
    if not wanted <= set(result.data):
        raise FetchFailed(
            _Lazy(
                _(
                    "We did not get all the information this service needs from "
                    "%(registry)s of %(agency)s. Contact the agency that runs this service."
                ),
                {"agency": agency, "registry": registry},
            ),
            "fields_missing",
        )
    return Fact(
        node=source.node,
        agency_code=code,
        service=source.service,
        method=source.method,
        purpose=purpose,
        legal_basis=services.CONSENT if reference else str(item["legal_basis"]),
        consent_reference=reference or "",
        data={k: v for k, v in result.data.items() if k in wanted},
        fetched_at=timezone.now(),
    )
