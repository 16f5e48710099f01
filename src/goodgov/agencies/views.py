"""Agency administration: an agency's admins see its officers and give or take roles.

Every view answers 404 unless the signed-in user is an active admin of the agency
in the URL (``access.agency_to_administer``). Changes are POST only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goodgov.agencies import selectors, services
from goodgov.agencies.access import agency_to_administer
from goodgov.agencies.forms import OfficerAddForm, RoleForm
from goodgov.agencies.models import Membership, Role
from goodgov.core import access, kept_forms

RULE = "active admins of the agency in the URL only; anyone else gets 404"


def _role_labels(roles: list[str]) -> str:
    return ", ".join(str(Role(role).label) for role in roles)


@access.rule(access.AGENCY_ADMIN, "lists only the agencies the user administers")
def index(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.agencies_administered_by(request.user))
    if len(agencies) == 1:
        return redirect("agencies:officers", code=agencies[0].code)
    return render(request, "agencies/index.html", {"agencies": agencies})


@access.rule(access.AGENCY_ADMIN, RULE)
def officers(request: HttpRequest, code: str) -> HttpResponse:
    agency = agency_to_administer(request.user, code)
    return render(
        request,
        "agencies/officers.html",
        {
            "agency": agency,
            "officers": selectors.officers_of(agency),
            "role_labels": dict(Role.choices),
        },
    )


def _person(agency: Any, user_id: int) -> Any:
    """The officer (present or former) of ``agency`` with ``user_id``; 404 for anyone else."""
    person = selectors.officer_in(agency, user_id)
    if person is None:
        raise Http404
    return person


@access.rule(access.AGENCY_ADMIN, RULE)
def officer(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    agency = agency_to_administer(request.user, code)
    person = _person(agency, user_id)
    held = selectors.roles_of(person, agency)
    roles = [{"value": v, "label": label, "held": v in held} for v, label in Role.choices]
    return render(
        request,
        "agencies/officer.html",
        {
            "agency": agency,
            "person": person,
            "roles": roles,
            "holds_a_role": bool(held),
            "has_second_factor": selectors.has_second_factor(person),
            "for_operator": selectors.second_factor_is_for_operator(agency, person),
            "is_self": person == request.user,
            "history": selectors.officer_history(agency, person),
            "role_labels": dict(Role.choices),
        },
    )


@access.rule(access.AGENCY_ADMIN, RULE, form_page=kept_forms.HERE)
def officer_add(request: HttpRequest, code: str) -> HttpResponse:
    agency = agency_to_administer(request.user, code)
    form = OfficerAddForm(kept_forms.posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            added = services.officer_add(
                actor=request.user,
                agency=agency,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if added.created:
                # The set-password link went to the new officer's address, not here.
                return render(
                    request,
                    "agencies/officer_added.html",
                    {
                        "agency": agency,
                        "person": added.user,
                        "link_days": max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86400),
                    },
                )
            words = {"name": added.user, "roles": _role_labels(added.granted)}
            typed = form.cleaned_data["full_name"].strip()
            if typed.casefold() != (added.user.full_name or "").strip().casefold():
                text = _(
                    "%(name)s already had an account, so the name you typed was not used. "
                    "They now hold these roles: %(roles)s"
                )
            else:
                text = _("%(name)s now holds these roles: %(roles)s")
            messages.success(request, text % words)
            return redirect("agencies:officer", code=agency.code, user_id=added.user.pk)
    return render(
        request,
        "agencies/officer_add.html",
        {"agency": agency, "form": form},
        # A form kept from an ended session is shown on GET, as typed, with 200.
        status=400 if request.method == "POST" and form.errors else 200,
    )


@access.rule(access.AGENCY_ADMIN, RULE)
@require_POST
def role_grant(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    agency = agency_to_administer(request.user, code)
    person = _person(agency, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise Http404
    role = form.cleaned_data["role"]
    services.membership_grant(actor=request.user, user=person, agency=agency, role=role)
    messages.success(
        request,
        _("%(name)s now holds the role: %(role)s") % {"name": person, "role": Role(role).label},
    )
    return redirect("agencies:officer", code=agency.code, user_id=person.pk)


@access.rule(access.AGENCY_ADMIN, RULE)
@require_POST
def role_revoke(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    agency = agency_to_administer(request.user, code)
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise Http404
    role = form.cleaned_data["role"]
    membership = Membership.objects.filter(
        agency=agency, user_id=user_id, role=role, active=True
    ).first()
    if membership is None:
        raise Http404
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s no longer holds the role: %(role)s")
            % {"name": membership.user, "role": Role(role).label},
        )
    return redirect("agencies:officer", code=agency.code, user_id=user_id)


@access.rule(access.AGENCY_ADMIN, RULE + "; only for someone holding an active role there")
@require_http_methods(["GET", "POST"])
def second_factor_reset(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    """Confirm (GET), then remove (POST), an officer's authenticator app and recovery
    codes, for an officer who lost them. The page says what follows; no script needed."""
    agency = agency_to_administer(request.user, code)
    person = _person(agency, user_id)
    if not selectors.holds_role_in(agency, person):
        raise Http404
    if request.method == "POST":
        # Refused (nothing changes) for their own, for someone who holds a role in another
        # agency or is platform staff (a platform operator's to do), or with none set up.
        try:
            services.officer_second_factor_reset(actor=request.user, agency=agency, officer=person)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "The second factor of %(name)s has been reset and they have been signed "
                    "out. They must set up their authenticator app again the next time they "
                    "sign in."
                )
                % {"name": person},
            )
        return redirect("agencies:officer", code=agency.code, user_id=person.pk)
    return render(
        request,
        "agencies/second_factor_reset.html",
        {
            "agency": agency,
            "person": person,
            "is_self": person == request.user,
            "for_operator": selectors.second_factor_is_for_operator(agency, person),
            "has_second_factor": selectors.has_second_factor(person),
        },
    )
