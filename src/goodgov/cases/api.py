"""A signed-in person's own cases over JSON: list, read, and submit in one step.

Auth: the session cookie with CSRF (``django_auth``). Other people's cases answer 404.
Bad input answers 400 ``{"message", "field", "errors": [{"field", "message"}]}``, every
message in the client's language; a fault in the answers is named ``answers.<name>``, with
the rule it breaks in the application form's words ("Number of copies must be between 1
and 5"). ``declaration`` is true or false, nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import StrictBool

from goodgov.cases import access, selectors, services
from goodgov.cases.models import Case
from goodgov.catalogue import selectors as catalogue_selectors
from goodgov.core.apiparts import DetailOut

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: str
    reference: str | None
    service: str
    version: int
    state: str
    channel: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    decided_at: dt.datetime | None

    @staticmethod
    def from_case(case: Case) -> CaseOut:
        return CaseOut(
            id=str(case.uuid),
            reference=case.reference,
            service=case.service.code,
            version=case.version.number,
            state=case.state,
            channel=case.channel,
            submitted_at=case.submitted_at,
            due_at=case.due_at,
            decided_at=case.decided_at,
        )


class SubmitIn(Schema):
    service: str
    answers: dict[str, Any]
    #: true or false only: "yes", 1 or "false" is refused, never read as a declaration
    declaration: StrictBool


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    message: str
    field: str | None = None
    errors: list[FieldErrorOut] = []


#: The refusals, as ``goodgov.api``'s handlers answer them (``{"detail"}``), that the
#: operations document besides bad input (400, ``ErrorOut``): no session (401); and for
#: the POST, no CSRF token (403, checked before the session), not the client's to file
#: (404) and a body over the size limit (413, ``goodgov.core.limits``).
NOT_SIGNED_IN: dict[Any, Any] = {401: DetailOut}
NOT_FILED: dict[Any, Any] = {frozenset({401, 403, 404, 413}): DetailOut}


@router.get(
    "",
    response={200: list[CaseOut], **NOT_SIGNED_IN},
    auth=django_auth,
    summary="My cases",
)
def list_cases(request: HttpRequest) -> list[CaseOut]:
    return [CaseOut.from_case(c) for c in selectors.cases_of(request.user)[:200]]


@router.get(
    "/{anytext:case_id}",  # goodgov.core.apiparts.AnyTextConverter: any text is a 404
    response={200: CaseOut, frozenset({401, 404}): DetailOut},
    auth=django_auth,
    summary="One of my cases",
)
def get_case(request: HttpRequest, case_id: str) -> CaseOut:
    return CaseOut.from_case(access.own_case(request.user, case_id))


@router.post(
    "",
    response={201: CaseOut, 400: ErrorOut, **NOT_FILED},
    auth=django_auth,
    summary="Apply and submit",
)
def submit_case(request: HttpRequest, payload: SubmitIn) -> Status[Any]:
    """Start, fill in and submit an application at once (services without required uploads).

    All or nothing: if anything is wrong, no draft is left behind.
    """
    try:
        service = selectors.service_taking_applications(payload.service)
        if service is None:
            return Status(400, _service_refused(payload.service))
        case = services.case_file(
            actor=request.user,
            applicant=request.user,
            service=service,
            answers=payload.answers,
            declaration=payload.declaration,
        )
    except services.NotAllowed as exc:
        raise Http404 from exc
    except services.CaseError as exc:
        if not all(_is_text(name) for name in payload.answers):
            refusal = _not_text(payload)  # a name that is not text is never sent back
            if refusal is not None:
                return Status(400, refusal)
        errors = [
            FieldErrorOut(field=_field(name), message=str(text))
            for name, text in exc.errors.items()
        ]
        field = _field(exc.field) if exc.field else None
        return Status(400, ErrorOut(message=str(exc.message), field=field, errors=errors))
    except (UnicodeEncodeError, DataError):
        # text that no store can take: a lone surrogate ("\ud800", which JSON can carry),
        # or a NUL in what PostgreSQL stores as text (psycopg refuses it before sending,
        # so the transaction is unharmed). Found only now: valid requests pay nothing.
        refusal = _not_text(payload)
        if refusal is None:
            raise
        return Status(400, refusal)
    return Status(201, CaseOut.from_case(case))


def _field(name: str) -> str:
    """The request field at fault: ``declaration``, ``answers`` as a whole (a fault of no
    one answer), or one answer as ``answers.<name>``."""
    return name if name in ("declaration", "answers") else f"answers.{name}"


def _is_text(value: Any) -> bool:
    """Whether every string in ``value`` (a decoded JSON value) can be stored: as UTF-8
    (a JSON escape can make a lone surrogate, which no encoding can), and as PostgreSQL
    text (no NUL)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_is_text(k) and _is_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_text(item) for item in value)
    return True


def _not_text(payload: SubmitIn) -> ErrorOut | None:
    """The refusal of a request with characters that are not text, each field with them
    named (an answer's name: the answers as a whole); None if it has none."""
    errors = []
    if not _is_text(payload.service):
        errors.append(FieldErrorOut(field="service", message=_("No service has this code.")))
    for name, value in payload.answers.items():
        if not _is_text(name):
            message = _(
                "The name of an answer contains characters that are not valid text. "
                "Remove them and try again."
            )
            errors.append(FieldErrorOut(field="answers", message=message))
        elif not _is_text(value):
            message = _(
                "This answer contains characters that are not valid text. "
                "Remove them and try again."
            )
            errors.append(FieldErrorOut(field=f"answers.{name}", message=message))
    if not errors:
        return None
    only_service = len(errors) == 1 and errors[0].field == "service"
    message = (
        errors[0].message
        if only_service
        else _("Some answers are missing or not valid. Check them and try again.")
    )
    return ErrorOut(message=message, field=errors[0].field, errors=errors)


def _service_refused(code: str) -> ErrorOut:
    """No service has this code, or it has but does not take applications now: bad input
    (400), not a missing resource. Only this refusal pays for the second look-up."""
    if catalogue_selectors.service_exists(code):
        message = _("This service is not taking applications.")
    else:
        message = _("No service has this code.")
    return ErrorOut(
        message=message,
        field="service",
        errors=[FieldErrorOut(field="service", message=message)],
    )
